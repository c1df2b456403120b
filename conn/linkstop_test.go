//go:build unix

package conn

import (
	"strings"
	"syscall"
	"testing"
	"time"
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
