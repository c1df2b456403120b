package scanner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// Errors for symbols and expiries that have nothing to show. They are
// wrapped with the symbol; test with errors.Is.
var (
	ErrUnknownSymbol = errors.New("unknown symbol")
	ErrNoOptions     = errors.New("no listed options")
	ErrNoStrikes     = errors.New("no strikes listed for this expiry")
)

// Client is what the scanner needs from the connection supervisor;
// *conn.Supervisor satisfies it. Every request goes through the
// supervisor's pacing and line budget.
type Client interface {
	ContractDetails(ctx context.Context, c conn.Contract) ([]conn.ContractDetails, error)
	SecDefOptParams(ctx context.Context, symbol, secType string, conID int64) ([]conn.OptionParams, error)
	MatchingSymbols(ctx context.Context, pattern string) ([]conn.SymbolSample, error)
	Subscribe(ctx context.Context, c conn.Contract, opts conn.SubOptions) (*conn.Sub, error)
}

// Definition is an underlying and its option listing, cached for the
// session (see Fetcher.Refresh).
type Definition struct {
	Symbol string
	// Name is the company name: the built-in list's or TWS's symbol
	// description when known (ibapi's LongName is unreliable), else LongName.
	Name        string
	ConID       int64
	Currency    string
	PrimaryExch string
	// Underlying is the contract the chain subscribes for the stock.
	Underlying conn.Contract
	// OptExchange and TradingClass identify the option parameters row used
	// (SMART preferred).
	OptExchange  string
	TradingClass string
	Multiplier   string
	// Expiries are the listed expiries (YYYYMMDD, sorted), without expired ones.
	Expiries []string
	// AllStrikes is TWS's strike list across every expiry: a cross
	// product, not the strikes of any one expiry (see Series).
	AllStrikes []float64
	Fetched    time.Time
}

// MultiplierValue returns the multiplier as a number (100 when missing or
// unusable).
func (d *Definition) MultiplierValue() float64 {
	m, err := strconv.ParseFloat(strings.TrimSpace(d.Multiplier), 64)
	if err != nil || !finite(m) || m <= 0 || m > 1e6 {
		return defaultMultiplier
	}
	return m
}

// Series is the strikes that really exist for one expiry, with the call and
// put contracts of each (from one REQ_CONTRACT_DATA with the strike and
// right left blank).
type Series struct {
	Symbol, Expiry string
	Strikes        []float64
	// Calls and Puts are aligned with Strikes; ConID 0 where TWS listed no
	// option of that right at that strike.
	Calls, Puts []conn.Contract
	Fetched     time.Time
}

// Definition returns the underlying and option listing of symbol, from the
// cache when fetched before. Errors wrap ErrUnknownSymbol or ErrNoOptions
// when TWS has nothing; other errors (not connected, ctx) pass through.
func (f *Fetcher) Definition(ctx context.Context, symbol string) (*Definition, error) {
	sym := cleanSymbol(symbol)
	if sym == "" {
		return nil, fmt.Errorf("%q: %w", symbol, ErrUnknownSymbol)
	}
	f.mu.Lock()
	d, ok := f.defs[sym]
	f.mu.Unlock()
	if ok {
		return d, nil
	}
	ds, err := f.c.ContractDetails(ctx, conn.Contract{Symbol: sym, SecType: "STK", Exchange: "SMART", Currency: "USD"})
	if code(err) == 200 {
		return nil, fmt.Errorf("%s: %w", sym, ErrUnknownSymbol)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: contract details: %w", sym, err)
	}
	var best *conn.ContractDetails
	for i := range ds {
		c := ds[i].Contract
		if c.SecType != "STK" || !strings.EqualFold(c.Symbol, sym) || c.ConID <= 0 {
			continue
		}
		if best == nil || (c.Currency == "USD" && best.Contract.Currency != "USD") {
			best = &ds[i]
		}
	}
	if best == nil {
		return nil, fmt.Errorf("%s: %w", sym, ErrUnknownSymbol)
	}
	bc := best.Contract
	d = &Definition{Symbol: sym, ConID: bc.ConID, Currency: bc.Currency, PrimaryExch: cleanText(bc.PrimaryExch, 12), Fetched: f.now()}
	if d.Currency == "" {
		d.Currency = "USD"
	}
	d.Underlying = conn.Contract{ConID: bc.ConID, Symbol: sym, SecType: "STK", Exchange: "SMART", PrimaryExch: d.PrimaryExch, Currency: d.Currency}
	d.Name = cleanText(best.LongName, 80)
	if f.names != nil {
		if n, ok := f.names(sym); ok && n != "" {
			d.Name = n
		}
	}
	ps, err := f.c.SecDefOptParams(ctx, sym, "STK", bc.ConID)
	if code(err) == 200 {
		return nil, fmt.Errorf("%s: %w", sym, ErrNoOptions)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: option parameters: %w", sym, err)
	}
	p, ok := pickParams(ps, sym)
	if !ok {
		return nil, fmt.Errorf("%s: %w", sym, ErrNoOptions)
	}
	d.OptExchange, d.TradingClass, d.Multiplier = p.Exchange, cleanText(p.TradingClass, 12), cleanText(p.Multiplier, 8)
	if d.OptExchange == "" {
		d.OptExchange = "SMART"
	}
	d.Expiries = cleanExpiries(p.Expirations, f.now())
	d.AllStrikes = cleanStrikes(p.Strikes)
	if len(d.Expiries) == 0 {
		return nil, fmt.Errorf("%s: %w", sym, ErrNoOptions)
	}
	f.mu.Lock()
	f.defs[sym] = d
	f.mu.Unlock()
	return d, nil
}

