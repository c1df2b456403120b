package chain

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
)

func TestChainOpenShowsLiveTable(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	openChain(t, p, src, "AAPL")
	v := viewText(p)
	for _, want := range []string{
		"AAPL", "S 232.45", "● LIVE", "expiry ◂ 2025-01-17 ▸ 3d", "1 of 6", // days to expiry without a deal too
		"▶     230 ◀", // the money line, by glyph
		"• in the money",
		"BID", "ASK", "LAST", "IV", "Δ", "OI", "STRIKE",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	// ITM without colour: the call side of a low strike and the put side
	// of a high strike carry the • marker.
	low, high := lineWith(v, "│      210  │"), lineWith(v, "│      250  │")
	if !strings.Contains(low, "•│") || strings.Contains(low, "│•") {
		t.Errorf("strike 210: want the call side marked ITM only: %q", low)
	}
	if !strings.Contains(high, "│•") || strings.Contains(high, "•│") {
		t.Errorf("strike 250: want the put side marked ITM only: %q", high)
	}
	// Unset values are blank, never NaN.
	if strings.Contains(v, "NaN") || strings.Contains(v, "Inf") {
		t.Errorf("NaN/Inf on screen:\n%s", v)
	}
	if p.Title() != "Chain · AAPL 2025-01-17" {
		t.Errorf("title %q", p.Title())
	}
}

// lineWith returns the first line of v containing s.
func lineWith(v, s string) string {
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

func TestChainNarrowDropsLastAndOI(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 76, 20)
	openChain(t, p, src, "AAPL")
	v := viewText(p)
	head := lineWith(v, "STRIKE")
	if strings.Contains(head, "LAST") || strings.Contains(head, "OI") || !strings.Contains(head, "IV") || !strings.Contains(head, "Δ") {
		t.Errorf("76 cells: want BID ASK IV Δ per side, got %q", head)
	}
	for i, l := range strings.Split(p.View(), "\n") {
		if w := len([]rune(l)); w > 76 {
			t.Errorf("line %d is %d cells wide: %q", i, w, l)
		}
	}
}

func TestChainDataUpdatesAndStaleBadge(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	openChain(t, p, src, "AAPL")
	s := aaplSnapshot()
	s.Badge = scanner.BadgeStale // the link went down: the supervisor marks quotes stale
	if cmd := func() tea.Cmd { _, c := p.Update(chainDataMsg{req: p.live, snap: s}); return c }(); cmd == nil {
		t.Fatal("the waiter was not re-armed")
	}
	if v := viewText(p); !strings.Contains(v, "✗ STALE") {
		t.Fatalf("no stale badge:\n%s", v)
	}
	s.Badge = scanner.BadgeLive // data flows again after the reconnect: no key pressed
	p.Update(chainDataMsg{req: p.live, snap: s})
	if v := viewText(p); !strings.Contains(v, "● LIVE") {
		t.Fatalf("not live again:\n%s", v)
	}
	for _, b := range []struct {
		b    scanner.Badge
		word string
	}{{scanner.BadgeDelayed, "◐ DELAYED"}, {scanner.BadgeFrozen, "◆ FROZEN"}, {scanner.BadgeWaiting, "… WAITING"}} {
		s.Badge = b.b
		p.Update(chainDataMsg{req: p.live, snap: s})
		if v := viewText(p); !strings.Contains(v, b.word) {
			t.Errorf("badge %v not shown as %q", b.b, b.word)
		}
	}
}

func TestChainDropsStaleData(t *testing.T) {
	src := newFakeSource(aaplSnapshot(), hvlnSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	openChain(t, p, src, "AAPL")
	oldReq := p.live
	openChain(t, p, src, "HVLN")
	late := aaplSnapshot()
	if _, cmd := p.Update(chainDataMsg{req: oldReq, snap: late}); cmd != nil {
		t.Fatal("a stale chain's waiter was re-armed")
	}
	if p.snap.Symbol != "HVLN" {
		t.Fatalf("a stale snapshot replaced the table: %s", p.snap.Symbol)
	}
	select {
	case <-oldReq.stop:
	default:
		t.Fatal("the old request's waiter was not stopped")
	}
}

func TestChainLateOpenIsClosed(t *testing.T) {
	src := newFakeSource(aaplSnapshot(), hvlnSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	first := p.openSymbol("AAPL")
	second := p.openSymbol("HVLN") // enter again before AAPL opened
	o1 := openedMsg(t, execNow(first))
	_, cmd := p.Update(o1)
	if p.live != nil || cmd == nil {
		t.Fatal("a superseded chain was adopted")
	}
	execNow(cmd)
	if !o1.chain.(*fakeChain).isClosed() {
		t.Fatal("the superseded chain's lines were not cancelled")
	}
	c := finishOpen(t, p, src, second)
	if p.snap.Symbol != "HVLN" || c.isClosed() {
		t.Fatal("the newest chain is not the one shown")
	}
}

func TestChainOpenError(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	openChain(t, p, src, "AAPL")
	live := p.live
	cmd := p.openSymbol("NOPE")
	finishOpen(t, p, src, cmd)
	v := viewText(p)
	if !strings.Contains(v, "✗ NOPE: unknown symbol") {
		t.Fatalf("error not shown:\n%s", v)
	}
	// The fetcher left AAPL open: it keeps streaming and stays current.
	if p.live != live || p.want.symbol != "AAPL" || !strings.Contains(v, "● LIVE") {
		t.Fatalf("the open chain was dropped on a failed open: live %v want %q", p.live, p.want.symbol)
	}
	// When the failure also closed the old chain, the table is stale.
	src.Close()
	cmd = p.openSymbol("NOPE")
	finishOpen(t, p, src, cmd)
	if p.live != nil || !strings.Contains(viewText(p), "✗ STALE") {
		t.Fatalf("table not marked stale after its chain closed:\n%s", viewText(p))
	}
}

func TestChainExpiryKeys(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	openChain(t, p, src, "AAPL") // shows 20250117, the first expiry
	if cmd := press(t, p, runes("[")); cmd != nil || !strings.Contains(viewText(p), "nearest expiry") {
		t.Fatal("[ on the first expiry did not just say so")
	}
	press(t, p, runes("]"))
	if p.want.expiry != "20250221" || p.pending == nil {
		t.Fatalf("] asked for %q", p.want.expiry)
	}
	// Held down: steps from the expiry asked for, not the one shown.
	cmd := press(t, p, tea.KeyMsg{Type: tea.KeyRight})
	if p.want.expiry != "20250321" {
		t.Fatalf("→ asked for %q", p.want.expiry)
	}
	if !strings.Contains(viewText(p), "loading AAPL 2025-03-21…") {
		t.Fatalf("no loading line:\n%s", viewText(p))
	}
	finishOpen(t, p, src, cmd)
	if req := src.lastReq(); req.Expiry != "20250321" || p.snap.Expiry != "20250321" {
		t.Fatalf("request expiry %q, shown %q", req.Expiry, p.snap.Expiry)
	}
	cmd = press(t, p, tea.KeyMsg{Type: tea.KeyLeft})
	if p.want.expiry != "20250221" || cmd == nil {
		t.Fatalf("← asked for %q", p.want.expiry)
	}
	// While another symbol loads, its expiries are unknown: ] waits.
	p.openSymbol("HVLN")
	if cmd := press(t, p, runes("]")); cmd != nil || p.want.expiry != "" {
		t.Fatalf("] stepped %q with the expiries of the symbol shown before", p.want.expiry)
	}
}

func TestChainScrollKeys(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 116, 12) // 5 of the 21 rows fit
	c := openChain(t, p, src, "AAPL")
	shown := p.rowsShown()
	if shown >= len(p.snap.Rows) {
		t.Fatalf("test needs fewer rows shown than streamed, %d ≥ %d", shown, len(p.snap.Rows))
	}
	if off := p.viewOff; off != p.snap.Money-shown/2 {
		t.Fatalf("view not centred on the money line: offset %d, money %d", off, p.snap.Money)
	}
	if !strings.Contains(viewText(p), "▶     230 ◀") {
		t.Fatalf("money line not visible:\n%s", viewText(p))
	}
	// Inside the streamed window: local, no request.
	if cmd := press(t, p, keyUp); cmd != nil || p.viewOff != p.snap.Money-shown/2-1 {
		t.Fatalf("↑ offset %d", p.viewOff)
	}
	// Page down to the window's end, then one more: the chain scrolls.
	press(t, p, tea.KeyMsg{Type: tea.KeyPgDown}, tea.KeyMsg{Type: tea.KeyPgDown}, tea.KeyMsg{Type: tea.KeyPgDown})
	if p.viewOff != len(p.snap.Rows)-shown {
		t.Fatalf("offset %d after paging to the end", p.viewOff)
	}
	cmd := press(t, p, runes("j"))
	if cmd == nil {
		t.Fatal("↓ at the window's end sent no scroll")
	}
	msgs := execNow(cmd)
	if len(c.scrolls) != 1 || c.scrolls[0] != 1 {
		t.Fatalf("chain scrolls %v, want [1]", c.scrolls)
	}
	p.Update(msgs[0])
	// c recentres: the view and the chain.
	execNow(press(t, p, runes("c")))
	if got := c.scrolls[len(c.scrolls)-1]; got != 0 || p.viewOff != p.snap.Money-shown/2 {
		t.Fatalf("c: chain call %d, offset %d", got, p.viewOff)
	}
	// At the list's top, ↑ says so instead of asking.
	s := aaplSnapshot()
	s.First = 0
	p.Update(chainDataMsg{req: p.live, snap: s})
	p.viewOff = 0
	if cmd := press(t, p, keyUp); cmd != nil || !strings.Contains(viewText(p), "no more strikes") {
		t.Fatal("↑ at the first strike asked the chain")
	}
}

func TestChainRefreshAndClose(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	c := openChain(t, p, src, "AAPL")
	cmd := press(t, p, runes("R"))
	if cmd == nil || p.pending == nil {
		t.Fatal("R did not re-open")
	}
	finishOpen(t, p, src, cmd)
	if len(src.refreshed) != 1 || src.refreshed[0] != "AAPL" || src.lastReq().Expiry != "20250117" {
		t.Fatalf("refreshed %v, expiry %q", src.refreshed, src.lastReq().Expiry)
	}
	if !c.isClosed() {
		t.Fatal("the chain before the refresh still holds lines")
	}
	execNow(press(t, p, runes("x")))
	if src.closes != 1 || p.live != nil || p.have || !strings.Contains(viewText(p), "chain closed") {
		t.Fatalf("x: closes %d live %v", src.closes, p.live)
	}
	if press(t, p, runes("]")) != nil {
		t.Fatal("] did something without a chain")
	}
}

func TestChainLensToggle(t *testing.T) {
	src := newFakeSource(aaplSnapshot(), hvlnSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	openChain(t, p, src, "AAPL")
	if p.keys.Lens.Enabled() {
		t.Fatal("l enabled for a symbol without a deal")
	}
	press(t, p, runes("l"))
	if p.showLens() {
		t.Fatal("lens shown without a deal")
	}
	p.lens = false
	openChain(t, p, src, "HVLN")
	if req := src.lastReq(); req.Deal == nil || req.Deal.Price != 86 {
		t.Fatalf("HVLN opened without its config deal: %+v", req.Deal)
	}
	v := viewText(p)
	if !strings.Contains(v, "DEAL HVLN") || !strings.Contains(v, "implied completion (S−B)/(D−B) 91.5%") {
		t.Fatalf("deal lines missing:\n%s", v)
	}
	press(t, p, runes("l"))
	v = viewText(p)
	for _, want := range []string{"LONG CALL (buy)", "SHORT PUT (sell)", "%DEAL", "P&L FAR", "RETURN", "ANNUAL", "★", "AFTER close 2025-03-28"} {
		if !strings.Contains(v, want) {
			t.Errorf("lens lacks %q:\n%s", want, v)
		}
	}
	if p.Title() != "Chain · HVLN 2025-04-17 · merger-arb lens" {
		t.Errorf("title %q", p.Title())
	}
	// The best rows are marked by glyph: one ★ per leg.
	if n := strings.Count(v, "★"); n != 3 { // two rows and the legend
		t.Errorf("%d ★ on screen, want 2 marks and the legend naming them", n)
	}
	press(t, p, runes("l"))
	if p.showLens() || !strings.Contains(viewText(p), "CALLS") {
		t.Fatal("l did not go back to the chain")
	}
}

func TestChainLensBeforeClose(t *testing.T) {
	src := newFakeSource()
	s := fixedSnapshot("HVLN", "Halvorsen Therapeutics Inc", "20250321", 83.10, 65, 2.5, 13, &hvlnDeal)
	src.snaps["HVLN"] = s
	p := newTestChainPane(t, src, 116, 28)
	openChain(t, p, src, "HVLN")
	press(t, p, runes("l"))
	v := viewText(p)
	if !strings.Contains(v, "BEFORE close 2025-03-28") || !strings.Contains(v, "no best is marked") || strings.Count(v, "★") != 0 {
		t.Fatalf("an expiry before the close must say so and mark no best:\n%s", v)
	}
}

func TestChainLeavingClosesLines(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	c := openChain(t, p, src, "AAPL")
	req := p.live
	p.Blur()
	cmd := p.FocusCmd()
	if cmd == nil || p.live != nil {
		t.Fatal("leaving the pane kept the chain")
	}
	msgs := execNow(cmd)
	if src.closes != 1 || !c.isClosed() {
		t.Fatal("leaving did not cancel the lines")
	}
	p.Update(msgs[0])
	if v := viewText(p); !strings.Contains(v, "✗ STALE") || !strings.Contains(v, "232.45") {
		t.Fatalf("the last table is not kept and marked stale:\n%s", v)
	}
	if _, cmd := p.Update(chainDataMsg{req: req, snap: aaplSnapshot()}); cmd != nil {
		t.Fatal("data from the closed chain re-armed a waiter")
	}
	// Coming back re-opens the same symbol and expiry.
	p.Focus()
	cmd = p.FocusCmd()
	if cmd == nil || p.pending == nil || p.want.symbol != "AAPL" {
		t.Fatal("coming back did not re-open the chain")
	}
	finishOpen(t, p, src, cmd)
	if !strings.Contains(viewText(p), "● LIVE") {
		t.Fatalf("not live after coming back:\n%s", viewText(p))
	}
	// Focus changes with nothing open do nothing.
	execNow(press(t, p, runes("x")))
	p.Blur()
	if p.FocusCmd() != nil {
		t.Fatal("leaving with no chain did something")
	}
}

func TestChainOpenWaitsForClose(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	openChain(t, p, src, "AAPL")
	p.Blur()
	closeCmd := p.FocusCmd()
	p.Focus()
	openCmd := p.FocusCmd() // back before the close finished
	gate := make(chan struct{})
	src.mu.Lock()
	src.gate = gate
	src.mu.Unlock()
	closed := make(chan []tea.Msg, 1)
	go func() { closed <- execNow(closeCmd) }()
	opened := make(chan []tea.Msg, 1)
	go func() { opened <- execNow(openCmd) }()
	// A re-open that does not wait would fetch (and finish) while the close
	// is held; give it the chance, then let the close finish.
	select {
	case <-opened:
		t.Fatal("the re-open finished while the close was still running: the close could cancel its lines")
	case <-time.After(300 * time.Millisecond):
	}
	close(gate)
	<-closed
	o := openedMsg(t, <-opened)
	src.mu.Lock()
	during := src.fetchedInClose
	src.mu.Unlock()
	if during || o.chain == nil || o.chain.(*fakeChain).isClosed() {
		t.Fatalf("fetched during the close %v; chain closed %v", during, o.chain == nil || o.chain.(*fakeChain).isClosed())
	}
}

func TestChainHelpFollowsState(t *testing.T) {
	src := newFakeSource(hvlnSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	enabled := func() []string {
		var out []string
		for _, b := range p.ShortHelp() {
			if b.Enabled() {
				out = append(out, b.Help().Key)
			}
		}
		return out
	}
	if got := strings.Join(enabled(), " "); got != "/" {
		t.Fatalf("idle short help %q", got)
	}
	openChain(t, p, src, "HVLN")
	if got := strings.Join(enabled(), " "); got != "/ [ ] ↑↓ l d" {
		t.Fatalf("chain short help %q", got)
	}
	press(t, p, runes("/"))
	if got := strings.Join(enabled(), " "); got != "↑↓ enter esc" {
		t.Fatalf("search short help %q", got)
	}
	for _, col := range p.FullHelp() {
		if len(col) > 5 { // short columns (STYLE §4)
			t.Errorf("help column of %d rows", len(col))
		}
	}
}
