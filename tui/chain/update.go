package chain

import (
	"errors"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// Update implements pane.Model: keys while focused, and the pane's own messages
// (rankings, lookups, opened chains, snapshots, scrolls, spinner ticks,
// cursor blinks) whatever the focus.
func (p *Pane) Update(msg tea.Msg) (pane.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd = p.handleKey(msg)
	case chainRankMsg:
		p.onRank(msg)
	case chainLookupMsg:
		p.onLookup(msg)
	case chainOpenedMsg:
		cmd = p.onOpened(msg)
	case chainDataMsg:
		cmd = p.onData(msg)
	case chainScrolledMsg:
		p.onScrolled(msg)
	case pane.OpenChainMsg:
		cmd = p.openLegs(msg)
	case DealsMsg:
		return p, nil // the pane's own news, for the other panes
	case chainClosedMsg:
		if msg.gen == p.gen {
			p.closing = nil // done: the next open need not wait
		}
	case spinner.TickMsg:
		if msg.ID != p.spin.ID() || !p.spinning {
			return p, nil
		}
		if p.pending == nil {
			p.spinning = false
			return p, nil
		}
		p.spin, cmd = p.spin.Update(msg)
		return p, cmd
	default:
		// Cursor blinks of the open input.
		switch {
		case p.form != nil:
			f := p.form
			f.in[f.focus], cmd = f.in[f.focus].Update(msg)
		case p.search.open:
			p.search.input, cmd = p.search.input.Update(msg)
		}
		return p, cmd
	}
	p.syncKeys()
	p.render()
	return p, cmd
}

// handleKey handles a key while the pane has focus.
func (p *Pane) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case p.form != nil:
		return p.formKey(msg)
	case p.search.open:
		return p.searchKey(msg)
	}
	// A notice answers the previous key; the next one clears it.
	p.notice, p.noticeErr = "", false
	k := &p.keys
	switch {
	case key.Matches(msg, k.Search):
		return p.openSearch()
	case msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && msg.Runes[0] == '/' && k.Search.Enabled():
		// "/hvl" typed faster than the terminal reads it arrives as one
		// message: open the search and type the rest.
		cmd := p.openSearch()
		return tea.Batch(cmd, p.searchKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[1:]}))
	case key.Matches(msg, k.Deal):
		return p.openDealForm()
	case key.Matches(msg, k.Lens):
		p.lens = !p.lens
		p.centre = true
	case key.Matches(msg, k.Refresh):
		w := p.want
		if p.have && p.snap.Symbol == w.symbol {
			w.expiry = p.snap.Expiry
		}
		p.setNotice(false, "refreshing the listing of "+w.symbol+"…")
		return p.startOpen(w, true)
	case key.Matches(msg, k.CloseChain):
		return p.closeChain()
	case key.Matches(msg, k.PrevExpiry):
		return p.stepExpiry(-1)
	case key.Matches(msg, k.NextExpiry):
		return p.stepExpiry(1)
	case key.Matches(msg, k.Up):
		return p.scroll(-1)
	case key.Matches(msg, k.Down):
		return p.scroll(1)
	case key.Matches(msg, k.PageUp):
		return p.scroll(-max(1, p.rowsShown()))
	case key.Matches(msg, k.PageDown):
		return p.scroll(max(1, p.rowsShown()))
	case key.Matches(msg, k.Centre):
		p.centre = true
		if p.live != nil {
			return scrollCmd(p.ctx, p.live, 0)
		}
	}
	return nil
}

// openSymbol opens the chain of a chosen symbol, with its deal if there is
// one; the expiry is the scanner's default.
func (p *Pane) openSymbol(sym string) tea.Cmd {
	w := chainWant{symbol: sym, deal: p.dealFor(sym)}
	p.lens = false
	return p.startOpen(w, false)
}

// startOpen sends a new open request. The chain shown keeps streaming until
// the new one is open (the fetcher then closes it line by line); a newer
// request makes this one stale.
func (p *Pane) startOpen(w chainWant, refresh bool) tea.Cmd {
	if p.src == nil {
		p.setNotice(true, "no connection to open chains with")
		return nil
	}
	p.want = w
	p.gen++
	p.pending = newOpenReq(p.gen, w)
	p.left = false
	if !(p.have && p.snap.Symbol == w.symbol) {
		p.notice = ""
	}
	var shown liveChain
	if p.live != nil {
		shown = p.live.chain
	}
	cmds := []tea.Cmd{fetchCmd(p.ctx, p.src, p.srch, p.pending, p.strikes, refresh, shown, p.closing)}
	if !p.spinning {
		p.spinning = true
		cmds = append(cmds, p.spin.Tick)
	}
	return tea.Batch(cmds...)
}

