package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/tui/chain"
)

// chainRoot is the dashboard with the real chain pane (no connection: the
// root's keys and layout are under test, not the chains), sized.
func chainRoot(t *testing.T, w, h int) (Model, *chain.Pane) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pane := chain.New(chain.Options{Styles: testStyles(), Context: ctx})
	sup := newFakeSup(baseStatus(conn.StateConnected, t0.Add(-time.Hour), conn.CauseReady), baseMetrics())
	m := New(Options{Sup: sup, Styles: testStyles(), Now: fixedClock, Chain: pane, Context: ctx})
	m = upd(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return m, pane
}

// searchText is what the chain's open search box holds: its first line
// without the "/ " prompt.
func searchText(p Pane) string {
	first, _, _ := strings.Cut(ansi.Strip(p.View()), "\n")
	return strings.TrimRight(strings.TrimPrefix(first, "/ "), " ")
}

func TestChainRootTypingDisablesGlobals(t *testing.T) {
	m, pane := chainRoot(t, 120, 40)
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
	if isQuit(cmd) || searchText(pane) != "q" {
		t.Fatalf("q quit or did not reach the input (value %q)", searchText(pane))
	}
	m = upd(t, m, runes("r"))
	if searchText(pane) != "qr" || m.reconnWait {
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
		m, pane := chainRoot(t, size.w, size.h)
		before := m.lay.bottomH
		m = upd(t, upd(t, m, keyShiftTab), keyShiftTab) // log → status → chain
		lay := computeLayout(size.w, size.h, true)
		if m.lay.bottomH != lay.bottomH || lay.bottomH <= before {
			t.Errorf("%dx%d: chain block %d rows, log block %d", size.w, size.h, m.lay.bottomH, before)
		}
		// A pane's View is exactly the size it was given.
		if h := strings.Count(pane.View(), "\n") + 1; h != m.lay.bottomH-2 {
			t.Errorf("%dx%d: pane sized %d, block %d", size.w, size.h, h, m.lay.bottomH)
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
