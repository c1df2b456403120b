//go:build unix

package conn

import (
	"context"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// A stopped link child (SIGSTOP) is our own process not answering, not TWS
// going silent: the loss names the link and its pid, and the stopped child
// is killed and replaced.
func TestStoppedLinkIsBlamedOnTheLink(t *testing.T) {
	h, pid, from := connectedLink(t)
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// If the test fails before the supervisor kills it, do not leave a
	// stopped child behind (SIGKILL ends a stopped process too).
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
	lost := h.waitState(from, StateBackoff, 5*time.Second)
	if lost.Cause == CauseHeartbeatTimeout || !strings.Contains(lost.Message, "link process") {
		t.Fatalf("a stopped link was reported as %v: %q", lost.Cause, lost.Message)
	}
	if lost.Cause != CauseLinkProtocol || !strings.Contains(lost.Message, "pid") {
		t.Fatalf("cause %v %q, want the link's cause naming its pid", lost.Cause, lost.Message)
	}
	h.waitLinkReplaced(from, pid)
	for _, ev := range h.events()[from:] {
		if ev.Kind == KindHeartbeat && ev.Cause == CauseHeartbeatTimeout {
			t.Fatalf("heartbeat timeout blamed on TWS: %q", ev.Message)
		}
	}
}

// While TWS refuses, the link retries by itself and is not pinged (its
// reports prove it alive, and a ping every interval would wake both
// processes for nothing). A link stopped then must still be caught: by
// the silence of its reports, within the report interval plus
// retrySilence, and replaced, so that the dial that finds TWS back is
// made. Before the first report after the stop, no ping was sent.
func TestStoppedLinkWhileRefusedIsReplaced(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	sim.SetRefuse(true)
	h := newHarness(t, sim, func(c *Config) {
		c.FastRetryFor = -1
		c.BackoffMax = 50 * time.Millisecond
		c.LinkPingInterval, c.LinkPingTimeout = 200*time.Millisecond, 300*time.Millisecond
	})
	var pings0 uint64
	h.waitFor("the link retrying refused dials by itself", 10*time.Second, func([]Event) bool {
		var retrying bool
		_ = h.sup.call(context.Background(), func() { retrying, pings0 = h.sup.phase == phRetrying, h.sup.live.seq })
		return retrying && h.sup.Metrics().FailedAttempts >= 20
	})
	// Several report intervals of refusals: still no ping.
	failed := h.sup.Metrics().FailedAttempts
	h.waitFor("more refusals reported", 10*time.Second, func([]Event) bool {
		return h.sup.Metrics().FailedAttempts >= failed+40
	})
	var pings uint64
	_ = h.sup.call(context.Background(), func() { pings = h.sup.live.seq })
	if pings != pings0 {
		t.Fatalf("%d liveness ping(s) sent to a link that reports its retries", pings-pings0)
	}

	from := h.mark()
	pid := h.linkPID()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
	h.waitFor("the stopped link blamed", 10*time.Second, func(evs []Event) bool {
		return slices.ContainsFunc(evs[from:], func(e Event) bool {
			return e.Kind == KindState && e.Cause == CauseLinkProtocol && strings.Contains(e.Message, "stopped reporting")
		})
	})
	sim.SetRefuse(false)
	h.waitLinkReplaced(from, pid)
}
