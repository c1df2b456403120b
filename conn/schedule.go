package conn

import (
	"fmt"
	"sync"
	"time"
)

// Schedule describes TWS's expected outages so the supervisor can label an
// outage inside one as expected, and escalate one that outlives it.
//
// TWS and IB Gateway restart themselves once a day at a time the user sets
// in TWS; IB invalidates sessions every Sunday at 01:00 ET, after which TWS
// needs a manual login (with 2FA).
type Schedule struct {
	// DailyRestart is the local wall-clock time of TWS's auto-restart
	// ("23:45"), in Location; empty disables it.
	DailyRestart string
	// RestartWindow is how long an outage after DailyRestart counts as
	// expected (default 10 min).
	RestartWindow time.Duration
	// WeeklyRelogin enables the Sunday 01:00 America/New_York window.
	WeeklyRelogin bool
	// ReloginWindow is how long an outage after the re-login time counts as
	// expected before it is escalated (default 30 min).
	ReloginWindow time.Duration
	// Location for DailyRestart; nil = time.Local.
	Location *time.Location
}

// Window labels.
const (
	WindowDailyRestart  = "daily restart"
	WindowWeeklyRelogin = "weekly re-login"
)

// ParseClock parses "HH:MM" (24 h).
func ParseClock(s string) (hour, minute int, err error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a time of day like 23:45", s)
	}
	return t.Hour(), t.Minute(), nil
}

func (s Schedule) loc() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return time.Local
}

// Eastern is the US exchanges' time zone, loaded once. Without zone data
// (the binary embeds time/tzdata; a test binary may not) it falls back to
// a fixed UTC−5, an hour off in summer.
var Eastern = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return time.FixedZone("ET", -5*3600)
	}
	return loc
})

// Enabled reports whether any window is configured.
func (s Schedule) Enabled() bool { return s.DailyRestart != "" || s.WeeklyRelogin }

// lastRestart returns the most recent daily-restart start at or before now.
func (s Schedule) lastRestart(now time.Time) (time.Time, bool) {
	if s.DailyRestart == "" {
		return time.Time{}, false
	}
	h, m, err := ParseClock(s.DailyRestart)
	if err != nil {
		return time.Time{}, false
	}
	t := now.In(s.loc())
	start := time.Date(t.Year(), t.Month(), t.Day(), h, m, 0, 0, s.loc())
	if start.After(now) {
		start = start.AddDate(0, 0, -1)
	}
	return start, true
}

// lastRelogin returns the most recent Sunday 01:00 ET at or before now.
func (s Schedule) lastRelogin(now time.Time) (time.Time, bool) {
	if !s.WeeklyRelogin {
		return time.Time{}, false
	}
	ny := Eastern()
	t := now.In(ny)
	back := int(t.Weekday()-time.Sunday+7) % 7
	start := time.Date(t.Year(), t.Month(), t.Day()-back, 1, 0, 0, 0, ny)
	if start.After(now) {
		start = start.AddDate(0, 0, -7)
	}
	return start, true
}

// NextRestart returns the next daily restart after now (zero if disabled).
func (s Schedule) NextRestart(now time.Time) time.Time {
	last, ok := s.lastRestart(now)
	if !ok {
		return time.Time{}
	}
	return last.AddDate(0, 0, 1)
}

// NextRelogin returns the next weekly re-login after now (zero if disabled).
func (s Schedule) NextRelogin(now time.Time) time.Time {
	last, ok := s.lastRelogin(now)
	if !ok {
		return time.Time{}
	}
	return last.AddDate(0, 0, 7)
}

func (s Schedule) restartWindow() time.Duration {
	if s.RestartWindow > 0 {
		return s.RestartWindow
	}
	return 10 * time.Minute
}

func (s Schedule) reloginWindow() time.Duration {
	if s.ReloginWindow > 0 {
		return s.ReloginWindow
	}
	return 30 * time.Minute
}

// Window returns the label of the expected window containing t and when it
// ends, or "" if t is in none.
func (s Schedule) Window(t time.Time) (label string, end time.Time) {
	if start, ok := s.lastRelogin(t); ok && t.Before(start.Add(s.reloginWindow())) {
		return WindowWeeklyRelogin, start.Add(s.reloginWindow())
	}
	if start, ok := s.lastRestart(t); ok && t.Before(start.Add(s.restartWindow())) {
		return WindowDailyRestart, start.Add(s.restartWindow())
	}
	return "", time.Time{}
}

// Validate checks the daily restart time.
func (s Schedule) Validate() error {
	if s.DailyRestart == "" {
		return nil
	}
	_, _, err := ParseClock(s.DailyRestart)
	if err != nil {
		return fmt.Errorf("daily restart: %w", err)
	}
	return nil
}
