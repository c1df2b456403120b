package conn

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// Connected means NEXT_VALID_ID arrived and the first heartbeat was answered.
func TestConnectsAndHeartbeats(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	h := newHarness(t, sim, nil)
	up := h.waitState(0, StateConnected, 10*time.Second)
	if up.Cause != CauseReady || up.Epoch != 1 || up.ClientID != 11 {
		t.Fatalf("first connect: %+v", up)
	}
	evs := h.events()
	if got := states(evs, 0); !slices.Equal(got[:2], []string{"connecting/start", "connected/ready"}) {
		t.Fatalf("state sequence %v", got)
	}
	h.waitFor("three heartbeats", 5*time.Second, func(evs []Event) bool {
		n := 0
		for _, ev := range evs {
			if ev.Kind == KindHeartbeat && ev.RTT > 0 {
				n++
			}
		}
		return n >= 3
	})
	st := h.sup.Status()
	if st.State != StateConnected || st.ServerVersion != 200 || len(st.Accounts) == 0 || len(st.Farms) == 0 {
		t.Fatalf("status after connect: %+v", st)
	}
	m := h.sup.Metrics()
	if m.Connects != 1 || m.RTTLast <= 0 || m.RTTP50 <= 0 || m.Heartbeats < 3 {
		t.Fatalf("metrics: %+v", m)
	}
}

// faultCase is one simulator fault and what the supervisor must report.
type faultCase struct {
	name   string
	inject func(sim *twsim.Server)
	heal   func(sim *twsim.Server)
	cause  Cause
	bound  time.Duration // from injection to the Backoff transition
}

func TestFaultsDetectedAndHealed(t *testing.T) {
	const H, T = 200 * time.Millisecond, 400 * time.Millisecond
	cases := []faultCase{
		{name: "drop", inject: func(s *twsim.Server) { s.Drop() }, cause: CauseClosedByTWS, bound: 500 * time.Millisecond},
		{name: "stall", inject: func(s *twsim.Server) { s.SetStall(true) }, heal: func(s *twsim.Server) { s.SetStall(false) },
			cause: CauseHeartbeatTimeout, bound: H + T + 500*time.Millisecond},
		{name: "restart", inject: func(s *twsim.Server) { s.Restart(700 * time.Millisecond) }, cause: CauseClosedByTWS, bound: 500 * time.Millisecond},
		{name: "latency", inject: func(s *twsim.Server) { s.SetLatency(2 * T) }, heal: func(s *twsim.Server) { s.SetLatency(0) },
			cause: CauseHeartbeatTimeout, bound: H + T + 500*time.Millisecond},
		{name: "port-reset", inject: func(s *twsim.Server) {
			if _, err := s.PortReset(0); err != nil {
				panic(err)
			}
		}, cause: CausePortReset, bound: 500 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim := newSim(t, twsim.Config{})
			h := newHarness(t, sim, nil)
			h.waitState(0, StateConnected, 10*time.Second)
			from := h.mark()
			at := time.Now()
			c.inject(sim)
			lost := h.waitState(from, StateBackoff, c.bound+5*time.Second)
			if took := lost.Time.Sub(at); took > c.bound {
				t.Errorf("%s detected after %v, bound %v", c.name, took, c.bound)
			}
			if lost.Cause != c.cause {
				t.Fatalf("cause %v, want %v\n%s", lost.Cause, c.cause, dump(h.events()[from:]))
			}
			if c.heal != nil {
				time.AfterFunc(300*time.Millisecond, func() { c.heal(sim) })
			}
			up := h.waitState(from, StateConnected, 15*time.Second)
			if up.Epoch != 2 {
				t.Errorf("epoch after reconnect = %d, want 2", up.Epoch)
			}
			if c.name == "port-reset" {
				if h.sup.Status().Addr != sim.Addr() {
					t.Errorf("reconnected to %s, simulator now at %s", h.sup.Status().Addr, sim.Addr())
				}
				// The library and the relay both see the 1300; the log
				// names it once.
				n := 0
				for _, ev := range h.events()[from:] {
					if ev.Kind == KindTWS && ev.Code == 1300 {
						n++
					}
				}
				if n != 1 {
					t.Errorf("1300 logged %d times, want once\n%s", n, dump(h.events()[from:]))
				}
			}
			m := h.sup.Metrics()
			if m.Reconnects != 1 || m.Disconnects[c.cause] != 1 {
				t.Errorf("metrics after heal: reconnects %d, disconnects %v", m.Reconnects, m.Disconnects)
			}
		})
	}
}

