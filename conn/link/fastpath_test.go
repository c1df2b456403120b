package link

import (
	"net"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// Refused dials inside a fast span are retried at the fixed interval and
// do not advance the backoff exponent; outside the spans each one does.
func TestRetryFastSpansDoNotAdvanceBackoff(t *testing.T) {
	port := closedPort(t)

	now := time.Now()
	for name, span := range spansAround(now) {
		t.Run(name, func(t *testing.T) {
			p := startLink(t)
			p.send(linkproto.Connect{Attempt: 1, Host: "127.0.0.1", Port: port, ClientID: 1, DialTimeoutMs: 2000, HandshakeTimeoutMs: 2000,
				Retry: &linkproto.Retry{BaseMs: 10, CapMs: 10, Factor: 1, ReportMs: 50, FastMs: 10, Fast: []linkproto.Span{span}}})
			r := waitFor(p, func(m linkproto.Retrying) bool { return m.Attempt == 1 && m.Refused > 0 })
			want := r.Refused
			if name == "inside" {
				want = 0
			}
			if r.Backoff != want {
				t.Fatalf("report %+v: %d refusals advanced the backoff, want %d", r, r.Backoff, want)
			}
			p.send(linkproto.Drop{Attempt: 1})
			if cl := closedFor(p, 1); cl.Cause != linkproto.CauseDropped {
				t.Fatalf("closed %+v, want dropped", cl)
			}
		})
	}
}

// Outside the fast spans a refused dial waits the backoff bound, without
// jitter: at the cap that is one dial per cap, and the report says so
// exactly (jitter would only add dials while nobody is listening).
func TestRetryRefusedWaitsTheBoundWithoutJitter(t *testing.T) {
	port := closedPort(t)

	p := startLink(t)
	p.send(linkproto.Connect{Attempt: 1, Host: "127.0.0.1", Port: port, ClientID: 1, DialTimeoutMs: 2000, HandshakeTimeoutMs: 2000,
		Retry: &linkproto.Retry{BaseMs: 40, CapMs: 40, Factor: 1, ReportMs: 100}})
	for range 3 {
		r := waitFor(p, func(m linkproto.Retrying) bool { return m.Attempt == 1 && m.Refused > 0 })
		if r.NextInMs != 40 {
			t.Fatalf("report %+v: next refused dial in %d ms, want the cap, 40 ms", r, r.NextInMs)
		}
	}
	p.send(linkproto.Drop{Attempt: 1})
	if cl := closedFor(p, 1); cl.Cause != linkproto.CauseDropped {
		t.Fatalf("closed %+v, want dropped", cl)
	}
}

// closedPort is a loopback port that nothing listens on: a dial there is
// refused.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	return port
}

// On the fast path the refusals are reported every FastReportMs (the user
// may be watching the count); outside it only every ReportMs.
func TestRetryReportsMoreOftenOnTheFastPath(t *testing.T) {
	port := closedPort(t)
	now := time.Now()
	for name, span := range spansAround(now) {
		t.Run(name, func(t *testing.T) {
			p := startLink(t)
			p.send(linkproto.Connect{Attempt: 1, Host: "127.0.0.1", Port: port, ClientID: 1, DialTimeoutMs: 2000, HandshakeTimeoutMs: 2000,
				Retry: &linkproto.Retry{BaseMs: 10, CapMs: 10, Factor: 1, ReportMs: 60_000, FastMs: 10, Fast: []linkproto.Span{span}, FastReportMs: 50}})
			_, reported := lookFor(p, 2*time.Second, func(m linkproto.Retrying) bool { return m.Attempt == 1 })
			if reported != (name == "inside") {
				t.Fatalf("reported within 2 s: %v", reported)
			}
			p.send(linkproto.Drop{Attempt: 1})
			closedFor(p, 1)
		})
	}
}

// spansAround is a fast span that contains now ("inside") and one that
// ended before it ("outside").
func spansAround(now time.Time) map[string]linkproto.Span {
	return map[string]linkproto.Span{
		"inside":  {From: now.Add(-time.Second).UnixMilli(), Until: now.Add(time.Hour).UnixMilli()},
		"outside": {From: now.Add(-time.Hour).UnixMilli(), Until: now.Add(-time.Minute).UnixMilli()},
	}
}
