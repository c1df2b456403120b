package scanner

import (
	"math"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// Kind is a merger-arbitrage structure: what the scan prices for a deal.
type Kind int

// Structure kinds. Legs, per share:
//   - KindStock: buy the stock (the baseline).
//   - KindLongCall: buy a call K.
//   - KindCallVertical: buy a call K1, sell a call K2 > K1 (a debit).
//   - KindPutVertical: sell a put K2, buy a put K1 < K2 (a credit).
//   - KindShortPut: sell a put K, cash-secured.
//   - KindCoveredCall: buy the stock, sell a call K (a buy-write).
const (
	KindStock Kind = iota
	KindLongCall
	KindCallVertical
	KindPutVertical
	KindShortPut
	KindCoveredCall
	numKinds
)

var kindNames = [numKinds]string{"stock", "long_call", "call_vertical", "put_vertical", "short_put", "covered_call"}

// String returns the kind's JSON name ("call_vertical").
func (k Kind) String() string {
	if k >= 0 && k < numKinds {
		return kindNames[k]
	}
	return "?"
}

// MarshalText encodes the kind as its name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// ParseKind reads a kind name (case-insensitive; "-" may stand for "_").
func ParseKind(s string) (Kind, bool) {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	for k, n := range kindNames {
		if n == s {
			return Kind(k), true
		}
	}
	return 0, false
}

// AllKinds is every structure kind, in display order.
func AllKinds() []Kind {
	ks := make([]Kind, numKinds)
	for i := range ks {
		ks[i] = Kind(i)
	}
	return ks
}

// Leg is one leg of a structure with the quote the scan saw.
type Leg struct {
	// Buy is true for BUY, false for SELL.
	Buy bool
	// Right is "C", "P" or "STK".
	Right string
	// Strike is the option strike; 0 for stock.
	Strike   float64
	Contract conn.Contract
	// Bid and Ask are the quote (NaN when not quoted; a bid of 0 means no
	// bid). OI is the option's open interest (NaN when unknown or stock).
	Bid, Ask, OI float64
}

// Action is "BUY" or "SELL".
func (l Leg) Action() string {
	if l.Buy {
		return "BUY"
	}
	return "SELL"
}

// twoSided reports whether the leg has a usable bid and ask.
func (l Leg) twoSided() bool {
	return price(l.Bid).OK && price(l.Ask).OK && l.Ask >= l.Bid
}

// mid is (bid + ask) / 2 of a two-sided leg, else NA.
func (l Leg) mid() Num {
	if !l.twoSided() {
		return NA
	}
	return num((l.Bid + l.Ask) / 2)
}

// far is the far touch: the ask when buying, the bid when selling (NA
// unless two-sided).
func (l Leg) far() Num {
	switch {
	case !l.twoSided():
		return NA
	case l.Buy:
		return num(l.Ask)
	}
	return num(l.Bid)
}

// width is (ask − bid) / mid, NA unless two-sided.
func (l Leg) width() Num { return div(num(l.Ask-l.Bid), l.mid()) }

// Figures are a structure's money figures at one pricing (mid or far
// touch), per share (× Structure.Multiplier per contract). Positive money
// is a debit paid or a profit; LossIfBreak and MaxLoss are losses
// (positive = money lost).
type Figures struct {
	// Cost is the net price: debit > 0, credit < 0.
	Cost Num
	// Value is the position's value if the deal closes at D (after OCC
	// settles the options): see the table in payoff.go.
	Value Num
	// Profit is Value − Cost: the profit if the deal closes at D.
	Profit Num
	// MaxProfit is the most the structure can make; for stock and a long
	// call (unbounded above) the profit at D, since a target does not
	// trade above its cash price while the deal stands.
	MaxProfit Num
	// MaxLoss is the most it can lose (underlying to zero, or the width
	// of a vertical less its credit).
	MaxLoss Num
	// LossIfBreak is the loss if the deal breaks and the stock goes to the
	// break price B (negative = a gain); NA without B.
	LossIfBreak Num
	// Breakeven is the underlying price at which Profit would be zero.
	Breakeven Num
	// Capital is the capital at risk: the debit for debit structures
	// (stock, long call, call vertical, covered call) and the max loss for
	// credit ones (put vertical, and the cash-secured put's K − premium).
	Capital Num
	// Return is Profit / Capital (a fraction).
	Return Num
	// Annual is Return × 365 / days to exit (simple, not compounded); NA
	// for a loss, an unknown close or an exit not in the future.
	Annual Num
	// EV is the expected profit at probability p of completion:
	// p × Profit − (1 − p) × LossIfBreak; NA without B.
	EV Num
}

// Structure is one priced candidate of a deal: its legs, when its money
// comes back, its figures at mid and at the far touch, and its liquidity.
type Structure struct {
	Symbol string
	Kind   Kind
	// Expiry is the options' expiry (YYYYMMDD); "" for stock.
	Expiry string
	Legs   []Leg
	// Multiplier is shares per contract (100 for stock too: a covered call
	// is 100 shares and one call).
	Multiplier float64
	// Timing is the expiry against the expected close (the close itself
	// for stock: TimingOn, or TimingUnknown without a date).
	Timing Timing
	// Exit is when the capital comes back: StockExit or OptionExit.
	Exit Exit
	// Priced is true when every leg is two-sided; an unpriced structure
	// has NA figures, is shown and never ranked.
	Priced   bool
	Mid, Far Figures
	// Prob is the completion probability used for EV: the user's own
	// (ProbOwn) or the market-implied (S − B)/(D − B), clamped to 0..1.
	Prob    Num
	ProbOwn bool
	// MinOI is the smallest open interest of the option legs (NA when one
	// is unknown, and for stock, which has none).
	MinOI Num
	// Width is the widest (ask − bid) / mid among the legs.
	Width Num
	// Assumption says what the figures assume when that is not plain
	// (an expiry before the expected close, an unknown close).
	Assumption string
}

// Assumptions shown with a structure.
const (
	AssumeBeforeClose  = "expires before the expected close: figures assume the deal closes by expiry"
	AssumeUnknownClose = "expected close unknown: no exit date, nothing annualised"
)

// strikes returns the structure's option strikes, low to high (NaN where
// it has fewer than two).
func (s *Structure) strikes() (k1, k2 float64) {
	k1, k2 = math.NaN(), math.NaN()
	for _, l := range s.Legs {
		switch {
		case l.Right == "STK":
		case math.IsNaN(k1):
			k1 = l.Strike
		case l.Strike < k1:
			k1, k2 = l.Strike, k1
		default:
			k2 = l.Strike
		}
	}
	return k1, k2
}

// dealTerms are the deal's numbers a structure is priced against.
type dealTerms struct {
	D, B Num
	// Div is dividends per share paid before the close (to stock holders).
	Div float64
	// Prob is the completion probability for EV; own says it is the user's.
	Prob Num
	own  bool
}

// termsOf returns the deal terms with the probability: the user's own
// when set, else implied from the stock quote's mid.
func termsOf(d Deal, stock Leg) dealTerms {
	t := dealTerms{D: price(d.Price), B: price(d.BreakPrice), Div: max(0, d.Dividends)}
	if !finite(t.Div) {
		t.Div = 0
	}
	if d.Prob > 0 && d.Prob <= 1 {
		t.Prob, t.own = num(d.Prob), true
		return t
	}
	if p := div(sub(stock.mid(), t.B), sub(t.D, t.B)); p.OK {
		t.Prob = num(min(max(p.V, 0), 1))
	}
	return t
}

// Price fills in s's figures, liquidity and assumption from its legs'
// quotes: the one place a structure's money is computed.
func (s *Structure) Price(d Deal, stock Leg, now time.Time) {
	t := termsOf(d, stock)
	s.Prob, s.ProbOwn = t.Prob, t.own
	if s.Multiplier <= 0 || !finite(s.Multiplier) || s.Multiplier > 1e6 {
		s.Multiplier = defaultMultiplier
	}
	if s.Kind == KindStock {
		s.Exit = StockExit(d, now)
		s.Timing = TimingOn
		if d.ExpectedClose.IsZero() {
			s.Timing = TimingUnknown
		}
	} else {
		s.Exit = OptionExit(d, s.Expiry, now)
		s.Timing = timing(s.Expiry, d.ExpectedClose)
	}
	switch s.Timing {
	case TimingUnknown:
		s.Assumption = AssumeUnknownClose
	case TimingBefore:
		s.Assumption = AssumeBeforeClose
	}
	s.Priced = true
	s.Width = num(0)
	s.MinOI = NA
	haveOpt, oiOK := false, true
	for _, l := range s.Legs {
		if !l.twoSided() {
			s.Priced = false
		}
		if w := l.width(); w.OK && s.Width.OK {
			s.Width = num(max(s.Width.V, w.V))
		} else {
			s.Width = NA
		}
		if l.Right == "STK" {
			continue
		}
		haveOpt = true
		if oi := counted(l.OI); oi.OK && oiOK {
			if !s.MinOI.OK || oi.V < s.MinOI.V {
				s.MinOI = oi
			}
		} else {
			oiOK = false
		}
	}
	if !haveOpt || !oiOK {
		s.MinOI = NA
	}
	k1, k2 := s.strikes()
	s.Mid = figures(s.Kind, s.Legs, (Leg).mid, k1, k2, t, s.Exit.Days)
	s.Far = figures(s.Kind, s.Legs, (Leg).far, k1, k2, t, s.Exit.Days)
}
