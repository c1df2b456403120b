//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestIdleCPU prints what an idle, connected dashboard costs in CPU time:
// the whole program (the dashboard process and its link process), as the
// issue measures it (target: under 1 s per 10 idle connected minutes).
// It is a measurement, not part of the normal suite: it runs only when
// IBWATCH_IDLECPU names how long to measure.
//
//	IBWATCH_IDLECPU=10m go test -run '^TestIdleCPU$' -v -timeout 15m .
//	IBWATCH_IDLECPU=2m IBWATCH_IDLECPU_SIZE=80x24 go test -run '^TestIdleCPU$' -v -timeout 5m .
//
// It builds the binary, starts `ibwatch sim` in its own process, runs the
// dashboard on a pseudo-terminal of the given size (default 120x40) and,
// once it shows CONNECTED, sums the CPU time of every thread of both
// processes from /proc/<pid>/task/*/schedstat (nanoseconds) over the
// period, from the moment it is connected (the first minute after a
// connect costs more: ages show seconds then). Over 10 minutes or more it
// fails if the figure, scaled to 10 minutes, reaches 1 s; shorter periods
// only print it.
func TestIdleCPU(t *testing.T) {
	period, cols, rows := idleCPUArgs(t)
	bin := ibwatchBinary(t)
	port, _ := startSimProcess(t, bin)

	d := startDashboard(t, bin, port, cols, rows)
	defer d.kill()
	d.term.waitFor(t, "CONNECTED", 30*time.Second)
	dashCPU, linkCPU := d.measure(t, period)
	per10 := time.Duration(float64(dashCPU+linkCPU) * float64(10*time.Minute) / float64(period))
	t.Logf("idle CPU over %v at %dx%d: dashboard %v + link %v = %v; per 10 minutes %.2f s (target < 1 s)",
		period, cols, rows, dashCPU.Round(time.Millisecond), linkCPU.Round(time.Millisecond),
		(dashCPU + linkCPU).Round(time.Millisecond), per10.Seconds())
	if strings.Contains(d.term.output(), "BACKOFF") {
		t.Error("the connection dropped during the measurement: not idle")
	}
	if period >= 10*time.Minute && per10 >= time.Second {
		// Shorter periods are only a preview: the first minute after a
		// connect ticks every second ("for 12s") and weighs more.
		t.Errorf("idle CPU %.2f s per 10 minutes, target < 1 s", per10.Seconds())
	}
	d.quit(t)
}

// TestIdleCPURefused prints what the dashboard costs while TWS refuses
// connections (nothing listens on its port: TWS closed for the night),
// from the first refusal on, as an outage of that length costs it: the
// refused-dial fast path (a dial every 200 ms for the first 5 minutes),
// then one dial per backoff cap. The target is under 2 s of CPU per hour,
// dashboard and link together; a period of an hour or more fails above
// it, shorter periods only print the figure (the fast path weighs more in
// a short outage).
//
//	IBWATCH_IDLECPU=1h go test -run '^TestIdleCPURefused$' -v -timeout 70m .
func TestIdleCPURefused(t *testing.T) {
	period, cols, rows := idleCPUArgs(t)
	bin := ibwatchBinary(t)
	d := startDashboard(t, bin, freeTCPPort(t), cols, rows)
	defer d.kill()
	d.term.waitFor(t, "BACKOFF", 30*time.Second)
	dashCPU, linkCPU := d.measure(t, period)
	perHour := time.Duration(float64(dashCPU+linkCPU) * float64(time.Hour) / float64(period))
	t.Logf("CPU over %v of refusals at %dx%d: dashboard %v + link %v = %v; per hour %.2f s (target < 2 s)",
		period, cols, rows, dashCPU.Round(time.Millisecond), linkCPU.Round(time.Millisecond),
		(dashCPU + linkCPU).Round(time.Millisecond), perHour.Seconds())
	if !strings.Contains(d.term.output(), "every 5s") {
		t.Errorf("the retry schedule is not on screen; the terminal got:\n%q", tailOf(d.term.output(), 2000))
	}
	if period >= time.Hour && perHour >= 2*time.Second {
		t.Errorf("CPU while refused %.2f s per hour, target < 2 s", perHour.Seconds())
	}
	d.quit(t)
}

// idleCPUArgs reads the measurement's length (IBWATCH_IDLECPU; the test is
// skipped without it) and terminal size (IBWATCH_IDLECPU_SIZE, COLSxROWS).
func idleCPUArgs(t *testing.T) (period time.Duration, cols, rows int) {
	period, err := time.ParseDuration(os.Getenv("IBWATCH_IDLECPU"))
	if err != nil {
		t.Skip("set IBWATCH_IDLECPU=10m (a duration) to measure the idle dashboard's CPU time")
	}
	cols, rows = 120, 40
	if s := os.Getenv("IBWATCH_IDLECPU_SIZE"); s != "" {
		if _, err := fmt.Sscanf(s, "%dx%d", &cols, &rows); err != nil {
			t.Fatalf("IBWATCH_IDLECPU_SIZE=%q: want COLSxROWS", s)
		}
	}
	return period, cols, rows
}

