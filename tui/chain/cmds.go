package chain

import (
	"context"
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
)

// liveChain is what the pane needs of an open chain; *scanner.Chain
// satisfies it. Every method may block on the supervisor, so the pane calls
// them only from Cmds.
type liveChain interface {
	Snapshot() scanner.Snapshot
	Scroll(ctx context.Context, delta int) error
	Recenter(ctx context.Context) error
	Close()
}

// chainSource opens chains: *scanner.Fetcher behind fetcherSource, or a
// fake in the pure tests. Called from Cmds only.
type chainSource interface {
	// FetchChain resolves the symbol and opens its chain (closing the one
	// opened before).
	FetchChain(ctx context.Context, req scanner.ChainRequest) (liveChain, error)
	// Active is the chain the source holds open, nil when none.
	Active() liveChain
	// Close closes the open chain: every line it held is cancelled.
	Close()
	// Refresh forgets the cached definition of symbol.
	Refresh(symbol string)
}

// fetcherSource adapts *scanner.Fetcher to chainSource.
type fetcherSource struct{ f *scanner.Fetcher }

func (s fetcherSource) FetchChain(ctx context.Context, req scanner.ChainRequest) (liveChain, error) {
	c, err := s.f.FetchChain(ctx, req)
	if c == nil { // never a non-nil interface holding a nil pointer
		return nil, err
	}
	return c, err
}

func (s fetcherSource) Active() liveChain {
	if c := s.f.Active(); c != nil {
		return c
	}
	return nil
}

func (s fetcherSource) Close()                { s.f.Close() }
func (s fetcherSource) Refresh(symbol string) { s.f.Refresh(symbol) }

// chainWant is what the user asked to see: a symbol, an expiry ("" = the
// scanner's default: the nearest, or the first on/after a deal's close)
// and the deal, if any.
type chainWant struct {
	symbol string
	expiry string
	deal   *scanner.Deal
}

// openReq is one request to open a chain. The pane compares requests by
// pointer: a message about any request other than the pane's pending or
// live one is stale. notify receives the chain's change signals (capacity
// 1, one channel per request, so a waiter of an old chain can never take a
// signal meant for the new one); closing stop ends that request's waiter.
// Only Update writes the fields; Cmds get copies of what they need.
type openReq struct {
	gen    uint64
	want   chainWant
	notify chan struct{}
	stop   chan struct{}
	chain  liveChain // set when the open succeeded
}

func newOpenReq(gen uint64, w chainWant) *openReq {
	return &openReq{gen: gen, want: w, notify: make(chan struct{}, 1), stop: make(chan struct{})}
}

// end stops the request's waiter (safe to call twice).
func (r *openReq) end() {
	select {
	case <-r.stop:
	default:
		close(r.stop)
	}
}

// Messages of the chain pane. Each carries the generation or request it
// answers, so Update can drop what a newer keystroke or request made stale.
type (
	// chainRankMsg is the searcher's ranking for one query generation;
	// tws is true when TWS's matches were merged in first.
	chainRankMsg struct {
		res scanner.Results
		tws bool
	}
	// chainLookupMsg says how TWS's symbol lookup for a query ended: n
	// matches, or err. rank is the query ranked again with TWS's matches
	// merged in (nil when there was nothing to merge).
	chainLookupMsg struct {
		gen  uint64
		n    int
		err  error
		rank *chainRankMsg
	}
	// chainOpenedMsg is the outcome of an open request. prevAlive is true
	// when the request failed and the chain shown before is still open.
	chainOpenedMsg struct {
		req       *openReq
		chain     liveChain
		err       error
		prevAlive bool
	}
	// chainDataMsg is a snapshot of a live chain after a change.
	chainDataMsg struct {
		req  *openReq
		snap scanner.Snapshot
	}
	// chainScrolledMsg is the outcome of a scroll or recentre.
	chainScrolledMsg struct {
		req *openReq
		err error
	}
	// chainClosedMsg says the pane's lines were all cancelled.
	chainClosedMsg struct{ gen uint64 }
)

// rankCmd ranks query in a Cmd (the searcher takes its own lock).
func rankCmd(s *scanner.Searcher, query string, gen uint64) tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg { return chainRankMsg{res: s.Rank(query, gen)} }
}

