package twsim

import (
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// TestKeptLineResendsWhileClosed: on a Saturday nothing trades, yet a line
// kept through an IB link loss (1102) gets the current values again, so a
// client sees its data is back.
func TestKeptLineResendsWhileClosed(t *testing.T) {
	sat := time.Date(2026, time.March, 14, 15, 0, 0, 0, time.UTC)
	s := startSim(t, Config{Now: func() time.Time { return sat }})
	r := rawDial(t, s.Addr())
	r.start("v100..200", 1)
	r.send(wire.OutReqMktData, 11, 4, 0, "AAPL", "STK", "", "", "", "", "SMART", "", "USD", "", "", 0, "", 0, 0, "")
	bid := func() []string {
		for {
			if f := r.until(wire.InTickPrice); f[3] == "1" {
				return f
			}
		}
	}
	first := bid()
	s.IBLinkLost()
	s.IBLinkRestored(true)
	r.untilErr(1102)
	if again := bid(); !equal(again, first) {
		t.Errorf("bid after 1102 %q, before %q", again, first)
	}
}
