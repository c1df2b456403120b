//go:build linux

package link

import (
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// blackholeListener makes a loopback port whose SYNs go unanswered: a
// listening socket with backlog 0 that never accepts, its queue filled by
// one completed connection. Linux then drops further SYNs (the accept queue
// is full), which is what a firewalled or frozen host looks like to a dialer.
// It returns the port (closed at test cleanup), or skips the test when the
// kernel answers anyway.
func blackholeListener(t *testing.T) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	port := sa.(*syscall.SockaddrInet4).Port
	// Fill the queue: with backlog 0 the kernel keeps one established
	// connection waiting for accept; keep dialing until a SYN goes
	// unanswered.
	for i := 0; i < 8; i++ {
		c, err := net.DialTimeout("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 300*time.Millisecond)
		if err != nil {
			if isTimeout(err) {
				return port
			}
			t.Skipf("backlog trick unusable on this kernel: dial error %v", err)
		}
		t.Cleanup(func() { _ = c.Close() })
	}
	t.Skip("backlog trick unusable on this kernel: the listener keeps completing handshakes")
	return 0
}

func TestIntegrationDialTimeout(t *testing.T) {
	port := blackholeListener(t)
	p := startLink(t)
	start := time.Now()
	p.send(linkproto.Connect{Attempt: 1, Host: "127.0.0.1", Port: port, ClientID: 1, DialTimeoutMs: 300, HandshakeTimeoutMs: 1000})
	cl := closedFor(p, 1)
	took := time.Since(start)
	if cl.Cause != linkproto.CauseDialTimeout || cl.EClient {
		t.Fatalf("closed = %+v, want %q", cl, linkproto.CauseDialTimeout)
	}
	t.Logf("dial_timeout reported after %v (deadline 300ms)", took.Round(time.Millisecond))
	if took < 250*time.Millisecond {
		t.Errorf("dial timeout reported after %v, before its 300ms deadline", took)
	}
}
