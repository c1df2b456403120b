package market

import (
	"slices"
	"testing"
	"time"
)

// testDays are the "today"s the contract-wide tests use: a Monday in late
// 2026, a Friday monthly expiry day in early 2027, and a day in 2027 after
// several deals were due to close.
var testDays = []time.Time{
	time.Date(2026, 11, 2, 14, 30, 0, 0, time.UTC),
	time.Date(2027, 1, 15, 20, 0, 0, 0, time.UTC),
	time.Date(2027, 8, 4, 16, 0, 0, 0, time.UTC),
}

func TestStrikeLadderProperties(t *testing.T) {
	u := Default()
	for _, today := range testDays {
		for _, s := range u.Stocks() {
			all := u.AllStrikes(s.Symbol, today)
			sets := map[string]bool{}
			for _, ex := range u.Expirations(s.Symbol, today) {
				ks := u.Strikes(s.Symbol, ex, today)
				if len(ks) < 5 {
					t.Fatalf("%s %s: only %d strikes", s.Symbol, ex, len(ks))
				}
				for i, k := range ks {
					c, ok := toCents(k)
					if !ok || c%50 != 0 || (i > 0 && k <= ks[i-1]) {
						t.Fatalf("%s %s: strikes not positive, on the $0.50 grid, sorted and unique: %v", s.Symbol, ex, ks)
					}
					if _, found := slices.BinarySearch(all, k); !found {
						t.Fatalf("%s %s: strike %v missing from AllStrikes", s.Symbol, ex, k)
					}
				}
				if ks[0] >= s.Price || ks[len(ks)-1] <= s.Price {
					t.Errorf("%s %s: ladder %v..%v does not bracket %v", s.Symbol, ex, ks[0], ks[len(ks)-1], s.Price)
				}
				if d := s.Deal; d != nil && (ks[0] > 0.75*d.Price || ks[len(ks)-1] < 1.10*d.Price) {
					t.Errorf("%s %s: ladder %v..%v does not span 75-110%% of the deal price %v", s.Symbol, ex, ks[0], ks[len(ks)-1], d.Price)
				}
				sets[floatsKey(ks)] = true
			}
			// The union is not a valid chain: expirations differ.
			if len(sets) < 3 {
				t.Errorf("%s: only %d distinct strike sets", s.Symbol, len(sets))
			}
			if sets[floatsKey(all)] {
				t.Errorf("%s: some expiry lists every strike of the union", s.Symbol)
			}
		}
	}
}

// floatsKey makes a map key of a strike list.
func floatsKey(ks []float64) string {
	b := make([]byte, 0, 8*len(ks))
	for _, k := range ks {
		c, _ := toCents(k)
		b = append(b, byte(c), byte(c>>8), byte(c>>16), ',')
	}
	return string(b)
}

// steps returns the distinct gaps between neighbouring strikes within frac
// of price.
func steps(ks []float64, price, frac float64) []float64 {
	var out []float64
	for i := 1; i < len(ks); i++ {
		if ks[i-1] >= price*(1-frac) && ks[i] <= price*(1+frac) {
			out = append(out, ks[i]-ks[i-1])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestStrikeIncrementsFitThePrice(t *testing.T) {
	u := Default()
	today := testDays[0]
	cases := []struct {
		sym       string
		expiry    string  // a weekly, a monthly or a LEAPS on testDays[0]
		near      float64 // increment within 3 % of the price
		lowest    float64 // the ladder reaches at least this low
		maxStrike int     // and holds no more than this many strikes
	}{
		{"SPY", "20261103", 1, 680, 120},   // daily
		{"SPY", "20270115", 1, 400, 700},   // monthly: $1 everywhere
		{"SPY", "20290119", 1, 250, 600},   // LEAPS: $1 near, $5 far
		{"NVDA", "20261106", 1, 160, 120},  // weekly of a $195 stock
		{"AAPL", "20261106", 2.5, 220, 60}, // weekly of a $265 stock
		{"AAPL", "20290119", 5, 50, 120},   // LEAPS: coarser and wider
		{"F", "20261106", 0.5, 12, 30},     // cheap stock
		{"LLY", "20261106", 10, 900, 60},   // $1000 stock
	}
	for _, c := range cases {
		ks := u.Strikes(c.sym, c.expiry, today)
		s, _ := u.Stock(c.sym)
		if got := steps(ks, s.Price, 0.03); len(got) != 1 || got[0] != c.near {
			t.Errorf("%s %s: increments near the money %v, want %v", c.sym, c.expiry, got, c.near)
		}
		if len(ks) == 0 || ks[0] > c.lowest || len(ks) > c.maxStrike {
			t.Errorf("%s %s: %d strikes from %v, want from at most %v and at most %d strikes", c.sym, c.expiry, len(ks), ks[0], c.lowest, c.maxStrike)
		}
	}
	// Weeklies are narrower than LEAPS.
	w, l := u.Strikes("TSLA", "20261106", today), u.Strikes("TSLA", "20290119", today)
	if w[0] <= l[0] || w[len(w)-1] >= l[len(l)-1] {
		t.Errorf("TSLA weekly %v..%v is not inside LEAPS %v..%v", w[0], w[len(w)-1], l[0], l[len(l)-1])
	}
	if u.Strikes("AAPL", "20261107", today) != nil || u.Strikes("AAPL", "garbage", today) != nil {
		t.Error("strikes for an expiration that is not listed")
	}
}
