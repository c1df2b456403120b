package conn

import (
	"fmt"
	"time"
)

// retryStreak is a run of failed attempts with the same cause (a weekend
// of "connection refused"): the log shows its first attempts, then a
// summary now and then, while state, status and metrics see every attempt.
type retryStreak struct {
	cause     Cause
	n         int // failed attempts in the run
	since     time.Time
	summaryAt time.Time     // last summary written to the log
	gap       time.Duration // until the next summary
}

// failed counts a failed attempt with cause at now; a loss of a session
// that was up, or a new cause, starts a new run (the loss itself is not a
// failed attempt).
func (r *retryStreak) failed(cause Cause, now time.Time, wasUp bool) {
	if wasUp || cause != r.cause {
		r.cause, r.n, r.since, r.summaryAt, r.gap = cause, 0, now, now, streakSummaryFirst
	}
	if !wasUp {
		r.n++
	}
}

// end closes the run: a session is up.
func (r *retryStreak) end() { r.cause, r.n = CauseNone, 0 }

// A run of identical failed attempts (a weekend of "connection refused")
// is summarised in the event log after streakSummaryFirst, then at gaps
// that double up to streakSummaryMax: the first minutes of an outage in
// detail, a night of it in a dozen lines, and each summary wakes the
// dashboard once.
const (
	streakSummaryFirst = time.Minute
	streakSummaryMax   = 30 * time.Minute
)

// quiet reports whether the transition belongs to a run of identical
// failed attempts that the log already shows: the first two of a run are
// published, then the summaries. The state machine, status and metrics
// still see every attempt.
func (r *retryStreak) quiet(to State, now time.Time) (quiet bool, summary string) {
	if r.n < 3 || (to != StateConnecting && to != StateBackoff) {
		return false, ""
	}
	if to == StateConnecting || now.Sub(r.summaryAt) < r.gap {
		return true, ""
	}
	r.summaryAt = now
	r.gap = min(2*r.gap, streakSummaryMax)
	return false, fmt.Sprintf("still failing: %d attempts since %s", r.n, r.since.Format("15:04:05"))
}
