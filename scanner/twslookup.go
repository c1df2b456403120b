package scanner

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// ErrSuperseded is returned by work that a newer generation made pointless
// (a newer keystroke, symbol or expiry). The UI simply ignores it.
var ErrSuperseded = errors.New("scanner: superseded by a newer request")

// SymbolMatcher asks TWS for symbols matching a pattern
// (REQ_MATCHING_SYMBOLS); *conn.Supervisor satisfies it.
type SymbolMatcher interface {
	MatchingSymbols(ctx context.Context, pattern string) ([]conn.SymbolSample, error)
}

// Lookup pacing defaults. IB allows one REQ_MATCHING_SYMBOLS per second
// (the supervisor enforces it too); the quiet period is the debounce.
const (
	DefaultLookupQuiet = 300 * time.Millisecond
	DefaultLookupGap   = time.Second
)

// TWSAnswer is TWS's answer for the query of generation Gen.
type TWSAnswer struct {
	Gen     uint64
	Query   string
	Samples []conn.SymbolSample
}

// TWSLookup debounces symbol searches to TWS: a query is sent only after
// it has been the newest for Quiet, and at most one query goes out per Gap.
// A query overtaken by a newer one returns ErrSuperseded without asking
// TWS. Safe for concurrent use; each Lookup call is meant to run in its own
// Cmd goroutine.
type TWSLookup struct {
	m     SymbolMatcher
	quiet time.Duration
	gap   time.Duration
	gens  genGate

	mu   sync.Mutex
	last time.Time // start of the previous TWS call
}

// NewTWSLookup returns a lookup over m; quiet and gap ≤ 0 take the
// defaults (300 ms, 1 s).
func NewTWSLookup(m SymbolMatcher, quiet, gap time.Duration) *TWSLookup {
	if quiet <= 0 {
		quiet = DefaultLookupQuiet
	}
	if gap <= 0 {
		gap = DefaultLookupGap
	}
	return &TWSLookup{m: m, quiet: quiet, gap: gap}
}

// Lookup waits out the debounce and the pacing gap, then asks TWS for
// query. It returns ErrSuperseded as soon as a call with a higher gen
// arrives, and ctx's error when ctx ends. A blank query answers nothing
// without asking TWS.
func (l *TWSLookup) Lookup(ctx context.Context, query string, gen uint64) (TWSAnswer, error) {
	ans := TWSAnswer{Gen: gen, Query: query}
	if err := l.gens.claim(gen); err != nil {
		return ans, err
	}
	q := strings.TrimSpace(query)
	if q == "" {
		return ans, nil
	}
	quietEnd := time.Now().Add(l.quiet)
	for {
		wake := l.gens.wake()
		if l.gens.stale(gen) {
			return ans, ErrSuperseded
		}
		l.mu.Lock()
		at := quietEnd
		if next := l.last.Add(l.gap); next.After(at) {
			at = next
		}
		wait := time.Until(at)
		if wait <= 0 {
			l.last = time.Now() // reserve the slot before calling
			l.mu.Unlock()
			break
		}
		l.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-wake:
			t.Stop()
			return ans, ErrSuperseded
		case <-ctx.Done():
			t.Stop()
			return ans, ctx.Err()
		}
	}
	samples, err := l.m.MatchingSymbols(ctx, q)
	ans.Samples = samples
	return ans, err
}