// onOpened adopts the chain of the pending request, or shows why it failed.
// A chain that arrives for a stale request is closed at once.
func (p *Pane) onOpened(msg chainOpenedMsg) tea.Cmd {
	if msg.req != p.pending {
		if msg.chain != nil {
			return closeChainCmd(msg.chain)
		}
		return nil
	}
	p.pending = nil
	if msg.err != nil {
		if errors.Is(msg.err, scanner.ErrSuperseded) {
			return nil
		}
		p.setNotice(true, sanitize(msg.err.Error()))
		if !msg.prevAlive && p.live != nil {
			p.live.end()
			p.live = nil
		}
		if p.live != nil { // still showing the chain that was open before
			p.want = p.live.want
		}
		return nil
	}
	if p.live != nil {
		p.live.end()
	}
	r := msg.req
	r.chain = msg.chain
	p.live = r
	if !p.have || p.snap.Symbol != r.want.symbol {
		p.have = false
		p.centre = true
		if r.want.deal != nil && p.notice == "" && !p.lens {
			p.setNotice(false, "deal "+r.want.symbol+": l shows the merger-arb lens")
		}
	}
	return waitChainCmd(p.ctx, r, p.gap)
}

// onData stores the live chain's snapshot and waits for the next change.
func (p *Pane) onData(msg chainDataMsg) tea.Cmd {
	if msg.req != p.live {
		return nil
	}
	p.snap, p.have = msg.snap, true
	return waitChainCmd(p.ctx, p.live, p.gap)
}

// onScrolled reports a failed scroll of the live chain.
func (p *Pane) onScrolled(msg chainScrolledMsg) {
	if msg.req != p.live || msg.err == nil || errors.Is(msg.err, scanner.ErrClosed) {
		return
	}
	p.setNotice(true, "scroll: "+sanitize(msg.err.Error()))
}

// stepExpiry asks for the expiry delta places away; holding ] steps from
// the expiry last asked for, not the one still shown.
func (p *Pane) stepExpiry(delta int) tea.Cmd {
	if !p.have || p.snap.Symbol != p.want.symbol {
		return nil // another symbol is loading: its expiries are not known yet
	}
	cur := p.want.expiry
	if cur == "" {
		cur = p.snap.Expiry
	}
	next := scanner.StepExpiry(p.snap.Expiries, cur, delta)
	if next == cur {
		if delta < 0 {
			p.setNotice(false, "this is the nearest expiry")
		} else {
			p.setNotice(false, "this is the last expiry")
		}
		return nil
	}
	w := p.want
	w.expiry = next
	p.notice = ""
	return p.startOpen(w, false)
}

// scroll moves the shown rows by delta strikes: within the streamed window
// first (no request), then the window itself (Chain.Scroll re-subscribes).
func (p *Pane) scroll(delta int) tea.Cmd {
	if !p.have || p.live == nil {
		return nil
	}
	n, shown := len(p.snap.Rows), p.rowsShown()
	local := min(max(p.viewOff+delta, 0), max(0, n-shown)) - p.viewOff
	p.viewOff += local
	rest := delta - local
	if rest == 0 {
		return nil
	}
	first, last := p.snap.First, p.snap.First+n
	if (rest < 0 && first == 0) || (rest > 0 && last >= p.snap.Total) {
		if local == 0 {
			p.setNotice(false, "no more strikes this way")
		}
		return nil
	}
	p.notice = ""
	return scrollCmd(p.ctx, p.live, rest)
}

// closeChain closes the chain on purpose (x): every line is cancelled and
// the pane goes back to its start screen.
func (p *Pane) closeChain() tea.Cmd {
	p.dropRequests()
	p.want, p.have, p.lens = chainWant{}, false, false
	p.setNotice(false, "chain closed · its lines are free")
	return p.closeSource()
}

// closeSource cancels every line the source holds, in a Cmd. The next
// open waits until that is done.
func (p *Pane) closeSource() tea.Cmd {
	if p.src == nil {
		return nil
	}
	p.closing = make(chan struct{})
	return closeSourceCmd(p.src, p.gen, p.closing)
}

// dropRequests forgets the pending and live requests: their waiters stop
// and anything they still deliver is stale.
func (p *Pane) dropRequests() {
	p.gen++
	if p.live != nil {
		p.live.end()
	}
	p.live, p.pending = nil, nil
}
