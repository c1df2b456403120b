package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/tui/internal/tuitest"
)

// TestSurvivesLinkCrash runs the real program while the link process
// crashes: the dashboard must show the crash and the backoff, keep running,
// and show the recovery.
func TestSurvivesLinkCrash(t *testing.T) {
	sc := connectedScenario()
	sc.history = nil
	tm, sup, cancel := startScreen(t, sc, 100, 30)
	defer cancel()

	crash := conn.Event{Time: t0.Add(-20 * time.Second), Kind: conn.KindLink, Severity: conn.SevError,
		Cause: conn.CauseLinkCrashed, Message: "link crashed: exit status 2", Epoch: 3}
	down := stateEv(t0.Add(-20*time.Second), conn.StateConnected, conn.StateBackoff, conn.CauseLinkCrashed, 3)
	down.NextRetry, down.Attempt = t0.Add(5*time.Second), 1
	st := baseStatus(conn.StateBackoff, down.Time, conn.CauseLinkCrashed)
	st.NextRetry = down.NextRetry
	met := baseMetrics()
	met.Disconnects[conn.CauseLinkCrashed] = 1
	met.LinkRestarts = 1
	sup.set(st, met)
	sup.ch <- crash
	sup.ch <- down
	tuitest.WaitScreen(t, tm, "link crashed: exit status 2", "BACKOFF", "the link process died")

	back := stateEv(t0.Add(-10*time.Second), conn.StateConnecting, conn.StateConnected, conn.CauseReady, 4)
	back.Latency = 10 * time.Second
	sup.set(baseStatus(conn.StateConnected, back.Time, conn.CauseReady), met)
	sup.ch <- stateEv(t0.Add(-15*time.Second), conn.StateBackoff, conn.StateConnecting, conn.CauseRetry, 3)
	sup.ch <- back
	// Counters come with the next 1 s snapshot.
	tuitest.WaitScreen(t, tm, "back after 10s", "CONNECTED", "link restarts 1")

	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	fm := tm.FinalModel(t).(Model)
	if fm.cv.state != conn.StateConnected || fm.cv.epoch != 4 {
		t.Fatalf("final state %v epoch %d", fm.cv.state, fm.cv.epoch)
	}
	v := fm.View()
	for _, want := range []string{"link crashed: exit status 2", "link crash 1", "link restarts 1"} {
		if !strings.Contains(v, want) {
			t.Errorf("final screen lacks %q", want)
		}
	}
}
