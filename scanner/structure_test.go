package scanner

import (
	"math"
	"testing"
	"time"
)

// Hand-computed structures on BRCV (D 34.50, B 24, close 2027-01-29) on
// lensNow: the stock closes in 62 days; the 2027-02-19 options exit on
// their expiry, 83 days out (OCC's accelerated date for a 01-29 close is
// that same Friday).

var (
	brcvStock = Leg{Buy: true, Right: "STK", Bid: 33.80, Ask: 33.90, OI: math.NaN()}
	c30       = Leg{Right: "C", Strike: 30, Bid: 3.90, Ask: 4.20, OI: 500}
	c35       = Leg{Right: "C", Strike: 35, Bid: 0.50, Ask: 0.70, OI: 1200}
	p30       = Leg{Right: "P", Strike: 30, Bid: 0.20, Ask: 0.35, OI: 300}
	p35       = Leg{Right: "P", Strike: 35, Bid: 1.20, Ask: 1.40, OI: 80}
)

func buy(l Leg) Leg  { l.Buy = true; return l }
func sell(l Leg) Leg { l.Buy = false; return l }

func priced(d Deal, k Kind, legs ...Leg) Structure {
	s := Structure{Symbol: d.Symbol, Kind: k, Expiry: "20270219", Legs: legs, Multiplier: 100}
	if k == KindStock {
		s.Expiry = ""
	}
	s.Price(d, brcvStock, lensNow)
	return s
}

// p is the implied completion probability at the stock's mid 33.85.
const brcvP = (33.85 - 24) / (34.50 - 24)

type want struct {
	cost, value, profit, maxProfit, maxLoss, breakeven, lossIfBreak, capital float64
	annualDays                                                               float64 // 0: annual NA
}

func checkFigures(t *testing.T, what string, f Figures, w want) {
	t.Helper()
	near(t, what+" cost", f.Cost, w.cost)
	near(t, what+" value", f.Value, w.value)
	near(t, what+" profit", f.Profit, w.profit)
	near(t, what+" max profit", f.MaxProfit, w.maxProfit)
	near(t, what+" max loss", f.MaxLoss, w.maxLoss)
	near(t, what+" breakeven", f.Breakeven, w.breakeven)
	near(t, what+" loss if break", f.LossIfBreak, w.lossIfBreak)
	near(t, what+" capital", f.Capital, w.capital)
	near(t, what+" return", f.Return, w.profit/w.capital)
	if w.annualDays > 0 {
		near(t, what+" annual", f.Annual, w.profit/w.capital*365/w.annualDays)
	} else {
		na(t, what+" annual", f.Annual)
	}
	near(t, what+" EV", f.EV, brcvP*w.profit-(1-brcvP)*w.lossIfBreak)
}

func TestStructuresHandComputed(t *testing.T) {
	s := priced(brcv, KindStock, brcvStock)
	checkFigures(t, "stock far", s.Far, want{33.90, 34.50, 0.60, 0.60, 33.90, 33.90, 9.90, 33.90, 62})
	checkFigures(t, "stock mid", s.Mid, want{33.85, 34.50, 0.65, 0.65, 33.85, 33.85, 9.85, 33.85, 62})
	na(t, "stock min OI", s.MinOI)
	near(t, "stock width", s.Width, 0.10/33.85)

	s = priced(brcv, KindLongCall, buy(c30))
	checkFigures(t, "30C far", s.Far, want{4.20, 4.50, 0.30, 0.30, 4.20, 34.20, 4.20, 4.20, 83})
	near(t, "30C min OI", s.MinOI, 500)

	s = priced(brcv, KindCallVertical, buy(c30), sell(c35))
	checkFigures(t, "30/35 call vertical far", s.Far, want{3.70, 4.50, 0.80, 1.30, 3.70, 33.70, 3.70, 3.70, 83})
	checkFigures(t, "30/35 call vertical mid", s.Mid, want{3.45, 4.50, 1.05, 1.55, 3.45, 33.45, 3.45, 3.45, 83})
	near(t, "vertical min OI", s.MinOI, 500)
	near(t, "vertical width", s.Width, 0.20/0.60) // the 35 call's

	// The credit: sell the 35 put at 1.20, buy the 30 put at 0.35.
	s = priced(brcv, KindPutVertical, sell(p35), buy(p30))
	checkFigures(t, "30/35 put vertical far", s.Far, want{-0.85, -0.50, 0.35, 0.85, 4.15, 34.15, 4.15, 4.15, 83})
	near(t, "put vertical min OI", s.MinOI, 80)

	s = priced(brcv, KindShortPut, sell(p30))
	checkFigures(t, "30P short far", s.Far, want{-0.20, 0, 0.20, 0.20, 29.80, 29.80, 5.80, 29.80, 83})

	s = priced(brcv, KindCoveredCall, brcvStock, sell(c35))
	checkFigures(t, "35 covered call far", s.Far, want{33.40, 34.50, 1.10, 1.60, 33.40, 33.40, 9.40, 33.40, 83})

	// The losing one: the 35 call is worthless at D = 34.50.
	s = priced(brcv, KindLongCall, buy(c35))
	checkFigures(t, "35C far (a loss)", s.Far, want{0.70, 0, -0.70, -0.70, 0.70, 35.70, 0.70, 0.70, 0})
	near(t, "35C return", s.Far.Return, -1)
}

func TestStructureDividendsAndOwnProbability(t *testing.T) {
	d := brcv
	d.Dividends, d.Prob = 0.25, 0.8
	s := Structure{Symbol: "BRCV", Kind: KindStock, Legs: []Leg{brcvStock}, Multiplier: 100}
	s.Price(d, brcvStock, lensNow)
	near(t, "value with dividends", s.Far.Value, 34.75)
	near(t, "breakeven with dividends", s.Far.Breakeven, 33.65)
	near(t, "loss if break with dividends", s.Far.LossIfBreak, 9.65)
	if !s.ProbOwn {
		t.Error("own probability not used")
	}
	near(t, "EV at own p", s.Far.EV, 0.8*0.85-0.2*9.65)
	// Options do not get the dividend.
	c := Structure{Symbol: "BRCV", Kind: KindLongCall, Expiry: "20270219", Legs: []Leg{buy(c30)}, Multiplier: 100}
	c.Price(d, brcvStock, lensNow)
	near(t, "call value without dividends", c.Far.Value, 4.50)
}

func TestStructureUnpricedAndUnknown(t *testing.T) {
	oneSided := c35
	oneSided.Bid = 0
	s := priced(brcv, KindCallVertical, buy(c30), sell(oneSided))
	if s.Priced || s.Far.Cost.OK || s.Mid.Return.OK {
		t.Errorf("a one-sided leg priced the vertical: %+v", s.Far)
	}
	noB := brcv
	noB.BreakPrice = 0
	s = priced(noB, KindShortPut, sell(p30))
	na(t, "loss if break without B", s.Far.LossIfBreak)
	na(t, "EV without B", s.Far.EV)
	noClose := brcv
	noClose.ExpectedClose = time.Time{}
	s = priced(noClose, KindShortPut, sell(p30))
	na(t, "annual without a close", s.Far.Annual)
	if s.Assumption != AssumeUnknownClose {
		t.Errorf("assumption %q", s.Assumption)
	}
	pre := priced(brcv, KindShortPut, sell(p30))
	pre.Expiry = "20270115"
	pre.Price(brcv, brcvStock, lensNow)
	if pre.Timing != TimingBefore || pre.Assumption != AssumeBeforeClose {
		t.Errorf("pre-close expiry: timing %v, assumption %q", pre.Timing, pre.Assumption)
	}
}
