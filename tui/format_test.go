package tui

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

func TestFmtPctNeverRoundsUpToFull(t *testing.T) {
	for _, c := range []struct {
		r    float64
		want string
	}{
		{1, "100%"},
		{0, "0%"},
		{0.99999, "99.99%"},
		{1 - 1e-12, "99.99%"},
		{0.9995, "99.95%"},
		{0.99949, "99.94%"},
		{0.9999, "99.99%"},
		{0.999, "99.9%"},
		{0.99899, "99.8%"},
		{0.5, "50.0%"},
		{1e-9, "0.0%"},
		{math.NaN(), "—"},
	} {
		if got := fmtPct(c.r); got != c.want {
			t.Errorf("fmtPct(%v) = %q, want %q", c.r, got, c.want)
		}
	}
}

// One second down in a day is not 100 % up: neither the session counter
// nor the timeline's title may say so.
func TestAvailabilityJustBelowOneIsNotShownAsFull(t *testing.T) {
	m, _ := testModel(t, nil)
	start := t0.Add(-23 * time.Hour)
	m = feed(t, m,
		stateEv(start, conn.StateIdle, conn.StateConnecting, conn.CauseStart, 0),
		stateEv(start, conn.StateConnecting, conn.StateConnected, conn.CauseReady, 1),
		stateEv(t0.Add(-time.Hour), conn.StateConnected, conn.StateBackoff, conn.CauseHeartbeatTimeout, 1),
		stateEv(t0.Add(-time.Hour+time.Second), conn.StateBackoff, conn.StateConnected, conn.CauseReady, 2))
	met := baseMetrics()
	met.Availability = 0.99999
	m = upd(t, m, snapshotMsg{now: t0, status: baseStatus(conn.StateConnected, t0.Add(-time.Hour), conn.CauseReady), metrics: met, seq: m.tick.seq})
	v := m.View()
	if strings.Contains(v, "100.00%") || strings.Contains(v, "100%") {
		t.Errorf("a drop today, yet the view shows full availability:\n%s", v)
	}
	for _, want := range []string{"99.99% session", "99.99% 24 h", "Last 24 h · 99.99% up"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}
