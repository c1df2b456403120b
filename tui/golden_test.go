package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/tui/internal/tuitest"
)

var goldenSizes = []struct{ w, h int }{{80, 24}, {120, 40}}

// startScreen runs the real program (teatest) against a fake supervisor
// fed with the scenario, and waits until everything is on screen.
func startScreen(t *testing.T, sc scenario, w, h int) (*teatest.TestModel, *fakeSup, context.CancelFunc) {
	t.Helper()
	sup := newFakeSup(sc.status, sc.metrics)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := New(Options{Sup: sup, History: sc.history, Styles: testStyles(), Now: fixedClock, Context: ctx,
		LogPath: "/var/log/ibwatch.log"})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	for _, ev := range sc.live {
		sup.ch <- ev
	}
	tuitest.WaitScreen(t, tm, sc.waitFor...)
	return tm, sup, cancel
}

// finish quits with the q key and returns the final screen.
func finish(t *testing.T, tm *teatest.TestModel) Model {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	return fm.(Model)
}

func TestGolden(t *testing.T) {
	scenarios := []struct {
		name string
		sc   func() scenario
	}{
		{"connected", connectedScenario},
		{"backoff", backoffScenario},
		{"degraded", degradedScenario},
	}
	for _, s := range scenarios {
		for _, size := range goldenSizes {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size.w, size.h), func(t *testing.T) {
				tm, _, cancel := startScreen(t, s.sc(), size.w, size.h)
				fm := finish(t, tm)
				cancel()
				teatest.RequireEqualOutput(t, []byte(fm.View()))
			})
		}
	}
}

// TestGoldenLongLog scrolls back in a long log, then more events arrive:
// the view must stay put and say how many are new.
func TestGoldenLongLog(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			tm, sup, cancel := startScreen(t, longLogScenario(), size.w, size.h)
			tm.Send(tea.KeyMsg{Type: tea.KeyPgUp})
			tuitest.WaitScreen(t, tm, "end ↓")
			for i := 0; i < 3; i++ {
				sup.ch <- twsEv(t0.Add(time.Duration(i-3)*time.Second), 2106, conn.SevInfo,
					fmt.Sprintf("late arrival %d", i), "", 3)
			}
			tuitest.WaitScreen(t, tm, "3 new ↓")
			fm := finish(t, tm)
			cancel()
			teatest.RequireEqualOutput(t, []byte(fm.View()))
		})
	}
}
