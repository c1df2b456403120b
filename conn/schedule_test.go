package conn

import (
	"testing"
	"time"
)

func TestScheduleDailyRestartWindow(t *testing.T) {
	loc := time.FixedZone("X", 0)
	s := Schedule{DailyRestart: "23:45", RestartWindow: 10 * time.Minute, Location: loc}
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, loc) }
	if got := s.NextRestart(at(27, 12, 0)); !got.Equal(at(27, 23, 45)) {
		t.Errorf("NextRestart at noon = %v", got)
	}
	if got := s.NextRestart(at(27, 23, 50)); !got.Equal(at(28, 23, 45)) {
		t.Errorf("NextRestart during the restart = %v", got)
	}
	cases := []struct {
		t    time.Time
		want string
	}{
		{at(27, 23, 44), ""},
		{at(27, 23, 45), WindowDailyRestart},
		{at(27, 23, 54), WindowDailyRestart},
		{at(27, 23, 55), ""},
	}
	for _, c := range cases {
		if got, _ := s.Window(c.t); got != c.want {
			t.Errorf("Window(%v) = %q, want %q", c.t, got, c.want)
		}
	}
	// A window that crosses midnight.
	s.DailyRestart = "23:58"
	if got, end := s.Window(at(28, 0, 3)); got != WindowDailyRestart || !end.Equal(at(28, 0, 8)) {
		t.Errorf("window across midnight: %q until %v", got, end)
	}
}

func TestScheduleWeeklyRelogin(t *testing.T) {
	ny := Eastern()
	s := Schedule{WeeklyRelogin: true, ReloginWindow: 30 * time.Minute}
	fri := time.Date(2026, 11, 27, 12, 0, 0, 0, ny) // a Friday
	next := s.NextRelogin(fri)
	if want := time.Date(2026, 11, 29, 1, 0, 0, 0, ny); !next.Equal(want) {
		t.Fatalf("NextRelogin = %v, want %v", next, want)
	}
	if got, _ := s.Window(next.Add(10 * time.Minute)); got != WindowWeeklyRelogin {
		t.Errorf("10 min after Sunday 01:00 ET: window %q", got)
	}
	if got, _ := s.Window(next.Add(31 * time.Minute)); got != "" {
		t.Errorf("31 min after: window %q", got)
	}
}

func TestScheduleRejectsBadClock(t *testing.T) {
	for _, bad := range []string{"25:00", "noon", "23:61", "2345"} {
		if err := (Schedule{DailyRestart: bad}).Validate(); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
