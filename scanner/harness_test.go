package scanner

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/conntest"
	"github.com/ibwatch/ibwatch/conn/conntest/fastconf"
	"github.com/ibwatch/ibwatch/conn/twsim"
)

// linkCommand starts the link process; live tests build it on first use
// (see conntest), so pure tests and BenchmarkRank10k do not need it.
var linkCommand []string

func TestMain(m *testing.M) { os.Exit(conntest.Run(m)) }

// needLink builds the link binary once and fails the test if that is
// impossible.
func needLink(t testing.TB) {
	t.Helper()
	linkCommand = conntest.MustLinkCommand(t)
}

// env is a simulator and a running supervisor pointed at it.
type env struct {
	t    testing.TB
	sim  *twsim.Server
	sup  *conn.Supervisor
	stop context.CancelFunc
	done chan error
	evd  chan struct{} // closed when the event drain ends
}

// fastConfig has short intervals so fault tests run in seconds, with more
// room for the heartbeat and handshake: chain requests load the simulator.
func fastConfig(port int) conn.Config {
	c := fastconf.Config(port, linkCommand, 21, 22, 23)
	c.HeartbeatTimeout, c.HandshakeTimeout = 600*time.Millisecond, 2*time.Second
	return c
}

// newSim starts a simulator on a free loopback port.
func newSim(t testing.TB, cfg twsim.Config) *twsim.Server {
	t.Helper()
	needLink(t)
	cfg.Listen = "127.0.0.1:0"
	return conntest.StartSim(t, cfg)
}

// newEnv starts a simulator (cfg) and a supervisor, and waits until the
// API session is up.
func newEnv(t testing.TB, cfg twsim.Config) *env {
	t.Helper()
	sim := newSim(t, cfg)
	sup, err := conn.New(fastConfig(sim.Port()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{t: t, sim: sim, sup: sup, stop: cancel, done: make(chan error, 1), evd: make(chan struct{})}
	go func() { e.done <- sup.Run(ctx) }()
	up := make(chan struct{})
	go func() {
		defer close(e.evd)
		seen := false
		for ev := range sup.Events() {
			if !seen && ev.Kind == conn.KindState && ev.State == conn.StateConnected {
				seen = true
				close(up)
			}
		}
	}()
	t.Cleanup(e.close)
	select {
	case <-up:
	case <-time.After(15 * time.Second):
		t.Fatal("supervisor did not connect to the simulator within 15 s")
	}
	return e
}

// close stops the supervisor and checks it stopped cleanly.
func (e *env) close() {
	e.stop()
	select {
	case err := <-e.done:
		if err != nil {
			e.t.Errorf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		e.t.Fatal("supervisor did not stop within 15 s")
	}
	<-e.evd
}

// lines returns the supervisor's registered market-data lines.
func (e *env) lines() int {
	e.t.Helper()
	n, err := e.sup.Lines(context.Background())
	if err != nil {
		e.t.Fatalf("Lines: %v", err)
	}
	return n
}

// simLines returns the lines TWS (the simulator) holds for our session,
// and -1 when there is no session.
func (e *env) simLines() int {
	st := e.sim.State()
	if len(st.Sessions) == 0 {
		return -1
	}
	n := 0
	for _, s := range st.Sessions {
		n += s.Lines
	}
	return n
}

// eventually polls cond until it holds or timeout passes. It is for
// conditions that only the simulator can report (it has no notification
// channel); each check is cheap.
func eventually(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// waitSnap waits on the chain's change notifications until cond holds for
// a snapshot, and returns that snapshot.
func waitSnap(t testing.TB, ch *Chain, what string, timeout time.Duration, cond func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		changed := ch.Changed()
		s := ch.Snapshot()
		if cond(s) {
			return s
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out after %v waiting for %s; last snapshot: badge %s complete %v lines %d\n%s",
				timeout, what, s.Badge, s.Complete, s.Lines, renderString(s))
			return s
		}
	}
}

func renderString(s Snapshot) string {
	var b strings.Builder
	_ = RenderText(&b, s)
	return b.String()
}

// noPacingErrors fails when TWS answered 100 (pacing) or 101 (lines).
func (e *env) noPacingErrors() {
	e.t.Helper()
	st := e.sim.State().Stats
	if st.ErrorsSent[100] != 0 || st.ErrorsSent[101] != 0 || st.Violations != 0 {
		e.t.Errorf("TWS sent pacing/line errors: 100×%d, 101×%d, violations %d", st.ErrorsSent[100], st.ErrorsSent[101], st.Violations)
	}
}
