package tui

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/ibwatch/ibwatch/conn"
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
	waitScreen(t, tm, sc.waitFor...)
	return tm, sup, cancel
}

// waitScreen waits (10 s at most) until every text has been drawn.
func waitScreen(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	seen := make([]bool, len(texts))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		all := true
		for i, s := range texts {
			seen[i] = seen[i] || bytes.Contains(b, []byte(s))
			all = all && seen[i]
		}
		return all
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
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
			waitScreen(t, tm, "end ↓")
			for i := 0; i < 3; i++ {
				sup.ch <- twsEv(t0.Add(time.Duration(i-3)*time.Second), 2106, conn.SevInfo,
					fmt.Sprintf("late arrival %d", i), "", 3)
			}
			waitScreen(t, tm, "3 new ↓")
			fm := finish(t, tm)
			cancel()
			teatest.RequireEqualOutput(t, []byte(fm.View()))
		})
	}
}
