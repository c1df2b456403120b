package scanner

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// tickersTSV is the built-in candidate list: one line per ticker,
// SYMBOL<TAB>Company Name<TAB>Exchange, ASCII only, sorted by symbol.
// Names are as the companies are commonly known in 2025/2026; the exchange is
// the primary listing in IB's spelling (NASDAQ, NYSE, ARCA, BATS, AMEX) and is
// informational only.
//
//go:embed tickers.tsv
var tickersTSV string

// Ticker is one symbol-search candidate: a liquid, optionable US-listed
// stock, ADR or ETF.
type Ticker struct{ Symbol, Name, Exchange string }

// exchanges are the primary exchanges a built-in ticker may name.
var exchanges = map[string]bool{"NASDAQ": true, "NYSE": true, "ARCA": true, "BATS": true, "AMEX": true}

// builtinTickers parses the embedded list once. A malformed line is skipped
// here; TestBuiltinTickers fails on it, so none ships.
var builtinTickers = sync.OnceValue(func() []Ticker {
	ts, _ := parseTickers(tickersTSV)
	return ts
})

// BuiltinTickers returns the built-in list of liquid US optionable tickers
// with company names (more than 800), sorted by symbol. The caller owns the
// returned slice.
func BuiltinTickers() []Ticker {
	return slices.Clone(builtinTickers())
}

// parseTickers reads SYMBOL<TAB>Name<TAB>Exchange lines. It returns every
// valid ticker, sorted by symbol, and an error naming each bad line
// (malformed, invalid symbol, non-ASCII or empty name, unknown exchange,
// duplicate symbol). Blank lines and a trailing CR are ignored.
func parseTickers(data string) ([]Ticker, error) {
	var (
		out  []Ticker
		errs []error
		seen = map[string]int{}
	)
	for i, line := range strings.Split(data, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		n := i + 1
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			errs = append(errs, fmt.Errorf("line %d: want 3 tab-separated fields, got %d", n, len(f)))
			continue
		}
		t := Ticker{Symbol: f[0], Name: strings.TrimSpace(f[1]), Exchange: f[2]}
		switch {
		case !validTickerSymbol(t.Symbol):
			errs = append(errs, fmt.Errorf("line %d: bad symbol %q", n, t.Symbol))
		case t.Name == "" || !printableASCII(t.Name):
			errs = append(errs, fmt.Errorf("line %d: %s: name must be non-empty printable ASCII", n, t.Symbol))
		case !exchanges[t.Exchange]:
			errs = append(errs, fmt.Errorf("line %d: %s: unknown exchange %q", n, t.Symbol, t.Exchange))
		case seen[t.Symbol] != 0:
			errs = append(errs, fmt.Errorf("line %d: %s: duplicate of line %d", n, t.Symbol, seen[t.Symbol]))
		default:
			seen[t.Symbol] = n
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b Ticker) int { return strings.Compare(a.Symbol, b.Symbol) })
	return out, errors.Join(errs...)
}

// validTickerSymbol reports whether s looks like a US ticker: an upper-case
// letter, then up to five upper-case letters, digits or dots (BRK.B).
func validTickerSymbol(s string) bool {
	if len(s) == 0 || len(s) > 6 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.') {
			return false
		}
	}
	return true
}

// printableASCII reports whether s holds only printable ASCII characters.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
