package chain

import (
	"os"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/theme"
	"github.com/ibwatch/ibwatch/tui/internal/tuitest"
)

// TestMain makes every rendering deterministic, ends the simulators and
// link processes the live tests started, and checks that no goroutine
// outlives the tests.
func TestMain(m *testing.M) { os.Exit(tuitest.Main(m)) }

// t0 is the fixed "now" of every test: a Tuesday morning (the dashboard's
// tests use the same one).
var t0 = time.Date(2025, 1, 14, 8, 0, 0, 0, time.UTC)

func testStyles() *theme.Styles { return theme.New(theme.Options{NoColor: true, Dark: true}) }

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	keyTab      = tea.KeyMsg{Type: tea.KeyTab}
	keyShiftTab = tea.KeyMsg{Type: tea.KeyShiftTab}
	keyEnter    = tea.KeyMsg{Type: tea.KeyEnter}
	keyEsc      = tea.KeyMsg{Type: tea.KeyEsc}
	keyUp       = tea.KeyMsg{Type: tea.KeyUp}
)
