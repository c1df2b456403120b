package market

import (
	"math"
	"time"
)

// RiskFreeRate is the continuous risk-free rate the simulated market prices
// options with.
const RiskFreeRate = 0.045

// minYears is the shortest time to expiry priced: one hour. An option on its
// expiry day after the close is worth about its intrinsic value.
const minYears = 1.0 / (365 * 24)

// OptQuote is an option quote with the model values TWS sends in
// TICK_OPTION_COMPUTATION: IV and the Greeks at that IV (vega per vol point,
// theta per calendar day), the model price OptPrice, the present value of
// dividends to expiry PvDiv, and the underlying price UndPrice.
type OptQuote struct {
	Quote
	OpenInterest                                             float64
	IV, Delta, Gamma, Vega, Theta, OptPrice, PvDiv, UndPrice float64
}

// OptionQuote returns the option's quote at now, priced off the underlying's
// book mid (as of the last Step while trading) with Black-Scholes, r = RiskFreeRate,
// q = the dividend yield and a per-strike IV from the stock's smile. Bid and
// ask bracket the model price on the option tick grid. Open interest depends
// only on the contract and now's New York date; sizes change with every
// Step. ok is false for an unknown underlying, a malformed option, or one
// that expired before now's New York calendar day. The option need not be
// listed today.
func (m *Market) OptionQuote(o Option, now time.Time) (OptQuote, bool) {
	e := m.u.lookup(o.Symbol)
	day, err := time.Parse(expiryLayout, o.Expiry)
	if e == nil || err != nil || (o.Right != 'C' && o.Right != 'P') || !(o.Strike > 0) || math.IsInf(o.Strike, 0) {
		return OptQuote{}, false
	}
	closeAt := expiryClose(day)
	if dayOf(now.In(Eastern())).After(day) {
		return OptQuote{}, false
	}
	m.mu.Lock()
	s, steps, opened := m.st[e.idx], m.open, m.opened
	m.mu.Unlock()
	// While the market is closed the book stands where it closed: priced
	// at the last trading instant, off the mid the stock's book was drawn at.
	at := now
	if !IsTrading(now) && opened.Before(now) {
		at = opened
	}
	T := max(yearsUntil(at, closeAt), minYears)
	s.mid = s.bookMid

	call, K, q := o.Right == 'C', o.Strike, e.DivYield
	price := func(und, t float64) (Greeks, float64) {
		iv := smileVol(e, und, K, t)
		return BlackScholes(call, und, K, t, RiskFreeRate, q, iv), iv
	}
	g, iv := price(s.mid, T)
	// The book centres on the model price, but never below intrinsic value:
	// listed equity options are American, so a deep in-the-money put trades
	// at parity or better even where the European model says less.
	P := max(g.Price, intrinsic(call, s.mid, K))

	// The book: a spread of a few percent of the price, capped in dollars,
	// rounded outwards to the tick grid.
	pct := [...]float64{0.01, 0.01, 0.03, 0.06}[e.liquidity()]
	maxW := [...]float64{0.50, 0.50, 1.00, 2.00}[e.liquidity()]
	w := min(max(pct*P, 0.01), maxW)
	var bidC int64
	if b := P - w/2; b > 0 {
		bidC = floorTo(b*100, tickCents(e.tick, b))
	}
	a := P + w/2
	askC := max(ceilTo(a*100, tickCents(e.tick, a)), tickCents(e.tick, 0))
	if askC <= bidC {
		askC = bidC + tickCents(e.tick, a)
	}
	lastC := min(max(roundTick(e.tick, P), bidC, tickCents(e.tick, 0)), askC)

	h := mix(uint64(o.ConID) ^ steps*0x9e3779b97f4a7c15)
	lots := [...]uint64{50, 50, 20, 8}[e.liquidity()]
	oi := openInterest(e, o, day, now)
	oq := OptQuote{
		Quote: Quote{
			Bid: cents(bidC), Ask: cents(askC), Last: cents(lastC),
			AskSize: float64(1 + h%lots), LastSize: float64(1 + (h>>20)%10),
			Volume:   math.Floor(oi * (0.05 + 0.3*unit(mix(uint64(o.ConID)^0xabc))) * sessionFraction(now)),
			LastTime: at,
		},
		OpenInterest: oi,
		IV:           iv, Delta: g.Delta, Gamma: g.Gamma, Vega: g.Vega, Theta: g.Theta,
		OptPrice: g.Price, PvDiv: s.mid * (1 - math.Exp(-q*T)), UndPrice: s.mid,
	}
	if bidC > 0 {
		oq.BidSize = float64(1 + (h>>8)%lots)
	}
	// The day's range and previous close, repriced from the underlying's.
	gc, _ := price(s.close, T+1.0/daysPerYear)
	oq.Close = cents(roundTick(e.tick, gc.Price))
	gOpen, _ := price(s.open, T)
	gHigh, _ := price(s.high, T)
	gLow, _ := price(s.low, T)
	oq.Open = cents(roundTick(e.tick, gOpen.Price))
	hi, lo := max(gHigh.Price, gLow.Price), min(gHigh.Price, gLow.Price)
	oq.High = max(cents(roundTick(e.tick, hi)), oq.Open, oq.Last)
	oq.Low = min(cents(roundTick(e.tick, lo)), oq.Open, oq.Last)
	return oq, true
}

