package tui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/ibc"
	"github.com/ibwatch/ibwatch/tui/internal/tuitest"
)

// ibcModel is a sized model whose supervisor has IBC configured (or not).
func ibcModel(t *testing.T, on bool) (Model, *fakeSup) {
	t.Helper()
	sup := newFakeSup(baseStatus(conn.StateConnected, t0.Add(-time.Hour), conn.CauseReady), baseMetrics())
	m := New(Options{Sup: sup, Styles: testStyles(), Now: fixedClock, IBC: on})
	return upd(t, m, tea.WindowSizeMsg{Width: 120, Height: 40}), sup
}

// press sends keys one by one and returns the model and the last Cmd.
func press(t *testing.T, m Model, keys ...tea.KeyMsg) (Model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		m, cmd = updCmd(t, m, k)
	}
	return m, cmd
}

// footer is the last line of the view: notice and short help.
func footer(m Model) string {
	v := m.View()
	return v[strings.LastIndex(v, "\n")+1:]
}

func TestIBCMenu(t *testing.T) {
	tests := []struct {
		name string
		keys []tea.KeyMsg
		want []ibc.Command // sent to the supervisor
		open bool          // the menu is still open
	}{
		{"enter sends the first", []tea.KeyMsg{runes("i"), keyEnter}, []ibc.Command{ibc.ReconnectData}, false},
		{"arrows choose", []tea.KeyMsg{runes("i"), {Type: tea.KeyDown}, keyEnter}, []ibc.Command{ibc.ReconnectAccount}, false},
		{"up wraps to RESTART, which asks", []tea.KeyMsg{runes("i"), keyUp, keyEnter}, nil, true},
		{"2 sends RECONNECTACCOUNT", []tea.KeyMsg{runes("i"), runes("2")}, []ibc.Command{ibc.ReconnectAccount}, false},
		{"3 asks before RESTART", []tea.KeyMsg{runes("i"), runes("3")}, nil, true},
		{"y confirms RESTART", []tea.KeyMsg{runes("i"), runes("3"), runes("y")}, []ibc.Command{ibc.Restart}, false},
		{"enter is No", []tea.KeyMsg{runes("i"), runes("3"), keyEnter}, nil, true},
		{"n goes back to the list", []tea.KeyMsg{runes("i"), runes("3"), runes("n"), runes("1")}, []ibc.Command{ibc.ReconnectData}, false},
		{"esc closes", []tea.KeyMsg{runes("i"), keyEsc}, nil, false},
		{"esc closes the question", []tea.KeyMsg{runes("i"), runes("3"), keyEsc}, nil, false},
		{"q does not quit or leak", []tea.KeyMsg{runes("i"), runes("q"), runes("r")}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, sup := ibcModel(t, true)
			for _, k := range tc.keys {
				var cmd tea.Cmd
				if m, cmd = press(t, m, k); cmd == nil {
					continue
				}
				msg := cmd() // runs AskIBC, as Bubble Tea would
				if _, quit := msg.(tea.QuitMsg); quit {
					t.Fatalf("%v quit the program", k)
				}
				m = upd(t, m, msg)
			}
			if got := sup.askedIBC(); !slices.Equal(got, tc.want) {
				t.Fatalf("AskIBC got %v, want %v", got, tc.want)
			}
			if sup.reconnectCount() != 0 {
				t.Fatal("a key reached the dashboard behind the menu")
			}
			if m.ibc.open != tc.open || strings.Contains(m.View(), "Ask IBC") != tc.open {
				t.Fatalf("menu open %v, want %v", m.ibc.open, tc.open)
			}
			if len(tc.want) > 0 && !strings.Contains(footer(m), "asking IBC for "+string(tc.want[0])) {
				t.Fatalf("no acknowledgement: %q", footer(m))
			}
		})
	}
}

