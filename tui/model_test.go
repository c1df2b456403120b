package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
)

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	keyTab      = tea.KeyMsg{Type: tea.KeyShiftTab - 1} // placeholder, fixed in init
	keyShiftTab = tea.KeyMsg{Type: tea.KeyShiftTab}
	keyEnter    = tea.KeyMsg{Type: tea.KeyEnter}
	keyEsc      = tea.KeyMsg{Type: tea.KeyEsc}
	keyCtrlC    = tea.KeyMsg{Type: tea.KeyCtrlC}
	keyUp       = tea.KeyMsg{Type: tea.KeyUp}
	keyPgUp     = tea.KeyMsg{Type: tea.KeyPgUp}
	keyEnd      = tea.KeyMsg{Type: tea.KeyEnd}
	keyHome     = tea.KeyMsg{Type: tea.KeyHome}
)

func init() { keyTab = tea.KeyMsg{Type: tea.KeyTab} }

// testModel is a sized model over a fake supervisor.
func testModel(t *testing.T, hist []conn.Event) (Model, *fakeSup) {
	t.Helper()
	sup := newFakeSup(baseStatus(conn.StateConnected, t0.Add(-time.Hour), conn.CauseReady), baseMetrics())
	m := New(Options{Sup: sup, History: hist, Styles: testStyles(), Now: fixedClock})
	m = upd(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	return m, sup
}

func upd(t *testing.T, m Model, msg tea.Msg) Model {
	t.Helper()
	nm, _ := m.Update(msg)
	return nm.(Model)
}

func updCmd(t *testing.T, m Model, msg tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	nm, cmd := m.Update(msg)
	return nm.(Model), cmd
}

// isQuit runs a Cmd and reports whether it quits the program.
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func feed(t *testing.T, m Model, evs ...conn.Event) Model {
	t.Helper()
	for _, ev := range evs {
		m = upd(t, m, connEventMsg{ev: ev})
	}
	return m
}

func TestKeys(t *testing.T) {
	tests := []struct {
		name  string
		keys  []tea.KeyMsg
		quit  bool
		check func(t *testing.T, m Model, sup *fakeSup)
	}{
		{name: "q quits", keys: []tea.KeyMsg{runes("q")}, quit: true},
		{name: "ctrl+c quits", keys: []tea.KeyMsg{keyCtrlC}, quit: true},
		{name: "? toggles full help", keys: []tea.KeyMsg{runes("?")}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if !m.help.ShowAll || !strings.Contains(m.View(), "Keys") {
				t.Fatal("full help not shown")
			}
		}},
		{name: "? twice hides help", keys: []tea.KeyMsg{runes("?"), runes("?")}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.help.ShowAll {
				t.Fatal("full help still shown")
			}
		}},
		{name: "tab moves focus", keys: []tea.KeyMsg{keyTab}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.focus != focusCounters {
				t.Fatalf("focus = %v, want counters", m.focus)
			}
		}},
		{name: "tab to chain shows placeholder", keys: []tea.KeyMsg{keyTab, keyTab}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.focus != focusChain || !strings.Contains(m.View(), "press / to search") {
				t.Fatalf("focus = %v, chain placeholder not shown", m.focus)
			}
			if m.keys.Search.Enabled() || m.keys.Filter.Enabled() {
				t.Fatal("log keys still enabled on the chain pane")
			}
		}},
		{name: "shift+tab wraps", keys: []tea.KeyMsg{keyShiftTab, keyShiftTab}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.focus != focusChain {
				t.Fatalf("focus = %v, want chain", m.focus)
			}
		}},
		{name: "r asks for a reconnect and says so", keys: []tea.KeyMsg{runes("r")}, check: func(t *testing.T, m Model, sup *fakeSup) {
			if !strings.Contains(m.View(), "reconnect requested…") {
				t.Fatal("no acknowledgement on screen")
			}
		}},
		{name: "f cycles the filter", keys: []tea.KeyMsg{runes("f")}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.log.filter != filterWarning || !strings.Contains(m.View(), "Events · ≥warning") {
				t.Fatalf("filter = %v", m.log.filter)
			}
		}},
		{name: "f four times is all again", keys: []tea.KeyMsg{runes("f"), runes("f"), runes("f"), runes("f")}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.log.filter != filterAll {
				t.Fatalf("filter = %v", m.log.filter)
			}
		}},
		{name: "/ opens search and disables letters", keys: []tea.KeyMsg{runes("/")}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if !m.log.Typing() {
				t.Fatal("search not open")
			}
			for _, b := range []string{"q", "r", "f", "?"} {
				for _, k := range []*keyBindingView{{"quit", m.keys.Quit.Enabled()}, {"reconnect", m.keys.Reconnect.Enabled()}, {"filter", m.keys.Filter.Enabled()}, {"help", m.keys.Help.Enabled()}} {
					if k.enabled {
						t.Fatalf("%s (%s) still enabled while typing", k.name, b)
					}
				}
			}
			if strings.Contains(m.footerView(), "reconnect") || !strings.Contains(m.footerView(), "ctrl+c") {
				t.Fatalf("help while typing: %q", m.footerView())
			}
		}},
		{name: "typing q searches, does not quit", keys: []tea.KeyMsg{runes("/"), runes("q")}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.log.query != "q" {
				t.Fatalf("query = %q", m.log.query)
			}
		}},
		{name: "ctrl+c quits while typing", keys: []tea.KeyMsg{runes("/"), keyCtrlC}, quit: true},
		{name: "enter keeps the search", keys: []tea.KeyMsg{runes("/"), runes("1100"), keyEnter}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.log.Typing() || m.log.query != "1100" || !strings.Contains(m.View(), "/1100 (") {
				t.Fatalf("typing=%v query=%q", m.log.Typing(), m.log.query)
			}
			if !m.keys.Quit.Enabled() {
				t.Fatal("q still disabled after enter")
			}
		}},
		{name: "esc clears the search", keys: []tea.KeyMsg{runes("/"), runes("1100"), keyEsc}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.log.Typing() || m.log.query != "" {
				t.Fatalf("typing=%v query=%q", m.log.Typing(), m.log.query)
			}
		}},
		{name: "up scrolls back", keys: []tea.KeyMsg{keyUp}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.log.follow {
				t.Fatal("still following")
			}
		}},
		{name: "home then end follows again", keys: []tea.KeyMsg{keyHome, keyEnd}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if !m.log.follow {
				t.Fatal("not following")
			}
		}},
		{name: "pgup scrolls a page", keys: []tea.KeyMsg{keyPgUp}, check: func(t *testing.T, m Model, _ *fakeSup) {
			if m.log.follow || m.log.offset != m.log.maxOffset()-(m.log.bodyHeight()-1) {
				t.Fatalf("offset %d of %d", m.log.offset, m.log.maxOffset())
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, sup := testModel(t, nil)
			m = feed(t, m, longLogEvents(200, t0.Add(-time.Hour), time.Second)...)
			var cmd tea.Cmd
			for _, k := range tc.keys {
				m, cmd = updCmd(t, m, k)
			}
			if got := isQuit(cmd); got != tc.quit {
				t.Fatalf("quit = %v, want %v", got, tc.quit)
			}
			if tc.check != nil {
				tc.check(t, m, sup)
			}
		})
	}
}

