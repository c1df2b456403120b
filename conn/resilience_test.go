package conn

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// linkPID returns the current link process id (0 if none).
func (h *harness) linkPID() int {
	var pid int
	if err := h.sup.call(context.Background(), func() {
		if h.sup.link != nil {
			pid = h.sup.link.pid()
		}
	}); err != nil {
		h.t.Fatal(err)
	}
	return pid
}

// connectedLink starts a connected session and returns its link's pid and
// the event mark before any fault.
func connectedLink(t *testing.T) (*harness, int, int) {
	t.Helper()
	sim := newSim(t, twsim.Config{})
	h := newHarness(t, sim, nil)
	h.waitState(0, StateConnected, 10*time.Second)
	pid := h.linkPID()
	if pid == 0 {
		t.Fatal("no link process")
	}
	return h, pid, h.mark()
}

// waitLinkReplaced waits for the session to be back with a new link.
func (h *harness) waitLinkReplaced(from, pid int) {
	h.t.Helper()
	h.waitState(from, StateConnected, 10*time.Second)
	if np := h.linkPID(); np == pid || np == 0 {
		h.t.Fatalf("link not replaced: %d → %d", pid, np)
	}
}

func TestLinkKilledIsReplaced(t *testing.T) {
	h, pid, from := connectedLink(t)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	lost := h.waitState(from, StateBackoff, 2*time.Second)
	if lost.Cause != CauseLinkCrashed {
		t.Fatalf("cause %v, want link_crashed", lost.Cause)
	}
	h.waitLinkReplaced(from, pid)
	if m := h.sup.Metrics(); m.LinkRestarts < 1 {
		t.Fatalf("link restarts = %d", m.LinkRestarts)
	}
}

// A malformed frame from TWS panics the client library: only the link dies.
func TestMalformedFrameKillsOnlyTheLink(t *testing.T) {
	frames := map[string][]byte{
		"non-numeric price": []byte("1\x006\x001\x001\x00x.y\x00100\x000\x00"),
		"truncated fields":  []byte("1\x006\x00"),
		"bad message id":    []byte("hello\x00"),
		"negative count":    []byte("75\x001\x00SMART\x001\x00X\x00100\x00-1\x00"),
	}
	for name, frame := range frames {
		t.Run(strings.ReplaceAll(name, " ", "-"), func(t *testing.T) {
			sim := newSim(t, twsim.Config{})
			h := newHarness(t, sim, nil)
			h.waitState(0, StateConnected, 10*time.Second)
			from := h.mark()
			sim.RawFrame(frame)
			lost := h.waitState(from, StateBackoff, 3*time.Second)
			if lost.Cause != CauseLinkCrashed && lost.Cause != CauseLinkProtocol {
				t.Fatalf("cause %v, want the link to crash", lost.Cause)
			}
			h.waitState(from, StateConnected, 10*time.Second)
		})
	}
}

func TestHugeLengthPrefixIsAProtocolError(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	h := newHarness(t, sim, nil)
	h.waitState(0, StateConnected, 10*time.Second)
	from := h.mark()
	sim.RawBytes([]byte{0x7f, 0xff, 0xff, 0xff})
	lost := h.waitState(from, StateBackoff, 3*time.Second)
	if lost.Cause != CauseProtocolError {
		t.Fatalf("cause %v, want protocol_error", lost.Cause)
	}
	h.waitState(from, StateConnected, 10*time.Second)
}

