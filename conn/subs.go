package conn

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// SubOptions says how to subscribe to market data.
type SubOptions struct {
	// Generic is TWS's generic tick list (e.g. "101" for option open interest).
	Generic string
	// Type is the market data type wanted (0 or MDLive = live).
	Type MarketDataType
	// AutoDelayed switches the request to delayed data (type 3) when TWS
	// answers 354/10089/10090 (no live subscription), instead of leaving
	// it empty.
	AutoDelayed bool
	// Snapshot asks for one snapshot instead of a stream; the line is freed
	// when TWS ends it.
	Snapshot bool
	// Notify, if set, receives a value (without blocking; coalesce it with
	// capacity 1) after each change of the quote.
	Notify chan<- struct{}
}

// ErrLineBudget is returned when a subscription would exceed the market
// data line budget (Config.MaxLines), which keeps TWS's error 101 away.
var ErrLineBudget = errors.New("market data line budget exhausted")

// Sub is a logical market-data subscription. It survives reconnects: the
// supervisor re-requests it with fresh request ids, and the consumer keeps
// reading the same Sub. Safe for use from any goroutine.
type Sub struct {
	id       uint64
	sup      *Supervisor
	contract Contract
	opts     SubOptions

	mu     sync.Mutex
	q      Quote
	closed bool
}

// ID returns the subscription's logical handle.
func (x *Sub) ID() uint64 { return x.id }

// Contract returns what the subscription is for.
func (x *Sub) Contract() Contract { return x.contract }

// Quote returns a copy of the latest data.
func (x *Sub) Quote() Quote {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.q
}

// Close cancels the subscription and frees its line. It waits for the
// supervisor to take the request (never for TWS).
func (x *Sub) Close() {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return
	}
	x.closed = true
	x.mu.Unlock()
	_ = x.sup.call(context.Background(), func() { x.sup.unsubscribe(x.id) })
}

func (x *Sub) update(f func(q *Quote)) {
	x.mu.Lock()
	f(&x.q)
	x.mu.Unlock()
	if x.opts.Notify != nil {
		select {
		case x.opts.Notify <- struct{}{}:
		default:
		}
	}
}

// subEntry is the supervisor's record of one Sub (supervisor goroutine only).
type subEntry struct {
	sub       *Sub
	reqID     int64 // 0 when not requested on the current session
	delayed   bool  // switched to delayed data
	failed    bool  // TWS rejected the contract (e.g. 200): not retried
	lastData  time.Time
	sentAt    time.Time
	stale     bool
	haveModel bool
}

// registry holds the logical subscriptions.
type registry struct {
	byID      map[uint64]*subEntry
	byReq     map[int64]*subEntry
	seq       uint64
	nextCheck time.Time
	stale     int
}

func newRegistry() *registry {
	return &registry{byID: map[uint64]*subEntry{}, byReq: map[int64]*subEntry{}}
}

func (r *registry) count() int { return len(r.byID) }

func (r *registry) markStale(now time.Time) {
	for _, e := range r.byID {
		if !e.failed && !e.sub.opts.Snapshot {
			r.setStale(e)
		}
	}
}

// setStale marks e stale (once) and tells its consumer.
func (r *registry) setStale(e *subEntry) {
	if e.stale {
		return
	}
	e.stale = true
	r.stale++
	e.sub.update(func(q *Quote) { q.Stale = true })
}

func (r *registry) unstale(e *subEntry) bool {
	if !e.stale {
		return false
	}
	e.stale = false
	r.stale--
	return r.stale == 0
}

// unstaleAll clears staleness everywhere (1102: data was kept).
func (r *registry) unstaleAll() {
	for _, e := range r.byID {
		if e.stale {
			e.stale = false
			e.sub.update(func(q *Quote) { q.Stale = false })
		}
	}
	r.stale = 0
}

// detachAll forgets request ids (the session is gone).
func (r *registry) detachAll() {
	for id, e := range r.byReq {
		e.reqID = 0
		delete(r.byReq, id)
	}
}

func (r *registry) closeAll() {
	for id := range r.byID {
		delete(r.byID, id)
	}
	r.byReq = map[int64]*subEntry{}
}

// Subscribe starts a logical market-data subscription for c. It returns at
// once; data arrives when (and every time) the API session is up.
func (s *Supervisor) Subscribe(ctx context.Context, c Contract, opts SubOptions) (*Sub, error) {
	var sub *Sub
	var err error
	cerr := s.call(ctx, func() { sub, err = s.subscribe(c, opts) })
	if cerr != nil {
		return nil, cerr
	}
	return sub, err
}

func (s *Supervisor) subscribe(c Contract, opts SubOptions) (*Sub, error) {
	if s.subs.count() >= s.cfg.MaxLines {
		return nil, fmt.Errorf("%w (%d lines)", ErrLineBudget, s.cfg.MaxLines)
	}
	s.subs.seq++
	sub := &Sub{id: s.subs.seq, sup: s, contract: c, opts: opts, q: newQuote()}
	e := &subEntry{sub: sub}
	s.subs.byID[sub.id] = e
	if s.phase == phUp {
		s.request(e, s.cfg.Now())
	} else {
		e.stale = true
		s.subs.stale++
		sub.q.Stale = true
	}
	s.armSilentCheck(s.cfg.Now())
	return sub, nil
}

func (s *Supervisor) unsubscribe(id uint64) {
	e, ok := s.subs.byID[id]
	if !ok {
		return
	}
	delete(s.subs.byID, id)
	if e.stale {
		s.subs.stale--
	}
	if e.reqID != 0 {
		delete(s.subs.byReq, e.reqID)
		if s.phase == phUp && !e.sub.opts.Snapshot {
			s.enqueue(&linkproto.CancelMktData{Attempt: s.attempt, Req: e.reqID}, false)
		}
	}
}

// Lines returns how many market-data lines the registry holds (for tests
// and the dashboard).
func (s *Supervisor) Lines(ctx context.Context) (int, error) {
	n := 0
	err := s.call(ctx, func() { n = s.subs.count() })
	return n, err
}
