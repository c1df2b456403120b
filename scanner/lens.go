package scanner

import (
	"math"
	"time"
)

// The merger-arbitrage lens. All of it is arithmetic on a Deal, the stock
// price S and option quotes; every division is guarded and every result is
// a Num, so nothing here can produce NaN or Inf.
//
// Annualisation is simple, not compounded: annual = return × 365 / days,
// with days = calendar days from today (New York) to the exit: the close
// for the stock, and for an option the earlier of its expiry and the date
// OCC accelerates it to after a cash close (see OptionExit). It is not
// available when days ≤ 0, when the close is unknown (no exit date) or for
// a loss (a loss is never annualised).

// daysPerYear is the simple-annualisation year.
const daysPerYear = 365.0

// defaultMultiplier is used when the chain's multiplier is missing or absurd.
const defaultMultiplier = 100.0

// DealHeader is the deal line above a chain.
type DealHeader struct {
	Symbol string `json:"symbol"`
	Price  Num    `json:"price"` // D, the cash price per share
	Break  Num    `json:"break"` // B, the break price (NA when none)
	Under  Num    `json:"under"` // S, the stock price used
	// Close is the expected closing date (zero when unknown).
	Close time.Time `json:"close,omitzero"`
	// DaysToClose is calendar days from today to Close (NA when unknown;
	// ≤ 0 when the close date has passed).
	DaysToClose Num `json:"daysToClose"`
	// SpreadUSD is D − S per share.
	SpreadUSD Num `json:"spreadUsd"`
	// SpreadPct is the spread as a fraction of the deal price: (D − S) / D.
	SpreadPct Num `json:"spreadPct"`
	// Return is the gross return of buying at S and receiving D:
	// (D − S) / S, a fraction.
	Return Num `json:"return"`
	// AnnualReturn is Return × 365 / DaysToClose (simple annualisation);
	// NA when the close date is unknown or not in the future, or for a
	// loss (S above D).
	AnnualReturn Num `json:"annualReturn"`
	// Prob is the market-implied probability of completion,
	// (S − B) / (D − B), clamped to 0..1; NA without a break price or when
	// D == B.
	Prob Num `json:"prob"`
	// ProbClamped is true when the raw probability was outside 0..1 (the
	// stock trades above the deal price or below the break price).
	ProbClamped bool `json:"probClamped"`
}

// Outcome is the result of one option position if the deal closes at D by
// the option's expiry, per contract.
type Outcome struct {
	// Premium is the option price per share used (mid or far touch).
	Premium Num `json:"premium"`
	// Payoff is the profit per contract in dollars:
	// long call (max(D − K, 0) − premium) × multiplier;
	// short put (premium − max(K − D, 0)) × multiplier.
	Payoff Num `json:"payoff"`
	// Capital is the money tied up per contract: the premium paid for a
	// long call; for a short put the cash-secured amount net of the premium
	// received, (K − premium) × multiplier.
	Capital Num `json:"capital"`
	// Return is Payoff / Capital, a fraction.
	Return Num `json:"return"`
	// Annual is Return × 365 / days to exit (simple; see OptionExit); NA
	// for a loss, without a close date, or when the exit is today or past.
	Annual Num `json:"annual"`
}

// LegLens is one side (call or put) of a strike in the lens.
type LegLens struct {
	Bid Num `json:"bid"`
	Ask Num `json:"ask"`
	Mid Num `json:"mid"`
	// AtMid trades at the mid; FarTouch pays the ask (long call) or sells
	// the bid (short put).
	AtMid    Outcome `json:"atMid"`
	FarTouch Outcome `json:"farTouch"`
}

// StrikeLens is the lens for one strike.
type StrikeLens struct {
	Strike Num `json:"strike"`
	// PctOfDeal is K / D (1.0 = at the deal price).
	PctOfDeal Num `json:"pctOfDeal"`
	// Call is a long call; Put is a short put.
	Call LegLens `json:"longCall"`
	Put  LegLens `json:"shortPut"`
}

// Lens is the merger-arbitrage view of one expiry of a deal stock's chain.
type Lens struct {
	Header DealHeader `json:"header"`
	Expiry string     `json:"expiry"`
	// DaysToExpiry is calendar days from today to the expiry (NA when the
	// expiry does not parse).
	DaysToExpiry Num `json:"daysToExpiry"`
	// Exit is when an option's money comes back (OptionExit): the
	// horizon of Annual. Unknown without a close date.
	Exit Exit `json:"exit"`
	// Timing says whether the expiry is before, on or after the expected
	// close. Before the close, the payoffs assume a closing that the
	// calendar does not expect by then.
	Timing     Timing       `json:"timing"`
	Multiplier float64      `json:"multiplier"`
	Strikes    []StrikeLens `json:"strikes"`
	// BestCall and BestPut index Strikes: the long call and the short put
	// with the highest annualised far-touch return; -1 when none has one,
	// and always -1 when the expiry is before the expected close or the
	// close is unknown (unknown timing never ranks).
	BestCall int `json:"bestCall"`
	BestPut  int `json:"bestPut"`
}

// StrikeQuote is the input for one strike: the option touch prices (NaN or
// ≤ 0 = no quote).
type StrikeQuote struct {
	Strike                           float64
	CallBid, CallAsk, PutBid, PutAsk float64
}