// Faults that hit before the handshake completes are failed attempts with
// a cause that says what to check; the supervisor keeps trying with backoff
// and connects once the fault clears.
func TestAttemptFaults(t *testing.T) {
	cases := []struct {
		name  string
		set   func(s *twsim.Server, on bool)
		cause Cause
	}{
		{"refuse", (*twsim.Server).SetRefuse, CauseRefused},
		{"handshake-stall", (*twsim.Server).SetHandshakeStall, CauseHandshakeTimeout},
		{"accept-then-close", (*twsim.Server).SetAcceptThenClose, CauseAcceptedThenClosed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim := newSim(t, twsim.Config{})
			c.set(sim, true)
			h := newHarness(t, sim, nil)
			h.waitFor("two failed attempts", 10*time.Second, func(evs []Event) bool {
				n := 0
				for _, ev := range evs {
					if ev.Kind == KindState && ev.State == StateBackoff {
						if ev.Cause != c.cause {
							t.Fatalf("cause %v, want %v\n%s", ev.Cause, c.cause, dump(evs))
						}
						if ev.NextRetry.IsZero() {
							t.Fatalf("backoff without a next-retry time: %+v", ev)
						}
						n++
					}
				}
				return n >= 2
			})
			if ev := h.events(); slices.ContainsFunc(ev, func(e Event) bool { return e.State == StateConnected }) {
				t.Fatal("connected while the fault was on")
			}
			c.set(sim, false)
			h.waitState(0, StateConnected, 10*time.Second)
			m := h.sup.Metrics()
			if m.FailedAttempts < 2 || m.Connects != 1 {
				t.Errorf("metrics: %+v", m)
			}
			if c.cause == CauseRefused && m.RefusedTime <= 0 {
				t.Errorf("refused time not counted: %v", m.RefusedTime)
			}
		})
	}
}

func TestIBLinkLostAndRestored(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	h := newHarness(t, sim, nil)
	h.waitState(0, StateConnected, 10*time.Second)
	sub := subscribeT(t, h.sup, Contract{Symbol: "AAPL", SecType: "STK", Exchange: "SMART", Currency: "USD"}, SubOptions{})
	waitQuote(t, sub, func(q Quote) bool { return Has(q.Bid) && !q.Stale })

	for _, kept := range []bool{false, true} {
		from := h.mark()
		sim.IBLinkLost()
		deg := h.waitState(from, StateDegraded, 3*time.Second)
		if deg.Cause != CauseIBLinkLost {
			t.Fatalf("degraded cause %v", deg.Cause)
		}
		h.waitFor("2103 after 1100", 3*time.Second, func(evs []Event) bool {
			return slices.ContainsFunc(evs[from:], func(e Event) bool { return e.Code == 2103 })
		})
		if st := h.sup.Status(); !slices.ContainsFunc(st.Farms, func(f Farm) bool { return f.Status == FarmBroken }) {
			t.Errorf("no broken farm after 2103: %+v", st.Farms)
		}
		waitQuote(t, sub, func(q Quote) bool { return q.Stale })
		sim.IBLinkRestored(kept)
		up := h.waitState(from, StateConnected, 3*time.Second)
		if up.Cause != CauseIBRestored || up.Epoch != 1 {
			t.Fatalf("restored: %+v", up)
		}
		after := time.Now()
		waitQuote(t, sub, func(q Quote) bool { return !q.Stale && q.Updated.After(after) })
		resubscribed := func(evs []Event) bool {
			return slices.ContainsFunc(evs[from:], func(e Event) bool { return e.Kind == KindData && strings.Contains(e.Message, "re-requesting") })
		}
		if !kept {
			// Events travel apart from quotes: the notice may follow the
			// fresh quote, so it is waited for (and so cannot spill into
			// the next round's window).
			h.waitFor("1101 re-requests the subscriptions", 3*time.Second, resubscribed)
		} else if resubscribed(h.events()) {
			t.Errorf("1102 (data kept) re-requested the subscriptions")
		}
	}
	if h.sup.Metrics().Disconnects[CauseIBLinkLost] != 0 {
		t.Error("an IB link loss is not a disconnect of the API socket")
	}
}

