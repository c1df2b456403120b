package conn

import (
	"slices"
	"strings"
	"time"
)

// enter moves the state machine to phase ph and publishes the transition
// of the public State it implies (see enterLatency).
func (s *Supervisor) enter(ph phase, cause Cause, detail string) {
	s.enterLatency(ph, cause, detail, 0)
}

// enterLatency moves to phase ph (leaving Degraded behind) and publishes the
// transition with its detection latency. Nothing leaves phStopped.
func (s *Supervisor) enterLatency(ph phase, cause Cause, detail string, lat time.Duration) {
	if s.phase == phStopped {
		return
	}
	from := s.state()
	s.phase, s.degraded = ph, false
	s.announce(from, cause, detail, lat)
}

// setDegraded marks a session that is up as degraded (TWS up but not
// linked to IB) or healthy again, and publishes the transition.
func (s *Supervisor) setDegraded(degraded bool, cause Cause, detail string) {
	from := s.state()
	s.degraded = degraded
	s.announce(from, cause, detail, 0)
}

// announce publishes a change of the public State from from to the one the
// phase now implies, with its cause (same-state changes are not emitted,
// except Backoff→Backoff with a new retry time, which users need to see,
// and a change of cause).
func (s *Supervisor) announce(from State, cause Cause, detail string, lat time.Duration) {
	if from == StateStopped {
		return
	}
	now := s.cfg.Now()
	to := s.state()
	if from == to && to != StateBackoff && s.cause == cause {
		return
	}
	if from != to {
		s.met.with(&s.mu, func(m *counters) { m.stateChange(now, from, to) })
		s.since = now
	}
	s.cause = cause
	quiet, summary := s.streak.quiet(to, now)
	if quiet {
		s.publishStatus()
		return
	}
	msg := detail
	if msg == "" {
		msg = cause.Text()
	}
	if summary != "" {
		msg = summary + " — " + msg
	}
	sev := SevInfo
	switch to {
	case StateBackoff:
		sev = SevConnectivity
		if cause == CauseForced {
			sev = SevInfo
		}
	case StateDegraded:
		sev = SevConnectivity
	case StateConnected:
		if from == StateDegraded || from == StateBackoff || from == StateConnecting && s.met.snapshotConnects(&s.mu) > 1 {
			sev = SevInfo
		}
	}
	ev := Event{Kind: KindState, Prev: from, Cause: cause, Message: msg, Severity: sev,
		Latency: lat, Attempt: s.attempt}
	if to == StateBackoff {
		ev.NextRetry = s.retryAt
		if s.phase == phRetrying {
			ev.NextRetry = s.linkRetryAt
			ev.Retry = s.refusedRetry(s.cfg.Now())
		}
	}
	if s.win.label != "" && to != StateConnected {
		ev.Window = s.win.label
	}
	if cause != CauseNone && cause != CauseReady && cause != CauseStart && cause != CauseRetry {
		ev.Explain = cause.Text()
		if ev.Explain == msg {
			ev.Explain = ""
		}
	}
	s.publishStatus()
	s.emit(ev)
	s.cfg.Logger.Info("state", "from", from, "to", to, "cause", cause, "detail", detail)
}

// emit stamps ev with the current state and publishes it.
func (s *Supervisor) emit(ev Event) {
	if ev.Time.IsZero() {
		ev.Time = s.cfg.Now()
	}
	ev.State = s.state()
	ev.Epoch = s.epoch
	ev.Addr = s.addr()
	ev.ClientID = s.clientID()
	if ev.Attempt == 0 {
		ev.Attempt = s.attempt
	}
	s.met.with(&s.mu, func(m *counters) { m.event(ev) })
	if ev.Kind == KindState {
		// State changes must arrive: wait briefly for room, then drop and count.
		select {
		case s.pubQ <- ev:
			return
		default:
		}
		t := time.NewTimer(250 * time.Millisecond)
		defer t.Stop()
		select {
		case s.pubQ <- ev:
		case <-t.C:
			s.met.with(&s.mu, func(m *counters) { m.dropped++ })
			s.cfg.Logger.Error("state event dropped", "state", ev.State)
		}
		return
	}
	select {
	case s.pubQ <- ev:
	default:
		s.met.with(&s.mu, func(m *counters) { m.dropped++ })
	}
}

func (s *Supervisor) emitApp(sev Severity, msg string) {
	s.emit(Event{Kind: KindApp, Severity: sev, Message: msg})
}

func (s *Supervisor) emitData(msg string) {
	if s.subs.count() == 0 {
		return
	}
	s.emit(Event{Kind: KindData, Severity: SevInfo, Message: msg})
}

// publishStatus copies the supervisor's view into the snapshot.
func (s *Supervisor) publishStatus() {
	farms := make([]Farm, 0, len(s.sess.farms))
	for _, f := range s.sess.farms {
		farms = append(farms, f)
	}
	slices.SortFunc(farms, func(a, b Farm) int { return strings.Compare(a.Kind+a.Name, b.Kind+b.Name) })
	now := s.cfg.Now()
	st := Status{
		State: s.state(), Since: s.since, Cause: s.cause, Epoch: s.epoch,
		Addr: s.addr(), ClientID: s.clientID(), Attempt: s.attempt,
		ServerVersion: s.sess.serverVersion, ConnTime: s.sess.connTime,
		Accounts: append([]string(nil), s.sess.accounts...), Farms: farms,
		Window:      s.win.label,
		NextRestart: s.cfg.Schedule.NextRestart(now),
		NextRelogin: s.cfg.Schedule.NextRelogin(now),
	}
	if s.state() == StateBackoff {
		st.NextRetry = s.retryAt
		if s.phase == phRetrying {
			st.NextRetry = s.linkRetryAt
			st.Retry = s.refusedRetry(now)
		}
	}
	s.mu.Lock()
	s.snap = st
	s.mu.Unlock()
}
