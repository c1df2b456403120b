package conn

import (
	"fmt"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// Losing an attempt or a session, waiting, and retrying: the backoff, the
// refused-dial loop handed to the link, "reconnect now" and shutdown.

// lose ends the current attempt or session with cause and schedules the
// next attempt. at is when the loss happened, if known.
func (s *Supervisor) lose(cause Cause, detail string, at time.Time) {
	if s.phase == phStopped {
		return
	}
	now := s.cfg.Now()
	wasUp := s.phase == phUp
	var lat time.Duration
	if wasUp {
		switch {
		case !at.IsZero():
			lat = max(now.Sub(at), 0)
		case cause == CauseHeartbeatTimeout && !s.sess.lastAlive.IsZero():
			lat = now.Sub(s.sess.lastAlive)
		}
		s.lossAt = now
		s.met.with(&s.mu, func(m *counters) { m.lost(now, cause, lat) })
		s.subs.markStale(now)
		s.emitData(fmt.Sprintf("market data stale: %d subscription(s) wait for the link", s.subs.count()))
	} else if s.phase != phBackoff && s.phase != phIdle {
		s.met.with(&s.mu, func(m *counters) { m.failed(now, cause) })
	}
	s.endSession(ErrNotConnected)
	if s.link != nil && (s.phase == phHandshake || s.phase == phFirstHB || s.phase == phUp) {
		// The EClient may still hold the socket: the process goes.
		s.killLink()
	}
	s.deadline = time.Time{}
	s.linkRetryAt = time.Time{}

	if wasUp || s.outageAt.IsZero() || s.outageAt.Before(s.upAt) {
		s.outageAt = now // the refused-dial fast path counts from here
	}
	s.streak.failed(cause, now, wasUp)
	wait, rotate := s.nextWait(cause)
	s.retryAt = now.Add(wait)
	s.noteOutage(now, wasUp)
	s.enterLatency(phBackoff, cause, detail, lat) // names the id that failed
	if rotate {
		s.idIdx = (s.idIdx + 1) % len(s.cfg.ClientIDs)
		s.emitApp(SevWarning, fmt.Sprintf("client id still in use: switching to client id %d", s.clientID()))
		s.publishStatus()
	}
	if s.link != nil && s.link.hello {
		s.schedulePing(now)
	}
	if cause == CauseRefused && s.streak.n >= delegateRefusedAfter {
		s.delegateRetry(now, wait)
	}
}

// delegateRefusedAfter is how many refusals in a row make the supervisor
// hand the refused-dial loop to the link (see linkproto.Connect.Retry).
const delegateRefusedAfter = 3

// delegateRetry starts an attempt in which the link itself keeps retrying
// refused dials with our backoff schedule, first after wait. TWS is down
// (a restart that takes long, a weekend): each further refusal then costs
// one timer and one dial in the link, and nothing here until the link's
// batched report (linkproto.Retrying) or the first dial that is not refused.
func (s *Supervisor) delegateRetry(now time.Time, wait time.Duration) {
	if s.link == nil || !s.link.hello {
		return
	}
	report := s.retryReportEvery()
	s.attempt++
	s.resetSession()
	s.phase = phRetrying
	s.live.disarm() // its reports prove it alive (retrySilence)
	s.retryAt = time.Time{}
	s.linkRetryAt = now.Add(wait)
	s.deadline = now.Add(max(wait, report)).Add(s.retrySilence())
	err := s.link.send(linkproto.Connect{
		Attempt: s.attempt, Host: s.cfg.Host, Port: s.port, ClientID: s.clientID(),
		DialTimeoutMs:      s.cfg.DialTimeout.Milliseconds(),
		HandshakeTimeoutMs: s.cfg.HandshakeTimeout.Milliseconds(),
		Retry: &linkproto.Retry{DelayMs: wait.Milliseconds(), BaseMs: s.cfg.BackoffBase.Milliseconds(),
			CapMs: s.cfg.BackoffMax.Milliseconds(), Factor: s.cfg.BackoffFactor, From: s.failures,
			ReportMs: report.Milliseconds(), FastMs: s.cfg.FastRetry.Milliseconds(), Fast: s.fastSpans(now),
			FastReportMs: s.cfg.LinkPingInterval.Milliseconds()},
	})
	if err != nil {
		s.sendFailed(err)
		return
	}
	s.publishStatus() // the schedule (Status.Retry) shows from now
}

// retryReportEvery is how often the link reports the refusals it retried
// by itself: three ping intervals (30 s by default), and one ping interval
// on the fast path (Retry.FastReportMs), where the user may be watching
// the count and the dials wake the link five times a second anyway. Each
// report wakes this process; the dashboard shows the retry schedule rather
// than a countdown, so only the count of failed tries waits for a report.
func (s *Supervisor) retryReportEvery() time.Duration { return 3 * s.cfg.LinkPingInterval }

// retrySilence is how much longer than its report interval a link that
// retries refused dials by itself may stay silent before it counts as
// stopped. It reports with the first dial at least the interval after its
// last report; dials are at most the backoff cap (or the fast interval)
// apart, and one dial that is not refused takes up to DialTimeout before
// the link says so. LinkPingTimeout is the margin, as for a ping. No
// liveness ping is sent while the link retries (schedulePing): its reports
// prove it alive, and a ping would wake both processes for nothing.
func (s *Supervisor) retrySilence() time.Duration {
	return max(s.cfg.BackoffMax, s.cfg.FastRetry) + s.cfg.DialTimeout + s.cfg.LinkPingTimeout
}

// onRetrying counts refusals the link retried by itself.
func (s *Supervisor) onRetrying(r *linkproto.Retrying, now time.Time) {
	if s.phase != phRetrying {
		return
	}
	s.failures += r.Backoff
	s.streak.n += r.Refused
	s.met.with(&s.mu, func(m *counters) { m.failedN += int64(r.Refused) })
	s.linkRetryAt = now.Add(time.Duration(r.NextInMs) * time.Millisecond)
	s.deadline = now.Add(s.retryReportEvery()).Add(s.retrySilence())
	s.enter(phRetrying, CauseRefused, "") // summarised in the log at doubling gaps (retryStreak.quiet)
	s.publishStatus()
}

// onRetryDialed: TWS accepts again; the delegated attempt goes on as usual.
func (s *Supervisor) onRetryDialed(now time.Time) {
	s.streak.n = 0 // the run of refusals is over: show the attempt
	s.linkRetryAt = time.Time{}
	s.deadline = now.Add(2*s.cfg.HandshakeTimeout + 2*time.Second)
	s.enter(phDial, CauseRetry, "TWS accepts connections again")
}

// nextWait picks the backoff before the next attempt, and says whether the
// client id must move to the next alternate (after a repeated 326).
func (s *Supervisor) nextWait(cause Cause) (time.Duration, bool) {
	switch cause {
	case CauseForced:
		return 0, false
	case CausePortReset:
		s.failures = 0
		return 0, false
	case CauseClientIDInUse:
		if !s.idRetry {
			// TWS may still hold the id for a session it has not noticed
			// is dead: retry the same id once after a pause.
			s.idRetry = true
			return max(s.cfg.IDRetryPause, s.back.Delay(s.failures)), false
		}
		s.idRetry = false
		d := s.back.Delay(s.failures)
		s.failures++
		return d, true
	case CauseRefused:
		if s.fastAt(s.cfg.Now()) {
			return s.cfg.FastRetry, false // see fastpath.go
		}
		// A refusal loads no one: jitter would only shorten some waits
		// and so add dials. It waits the bound, and at the cap that is
		// one dial per cap (see fastpath.go).
		d := s.back.Bound(s.failures)
		s.failures++
		return d, false
	}
	d := s.back.Delay(s.failures)
	s.failures++
	return d, false
}

// resetSession clears per-session state before a new attempt.
func (s *Supervisor) resetSession() {
	s.hb = heartbeat{}
	s.sess.reset()
}

// endSession fails everything that belonged to the session.
func (s *Supervisor) endSession(err error) {
	s.hb.stop()
	s.pace.drop()
	s.failPending(err)
	s.subs.detachAll()
	s.sess.clearFarms()
}

// onForce is "reconnect now": the same path as an automatic reconnect,
// without the wait.
func (s *Supervisor) onForce() {
	if s.phase == phStopped {
		return
	}
	s.met.with(&s.mu, func(m *counters) { m.forced++ })
	s.emitApp(SevInfo, "reconnect requested by user")
	s.failures, s.streak.n = 0, 0
	if s.phase == phBackoff {
		s.startAttempt(CauseForced)
		return
	}
	if s.link != nil {
		if s.phase == phHandshake || s.phase == phFirstHB || s.phase == phUp {
			s.killLink()
		} else {
			_ = s.link.send(linkproto.Drop{Attempt: s.attempt})
		}
	}
	s.lose(CauseForced, "reconnect forced by user", time.Time{})
	s.startAttempt(CauseForced)
}

// shutdown stops everything Run started and waits for the link processes.
func (s *Supervisor) shutdown() {
	s.rem.stop()
	if s.phase == phUp {
		now := s.cfg.Now()
		s.met.with(&s.mu, func(m *counters) { m.lost(now, CauseShutdown, 0) })
	}
	s.endSession(ErrStopped)
	s.enter(phStopped, CauseShutdown, "")
	s.killLink()
	for p := range s.links {
		p.terminate()
	}
	// Reap every link (Run's context is already cancelled, so their
	// goroutines no longer wait for us to read).
	deadline := time.After(10 * time.Second)
	for p := range s.links {
		select {
		case <-p.done:
			delete(s.links, p)
		case <-deadline:
			s.cfg.Logger.Error("link not reaped", "pid", p.pid())
		}
	}
	s.subs.closeAll()
}
