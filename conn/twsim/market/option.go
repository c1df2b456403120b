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

// Option conIds fit TWS's 32-bit ids (IB's Java and C# clients read conIds
// as int) and are bit-packed and reversible:
//
//	id = 2^30 + ((idx*1024 + day mod 1024)*2 + right)*4096 + strike/unit
//
// where idx is the underlying's position in the universe (0..88), day is
// the expiry's day number since 2020-01-01 (modulo 1024: every listed
// expiry lies less than 1024 days ahead, so the day is the first one on or
// after today with that remainder), right is 0 for a call and 1 for a put,
// and unit is the underlying's strike unit (strikeUnit), which divides
// every strike on its ladders. Every option id lies in [2^30, 2^31): above
// any stock conId, the same on every run, and never above 2^31-1.
const (
	optionIDMin = 1 << 30
	optionIDMax = 1 << 31
	dayBuckets  = 1024
	strikeSlots = 4096
)

// idEpoch is day 0 of the conId day number.
var idEpoch = date(2020, time.January, 1)

// dayNumber returns the days from idEpoch to day (UTC midnight).
func dayNumber(day time.Time) int64 {
	return int64(math.Round(day.Sub(idEpoch).Hours() / 24))
}

// strikeUnit returns the cents that divide every strike an underlying can
// list: $1 for $1-strike ETFs, otherwise the gcd of the increments its
// bands use (see bands: the base increment and the next two).
func strikeUnit(e *entry) int64 {
	if e.dollar {
		return 100
	}
	switch b := baseInc(e.Price); {
	case b <= 1:
		return 50
	case b == 2:
		return 250
	}
	return 500
}

// encodeOptionID packs an option's identity into its conId; ok is false
// when the strike does not fit (a universe's validation prevents that).
func encodeOptionID(e *entry, day time.Time, right byte, cents int64) (int64, bool) {
	unit := strikeUnit(e)
	k := cents / unit
	if cents%unit != 0 || k < 0 || k >= strikeSlots {
		return 0, false
	}
	r := int64(0)
	if right == 'P' {
		r = 1
	}
	dn := ((dayNumber(day) % dayBuckets) + dayBuckets) % dayBuckets
	return optionIDMin + ((int64(e.idx)*dayBuckets+dn)*2+r)*strikeSlots + k, true
}

// decodeOptionID unpacks a conId made by encodeOptionID into the
// underlying's index, the expiry (the first day on or after today with the
// id's day remainder), the right and the strike slot.
func decodeOptionID(id int64, today time.Time) (idx int, day time.Time, right byte, slot int64, ok bool) {
	if id < optionIDMin || id >= optionIDMax {
		return 0, time.Time{}, 0, 0, false
	}
	id -= optionIDMin
	slot = id % strikeSlots
	id /= strikeSlots
	right = 'C'
	if id%2 == 1 {
		right = 'P'
	}
	id /= 2
	dn := id % dayBuckets
	idx = int(id / dayBuckets)
	t0 := dayOf(today)
	ahead := ((dn-dayNumber(t0))%dayBuckets + dayBuckets) % dayBuckets
	return idx, t0.AddDate(0, 0, int(ahead)), right, slot, true
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
	if !(c >= 1 && c < 1e9) || math.Abs(strike*100-c) > 1e-6 {
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
	if !ok {
		return Option{}, false
	}
	if _, found := slices.BinarySearch(ladder(e, l, today), cents); !found {
		return Option{}, false
	}
	return makeOption(e, l.day, right, cents), true
}

// makeOption builds an Option without checking that it is listed.
func makeOption(e *entry, day time.Time, right byte, cents int64) Option {
	id, _ := encodeOptionID(e, day, right, cents)
	return Option{
		ConID:        id,
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
	if !ok {
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
	idx, day, right, slot, ok := decodeOptionID(id, today)
	if !ok || idx < 0 || idx >= len(u.entries) || slot == 0 {
		return Option{}, false
	}
	e := &u.entries[idx]
	return u.Option(e.Symbol, day.Format(expiryLayout), right, float64(slot*strikeUnit(e))/100, today)
}

// IsOptionConID reports whether id is in the option conId range (it may
// still name no listed option).
func IsOptionConID(id int64) bool {
	return id >= optionIDMin && id < optionIDMax
}
