package link

import (
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
	"github.com/ibwatch/ibwatch/conn/twsim"
	"github.com/ibwatch/ibwatch/conn/wire"
)

// Integration tests: the link (in-process through Main, on pipes) against
// the real simulator over loopback, with the real ibapi client. They cannot
// run under -race (the library races internally).

func startSim(t *testing.T) *twsim.Server {
	t.Helper()
	srv := twsim.New(twsim.Config{Listen: "127.0.0.1:0", ServerVersion: 200, DupIDCloseDelay: 50 * time.Millisecond})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func connectTo(srv *twsim.Server, a uint64, clientID int64) linkproto.Connect {
	return linkproto.Connect{Attempt: a, Host: "127.0.0.1", Port: srv.Port(), ClientID: clientID, DialTimeoutMs: 2000, HandshakeTimeoutMs: 2000}
}

// connectReady runs attempt a to linkproto.Ready and checks the reports before it.
func connectReady(t *testing.T, p *parent, srv *twsim.Server, a uint64, clientID int64) linkproto.Ready {
	t.Helper()
	p.send(connectTo(srv, a, clientID))
	waitFor(p, func(m linkproto.Dialed) bool { return m.Attempt == a })
	hs := waitFor(p, func(m linkproto.Handshake) bool { return m.Attempt == a })
	if hs.ServerVersion != 200 || hs.ConnectionTime == "" {
		t.Fatalf("handshake %+v, want version 200 and a connection time", hs)
	}
	return waitFor(p, func(m linkproto.Ready) bool { return m.Attempt == a })
}

// heartbeat sends REQ_CURRENT_TIME for a and waits for the answer.
func heartbeat(t *testing.T, p *parent, a uint64) linkproto.CurrentTime {
	t.Helper()
	p.send(linkproto.ReqCurrentTime{Attempt: a})
	return waitFor(p, func(m linkproto.CurrentTime) bool { return m.Attempt == a })
}

// mark returns the number of reports received so far.
func (p *parent) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.msgs)
}

// since returns the reports received after mark.
func (p *parent) since(mark int) []linkproto.Msg {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]linkproto.Msg(nil), p.msgs[mark:]...)
}

// assertSilentAfterClose checks that nothing about attempt a arrives after
// its linkproto.Closed, including the library's own errors during its teardown,
// and that it got exactly one linkproto.Closed.
func assertSilentAfterClose(t *testing.T, p *parent, a uint64, mark int) {
	t.Helper()
	// Give the library time to run its teardown (EOF → watcher →
	// Disconnect → ConnectionClosed, redials) and then flush with a ping.
	if m, ok := lookFor(p, 300*time.Millisecond, func(m linkproto.Closed) bool { return m.Attempt == a }); ok {
		t.Errorf("second linkproto.Closed for attempt %d: %+v", a, m)
	}
	p.ping()
	for _, m := range p.since(mark) {
		if id, ok := linkproto.AttemptOf(m); ok && id == a {
			t.Errorf("report for closed attempt %d: %#v", a, m)
		}
	}
}

func TestIntegrationHappyPath(t *testing.T) {
	srv := startSim(t)
	p := startLink(t)
	ready := connectReady(t, p, srv, 1, 11)
	if ready.NextValidID <= 0 {
		t.Errorf("NextValidID = %d, want > 0", ready.NextValidID)
	}
	acc := waitFor(p, func(m linkproto.Accounts) bool { return m.Attempt == 1 })
	if len(acc.Accounts) != 1 || acc.Accounts[0] != twsim.DefaultAccount {
		t.Errorf("accounts %v, want [%s]", acc.Accounts, twsim.DefaultAccount)
	}
	// The farm notices reach the parent as TWS errors with reqId -1.
	farm := waitFor(p, func(m linkproto.TWSError) bool { return m.Attempt == 1 && m.Code == 2104 })
	if farm.Req != -1 || farm.Msg == "" || farm.TimeMs == 0 {
		t.Errorf("farm notice %+v, want reqId -1, text and time (v200 carries errorTime)", farm)
	}
	before := time.Now().Unix()
	ct := heartbeat(t, p, 1)
	if ct.Unix < before-5 || ct.Unix > time.Now().Unix()+5 {
		t.Errorf("current time %d, want about %d", ct.Unix, before)
	}
	// Errors TWS sends later are forwarded as they are.
	srv.Inject(-1, 1100, "Connectivity between IB and the TWS has been lost.")
	lost := waitFor(p, func(m linkproto.TWSError) bool { return m.Attempt == 1 && m.Code == 1100 })
	if lost.Req != -1 || lost.Msg != "Connectivity between IB and the TWS has been lost." {
		t.Errorf("1100 forwarded as %+v", lost)
	}
	pong := p.ping()
	if pong.Goroutines <= 0 {
		t.Errorf("pong %+v without goroutine count", pong)
	}
	if n := count[linkproto.Closed](p, nil); n != 0 {
		t.Errorf("%d linkproto.Closed on the happy path", n)
	}
}

