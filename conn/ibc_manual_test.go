package conn

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/ibc"
	"github.com/ibwatch/ibwatch/conn/twsim"
)

// A command asked by hand is sent once, at once (no threshold), and the
// request and IBC's answer are events marked as asked by hand; the
// simulated IBC heals the farm.
func TestAskIBCByHand(t *testing.T) {
	h, sim, _ := ibcHarness(t, func(c *Config) { c.IBC.DataAfter = time.Hour }) // the policy stays out
	from := h.mark()
	sim.SetFarm("usfarm", false)
	h.waitMsg(from, "usfarm", 5*time.Second)
	if err := h.sup.AskIBC(ibc.ReconnectData); err != nil {
		t.Fatalf("AskIBC: %v", err)
	}
	h.waitMsg(from, "IBC: asking for RECONNECTDATA, asked by hand", 5*time.Second)
	ans := h.waitMsg(from, "IBC answered RECONNECTDATA: OK", 5*time.Second)
	if !strings.Contains(ans.Message, "asked by hand") {
		t.Errorf("answer %q does not say it was asked by hand", ans.Message)
	}
	h.waitFor("usfarm OK again", 5*time.Second, func([]Event) bool {
		for _, f := range h.sup.Status().Farms {
			if f.Name == "usfarm" {
				return f.Status == FarmOK
			}
		}
		return false
	})
	h.waitBeats(3)
	if got := ibcCommands(sim); strings.Join(got, ",") != "RECONNECTDATA" {
		t.Fatalf("commands %v, want one RECONNECTDATA", got)
	}
	if m := h.sup.Metrics().Remedies; m["RECONNECTDATA/sent"] != 1 || m["RECONNECTDATA/manual"] != 1 || m["RECONNECTDATA/ok"] != 1 {
		t.Fatalf("metrics %v", m)
	}
}

// A RESTART by hand is sent even while the session is healthy, and it
// counts toward the restart budget: with a budget of one, a frozen API
// afterwards gets no automatic RESTART, only the error event.
func TestAskIBCRestartCountsTowardBudget(t *testing.T) {
	h, sim, _ := ibcHarness(t, func(c *Config) {
		c.IBC.RestartAfter, c.IBC.RestartEvery, c.IBC.MaxRestarts = 300*time.Millisecond, 100*time.Millisecond, 1
	})
	from := h.mark()
	if err := h.sup.AskIBC(ibc.Restart); err != nil {
		t.Fatalf("AskIBC: %v", err)
	}
	h.waitMsg(from, "IBC answered RESTART: OK", 5*time.Second)
	epoch := h.sup.Status().Epoch
	h.waitFor("TWS restarted and connected again", 15*time.Second, func([]Event) bool {
		st := h.sup.Status()
		return st.State == StateConnected && st.Epoch > epoch
	})
	from = h.mark()
	sim.SetAPIFrozen(true)
	h.waitMsg(from, "not asking again", 15*time.Second)
	h.waitFailures(3, 20*time.Second)
	if got := ibcCommands(sim); strings.Join(got, ",") != "RESTART" {
		t.Fatalf("commands %v, want only the RESTART asked by hand", got)
	}
}

// One IBC call at a time: a second request while the first waits for its
// answer is refused with an event, not queued and not sent.
func TestAskIBCWhileBusy(t *testing.T) {
	hang, err := net.Listen("tcp4", "127.0.0.1:0") // never accepts: the call waits for an answer
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hang.Close() })
	h, _, _ := ibcHarness(t, func(c *Config) { c.IBC.Addr, c.IBC.ReplyTimeout = hang.Addr().String(), 2*time.Second })
	from := h.mark()
	for _, cmd := range []ibc.Command{ibc.ReconnectAccount, ibc.ReconnectData} {
		if err := h.sup.AskIBC(cmd); err != nil {
			t.Fatalf("AskIBC(%s): %v", cmd, err)
		}
	}
	h.waitMsg(from, "IBC: RECONNECTDATA asked by hand not sent: another IBC call", 5*time.Second)
	if ev := h.waitMsg(from, "IBC call RECONNECTACCOUNT failed: IBC did not answer in time", 10*time.Second); !strings.HasSuffix(ev.Message, "(asked by hand)") {
		t.Errorf("answer %q does not say it was asked by hand", ev.Message)
	}
	if m := h.sup.Metrics().Remedies; m["RECONNECTDATA/busy"] != 1 || m["RECONNECTDATA/sent"] != 0 || m["RECONNECTACCOUNT/timeout"] != 1 {
		t.Fatalf("metrics %v", m)
	}
}

// Without IBC, a command ibwatch never sends, and after the supervisor
// stopped: an error at once.
func TestAskIBCRefusals(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	h := newHarness(t, sim, nil)
	h.waitState(0, StateConnected, 10*time.Second)
	if err := h.sup.AskIBC(ibc.ReconnectData); !errors.Is(err, ErrIBCOff) {
		t.Fatalf("without IBC: %v", err)
	}

	h2, _, _ := ibcHarness(t, nil)
	if err := h2.sup.AskIBC("STOP"); err == nil || !strings.Contains(err.Error(), "STOP") {
		t.Fatalf("STOP: %v", err)
	}
	h2.close()
	if err := h2.sup.AskIBC(ibc.ReconnectData); !errors.Is(err, ErrStopped) {
		t.Fatalf("after stop: %v", err)
	}
}
