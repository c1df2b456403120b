package scanner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// FetcherOptions configures a Fetcher. Zero values take the defaults.
type FetcherOptions struct {
	// Names returns the display name of a symbol (e.g. Searcher.Name);
	// nil means TWS's LongName only.
	Names func(symbol string) (string, bool)
	// MaxLines is the most market-data lines one chain may hold, the
	// underlying included (default 95, the supervisor's default budget).
	// A window wider than (MaxLines−1)/2 strikes is narrowed.
	MaxLines int
	// PriceWait is how long Open waits for the underlying's first price
	// before choosing strikes around it (default 3 s). Without a price the
	// window centres on the deal price, else on the middle strike.
	PriceWait time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Fetcher fetches chain definitions through the supervisor, caches them for
// the session, and holds at most one open Chain. Safe for concurrent use.
type Fetcher struct {
	c         Client
	names     func(string) (string, bool)
	maxLines  int
	priceWait time.Duration
	now       func() time.Time
	gens      genGate

	mu     sync.Mutex // guards the caches and active
	defs   map[string]*Definition
	series map[string]*Series
	active *Chain

	openMu sync.Mutex // serialises Open: one chain's lines at a time
}

// NewFetcher returns a fetcher that talks to TWS through c.
func NewFetcher(c Client, opts FetcherOptions) *Fetcher {
	f := &Fetcher{c: c, names: opts.Names, maxLines: opts.MaxLines, priceWait: opts.PriceWait, now: opts.Now,
		defs: map[string]*Definition{}, series: map[string]*Series{}}
	if f.maxLines <= 0 {
		f.maxLines = 95
	}
	if f.priceWait <= 0 {
		f.priceWait = 3 * time.Second
	}
	if f.now == nil {
		f.now = time.Now
	}
	return f
}

// Refresh forgets the cached definition and series of symbol ("" = all),
// so the next Definition/Series/Open asks TWS again.
func (f *Fetcher) Refresh(symbol string) {
	sym := cleanSymbol(symbol)
	f.mu.Lock()
	defer f.mu.Unlock()
	if sym == "" {
		f.defs, f.series = map[string]*Definition{}, map[string]*Series{}
		return
	}
	delete(f.defs, sym)
	for k := range f.series {
		if strings.HasPrefix(k, sym+"|") {
			delete(f.series, k)
		}
	}
}

// OpenRequest says which chain to open.
type OpenRequest struct {
	// Gen is the caller's generation for this request. A newer Open (or
	// FetchChain) makes an older one still in progress return
	// ErrSuperseded, and the returned Chain reports Gen in its Snapshots.
	Gen uint64
	Def *Definition
	// Expiry is YYYYMMDD; "" picks DefaultExpiry.
	Expiry string
	// Deal, if set, selects the deal window and expiry and adds the lens.
	Deal *Deal
	// Window is the strikes to stream. With a Deal and no range (Hi == 0)
	// the deal range applies (DealWindow).
	Window Window
	// Notify, if set, receives a value (never blocking; give it capacity 1)
	// after every change of the chain's data.
	Notify chan<- struct{}
}

// ChainRequest is OpenRequest by symbol, for FetchChain.
type ChainRequest struct {
	Gen    uint64
	Symbol string
	Expiry string
	Deal   *Deal
	Window Window
	Notify chan<- struct{}
}

// FetchChain resolves the symbol's definition (cached) and opens its chain:
// what happens when the user presses enter on a search result.
func (f *Fetcher) FetchChain(ctx context.Context, req ChainRequest) (*Chain, error) {
	if err := f.gens.claim(req.Gen); err != nil {
		return nil, err
	}
	def, err := f.Definition(ctx, req.Symbol)
	if err != nil {
		return nil, err
	}
	return f.Open(ctx, OpenRequest{Gen: req.Gen, Def: def, Expiry: req.Expiry, Deal: req.Deal, Window: req.Window, Notify: req.Notify})
}

// Open subscribes the chain of one expiry and returns it. It closes the
// chain opened before: each of its lines is cancelled before a new line is
// requested, so the lines held never exceed one chain's. It waits for the underlying's first price (at most
// PriceWait) to place the window, but not for the options' data: watch
// Notify or Chain.Changed for that. Errors found before any line moves
// (no such expiry, superseded while fetching the strikes) leave the
// previous chain open; later errors close it too, leaving no active chain
// (see Active).
func (f *Fetcher) Open(ctx context.Context, req OpenRequest) (*Chain, error) {
	if err := f.gens.claim(req.Gen); err != nil {
		return nil, err
	}
	def := req.Def
	if def == nil {
		return nil, errors.New("scanner: Open without a definition")
	}
	var deal *Deal
	if req.Deal != nil {
		d := *req.Deal
		deal = &d
	}
	expiry := req.Expiry
	if expiry == "" {
		expiry = DefaultExpiry(def.Expiries, deal, f.now())
	}
	if expiry == "" {
		return nil, fmt.Errorf("%s: %w", def.Symbol, ErrNoOptions)
	}
	series, err := f.Series(ctx, def, expiry)
	if err != nil {
		return nil, err
	}
	w := req.Window
	if deal != nil && w.Hi == 0 {
		off := w.Offset
		w = DealWindow(*deal, w.Count)
		w.Offset = off
	}
	if most := (f.maxLines - 1) / 2; w.count() > most {
		if most < 1 {
			return nil, fmt.Errorf("scanner: a chain needs at least 3 lines, MaxLines is %d", f.maxLines)
		}
		w.Count = most
	}

	f.openMu.Lock()
	defer f.openMu.Unlock()
	if f.gens.stale(req.Gen) {
		return nil, ErrSuperseded
	}
	anchor := math.NaN()
	f.mu.Lock()
	old := f.active
	f.mu.Unlock()
	c := newChain(f, req.Gen, def, series, deal, w, req.Notify)
	if old != nil {
		if old.def.ConID == def.ConID {
			anchor = old.underPrice()
		}
		// The new chain cancels the old lines one by one as it opens its
		// own: never more lines than before, and the money rows fill
		// first instead of after every cancel.
		c.retire = old.detach()
	}
	if err := c.subscribe(ctx, anchor); err != nil {
		c.Close()
		return nil, err
	}
	c.start()
	f.mu.Lock()
	f.active = c
	f.mu.Unlock()
	return c, nil
}

// Active returns the open chain, or nil.
func (f *Fetcher) Active() *Chain {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.active
}

// Close closes the open chain, if any (the user left the chain pane).
func (f *Fetcher) Close() {
	f.openMu.Lock()
	defer f.openMu.Unlock()
	if c := f.Active(); c != nil {
		c.Close()
	}
}

// forget clears active if it is c.
func (f *Fetcher) forget(c *Chain) {
	f.mu.Lock()
	if f.active == c {
		f.active = nil
	}
	f.mu.Unlock()
}

// subscribe opens one line through the client, wrapping budget errors.
func (f *Fetcher) subscribe(ctx context.Context, c conn.Contract, generic string, notify chan<- struct{}) (*conn.Sub, error) {
	sub, err := f.c.Subscribe(ctx, c, conn.SubOptions{Generic: generic, AutoDelayed: true, Notify: notify})
	if errors.Is(err, conn.ErrLineBudget) {
		return nil, fmt.Errorf("scanner: not enough market-data lines for the chain (close other subscriptions or show fewer strikes): %w", err)
	}
	return sub, err
}
