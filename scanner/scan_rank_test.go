package scanner

import (
	"math/rand/v2"
	"testing"
	"time"
)

// rankFixture is the BRCV structures of the hand-computed test, plus
// rows that must never rank: a loss, a one-sided leg, an unknown close,
// an expiry before the close.
func rankFixture() []Structure {
	noClose := brcv
	noClose.ExpectedClose = time.Time{}
	oneSided := c35
	oneSided.Bid = 0
	ss := []Structure{
		priced(brcv, KindStock, brcvStock),
		priced(brcv, KindLongCall, buy(c30)),
		priced(brcv, KindCallVertical, buy(c30), sell(c35)),
		priced(brcv, KindPutVertical, sell(p35), buy(p30)),
		priced(brcv, KindShortPut, sell(p30)),
		priced(brcv, KindCoveredCall, brcvStock, sell(c35)),
		priced(brcv, KindLongCall, buy(c35)),                     // a loss
		priced(brcv, KindCallVertical, buy(c30), sell(oneSided)), // one-sided
		priced(noClose, KindShortPut, sell(p30)),                 // unknown close
	}
	pre := Structure{Symbol: "BRCV", Kind: KindShortPut, Expiry: "20270115", Legs: []Leg{sell(p30)}, Multiplier: 100}
	pre.Price(brcv, brcvStock, lensNow)
	return append(ss, pre)
}

func TestRankNeverRanksTheUnknowable(t *testing.T) {
	ss := rankFixture()
	for _, key := range []SortKey{SortAnnual, SortEV, SortReturn, SortLossIfBreak} {
		r := Rank(ss, key, Filter{})
		if len(r.Rows) != len(ss) || r.Best != 6 {
			t.Fatalf("%v: %d rows, %d ranked; want %d rows, 6 ranked", key, len(r.Rows), r.Best, len(ss))
		}
		prev := 0.0
		for j := range r.Best {
			v, ok := sortValue(r.Rows[j], key)
			if !ok || (j > 0 && v > prev) || r.Rank[j] != j+1 {
				t.Errorf("%v: row %d (%v) value %v after %v, rank %d", key, j, r.Rows[j].Kind, v, prev, r.Rank[j])
			}
			prev = v
		}
		for j := r.Best; j < len(r.Rows); j++ {
			if r.Rank[j] != 0 || Rankable(r.Rows[j], false) {
				t.Errorf("%v: unrankable row %d (%v %s) ranked %d", key, j, r.Rows[j].Kind, r.Rows[j].Expiry, r.Rank[j])
			}
		}
	}
	// By annualised far-touch return the 30/35 call vertical is best:
	// 0.80 / 3.70 over 83 days (the stock makes 0.60 / 33.90 over 62).
	if r := Rank(ss, SortAnnual, Filter{}); r.Rows[0].Kind != KindCallVertical {
		t.Errorf("best by annual: %v", r.Rows[0].Kind)
	}
	if r := Rank(ss, SortLossIfBreak, Filter{}); r.Rows[0].Kind != KindCallVertical {
		t.Errorf("smallest loss if break: %v", r.Rows[0].Kind) // the vertical loses its 3.70 debit
	}
	if r := Rank(ss, SortAnnual, Filter{PreClose: true}); r.Best != 7 {
		t.Errorf("with pre-close expiries: %d ranked, want 7", r.Best)
	}
}

func TestRankFilters(t *testing.T) {
	ss := rankFixture()
	count := func(f Filter) int { return len(Rank(ss, SortAnnual, f).Rows) }
	if n := count(Filter{Kinds: map[Kind]bool{KindShortPut: true}}); n != 3 {
		t.Errorf("kinds short_put: %d rows, want 3", n)
	}
	// Stock (no OI), the 30C (500), the 30/35 CV and its one-sided twin
	// (500), the 35C and the covered 35 (1200).
	if n := count(Filter{MinOI: 400}); n != 6 {
		t.Errorf("min OI 400: %d rows, want 6", n)
	}
	// The stock (0.3 %) and the 30C (7.4 %).
	if n := count(Filter{MaxWidth: 0.1}); n != 2 {
		t.Errorf("max width 0.1: %d rows, want 2", n)
	}
	// The 30C (31.4 %), the 30/35 CV (95.1 %) and the 30/35 PV (37.1 %).
	if n := count(Filter{MinAnnual: 0.3}); n != 3 {
		t.Errorf("min annual 30 %%: %d rows, want 3", n)
	}
	// The 30C (4.20), the CV (3.70), the PV (4.15), the 35C (0.70).
	if n := count(Filter{MaxLoss: 5}); n != 4 {
		t.Errorf("max loss 5: %d rows, want 4", n)
	}
}

// benchStructures is n priced structures over random deals.
func benchStructures(n int) []Structure {
	r := rand.New(rand.NewPCG(3, 4))
	ss := make([]Structure, 0, n)
	kinds := AllKinds()
	for len(ss) < n {
		d := brcv
		d.Price = 20 + r.Float64()*100
		k := d.Price * (0.75 + r.Float64()*0.3)
		st := randomLeg(r, "STK", 0, d.Price*0.97)
		st.Buy = true
		c1, c2 := randomLeg(r, "C", k, d.Price*0.97-k+1), randomLeg(r, "C", k+1, max(d.Price*0.97-k, 0.05))
		s := Structure{Symbol: "S" + string(rune('A'+r.IntN(26))), Kind: kinds[r.IntN(len(kinds))], Expiry: "20270219", Multiplier: 100}
		switch s.Kind {
		case KindStock:
			s.Legs = []Leg{st}
		case KindLongCall:
			s.Legs = []Leg{buy(c1)}
		case KindCallVertical:
			s.Legs = []Leg{buy(c1), sell(c2)}
		case KindPutVertical:
			p1, p2 := c1, c2
			p1.Right, p2.Right = "P", "P"
			s.Legs = []Leg{sell(p2), buy(p1)}
		case KindShortPut:
			c1.Right = "P"
			s.Legs = []Leg{sell(c1)}
		case KindCoveredCall:
			s.Legs = []Leg{st, sell(c1)}
		}
		s.Price(d, st, lensNow)
		ss = append(ss, s)
	}
	return ss
}

// BenchmarkRankScan10k ranks and filters 10,000 structures (goal < 10 ms).
func BenchmarkRankScan10k(b *testing.B) {
	ss := benchStructures(10000)
	f := Filter{MinOI: 100, MaxWidth: 0.5}
	b.ReportAllocs()
	for b.Loop() {
		Rank(ss, SortAnnual, f)
	}
}
