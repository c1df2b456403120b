//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// watcherEnv is the environment of a test instance: no user config file.
func watcherEnv(t *testing.T, extra ...string) []string {
	return append(append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "IBWATCH_BACKGROUND=dark"), extra...)
}

// The dashboard refuses a stdout or stdin that is not a terminal, and
// TERM=dumb, with one line and status 2, before it starts anything (the
// state directory is not even created).
func TestDashboardRefusesNonTerminal(t *testing.T) {
	bin := ibwatchBinary(t)
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	cases := []struct {
		name    string
		tty     bool // stdin and stdout on a pseudo-terminal (then in/out override)
		in, out func() *os.File
		env     string
		want    string
	}{
		{name: "piped-stdout", want: "ibwatch: stdout is not a terminal; use --headless"},
		{name: "file-stdout-null-stdin", out: func() *os.File {
			f, err := os.Create(filepath.Join(t.TempDir(), "out"))
			if err != nil {
				t.Fatal(err)
			}
			return f
		}, in: func() *os.File { return devNull }, want: "ibwatch: stdout is not a terminal; use --headless"},
		{name: "null-stdin", tty: true, in: func() *os.File { return devNull }, want: "ibwatch: stdin is not a terminal; use --headless"},
		{name: "dumb", tty: true, env: "TERM=dumb", want: "ibwatch: TERM=dumb cannot show the dashboard; use --headless"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "state")
			cmd := exec.Command(bin, "--demo", "--state-dir", state)
			cmd.Env = watcherEnv(t, "TERM=xterm-256color", c.env)
			var stderr bytes.Buffer
			var stdout *bytes.Buffer
			if c.tty {
				term := openPTY(t, 100, 30)
				defer term.tty.Close()
				cmd.Stdin, cmd.Stdout = term.tty, term.tty
			} else {
				stdout = &bytes.Buffer{}
				cmd.Stdout = stdout // a pipe
			}
			if c.in != nil {
				cmd.Stdin = c.in()
			}
			if c.out != nil {
				cmd.Stdout = c.out()
			}
			cmd.Stderr = &stderr
			err := runWithin(t, cmd, 10*time.Second)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Errorf("exit %v, want status 2", err)
			}
			if got := strings.TrimSpace(stderr.String()); got != c.want {
				t.Errorf("stderr %q, want %q", got, c.want)
			}
			if stdout != nil && stdout.Len() > 0 {
				t.Errorf("wrote %q to the pipe", stdout.String())
			}
			if _, err := os.Stat(state); err == nil {
				t.Errorf("the state directory was created: something started")
			}
		})
	}
}

// runWithin runs cmd and waits for it at most limit.
func runWithin(t *testing.T, cmd *exec.Cmd, limit time.Duration) error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%v still running after %v", cmd.Args, limit)
		return nil
	}
}

// headless is a running `ibwatch --headless` whose first event has arrived.
type headless struct {
	cmd   *exec.Cmd
	first conn.Event
	done  chan error
}

// startHeadless starts a headless watcher on state (pointed at a port
// nobody listens on: it retries for ever, which is all a lock test needs)
// and waits for its first JSON line.
func startHeadless(t *testing.T, bin, state string, extra ...string) *headless {
	t.Helper()
	args := append([]string{"--headless", "--port", fmt.Sprint(freeTCPPort(t)), "--state-dir", state}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = watcherEnv(t)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &headless{cmd: cmd, done: make(chan error, 1)}
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		_, _ = io.Copy(io.Discard, out)
		h.done <- cmd.Wait()
	}()
	t.Cleanup(func() { h.stop(t) })
	select {
	case line, ok := <-first:
		if !ok {
			t.Fatalf("%v ended without an event; stderr: %s", args, stderr.String())
		}
		if err := json.Unmarshal([]byte(line), &h.first); err != nil {
			t.Fatalf("first line %q: %v", line, err)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no event from %v within 15 s", args)
	}
	return h
}

// stop ends the watcher with SIGTERM and wants a clean exit.
func (h *headless) stop(t *testing.T) {
	if h.done == nil {
		return
	}
	_ = h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		_ = h.cmd.Process.Kill()
		<-h.done
		t.Errorf("no exit within 10 s of SIGTERM")
	}
	h.done = nil
}

// One watcher per state directory: a second one says who holds it and
// exits 2; a demo beside it is fine (its own journal); once the first has
// stopped the next one starts.
func TestStateDirLock(t *testing.T) {
	bin := ibwatchBinary(t)
	state := t.TempDir()
	first := startHeadless(t, bin, state)

	second := exec.Command(bin, "--headless", "--port", fmt.Sprint(freeTCPPort(t)), "--state-dir", state)
	second.Env = watcherEnv(t)
	var stderr bytes.Buffer
	second.Stderr = &stderr
	err := runWithin(t, second, 10*time.Second)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Errorf("second instance: exit %v, want status 2", err)
	}
	want := fmt.Sprintf("ibwatch: %s is in use by pid %d (since ", filepath.Join(state, "events"), first.cmd.Process.Pid)
	if got := stderr.String(); !strings.HasPrefix(got, want) || !strings.Contains(got, "stop it or choose another --state-dir") {
		t.Errorf("second instance said %q, want %q… stop it or choose another --state-dir", got, want)
	}

	demo := startHeadless(t, bin, state, "--demo")
	demo.stop(t)

	first.stop(t)
	third := startHeadless(t, bin, state)
	third.stop(t)
}

// A state directory that group or others may read is kept, with a warning
// in the headless stream (first line), the log file and the dashboard.
func TestLooseStateDirWarns(t *testing.T) {
	bin := ibwatchBinary(t)
	state := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(state, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(state, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	h := startHeadless(t, bin, state)
	if h.first.Kind != conn.KindApp || h.first.Severity != conn.SevWarning || !strings.Contains(h.first.Message, "permissions 0755") {
		t.Errorf("first event %+v, want a warning about permissions 0755", h.first)
	}
	h.stop(t)
	log, err := os.ReadFile(filepath.Join(state, "ibwatch.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "permissions 0755") {
		t.Errorf("no warning in the log file:\n%s", log)
	}
	if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the directory's mode was changed: %v %v", fi.Mode(), err)
	}

	term := openPTY(t, 220, 40)
	cmd := exec.Command(bin, "--demo", "--state-dir", state)
	cmd.Env = watcherEnv(t, "TERM=xterm-256color")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = term.tty, term.tty, term.tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = term.tty.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Error("the dashboard did not stop within 5 s of SIGTERM")
		}
	}()
	term.waitFor(t, "permissions 0755", 20*time.Second)
}
