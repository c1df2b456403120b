package conn

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Supervisor owns one connection to TWS: it runs the state machine, the
// heartbeats and the backoff, owns the link process, keeps market-data
// subscriptions alive across reconnects, and publishes events.
//
// All state below the mutex is owned by the goroutine running Run; the
// public methods talk to it through channels and never block on TWS. The
// phase (phase.go) is the state machine and the public State is derived
// from it; the owned parts (heartbeat, link liveness, pacer, retry streak,
// outage window, session facts, remedies) each keep their own fields and
// methods in the file named after them; attempt.go, linkmsg.go and loss.go
// hold an attempt's life from start to loss.
type Supervisor struct {
	cfg  Config
	back Backoff

	events chan Event     // public, closed when Run returns
	pubQ   chan Event     // supervisor → publisher
	cmds   chan func()    // closures run on the supervisor goroutine
	force  chan struct{}  // "reconnect now", cap 1
	linkEv chan linkEvent // link readers → supervisor
	done   chan struct{}  // closed when Run returns
	ran    atomic.Bool

	mu     sync.Mutex // guards snap and met
	snap   Status
	met    counters
	ctxRun context.Context

	// ---- supervisor goroutine only ----
	since    time.Time
	cause    Cause
	epoch    uint64
	port     int
	idIdx    int
	idRetry  bool // the current id is being retried once after a 326
	failures int  // consecutive failed attempts (backoff exponent)

	link        *linkProc
	linkSeq     uint64
	links       map[*linkProc]struct{} // every process not yet reaped
	attempt     uint64
	phase       phase     // the one source of truth for State (see phase.go)
	degraded    bool      // in phUp: TWS is not linked to IB (State Degraded)
	deadline    time.Time // current phase's deadline
	retryAt     time.Time // backoff end
	linkRetryAt time.Time // when the link's next refused-dial retry is due (phRetrying)
	upAt        time.Time // when the current session became connected
	lossAt      time.Time // when the last healthy session was lost
	outageAt    time.Time // when the current outage began (fast path, see fastpath.go)
	reqSeq      int64
	subs        *registry
	pending     map[int64]*pendingReq

	// Owned parts, each with its own methods.
	live   linkLiveness // pings to the link process (linkproc.go)
	hb     heartbeat    // REQ_CURRENT_TIME round trips to TWS (heartbeat.go)
	pace   pacer        // the paced request queues (pacer.go)
	streak retryStreak  // a run of failed attempts with one cause (streak.go)
	win    outageWindow // the maintenance window an outage started in (window.go)
	sess   session      // what TWS told about the current session (session.go)
	rem    *remedy      // IBC remedies; nil when not configured
}

// ErrNotConnected is returned by requests made while the API session is down.
var ErrNotConnected = errors.New("not connected to TWS")

// ErrStopped is returned by requests made after the supervisor stopped.
var ErrStopped = errors.New("supervisor stopped")

// New returns a supervisor for cfg (defaults applied). Call Run to start it.
func New(cfg Config) (*Supervisor, error) {
	cfg = cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Schedule.Validate(); err != nil {
		return nil, err
	}
	s := &Supervisor{
		cfg:     cfg,
		back:    Backoff{Base: cfg.BackoffBase, Multiplier: cfg.BackoffFactor, Cap: cfg.BackoffMax, Rand: cfg.Rand},
		events:  make(chan Event, 4096),
		pubQ:    make(chan Event, 8192),
		cmds:    make(chan func(), 64),
		force:   make(chan struct{}, 1),
		linkEv:  make(chan linkEvent, 256),
		done:    make(chan struct{}),
		port:    cfg.Port,
		links:   map[*linkProc]struct{}{},
		pace:    pacer{limiter: rate.NewLimiter(rate.Limit(cfg.RequestRate), cfg.RequestBurst)},
		pending: map[int64]*pendingReq{},
		sess:    newSession(),
		reqSeq:  1000,
	}
	s.subs = newRegistry()
	if cfg.IBC.On() {
		s.rem = newRemedy(cfg.IBC)
	}
	now := cfg.Now()
	s.since = now
	s.met.init(now)
	s.snap = Status{State: StateIdle, Since: now, Addr: s.addr(), ClientID: s.clientID()}
	return s, nil
}

// Events returns the event stream. It is closed after Run returns and every
// event has been delivered or dropped.
func (s *Supervisor) Events() <-chan Event { return s.events }

// Config returns the effective configuration (defaults applied).
func (s *Supervisor) Config() Config { return s.cfg }

