package market

import (
	"math"
	"time"
)

// OptionBars returns an option's bars over [from, to): the underlying's
// bars repriced with the model the streamed option quotes use (Black-
// Scholes on the stock's smile, never below intrinsic value), at each
// bar's time to expiry. Options trade in the regular session only, so rth
// is implied. A call's high comes from the stock's high, a put's from its
// low. TRADES volume is a small share of the open interest. ok is false
// for an unknown underlying or a malformed option.
func (m *Market) OptionBars(o Option, from, to time.Time, size BarSize, what What) ([]Bar, bool) {
	e := m.u.lookup(o.Symbol)
	day, err := time.Parse(expiryLayout, o.Expiry)
	if e == nil || err != nil || (o.Right != 'C' && o.Right != 'P') || !(o.Strike > 0) {
		return nil, false
	}
	closeAt := expiryClose(day)
	if to.After(closeAt) {
		to = closeAt
	}
	und, _ := m.Bars(o.Symbol, from, to, size, Trades, true)
	call := o.Right == 'C'
	out := make([]Bar, 0, len(und))
	for _, u := range und {
		T := max(yearsUntil(u.Time, closeAt), minYears)
		price := func(S float64) float64 {
			g := BlackScholes(call, S, o.Strike, T, RiskFreeRate, e.DivYield, smileVol(e, S, o.Strike, T))
			return max(g.Price, intrinsic(call, S, o.Strike))
		}
		hiS, loS := u.High, u.Low
		if !call {
			hiS, loS = loS, hiS
		}
		p := [4]float64{price(u.Open), price(hiS), price(loS), price(u.Close)}
		b := Bar{Time: u.Time, Volume: -1, WAP: -1, Count: -1}
		w := func(x float64) float64 {
			pct := [...]float64{0.01, 0.01, 0.03, 0.06}[e.liquidity()]
			maxW := [...]float64{0.50, 0.50, 1.00, 2.00}[e.liquidity()]
			return min(max(pct*x, 0.01), maxW) / 2
		}
		tick := func(x float64) float64 { return cents(roundTick(e.tick, max(x, 0))) }
		switch what {
		case Trades:
			b.Open, b.High, b.Low, b.Close = tick(p[0]), tick(p[1]), tick(p[2]), tick(p[3])
			share := u.Volume / max(e.adv, 1)
			b.Volume = math.Floor(openInterest(e, o, day, u.Time) * 0.2 * share)
			b.WAP = math.Round((b.High+b.Low+b.Close)/3*1000) / 1000
			b.Count = int64(math.Ceil(b.Volume / 5))
		case Midpoint:
			b.Open, b.High, b.Low, b.Close = roundHalfCent(p[0]), roundHalfCent(p[1]), roundHalfCent(p[2]), roundHalfCent(p[3])
		case BidBars:
			b.Open, b.High, b.Low, b.Close = tick(p[0]-w(p[0])), tick(p[1]-w(p[1])), tick(p[2]-w(p[2])), tick(p[3]-w(p[3]))
		case AskBars, BidAsk:
			b.Open, b.High, b.Low, b.Close = tick(p[0]+w(p[0])), tick(p[1]+w(p[1])), tick(p[2]+w(p[2])), tick(p[3]+w(p[3]))
			if what == BidAsk {
				b.Open, b.Low = tick((p[0]+p[3])/2-w(p[3])), tick(p[2]-w(p[2]))
			}
		}
		out = append(out, b)
	}
	return out, true
}
