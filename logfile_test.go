package main

import (
	"bytes"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/internal/config"
)

// fakeClock is a time source the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func limitedLogger(every time.Duration) (*slog.Logger, *bytes.Buffer, *fakeClock) {
	var buf bytes.Buffer
	clk := &fakeClock{t: time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)}
	h := newRepeatLimiter(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}), every, clk.now)
	return slog.New(h), &buf, clk
}

func lines(buf *bytes.Buffer) []string {
	return strings.Split(strings.TrimSpace(buf.String()), "\n")
}

// A warning logged 1,000 times within the interval is written once; the
// next one after the interval says how many were dropped.
func TestRepeatLimiterDropsIdentical(t *testing.T) {
	lg, buf, clk := limitedLogger(time.Minute)
	for range 1000 {
		lg.Warn("relay: rejected connection", "from", "127.0.0.1")
		clk.t = clk.t.Add(time.Millisecond)
	}
	if got := lines(buf); len(got) != 1 {
		t.Fatalf("%d lines within the interval, want 1:\n%s", len(got), buf)
	}
	clk.t = clk.t.Add(time.Minute)
	lg.Warn("relay: rejected connection", "from", "127.0.0.1")
	got := lines(buf)
	if len(got) != 2 || !strings.Contains(got[1], `repeated="999 times"`) {
		t.Fatalf("after the interval got:\n%s\nwant a second line with repeated=\"999 times\"", buf)
	}
	clk.t = clk.t.Add(time.Minute)
	lg.Warn("relay: rejected connection", "from", "127.0.0.1")
	if got := lines(buf); len(got) != 3 || strings.Contains(got[2], "repeated") {
		t.Fatalf("nothing dropped since, yet:\n%s", buf)
	}
}

// Records that differ in level, message, attributes or the logger's own
// attributes are not identical: each goes through.
func TestRepeatLimiterKeepsDifferent(t *testing.T) {
	lg, buf, _ := limitedLogger(time.Minute)
	lg.Warn("link exited", "code", 1)
	lg.Warn("link exited", "code", 2)
	lg.Error("link exited", "code", 1)
	lg.Warn("link crashed", "code", 1)
	lg.With("component", "chain").Warn("link exited", "code", 1)
	lg.WithGroup("g").Warn("link exited", "code", 1)
	lg.Warn("link exited", "code", 1) // the first again: dropped
	if got := lines(buf); len(got) != 6 {
		t.Fatalf("%d lines, want 6:\n%s", len(got), buf)
	}
}

// The memory of distinct records stays bounded when every record differs
// (e.g. a remote port in each).
func TestRepeatLimiterBoundedMemory(t *testing.T) {
	lg, _, clk := limitedLogger(time.Second)
	h := lg.Handler().(*repeatLimiter)
	for i := range 10 * repeatMaxKeys {
		lg.Warn("rejected", "port", i)
		clk.t = clk.t.Add(10 * time.Millisecond)
	}
	if n := len(h.st.seen); n > repeatMaxKeys {
		t.Fatalf("%d keys remembered, bound %d", n, repeatMaxKeys)
	}
}

// The log file is rotated by size: past logMaxMB the file is renamed and a
// new one started; at most logBackups old files are kept.
func TestLogFileRotates(t *testing.T) {
	dir := t.TempDir()
	s := &config.Settings{StateDir: dir, LogFile: filepath.Join(dir, "ibwatch.log")}
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev); log.SetOutput(os.Stderr) })
	w, _, err := openLog(s)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	chunk := bytes.Repeat([]byte("x"), 1<<20-1)
	chunk = append(chunk, '\n')
	for range (logBackups + 2) * (logMaxMB + 1) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(s.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > logMaxMB<<20 {
		t.Errorf("current log file %d bytes, cap %d MB", fi.Size(), logMaxMB)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", fi.Mode().Perm())
	}
	// Old files are removed in the background after a rotation.
	deadline := time.Now().Add(5 * time.Second)
	for {
		old, _ := filepath.Glob(filepath.Join(dir, "ibwatch-*.log"))
		if len(old) == logBackups {
			break
		}
		if len(old) < logBackups || time.Now().After(deadline) {
			t.Fatalf("%d rotated files %v, want %d", len(old), old, logBackups)
		}
		<-time.After(20 * time.Millisecond) // lumberjack's cleanup goroutine runs after the rotation
	}
}
