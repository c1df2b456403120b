package conn

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/conntest"
	"github.com/ibwatch/ibwatch/conn/twsim"
)

// linkCommand starts the link process for the package's tests (see
// conntest): the same link.Main as production, built without -race.
var linkCommand []string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if addr := os.Getenv("IBWATCH_TEST_SIM_ADDR"); addr != "" {
		return serveSim(addr) // this process is a simulator for a benchmark
	}
	return conntest.RunWithLink(m, &linkCommand)
}

// serveSim runs a simulator on addr until stdin closes.
func serveSim(addr string) int {
	sim := twsim.New(twsim.Config{Listen: addr})
	if err := sim.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer sim.Close()
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// harness runs a simulator and a supervisor pointed at it, and records
// every event the supervisor publishes.
type harness struct {
	t    testing.TB
	sim  *twsim.Server
	sup  *Supervisor
	stop context.CancelFunc
	done chan error

	closeOnce sync.Once

	mu     sync.Mutex
	evs    []Event
	closed bool
	notify chan struct{}
}

// fastConfig has short intervals so fault tests run in seconds. It equals
// conntest/fastconf.Config (with FastRetry), which this package's tests
// cannot import: that package imports conn.
func fastConfig(port int) Config {
	return Config{
		Host: "127.0.0.1", Port: port, ClientIDs: []int64{11, 12, 13},
		Heartbeat: 200 * time.Millisecond, HeartbeatTimeout: 400 * time.Millisecond,
		DialTimeout: 500 * time.Millisecond, HandshakeTimeout: time.Second,
		BackoffBase: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
		IDRetryPause: 100 * time.Millisecond, StableAfter: 500 * time.Millisecond,
		FastRetry:        20 * time.Millisecond,
		LinkCommand:      linkCommand,
		LinkPingInterval: 500 * time.Millisecond, LinkPingTimeout: 2 * time.Second,
		SilentAfter: time.Hour,
	}
}

func newSim(t testing.TB, cfg twsim.Config) *twsim.Server {
	t.Helper()
	if cfg.DupIDCloseDelay == 0 {
		cfg.DupIDCloseDelay = 50 * time.Millisecond
	}
	return conntest.StartSim(t, cfg)
}

func newHarness(t testing.TB, sim *twsim.Server, mod func(*Config)) *harness {
	t.Helper()
	cfg := fastConfig(0)
	if sim != nil {
		cfg.Port = sim.Port()
	}
	cfg.LinkStderr = testLogWriter{t}
	if mod != nil {
		mod(&cfg)
	}
	sup, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, sim: sim, sup: sup, stop: cancel, done: make(chan error, 1), notify: make(chan struct{}, 1)}
	go func() { h.done <- sup.Run(ctx) }()
	go h.collect()
	t.Cleanup(h.close)
	return h
}

func (h *harness) collect() {
	for ev := range h.sup.Events() {
		h.mu.Lock()
		h.evs = append(h.evs, ev)
		h.mu.Unlock()
		select {
		case h.notify <- struct{}{}:
		default:
		}
	}
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	select {
	case h.notify <- struct{}{}:
	default:
	}
}

// close stops the supervisor and checks that it stopped cleanly.
func (h *harness) close() { h.closeOnce.Do(h.doClose) }

func (h *harness) doClose() {
	h.stop()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		h.t.Fatal("supervisor did not stop within 15 s")
	}
	h.waitFor("event stream closed", 5*time.Second, func([]Event) bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.closed
	})
}

// events returns a copy of everything seen so far.
func (h *harness) events() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Event(nil), h.evs...)
}

// mark returns the number of events seen so far, for "after" waits.
func (h *harness) mark() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.evs)
}

// waitFor waits until cond holds for the events seen so far.
func (h *harness) waitFor(what string, timeout time.Duration, cond func([]Event) bool) []Event {
	h.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	// Conditions on counters or the simulator change without an event:
	// re-check them periodically too.
	recheck := time.NewTicker(50 * time.Millisecond)
	defer recheck.Stop()
	for {
		evs := h.events()
		if cond(evs) {
			return evs
		}
		select {
		case <-h.notify:
		case <-recheck.C:
		case <-deadline.C:
			h.t.Fatalf("timed out after %v waiting for %s; events:\n%s", timeout, what, dump(evs))
			return nil
		}
	}
}

// waitState waits for a transition into state after event index from and
// returns it.
func (h *harness) waitState(from int, state State, timeout time.Duration) Event {
	h.t.Helper()
	var got Event
	h.waitFor("state "+state.String(), timeout, func(evs []Event) bool {
		for _, ev := range evs[min(from, len(evs)):] {
			if ev.Kind == KindState && ev.State == state {
				got = ev
				return true
			}
		}
		return false
	})
	return got
}

// states returns the state transitions after index from, as "state/cause".
func states(evs []Event, from int) []string {
	var out []string
	for _, ev := range evs[min(from, len(evs)):] {
		if ev.Kind == KindState {
			out = append(out, ev.State.String()+"/"+ev.Cause.String())
		}
	}
	return out
}

func dump(evs []Event) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "  %s %-9s %-10s %-22s code=%d %s\n", ev.Time.Format("15:04:05.000"), ev.Kind, ev.State, ev.Cause, ev.Code, ev.Message)
	}
	return b.String()
}

// testLogWriter sends the link's stderr to the test log.
type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

var _ io.Writer = testLogWriter{}
