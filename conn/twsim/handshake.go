package twsim

import (
	"strings"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// connTimeLayout is TWS's connection time: "yyyyMMdd HH:mm:ss <zone>".
const connTimeLayout = "20060102 15:04:05 MST"

// handshake reads "API\0" and the version range, holds the reply while a
// handshake stall is on, then answers min(client max, cap) and the
// connection time. It returns false when the session must end: a bad hello,
// or a range the cap cannot meet (TWS closes the socket without a word).
func (ss *session) handshake() bool {
	s := ss.s
	lo, hi, opts, err := wire.ReadHello(ss.rd)
	if err != nil {
		s.log.Debug("twsim: bad hello", "remote", ss.remote, "err", err)
		return false
	}
	if !s.waitHandshakeRelease(ss) || !s.waitUnstalled(ss.done) {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss.ended {
		return false
	}
	capV := s.cfg.ServerVersion
	if hi < wire.VerMin || lo > capV {
		s.log.Info("twsim: client version range not supported, closing", "remote", ss.remote,
			"range", rangeString(lo, hi), "cap", capV)
		return false
	}
	ss.version = min(hi, capV)
	s.st.stats.HandshakesDone++
	ss.enqueueLocked(wire.Encode(ss.version, s.now().Format(connTimeLayout)))
	s.log.Debug("twsim: handshake", "remote", ss.remote, "range", rangeString(lo, hi),
		"options", opts, "version", ss.version)
	return true
}

func rangeString(lo, hi int) string {
	var b strings.Builder
	b.WriteString("v")
	b.WriteString(itoa(int64(lo)))
	b.WriteString("..")
	b.WriteString(itoa(int64(hi)))
	return b.String()
}

// waitHandshakeRelease blocks while a handshake stall is on. Connections
// held this way are answered when the stall is turned off (like the "accept
// incoming connection" dialog being confirmed); Drop closes them.
func (s *Server) waitHandshakeRelease(ss *session) bool {
	s.mu.Lock()
	on, ch := s.st.hsStall, s.st.hsRelease
	s.mu.Unlock()
	if !on {
		return true
	}
	select {
	case <-ch:
		return true
	case <-ss.done:
		return false
	case <-s.done:
		return false
	}
}

// startAPILocked answers START_API: 326 and a delayed close for a client id
// already in use; otherwise MANAGED_ACCTS, NEXT_VALID_ID and the farm
// notices (or 2110 while the IB link is down).
func (ss *session) startAPILocked(f *fields) {
	s := ss.s
	f.int() // version
	id, ok := f.intOK()
	if !ok {
		id = 0 // stoqey sends "" when no client id is configured; TWS treats it as 0
	}
	if ss.ready {
		s.log.Debug("twsim: START_API twice ignored", "remote", ss.remote)
		return
	}
	for _, o := range s.st.sessions {
		if o != ss && o.ready && o.clientID == id {
			ss.clientID = id
			ss.sendErrorLocked(-1, 326, "Unable to connect as the client id is already in use. Retry with a unique client id.")
			ss.closeAfterLocked(s.cfg.DupIDCloseDelay, "client id in use")
			return
		}
	}
	ss.clientID = id
	ss.ready = true
	ss.enqueueLocked(wire.Encode(wire.InManagedAccts, 1, strings.Join(s.cfg.Accounts, ",")))
	ss.enqueueLocked(wire.Encode(wire.InNextValidID, 1, s.st.orderID))
	if !s.st.ibLinkUp {
		ss.sendErrorLocked(-1, 2110, "Connectivity between TWS and server is broken. It will be restored automatically.")
		return
	}
	for _, farm := range farmNames {
		code, text := farmNotice(farm, s.st.farms[farm])
		ss.sendErrorLocked(-1, code, text)
	}
}
