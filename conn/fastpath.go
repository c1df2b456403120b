package conn

import (
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// The refused-dial fast path.
//
// A dial that TWS refuses (ECONNREFUSED: nothing listens on the port) costs
// one SYN and one RST on loopback; backing off from it protects no one and
// only delays the reconnect after TWS's listener comes back. So while TWS
// refuses, early in an outage (Config.FastRetryFor, default 5 min) and
// always inside the daily-restart window, the port is probed every
// Config.FastRetry (default 200 ms): the reconnect follows the reopening by
// at most that interval plus the handshake. After that the usual backoff
// takes over (it is at its cap by then), so a weekend of refusals costs a
// dial every few seconds. Attempts that TWS accepts and then fails
// (handshake timeout, accept-then-close, 326, a close before ready) never
// use the fast path: they keep the exponential backoff with full jitter,
// and refusals on the fast path do not advance its exponent.

// fastSpans returns the periods, as seen from now, in which refused dials
// are retried every FastRetry: the start of the current outage, and the
// daily-restart window now running or the next one. Nil when the fast
// path is off.
func (s *Supervisor) fastSpans(now time.Time) []linkproto.Span {
	if s.cfg.FastRetryFor < 0 {
		return nil
	}
	start := s.outageAt
	if start.IsZero() {
		start = now
	}
	spans := []linkproto.Span{{From: start.UnixMilli(), Until: start.Add(s.cfg.FastRetryFor).UnixMilli()}}
	sch := s.cfg.Schedule
	if last, ok := sch.lastRestart(now); ok {
		if end := last.Add(sch.restartWindow()); now.Before(end) {
			spans = append(spans, linkproto.Span{From: last.UnixMilli(), Until: end.UnixMilli()})
		} else {
			next := last.AddDate(0, 0, 1)
			spans = append(spans, linkproto.Span{From: next.UnixMilli(), Until: next.Add(sch.restartWindow()).UnixMilli()})
		}
	}
	return spans
}

// fastAt reports whether a refused dial at now is retried on the fast path.
func (s *Supervisor) fastAt(now time.Time) bool {
	for _, sp := range s.fastSpans(now) {
		if sp.Contains(now) {
			return true
		}
	}
	return false
}
