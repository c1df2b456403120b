package link

import (
	"io"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRejectLogFirstFewThenASummary(t *testing.T) {
	var buf syncBuffer
	now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	r := newRejectLog(slog.New(slog.NewTextHandler(&buf, nil)), func() time.Time { return now })
	for range 100 {
		r.warn("rejected a relay socket")
	}
	if n := strings.Count(buf.String(), "msg=\"rejected a relay socket\""); n != rejectBurst {
		t.Fatalf("a burst of 100 logged %d lines, want %d:\n%s", n, rejectBurst, buf.String())
	}
	now = now.Add(rejectEvery)
	r.warn("rejected a relay socket")
	out := buf.String()
	if !strings.Contains(out, "97 more rejected relay sockets in the last 20s") || strings.Count(out, "\n") != rejectBurst+2 {
		t.Fatalf("after %v: want the count of the 97 not logged, then the line:\n%s", rejectEvery, out)
	}
	r.flush() // nothing pending: no line
	if strings.Count(buf.String(), "\n") != rejectBurst+2 {
		t.Fatalf("flush with nothing counted logged:\n%s", buf.String())
	}
}

// rejectedTotal returns the number of rejected relay sockets stderr
// accounts for: lines logged one by one plus the counts of summaries.
func rejectedTotal(stderr string) (lines, total int) {
	lines = strings.Count(stderr, "rejected an extra socket")
	total = lines
	for _, m := range regexp.MustCompile(`(\d+) more rejected relay sockets`).FindAllStringSubmatch(stderr, -1) {
		n, _ := strconv.Atoi(m[1])
		total += n
	}
	return lines, total
}

// Any local process can connect to the relay port: a flood of sockets
// gets a few log lines and a count, not one line each.
func TestIntegrationRelayRejectFloodIsRateLimited(t *testing.T) {
	ports := make(chan int, 4)
	relayListening = func(port int) { ports <- port }
	t.Cleanup(func() { relayListening = nil })
	srv := startSim(t)
	p := startLink(t)
	connectReady(t, p, srv, 1, 1)
	port := <-ports
	const flood = 40
	for i := range flood {
		c, err := net.Dial("tcp4", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		// The relay closes a rejected socket after logging it: EOF means
		// this one has been dealt with.
		_ = c.SetReadDeadline(time.Now().Add(wait))
		if _, err := io.ReadAll(c); err != nil {
			t.Fatalf("socket %d: %v", i, err)
		}
		c.Close()
	}
	heartbeat(t, p, 1) // the session itself is untouched
	_ = p.stdin.Close()
	if _, ok := p.exitStatus(wait); !ok {
		t.Fatal("link did not exit")
	}
	lines, total := rejectedTotal(p.stderr.String())
	if lines > 2*rejectBurst || total != flood {
		t.Fatalf("%d rejected sockets: %d logged one by one, %d accounted for; want at most %d lines and all counted:\n%s",
			flood, lines, total, 2*rejectBurst, p.stderr.String())
	}
}
