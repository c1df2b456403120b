package conn

import (
	"slices"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// An outage inside the configured daily-restart window is labelled as
// expected; one that outlives the window is escalated as an error.
func TestOutageInsideAndBeyondTheRestartWindow(t *testing.T) {
	now := time.Now().UTC()
	minute := now.Truncate(time.Minute)
	if now.Sub(minute) > 50*time.Second {
		// Keep the window inside this minute's restart: wait for the next.
		<-time.After(minute.Add(time.Minute).Sub(now)) // a calendar constraint, not synchronisation
		now = time.Now().UTC()
		minute = now.Truncate(time.Minute)
	}
	sim := newSim(t, twsim.Config{})
	h := newHarness(t, sim, func(c *Config) {
		c.Schedule = Schedule{DailyRestart: minute.Format("15:04"), Location: time.UTC,
			RestartWindow: now.Sub(minute) + 3*time.Second}
	})
	h.waitState(0, StateConnected, 10*time.Second)
	if st := h.sup.Status(); st.NextRestart.IsZero() {
		t.Fatal("status does not show the next daily restart")
	}
	from := h.mark()
	sim.SetRefuse(true)
	sim.Drop()
	lost := h.waitState(from, StateBackoff, 3*time.Second)
	if lost.Window != WindowDailyRestart {
		t.Fatalf("outage not labelled as the daily restart: %+v", lost)
	}
	esc := h.waitFor("escalation after the window", 10*time.Second, func(evs []Event) bool {
		return slices.ContainsFunc(evs[from:], func(e Event) bool { return e.Severity == SevError && e.Window == WindowDailyRestart })
	})
	_ = esc
	sim.SetRefuse(false)
	h.waitState(from, StateConnected, 10*time.Second)
}
