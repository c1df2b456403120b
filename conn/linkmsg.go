package conn

import (
	"fmt"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// Dispatch of the link's reports to the handlers of the current attempt.

func (s *Supervisor) onLinkMsg(m linkproto.Msg) {
	now := s.cfg.Now()
	if a, scoped := linkproto.AttemptOf(m); scoped {
		if a != s.attempt || s.phase < phDial || s.phase > phUp {
			return // stale: an attempt we already gave up on
		}
		if s.phase >= phHandshake {
			s.sess.lastAlive = now
		}
	}
	switch v := m.(type) {
	case *linkproto.Hello:
		s.onHello(v)
	case *linkproto.Pong:
		if v.Seq == s.live.seq {
			s.live.wait = time.Time{}
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
		s.sess.serverVersion, s.sess.connTime = v.ServerVersion, Sanitize(v.ConnectionTime)
		s.phase = phHandshake
		s.deadline = now.Add(s.cfg.HandshakeTimeout)
	case *linkproto.Ready:
		s.phase = phFirstHB
		s.deadline = time.Time{}
		s.sendHeartbeat(now)
	case *linkproto.Accounts:
		s.sess.accounts = nil
		for _, a := range v.Accounts {
			if a = Sanitize(a); a != "" {
				s.sess.accounts = append(s.sess.accounts, a)
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
