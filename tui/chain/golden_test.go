package chain

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/ibwatch/ibwatch/tui"
	"github.com/ibwatch/ibwatch/tui/internal/tuitest"
)

// chainRoot is the dashboard with a chain pane over a fakeSource, sized.
func chainRoot(t *testing.T, src *fakeSource, w, h int) (tea.Model, *Pane) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pane := newChainPane(testStyles(), ctx, src, testSearcher(), nil)
	pane.cfgDeals = append(pane.cfgDeals, hvlnDeal)
	pane.gap = 0
	var m tea.Model = tui.New(tui.Options{Sup: connectedSup(), Styles: testStyles(), Now: fixedClock, Chain: pane, Context: ctx})
	m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m, pane
}

func TestChainRootTabAwayClosesLines(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	m, pane := chainRoot(t, src, 120, 40)
	m, _ = m.Update(keyShiftTab)
	m, _ = m.Update(keyShiftTab) // log → status → chain
	if !pane.focused {
		t.Fatal("the chain pane has no focus")
	}
	c := openChain(t, pane, src, "AAPL")
	m, cmd := m.Update(keyTab)
	if cmd == nil {
		t.Fatal("tab away from the chain returned no Cmd")
	}
	execNow(cmd)
	if !c.isClosed() || src.closes != 1 {
		t.Fatal("tab away did not cancel the chain's lines")
	}
	if _, cmd = m.Update(keyShiftTab); cmd == nil || pane.pending == nil {
		t.Fatal("coming back did not re-open the chain")
	}
}

// goldenSizes are the terminal sizes of every golden, as in package tui.
var goldenSizes = []struct{ w, h int }{{80, 24}, {120, 40}}

// finish quits the program and returns its final model.
func finish(t *testing.T, tm *teatest.TestModel) tea.Model {
	t.Helper()
	tm.Send(runes("q"))
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
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
				m := tui.New(tui.Options{Sup: connectedSup(), Styles: testStyles(), Now: fixedClock, Chain: pane, Context: ctx})
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size.w, size.h))
				tm.Send(keyTab)
				tm.Send(keyTab)
				tm.Send(runes("/"))
				for _, r := range "hvln" {
					tm.Send(runes(string(r)))
				}
				tuitest.WaitScreen(t, tm, "Halvorsen")
				tm.Send(keyEnter)
				tuitest.WaitScreen(t, tm, "LIVE", "DEAL HVLN")
				if view == "lens" {
					tm.Send(runes("l"))
					tuitest.WaitScreen(t, tm, "LONG CALL")
				}
				fm := finish(t, tm)
				cancel()
				teatest.RequireEqualOutput(t, []byte(fm.View()))
			})
		}
	}
}