// dashboard is the real binary running on a pseudo-terminal.
type dashboard struct {
	cmd     *exec.Cmd
	term    *pty
	exited  chan struct{} // closed when the dashboard has ended
	waitErr error
}

// startDashboard runs the dashboard against port on a cols×rows terminal.
func startDashboard(t *testing.T, bin string, port, cols, rows int) *dashboard {
	term := openPTY(t, cols, rows)
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--state-dir", filepath.Join(t.TempDir(), "state"))
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "TERM=xterm-256color", "IBWATCH_BACKGROUND=")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = term.tty, term.tty, term.tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &dashboard{cmd: cmd, term: term, exited: make(chan struct{})}
	go func() { d.waitErr = cmd.Wait(); close(d.exited) }()
	_ = term.tty.Close() // the child holds it now
	return d
}

// measure returns the CPU time the dashboard and its link process use
// over period; the link must not be replaced meanwhile.
func (d *dashboard) measure(t *testing.T, period time.Duration) (dash, link time.Duration) {
	pid := d.cmd.Process.Pid
	linkPID := childOf(t, pid)
	cpu0, link0 := schedCPU(t, pid), schedCPU(t, linkPID)
	select {
	case <-d.exited:
		t.Fatalf("the dashboard ended during the measurement: %v", d.waitErr)
	case <-time.After(period): // the measurement itself
	}
	cpu1, link1 := schedCPU(t, pid), schedCPU(t, linkPID)
	if now := childOf(t, pid); now != linkPID {
		t.Fatalf("the link process was replaced during the measurement (%d → %d): not idle", linkPID, now)
	}
	return cpu1 - cpu0, link1 - link0
}

// quit presses q and expects the dashboard to end cleanly.
func (d *dashboard) quit(t *testing.T) {
	if _, err := d.term.master.WriteString("q"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.exited:
		if d.waitErr != nil {
			t.Errorf("ibwatch after q: %v", d.waitErr)
		}
	case <-time.After(15 * time.Second):
		t.Error("ibwatch did not quit within 15 s of q")
	}
}

// kill ends the dashboard if it is still running.
func (d *dashboard) kill() {
	select {
	case <-d.exited:
	default:
		_ = d.cmd.Process.Kill()
		<-d.exited
	}
}

// pty is a pseudo-terminal: the test holds master, the dashboard tty. A
// goroutine reads everything the dashboard writes (so it never blocks)
// and answers the terminal queries Bubble Tea's init makes (background
// colour, cursor position) as a terminal would.
type pty struct {
	master, tty *os.File
	mu          sync.Mutex
	out         bytes.Buffer
	done        chan struct{} // closed when the reader has seen the last byte
}

func openPTY(t *testing.T, cols, rows int) *pty {
	t.Helper()
	// Non-blocking, so that the runtime poller owns it: Close then ends a
	// pending Read at once (a hangup happens when Close is called).
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	master := os.NewFile(uintptr(fd), "/dev/ptmx")
	t.Cleanup(func() { _ = master.Close() })
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(rows), Col: uint16(cols)}); err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := &pty{master: master, tty: tty, done: make(chan struct{})}
	go p.read()
	return p
}

func (p *pty) read() {
	defer close(p.done)
	buf := make([]byte, 64<<10)
	for {
		n, err := p.master.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if bytes.Contains(chunk, []byte("\x1b]11;?")) {
				_, _ = p.master.WriteString("\x1b]11;rgb:0000/0000/0000\x1b\\")
			}
			if bytes.Contains(chunk, []byte("\x1b[6n")) {
				_, _ = p.master.WriteString("\x1b[1;1R")
			}
			p.mu.Lock()
			p.out.Write(chunk)
			if p.out.Len() > 1<<20 { // keep the recent output only
				p.out.Next(p.out.Len() - 256<<10)
			}
			p.mu.Unlock()
		}
		if err != nil {
			return // the dashboard and every copy of the tty are gone
		}
	}
}

func (p *pty) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func (p *pty) waitFor(t *testing.T, text string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !strings.Contains(p.output(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("%q not on screen within %v; the terminal got:\n%q", text, limit, tailOf(p.output(), 2000))
		}
		<-time.After(50 * time.Millisecond) // polling the screen
	}
}

func tailOf(s string, n int) string { return s[max(0, len(s)-n):] }

// childOf is the one child process of pid (the link process). Each
// thread lists the children it forked, and in Go any thread may fork.
func childOf(t *testing.T, pid int) int {
	t.Helper()
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var kids []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil {
			kids = append(kids, strings.Fields(string(b))...)
		}
	}
	if len(kids) != 1 {
		t.Fatalf("process %d has children %v, want exactly the link process", pid, kids)
	}
	kid, _ := strconv.Atoi(kids[0])
	return kid
}

// schedCPU is the CPU time of every thread of pid so far: the first field
// of /proc/<pid>/task/*/schedstat, in nanoseconds.
func schedCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	files, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schedstat for process %d: %v", pid, err)
	}
	var sum time.Duration
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // a thread that just ended
		}
		if fields := strings.Fields(string(b)); len(fields) > 0 {
			ns, _ := strconv.ParseInt(fields[0], 10, 64)
			sum += time.Duration(ns)
		}
	}
	return sum
}
