package scanner

import (
	"math"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// Selection says which expiries and strikes a deal's scan prices. Zero
// fields take the defaults (DefaultSelection), which are the original
// merger-arb scanner's: expiries from 60 days before the close to the
// second expiry after it; long strikes 75–100 % of D; short calls 95–110 %
// of D; short puts up to 103 % of D; the short leg of a vertical among the
// next 4 strikes above the long one.
type Selection struct {
	// DaysBefore: expiries from this many days before the close.
	DaysBefore int
	// After: up to this many expiries after the close (an expiry on the
	// close day counts as neither before nor after: it is always taken).
	After int
	// Unknown: without a close date, the first this many expiries.
	Unknown int
	// LongLo, LongHi bound long strikes as fractions of D.
	LongLo, LongHi float64
	// ShortCallLo, ShortCallHi bound short call strikes as fractions of D.
	ShortCallLo, ShortCallHi float64
	// ShortPutHi is the highest short put strike as a fraction of D (the
	// lowest is LongLo).
	ShortPutHi float64
	// ShortWithin: a vertical's short leg is among the next this many
	// listed strikes above its long leg.
	ShortWithin int
}

// DefaultSelection is the selection every zero field falls back to.
func DefaultSelection() Selection {
	return Selection{DaysBefore: 60, After: 2, Unknown: 3, LongLo: 0.75, LongHi: 1.00,
		ShortCallLo: 0.95, ShortCallHi: 1.10, ShortPutHi: 1.03, ShortWithin: 4}
}

// withDefaults fills zero (or unusable) fields from DefaultSelection.
func (s Selection) withDefaults() Selection {
	d := DefaultSelection()
	ints := []struct{ v, def *int }{{&s.DaysBefore, &d.DaysBefore}, {&s.After, &d.After}, {&s.Unknown, &d.Unknown}, {&s.ShortWithin, &d.ShortWithin}}
	for _, f := range ints {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	fracs := []struct{ v, def *float64 }{{&s.LongLo, &d.LongLo}, {&s.LongHi, &d.LongHi}, {&s.ShortCallLo, &d.ShortCallLo},
		{&s.ShortCallHi, &d.ShortCallHi}, {&s.ShortPutHi, &d.ShortPutHi}}
	for _, f := range fracs {
		if !(*f.v > 0) || *f.v > 10 {
			*f.v = *f.def
		}
	}
	return s
}

// Expiries picks a deal's expiries from the listed ones (sorted YYYYMMDD).
func (s Selection) Expiries(d Deal, listed []string) []string {
	s = s.withDefaults()
	if d.ExpectedClose.IsZero() {
		return listed[:min(len(listed), s.Unknown)]
	}
	c := civil(d.ExpectedClose)
	from := c.AddDate(0, 0, -s.DaysBefore)
	var out []string
	after := 0
	for _, e := range listed {
		t, ok := parseExpiry(e)
		switch {
		case !ok || t.Before(from):
		case !t.After(c):
			out = append(out, e)
		case after < s.After:
			out = append(out, e)
			after++
		}
	}
	return out
}

// eps absorbs float noise in strike comparisons (strikes are cents).
const eps = 1e-6

// in reports whether k lies in [lo, hi] × D.
func in(k, D, lo, hi float64) bool { return k >= lo*D-eps && k <= hi*D+eps }

// Candidates returns every structure of one expiry of a deal (unpriced:
// the legs carry contracts, not quotes). kinds filters the kinds (nil =
// all but stock, which is per deal: see StockCandidate).
func (s Selection) Candidates(d Deal, series *Series, mult float64, kinds map[Kind]bool) []Structure {
	s = s.withDefaults()
	D := d.Price
	if !price(D).OK || series == nil {
		return nil
	}
	want := func(k Kind) bool { return kinds == nil || kinds[k] }
	mk := func(k Kind, legs ...Leg) Structure {
		return Structure{Symbol: d.Symbol, Kind: k, Expiry: series.Expiry, Legs: legs, Multiplier: mult}
	}
	opt := func(c conn.Contract, k float64, right string, buy bool) Leg {
		nan := math.NaN()
		return Leg{Buy: buy, Right: right, Strike: k, Contract: c, Bid: nan, Ask: nan, OI: nan}
	}
	ks := series.Strikes
	var out []Structure
	for i, k := range ks {
		call, put := series.Calls[i], series.Puts[i]
		if call.ConID != 0 {
			if want(KindLongCall) && in(k, D, s.LongLo, s.LongHi) {
				out = append(out, mk(KindLongCall, opt(call, k, "C", true)))
			}
			if want(KindCoveredCall) && in(k, D, s.ShortCallLo, s.ShortCallHi) {
				out = append(out, mk(KindCoveredCall, stockLeg(series.Symbol), opt(call, k, "C", false)))
			}
			if want(KindCallVertical) && in(k, D, s.LongLo, s.LongHi) {
				for j, n := i+1, 0; j < len(ks) && n < s.ShortWithin; j++ {
					if series.Calls[j].ConID == 0 {
						continue
					}
					n++
					if in(ks[j], D, s.ShortCallLo, s.ShortCallHi) {
						out = append(out, mk(KindCallVertical, opt(call, k, "C", true), opt(series.Calls[j], ks[j], "C", false)))
					}
				}
			}
		}
		if put.ConID != 0 {
			if want(KindShortPut) && in(k, D, s.LongLo, s.ShortPutHi) {
				out = append(out, mk(KindShortPut, opt(put, k, "P", false)))
			}
			if want(KindPutVertical) && in(k, D, s.LongLo, s.LongHi) {
				for j, n := i+1, 0; j < len(ks) && n < s.ShortWithin; j++ {
					if series.Puts[j].ConID == 0 {
						continue
					}
					n++
					if in(ks[j], D, 0, s.ShortPutHi) {
						out = append(out, mk(KindPutVertical, opt(series.Puts[j], ks[j], "P", false), opt(put, k, "P", true)))
					}
				}
			}
		}
	}
	return out
}

// stockLeg is a BUY of the stock with no quote yet; the scan fills in the
// contract (the stock's line is one per deal).
func stockLeg(symbol string) Leg {
	nan := math.NaN()
	return Leg{Buy: true, Right: "STK", Contract: conn.Contract{Symbol: symbol, SecType: "STK"}, Bid: nan, Ask: nan, OI: nan}
}

// StockCandidate is the deal's baseline row: buy the stock, hold to the
// close.
func StockCandidate(d Deal, under conn.Contract) Structure {
	l := stockLeg(d.Symbol)
	l.Contract = under
	return Structure{Symbol: d.Symbol, Kind: KindStock, Legs: []Leg{l}, Multiplier: defaultMultiplier}
}

// priceAll prices every structure against the deal with quotes (by
// contract id) and the stock's leg.
func priceAll(ss []Structure, d Deal, quotes map[int64]legQuote, stock Leg, now time.Time) {
	for i := range ss {
		s := &ss[i]
		for j := range s.Legs {
			l := &s.Legs[j]
			if l.Right == "STK" {
				l.Contract, l.Bid, l.Ask = stock.Contract, stock.Bid, stock.Ask
				continue
			}
			if q, ok := quotes[l.Contract.ConID]; ok {
				l.Bid, l.Ask, l.OI = q.Bid, q.Ask, q.OI
			}
		}
		s.Price(d, stock, now)
	}
}

// legQuote is what the scan recorded for one contract.
type legQuote struct {
	Bid, Ask, OI float64
	// Done is true when the line delivered both sides (and open interest
	// for an option) before its deadline.
	Done bool
}