func TestIntegrationRefused(t *testing.T) {
	srv := startSim(t)
	srv.SetRefuse(true)
	p := startLink(t)
	p.send(connectTo(srv, 1, 1))
	if cl := closedFor(p, 1); cl.Cause != linkproto.CauseRefused || cl.EClient {
		t.Fatalf("closed %+v, want %q without EClient", cl, linkproto.CauseRefused)
	}
}

func TestIntegrationHandshakeTimeout(t *testing.T) {
	srv := startSim(t)
	srv.SetHandshakeStall(true)
	p := startLink(t)
	c := connectTo(srv, 1, 1)
	c.HandshakeTimeoutMs = 300
	start := time.Now()
	p.send(c)
	waitFor(p, func(m linkproto.Dialed) bool { return m.Attempt == 1 })
	p.ping() // the command loop answers while the attempt hangs
	cl := closedFor(p, 1)
	if cl.Cause != linkproto.CauseHandshakeTimeout || cl.EClient {
		t.Fatalf("closed %+v, want %q without EClient", cl, linkproto.CauseHandshakeTimeout)
	}
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Errorf("handshake timeout after %v, before its 300ms deadline", took)
	}
}

func TestIntegrationAcceptedThenClosed(t *testing.T) {
	srv := startSim(t)
	srv.SetAcceptThenClose(true)
	p := startLink(t)
	p.send(connectTo(srv, 1, 1))
	if cl := closedFor(p, 1); cl.Cause != linkproto.CauseAcceptedThenClosed || cl.EClient {
		t.Fatalf("closed %+v, want %q without EClient", cl, linkproto.CauseAcceptedThenClosed)
	}
}

func TestIntegrationClosedByTWSIsFast(t *testing.T) {
	srv := startSim(t)
	p := startLink(t)
	connectReady(t, p, srv, 1, 1)
	heartbeat(t, p, 1)
	mark := p.mark()
	start := time.Now()
	srv.Drop()
	cl := closedFor(p, 1)
	took := time.Since(start)
	if cl.Cause != linkproto.CauseClosedByTWS || !cl.EClient {
		t.Fatalf("closed %+v, want %q with EClient", cl, linkproto.CauseClosedByTWS)
	}
	t.Logf("close detected and reported in %v", took.Round(time.Microsecond))
	if at := time.Unix(0, cl.At); at.Before(start) || at.After(time.Now()) {
		t.Errorf("At %v outside the test's window [%v, now]", at, start)
	}
	if took > 2*time.Second {
		t.Errorf("close reported after %v; the relay should see TWS's EOF at once", took)
	}
	// Requests for the closed attempt are ignored, and the library's
	// teardown noise (504 and friends) is not forwarded.
	p.send(linkproto.ReqCurrentTime{Attempt: 1})
	assertSilentAfterClose(t, p, 1, mark+1)
}

func TestIntegrationClientIDInUse(t *testing.T) {
	srv := startSim(t)
	first := startLink(t)
	first.name = "first"
	connectReady(t, first, srv, 1, 7)

	second := startLink(t)
	second.name = "second"
	second.send(connectTo(srv, 1, 7))
	cl := closedFor(second, 1)
	if cl.Cause != linkproto.CauseClientIDInUse || cl.Code != 326 || !cl.EClient || cl.Msg == "" {
		t.Fatalf("closed %+v, want %q with code 326, text and EClient", cl, linkproto.CauseClientIDInUse)
	}
	if n := count[linkproto.Ready](second, nil); n != 0 {
		t.Errorf("second link reported ready although its id was in use")
	}
	heartbeat(t, first, 1) // the first session is untouched
}

func TestIntegrationPortReset(t *testing.T) {
	srv := startSim(t)
	p := startLink(t)
	connectReady(t, p, srv, 1, 1)
	newPort, err := srv.PortReset(0)
	if err != nil {
		t.Fatal(err)
	}
	cl := closedFor(p, 1)
	if cl.Cause != linkproto.CausePortReset || cl.Code != 1300 || cl.NewPort != newPort || !cl.EClient {
		t.Fatalf("closed %+v, want %q with code 1300 and new port %d", cl, linkproto.CausePortReset, newPort)
	}
}

func TestIntegrationDropByParent(t *testing.T) {
	srv := startSim(t)
	p := startLink(t)
	connectReady(t, p, srv, 1, 1)
	p.send(linkproto.Drop{Attempt: 99}) // unknown attempt: ignored
	heartbeat(t, p, 1)
	mark := p.mark()
	p.send(linkproto.Drop{Attempt: 1})
	cl := closedFor(p, 1)
	if cl.Cause != linkproto.CauseDropped || !cl.EClient {
		t.Fatalf("closed %+v, want %q with EClient", cl, linkproto.CauseDropped)
	}
	p.send(linkproto.Drop{Attempt: 1}) // a second drop reports nothing
	p.send(linkproto.ReqCurrentTime{Attempt: 1})
	assertSilentAfterClose(t, p, 1, mark+1)
	if n := count[linkproto.Closed](p, func(m linkproto.Closed) bool { return m.Attempt == 99 }); n != 0 {
		t.Errorf("drop of an unknown attempt was answered")
	}
}

