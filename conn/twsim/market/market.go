package market

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// secondsPerYear converts elapsed wall time to the random walk's years.
const secondsPerYear = 365.25 * 24 * 3600

// dealKappa is how fast a deal stock reverts to its target spread, per year:
// a half-life of about one calendar day.
const dealKappa = 250.0

// dealMinSpread is the narrowest discount to the deal price a target trades
// at, even when the deal is due or overdue.
const dealMinSpread = 0.001

// Quote is a stock quote (or the price part of an option quote). Prices in
// dollars; sizes and volume in shares for stocks (TWS's old "lots of 100"
// convention is not used) and in contracts for options. A Bid of 0 means
// no bid.
type Quote struct {
	Bid, Ask, Last, Close, Open, High, Low float64
	BidSize, AskSize, LastSize, Volume     float64
	// LastTime is when the last trade printed (while closed: the last
	// instant of the previous trading session).
	LastTime time.Time
}

// Market is a seeded random-walk market over a Universe. The same seed, start
// and sequence of Step times give identical quotes. Mid prices move around
// the clock, but trades print and the book updates only while US stocks
// trade (IsTrading: 04:00 to 20:00 New York on trading days); volume accrues
// during regular hours (09:30 to 16:00). Bars serves the history: a seeded
// past that ends at the first quotes, then the minutes streamed since. All
// methods are safe for concurrent use.
type Market struct {
	u *Universe

	seed   uint64    // also seeds the history before start
	start  time.Time // the market's first instant
	start0 []anchor  // per stock: prices at start, where the history ends

	mu     sync.Mutex // guards everything below
	rng    *rand.Rand
	last   time.Time // time of the last Step
	steps  uint64    // number of Steps that moved prices
	open   uint64    // number of Steps while trading (IsTrading)
	opened time.Time // the last Step while trading (the start before any)
	st     []stockState
	rec    [][]minute // per stock: the trading minutes streamed since start
}

// anchor is a stock's mid and previous close when the market started.
type anchor struct{ mid, close float64 }

// stockState is one underlying's simulated trading day.
type stockState struct {
	mid                    float64 // fair price, unrounded
	bookMid                float64 // mid when the book was last drawn (it stands still while closed)
	lastT                  time.Time
	bidC, askC             int64 // cents
	last, lastSize         float64
	open, high, low, close float64
	volume                 float64
	bidSize, askSize       float64
	dealYield              float64 // deal stocks: annualised spread at the start
}

// NewMarket starts a market at start: previous closes are the universe's
// reference prices (a deal stock started near or after its expected close:
// its target just under the deal price) and stay until the New York date
// changes; the day opens with a small seeded gap. A nil u means Default().
func NewMarket(u *Universe, seed int64, start time.Time) *Market {
	if u == nil {
		u = Default()
	}
	m := &Market{
		u:      u,
		seed:   uint64(seed),
		start:  start,
		start0: make([]anchor, len(u.entries)),
		rng:    rand.New(rand.NewPCG(uint64(seed), 0x5eed_1b3a7c4d)),
		last:   start,
		opened: start,
		st:     make([]stockState, len(u.entries)),
		rec:    make([][]minute, len(u.entries)),
	}
	frac := sessionFraction(start)
	for i := range u.entries {
		e, s := &u.entries[i], &m.st[i]
		s.close = e.Price
		gap := 0.25 * e.Vol * math.Sqrt(1.0/252) * m.rng.NormFloat64()
		s.mid = e.Price * math.Exp(gap)
		if d := e.Deal; d != nil {
			// The reference spread, annualised, sets the target path. A
			// market started less than a month before (or after) the
			// expected close starts at that path, not at the reference.
			s.dealYield = (d.Price/e.Price - 1) / max(yearsUntil(start, d.ExpectedClose), 30.0/365)
			s.mid = dealTarget(d, s.dealYield, start)
			s.close = s.mid
		}
		s.volume = roundLot(e.adv * frac * (0.8 + 0.4*m.rng.Float64()))
		m.refresh(e, s, true, start)
		s.open, s.high, s.low = s.last, s.last, s.last
		m.start0[i] = anchor{mid: s.mid, close: s.close}
		m.record(e, s, start, s.last, 0)
	}
	return m
}

// dealTarget is where a deal stock trades at t on average: the deal price
// discounted at the deal's annualised spread over the time left to the
// expected close (at least a day).
func dealTarget(d *Deal, yield float64, t time.Time) float64 {
	return d.Price / (1 + yield*max(yearsUntil(t, d.ExpectedClose), 1.0/365))
}

// yearsUntil returns the years from t to u (negative if u is earlier).
func yearsUntil(t, u time.Time) float64 {
	return u.Sub(t).Seconds() / secondsPerYear
}