func TestNewClientDuringIBOutageIsDegraded(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	sim.IBLinkLost()
	h := newHarness(t, sim, nil)
	deg := h.waitState(0, StateDegraded, 10*time.Second)
	if deg.Cause != CauseTWSNotLinked {
		t.Fatalf("cause %v, want tws_not_linked (2110)", deg.Cause)
	}
	from := h.mark()
	sim.IBLinkRestored(true)
	h.waitState(from, StateConnected, 3*time.Second)
}

func TestClientIDInUseFallsBack(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	holder := newHarness(t, sim, func(c *Config) { c.ClientIDs = []int64{11} })
	holder.waitState(0, StateConnected, 10*time.Second)

	h := newHarness(t, sim, nil) // prefers 11, alternates 12, 13
	up := h.waitState(0, StateConnected, 10*time.Second)
	if up.ClientID != 12 {
		t.Fatalf("connected with client id %d, want the alternate 12", up.ClientID)
	}
	var inUse []int64
	for _, ev := range h.events() {
		if ev.Kind == KindState && ev.Cause == CauseClientIDInUse {
			inUse = append(inUse, ev.ClientID)
		}
	}
	if !slices.Equal(inUse, []int64{11, 11}) {
		t.Fatalf("326 for ids %v, want the preferred id retried once: [11 11]", inUse)
	}
	if holder.sup.Status().State != StateConnected {
		t.Fatal("the first client lost its session")
	}
}

func TestReconnectNowSkipsTheWait(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	sim.SetRefuse(true)
	h := newHarness(t, sim, func(c *Config) {
		c.BackoffBase, c.BackoffMax = 30*time.Second, 30*time.Second
		c.Rand = func() float64 { return 0.99 }
	})
	h.waitState(0, StateBackoff, 5*time.Second)
	sim.SetRefuse(false)
	from := h.mark()
	at := time.Now()
	h.sup.ReconnectNow()
	up := h.waitState(from, StateConnected, 5*time.Second)
	if took := up.Time.Sub(at); took > 3*time.Second {
		t.Fatalf("forced reconnect took %v despite a 30 s backoff", took)
	}
	// A real loss sets the detection latency; a forced one must not
	// overwrite it (nothing was detected).
	from = h.mark()
	sim.Drop()
	h.waitState(from, StateBackoff, 5*time.Second)
	h.sup.ReconnectNow() // the backoff is 30 s
	h.waitState(from, StateConnected, 5*time.Second)
	detected := h.sup.Metrics().DetectLast
	if detected <= 0 {
		t.Fatalf("detection latency after a drop = %v", detected)
	}
	// Forcing while connected drops and reconnects through the same path.
	from = h.mark()
	h.sup.ReconnectNow()
	h.waitState(from, StateConnected, 5*time.Second)
	got := states(h.events(), from)
	if len(got) < 2 || got[0] != "backoff/forced" {
		t.Fatalf("forced while connected: %v", got)
	}
	if m := h.sup.Metrics(); m.ForcedReconnects != 3 {
		t.Fatalf("forced reconnects = %d", m.ForcedReconnects)
	} else if m.DetectLast != detected {
		t.Fatalf("a forced reconnect changed the last detection latency %v → %v", detected, m.DetectLast)
	}
}

func TestStopIsFinal(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	h := newHarness(t, sim, nil)
	h.waitState(0, StateConnected, 10*time.Second)
	h.close()
	evs := h.events()
	last := evs[len(evs)-1]
	if last.Kind != KindState || last.State != StateStopped || last.Cause != CauseShutdown {
		t.Fatalf("last event %+v, want stopped/shutdown", last)
	}
	if _, err := h.sup.ContractDetails(context.Background(), Contract{Symbol: "AAPL"}); err != ErrStopped {
		t.Fatalf("request after stop: %v", err)
	}
	h.sup.ReconnectNow() // must not block or panic
}

// testSub is a subscription with its change notifications.
type testSub struct {
	*Sub
	changed chan struct{}
}

func subscribeT(t *testing.T, sup *Supervisor, c Contract, opts SubOptions) testSub {
	t.Helper()
	ch := make(chan struct{}, 1)
	opts.Notify = ch
	sub, err := sup.Subscribe(context.Background(), c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return testSub{sub, ch}
}

// waitQuote waits (on the subscription's notifications) until cond holds.
func waitQuote(t *testing.T, sub testSub, cond func(Quote) bool) Quote {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		q := sub.Quote()
		if cond(q) {
			return q
		}
		select {
		case <-sub.changed:
		case <-deadline.C:
			t.Fatalf("quote condition not met: %+v", sub.Quote())
		}
	}
}
