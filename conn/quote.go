package conn

import (
	"math"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// Quote is the latest market data of one subscription. Unset values are
// NaN (TWS's "not available" sentinels never reach a Quote); use Has.
type Quote struct {
	Bid, Ask, Last, Close, Open, High, Low float64
	BidSize, AskSize, LastSize, Volume     float64
	// OpenInterest is the option's open interest (ticks 27/28).
	OpenInterest float64
	// Option model values (tick 13/83, else the latest of 10–12/80–82).
	IV, Delta, Gamma, Vega, Theta, OptPrice, UndPrice float64
	MinTick                                           float64
	// Type is the market data type TWS says it is delivering.
	Type MarketDataType
	// Stale is true while the link is down or the data stopped, until data
	// flows again on the current connection.
	Stale bool
	// ErrCode and Err are the last TWS error for this subscription (e.g.
	// 10089, 200); cleared when data arrives.
	ErrCode int64
	Err     string
	// Delayed is true when ibwatch switched the request to delayed data.
	Delayed bool
	// Done is true when a snapshot request has ended.
	Done    bool
	Updated time.Time
	Epoch   uint64
}

// Has reports whether v is a set value.
func Has(v float64) bool { return !math.IsNaN(v) }

func newQuote() Quote {
	n := math.NaN()
	return Quote{Bid: n, Ask: n, Last: n, Close: n, Open: n, High: n, Low: n,
		BidSize: n, AskSize: n, LastSize: n, Volume: n, OpenInterest: n,
		IV: n, Delta: n, Gamma: n, Vega: n, Theta: n, OptPrice: n, UndPrice: n, MinTick: n}
}

// clean maps TWS sentinels and non-finite values to NaN.
func clean(v float64) float64 {
	if math.IsInf(v, 0) || v >= 1e300 || v <= -1e300 {
		return math.NaN()
	}
	return v
}

// applyPrice stores a TICK_PRICE. Returns false for tick types we ignore.
func (q *Quote) applyPrice(tick int, price float64) bool {
	price = clean(price)
	if price == -1 { // "no data currently available"
		price = math.NaN()
	}
	switch tick {
	case 1, 66:
		q.Bid = price
	case 2, 67:
		q.Ask = price
	case 4, 68:
		q.Last = price
	case 6, 72:
		q.High = price
	case 7, 73:
		q.Low = price
	case 9, 75:
		q.Close = price
	case 14, 76:
		q.Open = price
	default:
		return false
	}
	return true
}

// applySize stores a TICK_SIZE.
func (q *Quote) applySize(tick int, size float64) bool {
	size = clean(size)
	switch tick {
	case 0, 69:
		q.BidSize = size
	case 3, 70:
		q.AskSize = size
	case 5, 71:
		q.LastSize = size
	case 8, 74:
		q.Volume = size
	case 27, 28, 22:
		q.OpenInterest = size
	default:
		return false
	}
	return true
}

// applyOption stores a TICK_OPTION_COMPUTATION; the model (13/83) wins over
// bid/ask/last computations.
func (q *Quote) applyOption(o *linkproto.TickOption, haveModel bool) bool {
	model := o.Tick == 13 || o.Tick == 83
	switch o.Tick {
	case 10, 11, 12, 13, 80, 81, 82, 83:
	default:
		return false
	}
	if haveModel && !model {
		return false
	}
	set := func(dst *float64, p *float64) {
		if p != nil {
			*dst = clean(*p)
		} else if model {
			*dst = math.NaN()
		}
	}
	set(&q.IV, o.IV)
	set(&q.Delta, o.Delta)
	set(&q.Gamma, o.Gamma)
	set(&q.Vega, o.Vega)
	set(&q.Theta, o.Theta)
	set(&q.OptPrice, o.OptPrice)
	set(&q.UndPrice, o.UndPrice)
	return true
}
