package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"

	"github.com/ibwatch/ibwatch/internal/config"
)

// The log file is rotated by size, so that nothing (a flood of rejected
// relay connections, a link that keeps failing) can fill the disk: at
// logMaxMB it is renamed with a timestamp (ibwatch-2026-12-07T01-02-03.000.log)
// and the newest logBackups such files are kept, at most ~40 MB in all.
const (
	logMaxMB   = 10
	logBackups = 3
	// logRepeatEvery is how often an identical warning may be written.
	logRepeatEvery = time.Minute
)

// openLog sends our log, the standard logger and (through the returned
// writer, which the caller passes as conn.Config.LinkStderr) the link's
// stderr to the rotating log file. Identical records are rate-limited
// (repeatLimiter). The caller closes the writer at exit.
func openLog(s *config.Settings) (*lumberjack.Logger, *slog.Logger, error) {
	if err := os.MkdirAll(s.StateDir, 0o700); err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(filepath.Dir(s.LogFile), 0o700); err != nil {
		return nil, nil, err
	}
	// Open once here so that an unwritable file is an error now rather than
	// lost log lines later (the rotating writer opens it lazily), and so
	// that a new file is private.
	f, err := os.OpenFile(s.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, err
	}
	_ = f.Close()
	w := &lumberjack.Logger{Filename: s.LogFile, MaxSize: logMaxMB, MaxBackups: logBackups, LocalTime: true}
	level := slog.LevelInfo
	if s.Debug {
		level = slog.LevelDebug
	}
	h := newRepeatLimiter(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}), logRepeatEvery, time.Now)
	lg := slog.New(h)
	slog.SetDefault(lg)
	log.SetOutput(w)
	return w, lg, nil
}

// repeatLimiter is a slog.Handler that lets an identical record (same
// level, message and attributes, including those added With) through at
// most once per interval; the next one let through carries
// repeated="N times" for the N dropped in between. A warning that repeats
// every few milliseconds then costs a line a minute, and the file still
// says how often it happened. Records dropped at the very end are not
// counted anywhere: the next line would have said it.
type repeatLimiter struct {
	next   slog.Handler
	prefix string // attributes and groups added with WithAttrs/WithGroup, as text
	st     *repeatState
}

// repeatState is shared by a limiter and every handler derived from it.
type repeatState struct {
	every time.Duration
	now   func() time.Time
	mu    sync.Mutex
	seen  map[string]*repeatSeen
}

type repeatSeen struct {
	last    time.Time // when one was last let through
	dropped int
}

// repeatMaxKeys bounds the memory of distinct records: past it, entries
// whose interval has passed are forgotten.
const repeatMaxKeys = 1024

func newRepeatLimiter(next slog.Handler, every time.Duration, now func() time.Time) *repeatLimiter {
	return &repeatLimiter{next: next, st: &repeatState{every: every, now: now, seen: map[string]*repeatSeen{}}}
}

// Enabled defers to the wrapped handler.
func (h *repeatLimiter) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle drops r if an identical record went through less than the
// interval ago.
func (h *repeatLimiter) Handle(ctx context.Context, r slog.Record) error {
	key := h.key(r)
	dropped, ok := h.st.admit(key)
	if !ok {
		return nil
	}
	if dropped > 0 {
		r = r.Clone()
		r.AddAttrs(slog.String("repeated", fmt.Sprintf("%d times", dropped)))
	}
	return h.next.Handle(ctx, r)
}

// admit records one record with key and says whether it goes through and
// how many identical ones were dropped since the last that did.
func (st *repeatState) admit(key string) (dropped int, ok bool) {
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.seen[key]
	if s != nil && now.Sub(s.last) < st.every {
		s.dropped++
		return 0, false
	}
	if s == nil {
		if len(st.seen) >= repeatMaxKeys {
			st.forget(now)
		}
		s = &repeatSeen{}
		st.seen[key] = s
	}
	dropped, s.dropped, s.last = s.dropped, 0, now
	return dropped, true
}

// forget drops the entries whose interval has passed (their dropped
// counts are lost: the memory bound matters more).
func (st *repeatState) forget(now time.Time) {
	for k, s := range st.seen {
		if now.Sub(s.last) >= st.every {
			delete(st.seen, k)
		}
	}
}

func (h *repeatLimiter) key(r slog.Record) string {
	var b strings.Builder
	b.WriteString(r.Level.String())
	b.WriteByte(0)
	b.WriteString(r.Message)
	b.WriteByte(0)
	b.WriteString(h.prefix)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteByte(0)
		b.WriteString(a.String())
		return true
	})
	return b.String()
}

// WithAttrs returns a limiter over the wrapped handler's WithAttrs,
// sharing this one's memory.
func (h *repeatLimiter) WithAttrs(as []slog.Attr) slog.Handler {
	p := h.prefix
	for _, a := range as {
		p += "\x00" + a.String()
	}
	return &repeatLimiter{next: h.next.WithAttrs(as), prefix: p, st: h.st}
}

// WithGroup returns a limiter over the wrapped handler's WithGroup.
func (h *repeatLimiter) WithGroup(name string) slog.Handler {
	return &repeatLimiter{next: h.next.WithGroup(name), prefix: h.prefix + "\x00group " + name, st: h.st}
}
