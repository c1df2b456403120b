package tui

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/ibc"
	"github.com/ibwatch/ibwatch/theme"
	"github.com/ibwatch/ibwatch/tui/internal/tuitest"
)

// TestMain makes every rendering deterministic (no colour, UTC clock
// faces) and checks that no goroutine outlives the tests.
func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

// t0 is the fixed "now" of every test: a Tuesday morning after a night.
var t0 = time.Date(2025, 1, 14, 8, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return t0 }

func testStyles() *theme.Styles { return theme.New(theme.Options{NoColor: true, Dark: true}) }

// fakeSup is a fake of our own Supervisor interface (not of ibapi): events
// go through a channel exactly as the real supervisor's do.
type fakeSup struct {
	ch         chan conn.Event
	mu         sync.Mutex
	st         conn.Status
	met        conn.Metrics
	reconnects int
	asked      []ibc.Command // AskIBC calls
	askErr     error         // what AskIBC returns
}

func newFakeSup(st conn.Status, met conn.Metrics) *fakeSup {
	return &fakeSup{ch: make(chan conn.Event, 4096), st: st, met: met}
}

func (f *fakeSup) Events() <-chan conn.Event { return f.ch }

func (f *fakeSup) Status() conn.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

func (f *fakeSup) Metrics() conn.Metrics {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.met
}

func (f *fakeSup) ReconnectNow() {
	f.mu.Lock()
	f.reconnects++
	f.mu.Unlock()
}

func (f *fakeSup) AskIBC(cmd ibc.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, cmd)
	return f.askErr
}

func (f *fakeSup) askedIBC() []ibc.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ibc.Command(nil), f.asked...)
}

func (f *fakeSup) set(st conn.Status, met conn.Metrics) {
	f.mu.Lock()
	f.st, f.met = st, met
	f.mu.Unlock()
}

func (f *fakeSup) reconnectCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reconnects
}
