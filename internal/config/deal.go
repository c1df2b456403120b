package config

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ibwatch/ibwatch/scanner"
)

// loadDeal reads one [deals.SYMBOL] table: the deal's terms, and its own
// selection keys (ds); line is the table's header.
func loadDeal(md *toml.MetaData, prim toml.Primitive, path, sym string, now time.Time) (d scanner.Deal, ds dealSelection, line int, errs []error) {
	v, line := rawValue(md, prim)
	ds = dealSelection{set: map[string]bool{}, line: line}
	head := fmt.Sprintf("%s:%d: deals.%s", path, line, clip(sym))
	var keys map[string]toml.Primitive
	if _, isTable := v.(map[string]any); !isTable || md.PrimitiveDecode(prim, &keys) != nil {
		return d, ds, line, []error{fmt.Errorf("%s = %s: want a table like [deals.%s] with price = 95.0", head, tomlText(v), clip(sym))}
	}
	d = scanner.Deal{Symbol: strings.ToUpper(strings.TrimSpace(sym))}
	if err := checkSymbol(d.Symbol); err != nil {
		errs = append(errs, fmt.Errorf("%s: %v", head, err))
	}
	hasPrice := false
	lines := map[string]int{}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		v, kline := rawValue(md, keys[k])
		lines[k] = kline
		err := setDealKey(&d, &ds, k, v, now)
		hasPrice = hasPrice || k == "price" && err == nil
		if err != nil {
			if _, isTable := v.(map[string]any); isTable && !isDealKey(k) {
				err = fmt.Errorf("a table inside a deal: quote symbols that have a dot, like [deals.\"%s.%s\"]", clip(sym), clip(k))
			}
			errs = append(errs, fmt.Errorf("%s:%d: deals.%s.%s = %s: %v", path, kline, clip(sym), clip(k), tomlText(v), err))
		}
	}
	if len(errs) > 0 {
		return d, ds, line, errs
	}
	if !hasPrice {
		return d, ds, line, []error{fmt.Errorf("%s: price (the cash paid per share) is required", head)}
	}
	// Both must stay below D: where the stock falls if the deal fails,
	// and cash paid before a close that pays D.
	for _, c := range []struct {
		key, why string
		v        float64
	}{{"break", "break is where the stock falls if the deal fails", d.BreakPrice},
		{"dividends", "dividends are paid out of the value the deal price puts on a share", d.Dividends}} {
		if c.v >= d.Price {
			errs = append(errs, fmt.Errorf("%s:%d: deals.%s.%s = %s: must be below price %s (%s)",
				path, lines[c.key], clip(sym), c.key, formatPrice(c.v), formatPrice(d.Price), c.why))
		}
	}
	return d, ds, line, errs
}

// setDealKey applies one key of a [deals.SYMBOL] table.
func setDealKey(d *scanner.Deal, ds *dealSelection, k string, v any, now time.Time) error {
	var err error
	switch k {
	case "price":
		d.Price, err = tomlPrice(v)
	case "break":
		d.BreakPrice, err = tomlPrice(v)
	case "close":
		d.ExpectedClose, err = tomlDate(v)
		if err == nil {
			err = checkClose(d.ExpectedClose, now)
		}
	case "dividends":
		d.Dividends, err = tomlDividends(v)
	case "probability":
		d.Prob, err = tomlProb(v)
	default:
		sk := selKeyByName(k)
		switch {
		case sk != nil:
			if err = sk.set(&ds.sel, v); err == nil {
				ds.set[k] = true
			}
		case scanKeyByName(k) != nil:
			err = fmt.Errorf("a [scan] key for the whole ranking, not one deal: put it under [scan]")
		default:
			err = fmt.Errorf("unknown key (a deal has price, close, break, dividends, probability and the selection keys %s)", selKeyList())
		}
	}
	return err
}

// isDealKey reports whether k is a key a deal table knows.
func isDealKey(k string) bool {
	return slices.Contains([]string{"price", "break", "close", "dividends", "probability"}, k) || selKeyByName(k) != nil
}

// tomlDividends reads the cash per share paid before the close: ≥ 0 (the
// check against price comes once the whole table is read).
func tomlDividends(v any) (float64, error) {
	x, ok := tomlNumber(v)
	if !ok {
		return 0, fmt.Errorf("want cash per share like 0.50")
	}
	if math.IsNaN(x) || x < 0 || math.IsInf(x, 0) {
		return 0, fmt.Errorf("want cash per share of 0 or more, like 0.50 (0 = none)")
	}
	return x, nil
}

// tomlProb reads an own completion probability: 0 < p ≤ 1.
func tomlProb(v any) (float64, error) {
	p, ok := tomlNumber(v)
	if !ok {
		return 0, fmt.Errorf("want a probability like 0.85")
	}
	if math.IsNaN(p) || p <= 0 || p > 1 {
		return 0, fmt.Errorf("want a probability above 0 and at most 1, like 0.85 for 85 %% (leave it out for the market-implied one)")
	}
	return p, nil
}

// selKeyList names the selection keys, for messages.
func selKeyList() string {
	var names []string
	for _, k := range selKeys {
		names = append(names, k.key)
	}
	return strings.Join(names, ", ")
}

// checkClose refuses a close date over a year before now (the deal is
// stale) or more than dealFutureYears after it (a typo).
func checkClose(c, now time.Time) error {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case c.Before(today.AddDate(0, 0, -dealPastDays)):
		return fmt.Errorf("more than %d days ago: the deal has closed or failed; update or remove it", dealPastDays)
	case c.After(today.AddDate(dealFutureYears, 0, 0)):
		return fmt.Errorf("more than %d years ahead: mergers close within months, rarely after two years", dealFutureYears)
	}
	return nil
}

func tomlPrice(v any) (float64, error) {
	f, ok := tomlNumber(v)
	if !ok {
		return 0, fmt.Errorf("want a price like 95.50")
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return 0, fmt.Errorf("want a positive price")
	}
	if f >= maxDealPrice {
		return 0, fmt.Errorf("must be below %s: no share trades near a million dollars", formatPrice(maxDealPrice))
	}
	return f, nil
}
