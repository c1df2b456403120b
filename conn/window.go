package conn

import (
	"fmt"
	"time"
)

// outageWindow is the expected maintenance window (see Schedule) an outage
// started in: while it lasts the outage is labelled, and an outage that
// outlives it is escalated once.
type outageWindow struct {
	end       time.Time
	label     string // empty when the outage is not inside a window
	escalated bool
}

// noteOutage labels an outage that starts inside an expected maintenance
// window, and arms its end so an outage outliving it is escalated.
func (s *Supervisor) noteOutage(now time.Time, wasUp bool) {
	if !s.cfg.Schedule.Enabled() || (!wasUp && s.win.label != "") {
		return
	}
	label, end := s.cfg.Schedule.Window(now)
	if label == "" {
		return
	}
	s.win.label, s.win.end, s.win.escalated = label, end, false
	s.emit(Event{Kind: KindApp, Severity: SevInfo, Window: label,
		Message: fmt.Sprintf("outage inside the expected %s window (until %s)", label, end.Format("15:04"))})
}

// onWindowEnd escalates an outage that outlived its maintenance window.
func (s *Supervisor) onWindowEnd() {
	if s.phase == phUp || s.win.escalated || s.win.label == "" {
		s.win.label = ""
		return
	}
	s.win.escalated = true
	msg := "TWS did not come back after its daily restart: is it stuck on a dialog, or did the restart fail?"
	if s.win.label == WindowWeeklyRelogin {
		msg = "TWS still down after the weekly session reset: it is probably waiting for you to log in (2FA)"
	}
	s.emit(Event{Kind: KindApp, Severity: SevError, Window: s.win.label, Message: msg})
	s.win.label = ""
	s.publishStatus()
}
