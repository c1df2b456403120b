package conn

import (
	"fmt"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// sendHeartbeat sends REQ_CURRENT_TIME and arms the staleness deadline.
// Exactly one heartbeat is outstanding at a time; the next one goes out H
// after the previous one was sent, so a silent peer is caught at most H+T
// after its last answer.
func (s *Supervisor) sendHeartbeat(now time.Time) {
	if s.phase != phFirstHB && s.phase != phUp {
		return
	}
	if !s.hbWait.IsZero() {
		return
	}
	s.hbSent = now
	s.hbWait = now.Add(s.cfg.HeartbeatTimeout)
	// A liveness ping goes with every heartbeat (one short line each way):
	// if the heartbeat is not answered, a pong since it went out proves
	// our own link alive, and only then is the silence TWS's.
	if s.link != nil {
		s.pingN++
		if err := s.link.send(linkproto.Ping{Seq: s.pingN}); err != nil {
			s.sendFailed(err)
			return
		}
	}
	s.enqueue(&linkproto.ReqCurrentTime{Attempt: s.attempt}, true)
}

func (s *Supervisor) onHeartbeatReply(now time.Time) {
	if s.hbWait.IsZero() {
		return // an answer we no longer wait for
	}
	rtt := now.Sub(s.hbSent)
	s.hbWait = time.Time{}
	s.hbNext = s.hbSent.Add(s.cfg.Heartbeat)
	if !s.hbNext.After(now) {
		s.hbNext = now.Add(s.cfg.Heartbeat)
	}
	s.met.with(&s.mu, func(m *counters) { m.heartbeat(rtt) })
	if s.phase == phFirstHB {
		s.becomeUp(now)
	} else if s.failures > 0 && now.Sub(s.upAt) >= s.cfg.StableAfter {
		s.failures = 0 // healthy long enough: the next loss starts from Base
	}
	s.emit(Event{Kind: KindHeartbeat, Severity: SevInfo, RTT: rtt})
}

func (s *Supervisor) onHeartbeatTimeout(now time.Time) {
	if s.link != nil && s.linkHeard.Before(s.hbSent) && (s.phase == phFirstHB || s.phase == phUp) {
		// Not even the ping sent with the heartbeat came back: our link
		// process is stopped (SIGSTOP) or starved, TWS is not to blame.
		s.linkMisbehaved(CauseLinkProtocol, s.linkSilent(now.Sub(s.hbSent)))
		return
	}
	switch s.phase {
	case phFirstHB:
		s.met.with(&s.mu, func(m *counters) { m.missedHB++ })
		s.killLink()
		s.lose(CauseHandshakeTimeout, "TWS sent NEXT_VALID_ID but did not answer the first heartbeat", time.Time{})
	case phUp:
		s.met.with(&s.mu, func(m *counters) { m.missedHB++ })
		quiet := now.Sub(s.lastAlive).Round(time.Millisecond)
		s.emit(Event{Kind: KindHeartbeat, Severity: SevConnectivity, Cause: CauseHeartbeatTimeout,
			Message: fmt.Sprintf("no heartbeat reply within %v (TWS silent for %v)", s.cfg.HeartbeatTimeout, quiet)})
		s.killLink()
		s.lose(CauseHeartbeatTimeout, fmt.Sprintf("TWS silent for %v", quiet), time.Time{})
	}
}

// becomeUp makes the session Connected: NEXT_VALID_ID arrived and the first
// heartbeat was answered.
func (s *Supervisor) becomeUp(now time.Time) {
	s.epoch++
	s.streakCause, s.streakN = CauseNone, 0
	s.upAt = now
	s.idRetry = false
	var reconn time.Duration
	if !s.lossAt.IsZero() {
		reconn = now.Sub(s.lossAt)
	}
	s.met.with(&s.mu, func(m *counters) { m.up(now, reconn, !s.lossAt.IsZero()) })
	s.lossAt = time.Time{}
	s.windowEnd, s.windowLabel, s.escalated = time.Time{}, "", false
	s.enterLatency(phUp, CauseReady, fmt.Sprintf("API session ready (server version %d)", s.serverVersion), reconn)
	if s.degradedOnConnect {
		s.setDegraded(true, CauseTWSNotLinked, "")
	}
	s.resubscribe(now, "reconnected", false)
	s.pump(now)
}

// schedulePing arms the next liveness ping for an idle link.
func (s *Supervisor) schedulePing(now time.Time) {
	if s.link == nil || !s.link.hello || s.phase == phUp || s.phase == phFirstHB {
		s.pingDue = time.Time{}
		return
	}
	s.pingDue = now.Add(s.cfg.LinkPingInterval)
}

func (s *Supervisor) sendPing(now time.Time) {
	if s.link == nil || !s.link.hello {
		return
	}
	if quiet := now.Sub(s.linkHeard); quiet < s.cfg.LinkPingInterval {
		// The link answered something recently (an attempt's report): that
		// proves it alive as well as a pong would.
		s.pingDue = s.linkHeard.Add(s.cfg.LinkPingInterval)
		return
	}
	s.pingN++
	if err := s.link.send(linkproto.Ping{Seq: s.pingN}); err != nil {
		s.sendFailed(err)
		return
	}
	s.pingWait = now.Add(s.cfg.LinkPingTimeout)
}

// linkSilent describes a link that did not answer a liveness ping within
// wait, naming its process so the user can look at it.
func (s *Supervisor) linkSilent(wait time.Duration) string {
	pid := 0
	if s.link != nil {
		pid = s.link.pid()
	}
	return fmt.Sprintf("the link process (pid %d) stopped answering: stopped or starved? (no answer to a liveness ping in %v)",
		pid, wait.Round(time.Millisecond))
}
