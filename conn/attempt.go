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
	s.pingDue, s.pingWait = time.Time{}, time.Time{}
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
	s.pingDue, s.pingWait = time.Time{}, time.Time{}
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
	s.linkHeard = s.cfg.Now()
	s.onLinkMsg(ev.msg)
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

// attemptOf returns the attempt number a message is scoped to (0 = none).
func attemptOf(m linkproto.Msg) (uint64, bool) {
	switch v := m.(type) {
	case *linkproto.Dialed:
		return v.Attempt, true
	case *linkproto.Handshake:
		return v.Attempt, true
	case *linkproto.Ready:
		return v.Attempt, true
	case *linkproto.Accounts:
		return v.Attempt, true
	case *linkproto.Closed:
		return v.Attempt, true
	case *linkproto.Retrying:
		return v.Attempt, true
	case *linkproto.TWSError:
		return v.Attempt, true
	case *linkproto.CurrentTime:
		return v.Attempt, true
	case *linkproto.TickPrice:
		return v.Attempt, true
	case *linkproto.TickSize:
		return v.Attempt, true
	case *linkproto.TickOption:
		return v.Attempt, true
	case *linkproto.TickGeneric:
		return v.Attempt, true
	case *linkproto.TickString:
		return v.Attempt, true
	case *linkproto.TickReqParams:
		return v.Attempt, true
	case *linkproto.MktDataType:
		return v.Attempt, true
	case *linkproto.SnapshotEnd:
		return v.Attempt, true
	case *linkproto.ContractData:
		return v.Attempt, true
	case *linkproto.ContractDataEnd:
		return v.Attempt, true
	case *linkproto.SecDefOptParams:
		return v.Attempt, true
	case *linkproto.SecDefOptParamsEnd:
		return v.Attempt, true
	case *linkproto.SymbolSamples:
		return v.Attempt, true
	}
	return 0, false
}

func (s *Supervisor) onLinkMsg(m linkproto.Msg) {
	now := s.cfg.Now()
	if a, scoped := attemptOf(m); scoped {
		if a != s.attempt || s.phase < phDial || s.phase > phUp {
			return // stale: an attempt we already gave up on
		}
		if s.phase >= phHandshake {
			s.lastAlive = now
		}
	}
	switch v := m.(type) {
	case *linkproto.Hello:
		s.onHello(v)
	case *linkproto.Pong:
		if v.Seq == s.pingN {
			s.pingWait = time.Time{}
			s.schedulePing(now)
		}
	case *linkproto.Fatal:
		s.linkMisbehaved(CauseLinkProtocol, "link reported: "+v.Detail)
	case *linkproto.Dialed:
		s.met.with(&s.mu, func(m *counters) { m.tcpUp(now) })
		if s.phase == phRetrying {
			s.onRetryDialed(now)
		}
	case *linkproto.Retrying:
		s.onRetrying(v, now)
	case *linkproto.Handshake:
		s.link.usedEClient = true
		s.serverVersion, s.connTime = v.ServerVersion, Sanitize(v.ConnectionTime)
		s.phase = phHandshake
		s.deadline = now.Add(s.cfg.HandshakeTimeout)
	case *linkproto.Ready:
		s.phase = phFirstHB
		s.deadline = time.Time{}
		s.sendHeartbeat(now)
	case *linkproto.Accounts:
		s.accounts = nil
		for _, a := range v.Accounts {
			if a = Sanitize(a); a != "" {
				s.accounts = append(s.accounts, a)
			}
		}
		s.publishStatus()
	case *linkproto.Closed:
		s.onClosed(v)
	case *linkproto.TWSError:
		s.onTWSError(v, now)
	case *linkproto.CurrentTime:
		s.onHeartbeatReply(now)
	default:
		s.onData(m, now)
	}
}