// ReconnectNow drops the current connection or attempt (if any) and starts a
// new attempt at once, skipping any backoff wait. It never blocks.
func (s *Supervisor) ReconnectNow() {
	select {
	case s.force <- struct{}{}:
	default: // one is already pending
	}
}

// Status returns a copy of the current connection status.
func (s *Supervisor) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.snap
	st.Farms = append([]Farm(nil), st.Farms...)
	st.Accounts = append([]string(nil), st.Accounts...)
	return st
}

// call runs f on the supervisor goroutine and waits for it to finish.
func (s *Supervisor) call(ctx context.Context, f func()) error {
	if !s.ran.Load() {
		return errors.New("supervisor not running")
	}
	fin := make(chan struct{})
	select {
	case s.cmds <- func() { f(); close(fin) }:
	case <-s.done:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-fin:
		return nil
	case <-s.done:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Supervisor) addr() string {
	return s.cfg.Host + ":" + strconv.Itoa(s.port)
}

func (s *Supervisor) clientID() int64 {
	return s.cfg.ClientIDs[s.idIdx%len(s.cfg.ClientIDs)]
}

// Run supervises the connection until ctx ends. It returns nil after a clean
// shutdown: the link process is killed and reaped, every goroutine it started
// has returned, and the event channel is closed.
func (s *Supervisor) Run(ctx context.Context) (err error) {
	if !s.ran.CompareAndSwap(false, true) {
		return errors.New("supervisor: Run called twice")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.ctxRun = ctx

	var pubWG sync.WaitGroup
	pubWG.Add(1)
	pub, jerr := newPublisher(s.cfg, s.pubQ, s.events, &s.met, &s.mu)
	go func() { defer pubWG.Done(); pub.run() }()
	if jerr != nil {
		s.cfg.Logger.Warn("journal disabled", "err", jerr)
		// Said in the event log too: the user expects a history on disk.
		s.emitApp(SevWarning, fmt.Sprintf("events are not being saved: %v", jerr))
	}

	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("supervisor panic: %v", r)
			s.cfg.Logger.Error("supervisor panic", "panic", r)
		}
		s.shutdown()
		close(s.pubQ)
		pubWG.Wait()
		close(s.done)
	}()

	s.emitApp(SevInfo, "ibwatch started, watching "+s.addr())
	s.startAttempt(CauseStart)

	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.armTimer(timer)
		select {
		case <-ctx.Done():
			return nil
		case ev := <-s.linkEv:
			s.onLinkEvent(ev)
		case f := <-s.cmds:
			f()
		case <-s.force:
			s.onForce()
		case <-timer.C:
		}
		s.onTimers()
	}
}

// armTimer sets the single loop timer to the earliest pending deadline.
func (s *Supervisor) armTimer(t *time.Timer) {
	next := time.Time{}
	for _, d := range []time.Time{s.deadline, s.retryAt, s.hb.next, s.hb.wait, s.live.due, s.live.wait, s.pace.pumpAt, s.win.end, s.subs.nextCheck, s.remedyDue()} {
		if !d.IsZero() && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	wait := time.Hour
	if !next.IsZero() {
		wait = max(next.Sub(s.cfg.Now()), 0)
	}
	if !t.Stop() {
		select {
		case <-t.C:
		default:
		}
	}
	t.Reset(wait)
}

// onTimers handles every deadline that has passed.
func (s *Supervisor) onTimers() {
	now := s.cfg.Now()
	// take clears a deadline that has passed and reports that it had.
	take := func(t *time.Time) bool {
		if t.IsZero() || now.Before(*t) {
			return false
		}
		*t = time.Time{}
		return true
	}
	if take(&s.deadline) {
		s.onPhaseDeadline()
	}
	if take(&s.retryAt) && s.phase == phBackoff {
		s.startAttempt(CauseRetry)
	}
	if take(&s.hb.wait) {
		s.onHeartbeatTimeout(now)
	}
	if take(&s.hb.next) {
		s.sendHeartbeat(now)
	}
	if take(&s.live.wait) {
		s.linkMisbehaved(CauseLinkProtocol, s.linkSilent(s.cfg.LinkPingTimeout))
	}
	if take(&s.live.due) {
		s.sendPing(now)
	}
	take(&s.pace.pumpAt)
	s.pump(now)
	if take(&s.win.end) {
		s.onWindowEnd()
	}
	if !s.subs.nextCheck.IsZero() && !now.Before(s.subs.nextCheck) {
		s.checkSilentSubs(now) // clears and re-arms the check itself
	}
	s.checkRemedies(s.cfg.Now()) // after the handlers above: symptoms start no earlier than their events
}