// The question names RESTART and defaults to No; ctrl+c still quits.
func TestIBCMenuRestartQuestion(t *testing.T) {
	m, _ := ibcModel(t, true)
	m, _ = press(t, m, runes("i"), runes("3"))
	if v := m.View(); !strings.Contains(v, "Restart TWS through IBC? y/N") {
		t.Fatalf("no question:\n%s", v)
	}
	if f := footer(m); !strings.Contains(f, "y restart") || strings.Contains(f, "enter send") {
		t.Fatalf("footer help %q", f)
	}
	if _, cmd := press(t, m, keyCtrlC); !isQuit(cmd) {
		t.Fatal("ctrl+c does not quit from the menu")
	}
}

// Without IBC the key is not in help and says how to turn IBC on; with
// it, help lists it.
func TestIBCKeyWithoutIBC(t *testing.T) {
	m, sup := ibcModel(t, false)
	if strings.Contains(footer(m), "i IBC") {
		t.Fatal("i is in help without IBC")
	}
	m, cmd := press(t, m, runes("i"))
	if cmd != nil || m.ibc.open {
		t.Fatal("the menu opened without IBC")
	}
	if f := footer(m); !strings.Contains(f, "IBC not configured: set ibc_address") {
		t.Fatalf("no hint: %q", f)
	}
	m, _ = press(t, m, keyEnd)
	if strings.Contains(footer(m), "IBC not configured") {
		t.Fatal("the hint outlived the next key")
	}
	if len(sup.askedIBC()) != 0 {
		t.Fatal("asked IBC")
	}
	on, _ := ibcModel(t, true)
	if !strings.Contains(footer(on), "i IBC") {
		t.Fatalf("i missing from help with IBC: %q", footer(on))
	}
}

// A request the supervisor did not take is an error in the status line;
// one it took gives way to the supervisor's own event.
func TestIBCAskOutcome(t *testing.T) {
	m, sup := ibcModel(t, true)
	sup.askErr = errors.New("supervisor stopped")
	m, cmd := press(t, m, runes("i"), keyEnter)
	m = upd(t, m, cmd())
	if f := footer(m); !strings.Contains(f, "IBC RECONNECTDATA not sent: supervisor stopped") {
		t.Fatalf("footer %q", f)
	}

	m, sup = ibcModel(t, true)
	m, cmd = press(t, m, runes("i"), keyEnter)
	m = upd(t, m, cmd())
	m = feed(t, m, conn.Event{Time: t0, Kind: conn.KindApp, Severity: conn.SevWarning, State: conn.StateConnected,
		Message: "IBC: asking for RECONNECTDATA, asked by hand"})
	if f := footer(m); strings.Contains(f, "asking IBC") {
		t.Fatalf("notice not cleared by the event: %q", f)
	}
	if !strings.Contains(m.View(), "IBC: asking for RECONNECTDATA, asked by hand") {
		t.Fatal("the event is not in the log")
	}
}

// TestGoldenIBCMenu is the menu and the RESTART question over the
// dashboard at 80×24.
func TestGoldenIBCMenu(t *testing.T) {
	for _, c := range []struct {
		name string
		keys []tea.KeyMsg
		wait string
	}{
		{"menu", []tea.KeyMsg{runes("i"), {Type: tea.KeyDown}}, "reconnect TWS to IB"},
		{"confirm", []tea.KeyMsg{runes("i"), runes("3")}, "y/N"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc := connectedScenario()
			sup := newFakeSup(sc.status, sc.metrics)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			m := New(Options{Sup: sup, History: sc.history, Styles: testStyles(), Now: fixedClock, Context: ctx, IBC: true})
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
			for _, ev := range sc.live {
				sup.ch <- ev
			}
			tuitest.WaitScreen(t, tm, sc.waitFor...)
			for _, k := range c.keys {
				tm.Send(k)
			}
			tuitest.WaitScreen(t, tm, c.wait)
			tm.Send(keyCtrlC)
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
			cancel()
			teatest.RequireEqualOutput(t, []byte(fm.View()))
		})
	}
}