func TestSubscriptionSurvivesRestart(t *testing.T) {
	sim := newSim(t, twsim.Config{TickInterval: 50 * time.Millisecond})
	h := newHarness(t, sim, nil)
	h.waitState(0, StateConnected, 10*time.Second)
	sub := subscribeT(t, h.sup, Contract{Symbol: "MSFT", SecType: "STK", Exchange: "SMART", Currency: "USD"}, SubOptions{})
	q := waitQuote(t, sub, func(q Quote) bool { return Has(q.Bid) && Has(q.Ask) && !q.Stale })
	if q.Epoch != 1 || q.Type != MDLive {
		t.Fatalf("first quote %+v", q)
	}
	from := h.mark()
	sim.Restart(500 * time.Millisecond)
	h.waitState(from, StateBackoff, 3*time.Second)
	waitQuote(t, sub, func(q Quote) bool { return q.Stale })
	h.waitState(from, StateConnected, 10*time.Second)
	q = waitQuote(t, sub, func(q Quote) bool { return !q.Stale && q.Epoch == 2 })
	if !Has(q.Bid) || q.Type != MDLive {
		t.Fatalf("resumed quote %+v", q)
	}
	st := sim.State()
	if len(st.Sessions) != 1 || st.Sessions[0].Lines != 1 {
		t.Fatalf("simulator sessions after resubscribe: %+v", st.Sessions)
	}
	sub.Close()
	h.waitFor("line released at TWS", 5*time.Second, func([]Event) bool {
		st := sim.State()
		return len(st.Sessions) == 1 && st.Sessions[0].Lines == 0
	})
}

func TestDelayedFallbackAndTypeSurviveReconnect(t *testing.T) {
	sim := newSim(t, twsim.Config{TickInterval: 50 * time.Millisecond})
	var sym string
	for _, s := range sim.Universe().Stocks() {
		if !s.Live {
			sym = s.Symbol
			break
		}
	}
	if sym == "" {
		t.Fatal("the simulator has no symbol without a live subscription")
	}
	h := newHarness(t, sim, nil)
	h.waitState(0, StateConnected, 10*time.Second)
	sub := subscribeT(t, h.sup, Contract{Symbol: sym, SecType: "STK", Exchange: "SMART", Currency: "USD"}, SubOptions{AutoDelayed: true})
	q := waitQuote(t, sub, func(q Quote) bool { return Has(q.Last) || Has(q.Bid) })
	if !q.Delayed || q.Type != MDDelayed {
		t.Fatalf("want delayed data for %s, got %+v", sym, q)
	}
	from := h.mark()
	sim.Drop()
	h.waitState(from, StateConnected, 10*time.Second)
	q = waitQuote(t, sub, func(q Quote) bool { return !q.Stale && q.Epoch == 2 })
	if q.Type != MDDelayed {
		t.Fatalf("after reconnect the subscription lost its delayed type: %+v", q)
	}
}

// Pacing: a burst of subscriptions never trips TWS's 50 msg/s (100) or the
// line limit (101); the budget refuses what would.
func TestPacingAndLineBudget(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	h := newHarness(t, sim, func(c *Config) { c.MaxLines = 60 })
	h.waitState(0, StateConnected, 10*time.Second)
	var stocks []string
	for _, s := range sim.Universe().Stocks() {
		if s.Live {
			stocks = append(stocks, s.Symbol)
		}
	}
	var subs []*Sub
	for i := 0; i < 70; i++ {
		c := Contract{Symbol: stocks[i%len(stocks)], SecType: "STK", Exchange: "SMART", Currency: "USD"}
		sub, err := h.sup.Subscribe(context.Background(), c, SubOptions{})
		if i >= 60 {
			if err == nil {
				t.Fatalf("subscription %d accepted beyond the 60-line budget", i)
			}
			continue
		}
		if err != nil {
			t.Fatalf("subscription %d: %v", i, err)
		}
		subs = append(subs, sub)
	}
	h.waitFor("60 lines at TWS", 10*time.Second, func([]Event) bool {
		st := sim.State()
		return len(st.Sessions) == 1 && st.Sessions[0].Lines == 60
	})
	for _, s := range subs {
		s.Close()
	}
	st := sim.State()
	if st.Stats.ErrorsSent[100] != 0 || st.Stats.ErrorsSent[101] != 0 {
		t.Fatalf("TWS limits tripped: %v", st.Stats.ErrorsSent)
	}
	if n, _ := h.sup.Lines(context.Background()); n != 0 {
		t.Fatalf("%d lines still held after closing", n)
	}
}

