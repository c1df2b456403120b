package link

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scmhub/ibapi"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
	"github.com/ibwatch/ibwatch/conn/wire"
)

// attempt is one linkproto.Connect: its TWS socket, its relay, its EClient (if it
// got that far) and its request sender. Reports for it go through emit, which
// drops them once the attempt has closed, so the parent sees nothing after
// the attempt's single linkproto.Closed.
type attempt struct {
	l        *link
	id       uint64
	cmd      linkproto.Connect
	dialTO   time.Duration
	shakeTO  time.Duration
	maxVer   int
	ctx      context.Context // ends when the attempt closes
	cancel   context.CancelFunc
	sendq    chan func(*ibapi.EClient)
	ready    atomic.Bool
	closedAt atomic.Bool

	// mu orders reports against the close: emit holds it shared while
	// queueing a report, finish holds it exclusively while deciding and
	// queueing the linkproto.Closed.
	mu       sync.RWMutex
	closed   bool
	hasEC    bool        // an EClient was created (under mu)
	closers  []io.Closer // sockets and listener to close at the end (under mu)
	version  int         // negotiated server version, set before the relay starts
	seenMu   sync.Mutex
	seenCode int64 // 326 or 1300 seen on the wire from TWS
	seenMsg  string
	newPort  int
}

func newAttempt(l *link, c linkproto.Connect) *attempt {
	a := &attempt{
		l: l, id: c.Attempt, cmd: c,
		dialTO:  msOr(c.DialTimeoutMs, defaultTimeout),
		shakeTO: msOr(c.HandshakeTimeoutMs, defaultTimeout),
		maxVer:  c.MaxVersion,
		sendq:   make(chan func(*ibapi.EClient), sendQueue),
	}
	if a.maxVer < wire.VerMin || a.maxVer > wire.VerClassicMax {
		// Above 200 the library switches to binary message ids, which the
		// relay's frame inspection does not speak; 0 means the default.
		if a.maxVer != 0 {
			l.log.Warn("maxVersion out of range, using default", "a", a.id, "maxVersion", a.maxVer)
		}
		a.maxVer = defaultMaxVer
	}
	if a.cmd.Host == "" {
		a.cmd.Host = "127.0.0.1"
	}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	return a
}

func msOr(ms int64, def time.Duration) time.Duration {
	if ms <= 0 {
		return def
	}
	return time.Duration(ms) * time.Millisecond
}

func (a *attempt) isClosed() bool { return a.closedAt.Load() }

// emit queues a report for this attempt unless it has closed.
func (a *attempt) emit(m linkproto.Msg) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if !a.closed {
		a.l.out.send(m)
	}
}

// finish closes the attempt with the report cl (A, EClient and, unless set,
// At are filled in). Only the first call reports; every call is cheap and
// never blocks on the network or the library.
func (a *attempt) finish(cl linkproto.Closed) {
	if cl.At == 0 {
		cl.At = time.Now().UnixNano()
	}
	a.close(&cl)
}

// teardown closes the attempt without reporting (the link is exiting).
func (a *attempt) teardown() { a.close(nil) }

func (a *attempt) close(cl *linkproto.Closed) {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return
	}
	a.closed = true
	a.closedAt.Store(true)
	if cl != nil {
		cl.Attempt = a.id
		cl.EClient = a.hasEC
		a.l.out.send(*cl)
	}
	closers := a.closers
	a.closers = nil
	a.mu.Unlock()
	a.cancel()
	for _, c := range closers {
		_ = c.Close()
	}
}

// own registers c to be closed when the attempt ends. If the attempt has
// already ended, c is closed now and own returns false.
func (a *attempt) own(c io.Closer) bool {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		_ = c.Close()
		return false
	}
	a.closers = append(a.closers, c)
	a.mu.Unlock()
	return true
}

// run is the attempt's own goroutine: dial, handshake, then hand over to the
// relay and the EClient.
func (a *attempt) run() {
	defer a.l.recoverGoroutine("attempt")
	tws, cl := a.dial()
	if cl != nil {
		a.finish(*cl)
		return
	}
	if !a.own(tws) {
		return
	}
	a.emit(linkproto.Dialed{Attempt: a.id})
	ver, connTime, cl := a.handshake(tws)
	if cl != nil {
		a.finish(*cl)
		return
	}
	a.emit(linkproto.Handshake{Attempt: a.id, ServerVersion: ver, ConnectionTime: connTime})
	a.startRelay(tws, ver, connTime)
}

