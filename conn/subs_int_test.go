package conn

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

var aapl = Contract{Symbol: "AAPL", SecType: "STK", Exchange: "SMART", Currency: "USD"}

// A market data farm that breaks and comes back (not inside a 1100 outage)
// drops TWS's lines: the subscriptions are re-requested with no action.
func TestFarmBlipResubscribes(t *testing.T) {
	sim := newSim(t, twsim.Config{TickInterval: 50 * time.Millisecond})
	h := newHarness(t, sim, nil)
	h.waitState(0, StateConnected, 10*time.Second)
	sub := subscribeT(t, h.sup, aapl, SubOptions{})
	waitQuote(t, sub, func(q Quote) bool { return Has(q.Bid) })
	from := h.mark()
	if err := sim.SetFarmState(twsim.FarmUSMarket, twsim.FarmBroken); err != nil {
		t.Fatal(err)
	}
	h.waitFor("2103", 3*time.Second, func(evs []Event) bool {
		return slices.ContainsFunc(evs[from:], func(e Event) bool { return e.Code == 2103 })
	})
	if err := sim.SetFarmState(twsim.FarmUSMarket, twsim.FarmOK); err != nil {
		t.Fatal(err)
	}
	h.waitFor("re-request after the farm came back", 3*time.Second, func(evs []Event) bool {
		return slices.ContainsFunc(evs[from:], func(e Event) bool {
			return e.Kind == KindData && strings.Contains(e.Message, "farm usfarm is back")
		})
	})
	after := time.Now()
	waitQuote(t, sub, func(q Quote) bool { return !q.Stale && q.Updated.After(after) })
	if st := sim.State(); st.Sessions[0].Lines != 1 {
		t.Fatalf("lines at TWS after the re-request: %d (the old line must be cancelled)", st.Sessions[0].Lines)
	}
}

// A live subscription that stops ticking while its market is open is
// re-requested (TWS sometimes drops a line without a word).
func TestSilentSubscriptionIsReRequested(t *testing.T) {
	sim := newSim(t, twsim.Config{TickInterval: time.Hour}) // first ticks only, then silence
	h := newHarness(t, sim, func(c *Config) {
		c.SilentAfter = 600 * time.Millisecond
		c.MarketOpen = func(time.Time) bool { return true }
	})
	h.waitState(0, StateConnected, 10*time.Second)
	sub := subscribeT(t, h.sup, aapl, SubOptions{})
	first := waitQuote(t, sub, func(q Quote) bool { return Has(q.Bid) })
	h.waitFor("silent subscription re-requested", 5*time.Second, func(evs []Event) bool {
		return slices.ContainsFunc(evs, func(e Event) bool {
			return e.Kind == KindData && strings.Contains(e.Message, "silent")
		})
	})
	waitQuote(t, sub, func(q Quote) bool { return q.Updated.After(first.Updated) && !q.Stale })
	if st := sim.State(); st.Sessions[0].Lines != 1 {
		t.Fatalf("lines at TWS after re-requests: %d", st.Sessions[0].Lines)
	}
	// Outside market hours silence is normal: no re-request.
	h2 := newHarness(t, sim, func(c *Config) {
		c.ClientIDs = []int64{77}
		c.SilentAfter = 600 * time.Millisecond
		c.MarketOpen = func(time.Time) bool { return false }
	})
	h2.waitState(0, StateConnected, 10*time.Second)
	sub2 := subscribeT(t, h2.sup, aapl, SubOptions{})
	waitQuote(t, sub2, func(q Quote) bool { return Has(q.Bid) })
	n := h2.mark()
	h2.waitFor("two silence checks", 5*time.Second, func(evs []Event) bool {
		return len(evs) >= n+6 // heartbeats keep coming; ~1.2 s
	})
	if slices.ContainsFunc(h2.events(), func(e Event) bool { return strings.Contains(e.Message, "silent") }) {
		t.Fatal("re-requested a silent subscription while the market is closed")
	}
}