// LensInput is everything ComputeLens needs.
type LensInput struct {
	Deal Deal
	// Under is the stock price S (NaN or ≤ 0 = unknown).
	Under  float64
	Expiry string // YYYYMMDD
	// Multiplier is shares per contract; missing or absurd values mean 100.
	Multiplier float64
	Strikes    []StrikeQuote
	Now        time.Time
}

// ComputeDealHeader computes the deal line for a stock price under.
func ComputeDealHeader(d Deal, under float64, now time.Time) DealHeader {
	h := DealHeader{Symbol: d.Symbol, Price: price(d.Price), Break: price(d.BreakPrice), Under: price(under), Close: d.ExpectedClose}
	if !d.ExpectedClose.IsZero() {
		h.DaysToClose = num(float64(daysBetween(now, d.ExpectedClose)))
	}
	h.SpreadUSD = sub(h.Price, h.Under)
	h.SpreadPct = div(h.SpreadUSD, h.Price)
	h.Return = div(h.SpreadUSD, h.Under)
	h.AnnualReturn = annualise(h.Return, h.DaysToClose)
	if p := div(sub(h.Under, h.Break), sub(h.Price, h.Break)); p.OK {
		if p.V < 0 || p.V > 1 {
			h.ProbClamped = true
			p.V = min(max(p.V, 0), 1)
		}
		h.Prob = p
	}
	return h
}

// annualise returns r × 365 / days, NA unless days > 0 and r ≥ 0 (a loss
// is never annualised).
func annualise(r, days Num) Num {
	if !days.OK || days.V <= 0 || !r.OK || r.V < 0 {
		return NA
	}
	return div(mul(r, num(daysPerYear)), days)
}

// ComputeLens computes the lens for one expiry of a deal stock's chain.
func ComputeLens(in LensInput) Lens {
	l := Lens{
		Header:   ComputeDealHeader(in.Deal, in.Under, in.Now),
		Expiry:   in.Expiry,
		Timing:   timing(in.Expiry, in.Deal.ExpectedClose),
		BestCall: -1, BestPut: -1,
		Multiplier: in.Multiplier,
	}
	if !finite(l.Multiplier) || l.Multiplier <= 0 || l.Multiplier > 1e6 {
		l.Multiplier = defaultMultiplier
	}
	l.DaysToExpiry = DaysToExpiry(in.Expiry, in.Now)
	l.Exit = OptionExit(in.Deal, in.Expiry, in.Now)
	m := num(l.Multiplier)
	D := l.Header.Price
	l.Strikes = make([]StrikeLens, len(in.Strikes))
	for i, q := range in.Strikes {
		K := price(q.Strike)
		s := StrikeLens{Strike: K, PctOfDeal: div(K, D)}
		s.Call = leg(q.CallBid, q.CallAsk, func(p Num) Outcome { return longCall(D, K, p, m, l.Exit.Days) }, true)
		s.Put = leg(q.PutBid, q.PutAsk, func(p Num) Outcome { return shortPut(D, K, p, m, l.Exit.Days) }, false)
		l.Strikes[i] = s
	}
	if l.Timing == TimingOn || l.Timing == TimingAfter {
		l.BestCall = best(l.Strikes, func(s StrikeLens) Num { return s.Call.FarTouch.Annual })
		l.BestPut = best(l.Strikes, func(s StrikeLens) Num { return s.Put.FarTouch.Annual })
	}
	return l
}

// leg prices one side at mid and at the far touch (the ask when buying,
// the bid when selling).
func leg(bid, ask float64, at func(Num) Outcome, buy bool) LegLens {
	g := LegLens{Bid: price(bid), Ask: price(ask)}
	if g.Bid.OK && g.Ask.OK && g.Ask.V >= g.Bid.V {
		g.Mid = num((g.Bid.V + g.Ask.V) / 2)
	}
	g.AtMid = at(g.Mid)
	if buy {
		g.FarTouch = at(g.Ask)
	} else {
		g.FarTouch = at(g.Bid)
	}
	return g
}

// longCall: pay p for the right to buy at K; receive max(D − K, 0).
func longCall(D, K, p, m, days Num) Outcome {
	o := Outcome{Premium: p}
	if !p.OK || !K.OK || !D.OK {
		return o
	}
	o.Payoff = mul(sub(num(math.Max(D.V-K.V, 0)), p), m)
	o.Capital = mul(p, m)
	o.Return = div(o.Payoff, o.Capital)
	o.Annual = annualise(o.Return, days)
	return o
}

// shortPut: receive p for the obligation to buy at K; pay max(K − D, 0).
// The capital is the cash that secures the put net of the premium.
func shortPut(D, K, p, m, days Num) Outcome {
	o := Outcome{Premium: p}
	if !p.OK || !K.OK || !D.OK {
		return o
	}
	o.Payoff = mul(sub(p, num(math.Max(K.V-D.V, 0))), m)
	o.Capital = mul(sub(K, p), m)
	if o.Capital.OK && o.Capital.V <= 0 {
		o.Capital = NA
	}
	o.Return = div(o.Payoff, o.Capital)
	o.Annual = annualise(o.Return, days)
	return o
}

// best returns the index of the highest available value, or -1.
func best(ss []StrikeLens, v func(StrikeLens) Num) int {
	bi := -1
	var bv float64
	for i, s := range ss {
		if x := v(s); x.OK && (bi < 0 || x.V > bv) {
			bi, bv = i, x.V
		}
	}
	return bi
}
