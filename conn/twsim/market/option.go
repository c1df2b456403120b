package market

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Option is one listed equity option (100 shares, American style on the
// exchange, priced here as European).
type Option struct {
	ConID        int64
	Symbol       string // underlying symbol
	Expiry       string // YYYYMMDD
	Right        byte   // 'C' or 'P'
	Strike       float64
	Multiplier   string // "100"
	TradingClass string // the underlying symbol
	LocalSymbol  string // OCC style, e.g. "AAPL  261218C00150000"
}

// Option conIds are decimal-packed and reversible:
//
//	id = ((((idx+10)*10000 + day)*10 + right)*10^7 + strikeCents
//
// where idx is the underlying's position in the universe (0..88), day is
// the expiry's day number since 2020-01-01 (0..9999, i.e. until 2047), right
// is 1 for a call and 2 for a put, and the strike is in cents below
// $100,000. Every option id lies in [10^13, 10^14): far above any stock
// conId and still exact in a JavaScript number.
const (
	optionIDMin = 10_000_000_000_000
	optionIDMax = 100_000_000_000_000
	strikeSpan  = 10_000_000
	daySpan     = 10_000
)

// idEpoch is day 0 of the conId day number.
var idEpoch = date(2020, time.January, 1)

// inIDRange reports whether an expiry day fits the conId's day number.
func inIDRange(day time.Time) bool {
	return !day.Before(idEpoch) && day.Before(idEpoch.AddDate(0, 0, daySpan))
}

// encodeOptionID packs an option's identity into its conId.
func encodeOptionID(idx int, day time.Time, right byte, cents int64) int64 {
	dn := int64(day.Sub(idEpoch).Hours() / 24)
	r := int64(1)
	if right == 'P' {
		r = 2
	}
	return ((int64(idx+10)*daySpan+dn)*10+r)*strikeSpan + cents
}

// decodeOptionID unpacks a conId made by encodeOptionID.
func decodeOptionID(id int64) (idx int, day time.Time, right byte, cents int64, ok bool) {
	if id < optionIDMin || id >= optionIDMax {
		return 0, time.Time{}, 0, 0, false
	}
	cents = id % strikeSpan
	id /= strikeSpan
	r := id % 10
	id /= 10
	dn := id % daySpan
	idx = int(id/daySpan) - 10
	switch r {
	case 1:
		right = 'C'
	case 2:
		right = 'P'
	default:
		return 0, time.Time{}, 0, 0, false
	}
	return idx, idEpoch.AddDate(0, 0, int(dn)), right, cents, cents > 0
}

// occSymbol returns the OCC option symbol: root padded to six characters,
// YYMMDD, C or P, and the strike times 1000 in eight digits.
func occSymbol(symbol string, day time.Time, right byte, cents int64) string {
	return fmt.Sprintf("%-6s%s%c%08d", symbol, day.Format("060102"), right, cents*10)
}

// toCents converts a strike to whole cents; ok is false if the strike is not
// a positive whole number of cents.
func toCents(strike float64) (int64, bool) {
	c := math.Round(strike * 100)
	if !(c >= 1 && c < strikeSpan) || math.Abs(strike*100-c) > 1e-6 {
		return 0, false
	}
	return int64(c), true
}

// Option returns the listed option with these terms, if it exists today: the
// expiration must be listed and the strike on that expiration's ladder.
// right is 'C' or 'P' (lower case is accepted).
func (u *Universe) Option(symbol, expiry string, right byte, strike float64, today time.Time) (Option, bool) {
	e := u.lookup(symbol)
	if e == nil {
		return Option{}, false
	}
	if right >= 'a' && right <= 'z' {
		right -= 'a' - 'A'
	}
	cents, ok := toCents(strike)
	if !ok || (right != 'C' && right != 'P') {
		return Option{}, false
	}
	l, ok := findListed(e, expiry, today)
	if !ok || !inIDRange(l.day) {
		return Option{}, false
	}
	if _, found := slices.BinarySearch(ladder(e, l, today), cents); !found {
		return Option{}, false
	}
	return makeOption(e, l.day, right, cents), true
}

// makeOption builds an Option without checking that it is listed.
func makeOption(e *entry, day time.Time, right byte, cents int64) Option {
	return Option{
		ConID:        encodeOptionID(e.idx, day, right, cents),
		Symbol:       e.Symbol,
		Expiry:       day.Format(expiryLayout),
		Right:        right,
		Strike:       float64(cents) / 100,
		Multiplier:   "100",
		TradingClass: e.Symbol,
		LocalSymbol:  occSymbol(e.Symbol, day, right, cents),
	}
}

// Options returns every listed option of one expiration, sorted by strike,
// calls before puts at each strike; right 'C' or 'P' keeps one side, 0 keeps
// both. This is what a contract-details request with the strike left open
// asks for. Unknown symbol or expiration: nil.
func (u *Universe) Options(symbol, expiry string, right byte, today time.Time) []Option {
	e := u.lookup(symbol)
	if e == nil {
		return nil
	}
	l, ok := findListed(e, expiry, today)
	if !ok || !inIDRange(l.day) {
		return nil
	}
	var out []Option
	for _, c := range ladder(e, l, today) {
		for _, r := range []byte{'C', 'P'} {
			if right == 0 || right == r {
				out = append(out, makeOption(e, l.day, r, c))
			}
		}
	}
	return out
}

// OptionByConID returns the option with this conId if it is listed today.
func (u *Universe) OptionByConID(id int64, today time.Time) (Option, bool) {
	idx, day, right, cents, ok := decodeOptionID(id)
	if !ok || idx < 0 || idx >= len(u.entries) {
		return Option{}, false
	}
	return u.Option(u.entries[idx].Symbol, day.Format(expiryLayout), right, float64(cents)/100, today)
}

// IsOptionConID reports whether id is in the option conId range (it may
// still name no listed option).
func IsOptionConID(id int64) bool {
	return id >= optionIDMin && id < optionIDMax
}
