package scanner

import (
	"math"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// Badge is the data-quality label of a quote or a whole chain.
type Badge int

// Badges, from best to worst when a chain aggregates its lines.
const (
	BadgeWaiting       Badge = iota // no data yet
	BadgeLive                       // live data
	BadgeFrozen                     // frozen: last values from the close
	BadgeDelayed                    // delayed 15–20 minutes (no live subscription)
	BadgeDelayedFrozen              // delayed and frozen
	BadgeStale                      // the link is down or data stopped: values are old
)

var badgeNames = [...]string{"waiting", "live", "frozen", "delayed", "delayed-frozen", "stale"}

// String returns the badge's word, as shown next to the chain.
func (b Badge) String() string {
	if b >= 0 && int(b) < len(badgeNames) {
		return badgeNames[b]
	}
	return "?"
}

// MarshalText encodes the badge as its word.
func (b Badge) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// BadgeOf labels one quote: stale while the link is down (conn.Quote.Stale),
// else the market data type TWS reported. A quote with data but no type
// report is delayed when ibwatch switched it to delayed data, else live.
func BadgeOf(q conn.Quote) Badge {
	switch {
	case q.Stale:
		return BadgeStale
	case q.Type == conn.MDLive:
		return BadgeLive
	case q.Type == conn.MDFrozen:
		return BadgeFrozen
	case q.Type == conn.MDDelayed:
		return BadgeDelayed
	case q.Type == conn.MDDelayedFrozen:
		return BadgeDelayedFrozen
	case q.Updated.IsZero():
		if q.Delayed {
			return BadgeDelayed
		}
		return BadgeWaiting
	case q.Delayed:
		return BadgeDelayed
	}
	return BadgeLive
}

// worse combines two badges into the chain's: stale beats everything,
// then delayed, frozen, live; waiting only when nothing has data.
func worse(a, b Badge) Badge {
	if a == BadgeWaiting {
		return b
	}
	if b == BadgeWaiting {
		return a
	}
	return max(a, b)
}

// UnderPrice returns the price the chain centres on: the mid of a sane
// bid/ask, else the last trade, else the previous close; NaN when none.
func UnderPrice(q conn.Quote) float64 {
	switch {
	case price(q.Bid).OK && price(q.Ask).OK && q.Ask >= q.Bid:
		return (q.Bid + q.Ask) / 2
	case price(q.Last).OK:
		return q.Last
	case price(q.Close).OK:
		return q.Close
	}
	return math.NaN()
}

// Side is one option (call or put) of a chain row. Prices are NaN when TWS
// has not sent them (show them blank with the Format* helpers).
type Side struct {
	Contract conn.Contract
	// Bid, Ask, Last are prices; IV a fraction; Delta −1..1; OI contracts.
	Bid, Ask, Last, IV, Delta, OI float64
	// ITM is true when the option is in the money at the money price.
	ITM   bool
	Badge Badge
	// Ready is true once the line has a bid and an ask, or TWS refused it
	// (Err).
	Ready bool
	// Full is true once the line has bid, ask, last, IV, delta and open
	// interest (or TWS refused it).
	Full bool
	// Err is TWS's last error for the line (e.g. 200 no such contract).
	Err     string
	ErrCode int64
	// HasLine is false when the strike has no such option or no line could
	// be opened for it.
	HasLine bool
}

// Row is one strike of a chain.
type Row struct {
	Strike float64
	// Money marks the strike nearest the underlying's price.
	Money     bool
	Call, Put Side
}

// Snapshot is a chain's table at one moment, safe to keep and to hand to
// another goroutine.
type Snapshot struct {
	// Gen is the generation the chain was opened with.
	Gen    uint64
	Symbol string
	Name   string
	ConID  int64
	Expiry string
	// Expiries is every listed expiry (for [ ] navigation).
	Expiries   []string
	Multiplier float64
	Underlying conn.Quote
	// UnderPrice is UnderPrice(Underlying): NaN when unknown.
	UnderPrice float64
	Rows       []Row
	// Money is the index in Rows of the money line, -1 when it is outside
	// the window or unknown.
	Money int
	// First and Total place the window: Rows are strikes First ..
	// First+len(Rows)-1 of the expiry's Total strikes.
	First, Total int
	// Badge summarises every line: stale, delayed, frozen, live, waiting.
	Badge Badge
	// Complete is true when every line has a first quote: a bid and an ask
	// (or the underlying's last price), or an error that ends the line.
	Complete bool
	// Full is true when, in addition, every option line has its last
	// price, model values (IV, delta) and open interest, which TWS sends
	// in later ticks.
	Full bool
	// Lines is how many market-data lines the chain holds.
	Lines int
	// Lens is the merger-arbitrage lens when the chain was opened with a
	// deal; nil otherwise.
	Lens *Lens
	Time time.Time
}

// side builds a Side from a subscription (nil = no line).
func side(c conn.Contract, sub *conn.Sub) Side {
	s := Side{Contract: c}
	nan := math.NaN()
	s.Bid, s.Ask, s.Last, s.IV, s.Delta, s.OI = nan, nan, nan, nan, nan, nan
	if sub == nil {
		return s
	}
	q := sub.Quote()
	s.HasLine = true
	s.Bid, s.Ask, s.Last = q.Bid, q.Ask, q.Last
	s.IV, s.Delta, s.OI = q.IV, q.Delta, q.OpenInterest
	s.Badge = BadgeOf(q)
	s.Err, s.ErrCode = q.Err, q.ErrCode
	s.Ready = (conn.Has(q.Bid) && conn.Has(q.Ask)) || refused(q.ErrCode)
	s.Full = (s.Ready && conn.Has(q.Last) && conn.Has(q.IV) && conn.Has(q.Delta) && conn.Has(q.OpenInterest)) || refused(q.ErrCode)
	return s
}

// refused reports whether a TWS error code means the line will never send
// data (the supervisor does not retry these).
func refused(code int64) bool {
	switch code {
	case 200, 321, 322, 10186:
		return true
	}
	return false
}
