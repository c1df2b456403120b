package conn

import (
	"errors"
	"fmt"
	"os/exec"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// startAttempt begins a connection attempt: it makes sure a link process is
// up (spawning one if needed) and sends linkproto.Connect once the link said hello.
func (s *Supervisor) startAttempt(cause Cause) {
	s.retryAt = time.Time{}
	s.enter(phSpawn, cause, "")
	s.attempt++
	s.resetSession()
	if s.link == nil {
		if !s.spawnLink() {
			return
		}
	}
	if !s.link.hello {
		s.deadline = s.cfg.Now().Add(s.cfg.LinkHelloTimeout)
		return
	}
	s.sendConnect()
}

func (s *Supervisor) sendConnect() {
	now := s.cfg.Now()
	s.phase = phDial
	// The link enforces dial and handshake deadlines itself; ours is the
	// backstop for a link that hangs.
	s.deadline = now.Add(s.cfg.DialTimeout + 2*s.cfg.HandshakeTimeout + 2*time.Second)
	s.live.disarm()
	err := s.link.send(linkproto.Connect{
		Attempt: s.attempt, Host: s.cfg.Host, Port: s.port, ClientID: s.clientID(),
		DialTimeoutMs:      s.cfg.DialTimeout.Milliseconds(),
		HandshakeTimeoutMs: s.cfg.HandshakeTimeout.Milliseconds(),
	})
	if err != nil {
		s.sendFailed(err)
	}
}

// spawnLink starts a new link process; on failure it schedules a retry.
func (s *Supervisor) spawnLink() bool {
	s.linkSeq++
	p, err := startLink(s.ctxRun, s.linkSeq, s.cfg.LinkCommand, s.cfg.LinkStderr, s.linkEv)
	if err != nil {
		s.cfg.Logger.Error("start link", "err", err)
		s.emit(Event{Kind: KindLink, Severity: SevError, Message: "cannot start the link process: " + err.Error()})
		s.lose(CauseLinkCrashed, err.Error(), time.Time{})
		return false
	}
	s.link = p
	s.links[p] = struct{}{}
	s.met.with(&s.mu, func(m *counters) { m.linkStarts++ })
	s.cfg.Logger.Info("link started", "pid", p.pid(), "link", p.id)
	return true
}

// killLink terminates the current link; its exit is reaped asynchronously.
func (s *Supervisor) killLink() {
	if s.link == nil {
		return
	}
	s.link.terminate()
	s.link = nil
	s.live.disarm()
}

// onLinkEvent handles one report from a link process.
func (s *Supervisor) onLinkEvent(ev linkEvent) {
	if ev.exited {
		delete(s.links, ev.proc)
		if ev.proc == s.link {
			s.link = nil
			detail := "the link process exited"
			if ev.exitErr != nil {
				detail = "the link process died: " + exitText(ev.exitErr)
			}
			s.cfg.Logger.Warn("link exited", "link", ev.proc.id, "err", ev.exitErr)
			s.emit(Event{Kind: KindLink, Severity: SevError, Message: detail})
			s.lose(CauseLinkCrashed, detail, time.Time{})
		}
		return
	}
	if ev.proc != s.link {
		return // a replaced link's last words
	}
	if ev.err != nil {
		s.linkMisbehaved(CauseLinkProtocol, ev.err.Error())
		return
	}
	s.live.heard = s.cfg.Now()
	s.onLinkMsg(ev.msg)
	s.hb.linkSpoke(s.live.heard)
}

func exitText(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.Exited() {
			return fmt.Sprintf("exit status %d", ee.ExitCode())
		}
		return ee.String()
	}
	return err.Error()
}

// sendFailed handles a command that could not be written to the link. A
// link that stopped reading is hung (a protocol failure); a link whose pipe
// is gone is dying or dead, which is a crash, whatever its exit report says
// later (it may lag behind, e.g. while its stderr drains into a slow disk).
func (s *Supervisor) sendFailed(err error) {
	if errors.Is(err, errLinkNotReading) {
		s.linkMisbehaved(CauseLinkProtocol, err.Error())
		return
	}
	detail := "the link process died (" + err.Error() + ")"
	s.cfg.Logger.Warn("link gone", "err", err)
	s.emit(Event{Kind: KindLink, Severity: SevError, Cause: CauseLinkCrashed, Message: detail})
	s.killLink()
	s.lose(CauseLinkCrashed, detail, time.Time{})
}

// linkMisbehaved kills the link and treats the attempt/session as lost.
func (s *Supervisor) linkMisbehaved(cause Cause, detail string) {
	s.cfg.Logger.Warn("link misbehaved", "cause", cause, "detail", detail)
	s.emit(Event{Kind: KindLink, Severity: SevError, Cause: cause, Message: "link replaced: " + Sanitize(detail)})
	s.killLink()
	s.lose(cause, detail, time.Time{})
}

// onPhaseDeadline fires when the current phase took too long.
func (s *Supervisor) onPhaseDeadline() {
	switch s.phase {
	case phSpawn:
		s.linkMisbehaved(CauseLinkProtocol, "link did not start in time")
	case phDial:
		s.linkMisbehaved(CauseLinkProtocol, "link missed its connect deadline")
	case phRetrying:
		s.linkMisbehaved(CauseLinkProtocol, "link stopped reporting its refused-dial retries")
	case phHandshake:
		s.killLink()
		s.lose(CauseHandshakeTimeout, "TWS answered the hello but sent no NEXT_VALID_ID in time", time.Time{})
	}
}

// onClosed handles the end of the current attempt as the link reports it.
func (s *Supervisor) onClosed(c *linkproto.Closed) {
	cause := linkCause(c.Cause)
	detail := Sanitize(c.Detail)
	var at time.Time
	if c.At > 0 {
		at = time.Unix(0, c.At)
	}
	if c.EClient || (s.link != nil && s.link.usedEClient) {
		// Whatever the library leaked dies with the process.
		s.killLink()
	}
	switch cause {
	case CausePortReset:
		if c.NewPort > 0 && c.NewPort <= 65535 {
			old := s.port
			s.port = c.NewPort
			detail = fmt.Sprintf("TWS moved its API port from %d to %d", old, c.NewPort)
		}
	case CauseClientIDInUse:
		detail = fmt.Sprintf("client id %d is in use", s.clientID())
	}
	if c.Code != 0 && c.Msg != "" && c.Code != s.sess.lastConnCode {
		// The library may lose the last message before a close (326, 1300);
		// the relay saw it on the wire, so the log still gets it.
		s.logTWS(-1, c.Code, c.Msg, s.cfg.Now())
	}
	s.lose(cause, detail, at)
}

func linkCause(c string) Cause {
	switch c {
	case linkproto.CauseRefused:
		return CauseRefused
	case linkproto.CauseDialTimeout:
		return CauseDialTimeout
	case linkproto.CauseDialError:
		return CauseDialError
	case linkproto.CauseHandshakeTimeout:
		return CauseHandshakeTimeout
	case linkproto.CauseAcceptedThenClosed:
		return CauseAcceptedThenClosed
	case linkproto.CauseClosedByTWS:
		return CauseClosedByTWS
	case linkproto.CauseClientIDInUse:
		return CauseClientIDInUse
	case linkproto.CausePortReset:
		return CausePortReset
	case linkproto.CauseProtocolError:
		return CauseProtocolError
	case linkproto.CauseLibrary:
		return CauseLibrary
	case linkproto.CauseDropped:
		return CauseForced
	}
	return CauseLinkProtocol
}
