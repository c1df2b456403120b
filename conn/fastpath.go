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
// at most that interval plus the handshake. After that a refused dial waits
// the backoff's bound without jitter (it is at its cap by then), so a
// weekend of refusals costs one dial per cap (default 5 s). Jitter is for
// attempts that load TWS; on a refusal it would only shorten some waits
// and so add dials. Attempts that TWS accepts and then fails (handshake
// timeout, accept-then-close, 326, a close before ready) never use the
// fast path: they keep the exponential backoff with full jitter, and
// refusals on the fast path do not advance its exponent.
//
// What a refusal costs while idle is mostly wake-ups: on a small VM one
// wake-up of a Go process costs about 100 µs of CPU, and a refused dial
// (socket, connect, close) about 450 µs all told. So the link reports its
// refusals with a dial rather than on a timer of its own, and the
// supervisor does not ping a link whose reports already prove it alive
// (retrySilence). BenchmarkIdleRefused measures the result.

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

// fastUntil is the end of the fast path running at now: the end of the
// span containing now, carried on through spans that overlap it.
func (s *Supervisor) fastUntil(now time.Time) (time.Time, bool) {
	spans := s.fastSpans(now)
	until := int64(-1)
	for changed := true; changed; {
		changed = false
		for _, sp := range spans {
			if (sp.Contains(now) || until >= 0 && sp.From <= until) && sp.Until > until {
				until, changed = sp.Until, true
			}
		}
	}
	if until < 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(until), true
}

// refusedRetry is the schedule of the link's refused-dial loop, for
// Status and the backoff state events; nil unless the link runs one.
func (s *Supervisor) refusedRetry(now time.Time) *RefusedRetry {
	if s.phase != phRetrying {
		return nil
	}
	r := &RefusedRetry{Every: s.cfg.BackoffMax}
	if until, ok := s.fastUntil(now); ok && s.cfg.FastRetry > 0 {
		r.Fast, r.FastUntil = s.cfg.FastRetry, until
	}
	return r
}