func (s *Supervisor) onHello(h *linkproto.Hello) {
	if h.Protocol != linkproto.ProtocolVersion {
		s.linkMisbehaved(CauseLinkProtocol, fmt.Sprintf("link speaks protocol %d, want %d (stale binary?)", h.Protocol, linkproto.ProtocolVersion))
		return
	}
	s.link.hello = true
	s.cfg.Logger.Info("link ready", "pid", h.PID)
	if s.phase == phSpawn {
		s.deadline = time.Time{}
		s.sendConnect()
		return
	}
	s.schedulePing(s.cfg.Now())
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
	if c.Code != 0 && c.Msg != "" && c.Code != s.lastConnCode {
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
		case cause == CauseHeartbeatTimeout && !s.lastAlive.IsZero():
			lat = now.Sub(s.lastAlive)
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
	if wasUp || cause != s.streakCause {
		s.streakCause, s.streakN, s.streakSince, s.streakSummaryAt = cause, 0, now, now
	}
	if !wasUp {
		s.streakN++
	}
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
	if cause == CauseRefused && s.streakN >= delegateRefusedAfter {
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
	report := s.cfg.LinkPingInterval
	s.attempt++
	s.resetSession()
	s.phase = phRetrying
	s.retryAt = time.Time{}
	s.linkRetryAt = now.Add(wait)
	s.deadline = now.Add(wait + 3*report + s.cfg.DialTimeout)
	err := s.link.send(linkproto.Connect{
		Attempt: s.attempt, Host: s.cfg.Host, Port: s.port, ClientID: s.clientID(),
		DialTimeoutMs:      s.cfg.DialTimeout.Milliseconds(),
		HandshakeTimeoutMs: s.cfg.HandshakeTimeout.Milliseconds(),
		Retry: &linkproto.Retry{DelayMs: wait.Milliseconds(), BaseMs: s.cfg.BackoffBase.Milliseconds(),
			CapMs: s.cfg.BackoffMax.Milliseconds(), Factor: s.cfg.BackoffFactor, From: s.failures,
			ReportMs: report.Milliseconds(), FastMs: s.cfg.FastRetry.Milliseconds(), Fast: s.fastSpans(now)},
	})
	if err != nil {
		s.sendFailed(err)
	}
}

// onRetrying counts refusals the link retried by itself.
func (s *Supervisor) onRetrying(r *linkproto.Retrying, now time.Time) {
	if s.phase != phRetrying {
		return
	}
	s.failures += r.Backoff
	s.streakN += r.Refused
	s.met.with(&s.mu, func(m *counters) { m.failedN += int64(r.Refused) })
	s.linkRetryAt = now.Add(time.Duration(r.NextInMs) * time.Millisecond)
	s.deadline = s.linkRetryAt.Add(3*s.cfg.LinkPingInterval + s.cfg.DialTimeout)
	s.enter(phRetrying, CauseRefused, "") // published at most once a minute (quietRetry)
	s.publishStatus()
}

// onRetryDialed: TWS accepts again; the delegated attempt goes on as usual.
func (s *Supervisor) onRetryDialed(now time.Time) {
	s.streakN = 0 // the run of refusals is over: show the attempt
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
	}
	d := s.back.Delay(s.failures)
	s.failures++
	return d, false
}

// resetSession clears per-session state before a new attempt.
func (s *Supervisor) resetSession() {
	s.hbNext, s.hbWait, s.hbSent = time.Time{}, time.Time{}, time.Time{}
	s.lastAlive = time.Time{}
	s.degradedOnConnect = false
	s.lastConnCode = 0
	s.serverVersion, s.connTime, s.accounts = 0, "", nil
	s.mdType = MDUnknown
}

// endSession fails everything that belonged to the session.
func (s *Supervisor) endSession(err error) {
	s.hbNext, s.hbWait = time.Time{}, time.Time{}
	s.sendQ, s.symQ = nil, nil
	s.pumpAt = time.Time{}
	s.failPending(err)
	s.subs.detachAll()
	s.farms, s.farmBlip, s.ibDown = map[string]Farm{}, map[string]bool{}, false
}

// onForce is "reconnect now": the same path as an automatic reconnect,
// without the wait.
func (s *Supervisor) onForce() {
	if s.phase == phStopped {
		return
	}
	s.met.with(&s.mu, func(m *counters) { m.forced++ })
	s.emitApp(SevInfo, "reconnect requested by user")
	s.failures, s.streakN = 0, 0
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
