package main

import (
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
// "path:line: key = value: reason"; unknown keys are errors too.
func loadFile(s *settings, path string, src []byte) []error {
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
		if key == "deals" {
			line = math.MaxInt // tables come after the top-level keys
		}
		entries = append(entries, entry{key, v, line})
	}
	slices.SortFunc(entries, func(a, b entry) int { return a.line - b.line })
	var errs []error
	for _, e := range entries {
		at := fmt.Sprintf("%s:%d", path, e.line)
		if e.key == "deals" {
			errs = append(errs, loadDeals(s, &md, top["deals"], path)...)
			continue
		}
		st := settingByKey(e.key)
		if st == nil {
			errs = append(errs, fmt.Errorf("%s: unknown key %q%s", at, e.key, suggest(e.key)))
			continue
		}
		if err := st.setTOML(s, e.v, dir); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s = %s: %v", at, e.key, tomlText(e.v), err))
			continue
		}
		s.origins[e.key] = origin{kind: "file", name: path, line: e.line}
	}
	return errs
}

// loadDeals reads the [deals.SYMBOL] tables.
func loadDeals(s *settings, md *toml.MetaData, prim toml.Primitive, path string) []error {
	var tables map[string]toml.Primitive
	if err := md.PrimitiveDecode(prim, &tables); err != nil {
		_, line := rawValue(md, prim)
		return []error{fmt.Errorf("%s:%d: deals: want one table per symbol, like [deals.ATVI] with price = 95.0", path, line)}
	}
	var errs []error
	var deals []scanner.Deal
	for _, sym := range slices.Sorted(maps.Keys(tables)) {
		d, line, err := loadDeal(md, tables[sym], path, sym)
		if err != nil {
			errs = append(errs, err...)
			continue
		}
		deals = append(deals, d)
		s.dealOrigin[d.Symbol] = origin{kind: "file", name: path, line: line}
	}
	s.Deals = deals
	return errs
}

// loadDeal reads one [deals.SYMBOL] table; line is the table's header.
func loadDeal(md *toml.MetaData, prim toml.Primitive, path, sym string) (scanner.Deal, int, []error) {
	_, line := rawValue(md, prim)
	head := fmt.Sprintf("%s:%d: deals.%s", path, line, sym)
	var keys map[string]toml.Primitive
	if err := md.PrimitiveDecode(prim, &keys); err != nil {
		return scanner.Deal{}, line, []error{fmt.Errorf("%s: want a table like [deals.%s] with price = 95.0", head, sym)}
	}
	d := scanner.Deal{Symbol: strings.ToUpper(strings.TrimSpace(sym))}
	var errs []error
	if err := checkSymbol(d.Symbol); err != nil {
		errs = append(errs, fmt.Errorf("%s: %v", head, err))
	}
	hasPrice := false
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		v, kline := rawValue(md, keys[k])
		var err error
		switch k {
		case "price":
			d.Price, err = tomlPrice(v)
			hasPrice = err == nil
		case "break":
			d.BreakPrice, err = tomlPrice(v)
		case "close":
			d.ExpectedClose, err = tomlDate(v)
		default:
			if _, isTable := v.(map[string]any); isTable {
				err = fmt.Errorf("a table inside a deal: quote symbols that have a dot, like [deals.\"%s.%s\"]", sym, k)
			} else {
				err = fmt.Errorf("unknown key (a deal has price, close and break)")
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: deals.%s.%s = %s: %v", path, kline, sym, k, tomlText(v), err))
		}
	}
	if len(errs) > 0 {
		return d, line, errs
	}
	if !hasPrice {
		return d, line, []error{fmt.Errorf("%s: price (the cash paid per share) is required", head)}
	}
	return d, line, nil
}

func tomlPrice(v any) (float64, error) {
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case int64:
		f = float64(n)
	default:
		return 0, fmt.Errorf("want a price like 95.50")
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return 0, fmt.Errorf("want a positive price")
	}
	return f, nil
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

// tomlText shows a raw value as it would be written in TOML.
func tomlText(v any) string {
	switch x := v.(type) {
	case string:
		return quote(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.Format("2006-01-02")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = tomlText(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return "{…}"
	}
	return fmt.Sprint(v)
}

// suggest names a known key close to an unknown one.
func suggest(key string) string {
	best, bestD := "", 3
	for _, st := range settingTable {
		if d := editDistance(key, st.key); d < bestD {
			best, bestD = st.key, d
		}
		if best == "" && strings.HasPrefix(st.key, key+"_") { // [metrics] addr = … → metrics_addr
			best = st.key
		}
	}
	if best == "" {
		return " (ibwatch config --init writes an example with every key)"
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
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
