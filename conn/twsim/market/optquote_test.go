package market

import (
	"math"
	"testing"
	"time"
)

// finite reports whether every value is a real number.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// onGrid reports whether price p lies on the option tick grid.
func onGrid(tc tickClass, p float64) bool {
	c := math.Round(p * 100)
	return math.Abs(p*100-c) < 1e-6 && int64(c)%tickCents(tc, p) == 0
}

// TestOptionQuotesAreSaneEverywhere prices every listed contract of the
// universe on several days, deep ITM and deep OTM strikes and LEAPS
// included; contracts expiring that day also in their last half hour and in
// the evening after the close.
func TestOptionQuotesAreSaneEverywhere(t *testing.T) {
	u := Default()
	for _, today := range testDays {
		m := NewMarket(u, 42, today.Add(-26*time.Hour))
		m.Step(today)
		n, expiring := 0, 0
		eachOption(u, today, func(e *entry, o Option) {
			nows := []time.Time{today}
			if o.Expiry == today.Format(expiryLayout) {
				closeAt := expiryClose(dayOf(today))
				nows = append(nows, closeAt.Add(-30*time.Minute), closeAt.Add(3*time.Hour))
				expiring++
			}
			n++
			for _, now := range nows {
				q, ok := m.OptionQuote(o, now)
				if !ok {
					t.Fatalf("%v: no quote for %s", now, o.LocalSymbol)
				}
				if !finite(q.Bid, q.Ask, q.Last, q.Close, q.Open, q.High, q.Low, q.BidSize, q.AskSize, q.LastSize,
					q.Volume, q.OpenInterest, q.IV, q.Delta, q.Gamma, q.Vega, q.Theta, q.OptPrice, q.PvDiv, q.UndPrice) {
					t.Fatalf("%v %s: not finite: %+v", now, o.LocalSymbol, q)
				}
				bad := func(why string) { t.Fatalf("%v %s: %s: %+v", now, o.LocalSymbol, why, q) }
				switch {
				case q.Bid < 0 || q.Ask <= q.Bid || q.Ask < 0.01:
					bad("book")
				case q.Last < max(q.Bid, 0.01) || q.Last > q.Ask || q.Low > q.Last || q.High < q.Last || q.Close < 0:
					bad("last and range")
				case (q.Bid > 0 && !onGrid(e.tick, q.Bid)) || !onGrid(e.tick, q.Ask) || !onGrid(e.tick, q.Last):
					bad("off the tick grid")
				case q.OptPrice < 0 || q.OptPrice > q.Ask+0.005:
					bad("model price above the ask")
				case q.Bid > 0 && max(q.OptPrice, intrinsic(o.Right == 'C', q.UndPrice, o.Strike)) < q.Bid-0.005:
					bad("model and intrinsic value below the bid")
				case q.Ask < intrinsic(o.Right == 'C', q.UndPrice, o.Strike):
					bad("ask below intrinsic value")
				case q.IV < 0.02 || q.IV > 3*e.Vol+1e-12 || math.Abs(q.Delta) > 1 || q.Gamma < 0 || q.Vega < 0:
					bad("greeks")
				case q.UndPrice <= 0 || q.PvDiv < 0 || q.OpenInterest < 0 || q.OpenInterest != math.Floor(q.OpenInterest):
					bad("underlying, dividends or open interest")
				case (o.Right == 'C' && q.Delta < 0) || (o.Right == 'P' && q.Delta > 0) || math.Signbit(q.Delta) && q.Delta == 0:
					bad("delta sign")
				case q.BidSize < 0 || q.AskSize < 1 || q.LastSize < 1 || (q.Bid == 0) != (q.BidSize == 0):
					bad("sizes")
				}
			}
		})
		if n < 20000 || expiring < 100 {
			t.Fatalf("%v: only %d contracts, %d expiring", today, n, expiring)
		}
	}
}

