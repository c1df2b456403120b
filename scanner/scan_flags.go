package scanner

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// parseDealFlag reads --deal SYMBOL:PRICE[:CLOSE[:BREAK[:DIVIDENDS[:PROB]]]]
// (empty parts are skipped: XYZ:25.5::18 has no close date).
func parseDealFlag(v string) (Deal, error) {
	parts := strings.Split(v, ":")
	bad := fmt.Errorf("--deal %q: want SYMBOL:PRICE[:CLOSE[:BREAK[:DIVIDENDS[:PROB]]]], e.g. XYZ:25.50:2027-03-31:18", v)
	if len(parts) < 2 || len(parts) > 6 {
		return Deal{}, bad
	}
	d := Deal{Symbol: cleanSymbol(parts[0])}
	var err error
	if d.Price, err = strconv.ParseFloat(parts[1], 64); err != nil || d.Symbol == "" || !price(d.Price).OK {
		return Deal{}, bad
	}
	if len(parts) > 2 && parts[2] != "" {
		if d.ExpectedClose, err = parseDate(parts[2]); err != nil {
			return Deal{}, bad
		}
	}
	// The numbers after the date: break > 0, dividends ≥ 0, 0 < prob ≤ 1.
	for i, f := range []struct {
		dst    *float64
		hi     float64
		zeroOK bool
	}{{&d.BreakPrice, maxPrice, false}, {&d.Dividends, maxPrice, true}, {&d.Prob, 1, false}} {
		if len(parts) <= 3+i || parts[3+i] == "" {
			continue
		}
		v, err := strconv.ParseFloat(parts[3+i], 64)
		if err != nil || !finite(v) || v < 0 || (v == 0 && !f.zeroOK) || v > f.hi {
			return Deal{}, bad
		}
		*f.dst = v
	}
	return d, nil
}

// registerSelection adds the candidate selection flags (defaults:
// DefaultSelection) for every deal of the scan.
func registerSelection(fs *flag.FlagSet, s *Selection) {
	d := DefaultSelection()
	fs.IntVar(&s.DaysBefore, "days-before", d.DaysBefore, "expiries from this many `DAYS` before the close")
	fs.IntVar(&s.After, "after", d.After, "up to this many expiries after the close (`N`)")
	fs.IntVar(&s.ShortWithin, "short-within", d.ShortWithin, "a vertical's short leg among the next `N` strikes")
	fracRange(fs, "long", "long strikes as fractions of D", &s.LongLo, &s.LongHi, d.LongLo, d.LongHi)
	fracRange(fs, "short-calls", "short call strikes as fractions of D", &s.ShortCallLo, &s.ShortCallHi, d.ShortCallLo, d.ShortCallHi)
	s.ShortPutHi = d.ShortPutHi
	fs.Float64Var(&s.ShortPutHi, "short-put-max", d.ShortPutHi, "highest short put strike as a `FRACTION` of D")
}

// fracRange adds a LO-HI flag of fractions of the deal price.
func fracRange(fs *flag.FlagSet, name, usage string, lo, hi *float64, dlo, dhi float64) {
	*lo, *hi = dlo, dhi
	def := strconv.FormatFloat(dlo, 'f', -1, 64) + "-" + strconv.FormatFloat(dhi, 'f', -1, 64)
	fs.Func(name, usage+", `LO-HI` (default "+def+")", func(v string) error {
		a, b, ok := strings.Cut(v, "-")
		l, err1 := strconv.ParseFloat(a, 64)
		h, err2 := strconv.ParseFloat(b, 64)
		if !ok || err1 != nil || err2 != nil || !(l > 0) || !(h >= l) || h > 10 {
			return fmt.Errorf("want LO-HI fractions of the deal price, e.g. %s", def)
		}
		*lo, *hi = l, h
		return nil
	})
}
