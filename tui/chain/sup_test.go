package chain

import (
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/ibc"
)

// connectedSup is the dashboard's supervisor in the chain's tests: connected
// for an hour, with the counters of package tui's tests (the goldens show
// them), and no events. It is our own tui.Supervisor, not a fake of ibapi.
func connectedSup() staticSup {
	return staticSup{
		st: conn.Status{State: conn.StateConnected, Since: t0.Add(-time.Hour), Cause: conn.CauseReady, Epoch: 3,
			Addr: "127.0.0.1:7497", ClientID: 17, ServerVersion: 178, Accounts: []string{"DU1234567"},
			Farms: []conn.Farm{
				{Name: "usfarm", Kind: conn.FarmMarket, Status: conn.FarmOK},
				{Name: "ushmds", Kind: conn.FarmHist, Status: conn.FarmOK},
				{Name: "secdefnj", Kind: conn.FarmSecDef, Status: conn.FarmOK},
			},
			NextRestart: time.Date(2025, 1, 14, 23, 0, 0, 0, time.UTC),
			NextRelogin: time.Date(2025, 1, 19, 1, 0, 0, 0, time.UTC)},
		met: conn.Metrics{Start: t0.Add(-time.Hour), Uptime: time.Hour, Connects: 1, Availability: 0.9994,
			RTTLast: 2800 * time.Microsecond, RTTP50: 2500 * time.Microsecond, RTTP99: 9 * time.Millisecond,
			Disconnects: map[conn.Cause]int64{}, Heartbeats: 40},
	}
}

// staticSup reports a fixed status and metrics and no events: its event
// channel is nil, so it never delivers and never closes, like a running
// supervisor's with nothing to say.
type staticSup struct {
	st  conn.Status
	met conn.Metrics
}

func (s staticSup) Events() <-chan conn.Event { return nil }
func (s staticSup) Status() conn.Status       { return s.st }
func (s staticSup) Metrics() conn.Metrics     { return s.met }
func (s staticSup) ReconnectNow()             {}
func (s staticSup) AskIBC(ibc.Command) error  { return conn.ErrIBCOff }

// fixedClock is the dashboard's clock in the tests: always t0.
func fixedClock() time.Time { return t0 }
