package config

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ibwatch/ibwatch/scanner"
)

// ScanSettings is the [scan] table: the merger-arbitrage scan's defaults
// for every deal, for `ibwatch scan` (whose flags win) and the dashboard's
// scan pane. Only in the config file.
type ScanSettings struct {
	// Selection is which expiries and strikes are priced (days_before,
	// after, long, short_calls, short_put_max, short_within); a deal's
	// own keys override it (Settings.PerDeal).
	Selection scanner.Selection
	// Sort is the ranking (sort).
	Sort scanner.SortKey
	// Filter drops rows from the ranking (min_oi, max_width, min_annual,
	// max_loss, kinds, pre_close).
	Filter scanner.Filter
	// Every re-scans the dashboard's scan this long after each scan ends
	// (every; 0 = only by hand). `ibwatch scan` scans once unless --every.
	Every time.Duration
}

// defaultScan is [scan] before the file: the scanner's own defaults.
func defaultScan() ScanSettings {
	return ScanSettings{Selection: scanner.DefaultSelection(), Sort: scanner.SortAnnual}
}

// scanKey is a [scan] key that is not a selection key.
type scanKey struct {
	key, doc string
	set      func(sc *ScanSettings, v any) error
	show     func(sc *ScanSettings) string
}

// nonNegative reads a number ≥ 0 and at most hi (why: the reason).
func nonNegative(v any, wholeOnly bool, hi float64, why string) (float64, error) {
	x, ok := tomlNumber(v)
	if _, isInt := v.(int64); wholeOnly && !isInt {
		return 0, fmt.Errorf("want a whole number")
	}
	if !ok {
		return 0, fmt.Errorf("want a number")
	}
	switch {
	case math.IsNaN(x) || x < 0:
		return 0, fmt.Errorf("must not be negative (0 = no filter)")
	case x > hi:
		return 0, fmt.Errorf("must be at most %s: %s", formatPrice(hi), why)
	}
	return x, nil
}

// numKey is a [scan] filter number (0 = off).
func numKey(key, doc string, whole bool, hi float64, why string, f func(*ScanSettings) *float64) scanKey {
	return scanKey{key: key, doc: doc,
		set: func(sc *ScanSettings, v any) error {
			x, err := nonNegative(v, whole, hi, why)
			if err == nil {
				*f(sc) = x
			}
			return err
		},
		show: func(sc *ScanSettings) string { return formatPrice(*f(sc)) },
	}
}

// scanKeys are [scan]'s other keys, printed after the selection keys.
var scanKeys = []scanKey{
	{key: "sort", doc: "Rank by \"annual\" (annualised far-touch return), \"ev\" (expected value),\n\"return\" (return on capital at risk) or \"loss\" (smallest loss if the deal breaks).",
		set: func(sc *ScanSettings, v any) error {
			str, ok := v.(string)
			if !ok {
				return fmt.Errorf("want a string: \"annual\", \"ev\", \"return\" or \"loss\"")
			}
			k, err := scanner.ParseSortKey(str)
			if err != nil {
				return fmt.Errorf("want annual, ev, return or loss")
			}
			sc.Sort = k
			return nil
		},
		show: func(sc *ScanSettings) string { return quote(sc.Sort.String()) }},
	numKey("min_oi", "Filters (0 = off). Drop structures whose smallest leg open interest is below this …", true, maxMinOI,
		"no option has that many contracts open: every option structure would be dropped", func(sc *ScanSettings) *float64 { return &sc.Filter.MinOI }),
	numKey("max_width", "… whose widest leg (ask − bid) / mid is above this fraction (0.10 = 10 %) …", false, 2,
		"(ask − bid) / mid is never above 2 (a bid of 0), so a larger bound drops nothing", func(sc *ScanSettings) *float64 { return &sc.Filter.MaxWidth }),
	numKey("min_annual", "… whose annualised far-touch return is below this fraction (0.15 = 15 %) …", false, maxMinAnnual,
		"a fraction (0.15 = 15 %): that bound is a percentage typed as a fraction and would drop everything", func(sc *ScanSettings) *float64 { return &sc.Filter.MinAnnual }),
	numKey("max_loss", "… or whose far-touch max loss per share is above this many dollars.", false, maxDealPrice,
		"no share trades near a million dollars, so no loss per share reaches it", func(sc *ScanSettings) *float64 { return &sc.Filter.MaxLoss }),
	{key: "kinds", doc: "Only these structures: stock, long_call, call_vertical, put_vertical, short_put, covered_call.",
		set: setKinds, show: func(sc *ScanSettings) string { return formatKinds(sc.Filter.Kinds) }},
	{key: "pre_close", doc: "Rank expiries before the expected close too (their figures assume an early close).",
		set: func(sc *ScanSettings, v any) error {
			b, ok := v.(bool)
			if !ok {
				return fmt.Errorf("want true or false")
			}
			sc.Filter.PreClose = b
			return nil
		},
		show: func(sc *ScanSettings) string { return strconv.FormatBool(sc.Filter.PreClose) }},
	{key: "every", doc: "The dashboard re-scans this long after each scan ends; \"0s\" = only when you press n.\n(ibwatch scan scans once unless --every.)",
		set: setEvery, show: func(sc *ScanSettings) string { return quote(formatDuration(sc.Every)) }},
}