// intrinsic is the option's exercise value at underlying price S.
func intrinsic(call bool, S, K float64) float64 {
	if call {
		return max(S-K, 0)
	}
	return max(K-S, 0)
}

// smileVol returns the implied volatility of strike K: the stock's vol with a
// put skew and a smile in x = ln(K/S)/sqrt(T), clamped to sane bounds. Index
// ETFs skew more; deal stocks skew most and their calls above the deal price
// are cheap, since the stock should not trade through the deal.
func smileVol(e *entry, S, K, T float64) float64 {
	x := min(max(math.Log(K/S)/math.Sqrt(T), -2.5), 2.5)
	skew, curv := -0.25, 0.12
	switch {
	case e.Deal != nil:
		skew, curv = -0.6, 0.05
	case e.dollar:
		skew, curv = -0.45, 0.10
	}
	iv := e.Vol * (1 + skew*x + curv*x*x)
	if e.Deal != nil && K > e.Deal.Price {
		iv *= 0.6
	}
	return min(max(iv, 0.4*e.Vol, 0.02), 3*e.Vol)
}

// openInterest is deterministic per contract and New York trading date (TWS
// updates it once a day): highest near the reference price, spread wider for
// longer expirations, three times higher at monthly expirations and higher at
// round strikes.
func openInterest(e *entry, o Option, day, now time.Time) float64 {
	h := unit(mix(uint64(o.ConID) ^ 0x0123456789))
	years := max(day.Sub(dayOf(now.In(Eastern()))).Hours()/24, 1) / 365
	width := max(0.05, 0.8*e.Vol*math.Sqrt(years))
	x := math.Log(o.Strike/e.Price) / width
	oi := [...]float64{8000, 8000, 2500, 800}[e.liquidity()] * math.Exp(-x*x/2) * (0.4 + 1.2*h)
	if day.Equal(thirdFriday(day.Year(), day.Month())) {
		oi *= 3
	}
	if c, _ := toCents(o.Strike); c%500 == 0 {
		oi *= 1.5
	}
	if oi < 1 {
		return math.Floor(20 * h)
	}
	return math.Floor(oi)
}

// tickCents returns the option tick in cents at price p.
func tickCents(tc tickClass, p float64) int64 {
	switch {
	case tc == tickPennyAll:
		return 1
	case tc == tickNickel && p < 3:
		return 5
	case tc == tickNickel:
		return 10
	case p < 3:
		return 1
	}
	return 5
}

// roundTick rounds a price to the nearest tick, in cents.
func roundTick(tc tickClass, p float64) int64 {
	t := tickCents(tc, p)
	return int64(math.Round(p*100/float64(t))) * t
}

// cents converts cents to dollars.
func cents(c int64) float64 { return float64(c) / 100 }

// mix is the splitmix64 finaliser: a cheap, well-spread hash.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }
