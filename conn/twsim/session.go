package twsim

import (
	"bufio"
	"net"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// maxQueued is how many outgoing frames may wait for a slow reader before
// streaming ticks are skipped (replies and errors are always queued).
const maxQueued = 20000

// session is one API client connection.
//
// Fields below "guarded by Server.mu" are read and written only with the
// server lock held. The reader goroutine owns rd; the writer goroutine owns
// the socket's write side.
type session struct {
	s      *Server
	id     uint64
	conn   net.Conn
	remote string
	since  time.Time
	rd     *bufio.Reader
	done   chan struct{} // closed by endSessionLocked

	// guarded by Server.mu
	ended       bool
	version     int   // negotiated server version; 0 before the handshake
	clientID    int64 // -1 before START_API
	ready       bool  // START_API accepted
	mdType      int   // REQ_MKT_DATA_TYPE, 1..4
	subs        map[int64]*sub
	rate        []time.Time // times of the last MaxMsgRate accepted requests
	violations  int
	closeQueued bool              // a close is queued; later requests are ignored
	acctSub     string            // reqAccountUpdates account, "" when not subscribed
	posSub      bool              // reqPositions subscribed (until cancelPositions)
	acctAt      time.Time         // wall time of the last account update round
	pnl         map[int64]*pnlSub // reqPnL / reqPnLSingle by request id
	hist        map[int64]*histSub
	rtb         map[int64]*rtbSub // reqRealTimeBars by request id

	qmu  sync.Mutex
	q    []outItem
	qsig chan struct{} // 1-buffered: "the queue changed"
}

// outItem is one queued write: bytes to send once due, or a close.
type outItem struct {
	b     []byte
	due   time.Time
	close bool          // close the session after waiting delay
	delay time.Duration // for close
	why   string
}

// newSession wraps an accepted connection; the caller holds Server.mu.
func newSession(s *Server, id uint64, c net.Conn) *session {
	return &session{
		s:        s,
		id:       id,
		conn:     c,
		remote:   c.RemoteAddr().String(),
		since:    time.Now(),
		rd:       bufio.NewReader(c),
		done:     make(chan struct{}),
		clientID: -1,
		mdType:   1,
		subs:     map[int64]*sub{},
		pnl:      map[int64]*pnlSub{},
		hist:     map[int64]*histSub{},
		rtb:      map[int64]*rtbSub{},
		qsig:     make(chan struct{}, 1),
	}
}

// endSessionLocked closes the socket and forgets the session at once, so
// the Snapshot never shows a session the client can no longer use.
func (s *Server) endSessionLocked(ss *session, why string) {
	if ss.ended {
		return
	}
	ss.ended = true
	close(ss.done)
	_ = ss.conn.Close()
	delete(s.st.sessions, ss.id)
	s.log.Debug("twsim: session ended", "remote", ss.remote, "clientId", ss.clientID, "why", why)
}

// endSession is endSessionLocked for callers without the lock.
func (s *Server) endSession(ss *session, why string) {
	s.mu.Lock()
	s.endSessionLocked(ss, why)
	s.mu.Unlock()
}

// enqueueLocked queues one frame payload (Server.mu held, for the latency).
func (ss *session) enqueueLocked(payload []byte) {
	ss.push(outItem{b: wire.AppendFrame(nil, payload), due: ss.s.now0().Add(ss.s.st.latency)})
}

// enqueueRawLocked queues bytes exactly as given.
func (ss *session) enqueueRawLocked(b []byte) {
	ss.push(outItem{b: append([]byte(nil), b...), due: ss.s.now0().Add(ss.s.st.latency)})
}

// closeAfterLocked queues a close: the writer sends everything queued
// before it, waits delay, then ends the session.
func (ss *session) closeAfterLocked(delay time.Duration, why string) {
	ss.closeQueued = true
	ss.push(outItem{close: true, delay: delay, due: ss.s.now0().Add(ss.s.st.latency), why: why})
}

// queued returns the number of frames waiting.
func (ss *session) queued() int {
	ss.qmu.Lock()
	defer ss.qmu.Unlock()
	return len(ss.q)
}

func (ss *session) push(it outItem) {
	ss.qmu.Lock()
	ss.q = append(ss.q, it)
	ss.qmu.Unlock()
	select {
	case ss.qsig <- struct{}{}:
	default:
	}
}

// pop takes the next item, blocking until one exists or the session ends.
func (ss *session) pop() (outItem, bool) {
	for {
		ss.qmu.Lock()
		if len(ss.q) > 0 {
			it := ss.q[0]
			ss.q[0] = outItem{}
			ss.q = ss.q[1:]
			ss.qmu.Unlock()
			return it, true
		}
		ss.qmu.Unlock()
		select {
		case <-ss.qsig:
		case <-ss.done:
			return outItem{}, false
		}
	}
}

// now0 is the wall clock used for latency (never the injected clock: tests
// that freeze Now still want replies delayed by real time).
func (s *Server) now0() time.Time { return time.Now() }

// writeLoop sends queued frames in order, honouring latency and stalls.
func (ss *session) writeLoop() {
	defer ss.s.wg.Done()
	for {
		it, ok := ss.pop()
		if !ok {
			return
		}
		if !ss.sleepUntil(it.due) || !ss.s.waitUnstalled(ss.done) {
			return
		}
		if it.close {
			if it.delay > 0 && !ss.sleepUntil(time.Now().Add(it.delay)) {
				return
			}
			ss.s.endSession(ss, it.why)
			return
		}
		buf := ss.appendDue(it.b, time.Now())
		if _, err := ss.conn.Write(buf); err != nil {
			ss.s.endSession(ss, "write: "+err.Error())
			return
		}
	}
}

// maxBatch bounds how many bytes one socket write carries.
const maxBatch = 64 << 10

// appendDue appends the frames at the head of the queue that are already
// due (up to maxBatch bytes, stopping at a close) to b, so a burst such as
// an option chain goes out in few writes.
func (ss *session) appendDue(b []byte, now time.Time) []byte {
	ss.qmu.Lock()
	defer ss.qmu.Unlock()
	n := 0
	for n < len(ss.q) && len(b) < maxBatch {
		it := ss.q[n]
		if it.close || it.due.After(now) {
			break
		}
		if n == 0 {
			b = append([]byte(nil), b...) // do not grow a queued item's array
		}
		b = append(b, it.b...)
		ss.q[n] = outItem{}
		n++
	}
	ss.q = ss.q[n:]
	return b
}

// sleepUntil waits for t; false if the session or server ended first.
func (ss *session) sleepUntil(t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return true
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ss.done:
		return false
	case <-ss.s.done:
		return false
	}
}

// waitUnstalled blocks while the server is stalled; false if done closed.
func (s *Server) waitUnstalled(done <-chan struct{}) bool {
	s.mu.Lock()
	ch := s.st.unstall
	stalled := s.st.stalled
	s.mu.Unlock()
	if !stalled {
		return true
	}
	select {
	case <-ch:
		return true
	case <-done:
		return false
	case <-s.done:
		return false
	}
}

// readLoop runs the handshake and then serves requests until the socket
// closes.
func (ss *session) readLoop() {
	s := ss.s
	defer s.wg.Done()
	defer s.endSession(ss, "reader done")
	if !s.waitUnstalled(ss.done) {
		return
	}
	if !ss.handshake() {
		return
	}
	for {
		if !s.waitUnstalled(ss.done) {
			return
		}
		payload, err := wire.ReadFrame(ss.rd)
		if err != nil {
			return
		}
		// A stall that began while we were blocked in Read holds the frame.
		if !s.waitUnstalled(ss.done) {
			return
		}
		if !ss.handle(payload) {
			return
		}
	}
}
