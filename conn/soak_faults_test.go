package conn

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// How long the reported state may still say "connected" after a fault took
// effect (the simulator's record time), by how the fault can be seen:
const (
	// boundClose: the socket closed, TWS said goodbye, or the link died.
	// The relay and the parent see that at once.
	boundClose = 100 * time.Millisecond
	// boundSilent: a frozen, slow or stuck peer is only found by the
	// heartbeat: at most H (the next probe) + T (its deadline) after its
	// last answer, plus scheduling slack.
	boundSilent = soakH + soakT + 100*time.Millisecond
	// boundHalf: half a frame is completed by the bytes that follow it;
	// the simulator's half frame begins like a CURRENT_TIME, so the
	// garbage it becomes can answer one heartbeat. Silence is detected
	// H+T after that, and the bytes come within one heartbeat interval.
	boundHalf = soakH + boundSilent
	// boundBig: a 16 MiB frame is copied through the relay before the
	// client library refuses it.
	boundBig = time.Second
)

// faultResult is one applied fault and what the supervisor did about it.
type faultResult struct {
	kind     *soakKind
	seq      int
	params   string
	from     int // event index when it started
	end      int // event index when it was over (healed)
	at       time.Time
	healAt   time.Time // when the simulator could serve a session again
	detected bool      // seen, with an acceptable cause or sign
	detect   time.Duration
	healed   bool // back to Connected, confirmed by the simulator
	heal     time.Duration
	falseUp  time.Duration // reported connected while the truth was "dead"
	falsePos bool          // a disconnect although none was due
	problems int
}

// soakKind is one kind of fault with its rules.
//
// Loss kinds must end the API session: "detected" = the first transition
// out of Connected after the fault is into Backoff with one of causes, and
// the time still reported Connected after the fault took effect (falseUp)
// must stay within bound. "healed" = Connected again once the simulator
// serves again, with the simulator showing a ready session for the
// supervisor's client id and the market-data line back.
//
// Survivable kinds (loss=false) must not end the session: "detected" is a
// kind-specific sign that the supervisor saw the fault (1100 → Degraded,
// a slow heartbeat, the TWS message logged and sanitised), and any
// disconnect while it holds is a false positive.
type soakKind struct {
	name   string
	loss   bool
	causes []Cause
	bound  time.Duration
	blocks bool // TWS cannot serve a session until the fault is removed (TWS-down time)
	copies int  // times per round (default 1)
	run    func(r *soakRun, f *faultResult)
}

// rawPresetKinds says what each of the simulator's hostile presets must do.
var rawPresetKinds = map[string]soakKind{
	"truncated-tick-price": {loss: true, causes: []Cause{CauseLinkCrashed}, bound: boundClose},
	"non-numeric-next-id":  {loss: true, causes: []Cause{CauseLinkCrashed}, bound: boundClose},
	"negative-count":       {loss: true, causes: []Cause{CauseLinkCrashed}, bound: boundClose},
	"huge-count":           {loss: true, causes: []Cause{CauseLinkCrashed}, bound: boundClose},
	"no-trailing-nul":      {loss: true, causes: []Cause{CauseLinkCrashed}, bound: boundClose},
	"huge-length":          {loss: true, causes: []Cause{CauseProtocolError}, bound: boundClose},
	// What follows half a frame completes it with the next frames' bytes:
	// the stream goes silent, or decodes as garbage (crash, bad length).
	"half-frame":  {loss: true, causes: []Cause{CauseHeartbeatTimeout, CauseLinkCrashed, CauseProtocolError, CauseLibrary}, bound: boundHalf},
	"unknown-msg": {},
	"empty-frame": {},
	"escape-text": {},
}

