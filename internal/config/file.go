package config

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ibwatch/ibwatch/scanner"
)

// errProbe stops a probe's decode so that the library reports the key's
// position (toml.ParseError carries the line of the key being decoded).
var errProbe = errors.New("probe")

// probe captures a raw TOML value.
type probe struct{ v any }

// UnmarshalTOML implements toml.Unmarshaler.
func (p *probe) UnmarshalTOML(v any) error { p.v = v; return errProbe }

// rawValue returns a key's decoded value and its line in the file, using
// the decoder's own key positions (MetaData keeps them; a decode error is
// the one place it hands them out).
func rawValue(md *toml.MetaData, prim toml.Primitive) (any, int) {
	var p probe
	var pe toml.ParseError
	if err := md.PrimitiveDecode(prim, &p); errors.As(err, &pe) {
		return p.v, pe.Position.Line
	}
	return p.v, 0
}

// loadFile applies a config file's keys to s. Every problem is reported as
// "path:line: key = value: reason"; unknown keys are errors too. now dates
// the check of the deals' close dates.
func loadFile(s *Settings, path string, src []byte, now time.Time) []error {
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(src), &top)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return []error{fmt.Errorf("%s:%d: TOML syntax: %s", path, pe.Position.Line, pe.Message)}
		}
		return []error{fmt.Errorf("%s: %v", path, err)}
	}
	dir := filepath.Dir(path)
	type entry struct {
		key  string
		v    any
		line int
	}
	var entries []entry
	for key, prim := range top {
		v, line := rawValue(&md, prim)
		entries = append(entries, entry{key, v, line})
	}
	order := func(e entry) int {
		switch e.key {
		case "deals":
			return math.MaxInt // tables come after the top-level keys
		case "scan":
			return math.MaxInt - 1 // before the deals, whose own keys apply over it
		}
		return e.line
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(order(a), order(b)) })
	var errs []error
	for _, e := range entries {
		at := fmt.Sprintf("%s:%d", path, e.line)
		if e.key == "deals" {
			if _, isTable := e.v.(map[string]any); !isTable {
				errs = append(errs, fmt.Errorf("%s: deals = %s: want one table per symbol, like [deals.ATVI] with price = 95.0", at, tomlText(e.v)))
				continue
			}
			errs = append(errs, loadDeals(s, &md, top["deals"], path, now)...)
			continue
		}
		if e.key == "scan" {
			errs = append(errs, loadScan(s, &md, top["scan"], path)...)
			continue
		}
		st := settingByKey(e.key)
		if st == nil && (selKeyByName(e.key) != nil || scanKeyByName(e.key) != nil) {
			errs = append(errs, fmt.Errorf("%s: unknown key %s: a [scan] key: put it under [scan] (after the top-level keys)", at, clipQuote(e.key)))
			continue
		}
		if st == nil {
			errs = append(errs, fmt.Errorf("%s: unknown key %s%s", at, clipQuote(e.key), suggest(e.key)))
			continue
		}
		if err := st.setTOML(s, e.v, dir); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s = %s: %v", at, e.key, tomlText(e.v), err))
			continue
		}
		s.origins[e.key] = origin{kind: "file", name: path, line: e.line}
	}
	if len(errs) == 0 {
		errs = s.checkDealSelections(path)
	}
	return errs
}

// loadDeals reads the [deals.SYMBOL] tables. Symbols ignore case, so
// [deals.XYZ] and [deals.xyz] are one deal given twice: an error.
func loadDeals(s *Settings, md *toml.MetaData, prim toml.Primitive, path string, now time.Time) []error {
	var tables map[string]toml.Primitive
	if err := md.PrimitiveDecode(prim, &tables); err != nil {
		_, line := rawValue(md, prim)
		return []error{fmt.Errorf("%s:%d: deals: want one table per symbol, like [deals.ATVI] with price = 95.0", path, line)}
	}
	if len(tables) > maxDeals {
		_, line := rawValue(md, prim)
		return []error{fmt.Errorf("%s:%d: deals: %d tables, at most %d (the search lists deals first; more would bury its matches)", path, line, len(tables), maxDeals)}
	}
	var errs []error
	var deals []scanner.Deal
	first := map[string]string{} // symbol → the table that gave it
	for _, sym := range slices.Sorted(maps.Keys(tables)) {
		d, ds, line, err := loadDeal(md, tables[sym], path, sym, now)
		if err != nil {
			errs = append(errs, err...)
			continue
		}
		if prev, dup := first[d.Symbol]; dup {
			errs = append(errs, fmt.Errorf("%s:%d: deals.%s: the same symbol as [deals.%s] on line %d (symbols ignore case): keep one",
				path, line, clip(sym), clip(prev), s.dealOrigin[d.Symbol].line))
			continue
		}
		first[d.Symbol] = sym
		deals = append(deals, d)
		s.dealOrigin[d.Symbol] = origin{kind: "file", name: path, line: line}
		if len(ds.set) > 0 {
			s.dealSel[d.Symbol] = ds
		}
	}
	// In symbol order, as `ibwatch config` prints them: table names may
	// differ in case from the symbols, and sort differently.
	slices.SortFunc(deals, func(a, b scanner.Deal) int { return strings.Compare(a.Symbol, b.Symbol) })
	s.Deals = deals
	return errs
}

// tomlNumber reads a TOML integer or float (TOML writes 95 and 95.0
// alike for a price).
func tomlNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// tomlDate accepts a TOML date (2026-06-30) or a string "2026-06-30".
func tomlDate(v any) (time.Time, error) {
	switch d := v.(type) {
	case time.Time:
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), nil
	case string:
		t, err := time.Parse("2006-01-02", strings.TrimSpace(d))
		if err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("want a date like 2026-06-30")
}

// tomlText shows a raw value as it would be written in TOML, clipped for
// an error message.
func tomlText(v any) string {
	switch x := v.(type) {
	case string:
		return quote(clip(x))
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.Format("2006-01-02")
	case []any:
		var b strings.Builder
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tomlText(e))
			if b.Len() > clipLen {
				return clip(b.String()) + "]"
			}
		}
		return b.String() + "]"
	case map[string]any:
		return "{…}"
	}
	return clip(fmt.Sprint(v))
}

// suggest names a known key close to an unknown one.
func suggest(key string) string {
	if best := closestKey(key); best != "" {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	return " (ibwatch config --init writes an example with every key)"
}

// closestKey is the known key within two edits of key, or that key is the
// start of ([metrics] addr = … → metrics_addr); "" if none.
func closestKey(key string) string {
	best, bestD := "", 3
	for _, st := range settingTable {
		if d := editDistance(key, st.key); d < bestD {
			best, bestD = st.key, d
		}
		if best == "" && strings.HasPrefix(st.key, key+"_") {
			best = st.key
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
