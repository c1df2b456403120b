package config

import (
	"fmt"
	"math"
	"strconv"

	"github.com/ibwatch/ibwatch/scanner"
)

// selKey is a key of the scan's candidate selection (scanner.Selection):
// in [scan] it applies to every deal, in a [deals.SYMBOL] table to that
// deal only. The names are `ibwatch scan`'s flags with underscores.
type selKey struct {
	key string
	doc string // comment in `ibwatch config --init`
	// set reads a TOML value into its field of sel.
	set func(sel *scanner.Selection, v any) error
	// show prints the field of sel in TOML syntax.
	show func(sel scanner.Selection) string
	// copy copies the field from src to dst (a deal's override onto [scan]).
	copy func(dst *scanner.Selection, src scanner.Selection)
}

// intSel is a whole-number selection key in [lo, hi].
func intSel(key, doc string, lo, hi int, whyLo, whyHi string, f func(*scanner.Selection) *int) selKey {
	return selKey{key: key, doc: doc,
		set: func(sel *scanner.Selection, v any) error {
			n, ok := v.(int64)
			switch {
			case !ok:
				return fmt.Errorf("want a whole number")
			case n < int64(lo):
				return fmt.Errorf("must be at least %d: %s", lo, whyLo)
			case n > int64(hi):
				return fmt.Errorf("must be at most %d: %s", hi, whyHi)
			}
			*f(sel) = int(n)
			return nil
		},
		show: func(sel scanner.Selection) string { return strconv.Itoa(*f(&sel)) },
		copy: func(dst *scanner.Selection, src scanner.Selection) { *f(dst) = *f(&src) },
	}
}

// fracSel is a fraction of the deal price D.
func fracSel(key, doc string, f func(*scanner.Selection) *float64) selKey {
	return selKey{key: key, doc: doc,
		set: func(sel *scanner.Selection, v any) error {
			x, err := tomlFraction(v)
			if err == nil {
				*f(sel) = x
			}
			return err
		},
		show: func(sel scanner.Selection) string { return formatPrice(*f(&sel)) },
		copy: func(dst *scanner.Selection, src scanner.Selection) { *f(dst) = *f(&src) },
	}
}

// rangeSel is a [LO, HI] range of fractions of the deal price D.
func rangeSel(key, doc string, f func(*scanner.Selection) (*float64, *float64)) selKey {
	return selKey{key: key, doc: doc,
		set: func(sel *scanner.Selection, v any) error {
			arr, ok := v.([]any)
			if !ok || len(arr) != 2 {
				return fmt.Errorf("want [LO, HI] fractions of the deal price, like [0.75, 1.00]")
			}
			lo, err := tomlFraction(arr[0])
			if err != nil {
				return fmt.Errorf("LO: %v", err)
			}
			hi, err := tomlFraction(arr[1])
			if err != nil {
				return fmt.Errorf("HI: %v", err)
			}
			if hi < lo {
				return fmt.Errorf("HI is below LO: no strike would be selected")
			}
			l, h := f(sel)
			*l, *h = lo, hi
			return nil
		},
		show: func(sel scanner.Selection) string {
			l, h := f(&sel)
			return "[" + formatPrice(*l) + ", " + formatPrice(*h) + "]"
		},
		copy: func(dst *scanner.Selection, src scanner.Selection) {
			dl, dh := f(dst)
			sl, sh := f(&src)
			*dl, *dh = *sl, *sh
		},
	}
}

// tomlFraction reads a strike bound as a fraction of D (0.75 = 75 %).
func tomlFraction(v any) (float64, error) {
	x, ok := tomlNumber(v)
	if !ok {
		return 0, fmt.Errorf("want a fraction of the deal price, like 0.95")
	}
	switch {
	case math.IsNaN(x) || x <= 0:
		return 0, fmt.Errorf("want a positive fraction of the deal price, like 0.95")
	case x > maxStrikeFraction:
		return 0, fmt.Errorf("must be at most %v: a fraction of the deal price (0.95 = 95 %%), and no strike that far from it plays a part in a takeover", maxStrikeFraction)
	}
	return x, nil
}

// selKeys are the selection keys, in the order `ibwatch config` prints
// them. Their bounds keep every value one the scanner uses as given (it
// replaces a zero or a fraction above 10 with its default).
var selKeys = []selKey{
	intSel("days_before", "Expiries from this many days before the expected close …", 1, maxDaysBefore,
		"the scanner reads 0 as unset, which means its default of 60",
		"listed options expire at most about three years out, so a longer look-back adds nothing",
		func(s *scanner.Selection) *int { return &s.DaysBefore }),
	intSel("after", "… up to this many expiries after it (one on the close day is always taken).", 1, maxAfter,
		"the scanner reads 0 as unset, which means its default of 2 (a deal often closes late)",
		"expiries that far past the close are accelerated to it anyway (a cash close ends every option)",
		func(s *scanner.Selection) *int { return &s.After }),
	rangeSel("long", "Long strikes (calls, and a put vertical's long put) as [LO, HI] fractions of the deal price D.",
		func(s *scanner.Selection) (*float64, *float64) { return &s.LongLo, &s.LongHi }),
	rangeSel("short_calls", "Short call strikes (call verticals, covered calls) as [LO, HI] fractions of D.",
		func(s *scanner.Selection) (*float64, *float64) { return &s.ShortCallLo, &s.ShortCallHi }),
	fracSel("short_put_max", "Highest short put strike as a fraction of D (the lowest is long's LO).",
		func(s *scanner.Selection) *float64 { return &s.ShortPutHi }),
	intSel("short_within", "A vertical's short leg is among the next this many listed strikes above its long leg.", 1, maxShortWithin,
		"a vertical needs a short strike above its long one",
		"each step adds a vertical per long strike and expiry, and each contract costs a market-data line",
		func(s *scanner.Selection) *int { return &s.ShortWithin }),
}

// selKeyByName finds a selection key.
func selKeyByName(key string) *selKey {
	for i := range selKeys {
		if selKeys[i].key == key {
			return &selKeys[i]
		}
	}
	return nil
}

// checkSelection refuses a selection that can select no short put: short
// puts range from long's LO to short_put_max.
func checkSelection(sel scanner.Selection) error {
	if sel.ShortPutHi < sel.LongLo {
		return fmt.Errorf("short_put_max %s is below long's LO %s: short puts range from long's LO to short_put_max, so none would be selected",
			formatPrice(sel.ShortPutHi), formatPrice(sel.LongLo))
	}
	return nil
}

// dealSelection is a deal's own selection keys: sel holds the values of
// the keys named in set.
type dealSelection struct {
	sel  scanner.Selection
	set  map[string]bool
	line int // the table's line, for messages
}

// over returns base with the deal's own keys applied.
func (d dealSelection) over(base scanner.Selection) scanner.Selection {
	for _, k := range selKeys {
		if d.set[k.key] {
			k.copy(&base, d.sel)
		}
	}
	return base
}
