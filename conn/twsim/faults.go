package twsim

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// Every fault method takes Server.mu, changes the state, records the fault
// and queues whatever the clients must see, all in one critical section.

// SetStall freezes (on) or thaws (off) the simulator: sockets stay open but
// nothing is read or written, and new connections get no handshake reply,
// like a frozen TWS or a half-open link. Frames queued during the stall are
// sent when it ends; no market data is generated meanwhile.
func (s *Server) SetStall(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.stalled == on {
		return
	}
	s.st.stalled = on
	if on {
		s.st.unstall = make(chan struct{})
	} else {
		close(s.st.unstall)
	}
	s.recordLocked("stall", onOff(on))
}

// Drop closes every client socket at once (TWS crashed or was closed).
func (s *Server) Drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.dropAllLocked("drop")
	s.recordLocked("drop", fmt.Sprintf("%d sessions", n))
}

// dropAllLocked ends every session and returns how many there were.
func (s *Server) dropAllLocked(why string) int {
	n := len(s.st.sessions)
	for _, ss := range s.st.sessions {
		s.endSessionLocked(ss, why)
	}
	return n
}

// Restart simulates TWS's daily restart: every socket closes, the port
// refuses connections for down, then a fresh TWS accepts again (client ids
// are free; the next order id persists). It returns at once. Two records
// are made: "restart" when the sockets close, "restart-up" when the port
// accepts again.
func (s *Server) Restart(down time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.closed {
		return
	}
	n := s.dropAllLocked("restart")
	s.st.restarting = true
	s.st.restartGen++
	gen := s.st.restartGen
	s.syncListenerLocked()
	s.recordLocked("restart", fmt.Sprintf("down %v, %d sessions closed", down, n))
	s.wg.Add(1)
	go s.restartTimer(gen, down)
}

// restartTimer ends restart generation gen after down.
func (s *Server) restartTimer(gen int, down time.Duration) {
	defer s.wg.Done()
	t := time.NewTimer(down)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.done:
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.closed || s.st.restartGen != gen || !s.st.restarting {
		return
	}
	s.st.restarting = false
	s.syncListenerLocked()
	s.recordLocked("restart-up", "accepting on "+s.addrLocked())
}

// SetRefuse closes (on) the listener so connects get ECONNREFUSED, or
// reopens it (off) on the same port. Open sessions are not affected.
func (s *Server) SetRefuse(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.refusing == on {
		return
	}
	s.st.refusing = on
	s.syncListenerLocked()
	s.recordLocked("refuse", onOff(on))
}

// SetHandshakeStall makes new connections wait forever for the handshake
// reply (TCP accepted, hello read, no answer) while on, like TWS showing its
// "accept incoming connection" dialog. Turning it off answers the held
// connections that are still open.
func (s *Server) SetHandshakeStall(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.hsStall == on {
		return
	}
	s.st.hsStall = on
	if on {
		s.st.hsRelease = make(chan struct{})
	} else {
		close(s.st.hsRelease)
	}
	s.recordLocked("handshake-stall", onOff(on))
}

// SetAcceptThenClose makes the simulator close every new connection right
// after accepting it, before any reply (an untrusted client IP).
func (s *Server) SetAcceptThenClose(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.acceptClose == on {
		return
	}
	s.st.acceptClose = on
	s.recordLocked("accept-then-close", onOff(on))
}

// PortReset tells every client "TWS socket port has been reset" (1300,
// naming the new port), closes their sockets and moves the listener to
// newPort (0 → a free loopback port). It returns the new port.
func (s *Server) PortReset(newPort int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.closed || !s.st.started {
		return 0, fmt.Errorf("twsim: server not running")
	}
	if newPort < 0 || newPort > 65535 {
		return 0, fmt.Errorf("twsim: bad port %d", newPort)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(s.host, strconv.Itoa(newPort)))
	if err != nil {
		return 0, fmt.Errorf("twsim: port reset: %w", err)
	}
	old := s.st.port
	port := ln.Addr().(*net.TCPAddr).Port
	for _, ss := range s.st.sessions {
		if ss.ready {
			ss.sendErrorLocked(-1, 1300, fmt.Sprintf(
				"TWS socket port has been reset and this connection is being dropped. Please reconnect on the new port - %d", port))
			ss.closeAfterLocked(s.cfg.DupIDCloseDelay, "port reset")
		} else {
			s.endSessionLocked(ss, "port reset")
		}
	}
	s.closeListenerLocked()
	s.st.port = port
	if s.wantListenLocked() {
		s.serveLocked(ln)
	} else {
		_ = ln.Close()
	}
	s.recordLocked("port-reset", fmt.Sprintf("%d -> %d", old, port))
	return port, nil
}

// SetLatency delays every reply by d (0 turns it off). It applies to frames
// queued from now on.
func (s *Server) SetLatency(d time.Duration) {
	if d < 0 {
		d = 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.latency == d {
		return
	}
	s.st.latency = d
	s.recordLocked("latency", d.String())
}

// Inject sends ERR_MSG(reqID, code, msg) to every ready session.
func (s *Server) Inject(reqID, code int64, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, ss := range s.st.sessions {
		if ss.ready {
			ss.sendErrorLocked(reqID, code, msg)
			n++
		}
	}
	s.recordLocked("inject", fmt.Sprintf("reqId %d code %d %q to %d sessions", reqID, code, clipText(msg), n))
}

// RawFrame sends payload with a length prefix to every ready session. The
// payload is not checked: it may be malformed on purpose.
func (s *Server) RawFrame(payload []byte) {
	s.broadcastRaw(wire.AppendFrame(nil, payload), "raw-frame", fmt.Sprintf("%d bytes", len(payload)))
}

// RawBytes sends b exactly as given to every ready session (e.g. a bare
// 0x7fffffff length prefix, or half a frame).
func (s *Server) RawBytes(b []byte) {
	s.broadcastRaw(b, "raw-bytes", fmt.Sprintf("%d bytes", len(b)))
}

// broadcastRaw queues b to every ready session and records the fault.
func (s *Server) broadcastRaw(b []byte, fault, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, ss := range s.st.sessions {
		if ss.ready {
			ss.enqueueRawLocked(b)
			n++
		}
	}
	s.recordLocked(fault, fmt.Sprintf("%s to %d sessions", detail, n))
}

// ClearFaults turns off stall, refuse, handshake stall, accept-then-close and
// latency, restores the IB link (1102, data kept) and every farm. A restart
// in progress finishes on its own schedule.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.stalled {
		s.st.stalled = false
		close(s.st.unstall)
	}
	if s.st.hsStall {
		s.st.hsStall = false
		close(s.st.hsRelease)
	}
	s.st.refusing = false
	s.st.acceptClose = false
	s.st.latency = 0
	s.syncListenerLocked()
	if !s.st.ibLinkUp {
		s.linkRestoredLocked(true)
	}
	for _, f := range farmNames {
		if s.st.farms[f] != FarmOK {
			s.setFarmLocked(f, FarmOK)
		}
	}
	s.recordLocked("clear", "")
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// clipText shortens text for fault records.
func clipText(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
