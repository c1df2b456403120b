package chain

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// Fixed chains for the pure tests and the goldens. Prices come from a
// small deterministic formula, not from a model: what matters is that the
// numbers are fixed and plausible.

// hvlnDeal is a fictional all-cash takeover: $86 cash, closing 28 Mar 2025,
// break price $52 (t0 is 14 Jan 2025).
var hvlnDeal = scanner.Deal{Symbol: "HVLN", Price: 86, ExpectedClose: time.Date(2025, 3, 28, 0, 0, 0, 0, time.UTC), BreakPrice: 52}

// fixedSnapshot builds a complete live chain of symbol around under with
// strikes from lo in steps of step (n rows), for expiry. With deal set the
// snapshot carries the lens, computed by the scanner.
func fixedSnapshot(symbol, name, expiry string, under, lo, step float64, n int, deal *scanner.Deal) scanner.Snapshot {
	nan := math.NaN()
	s := scanner.Snapshot{
		Gen: 1, Symbol: symbol, Name: name, ConID: 4242, Expiry: expiry,
		Expiries:   []string{"20250117", "20250221", "20250321", "20250417", "20250516", "20250620"},
		Multiplier: 100, UnderPrice: under, Money: -1, First: 4, Total: n + 10,
		Badge: scanner.BadgeLive, Complete: true, Full: true, Lines: 2*n + 1, Time: t0,
	}
	s.Underlying = conn.Quote{Bid: under - 0.02, Ask: under + 0.02, Last: under - 0.01, Close: nan, Type: conn.MDLive, Updated: t0}
	best, bd := -1, math.Inf(1)
	for i := range n {
		k := lo + float64(i)*step
		if d := math.Abs(k - under); d < bd {
			best, bd = i, d
		}
	}
	for i := range n {
		k := lo + float64(i)*step
		r := scanner.Row{Strike: k, Money: i == best}
		r.Call = fixedSide(k, under, true, i)
		r.Put = fixedSide(k, under, false, i)
		if r.Money {
			s.Money = i
		}
		s.Rows = append(s.Rows, r)
	}
	if deal != nil {
		l := scanner.ComputeLens(s.LensInput(*deal))
		s.Lens = &l
	}
	return s
}

// fixedSide prices one option: intrinsic value plus a time value that
// shrinks away from the money.
func fixedSide(k, under float64, call bool, i int) scanner.Side {
	intrinsic := math.Max(under-k, 0)
	if !call {
		intrinsic = math.Max(k-under, 0)
	}
	tv := 2.4 * math.Exp(-math.Abs(k-under)/(0.06*under))
	mid := math.Round((intrinsic+tv)*20) / 20
	d := 0.5 + 0.5*math.Tanh((under-k)/(0.08*under))
	if !call {
		d -= 1
	}
	sd := scanner.Side{
		Bid: math.Max(0, mid-0.05), Ask: mid + 0.05, Last: mid, IV: 0.22 + 0.002*float64(i%5),
		Delta: d, OI: float64(100 + 37*i), HasLine: true, Ready: true, Full: true, Badge: scanner.BadgeLive,
		ITM: (call && k < under) || (!call && k > under),
	}
	if i == 2 && call { // TWS has not sent this one's last and model yet
		sd.Last, sd.IV, sd.Delta = math.NaN(), math.NaN(), math.NaN()
	}
	return sd
}

// hvlnSnapshot is the deal stock's chain: 13 strikes 65–95, S = 83.10,
// the April expiry (after the expected close).
func hvlnSnapshot() scanner.Snapshot {
	return fixedSnapshot("HVLN", "Halvorsen Therapeutics Inc", "20250417", 83.10, 65, 2.5, 13, &hvlnDeal)
}

// aaplSnapshot is a plain chain: 21 strikes 185–285, S = 232.45.
func aaplSnapshot() scanner.Snapshot {
	return fixedSnapshot("AAPL", "Apple Inc", "20250117", 232.45, 185, 5, 21, nil)
}

// fakeChain is a chain whose snapshot the test sets; it records what the
// pane asked of it.
type fakeChain struct {
	mu      sync.Mutex
	snap    scanner.Snapshot
	scrolls []int // 0 = recentre
	closed  bool
}

func (c *fakeChain) Snapshot() scanner.Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap
}

func (c *fakeChain) Scroll(_ context.Context, delta int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scrolls = append(c.scrolls, delta)
	return nil
}

func (c *fakeChain) Recenter(context.Context) error { return c.Scroll(context.Background(), 0) }

func (c *fakeChain) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
}

func (c *fakeChain) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// fakeSource is a fake of the pane's chainSource (our interface over
// scanner.Fetcher): it opens fakeChains with snapshots from snaps.
type fakeSource struct {
	mu        sync.Mutex
	snaps     map[string]scanner.Snapshot // by symbol
	reqs      []scanner.ChainRequest
	active    *fakeChain
	closes    int
	refreshed []string
	fail      error
	// gate, when set, holds Close until it is closed; closingNow is true
	// meanwhile, and fetchedInClose records a fetch that ran during it.
	gate           chan struct{}
	closingNow     bool
	fetchedInClose bool
}

