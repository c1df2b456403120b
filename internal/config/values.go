package config

import (
	"fmt"
	"strconv"
	"strings"
)

// maxClientIDs bounds a client id list (each one is a separate TWS session
// slot; a typo like 1-100000 should not make a huge list).
const maxClientIDs = 32

// setIDsText parses "101", "101,102" or "101-103,110".
func setIDsText(s *Settings, v string) error {
	ids, err := parseIDs(v)
	if err == nil {
		s.ClientIDs = ids
	}
	return err
}

// setIDsTOML accepts a number, a list of numbers or a string of ranges.
func setIDsTOML(s *Settings, v any) error {
	var ids []int64
	switch x := v.(type) {
	case int64:
		ids = []int64{x}
	case string:
		return setIDsText(s, x)
	case []any:
		for _, e := range x {
			n, ok := e.(int64)
			if !ok {
				return fmt.Errorf("want whole numbers, like [101, 102, 103]")
			}
			ids = append(ids, n)
		}
	default:
		return fmt.Errorf("want a number, a list like [101, 102] or a string like \"101-103\"")
	}
	if err := checkIDs(ids); err != nil {
		return err
	}
	s.ClientIDs = ids
	return nil
}

func parseIDs(v string) ([]int64, error) {
	var ids []int64
	parts := strings.Split(v, ",")
	for _, part := range parts {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
		}
		// The message names the bad part of a list; the whole value is
		// already in front of it.
		what := ""
		if len(parts) > 1 {
			what = clipQuote(part) + ": "
		}
		if err1 != nil || err2 != nil || b < a {
			return nil, fmt.Errorf("%snot a client id or a range like 101-103", what)
		}
		if b-a >= maxClientIDs {
			return nil, fmt.Errorf("%sa range of more than %d ids", what, maxClientIDs)
		}
		for id := a; id <= b; id++ {
			ids = append(ids, id)
		}
	}
	return ids, checkIDs(ids)
}

func checkIDs(ids []int64) error {
	if len(ids) == 0 {
		return fmt.Errorf("at least one client id is needed")
	}
	if len(ids) > maxClientIDs {
		return fmt.Errorf("more than %d client ids", maxClientIDs)
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if id < 0 || id > 2147483647 {
			return fmt.Errorf("client id %d: must be 0–2147483647", id)
		}
		if seen[id] {
			return fmt.Errorf("client id %d is listed twice", id)
		}
		seen[id] = true
	}
	return nil
}

func formatIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// setListText parses symbols separated by commas or spaces.
func setListText(s *Settings, v string) error {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	list, err := cleanSymbols(fields)
	if err == nil {
		s.Watchlist = list
	}
	return err
}

func setListTOML(s *Settings, v any) error {
	arr, ok := v.([]any)
	if !ok {
		return fmt.Errorf("want a list of symbols, like [\"AAPL\", \"MSFT\"]")
	}
	var fields []string
	for _, e := range arr {
		str, ok := e.(string)
		if !ok {
			return fmt.Errorf("want a list of symbols in double quotes, like [\"AAPL\", \"MSFT\"]")
		}
		fields = append(fields, str)
	}
	list, err := cleanSymbols(fields)
	if err == nil {
		s.Watchlist = list
	}
	return err
}

// cleanSymbols upper-cases, checks and de-duplicates symbols.
func cleanSymbols(in []string) ([]string, error) {
	if len(in) > maxWatchlist {
		return nil, fmt.Errorf("%d symbols: at most %d (the search lists them first; more would bury its matches)", len(in), maxWatchlist)
	}
	out := []string{}
	seen := map[string]bool{}
	for _, f := range in {
		sym := strings.ToUpper(strings.TrimSpace(f))
		if err := checkSymbol(sym); err != nil {
			return nil, fmt.Errorf("%s: %v", clipQuote(f), err)
		}
		if !seen[sym] {
			seen[sym] = true
			out = append(out, sym)
		}
	}
	return out, nil
}

// checkSymbol accepts what IB calls a stock symbol: 1–12 letters and
// digits, with single '.', '-' or spaces between them (BRK B, BF.B, RDS-A).
// Nothing else: a symbol ends up in requests to TWS and on the screen, so
// "../../etc" or a control code is refused rather than passed on.
func checkSymbol(sym string) error {
	errBad := fmt.Errorf("not a symbol (1–12 letters or digits, with '.', '-' or a space between them, like BRK B)")
	if sym == "" || len(sym) > 12 {
		return errBad
	}
	prevSep := true // a symbol starts with a letter or digit
	for _, r := range sym {
		alnum := r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !alnum && (prevSep || !strings.ContainsRune(".- ", r)) {
			return errBad
		}
		prevSep = !alnum
	}
	if prevSep {
		return errBad
	}
	return nil
}

func formatList(list []string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = quote(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