// soakDeck is one round of faults: every kind, the common ones twice.
func soakDeck() []*soakKind {
	closeKind := func(name string, causes []Cause, run func(*soakRun, *faultResult)) *soakKind {
		return &soakKind{name: name, loss: true, causes: causes, bound: boundClose, run: run}
	}
	deck := []*soakKind{
		closeKind("drop", []Cause{CauseClosedByTWS}, func(r *soakRun, f *faultResult) {
			r.lossFault(f, func() time.Time { r.sim.Drop(); return lastFault(r.sim, "drop") }, nil, 0, nil)
		}),
		closeKind("link-kill", []Cause{CauseLinkCrashed}, func(r *soakRun, f *faultResult) {
			r.lossFault(f, r.killLink, nil, 0, nil)
		}),
		{name: "restart", loss: true, causes: []Cause{CauseClosedByTWS}, bound: boundClose, blocks: true, run: (*soakRun).restart},
		{name: "refuse", loss: true, causes: []Cause{CauseClosedByTWS}, bound: boundClose, blocks: true, run: func(r *soakRun, f *faultResult) {
			r.attemptFault(f, (*twsim.Server).SetRefuse, CauseRefused)
		}},
		{name: "handshake-stall", loss: true, causes: []Cause{CauseClosedByTWS}, bound: boundClose, blocks: true, run: func(r *soakRun, f *faultResult) {
			r.attemptFault(f, (*twsim.Server).SetHandshakeStall, CauseHandshakeTimeout)
		}},
		{name: "accept-then-close", loss: true, causes: []Cause{CauseClosedByTWS}, bound: boundClose, blocks: true, run: func(r *soakRun, f *faultResult) {
			r.attemptFault(f, (*twsim.Server).SetAcceptThenClose, CauseAcceptedThenClosed)
		}},
		{name: "stall", loss: true, causes: []Cause{CauseHeartbeatTimeout}, bound: boundSilent, blocks: true, copies: 2, run: func(r *soakRun, f *faultResult) {
			hold := r.between(0, 400*time.Millisecond)
			f.params = "hold +" + hold.String()
			r.lossFault(f, func() time.Time { r.sim.SetStall(true); return lastFault(r.sim, "stall") }, nil, hold,
				func() time.Time { r.sim.SetStall(false); return lastFault(r.sim, "stall") })
		}},
		{name: "latency>T", loss: true, causes: []Cause{CauseHeartbeatTimeout}, bound: boundSilent, blocks: true, run: func(r *soakRun, f *faultResult) {
			d := r.between(soakT+100*time.Millisecond, 2*soakT)
			hold := r.between(0, 400*time.Millisecond)
			f.params = fmt.Sprintf("latency %v, hold +%v", d, hold)
			r.lossFault(f, func() time.Time { r.sim.SetLatency(d); return lastFault(r.sim, "latency") }, nil, hold,
				func() time.Time { r.sim.SetLatency(0); return lastFault(r.sim, "latency") })
		}},
		{name: "latency<T", run: (*soakRun).slowButAlive},
		{name: "ib-1100-1101", run: func(r *soakRun, f *faultResult) { r.ibLink(f, false) }},
		{name: "ib-1100-1102", run: func(r *soakRun, f *faultResult) { r.ibLink(f, true) }},
		{name: "id-in-use-326", loss: true, causes: []Cause{CauseLinkCrashed}, bound: boundClose, blocks: true, run: (*soakRun).idInUse},
		{name: "port-reset-1300", loss: true, causes: []Cause{CausePortReset}, bound: boundClose + twsim.DefaultDupIDDelay, run: func(r *soakRun, f *faultResult) {
			r.lossFault(f, func() time.Time {
				if _, err := r.sim.PortReset(0); err != nil {
					r.t.Fatal(err)
				}
				return lastFault(r.sim, "port-reset")
			}, nil, 0, nil)
		}},
		{name: "evil-text", run: (*soakRun).evilText},
		closeKind("raw:len-16MiB", []Cause{CauseProtocolError}, func(r *soakRun, f *faultResult) {
			r.lossFault(f, func() time.Time { r.sim.RawBytes([]byte{0x01, 0, 0, 0}); return lastFault(r.sim, "raw-bytes") }, nil, 0, nil)
		}),
		// The link refuses the frame by its length as soon as it reads it
		// (protocol_error), but the simulator queues its answer to an
		// outstanding heartbeat behind the 16 MiB it is writing: a fault
		// that lands late in a heartbeat's window lets that deadline pass
		// first, and TWS really was silent for T then (heartbeat_timeout).
		{name: "raw:frame-16MiB-1", loss: true, causes: []Cause{CauseLibrary, CauseProtocolError, CauseHeartbeatTimeout}, bound: boundBig, run: func(r *soakRun, f *faultResult) {
			r.lossFault(f, func() time.Time { r.sim.RawFrame(maxErrFrame()); return lastFault(r.sim, "raw-frame") }, nil, 0, nil)
		}},
	}
	for _, name := range presetNames() {
		k, ok := rawPresetKinds[name]
		if !ok {
			// Unknown to the soak: still applied, and must at least be survived
			// or recovered from; the hostile tests list what each must do.
			k = soakKind{loss: true, causes: AllCauses(), bound: boundSilent}
		}
		k.name = "raw:" + name
		preset := name
		k.run = func(r *soakRun, f *faultResult) { r.preset(f, preset) }
		deck = append(deck, &k)
	}
	var out []*soakKind
	for _, k := range deck {
		for range max(k.copies, 1) {
			out = append(out, k)
		}
	}
	return out
}

