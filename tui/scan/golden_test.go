package scan

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/tui"
	"github.com/ibwatch/ibwatch/tui/chain"
	"github.com/ibwatch/ibwatch/tui/internal/tuitest"
)

// goldenSizes are the terminal sizes of every golden, as in package tui.
var goldenSizes = []struct{ w, h int }{{80, 24}, {120, 40}}

// TestScanGolden draws the dashboard with the scan pane focused, at 80×24
// and 120×40: the ranked table of the fixed scan (tab to the pane, n), and
// the progress of a scan still running.
func TestScanGolden(t *testing.T) {
	for _, view := range []string{"table", "progress"} {
		for _, size := range goldenSizes {
			t.Run(fmt.Sprintf("%s_%dx%d", view, size.w, size.h), func(t *testing.T) {
				f := newFakeScan()
				wait := "ranked"
				if view == "progress" {
					f.hold = make(chan struct{})
					f.prog = []scanner.Progress{{Deals: 3, DealsDone: 1, Contracts: 240, Quoted: 90, Left: 7 * time.Second}}
					wait = "~7s left"
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				p := newPane(Options{Deals: []scanner.Deal{hvlnDeal, qrstDeal, xyzDeal}, Styles: testStyles(), Context: ctx,
					Now: fixedClock}, f.run)
				m := tui.New(tui.Options{Sup: staticSup{}, Styles: testStyles(), Now: fixedClock, Scan: p, Context: ctx})
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size.w, size.h))
				tm.Send(keyTab) // log → counters → chain → scan
				tm.Send(keyTab)
				tm.Send(keyTab)
				tuitest.WaitScreen(t, tm, "Scan · merger arb")
				tm.Send(runes("n"))
				tuitest.WaitScreen(t, tm, wait)
				if view == "table" {
					tm.Send(keyDown)
					tuitest.WaitScreen(t, tm, "▶   2 QRST")
				}
				tm.Send(runes("q"))
				fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
				cancel()
				teatest.RequireEqualOutput(t, []byte(fm.View()))
			})
		}
	}
}

// TestScanEnterFocusesChain: in the dashboard, enter on a row hands the
// legs to the chain pane and moves the focus there.
func TestScanEnterFocusesChain(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := newPane(Options{Deals: []scanner.Deal{hvlnDeal}, Styles: testStyles(), Context: ctx, Now: fixedClock}, newFakeScan().run)
	ch := chain.New(chain.Options{Styles: testStyles(), Context: ctx, Deals: []scanner.Deal{hvlnDeal}})
	var m tea.Model = tui.New(tui.Options{Sup: staticSup{}, Styles: testStyles(), Now: fixedClock, Chain: ch, Scan: p, Context: ctx})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	for range 3 {
		m, _ = m.Update(keyTab)
	}
	if !strings.Contains(m.View(), "▶ Scan") {
		t.Fatalf("three tabs did not reach the scan pane:\n%s", m.View())
	}
	scanned(t, p)
	m, cmd := m.Update(keyEnter)
	if cmd == nil {
		t.Fatal("enter returned no Cmd")
	}
	m, _ = m.Update(cmd())
	v := m.View()
	// No connection in this test: the chain pane, focused, says it cannot
	// open the legs (the chain's own tests open them from a source).
	if !strings.Contains(v, "▶ Chain") || !strings.Contains(v, "no connection to open chains with") {
		t.Fatalf("the chain pane did not take the legs and the focus:\n%s", v)
	}
	// Tab from the chain comes back to the scan, its table intact.
	m, _ = m.Update(keyTab)
	if v := m.View(); !strings.Contains(v, "▶ Scan") || !strings.Contains(v, "★1") {
		t.Fatalf("back on the scan pane:\n%s", v)
	}
}
