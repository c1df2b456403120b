package scanner

import (
	"math"
	"strings"
	"testing"
)

func ladderOf(lo, hi, step float64) []float64 {
	var out []float64
	for k := lo; k <= hi+1e-9; k += step {
		out = append(out, math.Round(k*100)/100)
	}
	return out
}

func TestSelectStrikes(t *testing.T) {
	ks := ladderOf(50, 150, 1) // 101 strikes, index i = strike 50+i
	cases := []struct {
		name     string
		strikes  []float64
		under    float64
		w        Window
		from, to int
	}{
		{"default ±10 around 100.4", ks, 100.4, Window{}, 40, 61},
		{"money rounds to nearer strike", ks, 100.6, Window{}, 41, 62},
		{"bottom edge keeps the count", ks, 51, Window{}, 0, 21},
		{"top edge keeps the count", ks, 149, Window{}, 80, 101},
		{"unknown price: middle", ks, math.NaN(), Window{}, 40, 61},
		{"scroll up 5", ks, 100, Window{Offset: 5}, 45, 66},
		{"scroll clamps", ks, 100, Window{Offset: 1000}, 80, 101},
		{"scroll clamps low", ks, 100, Window{Offset: -1000}, 0, 21},
		{"count 5", ks, 100, Window{Count: 5}, 48, 53},
		{"more than listed", ladderOf(10, 14, 1), 12, Window{}, 0, 5},
		{"deal range smaller than count", ks, 90, DealWindow(Deal{Price: 100}, 40), 25, 61}, // 75..110
		{"deal range, default count", ks, 90, DealWindow(Deal{Price: 100}, 0), 30, 51},
		{"deal range larger than count", ks, 90, DealWindow(Deal{Price: 100}, 11), 35, 46}, // 11 around 90
		{"deal range, price outside", ks, 130, DealWindow(Deal{Price: 100}, 11), 50, 61},   // clamps to 110
		{"deal range nothing listed", ladderOf(10, 20, 1), 15, DealWindow(Deal{Price: 100}, 5), 3, 8},
		{"empty", nil, 100, Window{}, 0, 0},
	}
	for _, c := range cases {
		from, to := SelectStrikes(c.strikes, c.under, c.w)
		if from != c.from || to != c.to {
			t.Errorf("%s: [%d, %d), want [%d, %d)", c.name, from, to, c.from, c.to)
		}
	}
}

func TestDealWindowBadPrice(t *testing.T) {
	if w := DealWindow(Deal{Price: math.NaN()}, 7); w.Hi != 0 || w.Count != 7 {
		t.Errorf("NaN deal price: %+v", w)
	}
}

func TestShownNoteReasons(t *testing.T) {
	snap := func(rows, total int) Snapshot {
		return Snapshot{Expiry: "20270115", Rows: make([]Row, rows), Total: total}
	}
	for _, c := range []struct {
		asked int
		snap  Snapshot
		deal  bool
		want  string
	}{
		{5, snap(5, 29), false, ""},
		{100, snap(29, 29), false, "showing 29 of the 100 strikes asked for: expiry 20270115 lists only 29"},
		{100, snap(47, 80), false, "showing 47 of the 100 strikes asked for: the most the market-data line budget (95 lines) allows"},
		{21, snap(9, 80), true, "showing 9 of the 21 strikes asked for: the rest lie outside the deal's range"},
	} {
		if got := shownNote(c.asked, c.snap, 95, c.deal); !strings.HasPrefix(got, c.want) || (c.want == "") != (got == "") {
			t.Errorf("shownNote(%d, %d rows of %d, deal %v) = %q, want %q…", c.asked, len(c.snap.Rows), c.snap.Total, c.deal, got, c.want)
		}
	}
}