type keyBindingView struct {
	name    string
	enabled bool
}

func TestReconnectCallsSupervisorAndClearsOnStateEvent(t *testing.T) {
	m, sup := testModel(t, nil)
	m, cmd := updCmd(t, m, runes("r"))
	if cmd == nil {
		t.Fatal("no command")
	}
	cmd()
	if sup.reconnectCount() != 1 {
		t.Fatalf("ReconnectNow called %d times", sup.reconnectCount())
	}
	m = feed(t, m, stateEv(t0, conn.StateConnected, conn.StateConnecting, conn.CauseForced, 3))
	if strings.Contains(m.View(), "reconnect requested") {
		t.Fatal("acknowledgement not cleared by the state event")
	}
}

func TestEvents(t *testing.T) {
	tests := []struct {
		name  string
		evs   []conn.Event
		check func(t *testing.T, m Model)
	}{
		{"state change shows state and sets the title",
			[]conn.Event{stateEv(t0, conn.StateIdle, conn.StateConnecting, conn.CauseStart, 0),
				stateEv(t0, conn.StateConnecting, conn.StateConnected, conn.CauseReady, 1)},
			func(t *testing.T, m Model) {
				if m.cv.state != conn.StateConnected || m.cv.epoch != 1 {
					t.Fatalf("state %v epoch %d", m.cv.state, m.cv.epoch)
				}
				if got := m.WindowTitle(); got != "ibwatch ● connected" {
					t.Fatalf("title %q", got)
				}
			}},
		{"stale epoch is logged but not applied",
			[]conn.Event{stateEv(t0, conn.StateConnecting, conn.StateConnected, conn.CauseReady, 5),
				stateEv(t0, conn.StateConnected, conn.StateBackoff, conn.CauseClosedByTWS, 4)},
			func(t *testing.T, m Model) {
				if m.cv.state != conn.StateConnected {
					t.Fatalf("stale event applied: %v", m.cv.state)
				}
				if !strings.Contains(m.View(), "TWS closed the connection") {
					t.Fatal("stale event not logged")
				}
			}},
		{"backoff shows a countdown",
			[]conn.Event{func() conn.Event {
				ev := stateEv(t0, conn.StateConnecting, conn.StateBackoff, conn.CauseRefused, 0)
				ev.NextRetry, ev.Attempt = t0.Add(7*time.Second), 3
				return ev
			}()},
			func(t *testing.T, m Model) {
				v := m.View()
				if !strings.Contains(v, "in 7s") || !strings.Contains(v, "attempt 3") || !strings.Contains(v, "○ BACKOFF") {
					t.Fatalf("no countdown:\n%s", v)
				}
			}},
		{"a long refusal shows the retry schedule",
			[]conn.Event{func() conn.Event {
				ev := stateEv(t0, conn.StateConnecting, conn.StateBackoff, conn.CauseRefused, 0)
				ev.NextRetry, ev.Attempt = t0.Add(100*time.Millisecond), 4
				ev.Retry = &conn.RefusedRetry{Every: 5 * time.Second, Fast: 200 * time.Millisecond, FastUntil: t0.Add(5 * time.Minute)}
				return ev
			}()},
			func(t *testing.T, m Model) {
				v := m.View()
				if !strings.Contains(v, "every 200ms until "+fmtClock(t0.Add(5*time.Minute), t0)+", then every 5s") || strings.Contains(v, "in 0s") {
					t.Fatalf("no retry schedule:\n%s", v)
				}
			}},
		{"answered heartbeat feeds the sparkline, not the log",
			[]conn.Event{hbEv(t0, 3*time.Millisecond, 0)},
			func(t *testing.T, m Model) {
				if len(m.status.rtts) != 1 || len(m.log.entries) != 0 {
					t.Fatalf("rtts %d entries %d", len(m.status.rtts), len(m.log.entries))
				}
			}},
		{"missed heartbeat is logged",
			[]conn.Event{{Time: t0, Kind: conn.KindHeartbeat, Severity: conn.SevWarning, Message: "heartbeat missed"}},
			func(t *testing.T, m Model) {
				if !strings.Contains(m.View(), "heartbeat missed") {
					t.Fatal("miss not logged")
				}
			}},
		{"TWS text is sanitised",
			[]conn.Event{twsEv(t0, 2104, conn.SevInfo, "evil\x1b[2Jtext\nsecond line", "", 0)},
			func(t *testing.T, m Model) {
				v := m.View()
				if strings.Contains(v, "\x1b[2J") || !strings.Contains(v, "evil [2Jtext second line") {
					t.Fatal("control characters reached the screen")
				}
			}},
		{"scrolled back counts new events",
			nil,
			func(t *testing.T, m Model) {
				m = feed(t, m, longLogEvents(100, t0.Add(-time.Hour), time.Second)...)
				m = upd(t, m, keyPgUp)
				m = feed(t, m, longLogEvents(4, t0, time.Second)...)
				if m.log.newCount != 4 || !strings.Contains(m.View(), "4 new ↓") {
					t.Fatalf("newCount %d", m.log.newCount)
				}
				m = upd(t, m, keyEnd)
				if m.log.newCount != 0 || strings.Contains(m.View(), "new ↓") {
					t.Fatal("indicator not cleared by end")
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := testModel(t, nil)
			m = feed(t, m, tc.evs...)
			tc.check(t, m)
		})
	}
}

func TestEventCmdRearmsUntilClosed(t *testing.T) {
	m, sup := testModel(t, nil)
	_, cmd := updCmd(t, m, connEventMsg{ev: twsEv(t0, 2104, conn.SevInfo, "x", "", 0)})
	if cmd == nil {
		t.Fatal("event did not re-arm the wait")
	}
	sup.ch <- twsEv(t0, 2106, conn.SevInfo, "next", "", 0)
	close(sup.ch)
	wait := waitEventCmd(m.ctx, sup.Events())
	if msg, ok := wait().(connEventMsg); !ok || msg.ev.Message != "next" {
		t.Fatalf("got %#v", msg)
	}
	msg := wait()
	if _, ok := msg.(streamClosedMsg); !ok {
		t.Fatalf("got %#v, want streamClosedMsg", msg)
	}
	m, cmd = updCmd(t, m, msg)
	if cmd != nil {
		t.Fatal("re-armed after the stream closed")
	}
	if !strings.Contains(m.View(), "supervisor stopped") {
		t.Fatal("closed stream not shown")
	}
}

func TestSnapshot(t *testing.T) {
	m, _ := testModel(t, nil)
	st := baseStatus(conn.StateDegraded, t0.Add(-time.Minute), conn.CauseIBLinkLost)
	st.Window = "daily restart"
	met := baseMetrics()
	met.Disconnects[conn.CauseHeartbeatTimeout] = 2
	met.DetectLast, met.DetectMax = 3*time.Second, 9*time.Second
	m, cmd := updCmd(t, m, snapshotMsg{now: t0, status: st, metrics: met, seq: m.tick.seq})
	if cmd == nil {
		t.Fatal("tick not re-armed")
	}
	v := m.View()
	for _, want := range []string{"◐ DEGRADED", "in daily restart window", "heartbeat 2", "last 3.0s · worst 9.0s", "99.94%"} {
		if !strings.Contains(v, want) {
			t.Errorf("missing %q", want)
		}
	}
	// An older snapshot must not undo a newer state event.
	m = feed(t, m, stateEv(t0, conn.StateDegraded, conn.StateConnected, conn.CauseIBRestored, 3))
	m = upd(t, m, snapshotMsg{now: t0, status: st, metrics: met})
	if m.cv.state != conn.StateConnected {
		t.Fatalf("old snapshot undid the newer event: %v", m.cv.state)
	}
}

func TestBell(t *testing.T) {
	rings := 0
	sup := newFakeSup(conn.Status{}, conn.Metrics{})
	// A done context makes the event-waiting Cmds return at once, so the
	// test can run every Cmd synchronously.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := New(Options{Sup: sup, Styles: testStyles(), Now: fixedClock, Bell: true, BellFunc: func() { rings++ }, Context: ctx})
	run := func(ev conn.Event) {
		var cmd tea.Cmd
		m, cmd = updCmd(t, m, connEventMsg{ev: ev})
		runBatch(cmd)
	}
	run(stateEv(t0, conn.StateConnecting, conn.StateConnected, conn.CauseReady, 1))
	if rings != 0 {
		t.Fatal("rang on the first connect")
	}
	run(stateEv(t0, conn.StateConnected, conn.StateBackoff, conn.CauseHeartbeatTimeout, 1))
	run(stateEv(t0, conn.StateBackoff, conn.StateConnecting, conn.CauseRetry, 1))
	if rings != 1 {
		t.Fatalf("rings after loss = %d", rings)
	}
	run(stateEv(t0, conn.StateConnecting, conn.StateConnected, conn.CauseReady, 2))
	if rings != 2 {
		t.Fatalf("rings after recovery = %d", rings)
	}
}

// runBatch runs a Cmd and, for a batch, the Cmds in it (the model's
// context must be done so that waiting Cmds return).
func runBatch(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runBatch(c)
		}
	}
}

func TestResize(t *testing.T) {
	m, _ := testModel(t, nil)
	m = upd(t, m, tea.WindowSizeMsg{Width: 50, Height: 12})
	if v := m.View(); !strings.Contains(v, "ibwatch needs at least 60×16 — now 50×12") {
		t.Fatalf("too-small message missing: %q", v)
	}
	for _, sz := range [][2]int{{60, 16}, {80, 24}, {120, 40}, {200, 60}} {
		m = upd(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		lines := strings.Split(m.View(), "\n")
		if len(lines) != sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
		}
		for i, l := range lines {
			if w := len([]rune(l)); w > sz[0] {
				t.Errorf("%dx%d: line %d is %d wide", sz[0], sz[1], i, w)
			}
		}
		if m.log.w == 0 || m.panes[focusChain].(*chainPlaceholder).w == 0 {
			t.Errorf("%dx%d: a pane was not sized", sz[0], sz[1])
		}
	}
}
