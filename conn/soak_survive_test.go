package conn

import (
	"fmt"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// soakEvilTexts are TWS message texts that try to take over a terminal:
// OSC (window title), CSI (clear screen, alternate screen), DCS, C1
// controls both as raw bytes and as UTF-8, invalid UTF-8, bidi overrides,
// and a text far over the length bound. No NUL: that would end the field.
var soakEvilTexts = []string{
	"\x1b]0;pwned\x07\x1b[2J evil \xff\xfe",
	"evil raw C1 \x9b31m CSI \x9b2J and \x9d0;t\x07",
	"evil UTF-8 C1 \u009b31m CSI \u009d0;title\u009c",
	"evil \x1bPdcs payload\x1b\\ \x1b[?1049h alt screen\r\n\ttab \x7f",
	"evil bidi \u202egnirts\u202c zero\u200bwidth",
	"evil " + strings.Repeat("long \x1b[5m", 400),
}

// preset sends one of the simulator's hostile presets.
func (r *soakRun) preset(f *faultResult, name string) {
	inject := func() time.Time {
		if err := r.sim.SendPreset(name); err != nil {
			r.t.Fatal(err)
		}
		return r.lastRecord()
	}
	if f.kind.loss {
		r.lossFault(f, inject, nil, 0, nil)
		return
	}
	var sign func(*Event) bool
	switch name {
	case "unknown-msg": // the library reports it and carries on
		sign = func(ev *Event) bool { return ev.Kind == KindTWS && ev.Code == 508 }
	case "escape-text":
		sign = func(ev *Event) bool {
			return ev.Kind == KindTWS && ev.Code == 2119 && strings.Contains(ev.Message, "farm is connecting")
		}
	default: // nothing to report: the stream must simply go on (two more heartbeats answered)
		n := 0
		sign = func(ev *Event) bool {
			if ev.Kind == KindHeartbeat && ev.RTT > 0 {
				n++
			}
			return n >= 2
		}
	}
	if ev, ok := r.survive(f, inject, sign, 2*soakH, nil); ok && !cleanText(ev.Message) {
		r.problemf(f, f.from, r.h.mark(), "TWS text reached the consumer unsanitised: %q", ev.Message)
	}
}

// evilText injects an ERR_MSG whose text attacks the terminal.
func (r *soakRun) evilText(f *faultResult) {
	codes := []int64{10197, 2100, 399}
	code := codes[r.rng.IntN(len(codes))]
	i := r.rng.IntN(len(soakEvilTexts))
	f.params = fmt.Sprintf("code %d, text #%d", code, i)
	ev, ok := r.survive(f, func() time.Time { r.sim.Inject(-1, code, soakEvilTexts[i]); return lastFault(r.sim, "inject") },
		func(ev *Event) bool { return ev.Kind == KindTWS && ev.Code == code }, 2*soakH, nil)
	if ok && (!cleanText(ev.Message) || !strings.Contains(ev.Message, "evil") || len([]rune(ev.Message)) > MaxTextLen+1) {
		f.detected = false
		r.problemf(f, f.from, r.h.mark(), "TWS text not sanitised for the consumer: %q", ev.Message)
	}
}

// slowButAlive: replies slower than usual but well inside T must be
// noticed (heartbeat RTT) and must not cost the session.
func (r *soakRun) slowButAlive(f *faultResult) {
	d := r.between(soakT/10, soakT*2/5)
	watch := r.between(4*soakH, 8*soakH)
	f.params = fmt.Sprintf("latency %v for %v", d, watch)
	r.survive(f, func() time.Time { r.sim.SetLatency(d); return lastFault(r.sim, "latency") },
		func(ev *Event) bool { return ev.Kind == KindHeartbeat && ev.RTT >= d }, watch,
		func() time.Time { r.sim.SetLatency(0); return lastFault(r.sim, "latency") })
}

// survive applies a fault the session must survive: it waits for the sign
// that the supervisor saw it, watches for watch, heals, and then any
// disconnect since the fault began is a false positive.
func (r *soakRun) survive(f *faultResult, inject func() time.Time, sign func(*Event) bool, watch time.Duration, heal func() time.Time) (Event, bool) {
	f.at = inject()
	_, ev, ok := r.waitEv(f.from, watch+5*time.Second, func(ev *Event) bool { return !ev.Time.Before(f.at) && sign(ev) })
	if ok {
		f.detected = true
		f.detect = max(ev.Time.Sub(f.at), 0)
	} else {
		r.problemf(f, f.from, r.h.mark(), "not detected: no sign of it within %v", watch+5*time.Second)
	}
	r.pause(time.Until(f.at.Add(watch)))
	f.healAt = f.at
	if heal != nil {
		f.healAt = heal()
		r.pause(soakT) // a late false disconnect would show by now
	}
	r.checkSurvived(f)
	return ev, ok
}

// checkSurvived flags any disconnect since the fault began and, after one,
// waits for the supervisor to come back.
func (r *soakRun) checkSurvived(f *faultResult) {
	end := r.h.mark()
	for i, ev := range r.evRange(f.from, end) {
		if leftUp(&ev) {
			f.falsePos = true
			r.problemf(f, f.from, end, "disconnected (%s/%s %q) by a fault it must survive", ev.State, ev.Cause, ev.Message)
			f.healAt = ev.Time
			r.awaitUp(f, f.from+i)
			return
		}
	}
	f.healed = true
	f.end = end
}

// ibLink: TWS loses IB's servers (1100) and gets them back with data lost
// (1101: subscriptions must be sent again) or kept (1102). The API socket
// stays up: detected = Degraded/ib_link_lost; healed = Connected/
// ib_link_restored with the line back at TWS; any Backoff is a false
// positive.
func (r *soakRun) ibLink(f *faultResult, kept bool) {
	hold := r.between(50*time.Millisecond, 500*time.Millisecond)
	f.params = "hold " + hold.String()
	r.sim.IBLinkLost()
	f.at = lastFault(r.sim, "ib-link-lost")
	idx, ev, ok := r.waitEv(f.from, boundClose+5*time.Second, func(ev *Event) bool { return ev.Kind == KindState })
	switch {
	case !ok:
		r.problemf(f, f.from, r.h.mark(), "not detected: no state change after 1100")
		idx = r.h.mark()
	case ev.State == StateDegraded && ev.Cause == CauseIBLinkLost:
		f.detected = true
		f.falseUp = max(ev.Time.Sub(f.at), 0)
		f.detect = f.falseUp
		if f.falseUp > boundClose {
			r.problemf(f, f.from, idx, "still reported connected %v after 1100 (bound %v)", f.falseUp, boundClose)
		}
	default:
		r.problemf(f, f.from, idx, "after 1100 went %s/%s, want degraded/ib_link_lost", ev.State, ev.Cause)
	}
	r.pause(hold)
	r.sim.IBLinkRestored(kept)
	f.healAt = lastFault(r.sim, "ib-link-restored")
	upIdx, up, ok := r.waitEv(idx, 5*time.Second, func(ev *Event) bool { return isConnected(ev) && !ev.Time.Before(f.healAt) })
	if !ok {
		r.problemf(f, idx, r.h.mark(), "not healed: no Connected within 5s of 1101/1102")
		r.rescue(f, "not healed after the IB link came back")
		return
	}
	if up.Cause != CauseIBRestored {
		r.problemf(f, f.from, upIdx, "came back with cause %s, want ib_link_restored", up.Cause)
	}
	f.heal = up.Time.Sub(f.healAt)
	for _, e := range r.evRange(f.from, upIdx) {
		if leftUp(&e) {
			f.falsePos = true
			r.problemf(f, f.from, upIdx, "an IB link loss cost the API session: %s/%s", e.State, e.Cause)
			break
		}
	}
	f.healed = r.verifyUp(f, upIdx, up)
	f.end = upIdx + 1
}

// idInUse: another client takes the supervisor's client id while it is
// away (here: its link was killed while the port refused, so the holder
// is first). Detected = an attempt failing with client_id_in_use for that
// id; healed = Connected with an alternate id, the holder undisturbed.
func (r *soakRun) idInUse(f *faultResult) {
	x := r.clientID
	f.params = fmt.Sprintf("client id %d taken by another client", x)
	holder, err := dialHolder(r.sim.Addr())
	if err != nil {
		r.t.Fatalf("soak: %v", err)
	}
	defer holder.close()
	r.sim.SetRefuse(true)
	f.at = r.killLink()
	idx, ev, ok := r.waitEv(f.from, boundClose+10*time.Second, leftUp)
	if !ok {
		r.sim.SetRefuse(false)
		r.problemf(f, f.from, r.h.mark(), "the link kill was not detected")
		r.rescue(f, "link kill not detected")
		return
	}
	f.falseUp = max(ev.Time.Sub(f.at), 0)
	if ev.Cause != CauseLinkCrashed || f.falseUp > boundClose {
		r.problemf(f, f.from, idx, "link kill seen as %s after %v (want link_crashed within %v)", ev.Cause, f.falseUp, boundClose)
	}
	r.waitSim("the killed session to end", 5*time.Second, func(s twsim.Snapshot) bool { return r.lines(s, x) < 0 })
	if err := holder.claim(x); err != nil {
		r.t.Fatalf("soak: %v", err)
	}
	if !r.waitSim("the holder to take the id", 5*time.Second, func(s twsim.Snapshot) bool { return r.lines(s, x) >= 0 }) {
		r.problemf(f, idx, r.h.mark(), "the second client could not take client id %d", x)
	}
	r.sim.SetRefuse(false)
	f.healAt = lastFault(r.sim, "refuse")
	if _, e, ok := r.waitEv(idx, 10*time.Second, func(ev *Event) bool {
		return ev.Kind == KindState && ev.State == StateBackoff && ev.Cause == CauseClientIDInUse && ev.ClientID == x
	}); ok {
		f.detected = true
		f.detect = max(e.Time.Sub(f.healAt), 0)
	} else {
		r.problemf(f, idx, r.h.mark(), "no attempt failed with client_id_in_use for id %d", x)
	}
	r.awaitUp(f, idx)
	if r.clientID == x {
		r.problemf(f, idx, r.h.mark(), "reported connected with client id %d, which the other client holds", x)
	}
	if r.lines(r.sim.State(), x) < 0 {
		r.problemf(f, idx, r.h.mark(), "the other client lost client id %d", x)
	}
}