func newFakeSource(snaps ...scanner.Snapshot) *fakeSource {
	f := &fakeSource{snaps: map[string]scanner.Snapshot{}}
	for _, s := range snaps {
		f.snaps[s.Symbol] = s
	}
	return f
}

func (f *fakeSource) FetchChain(_ context.Context, req scanner.ChainRequest) (liveChain, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetchedInClose = f.fetchedInClose || f.closingNow
	f.reqs = append(f.reqs, req)
	if f.fail != nil {
		return nil, f.fail
	}
	s, ok := f.snaps[req.Symbol]
	if !ok {
		return nil, fmt.Errorf("%s: %w", req.Symbol, scanner.ErrUnknownSymbol)
	}
	if req.Expiry != "" {
		s.Expiry = req.Expiry
	}
	s.Gen = req.Gen
	if f.active != nil {
		f.active.Close()
	}
	f.active = &fakeChain{snap: s}
	if req.Notify != nil {
		req.Notify <- struct{}{}
	}
	return f.active, nil
}

func (f *fakeSource) Active() liveChain {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.active == nil || f.active.isClosed() {
		return nil
	}
	return f.active
}

func (f *fakeSource) Close() {
	f.mu.Lock()
	gate := f.gate
	f.closingNow = true
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closingNow = false
	f.closes++
	if f.active != nil {
		f.active.Close()
		f.active = nil
	}
}

func (f *fakeSource) Refresh(symbol string) {
	f.mu.Lock()
	f.refreshed = append(f.refreshed, symbol)
	f.mu.Unlock()
}

func (f *fakeSource) lastReq() scanner.ChainRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reqs[len(f.reqs)-1]
}

// testSearcher is a searcher over a few built-in tickers and the deal.
func testSearcher() *scanner.Searcher {
	return scanner.NewSearcher([]scanner.Ticker{
		{Symbol: "AAPL", Name: "Apple Inc", Exchange: "NASDAQ"},
		{Symbol: "AMD", Name: "Advanced Micro Devices Inc", Exchange: "NASDAQ"},
		{Symbol: "HVLN", Name: "Halvorsen Therapeutics Inc", Exchange: "NASDAQ"},
		{Symbol: "MSFT", Name: "Microsoft Corp", Exchange: "NASDAQ"},
		{Symbol: "HAL", Name: "Halliburton Co", Exchange: "NYSE"},
	}, []string{"MSFT"}, []scanner.Deal{hvlnDeal})
}

// newTestChainPane is a sized, focused pane over src, redrawing without
// delay, with the config deal HVLN.
func newTestChainPane(t *testing.T, src chainSource, w, h int) *Pane {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	p := newChainPane(testStyles(), ctx, src, testSearcher(), nil)
	p.cfgDeals = []scanner.Deal{hvlnDeal}
	p.watch = []string{"MSFT"}
	p.gap = 0
	p.SetSize(w, h)
	p.Focus()
	return p
}

// press sends keys to the pane; it returns the last key's Cmd.
func press(t *testing.T, p *Pane, keys ...tea.KeyMsg) tea.Cmd {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = p.Update(k)
	}
	return cmd
}

// typeText types s one rune at a time.
func typeText(t *testing.T, p *Pane, s string) {
	t.Helper()
	for _, r := range s {
		press(t, p, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// execNow runs a Cmd tree whose leaves all return at once (fetch, close,
// scroll, the first spinner frame) and returns their messages.
func execNow(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch m := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, execNow(c)...)
		}
		return out
	default:
		return []tea.Msg{m}
	}
}

// openedMsg finds the chainOpenedMsg among msgs.
func openedMsg(t *testing.T, msgs []tea.Msg) chainOpenedMsg {
	t.Helper()
	for _, m := range msgs {
		if o, ok := m.(chainOpenedMsg); ok {
			return o
		}
	}
	t.Fatalf("no chainOpenedMsg in %v", msgs)
	return chainOpenedMsg{}
}

// openChain opens symbol through the pane's own Cmds against a fakeSource
// and delivers the first snapshot: what enter in the search box leads to.
func openChain(t *testing.T, p *Pane, src *fakeSource, symbol string) *fakeChain {
	t.Helper()
	cmd := p.openSymbol(symbol)
	return finishOpen(t, p, src, cmd)
}

// finishOpen runs an open request's Cmd, hands the result to the pane and
// delivers the chain's first snapshot.
func finishOpen(t *testing.T, p *Pane, src *fakeSource, cmd tea.Cmd) *fakeChain {
	t.Helper()
	o := openedMsg(t, execNow(cmd))
	_, wait := p.Update(o)
	if o.err != nil {
		return nil
	}
	if wait == nil {
		t.Fatal("no waiting Cmd after the chain opened")
	}
	data, ok := wait().(chainDataMsg) // the fake poked Notify: returns at once
	if !ok {
		t.Fatal("the waiter returned no chainDataMsg")
	}
	p.Update(data)
	return o.chain.(*fakeChain)
}

// viewText is the pane's view with trailing blanks trimmed per line.
func viewText(p pane.Model) string {
	lines := strings.Split(p.View(), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}
