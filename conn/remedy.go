package conn

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn/ibc"
)

// Graded remedies through IBC's command server.
//
// Reconnecting does not heal a sick far end: a data farm that stays
// broken, an IB link that stays lost (1100) or a TWS whose API stopped
// answering. IBC, which runs TWS unattended for many traders, can ask TWS
// to reconnect its data farms, reconnect to IB, or restart. The remedy is
// graded to the symptom, and the mildest one that fits is used:
//
//	market/historical farm broken (2103/2105) > DataAfter while IB linked → RECONNECTDATA
//	IB link lost (1100) > AccountAfter                                     → RECONNECTACCOUNT
//	handshake or heartbeat timeouts > RestartAfter                          → RESTART
//
// Each command is sent at most once per its own window (DataEvery, …), at
// most MaxRestarts restarts in 24 hours (then an error event, and no more
// asking), never while the session is healthy, never inside an expected
// maintenance window (TWS's own restart or the weekly re-login: TWS is
// busy with itself then), and one call at a time. The call runs in a
// goroutine the remedy owns, with deadlines on dial and reply; its result
// comes back to the supervisor goroutine as a closure, so an IBC that is
// down or hangs never stalls the supervisor.

// remedy is the policy's state; only the supervisor goroutine touches it,
// except the call goroutine, which touches none of it.
type remedy struct {
	cfg    IBCConfig
	client ibc.Client
	ctx    context.Context // ends at shutdown: the call goroutine returns
	cancel context.CancelFunc
	wg     sync.WaitGroup

	busy     bool // a call is in flight
	manual   bool // it was asked by hand (ibc_manual.go)
	last     map[ibc.Command]time.Time
	restarts []time.Time // RESTARTs sent in the last 24 hours
	gaveUp   bool        // the restart budget is spent and that was said

	accountSince time.Time // IB link lost (1100) since
	linkedAt     time.Time // IB linked again since (farms count from here)
	frozenSince  time.Time // handshake/heartbeat timeouts since
	due          time.Time // the next time a threshold or window ends
}

func newRemedy(cfg IBCConfig) *remedy {
	ctx, cancel := context.WithCancel(context.Background())
	return &remedy{cfg: cfg, ctx: ctx, cancel: cancel, last: map[ibc.Command]time.Time{},
		client: ibc.Client{Addr: cfg.Addr, DialTimeout: cfg.DialTimeout, ReplyTimeout: cfg.ReplyTimeout}}
}

// stop ends a call in flight and waits for its goroutine.
func (r *remedy) stop() {
	if r == nil {
		return
	}
	r.cancel()
	r.wg.Wait()
}

// remedyDue is when checkRemedies next needs to run (zero: no need).
func (s *Supervisor) remedyDue() time.Time {
	if s.rem == nil {
		return time.Time{}
	}
	return s.rem.due
}

// checkRemedies follows the symptoms and sends the remedy whose threshold
// has passed. It runs after every event and timer of the supervisor loop.
func (s *Supervisor) checkRemedies(now time.Time) {
	r := s.rem
	if r == nil {
		return
	}
	r.due = time.Time{}
	up := s.phase == phUp
	unlinked := up && (s.sess.ibDown || s.sess.degradedOnConnect) // 1100, or 2110 at connect
	r.accountSince = since(r.accountSince, unlinked, now)
	// After 1101/1102 TWS sends the farms' OK notices one by one: a farm
	// broken during the link loss counts from the moment IB is back.
	r.linkedAt = since(r.linkedAt, !unlinked, now)
	frozen := !up && s.phase != phStopped && (s.streak.cause == CauseHandshakeTimeout || s.streak.cause == CauseHeartbeatTimeout)
	r.frozenSince = since(r.frozenSince, frozen, now)
	var dataSince time.Time
	var farm string
	if up && !unlinked {
		for _, f := range s.sess.farms {
			from := f.Since
			if from.Before(r.linkedAt) {
				from = r.linkedAt
			}
			if (f.Kind == FarmMarket || f.Kind == FarmHist) && f.Status == FarmBroken && (dataSince.IsZero() || from.Before(dataSince)) {
				dataSince, farm = from, f.Name
			}
		}
	}
	if r.busy {
		return // the result will run the check again
	}
	if label, end := s.cfg.Schedule.Window(now); label != "" {
		if !r.accountSince.IsZero() || !r.frozenSince.IsZero() || !dataSince.IsZero() {
			r.due = end // TWS is busy with itself: look again after the window
		}
		return
	}
	switch {
	case s.tryRemedy(now, ibc.ReconnectData, dataSince, r.cfg.DataAfter, r.cfg.DataEvery,
		"data farm "+farm+" broken for %v while IB is linked"):
	case s.tryRemedy(now, ibc.ReconnectAccount, r.accountSince, r.cfg.AccountAfter, r.cfg.AccountEvery,
		"IB link lost (1100) for %v"):
	case s.tryRemedy(now, ibc.Restart, r.frozenSince, r.cfg.RestartAfter, r.cfg.RestartEvery,
		"TWS accepts connections but its API has not answered for %v"):
	}
}