func presetNames() []string {
	var names []string
	for n := range twsim.Presets() {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (r *soakRun) between(lo, hi time.Duration) time.Duration {
	return (lo + time.Duration(r.rng.Int64N(int64(hi-lo)+1))).Round(time.Millisecond)
}

// killLink SIGKILLs the link process; the kill is the ground truth.
func (r *soakRun) killLink() time.Time {
	pid := r.h.linkPID()
	if pid == 0 {
		r.t.Fatal("soak: no link process to kill")
	}
	at := time.Now()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		r.t.Fatal(err)
	}
	return at
}

// lossFault applies a fault that must end the session (see soakKind):
// inject, check the detection, run during (more evidence while the fault
// holds), hold, heal, and wait for a confirmed reconnect.
func (r *soakRun) lossFault(f *faultResult, inject func() time.Time, during func(lostIdx int), hold time.Duration, heal func() time.Time) {
	k := f.kind
	f.at = inject()
	idx, ev, ok := r.waitEv(f.from, k.bound+10*time.Second, leftUp)
	if !ok {
		r.problemf(f, f.from, r.h.mark(), "not detected: still %s %v after the fault", r.lastState(), k.bound+10*time.Second)
		idx = r.h.mark()
	} else {
		f.falseUp = max(ev.Time.Sub(f.at), 0)
		f.detect = f.falseUp
		f.detected = slices.Contains(k.causes, ev.Cause)
		if !f.detected {
			r.problemf(f, f.from, idx, "lost with cause %s, want one of %v", ev.Cause, k.causes)
		}
		if f.falseUp > k.bound {
			r.problemf(f, f.from, idx, "reported connected for %v after the fault took effect (bound %v)", f.falseUp, k.bound)
		}
	}
	if during != nil {
		during(idx)
	}
	r.pause(hold)
	f.healAt = f.at
	if heal != nil {
		f.healAt = heal()
	}
	r.awaitUp(f, idx)
}

// awaitUp waits for Connected at or after healAt and checks it against the
// simulator. For kinds that block TWS, a Connected before healAt is a lie.
func (r *soakRun) awaitUp(f *faultResult, from int) {
	if f.kind.blocks {
		for _, ev := range r.evRange(from, r.h.mark()) {
			if isConnected(&ev) && ev.Time.Before(f.healAt) {
				f.falseUp += f.healAt.Sub(ev.Time)
				r.problemf(f, from, r.h.mark(), "reported connected at %s while the simulator could not serve (until %s)",
					ev.Time.Format("15:04:05.000"), f.healAt.Format("15:04:05.000"))
			}
		}
	}
	idx, up, ok := r.waitEv(from, soakHealWait, func(ev *Event) bool { return isConnected(ev) && !ev.Time.Before(f.healAt) })
	if !ok {
		r.problemf(f, from, r.h.mark(), "not healed: no Connected within %v after the simulator served again", soakHealWait)
		r.rescue(f, "not healed")
		return
	}
	f.heal = up.Time.Sub(f.healAt)
	r.clientID = up.ClientID
	f.healed = r.verifyUp(f, idx, up)
	f.end = idx + 1
}

// verifyUp checks a Connected against the simulator: a ready session with
// the supervisor's client id, holding the subscription's one line.
func (r *soakRun) verifyUp(f *faultResult, idx int, up Event) bool {
	var last twsim.Snapshot
	ok := r.waitSim("the session and its line", 5*time.Second, func(s twsim.Snapshot) bool {
		last = s
		return r.lines(s, up.ClientID) == 1
	})
	if ok {
		if last.Stalled || last.Refusing || last.Restarting || last.HandshakeStall || last.AcceptThenClose || !last.IBLinkUp || last.Latency >= soakT {
			r.problemf(f, idx, r.h.mark(), "reported connected while the simulator is faulty: stalled %v, refusing %v, restarting %v, handshake stall %v, accept-close %v, IB link up %v, latency %v",
				last.Stalled, last.Refusing, last.Restarting, last.HandshakeStall, last.AcceptThenClose, last.IBLinkUp, last.Latency)
			return false
		}
		if addr := r.h.sup.Status().Addr; addr != last.Addr {
			r.problemf(f, idx, r.h.mark(), "connected to %s but the simulator is at %s", addr, last.Addr)
			return false
		}
		return true
	}
	if r.lines(last, up.ClientID) < 0 {
		r.problemf(f, idx, r.h.mark(), "reported connected with client id %d, but the simulator has no ready session for it: %+v", up.ClientID, last.Sessions)
	} else {
		r.problemf(f, idx, r.h.mark(), "connected, but the subscription's line was not restored at TWS: %+v", last.Sessions)
	}
	return false
}

// attemptFault: TWS goes away in a way that makes every new attempt fail
// (set), and the open session is dropped. Detected also requires a failed
// attempt named with attemptCause while it holds.
func (r *soakRun) attemptFault(f *faultResult, set func(*twsim.Server, bool), attemptCause Cause) {
	hold := r.between(0, 300*time.Millisecond)
	f.params = fmt.Sprintf("then %s attempt, hold +%v", attemptCause, hold)
	r.lossFault(f, func() time.Time { set(r.sim, true); r.sim.Drop(); return lastFault(r.sim, "drop") },
		func(lost int) {
			wait := soakHandshake + 5*time.Second
			if _, _, ok := r.waitEv(lost, wait, func(ev *Event) bool {
				return ev.Kind == KindState && ev.State == StateBackoff && ev.Cause == attemptCause
			}); !ok {
				f.detected = false
				r.problemf(f, lost, r.h.mark(), "no attempt failed with cause %s within %v", attemptCause, wait)
			}
		}, hold, func() time.Time { set(r.sim, false); return r.lastRecord() })
}

// lastRecord is the time of the simulator's latest fault record.
func (r *soakRun) lastRecord() time.Time {
	fs := r.sim.State().Faults
	return fs[len(fs)-1].Time
}

// restart: TWS's daily restart, down for a random time.
func (r *soakRun) restart(f *faultResult) {
	down := r.between(50*time.Millisecond, 600*time.Millisecond)
	f.params = "down " + down.String()
	r.lossFault(f, func() time.Time { r.sim.Restart(down); return lastFault(r.sim, "restart") }, func(int) {
		r.waitSim("the restart to end", down+5*time.Second, func(s twsim.Snapshot) bool { return !s.Restarting })
	}, 0, func() time.Time { return lastFault(r.sim, "restart-up") })
}

// maxErrFrame is an ERR_MSG whose payload is exactly 16 MiB − 1 bytes, the
// largest frame length the relay lets through.
func maxErrFrame() []byte {
	const head = "4\x00-1\x002119\x00Market data farm is connecting:"
	tail := "\x00\x000\x00"
	return []byte(head + strings.Repeat("A", 0xFFFFFF-len(head)-len(tail)) + tail)
}
