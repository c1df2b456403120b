package conn

import (
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// While TWS refuses, the wait is the fixed fast interval for the first
// FastRetryFor of the outage and inside the daily-restart window, and the
// backoff exponent does not grow; afterwards, and for attempts TWS
// accepted and then failed, the backoff applies.
func TestFastPathOnlyForEarlyRefusals(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 14, 0, 0, 0, time.UTC)
	clock := t0
	s, err := New(Config{LinkCommand: []string{"unused"}, Now: func() time.Time { return clock },
		Rand: func() float64 { return 0.999 }, Schedule: Schedule{DailyRestart: "23:45", Location: time.UTC}})
	if err != nil {
		t.Fatal(err)
	}
	s.outageAt = t0
	cases := []struct {
		name     string
		at       time.Duration // after the outage began
		cause    Cause
		fast     bool
		failures int // the backoff exponent after the wait
	}{
		{"refused early", time.Minute, CauseRefused, true, 0},
		{"accepted then closed early", time.Minute, CauseAcceptedThenClosed, false, 1},
		{"handshake timeout early", 2 * time.Minute, CauseHandshakeTimeout, false, 2},
		{"refused again", 4 * time.Minute, CauseRefused, true, 2},
		{"refused after 5 min", 5*time.Minute + time.Second, CauseRefused, false, 3},
		{"refused late", 9*time.Hour + 44*time.Minute, CauseRefused, false, 4},
		{"refused in the daily-restart window", 9*time.Hour + 46*time.Minute, CauseRefused, true, 4},
		{"refused after the window", 9*time.Hour + 56*time.Minute, CauseRefused, false, 5},
	}
	for _, c := range cases {
		clock = t0.Add(c.at)
		wait, _ := s.nextWait(c.cause)
		if fast := wait == s.cfg.FastRetry; fast != c.fast {
			t.Errorf("%s: wait %v, fast path %v, want %v", c.name, wait, fast, c.fast)
		}
		if s.failures != c.failures {
			t.Errorf("%s: backoff exponent %d, want %d", c.name, s.failures, c.failures)
		}
	}
	s.cfg.FastRetryFor = -1
	clock = t0.Add(time.Second)
	if wait, _ := s.nextWait(CauseRefused); wait == s.cfg.FastRetry {
		t.Errorf("fast path off: wait %v", wait)
	}
}

// The spans handed to the link cover the start of the outage and the
// running or next daily-restart window.
func TestFastSpans(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 23, 50, 0, 0, time.UTC)
	s, err := New(Config{LinkCommand: []string{"unused"}, Now: func() time.Time { return t0 },
		Schedule: Schedule{DailyRestart: "23:45", Location: time.UTC}})
	if err != nil {
		t.Fatal(err)
	}
	s.outageAt = t0.Add(-time.Minute)
	got := s.fastSpans(t0)
	want := []linkproto.Span{
		{From: t0.Add(-time.Minute).UnixMilli(), Until: t0.Add(4 * time.Minute).UnixMilli()},
		{From: t0.Add(-5 * time.Minute).UnixMilli(), Until: t0.Add(5 * time.Minute).UnixMilli()},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("spans %+v, want %+v", got, want)
	}
	later := t0.Add(time.Hour)
	next := time.Date(2026, 3, 5, 23, 45, 0, 0, time.UTC)
	if sp := s.fastSpans(later)[1]; sp.From != next.UnixMilli() {
		t.Fatalf("after the window: %+v, want the next one from %v", sp, next)
	}
}
