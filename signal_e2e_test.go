//go:build linux

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDashboardStops runs the real dashboard (--demo) in a pseudo-terminal,
// as the controlling terminal of its own session, and stops it each way a
// user or a service manager does: SIGINT, SIGTERM, SIGHUP, the q key, and
// a real hangup (the terminal closed: the kernel sends SIGHUP to the
// session leader), six times each. Every time the process must exit with
// status 0 within 5 s, give the terminal back (after entering the
// alternate screen it leaves it and shows the cursor again; not visible
// after a hangup, there is no terminal left) and leave a "stopped" record
// in the journal. The exit latency of each try is
// measured and summarised (how many within 1 s).
func TestDashboardStops(t *testing.T) {
	bin := ibwatchBinary(t)
	const perWay = 6
	ways := []struct {
		name string
		stop func(p *os.Process, term *pty) error
	}{
		{"hangup", func(_ *os.Process, term *pty) error { return term.master.Close() }},
		{"SIGINT", func(p *os.Process, _ *pty) error { return p.Signal(syscall.SIGINT) }},
		{"SIGTERM", func(p *os.Process, _ *pty) error { return p.Signal(syscall.SIGTERM) }},
		{"SIGHUP", func(p *os.Process, _ *pty) error { return p.Signal(syscall.SIGHUP) }},
		{"q", func(_ *os.Process, term *pty) error { _, err := term.master.WriteString("q"); return err }},
	}
	var took []time.Duration // of the tries that exited
	tries := 0
	for i := range perWay {
		for _, w := range ways {
			tries++
			t.Run(fmt.Sprintf("%s-%d", w.name, i), func(t *testing.T) {
				d := stopDashboard(t, bin, w.stop)
				took = append(took, d)
				t.Logf("exited %v after the stop", d.Round(time.Millisecond))
			})
		}
	}
	if len(took) == 0 {
		return
	}
	within := 0
	for _, d := range took {
		if d <= time.Second {
			within++
		}
	}
	t.Logf("dashboard stops: %d of %d tries exited within 1 s (%d exited within 5 s), max %v, median %v",
		within, tries, len(took), slices.Max(took).Round(time.Millisecond), median(took).Round(time.Millisecond))
}

// stopDashboard starts one dashboard, stops it with stop and returns how
// long it took to exit.
func stopDashboard(t *testing.T, bin string, stop func(*os.Process, *pty) error) time.Duration {
	t.Helper()
	state := t.TempDir()
	term := openPTY(t, 100, 30)
	cmd := exec.Command(bin, "--demo", "--state-dir", state)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "TERM=xterm-256color", "IBWATCH_BACKGROUND=dark")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = term.tty, term.tty, term.tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = term.tty.Close() // the child holds it now
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	term.waitFor(t, "CONNECTED", 20*time.Second)

	at := time.Now()
	if err := stop(cmd.Process, term); err != nil {
		t.Fatal(err)
	}
	_, err := term.master.Stat()
	hungUp := errors.Is(err, os.ErrClosed)
	select {
	case err := <-exited:
		took := time.Since(at)
		exited <- err // for the deferred check
		if err != nil {
			t.Errorf("exit: %v, want status 0", err)
		}
		<-term.done // every byte the dashboard wrote has been read
		if !hungUp {
			checkRestored(t, term.output())
		}
		checkStopped(t, filepath.Join(state, "demo-events"))
		return took
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after the stop; the terminal shows:\n%q", tailOf(term.output(), 600))
	}
	return 0
}

// checkRestored wants, after the last switch to the alternate screen, the
// switch back and the cursor shown.
func checkRestored(t *testing.T, out string) {
	t.Helper()
	const altOn, altOff, cursorShow = "\x1b[?1049h", "\x1b[?1049l", "\x1b[?25h"
	i := strings.LastIndex(out, altOn)
	if i < 0 {
		t.Fatalf("the alternate screen was never entered; output:\n%q", tailOf(out, 600))
	}
	rest := out[i:]
	if !strings.Contains(rest, altOff) || !strings.Contains(rest, cursorShow) {
		t.Errorf("terminal not restored (no alternate-screen exit and cursor show after the enter); tail:\n%q", tailOf(out, 600))
	}
}

// checkStopped wants a "stopped" state record in the journal.
func checkStopped(t *testing.T, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "events-*.jsonl"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if strings.Contains(sc.Text(), `"state":"stopped"`) {
				return
			}
		}
	}
	t.Errorf("no stopped record in the journal %s (%d files)", dir, len(files))
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
