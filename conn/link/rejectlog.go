package link

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rejected relay sockets are logged at most rejectBurst at once and then
// one per rejectEvery; the rest are counted.
const (
	rejectBurst = 3
	rejectEvery = 20 * time.Second
)

// rejectLog rate-limits the warnings for relay sockets the link turns away.
// Any local process can connect to the relay port, and one log line per
// socket would let it grow the log without bound: the first few are logged,
// then about one every rejectEvery, each preceded by the number that were
// not logged; what is still counted when the link exits is logged then.
type rejectLog struct {
	log *slog.Logger
	now func() time.Time

	mu     sync.Mutex
	lim    *rate.Limiter
	hidden int       // rejections not logged yet
	since  time.Time // the first of them
}

func newRejectLog(log *slog.Logger, now func() time.Time) *rejectLog {
	return &rejectLog{log: log, now: now, lim: rate.NewLimiter(rate.Every(rejectEvery), rejectBurst)}
}

// warn logs one rejection, or counts it when too many came recently.
func (r *rejectLog) warn(msg string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if !r.lim.AllowN(now, 1) {
		if r.hidden == 0 {
			r.since = now
		}
		r.hidden++
		return
	}
	r.flushLocked(now)
	r.log.Warn(msg, args...)
}

// flush logs the count of rejections not logged yet, if any.
func (r *rejectLog) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flushLocked(r.now())
}

func (r *rejectLog) flushLocked(now time.Time) {
	if r.hidden == 0 {
		return
	}
	r.log.Warn(fmt.Sprintf("%d more rejected relay sockets in the last %v (not logged one by one)",
		r.hidden, now.Sub(r.since).Round(time.Second)), "rejected", r.hidden)
	r.hidden = 0
}
