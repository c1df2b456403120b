// Package tuitest is what the tests of the dashboard's packages (tui and
// its panes) share: the same deterministic rendering and leak check in
// every TestMain, and waiting for a teatest program's screen.
package tuitest

import (
	"bytes"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/ibwatch/ibwatch/conn/conntest"
	"github.com/ibwatch/ibwatch/theme"
	"github.com/muesli/termenv"
	"go.uber.org/goleak"
)

// Main runs the tests with every rendering deterministic (no colour, UTC
// clock faces), ends the simulators and link processes they started, and
// checks that no goroutine outlives them. TestMain passes its result to
// os.Exit.
func Main(m *testing.M) int {
	lipgloss.SetColorProfile(termenv.Ascii)
	time.Local = time.UTC
	return conntest.Run(m,
		// teatest parks one goroutine per test model on a SIGINT channel
		// that it never closes (teatest.go NewTestModel); it is not ours.
		goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest.NewTestModel.func2"))
}

// T0 is the fixed "now" of the dashboard's tests: a Tuesday morning.
var T0 = time.Date(2025, 1, 14, 8, 0, 0, 0, time.UTC)

// Clock is the tests' clock: always T0.
func Clock() time.Time { return T0 }

// Styles are the tests' styles: no colour, dark background.
func Styles() *theme.Styles { return theme.New(theme.Options{NoColor: true, Dark: true}) }

// WaitScreen waits (10 s at most) until every one of texts has been on
// the program's output.
func WaitScreen(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	seen := make([]bool, len(texts))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		all := true
		for i, s := range texts {
			seen[i] = seen[i] || bytes.Contains(b, []byte(s))
			all = all && seen[i]
		}
		return all
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}
