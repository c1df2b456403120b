package scan

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/tui/chain"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// Update implements pane.Model: keys while focused, and the pane's own
// messages (progress, results, the re-scan timer, the chain pane's deals)
// whatever the focus.
func (p *Pane) Update(msg tea.Msg) (pane.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd = p.handleKey(msg)
	case progressMsg:
		if p.run == nil || msg.gen != p.run.gen {
			return p, nil
		}
		p.prog = msg.p
		cmd = waitProgressCmd(p.run)
	case doneMsg:
		cmd = p.onDone(msg)
	case rescanMsg:
		if msg.seq != p.tseq || p.every == 0 || p.run != nil {
			return p, nil
		}
		p.tstop, p.next = nil, timeZero
		cmd = p.startScan(true)
	case chain.DealsMsg:
		p.deals = slices.Clone(msg.Deals)
		p.setNotice(false, fmt.Sprintf("deals changed: %d now · n scans them", len(p.deals)))
	default:
		return p, nil
	}
	p.syncKeys()
	p.render()
	return p, cmd
}

// handleKey handles a key while the pane has focus. Keys typed faster
// than the terminal is read arrive as one message ("ss"): each rune is
// handled as its own key.
func (p *Pane) handleKey(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, p.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
			p.syncKeys()
		}
		return tea.Batch(cmds...)
	}
	p.notice, p.noticeErr = "", false
	k := &p.keys
	switch {
	case key.Matches(msg, k.Up):
		p.move(-1)
	case key.Matches(msg, k.Down):
		p.move(1)
	case key.Matches(msg, k.PageUp):
		p.move(-p.rowsShown())
	case key.Matches(msg, k.PageDown):
		p.move(p.rowsShown())
	case key.Matches(msg, k.Home):
		p.move(-len(p.ranked.Rows))
	case key.Matches(msg, k.End):
		p.move(len(p.ranked.Rows))
	case key.Matches(msg, k.Open):
		return p.openSelected()
	case key.Matches(msg, k.Scan):
		return p.startScan(p.res != nil)
	case key.Matches(msg, k.Stop):
		p.run.stopped = true
		p.run.cancel()
		p.setNotice(false, "stopping the scan…")
	case key.Matches(msg, k.Every):
		return p.cycleEvery()
	default:
		if p.filterKey(msg) {
			p.rerank()
		}
	}
	return nil
}

// move moves the selection by delta rows, clamped.
func (p *Pane) move(delta int) {
	p.sel = min(max(p.sel+delta, 0), max(0, len(p.ranked.Rows)-1))
}

// openSelected asks the root to show the selected structure's legs in the
// chain pane.
func (p *Pane) openSelected() tea.Cmd {
	if p.sel >= len(p.ranked.Rows) {
		return nil
	}
	s := p.ranked.Rows[p.sel]
	msg := pane.OpenChainMsg{Symbol: s.Symbol, Expiry: s.Expiry}
	for _, l := range s.Legs {
		if l.Right != "STK" {
			msg.Strikes = append(msg.Strikes, l.Strike)
		}
	}
	return func() tea.Msg { return msg }
}

// startScan starts a scan of the deals (fresh: forget cached listings).
func (p *Pane) startScan(fresh bool) tea.Cmd {
	switch {
	case p.run != nil:
		return nil
	case p.fn == nil:
		p.setNotice(true, "no connection to scan with")
		return nil
	case len(p.deals) == 0:
		p.setNotice(true, "no deals: add [deals.SYMBOL] to the config, or type one in the chain pane (/ then d)")
		return nil
	}
	p.stopTimer()
	p.gen++
	ctx, cancel := context.WithCancel(p.ctx)
	r := &run{gen: p.gen, cancel: cancel, prog: make(chan scanner.Progress, 1), done: make(chan struct{})}
	p.run = r
	p.prog = scanner.Progress{Deals: len(p.deals)}
	o := scanner.ScanOptions{Lines: p.lines, Wait: p.wait, Now: p.now, Selection: p.selection, PerDeal: p.perDeal}
	return tea.Batch(scanCmd(ctx, r, p.fn, slices.Clone(p.deals), o, fresh), waitProgressCmd(r))
}

// onDone takes a scan's outcome: its result replaces the table (a scan
// stopped before any deal was planned keeps the previous one), and the
// next re-scan is armed.
func (p *Pane) onDone(msg doneMsg) tea.Cmd {
	if p.run == nil || msg.gen != p.run.gen {
		return nil
	}
	stopped := p.run.stopped
	p.run = nil
	res := msg.res
	if len(res.Deals) > 0 || p.res == nil {
		p.res = &res
		p.rerank()
	}
	failed, first := 0, ""
	for _, d := range res.Deals {
		if d.Err != nil {
			if failed++; first == "" {
				first = d.Deal.Symbol + ": " + d.Err.Error()
			}
		}
	}
	err := msg.err
	switch {
	case stopped:
		p.setNotice(false, fmt.Sprintf("scan stopped: %d of %d contracts quoted; legs never quoted are unpriced",
			res.Quoted+res.OneSided, res.Contracts))
	case errors.Is(err, conn.ErrStopped):
		p.setNotice(true, "scan: the connection supervisor stopped")
	case err != nil && p.ctx.Err() == nil:
		p.setNotice(true, "scan: "+sanitize(err.Error()))
	case failed > 0:
		p.setNotice(true, fmt.Sprintf("%d deal(s) not scanned · %s", failed, sanitize(first)))
	}
	return p.armTimer()
}

// armTimer schedules the next re-scan when an interval is set.
func (p *Pane) armTimer() tea.Cmd {
	p.stopTimer()
	if p.every <= 0 || p.run != nil || p.ctx.Err() != nil {
		return nil
	}
	p.tseq++
	p.tstop = make(chan struct{})
	p.next = p.now().Add(p.every)
	return rescanCmd(p.ctx, p.tseq, p.every, p.tstop)
}

// stopTimer ends the pending re-scan timer, if any.
func (p *Pane) stopTimer() {
	if p.tstop != nil {
		close(p.tstop)
		p.tstop = nil
	}
	p.next = timeZero
}

// rerank ranks the last result with the current sort and filter. The
// selection goes back to the top: after a change of sort or filter the
// trader looks for the new best.
func (p *Pane) rerank() {
	if p.res == nil {
		return
	}
	p.ranked = scanner.Rank(p.res.Structures, p.sort, p.filter)
	p.sel, p.off = 0, 0
}