// since keeps a symptom's start while it lasts and clears it when it ends.
func since(t time.Time, on bool, now time.Time) time.Time {
	switch {
	case !on:
		return time.Time{}
	case t.IsZero():
		return now
	}
	return t
}

// tryRemedy sends cmd if the symptom (present since from) has lasted
// after and the command's window allows; it reports whether it sent.
func (s *Supervisor) tryRemedy(now time.Time, cmd ibc.Command, from time.Time, after, every time.Duration, why string) bool {
	r := s.rem
	if from.IsZero() {
		return false
	}
	at := from.Add(after)
	if last, ok := r.last[cmd]; ok && last.Add(every).After(at) {
		at = last.Add(every)
	}
	if cmd == ibc.Restart {
		kept := r.restarts[:0]
		for _, t := range r.restarts {
			if now.Sub(t) < 24*time.Hour {
				kept = append(kept, t)
			}
		}
		r.restarts = kept
		if len(kept) >= r.cfg.MaxRestarts {
			if due := from.Add(after); now.Before(due) {
				r.due = earliest(r.due, due)
				return false
			}
			if !r.gaveUp {
				r.gaveUp = true
				s.met.with(&s.mu, func(m *counters) { m.remedy(cmd, "withheld") })
				s.emit(Event{Kind: KindApp, Severity: SevError, Message: fmt.Sprintf(
					"TWS still unresponsive after %d restarts through IBC in 24 hours: not asking again; it needs a look (a dialog, a login, the machine)", len(kept))})
			}
			r.due = earliest(r.due, kept[0].Add(24*time.Hour))
			return false
		}
		r.gaveUp = false
	}
	if now.Before(at) {
		r.due = earliest(r.due, at)
		return false
	}
	r.busy = true
	r.last[cmd] = now
	if cmd == ibc.Restart {
		r.restarts = append(r.restarts, now)
	}
	reason := fmt.Sprintf(why, now.Sub(from).Round(time.Second))
	s.met.with(&s.mu, func(m *counters) { m.remedy(cmd, "sent") })
	s.emit(Event{Kind: KindApp, Severity: SevWarning, Message: fmt.Sprintf("IBC: asking for %s: %s", cmd, reason)})
	r.wg.Add(1)
	go s.callIBC(cmd)
	return true
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// callIBC runs on the remedy's goroutine: one IBC call within its
// deadlines, its result handed to the supervisor goroutine.
func (s *Supervisor) callIBC(cmd ibc.Command) {
	r := s.rem
	defer r.wg.Done()
	text, err := r.client.Send(r.ctx, cmd)
	select {
	case s.cmds <- func() { s.onIBCResult(cmd, text, err) }:
	case <-r.ctx.Done(): // shutting down: nobody wants the answer
	}
}

// onIBCResult logs IBC's answer (an event, counted) and looks again.
func (s *Supervisor) onIBCResult(cmd ibc.Command, text string, err error) {
	r := s.rem
	r.busy = false
	var re *ibc.ReplyError
	outcome, sev, msg := "ok", SevInfo, strings.TrimSpace(fmt.Sprintf("IBC answered %s: OK %s", cmd, Sanitize(text)))
	switch {
	case errors.As(err, &re):
		outcome, sev, msg = "error", SevWarning, fmt.Sprintf("IBC answered %s: ERROR %s", cmd, Sanitize(re.Text))
	case err != nil:
		outcome, sev, msg = "unreachable", SevWarning, fmt.Sprintf("IBC call %s failed: %s", cmd, Sanitize(err.Error()))
		if errors.Is(err, ibc.ErrTimeout) {
			outcome = "timeout"
		}
	}
	if r.manual {
		r.manual, msg = false, msg+" (asked by hand)"
	}
	s.met.with(&s.mu, func(m *counters) { m.remedy(cmd, outcome) })
	s.emit(Event{Kind: KindApp, Severity: sev, Message: msg})
	s.checkRemedies(s.cfg.Now())
}
