package market

import (
	"fmt"
	"slices"
	"strings"
)

// maxStocks is how many underlyings a universe may hold: the underlying's
// index is two decimal digits of every option conId (see option.go).
const maxStocks = 89

// maxMatches is how many rows Match returns, as TWS does for
// REQ_MATCHING_SYMBOLS.
const maxMatches = 16

// Universe is an immutable set of underlyings and their listed options.
// It is safe for concurrent use.
type Universe struct {
	entries []entry
	bySym   map[string]int
	byCon   map[int64]int
}

// Default returns the built-in universe: index and sector ETFs, large caps,
// a few symbols without a live data subscription and several fictional
// stocks under pending cash takeovers. Each call returns a fresh value.
func Default() *Universe {
	es := make([]entry, len(defaultRows))
	for i, r := range defaultRows {
		es[i] = r.toEntry()
		if d, ok := defaultDeals[r.sym]; ok {
			es[i].Deal = &d
		}
	}
	return build(es)
}

// NewUniverse builds a universe from caller-supplied stocks, e.g. a small one
// for a test. Listing details Stock cannot express get defaults: weekly
// expirations unless the stock has a Deal, penny option ticks, mid liquidity.
func NewUniverse(stocks []Stock) (*Universe, error) {
	es := make([]entry, len(stocks))
	for i, s := range stocks {
		if s.Deal != nil {
			d := *s.Deal
			s.Deal = &d
		}
		es[i] = entry{Stock: s, tier: 2, adv: 2e6, weeklies: s.Deal == nil}
	}
	if err := validate(es); err != nil {
		return nil, err
	}
	return build(es), nil
}

// build indexes entries; they must be valid.
func build(es []entry) *Universe {
	u := &Universe{entries: es, bySym: make(map[string]int, len(es)), byCon: make(map[int64]int, len(es))}
	for i := range es {
		es[i].idx = i
		u.bySym[es[i].Symbol] = i
		u.byCon[es[i].ConID] = i
	}
	return u
}

// validate reports the first problem in a set of entries.
func validate(es []entry) error {
	if len(es) == 0 || len(es) > maxStocks {
		return fmt.Errorf("market: need 1 to %d stocks, got %d", maxStocks, len(es))
	}
	syms := map[string]bool{}
	ids := map[int64]bool{}
	for _, e := range es {
		s := e.Stock
		switch {
		case s.Symbol == "" || len(s.Symbol) > 6 || strings.ToUpper(s.Symbol) != s.Symbol || !isPlainASCII(s.Symbol):
			return fmt.Errorf("market: bad symbol %q", s.Symbol)
		case syms[s.Symbol]:
			return fmt.Errorf("market: duplicate symbol %s", s.Symbol)
		case s.ConID <= 0 || s.ConID >= optionIDMin || ids[s.ConID]:
			return fmt.Errorf("market: %s: conId %d is not positive, unique and below %d", s.Symbol, s.ConID, int64(optionIDMin))
		case s.Name == "" || !isPlainASCII(s.Name) || !isPlainASCII(s.Industry+s.Category+s.PrimaryExch):
			return fmt.Errorf("market: %s: name and descriptions must be non-empty printable ASCII without quotes", s.Symbol)
		case !(s.Price >= 0.5 && s.Price < 8000):
			return fmt.Errorf("market: %s: price %v out of range (0.50 to 8000: option conIds must fit 32 bits)", s.Symbol, s.Price)
		case !(s.Vol >= 0.02 && s.Vol <= 3):
			return fmt.Errorf("market: %s: vol %v out of range", s.Symbol, s.Vol)
		case !(s.DivYield >= 0 && s.DivYield < 0.3):
			return fmt.Errorf("market: %s: dividend yield %v out of range", s.Symbol, s.DivYield)
		}
		if d := s.Deal; d != nil {
			switch {
			case !(d.Price > s.Price && d.Price < 2*s.Price):
				return fmt.Errorf("market: %s: deal price %v must be above the stock price", s.Symbol, d.Price)
			case d.ExpectedClose.IsZero() || d.Acquirer == "" || !isPlainASCII(d.Acquirer):
				return fmt.Errorf("market: %s: deal needs an acquirer and a closing date", s.Symbol)
			case !(d.BreakPrice >= 0 && d.BreakPrice < d.Price):
				return fmt.Errorf("market: %s: break price %v out of range", s.Symbol, d.BreakPrice)
			}
		}
		syms[s.Symbol] = true
		ids[s.ConID] = true
	}
	return nil
}

// isPlainASCII reports whether s is printable ASCII without quote characters.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\'' || c == '`' {
			return false
		}
	}
	return true
}

// stockOut copies a Stock so that callers cannot change the universe's Deal.
func stockOut(s Stock) Stock {
	if s.Deal != nil {
		d := *s.Deal
		s.Deal = &d
	}
	return s
}

// Stocks returns every underlying in universe order.
func (u *Universe) Stocks() []Stock {
	out := make([]Stock, len(u.entries))
	for i := range u.entries {
		out[i] = stockOut(u.entries[i].Stock)
	}
	return out
}

// Stock returns the underlying with this symbol (exact, upper case).
func (u *Universe) Stock(symbol string) (Stock, bool) {
	e := u.lookup(symbol)
	if e == nil {
		return Stock{}, false
	}
	return stockOut(e.Stock), true
}

// StockByConID returns the underlying with this conId.
func (u *Universe) StockByConID(id int64) (Stock, bool) {
	i, ok := u.byCon[id]
	if !ok {
		return Stock{}, false
	}
	return stockOut(u.entries[i].Stock), true
}

// lookup returns the entry for symbol, or nil.
func (u *Universe) lookup(symbol string) *entry {
	i, ok := u.bySym[symbol]
	if !ok {
		return nil
	}
	return &u.entries[i]
}

// Match answers a symbol search the way TWS does: at most 16 stocks,
// case-insensitive; symbols starting with the pattern come first (exact
// match, then shorter symbols, then alphabetical), then stocks whose name
// contains it (earlier position in the name first). A blank pattern matches
// nothing.
func (u *Universe) Match(pattern string) []Stock {
	p := strings.ToUpper(strings.TrimSpace(pattern))
	if p == "" {
		return nil
	}
	var bySymbol, byName []*entry
	for i := range u.entries {
		e := &u.entries[i]
		switch {
		case strings.HasPrefix(e.Symbol, p):
			bySymbol = append(bySymbol, e)
		case strings.Contains(strings.ToUpper(e.Name), p):
			byName = append(byName, e)
		}
	}
	slices.SortFunc(bySymbol, func(a, b *entry) int {
		if c := boolRank(a.Symbol == p, b.Symbol == p); c != 0 {
			return c
		}
		if c := len(a.Symbol) - len(b.Symbol); c != 0 {
			return c
		}
		return strings.Compare(a.Symbol, b.Symbol)
	})
	slices.SortFunc(byName, func(a, b *entry) int {
		ia := strings.Index(strings.ToUpper(a.Name), p)
		ib := strings.Index(strings.ToUpper(b.Name), p)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a.Symbol, b.Symbol)
	})
	var out []Stock
	for _, e := range append(bySymbol, byName...) {
		if len(out) == maxMatches {
			break
		}
		out = append(out, stockOut(e.Stock))
	}
	return out
}

// boolRank orders true before false.
func boolRank(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}
