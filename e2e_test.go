package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// The binary a user builds, driven as a user would: `ibwatch sim` in one
// process, `ibwatch --headless` in another, every fault triggered through
// the simulator's HTTP control port (as with curl), and the states and
// causes read from the JSON lines on stdout.
func TestHeadlessAgainstSimControlPort(t *testing.T) {
	bin := ibwatchBinary(t)
	port, control := startSimProcess(t, bin)

	state := t.TempDir()
	w := exec.Command(bin, "--headless", "--port", fmt.Sprint(port), "--client-id", "41,42",
		"--heartbeat", "200ms", "--heartbeat-timeout", "400ms", "--handshake-timeout", "1s",
		"--backoff-base", "20ms", "--backoff-max", "200ms", "--state-dir", state)
	w.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir()) // no user config file
	out, err := w.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	evs := newEventReader(t, out)
	evs.waitState(t, conn.StateConnected, "", 15*time.Second)

	post := func(path string) {
		t.Helper()
		resp, err := http.Post(control+path, "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s: %s", path, resp.Status)
		}
	}
	cases := []struct {
		name, inject, heal string
		state              conn.State
		cause              string
		bound              time.Duration
	}{
		{"drop", "/fault/drop", "", conn.StateBackoff, "closed_by_tws", 300 * time.Millisecond},
		{"stall", "/fault/stall?on=true", "/fault/stall?on=false", conn.StateBackoff, "heartbeat_timeout", 600*time.Millisecond + 500*time.Millisecond},
		{"restart", "/fault/restart?down=1s", "", conn.StateBackoff, "closed_by_tws", 300 * time.Millisecond},
		{"ib-link", "/fault/iblink/lost", "/fault/iblink/restored?kept=false", conn.StateDegraded, "ib_link_lost", 300 * time.Millisecond},
		{"port-reset", "/fault/port-reset?port=0", "", conn.StateBackoff, "port_reset", 300 * time.Millisecond},
		{"latency", "/fault/latency?d=1s", "/fault/latency?d=0", conn.StateBackoff, "heartbeat_timeout", 1100 * time.Millisecond},
		{"malformed-frame", "/fault/raw-preset?name=truncated-tick-price", "", conn.StateBackoff, "link_crashed", 500 * time.Millisecond},
	}
	for _, c := range cases {
		evs.mark()
		at := time.Now()
		post(c.inject)
		lost := evs.waitState(t, c.state, "", 10*time.Second)
		if lost.Cause.String() != c.cause {
			t.Fatalf("%s: cause %s, want %s", c.name, lost.Cause, c.cause)
		}
		if took := lost.Time.Sub(at); took > c.bound {
			t.Errorf("%s: detected after %v, bound %v", c.name, took, c.bound)
		}
		if c.heal != "" {
			post(c.heal)
		}
		evs.waitState(t, conn.StateConnected, "", 15*time.Second)
		t.Logf("%-16s detected as %s/%s in %v, healed", c.name, lost.State, lost.Cause, lost.Time.Sub(at).Round(time.Millisecond))
	}
	// Faults before the handshake: failed attempts with their causes, then back.
	for _, c := range []struct{ name, on, off, cause string }{
		{"refuse", "/fault/refuse?on=true", "/fault/refuse?on=false", "refused"},
		{"handshake-stall", "/fault/handshake-stall?on=true", "/fault/handshake-stall?on=false", "handshake_timeout"},
		{"accept-close", "/fault/accept-close?on=true", "/fault/accept-close?on=false", "accepted_then_closed"},
	} {
		evs.mark()
		post(c.on)
		post("/fault/drop")
		evs.waitState(t, conn.StateBackoff, c.cause, 10*time.Second)
		post(c.off)
		evs.waitState(t, conn.StateConnected, "", 15*time.Second)
		t.Logf("%-16s failed attempts with cause %s, healed", c.name, c.cause)
	}
	// SIGINT: a clean exit, stopped last.
	w.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- w.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGINT: %v", err)
		}
	case <-time.After(10 * time.Second):
		w.Process.Kill()
		t.Fatal("no exit within 10 s of SIGINT")
	}
	last := evs.last()
	if last.State != conn.StateStopped || last.Cause != conn.CauseShutdown {
		t.Fatalf("last event %+v, want stopped/shutdown", last)
	}
}

// eventReader collects the JSON lines of `ibwatch --headless`.
type eventReader struct {
	mu     sync.Mutex
	evs    []conn.Event
	from   int
	notify chan struct{}
	raw    []string
}

func newEventReader(t *testing.T, r io.Reader) *eventReader {
	er := &eventReader{notify: make(chan struct{}, 1)}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var ev conn.Event
			line := sc.Text()
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				line = "UNPARSEABLE: " + line
			}
			er.mu.Lock()
			er.evs = append(er.evs, ev)
			er.raw = append(er.raw, line)
			er.mu.Unlock()
			select {
			case er.notify <- struct{}{}:
			default:
			}
		}
	}()
	return er
}

func (er *eventReader) mark() {
	er.mu.Lock()
	er.from = len(er.evs)
	er.mu.Unlock()
}

func (er *eventReader) last() conn.Event {
	er.mu.Lock()
	defer er.mu.Unlock()
	return er.evs[len(er.evs)-1]
}

// waitState waits for a state event (with cause, if given) after the mark.
func (er *eventReader) waitState(t *testing.T, st conn.State, cause string, timeout time.Duration) conn.Event {
	t.Helper()
	deadline := time.After(timeout)
	for {
		er.mu.Lock()
		for _, ev := range er.evs[er.from:] {
			if ev.Kind == conn.KindState && ev.State == st && (cause == "" || ev.Cause.String() == cause) {
				er.mu.Unlock()
				return ev
			}
		}
		er.mu.Unlock()
		select {
		case <-er.notify:
		case <-deadline:
			er.mu.Lock()
			tail := er.raw[max(0, len(er.raw)-30):]
			er.mu.Unlock()
			t.Fatalf("no %s %s within %v; last lines:\n%s", st, cause, timeout, strings.Join(tail, "\n"))
		}
	}
}

func freeTCPPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitHTTP(t *testing.T, url string) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not up: %v", url, err)
		}
		<-time.After(50 * time.Millisecond) // the simulator process is starting
	}
}