// dial opens the TCP connection to TWS. With linkproto.Connect.Retry set, a
// refused dial is retried here, every FastMs inside the fast spans and
// after the supervisor's backoff bound outside them (no jitter: a refusal
// loads no one, so at the cap that is one dial per cap), and the refusals
// are reported in batches, each with a dial, so that reporting never
// wakes the link by itself; anything else ends the loop.
func (a *attempt) dial() (net.Conn, *linkproto.Closed) {
	r := a.cmd.Retry
	if r == nil {
		return a.dialOnce()
	}
	back := linkproto.Backoff{Base: msOr(r.BaseMs, 250*time.Millisecond), Multiplier: max(r.Factor, 1), Cap: msOr(r.CapMs, 5*time.Second)}
	report := msOr(r.ReportMs, 10*time.Second)
	wait := time.Duration(max(r.DelayMs, 0)) * time.Millisecond
	lastReport := time.Now()
	refused, slow := 0, 0
	n := r.From
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
		case <-a.ctx.Done():
			return nil, &linkproto.Closed{Cause: linkproto.CauseDropped}
		}
		c, cl := a.dialOnce()
		if cl == nil || cl.Cause != linkproto.CauseRefused {
			if refused > 0 {
				a.emit(linkproto.Retrying{Attempt: a.id, Refused: refused, Backoff: slow})
			}
			return c, cl
		}
		refused++
		now := time.Now()
		every := report
		if fast := fastAt(r, now); fast > 0 {
			wait = fast
			if r.FastReportMs > 0 {
				every = min(every, time.Duration(r.FastReportMs)*time.Millisecond)
			}
		} else {
			wait = back.Bound(n)
			n++
			slow++
		}
		if now.Sub(lastReport) >= every {
			a.emit(linkproto.Retrying{Attempt: a.id, Refused: refused, Backoff: slow, NextInMs: wait.Milliseconds()})
			refused, slow, lastReport = 0, 0, now
		}
		timer.Reset(wait)
	}
}

// fastAt returns the fast-path interval if now is inside one of r's fast
// spans, else 0.
func fastAt(r *linkproto.Retry, now time.Time) time.Duration {
	if r.FastMs <= 0 {
		return 0
	}
	for _, sp := range r.Fast {
		if sp.Contains(now) {
			return time.Duration(r.FastMs) * time.Millisecond
		}
	}
	return 0
}

func (a *attempt) dialOnce() (net.Conn, *linkproto.Closed) {
	if a.cmd.Port <= 0 || a.cmd.Port > 65535 {
		return nil, &linkproto.Closed{Cause: linkproto.CauseDialError, Detail: fmt.Sprintf("invalid port %d", a.cmd.Port)}
	}
	d := net.Dialer{Timeout: a.dialTO}
	addr := net.JoinHostPort(a.cmd.Host, strconv.Itoa(a.cmd.Port))
	c, err := d.DialContext(a.ctx, "tcp4", addr)
	if err == nil {
		return c, nil
	}
	var ne net.Error
	switch {
	case isRefused(err):
		return nil, &linkproto.Closed{Cause: linkproto.CauseRefused, Detail: err.Error()}
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return nil, &linkproto.Closed{Cause: linkproto.CauseDialTimeout, Detail: fmt.Sprintf("no answer from %s within %v", addr, a.dialTO)}
	default:
		return nil, &linkproto.Closed{Cause: linkproto.CauseDialError, Detail: err.Error()}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// handshake writes our hello ("API\0" + "v100..max", no options) and reads
// TWS's one-frame reply, all within the handshake deadline. No EClient
// exists yet, so a failure here costs no library resources.
func (a *attempt) handshake(tws net.Conn) (int, string, *linkproto.Closed) {
	fail := func(cause, detail string) (int, string, *linkproto.Closed) {
		return 0, "", &linkproto.Closed{Cause: cause, Detail: detail}
	}
	_ = tws.SetDeadline(time.Now().Add(a.shakeTO))
	if _, err := tws.Write(wire.AppendHello(nil, wire.VerMin, a.maxVer, "")); err != nil {
		if isTimeout(err) {
			return fail(linkproto.CauseHandshakeTimeout, "TWS did not take our hello within "+a.shakeTO.String())
		}
		return fail(linkproto.CauseAcceptedThenClosed, err.Error())
	}
	cr := &countingReader{r: tws}
	payload, err := wire.ReadFrame(cr)
	switch {
	case err == nil:
	case isTimeout(err):
		return fail(linkproto.CauseHandshakeTimeout, fmt.Sprintf("no version reply within %v (%d bytes received)", a.shakeTO, cr.n))
	case errors.Is(err, wire.ErrFrameTooLarge):
		return fail(linkproto.CauseProtocolError, "version reply: "+err.Error())
	case cr.n == 0:
		return fail(linkproto.CauseAcceptedThenClosed, err.Error())
	default:
		return fail(linkproto.CauseProtocolError, fmt.Sprintf("connection ended inside the version reply after %d bytes: %v", cr.n, err))
	}
	_ = tws.SetDeadline(time.Time{})
	ver, connTime, perr := parseServerReply(payload, a.maxVer)
	if perr != nil {
		return fail(linkproto.CauseProtocolError, perr.Error())
	}
	return ver, connTime, nil
}

// parseServerReply checks TWS's first frame: exactly two NUL-terminated
// fields, a decimal server version in [100, maxVer] and the connection time.
func parseServerReply(payload []byte, maxVer int) (int, string, error) {
	if len(payload) == 0 || payload[len(payload)-1] != 0 {
		return 0, "", fmt.Errorf("version reply %q is not NUL-terminated", clip(payload))
	}
	f := wire.Fields(payload)
	if len(f) != 2 {
		return 0, "", fmt.Errorf("version reply has %d fields, want 2: %q", len(f), clip(payload))
	}
	if !isDigits(f[0]) {
		return 0, "", fmt.Errorf("server version %q is not a number", clip([]byte(f[0])))
	}
	v, err := strconv.Atoi(f[0])
	if err != nil || v < wire.VerMin || v > maxVer {
		return 0, "", fmt.Errorf("server version %s outside the advertised %d..%d", clip([]byte(f[0])), wire.VerMin, maxVer)
	}
	return v, f[1], nil
}

func isDigits(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clip shortens untrusted bytes for a detail message.
func clip(b []byte) string {
	const max = 64
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