// lookupCmd asks TWS for symbols matching query, debounced and paced by
// the lookup; an answer for a still-current query is merged into the
// searcher and the query ranked again. A lookup overtaken by a newer
// keystroke returns nothing.
func lookupCmd(ctx context.Context, l *scanner.TWSLookup, s *scanner.Searcher, query string, gen uint64) tea.Cmd {
	if l == nil || s == nil {
		return nil
	}
	return func() tea.Msg {
		ans, err := l.Lookup(ctx, query, gen)
		switch {
		case errors.Is(err, scanner.ErrSuperseded), ctx.Err() != nil:
			return nil
		case err != nil:
			return chainLookupMsg{gen: gen, err: err}
		case len(ans.Samples) == 0:
			return chainLookupMsg{gen: gen}
		}
		if !s.AddTWS(gen, ans.Samples) {
			return nil // a newer query was ranked meanwhile
		}
		return chainLookupMsg{gen: gen, n: len(ans.Samples), rank: &chainRankMsg{res: s.Rank(query, gen), tws: true}}
	}
}

// fetchCmd opens the chain of r (after forgetting the cached definition
// when refresh is set). shown is the chain on screen before: when the
// request fails, the message says whether that one is still open.
//
// after, when not nil, is closed when an earlier close of the source has
// finished: the open waits for it, or that close could cancel the new
// chain's lines.
func fetchCmd(ctx context.Context, src chainSource, srch *scanner.Searcher, r *openReq, strikes int, refresh bool,
	shown liveChain, after <-chan struct{}) tea.Cmd {
	req := scanner.ChainRequest{Gen: r.gen, Symbol: r.want.symbol, Expiry: r.want.expiry, Deal: r.want.deal,
		Window: scanner.Window{Count: strikes}, Notify: r.notify}
	return func() tea.Msg {
		if after != nil {
			select {
			case <-after:
			case <-ctx.Done():
				return nil
			}
		}
		if refresh {
			src.Refresh(req.Symbol)
		}
		c, err := src.FetchChain(ctx, req)
		if err != nil {
			alive := shown != nil && src.Active() == shown
			return chainOpenedMsg{req: r, err: err, prevAlive: alive}
		}
		if srch != nil {
			srch.AddRecent(req.Symbol)
		}
		return chainOpenedMsg{req: r, chain: c}
	}
}

// waitChainCmd is the one Cmd waiting for the live chain's next change. It
// coalesces changes for gap (so a busy chain redraws at most 1/gap times a
// second), then takes a Snapshot — a copy — for Update. It ends without a
// message when the request is stopped or the context ends.
func waitChainCmd(ctx context.Context, r *openReq, gap time.Duration) tea.Cmd {
	c, notify, stop := r.chain, r.notify, r.stop
	return func() tea.Msg {
		select {
		case <-notify:
		case <-stop:
			return nil
		case <-ctx.Done():
			return nil
		}
		if gap > 0 {
			t := time.NewTimer(gap)
			select {
			case <-t.C:
			case <-stop:
				t.Stop()
				return nil
			case <-ctx.Done():
				t.Stop()
				return nil
			}
			select { // this snapshot covers the changes that came meanwhile
			case <-notify:
			default:
			}
		}
		return chainDataMsg{req: r, snap: c.Snapshot()}
	}
}

// scrollCmd moves the live chain's window by delta strikes (0: back to
// the money line); the new rows arrive through the waiter.
func scrollCmd(ctx context.Context, r *openReq, delta int) tea.Cmd {
	c := r.chain
	return func() tea.Msg {
		var err error
		if delta == 0 {
			err = c.Recenter(ctx)
		} else {
			err = c.Scroll(ctx, delta)
		}
		return chainScrolledMsg{req: r, err: err}
	}
}

// closeSourceCmd closes whatever chain the source holds: leaving the pane
// cancels every line. It closes done when finished.
func closeSourceCmd(src chainSource, gen uint64, done chan struct{}) tea.Cmd {
	return func() tea.Msg {
		defer close(done)
		src.Close()
		return chainClosedMsg{gen: gen}
	}
}

// closeChainCmd closes one chain that arrived too late to be shown.
func closeChainCmd(c liveChain) tea.Cmd {
	return func() tea.Msg {
		c.Close()
		return nil
	}
}

// setDealsCmd gives the searcher the deals (config and typed), so deal
// symbols rank first and show on an empty query, then tells the other
// panes (DealsMsg: the scan pane scans them).
func setDealsCmd(s *scanner.Searcher, watch []string, deals []scanner.Deal) tea.Cmd {
	return func() tea.Msg {
		if s != nil {
			s.SetWatchlist(watch, deals)
		}
		return DealsMsg{Deals: deals}
	}
}
