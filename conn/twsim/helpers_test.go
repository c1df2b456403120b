package twsim

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Helpers shared by the raw-socket tests (race-clean) and the ibapi tests
// (built without -race only, see ibclient_test.go).

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// ibapi v0.10.44 races with itself when the server closes a socket
		// right after the handshake: Connect starts `go c.request()`, whose
		// wg.Add runs inside the new goroutine, so the watcher's Disconnect
		// may finish wg.Wait and reset() (a fresh, never-cancelled ctx)
		// before the requester first selects on c.ctx. That requester then
		// waits forever and nothing public can end it. Seen about once in
		// 50 package runs; every simulator goroutine is still checked.
		goleak.IgnoreTopFunction("github.com/scmhub/ibapi.(*EClient).request"),
	)
}

// fixedNow is the clock most tests inject: a Wednesday in New York.
var fixedNow = time.Date(2026, time.March, 11, 15, 4, 5, 0, time.UTC)

// movingClock runs from fixedNow at 100 times real speed.
func movingClock() func() time.Time {
	t0 := time.Now()
	return func() time.Time { return fixedNow.Add(time.Since(t0) * 100) }
}

// startSim starts a simulator with test-friendly defaults and closes it at
// the end of the test.
func startSim(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.TickInterval == 0 {
		cfg.TickInterval = 20 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	s := New(cfg)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// waitFor polls cond until it holds or the deadline passes. It is for
// conditions on the simulator's own state (no event to wait on).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// lastFault returns the newest fault record's name, or "".
func lastFault(s *Server) string {
	f := s.State().Faults
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1].Fault
}
