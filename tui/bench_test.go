package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
)

func benchModel(b *testing.B, n int) Model {
	b.Helper()
	sup := newFakeSup(baseStatus(conn.StateConnected, t0.Add(-time.Hour), conn.CauseReady), baseMetrics())
	m := New(Options{Sup: sup, History: longLogEvents(n, t0.Add(-20*time.Hour), 5*time.Second),
		Styles: testStyles(), Now: fixedClock})
	nm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	nm, _ = nm.Update(snapshotMsg{now: t0, status: sup.st, metrics: sup.met})
	return nm.(Model)
}

// BenchmarkView10kEvents is one frame with 10,000 events in the log.
func BenchmarkView10kEvents(b *testing.B) {
	m := benchModel(b, 10_000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

// BenchmarkUpdateEvent is handling one TWS event (log append, window
// refresh) with 10,000 events already in the log.
func BenchmarkUpdateEvent(b *testing.B) {
	m := benchModel(b, 10_000)
	evs := longLogEvents(1000, t0, time.Millisecond)
	b.ReportAllocs()
	b.ResetTimer()
	var tm tea.Model = m
	for i := 0; i < b.N; i++ {
		tm, _ = tm.Update(connEventMsg{ev: evs[i%len(evs)]})
	}
}

// BenchmarkUpdateStateEvent is a state change: status, timeline and
// counters are re-rendered too.
func BenchmarkUpdateStateEvent(b *testing.B) {
	m := benchModel(b, 10_000)
	evs := []conn.Event{
		stateEv(t0, conn.StateConnected, conn.StateDegraded, conn.CauseIBLinkLost, 3),
		stateEv(t0, conn.StateDegraded, conn.StateConnected, conn.CauseIBRestored, 3),
	}
	b.ReportAllocs()
	b.ResetTimer()
	var tm tea.Model = m
	for i := 0; i < b.N; i++ {
		tm, _ = tm.Update(connEventMsg{ev: evs[i%2]})
	}
}

// BenchmarkTickFrame is what one clock tick costs the dashboard's own
// code at 120×40 with a busy log: Update with the snapshot and View. The
// paint of the rows that changed is tui/screen's BenchmarkPaintTick; the
// wake-ups around them (timer, Cmd goroutine, event loop, renderer) come
// on top; TestIdleCPU in the repository root measures the whole.
func BenchmarkTickFrame(b *testing.B) {
	m := benchModel(b, 10_000)
	sup := m.opts.Sup.(*fakeSup)
	_ = m.View()
	b.ReportAllocs()
	b.ResetTimer()
	var tm tea.Model = m
	for i := 0; i < b.N; i++ {
		now := t0.Add(time.Duration(i+1) * time.Second)
		tm, _ = tm.Update(snapshotMsg{now: now, status: sup.st, metrics: sup.met})
		_ = tm.View()
	}
}
