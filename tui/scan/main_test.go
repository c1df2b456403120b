package scan

import (
	"os"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/ibc"
	"github.com/ibwatch/ibwatch/tui/internal/tuitest"
)

// TestMain makes every rendering deterministic, ends the simulators and
// link processes the live test started, and checks that no goroutine
// outlives the tests.
func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

// t0 is the fixed "now" of every test, as in the dashboard's tests.
var (
	t0         = tuitest.T0
	fixedClock = tuitest.Clock
	testStyles = tuitest.Styles
)

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	keyTab   = tea.KeyMsg{Type: tea.KeyTab}
	keyEnter = tea.KeyMsg{Type: tea.KeyEnter}
	keyDown  = tea.KeyMsg{Type: tea.KeyDown}
)

// staticSup is the dashboard's supervisor in the goldens: connected for an
// hour, no events (its channel is nil: it never delivers, never closes).
// It is our own tui.Supervisor, not a fake of ibapi.
type staticSup struct{}

func (staticSup) Events() <-chan conn.Event { return nil }
func (staticSup) Status() conn.Status {
	return conn.Status{State: conn.StateConnected, Since: t0.Add(-time.Hour), Cause: conn.CauseReady, Epoch: 3,
		Addr: "127.0.0.1:7497", ClientID: 17, ServerVersion: 178}
}
func (staticSup) Metrics() conn.Metrics {
	return conn.Metrics{Start: t0.Add(-time.Hour), Uptime: time.Hour, Connects: 1, Disconnects: map[conn.Cause]int64{}}
}
func (staticSup) ReconnectNow()            {}
func (staticSup) AskIBC(ibc.Command) error { return conn.ErrIBCOff }