func TestOptionQuotesHonourParityAndTheirOwnIV(t *testing.T) {
	u := Default()
	m := NewMarket(u, 4, testDays[0])
	m.Step(testDays[0].Add(time.Hour))
	now := testDays[0].Add(time.Hour)
	quotedPairs := 0
	for _, sym := range []string{"AAPL", "SPY", "TSLA", "F", "KO", "HVLN", "QRST"} {
		s, _ := u.Stock(sym)
		for _, ex := range u.Expirations(sym, now) {
			opts := u.Options(sym, ex, 0, now)
			for i := 0; i < len(opts); i += 2 {
				c, p, k := opts[i], opts[i+1], opts[i].Strike
				qc, _ := m.OptionQuote(c, now)
				qp, _ := m.OptionQuote(p, now)
				T := yearsUntil(now, expiryClose(dayOf(mustParse(ex))))
				parity := qc.UndPrice*math.Exp(-s.DivYield*T) - k*math.Exp(-RiskFreeRate*T)
				if d := qc.OptPrice - qp.OptPrice - parity; math.Abs(d) > 1e-9*k {
					t.Fatalf("%s %s %v: model C-P off parity by %g", sym, ex, k, d)
				}
				// Mid prices obey parity to within the two half-spreads,
				// except where the American floor lifts a deep in-the-money
				// put (or a dividend payer's call) above the model.
				slack := (qc.Ask-qc.Bid+qp.Ask-qp.Bid)/2 + 0.011
				floored := intrinsic(false, qp.UndPrice, k) > qp.OptPrice || intrinsic(true, qc.UndPrice, k) > qc.OptPrice
				if d := (qc.Bid+qc.Ask)/2 - (qp.Bid+qp.Ask)/2 - parity; !floored && math.Abs(d) > slack {
					t.Fatalf("%s %s %v: quoted C-P off parity by %.3f (slack %.3f)", sym, ex, k, d, slack)
				}
				if !floored {
					quotedPairs++
				}
				for _, pair := range []struct {
					o Option
					q OptQuote
				}{{c, qc}, {p, qp}} {
					g := BlackScholes(pair.o.Right == 'C', pair.q.UndPrice, k, T, RiskFreeRate, s.DivYield, pair.q.IV)
					if g != (Greeks{pair.q.OptPrice, pair.q.Delta, pair.q.Gamma, pair.q.Vega, pair.q.Theta}) {
						t.Fatalf("%s: greeks %+v are not Black-Scholes at the quoted IV %+v", pair.o.LocalSymbol, pair.q, g)
					}
					if g.Vega < 1e-3 {
						continue
					}
					iv, ok := ImpliedVol(pair.o.Right == 'C', pair.q.OptPrice, pair.q.UndPrice, k, T, RiskFreeRate, s.DivYield)
					if !ok || math.Abs(iv-pair.q.IV) > 1e-6 {
						t.Fatalf("%s: IV %v, implied from OptPrice %v", pair.o.LocalSymbol, pair.q.IV, iv)
					}
				}
			}
		}
	}
	if quotedPairs < 2000 {
		t.Fatalf("quoted parity checked on only %d pairs", quotedPairs)
	}
}

func mustParse(ex string) time.Time {
	d, err := time.Parse(expiryLayout, ex)
	if err != nil {
		panic(err)
	}
	return d
}