// roundLot rounds shares to a multiple of 100.
func roundLot(x float64) float64 {
	return 100 * math.Round(x/100)
}

// Step advances the market to now: every price takes one random-walk step
// scaled to the elapsed time. A now at or before the last step does
// nothing. When now is on a later New York calendar day than the last step,
// the day rolls first: the last price becomes the previous close, volume
// restarts and the new day opens at the next price.
func (m *Market) Step(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !now.After(m.last) {
		return
	}
	dt := yearsUntil(m.last, now)
	rolled := !dayOf(now.In(Eastern())).Equal(dayOf(m.last.In(Eastern())))
	volFrac := sessionFraction(now)
	if !rolled {
		volFrac -= sessionFraction(m.last)
	}
	for i := range m.u.entries {
		e, s := &m.u.entries[i], &m.st[i]
		z, u := m.rng.NormFloat64(), m.rng.Float64()
		if rolled {
			s.close, s.volume = s.last, 0
		}
		if d := e.Deal; d != nil {
			target := dealTarget(d, s.dealYield, now)
			a := math.Exp(-dealKappa * dt)
			x := math.Log(s.mid/target)*a + e.Vol*math.Sqrt((1-a*a)/(2*dealKappa))*z
			// Reflect off a ceiling just under the deal price: without a
			// higher bid in sight, a target does not trade through its deal.
			if ceil := math.Log(d.Price * (1 - dealMinSpread) / target); x > ceil {
				x = min(2*ceil-x, ceil)
			}
			s.mid = target * math.Exp(x)
		} else {
			s.mid *= math.Exp(-0.5*e.Vol*e.Vol*dt + e.Vol*math.Sqrt(dt)*z)
		}
		s.mid = max(s.mid, 0.05)
		addVol := roundLot(e.adv * max(volFrac, 0) * (0.5 + u))
		s.volume += addVol
		prevLast := s.last
		m.refresh(e, s, false, now)
		if rolled {
			s.open, s.high, s.low = s.last, s.last, s.last
		}
		s.high, s.low = max(s.high, s.last), min(s.low, s.last)
		m.record(e, s, now, prevLast, addVol)
	}
	m.last = now
	m.steps++
	if IsTrading(now) {
		m.open++
		m.opened = now
	}
}

// refresh redraws the stock's book and last trade around its mid. It always
// takes the same number of random draws, so that the stream stays aligned.
// While the market is closed (see IsTrading) the book and the last trade
// stay as they were: nothing prints, and the mid's move shows as a gap at
// the next open.
func (m *Market) refresh(e *entry, s *stockState, first bool, now time.Time) {
	u1, u2, u3, u4 := m.rng.Float64(), m.rng.Float64(), m.rng.Float64(), m.rng.Float64()
	if !first && !IsTrading(now) {
		return
	}
	s.bookMid, s.lastT = s.mid, now
	if !IsTrading(now) {
		s.lastT = lastTradingInstant(now)
	}
	ticks := spreadTicks(e, s.mid)
	if u1 < 0.25 {
		ticks++
	}
	s.bidC = max(int64(math.Floor(s.mid*100-float64(ticks)/2)), 1)
	s.askC = s.bidC + ticks
	lots := [...]float64{20, 20, 8, 4}[e.liquidity()]
	s.bidSize = 100 * (1 + math.Floor(u2*lots))
	s.askSize = 100 * (1 + math.Floor(u3*lots))
	s.lastSize = 100 * (1 + math.Floor(u4*lots/2))
	if u4 < 0.5 || first {
		s.last = float64(s.bidC) / 100
	} else {
		s.last = float64(s.askC) / 100
	}
}

// Quote returns the symbol's current quote.
func (m *Market) Quote(symbol string) (Quote, bool) {
	e := m.u.lookup(symbol)
	if e == nil {
		return Quote{}, false
	}
	m.mu.Lock()
	s := m.st[e.idx]
	m.mu.Unlock()
	return s.quote(), true
}

// quote converts the state to a Quote.
func (s stockState) quote() Quote {
	return Quote{
		Bid: float64(s.bidC) / 100, Ask: float64(s.askC) / 100, Last: s.last,
		Close: s.close, Open: s.open, High: s.high, Low: s.low,
		BidSize: s.bidSize, AskSize: s.askSize, LastSize: s.lastSize, Volume: s.volume,
		LastTime: s.lastT,
	}
}

// Universe returns the universe the market trades.
func (m *Market) Universe() *Universe { return m.u }

// Start returns the market's first instant: the history before it is the
// seeded past.
func (m *Market) Start() time.Time { return m.start }

// Time returns the time of the last Step (the start time before any Step).
func (m *Market) Time() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last
}
