package scanner

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// ErrClosed is returned by methods of a closed Chain.
var ErrClosed = errors.New("scanner: chain closed")

// openInterestTicks is the generic tick list of option lines: 101 = option
// open interest (allowed with delayed data too).
const openInterestTicks = "101"

// Chain is the live option chain of one expiry: one line for the
// underlying and a call and a put line per strike in the window. The lines
// are supervisor Subs, so they survive reconnects and 1101 on their own.
// Safe for concurrent use; Close ends every line and the one goroutine the
// chain runs (which forwards data changes to Notify and Changed).
type Chain struct {
	f      *Fetcher
	gen    uint64
	def    *Definition
	series *Series
	deal   *Deal
	win    Window
	notify chan<- struct{}
	sig    chan struct{} // every Sub's Notify, capacity 1
	done   chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex // guards everything below
	under   *conn.Sub
	from    int
	calls   []*conn.Sub // window-aligned; nil = no line
	puts    []*conn.Sub
	closed  bool
	started bool
	// retire holds the previous chain's lines while this one opens: one
	// is cancelled before each line this chain requests.
	retire  []*conn.Sub
	changed chan struct{} // closed and replaced on every change
}

func newChain(f *Fetcher, gen uint64, def *Definition, s *Series, deal *Deal, w Window, notify chan<- struct{}) *Chain {
	return &Chain{f: f, gen: gen, def: def, series: s, deal: deal, win: w, notify: notify,
		sig: make(chan struct{}, 1), done: make(chan struct{}), changed: make(chan struct{})}
}

// Gen returns the generation the chain was opened with.
func (c *Chain) Gen() uint64 { return c.gen }

// Definition returns the underlying's definition.
func (c *Chain) Definition() *Definition { return c.def }

// Expiry returns the chain's expiry (YYYYMMDD).
func (c *Chain) Expiry() string { return c.series.Expiry }

// Deal returns the deal the chain was opened with, or nil.
func (c *Chain) Deal() *Deal { return c.deal }

// subscribe opens the underlying's line, waits (bounded) for its price and
// opens the option lines of the window around it. On error the caller
// closes the chain.
func (c *Chain) subscribe(ctx context.Context, anchor float64) error {
	c.mu.Lock()
	c.retireOneLocked()
	c.mu.Unlock()
	u, err := c.f.subscribe(ctx, c.def.Underlying, "", c.sig)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.under = u
	c.mu.Unlock()
	if !finite(anchor) {
		if anchor, err = c.waitPrice(ctx); err != nil {
			return err
		}
	}
	if !finite(anchor) && c.deal != nil {
		anchor = c.deal.Price
	}
	from, to := SelectStrikes(c.series.Strikes, anchor, c.win)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.from = from
	c.calls = make([]*conn.Sub, to-from)
	c.puts = make([]*conn.Sub, to-from)
	// Money first, then outwards: the rows that matter fill first.
	money := nearest(c.series.Strikes[from:to], anchor)
	if money < 0 {
		money = (to - from) / 2
	}
	order := make([]int, to-from)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(abs(a-money), abs(b-money)) })
	for _, i := range order {
		if err := c.openStrikeLocked(ctx, i); err != nil {
			return err
		}
	}
	c.retireAllLocked()
	return nil
}

func abs(x int) int { return max(x, -x) }

// retireOneLocked cancels one line of the previous chain, if any is left.
func (c *Chain) retireOneLocked() {
	if n := len(c.retire); n > 0 {
		s := c.retire[n-1]
		c.retire = c.retire[:n-1]
		s.Close()
	}
}

// retireAllLocked cancels what is left of the previous chain.
func (c *Chain) retireAllLocked() {
	for len(c.retire) > 0 {
		c.retireOneLocked()
	}
}

// waitPrice waits for the underlying's first usable price, at most
// PriceWait; NaN when none came. Fails when ctx ends or the request was
// superseded.
func (c *Chain) waitPrice(ctx context.Context) (float64, error) {
	t := time.NewTimer(c.f.priceWait)
	defer t.Stop()
	for {
		wake := c.f.gens.wake()
		if c.f.gens.stale(c.gen) {
			return math.NaN(), ErrSuperseded
		}
		if p := UnderPrice(c.under.Quote()); finite(p) {
			return p, nil
		}
		select {
		case <-c.sig:
		case <-t.C:
			return math.NaN(), nil
		case <-wake:
		case <-ctx.Done():
			return math.NaN(), ctx.Err()
		}
	}
}