func TestOptionQuoteShapes(t *testing.T) {
	u := Default()
	now := testDays[0].Add(time.Hour)
	m := NewMarket(u, 4, testDays[0])
	m.Step(now)
	quote := func(sym, ex string, right byte, k float64) OptQuote {
		t.Helper()
		o, ok := u.Option(sym, ex, right, k, now)
		if !ok {
			t.Fatalf("%s %s %c %v not listed", sym, ex, right, k)
		}
		q, _ := m.OptionQuote(o, now)
		return q
	}
	// Equity skew: an OTM put has a higher IV than the equally OTM call.
	if p, c := quote("AAPL", "20261218", 'P', 240), quote("AAPL", "20261218", 'C', 290); p.IV <= c.IV {
		t.Errorf("AAPL Dec skew: 240P IV %.3f <= 290C IV %.3f", p.IV, c.IV)
	}
	// Deal stock: calls struck above the deal are nearly worthless, puts at the
	// break price cost a few percent at most, and IV is low.
	for _, k := range []float64{90, 95} {
		if q := quote("HVLN", "20261218", 'C', k); q.OptPrice > 0.15 || q.IV > 0.12 {
			t.Errorf("HVLN Dec %vC: %+v", k, q)
		}
	}
	// Open interest: deterministic, larger at the money and at monthlies.
	atmMonthly, atmWeekly := quote("AAPL", "20261120", 'C', 265), quote("AAPL", "20261113", 'C', 265)
	farMonthly := quote("AAPL", "20261120", 'C', 370)
	if atmMonthly.OpenInterest <= atmWeekly.OpenInterest || atmMonthly.OpenInterest <= 20*farMonthly.OpenInterest {
		t.Errorf("open interest: ATM monthly %v, ATM weekly %v, far OTM monthly %v",
			atmMonthly.OpenInterest, atmWeekly.OpenInterest, farMonthly.OpenInterest)
	}
	other := NewMarket(u, 99, testDays[0].Add(-time.Hour))
	o, _ := u.Option("AAPL", "20261120", 'C', 265, now)
	if q, _ := other.OptionQuote(o, now.Add(time.Hour)); q.OpenInterest != atmMonthly.OpenInterest {
		t.Error("open interest depends on the seed or the time of day")
	}
	// Tick regimes: SPY quotes pennies above $3 too, HVLN dimes.
	pennies := 0
	for _, k := range u.Strikes("SPY", "20261218", now) {
		if q := quote("SPY", "20261218", 'P', k); q.Ask >= 3 && int64(math.Round(q.Ask*100))%5 != 0 {
			pennies++
		}
	}
	if pennies < 10 {
		t.Errorf("only %d SPY puts above $3 quote in pennies", pennies)
	}
	if q := quote("HVLN", "20270115", 'P', 87.5); q.Ask < 3 || int64(math.Round(q.Ask*100))%10 != 0 {
		t.Errorf("HVLN Jan 87.5P ask %v: want a dime-grid price above $3", q.Ask)
	}
}

func TestOptionQuoteAroundExpiry(t *testing.T) {
	u := Default()
	day := mustParse("20261106")
	o, _ := u.Option("AAPL", "20261106", 'C', 250, testDays[0])
	m := NewMarket(u, 1, testDays[0])
	after := expiryClose(day).Add(2 * time.Hour)
	q, ok := m.OptionQuote(o, after)
	if !ok || math.Abs(q.OptPrice-(q.UndPrice-250)) > 0.01 {
		t.Fatalf("expiry evening: %+v %v, want about intrinsic value", q, ok)
	}
	if _, ok := m.OptionQuote(o, day.AddDate(0, 0, 1).Add(10*time.Hour)); ok {
		t.Fatal("quote the day after expiry")
	}
	bad := o
	bad.Right = 'X'
	if _, ok := m.OptionQuote(bad, testDays[0]); ok {
		t.Fatal("quote for right X")
	}
}

func BenchmarkOptionQuote(b *testing.B) {
	u := Default()
	m := NewMarket(u, 1, testDays[0])
	var opts []Option
	eachOption(u, testDays[0], func(e *entry, o Option) {
		if e.Symbol == "AAPL" {
			opts = append(opts, o)
		}
	})
	now := testDays[0].Add(time.Minute)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.OptionQuote(opts[i%len(opts)], now)
	}
}

func BenchmarkOptionLookup(b *testing.B) {
	u := Default()
	for b.Loop() {
		u.Option("SPY", "20261218", 'C', 690, testDays[0])
	}
}