// 200 reconnect cycles leave no goroutines, file descriptors or link
// processes behind.
func TestReconnectCyclesDoNotLeak(t *testing.T) {
	cycles := 200
	if testing.Short() {
		cycles = 20
	}
	sim := newSim(t, twsim.Config{})
	h := newHarness(t, sim, nil)
	h.waitState(0, StateConnected, 10*time.Second)
	baseG, baseFD, baseKids := runtime.NumGoroutine(), countFDs(t), countChildren(t)
	for i := 0; i < cycles; i++ {
		from := h.mark()
		sim.Drop()
		h.waitState(from, StateBackoff, 5*time.Second)
		h.waitState(from, StateConnected, 10*time.Second)
	}
	// Replaced links are reaped asynchronously; wait for the counts to settle.
	var g, fd, kids int
	h.waitFor("resources back to baseline", 10*time.Second, func([]Event) bool {
		g, fd, kids = runtime.NumGoroutine(), countFDs(t), countChildren(t)
		return g <= baseG+2 && fd <= baseFD+2 && kids <= baseKids
	})
	t.Logf("after %d cycles: goroutines %d→%d, fds %d→%d, link processes %d→%d", cycles, baseG, g, baseFD, fd, baseKids, kids)
	if m := h.sup.Metrics(); m.Reconnects != int64(cycles) {
		t.Fatalf("reconnects = %d, want %d", m.Reconnects, cycles)
	}
}

func countFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc: fd counting needs Linux")
	}
	return len(ents)
}

// countChildren counts live child processes of this test process.
func countChildren(t testing.TB) int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc")
	}
	me := os.Getpid()
	n := 0
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		var state string
		var ppid int
		if _, err := fmt.Sscanf(s[i+2:], "%s %d", &state, &ppid); err == nil && ppid == me && state != "Z" {
			n++
		}
	}
	return n
}

// A long refusal (TWS down for the weekend) is retried by the link itself:
// the log stays short, the counters keep counting, the status shows the
// next retry, and the first dial that TWS accepts goes on to connect.
func TestLongRefusalIsRetriedInTheLink(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	sim.SetRefuse(true)
	h := newHarness(t, sim, func(c *Config) { c.BackoffMax = 50 * time.Millisecond; c.LinkPingInterval = 300 * time.Millisecond })
	h.waitFor("refusals counted beyond the logged ones", 10*time.Second, func([]Event) bool {
		return h.sup.Metrics().FailedAttempts >= 40
	})
	var delegated bool
	if err := h.sup.call(context.Background(), func() { delegated = h.sup.phase == phRetrying }); err != nil {
		t.Fatal(err)
	}
	if !delegated {
		t.Fatal("the refused-dial loop was not handed to the link")
	}
	backoffs := 0
	for _, ev := range h.events() {
		if ev.Kind == KindState && ev.State == StateBackoff {
			backoffs++
		}
	}
	if backoffs > 5 {
		t.Fatalf("%d backoff events for a run of refusals: the log should show the first ones and a summary", backoffs)
	}
	if st := h.sup.Status(); st.State != StateBackoff || st.NextRetry.IsZero() || st.Cause != CauseRefused {
		t.Fatalf("status during the refusal: %+v", st)
	}
	from := h.mark()
	sim.SetRefuse(false)
	up := h.waitState(from, StateConnected, 10*time.Second)
	if got := states(h.events(), from); len(got) < 2 || got[0] != "connecting/retry" {
		t.Fatalf("after TWS came back: %v", got)
	}
	if up.Epoch != 1 {
		t.Fatalf("epoch %d", up.Epoch)
	}
	// ReconnectNow during a delegated loop is taken at once.
	sim.SetRefuse(true)
	sim.Drop()
	h.waitFor("delegated again", 10*time.Second, func([]Event) bool { return h.sup.Metrics().FailedAttempts >= 80 })
	sim.SetRefuse(false)
	from = h.mark()
	h.sup.ReconnectNow()
	h.waitState(from, StateConnected, 5*time.Second)
}