// openStrikeLocked opens the call and put lines of window row i (c.mu
// held). It stops with ErrSuperseded when a newer Open was requested.
func (c *Chain) openStrikeLocked(ctx context.Context, i int) error {
	if c.f.gens.stale(c.gen) {
		return ErrSuperseded
	}
	k := c.from + i
	for _, leg := range []struct {
		ct  conn.Contract
		dst *[]*conn.Sub
	}{{c.series.Calls[k], &c.calls}, {c.series.Puts[k], &c.puts}} {
		if leg.ct.ConID == 0 {
			continue
		}
		c.retireOneLocked()
		sub, err := c.f.subscribe(ctx, leg.ct, openInterestTicks, c.sig)
		if err != nil {
			return err
		}
		(*leg.dst)[i] = sub
	}
	return nil
}

// start runs the forwarder: every data change closes Changed's channel and
// pokes Notify.
func (c *Chain) start() {
	c.mu.Lock()
	c.started = true
	c.mu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for {
			select {
			case <-c.sig:
				c.poke()
			case <-c.done:
				return
			}
		}
	}()
	c.poke() // data may have arrived before the forwarder ran
}

// poke signals a change.
func (c *Chain) poke() {
	c.mu.Lock()
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	if c.notify != nil {
		select {
		case c.notify <- struct{}{}:
		default:
		}
	}
}

// Changed returns a channel that is closed at the next change of the
// chain's data (or when the chain closes). Take it, check Snapshot, then
// wait on it.
func (c *Chain) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

// WaitComplete waits until every line has a first quote (Snapshot.Complete)
// and returns the snapshot, or ctx's error with the snapshot so far.
func (c *Chain) WaitComplete(ctx context.Context) (Snapshot, error) {
	return c.wait(ctx, func(s Snapshot) bool { return s.Complete })
}

// WaitFull waits until every line has all its values (Snapshot.Full), or
// ctx's error with the snapshot so far: for a snapshot-quality print.
func (c *Chain) WaitFull(ctx context.Context) (Snapshot, error) {
	return c.wait(ctx, func(s Snapshot) bool { return s.Full })
}

func (c *Chain) wait(ctx context.Context, done func(Snapshot) bool) (Snapshot, error) {
	for {
		ch := c.Changed()
		s := c.Snapshot()
		if done(s) {
			return s, nil
		}
		select {
		case <-ch:
		case <-c.done:
			return c.Snapshot(), ErrClosed
		case <-ctx.Done():
			return s, ctx.Err()
		}
	}
}

// Lines returns how many market-data lines the chain holds.
func (c *Chain) Lines() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.linesLocked()
}

func (c *Chain) linesLocked() int {
	n := 0
	if c.under != nil {
		n++
	}
	for i := range c.calls {
		if c.calls[i] != nil {
			n++
		}
		if c.puts[i] != nil {
			n++
		}
	}
	return n
}

// underPrice returns the underlying's current money price (NaN if none).
func (c *Chain) underPrice() float64 {
	c.mu.Lock()
	u := c.under
	c.mu.Unlock()
	if u == nil {
		return math.NaN()
	}
	return UnderPrice(u.Quote())
}

// Close cancels every line of the chain and stops its goroutine. It waits
// for the supervisor to take the cancels (never for TWS). Safe to call
// more than once.
func (c *Chain) Close() {
	for _, s := range c.detach() {
		s.Close()
	}
}

// detach ends the chain like Close but hands its lines (the underlying
// first) to the caller instead of cancelling them; nil when already
// closed.
func (c *Chain) detach() []*conn.Sub {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	var subs []*conn.Sub
	for _, s := range append(append([]*conn.Sub{c.under}, c.calls...), c.puts...) {
		if s != nil {
			subs = append(subs, s)
		}
	}
	// Lines of a chain before this one that were not cancelled yet.
	subs = append(c.retire, subs...)
	c.under, c.calls, c.puts, c.retire = nil, nil, nil, nil
	started := c.started
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	close(c.done)
	if started {
		c.wg.Wait()
	}
	c.f.forget(c)
	slices.Reverse(subs) // retireOneLocked takes from the end: underlying first
	return subs
}
