package scanner

import (
	"math/rand/v2"
	"testing"
)

// randomLeg is a two-sided quote around mid with a spread of up to 40 %.
func randomLeg(r *rand.Rand, right string, k, mid float64) Leg {
	half := mid * r.Float64() * 0.2
	return Leg{Right: right, Strike: k, Bid: roundDecimal(mid-half, 2), Ask: roundDecimal(mid+half, 2), OI: float64(r.IntN(5000))}
}

// TestStructureProperties checks, over random deals and quotes: the far
// touch never returns more than the mid; the loss if the deal breaks never
// exceeds the max loss; a vertical's breakeven lies between its strikes;
// no figure is NaN or Inf (Num cannot hold them; JSON is checked by the
// fuzz target).
func TestStructureProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 12))
	for i := range 5000 {
		D := 10 + r.Float64()*200
		d := Deal{Symbol: "X", Price: roundDecimal(D, 2), ExpectedClose: brcv.ExpectedClose, BreakPrice: roundDecimal(D*(0.4+r.Float64()*0.5), 2)}
		S := D * (0.9 + r.Float64()*0.09)
		stock := randomLeg(r, "STK", 0, S)
		stock.Buy, stock.OI = true, 0
		k1 := roundDecimal(D*(0.75+r.Float64()*0.25), 1)
		k2 := k1 + float64(1+r.IntN(8))*0.5
		// Model-ish prices: intrinsic at S plus time value, calls falling
		// and puts rising with the strike.
		tv := 0.05 + r.Float64()*2
		cMid := func(k float64) float64 { return max(S-k, 0) + tv*S/k }
		pMid := func(k float64) float64 { return max(k-S, 0) + tv*k/S }
		C1, C2 := randomLeg(r, "C", k1, cMid(k1)), randomLeg(r, "C", k2, cMid(k2))
		P1, P2 := randomLeg(r, "P", k1, pMid(k1)), randomLeg(r, "P", k2, pMid(k2))
		for _, s := range []Structure{
			{Kind: KindStock, Legs: []Leg{stock}},
			{Kind: KindLongCall, Legs: []Leg{buy(C1)}},
			{Kind: KindCallVertical, Legs: []Leg{buy(C1), sell(C2)}},
			{Kind: KindPutVertical, Legs: []Leg{sell(P2), buy(P1)}},
			{Kind: KindShortPut, Legs: []Leg{sell(P1)}},
			{Kind: KindCoveredCall, Legs: []Leg{stock, sell(C1)}},
		} {
			s.Expiry, s.Multiplier = "20270219", 100
			s.Price(d, stock, lensNow)
			m, f := s.Mid, s.Far
			if f.Return.OK && m.Return.OK && f.Return.V > m.Return.V+1e-12 {
				t.Fatalf("#%d %v: far return %v > mid return %v (%+v)", i, s.Kind, f.Return.V, m.Return.V, s.Legs)
			}
			for _, x := range []Figures{m, f} {
				if x.LossIfBreak.OK && x.MaxLoss.OK && x.LossIfBreak.V > x.MaxLoss.V+1e-9 {
					t.Fatalf("#%d %v: loss if break %v > max loss %v", i, s.Kind, x.LossIfBreak.V, x.MaxLoss.V)
				}
				vertical := s.Kind == KindCallVertical || s.Kind == KindPutVertical
				if vertical && x.Capital.OK && x.MaxProfit.OK && x.MaxProfit.V > 0 &&
					(x.Breakeven.V < k1-1e-9 || x.Breakeven.V > k2+1e-9) {
					t.Fatalf("#%d %v: breakeven %v outside %v..%v", i, s.Kind, x.Breakeven.V, k1, k2)
				}
				if x.Annual.OK && x.Return.V < 0 {
					t.Fatalf("#%d %v: a loss annualised", i, s.Kind)
				}
			}
		}
	}
}
