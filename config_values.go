package main

import (
	"fmt"
	"strconv"
	"strings"
)

// maxClientIDs bounds a client id list (each one is a separate TWS session
// slot; a typo like 1-100000 should not make a huge list).
const maxClientIDs = 32

// setIDsText parses "101", "101,102" or "101-103,110".
func setIDsText(s *settings, v string) error {
	ids, err := parseIDs(v)
	if err == nil {
		s.ClientIDs = ids
	}
	return err
}

// setIDsTOML accepts a number, a list of numbers or a string of ranges.
func setIDsTOML(s *settings, v any) error {
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
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
		}
		if err1 != nil || err2 != nil || b < a {
			return nil, fmt.Errorf("%q is not a client id or a range like 101-103", part)
		}
		if b-a >= maxClientIDs {
			return nil, fmt.Errorf("range %q has more than %d ids", part, maxClientIDs)
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
func setListText(s *settings, v string) error {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	list, err := cleanSymbols(fields)
	if err == nil {
		s.Watchlist = list
	}
	return err
}

func setListTOML(s *settings, v any) error {
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
	out := []string{}
	seen := map[string]bool{}
	for _, f := range in {
		sym := strings.ToUpper(strings.TrimSpace(f))
		if err := checkSymbol(sym); err != nil {
			return nil, fmt.Errorf("%q: %v", f, err)
		}
		if !seen[sym] {
			seen[sym] = true
			out = append(out, sym)
		}
	}
	return out, nil
}

// checkSymbol accepts 1–12 of A–Z, 0–9, '.', '-', '/' and space ("BRK B").
func checkSymbol(sym string) error {
	if sym == "" || len(sym) > 12 {
		return fmt.Errorf("not a symbol (1–12 letters, digits, '.', '-', '/')")
	}
	for _, r := range sym {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '/' || r == ' ') {
			return fmt.Errorf("not a symbol (1–12 letters, digits, '.', '-', '/')")
		}
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
