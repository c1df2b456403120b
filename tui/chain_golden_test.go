package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/ibwatch/ibwatch/conn"
)

// chainRoot is the dashboard with a chain pane over a fakeSource, sized
// and with the chain pane focused.
func chainRoot(t *testing.T, src *fakeSource, w, h int) (Model, *ChainPane) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pane := newChainPane(testStyles(), ctx, src, testSearcher(), nil)
	pane.cfgDeals = append(pane.cfgDeals, hvlnDeal)
	pane.gap = 0
	sup := newFakeSup(baseStatus(conn.StateConnected, t0.Add(-time.Hour), conn.CauseReady), baseMetrics())
	m := New(Options{Sup: sup, Styles: testStyles(), Now: fixedClock, Chain: pane, Context: ctx})
	m = upd(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return m, pane
}

func TestChainRootTypingDisablesGlobals(t *testing.T) {
	m, pane := chainRoot(t, newFakeSource(aaplSnapshot()), 120, 40)
	m = upd(t, m, keyTab)
	m = upd(t, m, keyTab)
	if m.focus != focusChain {
		t.Fatalf("focus %v", m.focus)
	}
	m = upd(t, m, runes("/"))
	if !pane.Typing() || m.keys.Quit.Enabled() || m.keys.Reconnect.Enabled() || m.keys.Next.Enabled() {
		t.Fatal("global letters still enabled while the chain search is open")
	}
	m, cmd := updCmd(t, m, runes("q"))
	if isQuit(cmd) || pane.search.input.Value() != "q" {
		t.Fatalf("q quit or did not reach the input (value %q)", pane.search.input.Value())
	}
	m = upd(t, m, runes("r"))
	if pane.search.input.Value() != "qr" || m.reconnWait {
		t.Fatal("r reconnected while typing")
	}
	m = upd(t, m, keyEsc)
	if pane.Typing() || !m.keys.Quit.Enabled() {
		t.Fatal("esc did not give the keys back")
	}
	if _, cmd := updCmd(t, m, runes("q")); !isQuit(cmd) {
		t.Fatal("q does not quit after the search closed")
	}
}

func TestChainRootLayoutGivesRows(t *testing.T) {
	for _, size := range goldenSizes {
		m, pane := chainRoot(t, newFakeSource(), size.w, size.h)
		before := m.lay.bottomH
		m = upd(t, upd(t, m, keyShiftTab), keyShiftTab) // log → status → chain
		lay := computeLayout(size.w, size.h, true)
		if m.lay.bottomH != lay.bottomH || lay.bottomH <= before {
			t.Errorf("%dx%d: chain block %d rows, log block %d", size.w, size.h, m.lay.bottomH, before)
		}
		if pane.h != m.lay.bottomH-2 {
			t.Errorf("%dx%d: pane sized %d, block %d", size.w, size.h, pane.h, m.lay.bottomH)
		}
		if got := strings.Count(m.View(), "\n") + 1; got != size.h {
			t.Errorf("%dx%d: view has %d lines", size.w, size.h, got)
		}
		m = upd(t, m, keyTab)
		if m.lay.bottomH != before || !strings.Contains(m.View(), "Last 24 h") {
			t.Errorf("%dx%d: layout not restored after leaving the chain", size.w, size.h)
		}
	}
}

func TestChainRootTabAwayClosesLines(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	m, pane := chainRoot(t, src, 120, 40)
	m = upd(t, upd(t, m, keyShiftTab), keyShiftTab) // log → status → chain
	if m.focus != focusChain {
		t.Fatalf("focus %v", m.focus)
	}
	c := openChain(t, pane, src, "AAPL")
	m, cmd := updCmd(t, m, keyTab)
	if cmd == nil {
		t.Fatal("tab away from the chain returned no Cmd")
	}
	execNow(cmd)
	if !c.isClosed() || src.closes != 1 {
		t.Fatal("tab away did not cancel the chain's lines")
	}
	m, cmd = updCmd(t, m, keyShiftTab)
	if cmd == nil || pane.pending == nil {
		t.Fatal("coming back did not re-open the chain")
	}
	_ = m
}

// TestChainGolden draws the dashboard with the chain pane focused on a
// fixed deal chain, in the chain view and in the lens view, at 80×24 and
// 120×40: search, enter, (l).
func TestChainGolden(t *testing.T) {
	for _, view := range []string{"chain", "lens"} {
		for _, size := range goldenSizes {
			t.Run(fmt.Sprintf("%s_%dx%d", view, size.w, size.h), func(t *testing.T) {
				src := newFakeSource(hvlnSnapshot(), aaplSnapshot())
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				pane := newChainPane(testStyles(), ctx, src, testSearcher(), nil)
				pane.cfgDeals = append(pane.cfgDeals, hvlnDeal)
				pane.gap = 0
				sup := newFakeSup(baseStatus(conn.StateConnected, t0.Add(-time.Hour), conn.CauseReady), baseMetrics())
				m := New(Options{Sup: sup, Styles: testStyles(), Now: fixedClock, Chain: pane, Context: ctx})
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size.w, size.h))
				tm.Send(keyTab)
				tm.Send(keyTab)
				tm.Send(runes("/"))
				for _, r := range "hvln" {
					tm.Send(runes(string(r)))
				}
				waitScreen(t, tm, "Halvorsen")
				tm.Send(keyEnter)
				waitScreen(t, tm, "LIVE", "DEAL HVLN")
				if view == "lens" {
					tm.Send(runes("l"))
					waitScreen(t, tm, "LONG CALL")
				}
				fm := finish(t, tm)
				cancel()
				teatest.RequireEqualOutput(t, []byte(fm.View()))
			})
		}
	}
}
