package conn

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// Thresholds for the remedy tests: short, and windows long enough that a
// second command inside one would be a bug.
func testIBC(addr string) IBCConfig {
	return IBCConfig{Addr: addr, DataAfter: 400 * time.Millisecond, AccountAfter: 400 * time.Millisecond,
		RestartAfter: time.Second, DataEvery: time.Hour, AccountEvery: time.Hour, RestartEvery: time.Hour,
		DialTimeout: time.Second, ReplyTimeout: time.Second}
}

// ibcHarness runs a simulator with its IBC command server and a supervisor
// with remedies on; mod adjusts the supervisor's config.
func ibcHarness(t *testing.T, mod func(*Config)) (*harness, *twsim.Server, *twsim.IBC) {
	t.Helper()
	sim := newSim(t, twsim.Config{})
	b, err := sim.StartIBC(twsim.IBCConfig{ReconnectDelay: 50 * time.Millisecond, RestartDown: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	h := newHarness(t, sim, func(c *Config) {
		c.IBC = testIBC(b.Addr())
		if mod != nil {
			mod(c)
		}
	})
	h.waitState(0, StateConnected, 10*time.Second)
	return h, sim, b
}

// ibcCommands lists the commands the simulated IBC received (not EXIT).
func ibcCommands(sim *twsim.Server) []string {
	var out []string
	for _, f := range sim.State().Faults {
		if f.Fault == "ibc" && !strings.HasPrefix(f.Detail, "EXIT") {
			out = append(out, strings.Fields(f.Detail)[0])
		}
	}
	return out
}

// waitMsg waits for an event whose message contains text, after index from.
func (h *harness) waitMsg(from int, text string, timeout time.Duration) Event {
	h.t.Helper()
	var got Event
	h.waitFor("an event saying "+text, timeout, func(evs []Event) bool {
		for _, ev := range evs[min(from, len(evs)):] {
			if strings.Contains(ev.Message, text) {
				got = ev
				return true
			}
		}
		return false
	})
	return got
}

// waitBeats waits for n more answered heartbeats: time in which the
// policy ran its checks many times.
func (h *harness) waitBeats(n int) {
	h.t.Helper()
	from := h.mark()
	h.waitFor("heartbeats", 10*time.Second, func(evs []Event) bool {
		k := 0
		for _, ev := range evs[min(from, len(evs)):] {
			if ev.Kind == KindHeartbeat && ev.Cause == CauseNone {
				k++
			}
		}
		return k >= n
	})
}

// waitFailures waits for n more failed attempts (by the counter).
func (h *harness) waitFailures(n int64, timeout time.Duration) {
	h.t.Helper()
	from := h.sup.Metrics().FailedAttempts
	h.waitFor("failed attempts", timeout, func([]Event) bool { return h.sup.Metrics().FailedAttempts >= from+n })
}

// A farm broken past DataAfter while IB is linked gets one RECONNECTDATA,
// which heals it; a healthy session before gets nothing; the same symptom
// again inside DataEvery gets nothing more.
func TestRemedyReconnectData(t *testing.T) {
	h, sim, _ := ibcHarness(t, nil)
	h.waitBeats(5) // healthy for longer than every threshold
	if got := ibcCommands(sim); len(got) != 0 {
		t.Fatalf("commands while healthy: %v", got)
	}
	from := h.mark()
	sim.SetFarm("usfarm", false)
	broke := h.waitMsg(from, "usfarm", 5*time.Second)
	asked := h.waitMsg(from, "IBC: asking for RECONNECTDATA", 5*time.Second)
	if d := asked.Time.Sub(broke.Time); d < testIBC("").DataAfter {
		t.Fatalf("asked %v after the farm broke, before the threshold", d)
	}
	h.waitMsg(from, "IBC answered RECONNECTDATA: OK", 5*time.Second)
	h.waitFor("usfarm OK again", 5*time.Second, func([]Event) bool {
		for _, f := range h.sup.Status().Farms {
			if f.Name == "usfarm" {
				return f.Status == FarmOK
			}
		}
		return false
	})
	sim.SetFarm("usfarm", false) // again, inside DataEvery
	h.waitBeats(5)
	if got := ibcCommands(sim); strings.Join(got, ",") != "RECONNECTDATA" {
		t.Fatalf("commands %v, want one RECONNECTDATA", got)
	}
	m := h.sup.Metrics().Remedies
	if m["RECONNECTDATA/sent"] != 1 || m["RECONNECTDATA/ok"] != 1 {
		t.Fatalf("metrics %v", m)
	}
}

// A lasting 1100 gets one RECONNECTACCOUNT; the simulated TWS answers
// with 1102 and the session is Connected again.
func TestRemedyReconnectAccount(t *testing.T) {
	h, sim, _ := ibcHarness(t, nil)
	from := h.mark()
	sim.IBLinkLost()
	lost := h.waitState(from, StateDegraded, 5*time.Second)
	asked := h.waitMsg(from, "IBC: asking for RECONNECTACCOUNT", 5*time.Second)
	if d := asked.Time.Sub(lost.Time); d < testIBC("").AccountAfter {
		t.Fatalf("asked %v after 1100, before the threshold", d)
	}
	back := h.waitState(from, StateConnected, 5*time.Second)
	if back.Cause != CauseIBRestored {
		t.Fatalf("back with cause %v", back.Cause)
	}
	h.waitBeats(5)
	if got := ibcCommands(sim); strings.Join(got, ",") != "RECONNECTACCOUNT" {
		t.Fatalf("commands %v, want one RECONNECTACCOUNT (no RECONNECTDATA for farms broken by the 1100)", got)
	}
}

// A frozen API (accepts, never answers) gets one RESTART after
// RestartAfter, and the restarted TWS connects again.
func TestRemedyRestartFrozenAPI(t *testing.T) {
	h, sim, _ := ibcHarness(t, nil)
	from := h.mark()
	sim.SetAPIFrozen(true)
	lost := h.waitState(from, StateBackoff, 5*time.Second)
	asked := h.waitMsg(from, "IBC: asking for RESTART", 15*time.Second)
	if d := asked.Time.Sub(lost.Time); d < testIBC("").RestartAfter {
		t.Fatalf("asked %v after the API froze, before the threshold", d)
	}
	h.waitState(h.mark(), StateConnected, 15*time.Second)
	h.waitBeats(5)
	if got := ibcCommands(sim); strings.Join(got, ",") != "RESTART" {
		t.Fatalf("commands %v, want one RESTART", got)
	}
}

// A TWS that stays frozen through restarts gets at most MaxRestarts of
// them, then one error event, and no more asking.
func TestRemedyNoRestartStorm(t *testing.T) {
	h, sim, b := ibcHarness(t, func(c *Config) {
		c.IBC.RestartAfter, c.IBC.RestartEvery, c.IBC.MaxRestarts = 500*time.Millisecond, 200*time.Millisecond, 2
	})
	b.SetRestartIneffective(true)
	from := h.mark()
	sim.SetAPIFrozen(true)
	h.waitMsg(from, "not asking again", 30*time.Second)
	// Long enough for several more RESTARTs had the budget not held
	// (repeated failures are not each an event: count them).
	h.waitFailures(4, 20*time.Second)
	if got := ibcCommands(sim); strings.Join(got, ",") != "RESTART,RESTART" {
		t.Fatalf("commands %v, want exactly two RESTARTs", got)
	}
	if m := h.sup.Metrics().Remedies; m["RESTART/sent"] != 2 || m["RESTART/withheld"] != 1 {
		t.Fatalf("metrics %v", m)
	}
}

// Inside the daily-restart window TWS is busy with itself: nothing is sent.
func TestRemedyNoneInDailyRestartWindow(t *testing.T) {
	start := time.Now().UTC().Add(-time.Minute)
	h, sim, _ := ibcHarness(t, func(c *Config) {
		c.Schedule = Schedule{DailyRestart: start.Format("15:04"), Location: time.UTC, RestartWindow: 20 * time.Minute}
	})
	from := h.mark()
	sim.IBLinkLost()
	h.waitState(from, StateDegraded, 5*time.Second)
	h.waitBeats(6)
	sim.SetAPIFrozen(true)
	frozen := time.Now()
	h.waitFailures(3, 20*time.Second)
	h.waitFor("the restart threshold passed twice", 20*time.Second, func([]Event) bool {
		return time.Since(frozen) > 2*testIBC("").RestartAfter
	})
	h.waitFailures(1, 20*time.Second) // a check after it
	if got := ibcCommands(sim); len(got) != 0 {
		t.Fatalf("commands inside the daily-restart window: %v", got)
	}
}

// IBC down, hanging or answering ERROR is an event and a count; the
// supervisor keeps supervising.
func TestRemedyIBCFailures(t *testing.T) {
	dead, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	_ = dead.Close()
	hang, err := net.Listen("tcp4", "127.0.0.1:0") // never accepts: the call waits for an answer
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hang.Close() })

	for _, c := range []struct {
		name, addr, say, outcome string
		erring                   bool
	}{
		{"down", deadAddr, "IBC call RECONNECTACCOUNT failed: IBC command server unreachable", "unreachable", false},
		{"hangs", hang.Addr().String(), "IBC call RECONNECTACCOUNT failed: IBC did not answer in time", "timeout", false},
		{"error", "", "IBC answered RECONNECTACCOUNT: ERROR main window not found", "error", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, sim, b := ibcHarness(t, func(cfg *Config) {
				if c.addr != "" {
					cfg.IBC.Addr = c.addr
				}
				cfg.IBC.ReplyTimeout = 300 * time.Millisecond
			})
			if c.erring {
				b.SetAnswerError("main window not found")
			}
			from := h.mark()
			sim.IBLinkLost()
			ev := h.waitMsg(from, c.say, 10*time.Second)
			if ev.Severity != SevWarning {
				t.Errorf("severity %v", ev.Severity)
			}
			h.waitBeats(3) // still supervising
			if m := h.sup.Metrics().Remedies; m["RECONNECTACCOUNT/"+c.outcome] != 1 {
				t.Fatalf("metrics %v", m)
			}
		})
	}
}
