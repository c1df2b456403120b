package scanner

import (
	"slices"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

func TestSelectionExpiries(t *testing.T) {
	listed := []string{"20261120", "20261127", "20261218", "20270115", "20270129", "20270219", "20270319", "20270416"}
	// BRCV closes 2027-01-29: from 60 days before (2026-11-30) to the
	// second expiry after the close; the one on the close day is taken.
	got := DefaultSelection().Expiries(brcv, listed)
	want := []string{"20261218", "20270115", "20270129", "20270219", "20270319"}
	if !slices.Equal(got, want) {
		t.Errorf("expiries %v, want %v", got, want)
	}
	noClose := brcv
	noClose.ExpectedClose = time.Time{}
	if got := (Selection{}).Expiries(noClose, listed); !slices.Equal(got, listed[:3]) {
		t.Errorf("unknown close: %v, want the first three", got)
	}
	if got := (Selection{DaysBefore: 20, After: 1}).Expiries(brcv, listed); !slices.Equal(got, []string{"20270115", "20270129", "20270219"}) {
		t.Errorf("20 days before, 1 after: %v", got)
	}
}

// TestSelectionCandidates: D = 100, strikes 70..115 every 5. Long legs
// 75–100, short calls 95–110, short puts up to 103, the short leg among
// the next 4 strikes.
func TestSelectionCandidates(t *testing.T) {
	d := Deal{Symbol: "X", Price: 100, ExpectedClose: brcv.ExpectedClose}
	s := &Series{Symbol: "X", Expiry: "20270219"}
	id := int64(1)
	for k := 70.0; k <= 115; k += 5 {
		s.Strikes = append(s.Strikes, k)
		s.Calls = append(s.Calls, conn.Contract{ConID: id, Right: "C", Strike: k})
		s.Puts = append(s.Puts, conn.Contract{ConID: id + 1, Right: "P", Strike: k})
		id += 2
	}
	got := map[Kind][]string{}
	for _, c := range DefaultSelection().Candidates(d, s, 100, nil) {
		got[c.Kind] = append(got[c.Kind], StrikesText(&c))
	}
	want := map[Kind][]string{
		KindLongCall:     {"75", "80", "85", "90", "95", "100"},
		KindCoveredCall:  {"95", "100", "105", "110"},
		KindShortPut:     {"75", "80", "85", "90", "95", "100"},
		KindCallVertical: {"75/95", "80/95", "80/100", "85/95", "85/100", "85/105", "90/95", "90/100", "90/105", "90/110", "95/100", "95/105", "95/110", "100/105", "100/110"},
		KindPutVertical:  {"75/80", "75/85", "75/90", "75/95", "80/85", "80/90", "80/95", "80/100", "85/90", "85/95", "85/100", "90/95", "90/100", "95/100"},
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%v: %v, want %v", k, got[k], w)
		}
	}
	if n := len(got[KindStock]); n != 0 {
		t.Errorf("%d stock rows per expiry, want none (one per deal)", n)
	}
	only := DefaultSelection().Candidates(d, s, 100, map[Kind]bool{KindShortPut: true})
	if len(only) != 6 {
		t.Errorf("kinds short_put: %d candidates, want 6", len(only))
	}
}