// pickParams chooses the option parameters row: SMART with the symbol's
// own trading class, else any SMART row, else the row with most expiries.
func pickParams(ps []conn.OptionParams, sym string) (conn.OptionParams, bool) {
	rank := func(p conn.OptionParams) int {
		switch {
		case p.Exchange == "SMART" && strings.EqualFold(p.TradingClass, sym):
			return 0
		case p.Exchange == "SMART":
			return 1
		}
		return 2
	}
	var out conn.OptionParams
	found := false
	for _, p := range ps {
		if len(p.Expirations) == 0 {
			continue
		}
		if !found || rank(p) < rank(out) || (rank(p) == rank(out) && len(p.Expirations) > len(out.Expirations)) {
			out, found = p, true
		}
	}
	return out, found
}

// cleanExpiries keeps valid YYYYMMDD dates not before today, sorted, unique.
func cleanExpiries(es []string, now time.Time) []string {
	t0 := today(now)
	var out []string
	for _, e := range es {
		if t, ok := parseExpiry(e); ok && len(e) == 8 && !t.Before(t0) {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// cleanStrikes keeps positive, finite, sane strikes, sorted and unique.
func cleanStrikes(ks []float64) []float64 {
	var out []float64
	for _, k := range ks {
		if price(k).OK && k < maxPrice {
			out = append(out, roundStrike(k))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// roundStrike removes float noise from a strike (TWS strikes are cents or
// tenths of cents).
func roundStrike(k float64) float64 { return math.Round(k*1e4) / 1e4 }

// code returns the TWS error code inside err, or 0.
func code(err error) int64 {
	var te *conn.TWSError
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// Series returns the strikes and contracts that exist for one expiry of
// def, from the cache when fetched before.
func (f *Fetcher) Series(ctx context.Context, def *Definition, expiry string) (*Series, error) {
	key := def.Symbol + "|" + expiry
	f.mu.Lock()
	s, ok := f.series[key]
	f.mu.Unlock()
	if ok {
		return s, nil
	}
	if _, ok := parseExpiry(expiry); !ok || len(expiry) != 8 {
		return nil, fmt.Errorf("%s: expiry %q is not YYYYMMDD", def.Symbol, expiry)
	}
	ds, err := f.c.ContractDetails(ctx, conn.Contract{Symbol: def.Symbol, SecType: "OPT", Expiry: expiry,
		Exchange: def.OptExchange, Currency: def.Currency, TradingClass: def.TradingClass, Multiplier: def.Multiplier})
	if code(err) == 200 {
		return nil, fmt.Errorf("%s %s: %w", def.Symbol, expiry, ErrNoStrikes)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: option contracts: %w", def.Symbol, expiry, err)
	}
	type pair struct{ c, p conn.Contract }
	byStrike := map[float64]*pair{}
	for _, d := range ds {
		c := d.Contract
		k := roundStrike(c.Strike)
		if c.SecType != "OPT" || c.ConID <= 0 || !strings.HasPrefix(c.Expiry, expiry) || !price(k).OK || k >= maxPrice {
			continue
		}
		c.Strike, c.Expiry = k, expiry
		if c.Exchange == "" {
			c.Exchange = def.OptExchange
		}
		pr := byStrike[k]
		if pr == nil {
			pr = &pair{}
			byStrike[k] = pr
		}
		switch strings.ToUpper(c.Right) {
		case "C", "CALL":
			c.Right, pr.c = "C", c
		case "P", "PUT":
			c.Right, pr.p = "P", c
		}
	}
	s = &Series{Symbol: def.Symbol, Expiry: expiry, Fetched: f.now()}
	for k, pr := range byStrike {
		if pr.c.ConID != 0 || pr.p.ConID != 0 {
			s.Strikes = append(s.Strikes, k)
		}
	}
	if len(s.Strikes) == 0 {
		return nil, fmt.Errorf("%s %s: %w", def.Symbol, expiry, ErrNoStrikes)
	}
	slices.SortFunc(s.Strikes, cmp.Compare[float64])
	for _, k := range s.Strikes {
		s.Calls = append(s.Calls, byStrike[k].c)
		s.Puts = append(s.Puts, byStrike[k].p)
	}
	f.mu.Lock()
	f.series[key] = s
	f.mu.Unlock()
	return s, nil
}
