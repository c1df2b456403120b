package conn

import (
	"fmt"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// heartbeat is the REQ_CURRENT_TIME round trip that proves TWS answers.
type heartbeat struct {
	next time.Time // next send
	wait time.Time // deadline of the outstanding request; zero when none
	sent time.Time // when the outstanding (or last) request went out
	// late is set once the outstanding request is past its deadline and
	// waits only for the link to speak (see onHeartbeatTimeout).
	late bool
}

// send records a request sent at now that must be answered within timeout.
func (h *heartbeat) send(now time.Time, timeout time.Duration) {
	h.sent, h.wait, h.late = now, now.Add(timeout), false
}

// answered records the reply at now and schedules the next send interval
// after the last one (or from now, if that is already past). ok is false
// for an answer nobody waits for.
func (h *heartbeat) answered(now time.Time, interval time.Duration) (rtt time.Duration, ok bool) {
	if h.wait.IsZero() {
		return 0, false
	}
	rtt = now.Sub(h.sent)
	h.wait, h.late = time.Time{}, false
	h.next = h.sent.Add(interval)
	if !h.next.After(now) {
		h.next = now.Add(interval)
	}
	return rtt, true
}

// stop cancels the next send and the outstanding deadline.
func (h *heartbeat) stop() { h.next, h.wait, h.late = time.Time{}, time.Time{}, false }

// linkSpoke is called when the link has said anything: a heartbeat that is
// late only because the link was silent is decided now.
func (h *heartbeat) linkSpoke(now time.Time) {
	if h.late && !h.wait.IsZero() {
		h.wait = now
	}
}

// sendHeartbeat sends REQ_CURRENT_TIME and arms the staleness deadline.
// Exactly one heartbeat is outstanding at a time; the next one goes out H
// after the previous one was sent, so a silent peer is caught at most H+T
// after its last answer.
func (s *Supervisor) sendHeartbeat(now time.Time) {
	if s.phase != phFirstHB && s.phase != phUp {
		return
	}
	if !s.hb.wait.IsZero() {
		return
	}
	s.hb.send(now, s.cfg.HeartbeatTimeout)
	// A liveness ping goes with every heartbeat (one short line each way):
	// if the heartbeat is not answered, a pong since it went out proves
	// our own link alive, and only then is the silence TWS's.
	if s.link != nil {
		s.live.seq++
		if err := s.link.send(linkproto.Ping{Seq: s.live.seq}); err != nil {
			s.sendFailed(err)
			return
		}
	}
	s.enqueue(&linkproto.ReqCurrentTime{Attempt: s.attempt}, true)
}

func (s *Supervisor) onHeartbeatReply(now time.Time) {
	rtt, ok := s.hb.answered(now, s.cfg.Heartbeat)
	if !ok {
		return // an answer we no longer wait for
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
	if s.link != nil && s.live.heard.Before(s.hb.sent) && (s.phase == phFirstHB || s.phase == phUp) {
		// Not even the ping sent with the heartbeat came back. Before
		// blaming our own link, give it until LinkPingTimeout after the
		// ping: on a busy machine its pong, or a report already on its way
		// (a close naming TWS's own fault, such as an oversized frame),
		// can reach us after T. Whatever it says next decides (linkSpoke);
		// silence until then means it is stopped (SIGSTOP) or starved,
		// and TWS is not to blame.
		if grace := s.hb.sent.Add(max(s.cfg.LinkPingTimeout, s.cfg.HeartbeatTimeout)); now.Before(grace) {
			s.hb.wait, s.hb.late = grace, true
			return
		}
		s.linkMisbehaved(CauseLinkProtocol, s.linkSilent(now.Sub(s.hb.sent)))
		return
	}
	switch s.phase {
	case phFirstHB:
		s.met.with(&s.mu, func(m *counters) { m.missedHB++ })
		s.killLink()
		s.lose(CauseHandshakeTimeout, "TWS sent NEXT_VALID_ID but did not answer the first heartbeat", time.Time{})
	case phUp:
		s.met.with(&s.mu, func(m *counters) { m.missedHB++ })
		quiet := now.Sub(s.sess.lastAlive).Round(time.Millisecond)
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
	s.streak.end()
	s.upAt = now
	s.idRetry = false
	var reconn time.Duration
	if !s.lossAt.IsZero() {
		reconn = now.Sub(s.lossAt)
	}
	s.met.with(&s.mu, func(m *counters) { m.up(now, reconn, !s.lossAt.IsZero()) })
	s.lossAt = time.Time{}
	s.win = outageWindow{}
	s.enterLatency(phUp, CauseReady, fmt.Sprintf("API session ready (server version %d)", s.sess.serverVersion), reconn)
	if s.sess.degradedOnConnect {
		s.setDegraded(true, CauseTWSNotLinked, "")
	}
	s.resubscribe(now, "reconnected", false)
	s.pump(now)
}

// schedulePing arms the next liveness ping for an idle link. A link that
// retries refused dials by itself is not pinged: its reports come on a
// schedule, and the phase deadline catches a link that stops sending
// them (retrySilence).
func (s *Supervisor) schedulePing(now time.Time) {
	if s.link == nil || !s.link.hello || s.phase == phUp || s.phase == phFirstHB || s.phase == phRetrying {
		s.live.due = time.Time{}
		return
	}
	s.live.due = now.Add(s.cfg.LinkPingInterval)
}

func (s *Supervisor) sendPing(now time.Time) {
	if s.link == nil || !s.link.hello {
		return
	}
	if quiet := now.Sub(s.live.heard); quiet < s.cfg.LinkPingInterval {
		// The link answered something recently (an attempt's report): that
		// proves it alive as well as a pong would.
		s.live.due = s.live.heard.Add(s.cfg.LinkPingInterval)
		return
	}
	s.live.seq++
	if err := s.link.send(linkproto.Ping{Seq: s.live.seq}); err != nil {
		s.sendFailed(err)
		return
	}
	s.live.wait = now.Add(s.cfg.LinkPingTimeout)
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