// setKinds reads a list of structure kinds; every kind is stored as nil
// (no filter), so the printed list reads back the same.
func setKinds(sc *ScanSettings, v any) error {
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		return fmt.Errorf("want a non-empty list like [\"call_vertical\", \"put_vertical\"] (leave kinds out for every structure)")
	}
	ks := map[scanner.Kind]bool{}
	for _, e := range arr {
		str, _ := e.(string)
		k, ok := scanner.ParseKind(str)
		if !ok {
			return fmt.Errorf("%s: not a structure (stock, long_call, call_vertical, put_vertical, short_put or covered_call)", tomlText(e))
		}
		ks[k] = true
	}
	if len(ks) == len(scanner.AllKinds()) {
		ks = nil
	}
	sc.Filter.Kinds = ks
	return nil
}

// formatKinds lists the kinds in display order (nil: every kind).
func formatKinds(ks map[scanner.Kind]bool) string {
	var names []string
	for _, k := range scanner.AllKinds() {
		if ks == nil || ks[k] {
			names = append(names, quote(k.String()))
		}
	}
	return "[" + strings.Join(names, ", ") + "]"
}

// setEvery reads the dashboard's re-scan interval: "0s" is off.
func setEvery(sc *ScanSettings, v any) error {
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("want a duration string like \"15m\" (\"0s\" = off)")
	}
	if d, err := time.ParseDuration(strings.TrimSpace(str)); err == nil && d == 0 {
		sc.Every = 0
		return nil
	}
	d, err := parseDuration(str)
	if err == nil {
		err = everyLimit.check(d)
	}
	if err == nil {
		sc.Every = d
	}
	return err
}

// loadScan reads the [scan] table.
func loadScan(s *Settings, md *toml.MetaData, prim toml.Primitive, path string) []error {
	var keys map[string]toml.Primitive
	if v, line := rawValue(md, prim); !isTable(v) || md.PrimitiveDecode(prim, &keys) != nil {
		return []error{fmt.Errorf("%s:%d: scan = %s: want a table [scan] with keys like sort = \"annual\"", path, line, tomlText(v))}
	}
	type entry struct {
		key  string
		v    any
		line int
	}
	var entries []entry
	for k, prim := range keys {
		v, line := rawValue(md, prim)
		entries = append(entries, entry{k, v, line})
	}
	slices.SortFunc(entries, func(a, b entry) int { return a.line - b.line }) // errors in file order
	var errs []error
	for _, e := range entries {
		k, v, line := e.key, e.v, e.line
		var err error
		if sk := selKeyByName(k); sk != nil {
			err = sk.set(&s.Scan.Selection, v)
		} else if sk := scanKeyByName(k); sk != nil {
			err = sk.set(&s.Scan, v)
		} else {
			err = fmt.Errorf("unknown key%s", suggestScan(k))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: scan.%s = %s: %v", path, line, clip(k), tomlText(v), err))
			continue
		}
		s.origins["scan."+k] = origin{kind: "file", name: path, line: line}
	}
	if len(errs) == 0 {
		if err := checkSelection(s.Scan.Selection); err != nil {
			errs = append(errs, fmt.Errorf("%s: [scan]: %v", path, err))
		}
	}
	return errs
}

// isTable reports whether a raw TOML value is a table.
func isTable(v any) bool { _, ok := v.(map[string]any); return ok }

func scanKeyByName(key string) *scanKey {
	for i := range scanKeys {
		if scanKeys[i].key == key {
			return &scanKeys[i]
		}
	}
	return nil
}

// scanKeyNames lists every [scan] key, selection keys first.
func scanKeyNames() []string {
	var names []string
	for _, k := range selKeys {
		names = append(names, k.key)
	}
	for _, k := range scanKeys {
		names = append(names, k.key)
	}
	return names
}

// suggestScan names the [scan] key closest to an unknown one.
func suggestScan(key string) string {
	best, bestD := "", 3
	for _, n := range scanKeyNames() {
		if d := editDistance(key, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best != "" {
		return " (did you mean " + best + "?)"
	}
	return " ([scan] has " + strings.Join(scanKeyNames(), ", ") + ")"
}

// PerDeal is each deal's candidate selection where its [deals.SYMBOL]
// table sets selection keys of its own: [scan]'s selection with them
// applied, keyed by symbol (scanner.ScanOptions.PerDeal).
func (s *Settings) PerDeal() map[string]scanner.Selection {
	if len(s.dealSel) == 0 {
		return nil
	}
	out := make(map[string]scanner.Selection, len(s.dealSel))
	for sym, ds := range s.dealSel {
		out[sym] = ds.over(s.Scan.Selection)
	}
	return out
}

// checkDealSelections refuses a deal whose own keys, over [scan]'s,
// select no short put.
func (s *Settings) checkDealSelections(path string) []error {
	var errs []error
	for _, sym := range slices.Sorted(maps.Keys(s.dealSel)) {
		ds := s.dealSel[sym]
		if err := checkSelection(ds.over(s.Scan.Selection)); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: deals.%s (with [scan]'s other keys): %v", path, ds.line, sym, err))
		}
	}
	return errs
}

// writeScan prints the [scan] table, each key with its origin.
func (s *Settings) writeScan(b *strings.Builder) {
	b.WriteString("\n[scan]\n")
	var lines [][2]string
	width := 0
	add := func(key, val string) {
		kv := key + " = " + val
		width = max(width, len(kv))
		lines = append(lines, [2]string{kv, commentText(s.origin("scan." + key).String())})
	}
	for _, k := range selKeys {
		add(k.key, k.show(s.Scan.Selection))
	}
	for _, k := range scanKeys {
		add(k.key, k.show(&s.Scan))
	}
	for _, l := range lines {
		fmt.Fprintf(b, "%-*s  # %s\n", width, l[0], l[1])
	}
}