func TestIntegrationDropDuringHandshake(t *testing.T) {
	srv := startSim(t)
	srv.SetHandshakeStall(true)
	p := startLink(t)
	p.send(connectTo(srv, 1, 1))
	waitFor(p, func(m linkproto.Dialed) bool { return m.Attempt == 1 })
	p.send(linkproto.Drop{Attempt: 1})
	if cl := closedFor(p, 1); cl.Cause != linkproto.CauseDropped || cl.EClient {
		t.Fatalf("closed %+v, want %q without EClient", cl, linkproto.CauseDropped)
	}
	assertSilentAfterClose(t, p, 1, p.mark())
}

// A new connect while an attempt is active drops the old one first; a link
// whose EClient attempt has closed still serves another (the parent
// normally replaces the process instead).
func TestIntegrationNewConnectReplacesActive(t *testing.T) {
	srv := startSim(t)
	p := startLink(t)
	connectReady(t, p, srv, 1, 1)
	p.send(connectTo(srv, 2, 2))
	if cl := closedFor(p, 1); cl.Cause != linkproto.CauseDropped || !cl.EClient {
		t.Fatalf("old attempt closed %+v, want %q", cl, linkproto.CauseDropped)
	}
	waitFor(p, func(m linkproto.Ready) bool { return m.Attempt == 2 })
	heartbeat(t, p, 2)
	srv.Drop()
	if cl := closedFor(p, 2); cl.Cause != linkproto.CauseClosedByTWS {
		t.Fatalf("attempt 2 closed %+v", cl)
	}
	connectReady(t, p, srv, 3, 1) // a third EClient in the same process
	heartbeat(t, p, 3)
}

func TestIntegrationHugeLengthPrefixIsProtocolError(t *testing.T) {
	srv := startSim(t)
	p := startLink(t)
	connectReady(t, p, srv, 1, 1)
	heartbeat(t, p, 1)
	srv.RawBytes([]byte{0x7f, 0xff, 0xff, 0xff})
	cl := closedFor(p, 1)
	if cl.Cause != linkproto.CauseProtocolError || !cl.EClient {
		t.Fatalf("closed %+v, want %q", cl, linkproto.CauseProtocolError)
	}
}

func TestIntegrationStallIsNotAClose(t *testing.T) {
	srv := startSim(t)
	p := startLink(t)
	connectReady(t, p, srv, 1, 1)
	heartbeat(t, p, 1)
	srv.SetStall(true)
	p.send(linkproto.ReqCurrentTime{Attempt: 1})
	if m, ok := lookFor(p, time.Second, func(m linkproto.CurrentTime) bool { return m.Attempt == 1 }); ok {
		t.Fatalf("current time %+v answered during a stall", m)
	}
	if n := count[linkproto.Closed](p, nil); n != 0 {
		t.Fatalf("stall reported as a close; the parent's heartbeat owns that decision")
	}
	p.ping() // the link itself is alive
	srv.SetStall(false)
	waitFor(p, func(m linkproto.CurrentTime) bool { return m.Attempt == 1 }) // the held request
	heartbeat(t, p, 1)
	if n := count[linkproto.Closed](p, nil); n != 0 {
		t.Fatalf("linkproto.Closed after the stall ended")
	}
}

func TestIntegrationSequentialFailuresDoNotLeak(t *testing.T) {
	srv := startSim(t)
	p := startLink(t)
	fail := func(a uint64) {
		t.Helper()
		refuse := a%2 == 0
		srv.SetRefuse(refuse)
		srv.SetAcceptThenClose(!refuse)
		want := linkproto.CauseAcceptedThenClosed
		if refuse {
			want = linkproto.CauseRefused
		}
		p.send(connectTo(srv, a, 1))
		if cl := closedFor(p, a); cl.Cause != want || cl.EClient {
			t.Fatalf("attempt %d closed %+v, want %q", a, cl, want)
		}
	}
	fail(1000) // warm up lazily created runtime state
	fail(1001)
	base := p.ping()
	for a := uint64(1); a <= 20; a++ {
		fail(a)
	}
	// Sockets close asynchronously on both sides; wait for the figures to
	// settle rather than sample once.
	deadline := time.Now().Add(wait)
	var after linkproto.Pong
	for {
		after = p.ping()
		if after.FDs <= base.FDs && after.Goroutines <= base.Goroutines+2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20 failed attempts: fds %d→%d, goroutines %d→%d", base.FDs, after.FDs, base.Goroutines, after.Goroutines)
		}
		time.Sleep(20 * time.Millisecond) // polling interval for a figure, not synchronisation
	}
	t.Logf("20 failed attempts: fds %d→%d, goroutines %d→%d", base.FDs, after.FDs, base.Goroutines, after.Goroutines)
}

// frame helpers for raw injection.
func rawFrame(fields ...any) []byte { return wire.Encode(fields...) }
