package conn

import (
	"errors"
	"fmt"

	"github.com/ibwatch/ibwatch/conn/ibc"
)

// IBC commands asked by hand (the dashboard's menu).
//
// A person who asks has looked at the screen, so a hand command is sent
// whatever the symptoms, the thresholds, the windows or the maintenance
// schedule say; it is refused only while another IBC call is in flight
// (one call at a time, as for the policy), which is an event too.
//
// It still teaches the automatic policy: it counts as that command's last
// sending, so the policy waits a full window (DataEvery, AccountEvery,
// RestartEvery) before sending the same command again, and a RESTART by
// hand counts toward the MaxRestarts-in-24-hours budget. A person and the
// policy together thus never restart TWS more often than the policy alone
// would; the budget never stops a person, only the policy.

// ErrIBCOff is returned by AskIBC when no IBC command server is
// configured (Config.IBC.Addr, the ibc_address setting).
var ErrIBCOff = errors.New("IBC not configured: set ibc_address")

// ErrBusy is returned by AskIBC when the supervisor's command queue is
// full: it did not take the request, and asking again later may work.
var ErrBusy = errors.New("supervisor busy: try again")

// AskIBC sends cmd (RECONNECTDATA, RECONNECTACCOUNT or RESTART) to IBC's
// command server on the user's request. It never blocks: it hands the
// request to the supervisor goroutine and returns, or returns an error at
// once when IBC is not configured, the command is not one ibwatch sends,
// or the supervisor is not running. The call itself runs on the remedy's
// goroutine with its dial and reply deadlines; the request and IBC's
// answer arrive as events marked "asked by hand", and are counted in
// Metrics.Remedies like the policy's (plus COMMAND/manual). A request
// taken in the instant the supervisor stops is dropped with it, unsent.
func (s *Supervisor) AskIBC(cmd ibc.Command) error {
	if s.rem == nil {
		return ErrIBCOff
	}
	if _, err := ibc.ParseCommand(string(cmd)); err != nil {
		return err
	}
	if !s.ran.Load() {
		return errors.New("supervisor not running")
	}
	select {
	case <-s.done:
		return ErrStopped
	default:
	}
	select {
	case s.cmds <- func() { s.askIBC(cmd) }:
		return nil
	default:
		return ErrBusy
	}
}

// askIBC runs on the supervisor goroutine: it starts the call, or says
// why not.
func (s *Supervisor) askIBC(cmd ibc.Command) {
	r := s.rem
	if r.busy {
		s.met.with(&s.mu, func(m *counters) { m.remedy(cmd, "busy") })
		s.emit(Event{Kind: KindApp, Severity: SevWarning, Message: fmt.Sprintf(
			"IBC: %s asked by hand not sent: another IBC call is still waiting for its answer; ask again in a few seconds", cmd)})
		return
	}
	now := s.cfg.Now()
	r.busy, r.manual = true, true
	r.last[cmd] = now
	if cmd == ibc.Restart {
		r.restarts = append(r.restarts, now)
	}
	s.met.with(&s.mu, func(m *counters) { m.remedy(cmd, "sent"); m.remedy(cmd, "manual") })
	s.emit(Event{Kind: KindApp, Severity: SevWarning, Message: fmt.Sprintf("IBC: asking for %s, asked by hand", cmd)})
	r.wg.Add(1)
	go s.callIBC(cmd)
}
