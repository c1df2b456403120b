// Package market is the simulated securities universe and price process that
// conn/twsim serves: stocks, listed options (expirations, strike ladders,
// contract ids) and a seeded random-walk market with Black-Scholes option
// quotes.
//
// Everything here is pure data and maths: no networking, no goroutines. A
// Universe is immutable after construction and safe for concurrent use; a
// Market guards its state with a mutex.
//
// The data is simulator data. Prices are plausible for late 2026, the conIds
// of the best-known names follow IB's where known and are invented otherwise,
// and every pending takeover (Stock.Deal) is fictional, as are the target
// companies and their acquirers. None of it may be used against a real TWS.
package market

import "time"

// Deal is a pending all-cash takeover of a Stock. The deals in Default are
// fictional.
type Deal struct {
	// Acquirer is the buyer's name.
	Acquirer string
	// Price is the cash paid per share when the deal closes.
	Price float64
	// ExpectedClose is the announced closing date (UTC midnight). The
	// default deals close in 2027, so that a dashboard run in late 2026 or
	// early 2027 sees them pending; a later run sees them overdue.
	ExpectedClose time.Time
	// BreakPrice is where the stock would trade if the deal failed; 0 means
	// no estimate.
	BreakPrice float64
}

// Stock is one underlying: a US stock or ETF with listed options.
type Stock struct {
	Symbol      string
	Name        string // ASCII only, no quotes
	ConID       int64
	PrimaryExch string // NASDAQ, NYSE, ARCA, BATS, AMEX
	Industry    string
	Category    string
	// Price is the reference price: the previous close when a Market starts.
	Price float64
	// Vol is the annual volatility of the random walk and the at-the-money
	// implied volatility of its options.
	Vol float64
	// DivYield is the continuous annual dividend yield (0.02 = 2 %).
	DivYield float64
	// Live is false when the simulated user has no live market data
	// subscription for the symbol: the simulator answers 10089 until delayed
	// data is requested.
	Live bool
	// Deal is the pending cash takeover, or nil.
	Deal *Deal
}

// tickClass is the option price tick regime of an underlying.
type tickClass uint8

const (
	tickPenny    tickClass = iota // $0.01 below $3, $0.05 from $3 (penny interval program)
	tickPennyAll                  // $0.01 at every price (SPY, QQQ, IWM)
	tickNickel                    // $0.05 below $3, $0.10 from $3
)

// flag carries the per-underlying listing details that Stock does not show.
type flag uint16

const (
	fWeekly      flag = 1 << iota // weekly Friday expirations
	fDaily                        // daily (Monday to Thursday) expirations too
	fDollar                       // $1 strikes at every price level (index and commodity ETFs)
	fPennyAll                     // option ticks of $0.01 everywhere
	fNickel                       // option ticks of $0.05/$0.10
	fDelayedOnly                  // no live data subscription (Stock.Live = false)
)

// entry is one underlying as the universe stores it.
type entry struct {
	Stock
	idx      int     // position in the universe; part of every option conId
	tier     int     // liquidity: 1 most liquid, 3 thin
	adv      float64 // average daily volume in shares
	weeklies bool
	dailies  bool
	dollar   bool
	tick     tickClass
}

// liquidity returns the tier clamped to 0..3, for indexing per-tier tables.
func (e *entry) liquidity() int { return min(max(e.tier, 0), 3) }

// row is one line of the built-in table (stocks_data.go).
type row struct {
	sym, name       string
	conID           int64
	exch, ind, cat  string
	price, vol, div float64
	tier            int
	advM            float64 // average daily volume, millions of shares
	flags           flag
}

// toEntry expands a table row.
func (r row) toEntry() entry {
	e := entry{
		Stock: Stock{
			Symbol: r.sym, Name: r.name, ConID: r.conID, PrimaryExch: r.exch,
			Industry: r.ind, Category: r.cat, Price: r.price, Vol: r.vol,
			DivYield: r.div, Live: r.flags&fDelayedOnly == 0,
		},
		tier:     r.tier,
		adv:      r.advM * 1e6,
		weeklies: r.flags&fWeekly != 0,
		dailies:  r.flags&fDaily != 0,
		dollar:   r.flags&fDollar != 0,
	}
	switch {
	case r.flags&fPennyAll != 0:
		e.tick = tickPennyAll
	case r.flags&fNickel != 0:
		e.tick = tickNickel
	}
	return e
}

// date returns UTC midnight of y-m-d.
func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
