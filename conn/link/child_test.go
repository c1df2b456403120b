package link

import (
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// Containment tests: the real ibwatch binary runs `ibwatch link` as a child
// process, and the test plays the parent.

// A malformed frame makes the library panic on its decoder goroutine. That
// kills the child, as designed; the parent only sees its stdout close and
// every line it did get is a valid protocol line.
func TestIntegrationChildCrashOnMalformedFrame(t *testing.T) {
	for name, payload := range map[string][]byte{
		// TICK_PRICE [1, v, reqId, tickType, price, size, attrMask]
		"non-numeric price": rawFrame("1", "6", "1", "1", "x.y", "100", "0"),
		// A non-numeric integer also makes the library fmt.Println the
		// field to stdout before panicking: it must land on stderr, not in
		// the protocol stream.
		"non-numeric reqId": rawFrame("1", "6", "PRINTED-TO-STDOUT", "1", "1.5", "100", "0"),
	} {
		t.Run(name, func(t *testing.T) {
			srv := startSim(t)
			p, _ := startChild(t)
			connectReady(t, p, srv, 1, 1)
			heartbeat(t, p, 1)
			srv.RawFrame(payload)
			code, ok := p.exitStatus(wait)
			if !ok {
				t.Fatal("child still running after a malformed frame")
			}
			t.Logf("child exit status %d", code)
			if code == 0 {
				t.Errorf("child exit status 0 after a library panic")
			}
			p.mu.Lock()
			bad, eof := p.badLine, p.eof
			p.mu.Unlock()
			if !eof {
				t.Error("child's stdout did not close")
			}
			if bad != "" {
				t.Errorf("non-protocol line on the child's stdout: %q", bad)
			}
			if !strings.Contains(p.stderr.String(), "panic") {
				t.Errorf("child's stderr does not show the panic:\n%s", p.stderr.String())
			}
			if strings.Contains(name, "reqId") && !strings.Contains(p.stderr.String(), "PRINTED-TO-STDOUT") {
				t.Errorf("the library's stdout print did not reach stderr")
			}
			// The test process (the parent) carries on: the simulator still
			// serves a new link.
			p2 := startLink(t)
			connectReady(t, p2, srv, 2, 2)
		})
	}
}

// Closing the child's stdin ends it at once even while an attempt hangs in
// the handshake (the library's Connect would wait forever there).
func TestIntegrationChildExitsOnStdinCloseDuringHandshakeStall(t *testing.T) {
	srv := startSim(t)
	srv.SetHandshakeStall(true)
	p, _ := startChild(t)
	c := connectTo(srv, 1, 1)
	c.HandshakeTimeoutMs = 60_000
	p.send(c)
	waitFor(p, func(m linkproto.Dialed) bool { return m.Attempt == 1 })
	closeStdinExpectExit(t, p)
}

// closeStdinExpectExit closes the child's stdin and requires it to exit
// cleanly within a second.
func closeStdinExpectExit(t *testing.T, p *parent) {
	t.Helper()
	start := time.Now()
	_ = p.stdin.Close()
	code, ok := p.exitStatus(time.Second)
	if !ok {
		t.Fatal("child still running 1s after its stdin closed")
	}
	t.Logf("child exited %v after stdin closed, status %d", time.Since(start).Round(time.Millisecond), code)
	if code != ExitOK {
		t.Errorf("exit status %d, want %d", code, ExitOK)
	}
}

// floodMktData sends n market-data requests with a big generic tick list, so
// a few hundred fill every socket buffer between the EClient and a stalled
// TWS that no longer reads.
func floodMktData(p *parent, a uint64, n int) {
	gen := strings.Repeat("100,", 8<<10)
	for i := 0; i < n; i++ {
		line, err := linkproto.Encode(linkproto.ReqMktData{Attempt: a, Req: int64(1000 + i), Contract: linkproto.Contract{Symbol: "AAPL", SecType: "STK", Exchange: "SMART", Currency: "USD"}, Generic: gen})
		if err != nil {
			p.t.Fatal(err)
		}
		if _, err := p.stdin.Write(line); err != nil {
			return // the child has exited (queue full); the caller checks why
		}
	}
}

// When TWS stops reading, Req* calls block inside the library. The link
// keeps answering pings, and closing stdin still ends it within a second.
func TestIntegrationChildExitsOnStdinCloseWithReqStuck(t *testing.T) {
	srv := startSim(t)
	p, _ := startChild(t)
	connectReady(t, p, srv, 1, 1)
	srv.SetStall(true)
	floodMktData(p, 1, 700) // 700 × 32 KiB ≈ 22 MiB, under the 1024-deep queue
	p.ping()
	closeStdinExpectExit(t, p)
}

// A send queue that fills up means TWS stopped reading for good: the link
// says so and exits, and the parent replaces it.
func TestIntegrationChildSendQueueFull(t *testing.T) {
	srv := startSim(t)
	p, _ := startChild(t)
	connectReady(t, p, srv, 1, 1)
	srv.SetStall(true)
	floodMktData(p, 1, 2500)
	f := waitFor[linkproto.Fatal](p, nil)
	if !strings.Contains(f.Detail, "send queue full") {
		t.Errorf("fatal %q, want the send queue", f.Detail)
	}
	code, ok := p.exitStatus(wait)
	if !ok || code != ExitFatal {
		t.Fatalf("exit status %d (ended %v), want %d", code, ok, ExitFatal)
	}
}
