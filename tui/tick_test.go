package tui

import (
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

func TestFmtAge(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"}, {0, "0s"}, {999 * time.Millisecond, "0s"}, {59*time.Second + 999*time.Millisecond, "59s"},
		{time.Minute, "1m"}, {5*time.Minute + 59*time.Second, "5m"}, {59*time.Minute + 59*time.Second, "59m"},
		{time.Hour, "1h00m"}, {6*time.Hour + 12*time.Minute + 59*time.Second, "6h12m"}, {47*time.Hour + 59*time.Minute, "47h59m"},
		{48 * time.Hour, "2d00h"}, {51*time.Hour + 59*time.Minute, "2d03h"},
	} {
		if got := fmtAge(tc.d); got != tc.want {
			t.Errorf("fmtAge(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{4 * time.Second, "4s"}, {65 * time.Second, "1m05s"}} {
		if got := fmtSecs(tc.d); got != tc.want {
			t.Errorf("fmtSecs(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestAgeUnitMatchesFmtAge: the tick schedule must know exactly when
// fmtAge's text can change, or the screen would show a stale age (too
// coarse a unit) or wake for nothing (too fine).
func TestAgeUnitMatchesFmtAge(t *testing.T) {
	for d := time.Duration(0); d < 50*time.Hour; d += 7 * time.Second {
		unit := ageUnit(d)
		floor := d.Truncate(unit)
		if fmtAge(floor) != fmtAge(floor+unit-time.Nanosecond) {
			t.Fatalf("fmtAge changes within the unit %v at %v", unit, d)
		}
		if floor > 0 && ageUnit(floor-time.Nanosecond) == unit && fmtAge(floor-time.Nanosecond) == fmtAge(floor) {
			t.Fatalf("fmtAge does not change at the %v edge %v", unit, floor)
		}
	}
}

func TestNextStep(t *testing.T) {
	a := time.Date(2025, 1, 14, 7, 0, 30, 0, time.UTC)
	for _, tc := range []struct {
		now  time.Time
		unit time.Duration
		want time.Time
	}{
		{a, time.Minute, a.Add(time.Minute)},
		{a.Add(90 * time.Second), time.Minute, a.Add(2 * time.Minute)},
		{a.Add(-90 * time.Second), time.Minute, a.Add(-time.Minute)}, // counting down to a
		{a.Add(-time.Minute), time.Minute, a},
		{a.Add(-time.Millisecond), time.Second, a},
	} {
		if got := nextStep(a, tc.now, tc.unit); !got.Equal(tc.want) {
			t.Errorf("nextStep(a, a%+v, %v) = a%+v, want a%+v", tc.now.Sub(a), tc.unit, got.Sub(a), tc.want.Sub(a))
		}
	}
}

func TestNextRedraw(t *testing.T) {
	now := time.Date(2025, 1, 14, 8, 0, 10, 500e6, time.UTC) // 08:00:10.5
	base := func() Model {
		m, _ := testModel(t, nil)
		m.started = now.Add(-2 * time.Hour)
		m.cv = connView{state: conn.StateConnected, since: now.Add(-time.Hour - 45*time.Second)}
		return m
	}
	tests := []struct {
		name string
		set  func(m *Model)
		want time.Time
	}{
		{"idle: the state's age turns a minute", func(*Model) {}, now.Add(15 * time.Second)},
		{"idle: the clock's minute", func(m *Model) { m.cv.since = now.Add(-time.Hour - 5*time.Second) },
			time.Date(2025, 1, 14, 8, 1, 0, 0, time.UTC)},
		{"uptime turns a minute", func(m *Model) {
			m.cv.since = now.Add(-time.Hour - 5*time.Second)
			m.started = now.Add(-2*time.Hour - 30*time.Second)
		}, now.Add(30 * time.Second)},
		{"ages that turn close together share one redraw", func(m *Model) {
			m.started = now.Add(-2*time.Hour - 44*time.Second - 600*time.Millisecond)
		}, now.Add(15*time.Second + 400*time.Millisecond)},
		{"a fresh state counts seconds", func(m *Model) { m.cv.since = now.Add(-3 * time.Second) },
			now.Truncate(time.Second).Add(time.Second)},
		{"a backoff countdown counts seconds", func(m *Model) {
			m.cv.since = now.Add(-5 * time.Minute)
			m.cv.state, m.cv.nextRetry = conn.StateBackoff, now.Add(90*time.Second)
		}, now.Truncate(time.Second).Add(time.Second)},
		{"a long refusal shows its schedule, not a countdown", func(m *Model) {
			m.cv.since = now.Add(-time.Hour - 5*time.Second)
			m.cv.state, m.cv.nextRetry = conn.StateBackoff, now.Add(3*time.Second)
			m.cv.retry = &conn.RefusedRetry{Every: 5 * time.Second}
		}, time.Date(2025, 1, 14, 8, 1, 0, 0, time.UTC)},
		{"the fast path's end redraws the schedule", func(m *Model) {
			m.cv.since = now.Add(-time.Hour - 5*time.Second)
			m.cv.state, m.cv.nextRetry = conn.StateBackoff, now.Add(100*time.Millisecond)
			m.cv.retry = &conn.RefusedRetry{Every: 5 * time.Second, Fast: 200 * time.Millisecond, FastUntil: now.Add(25 * time.Second)}
		}, now.Add(25 * time.Second)},
		{"a past retry does not tick", func(m *Model) {
			m.cv.since = now.Add(-time.Hour - 5*time.Second)
			m.cv.state, m.cv.nextRetry = conn.StateBackoff, now.Add(-time.Second)
		}, time.Date(2025, 1, 14, 8, 1, 0, 0, time.UTC)},
		{"a restart countdown turns a minute", func(m *Model) {
			m.cv.since = now.Add(-time.Hour - 5*time.Second)
			m.cv.status.NextRestart = now.Add(10*time.Minute + 20*time.Second)
		}, now.Add(20 * time.Second)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.set(&m)
			if got := m.nextRedraw(now); !got.Equal(tc.want) {
				t.Errorf("next redraw %s, want %s", got.Format("15:04:05.000"), tc.want.Format("15:04:05.000"))
			}
		})
	}
}

// TestTickChain: a tick re-arms the next one for when the screen next
// changes; an event that brings an earlier change (a drop, with a
// countdown) starts a new chain at once; the old chain's snapshot, when
// it arrives, is taken as data but re-arms nothing.
func TestTickChain(t *testing.T) {
	m, sup := testModel(t, nil)
	st := baseStatus(conn.StateConnected, t0.Add(-time.Hour-30*time.Second), conn.CauseReady)
	m, cmd := updCmd(t, m, snapshotMsg{now: t0, status: st, metrics: sup.met, seq: 1})
	if cmd == nil || m.tick.seq != 1 || !m.tick.due.Equal(t0.Add(30*time.Second+tickSlack)) {
		t.Fatalf("after the first tick: cmd %v, chain %+v", cmd != nil, m.tick)
	}
	// An answered heartbeat changes nothing that ticks and is not worth a
	// read of Status and Metrics (one every few seconds, all night).
	if m, _ = updCmd(t, m, connEventMsg{ev: hbEv(t0, time.Millisecond, st.Epoch)}); m.tick.seq != 1 || m.refreshing {
		t.Fatalf("a heartbeat started a chain (%+v) or a read (%v)", m.tick, m.refreshing)
	}
	drop := stateEv(t0, conn.StateConnected, conn.StateBackoff, conn.CauseClosedByTWS, st.Epoch)
	drop.NextRetry = t0.Add(5 * time.Second)
	m, cmd = updCmd(t, m, connEventMsg{ev: drop})
	if cmd == nil || m.tick.seq != 2 || !m.tick.due.Equal(t0.Add(time.Second+tickSlack)) {
		t.Fatalf("after the drop: chain %+v", m.tick)
	}
	if !m.refreshing {
		t.Error("a logged event did not ask for Status and Metrics")
	}
	// The old chain's tick arrives: data only.
	st2 := baseStatus(conn.StateBackoff, t0, conn.CauseClosedByTWS)
	if m, cmd = updCmd(t, m, snapshotMsg{now: t0, status: st2, metrics: sup.met, seq: 1}); cmd != nil || m.tick.seq != 2 {
		t.Fatalf("the superseded chain re-armed: %+v", m.tick)
	}
	// The event's one-off snapshot clears the flag and arms nothing new.
	if m, cmd = updCmd(t, m, snapshotMsg{now: t0, status: st2, metrics: sup.met}); cmd != nil || m.refreshing {
		t.Fatalf("one-off snapshot: cmd %v refreshing %v", cmd != nil, m.refreshing)
	}
	// The live chain ticks on, once a second while the countdown runs.
	if m, cmd = updCmd(t, m, snapshotMsg{now: t0.Add(time.Second + tickSlack), status: st2, metrics: sup.met, seq: 2}); cmd == nil ||
		!m.tick.due.Equal(t0.Add(2*time.Second+tickSlack)) {
		t.Fatalf("live chain: %+v", m.tick)
	}
}
