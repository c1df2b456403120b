package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// Update routes messages in this order: window size to
// every pane, keys (an open text input first, then globals, then the
// focused pane), then data messages, then anything else to the panes that
// may own it.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	case connEventMsg:
		if m.ibcWait && msg.ev.Kind == conn.KindApp {
			m.ibcWait = false // the supervisor's own words replace the notice
			m.setNotice(noticeNone, "")
		}
		cmds := m.handleEvent(msg.ev)
		cmds = append(cmds, m.waitEvent())
		if logged(&msg.ev) && !m.refreshing {
			// Counters and farms come with Status and Metrics; between
			// ticks (a minute apart when idle) read them after anything
			// worth logging. One read at a time: a burst shares it.
			m.refreshing = true
			cmds = append(cmds, snapshotCmd(m.ctx, m.opts.Sup, m.clock, 0, 0))
		}
		cmds = append(cmds, m.tickSooner())
		return m, tea.Batch(cmds...)
	case ibcAskedMsg:
		m.ibcAsked(msg)
		return m, nil
	case streamClosedMsg:
		m.cv.closed = true
		m.reconnWait = false
		m.setNotice(noticeError, "supervisor stopped: event stream closed · q quits")
		m.refreshConn()
		return m, nil
	case snapshotMsg:
		m.handleSnapshot(msg)
		switch msg.seq {
		case m.tick.seq: // the live chain's tick
			return m, m.armTick(msg.now)
		case 0:
			m.refreshing = false
		}
		// A one-off or a superseded chain's tick: data only, but it may
		// have brought a change that ticks sooner (a new state).
		return m, m.tickSooner()
	}
	// Anything else (cursor blinks, the chain's and the scan's own
	// messages) goes to the panes that may own it: each drops what is not
	// its own.
	var cmds []tea.Cmd
	if m.log.Typing() {
		_, cmd := m.log.Update(msg)
		cmds = append(cmds, cmd)
	}
	for _, f := range []focusID{focusChain, focusScan} {
		if m.panes[f] != nil {
			var cmd tea.Cmd
			m.panes[f], cmd = m.panes[f].Update(msg)
			cmds = append(cmds, cmd)
		}
	}
	if _, ok := msg.(pane.OpenChainMsg); ok && m.opts.Chain != nil {
		// The chain pane has taken the request (it opens while still
		// unfocused, so focusing it does not re-open the chain shown
		// before); now show it.
		cmds = append(cmds, m.setFocus(focusChain, 1))
	}
	return m, tea.Batch(cmds...)
}

// handleKey implements the key routing. Matching is by key.Matches only;
// disabled bindings never match.
func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.ibcWait {
		m.ibcWait = false
		m.setNotice(noticeNone, "")
	}
	if m.ibc.open {
		return m.ibcKey(msg)
	}
	focused := m.panes[m.focus]
	if focused.Typing() {
		if key.Matches(msg, m.keys.Interrupt) {
			return m, tea.Quit
		}
		p, cmd := focused.Update(msg)
		m.panes[m.focus] = p
		m.syncKeys()
		return m, cmd
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.relayout()
		return m, nil
	case key.Matches(msg, m.keys.Next):
		return m, m.setFocus(m.focus+1, 1)
	case key.Matches(msg, m.keys.Prev):
		return m, m.setFocus(m.focus-1, -1)
	case key.Matches(msg, m.keys.Reconnect):
		// Acknowledge at once; the outcome arrives as state events.
		m.reconnWait = true
		m.setNotice(noticeInfo, "reconnect requested…")
		return m, reconnectCmd(m.opts.Sup)
	case key.Matches(msg, m.keys.IBC):
		if m.help.ShowAll {
			m.help.ShowAll = false
			m.relayout()
		}
		m.ibc.show()
		m.syncKeys()
		return m, nil
	case key.Matches(msg, m.keys.IBCOff):
		m.ibcWait = true
		m.setNotice(noticeInfo, "IBC not configured: set ibc_address (or --ibc-address) to send remedies")
		return m, nil
	case key.Matches(msg, m.keys.Filter):
		m.log.cycleFilter()
		return m, nil
	case key.Matches(msg, m.keys.Search):
		if m.help.ShowAll {
			m.help.ShowAll = false
			m.relayout()
		}
		fcmd := m.setFocus(focusLog, 1)
		cmd := m.log.startSearch()
		m.syncKeys()
		return m, tea.Batch(fcmd, cmd)
	}
	p, cmd := focused.Update(msg)
	m.panes[m.focus] = p
	m.syncKeys()
	return m, cmd
}

// handleEvent applies one supervisor event. Every event is logged; events
// from an older connection epoch do not change the shown status (a late
// event must not undo a newer state).
func (m *Model) handleEvent(ev conn.Event) []tea.Cmd {
	m.now = maxTime(m.now, m.clock())
	if logged(&ev) {
		m.log.appendEntry(ev, false)
	}
	if ev.Kind == conn.KindState {
		// The timeline takes every transition, in time order: a late one
		// still happened.
		m.tl.add(&ev)
		m.refreshTimeline()
	}
	// Older epoch, or a state change older than the state already shown
	// (a snapshot got ahead of the stream): log only.
	if ev.Epoch < m.cv.epoch || (ev.Kind == conn.KindState && ev.Time.Before(m.cv.since)) {
		return nil
	}
	m.cv.epoch = ev.Epoch
	if ev.Addr != "" {
		m.cv.addr = ev.Addr
	}
	if ev.ClientID != 0 {
		m.cv.clientID = ev.ClientID
	}
	switch ev.Kind {
	case conn.KindState:
		return m.applyState(ev)
	case conn.KindHeartbeat:
		m.status.addHeartbeat(ev.RTT)
		m.refreshConn()
	}
	return nil
}

// applyState moves the shown state (and with it the window title) and
// rings the bell on loss and recovery when asked to.
func (m *Model) applyState(ev conn.Event) []tea.Cmd {
	prev := m.cv.state
	m.cv.state, m.cv.cause, m.cv.attempt = ev.State, ev.Cause, ev.Attempt
	if prev != ev.State || m.cv.since.IsZero() {
		m.cv.since = ev.Time
	}
	m.cv.nextRetry, m.cv.retry = ev.NextRetry, ev.Retry
	if m.reconnWait {
		m.reconnWait = false
		m.setNotice(noticeNone, "")
	}
	m.refreshConn()

	var cmds []tea.Cmd
	if m.opts.Bell {
		lost := prev == conn.StateConnected && ev.State != conn.StateConnected && ev.Cause != conn.CauseForced &&
			ev.State != conn.StateStopped
		healed := m.lostRang && ev.State == conn.StateConnected
		if lost || healed {
			m.lostRang = lost
			cmds = append(cmds, bellCmd(m.opts.BellFunc))
		}
	}
	return cmds
}

// handleSnapshot takes a Status and Metrics snapshot. Status repairs a
// dropped state event, but only when it is not older than what events
// already said.
func (m *Model) handleSnapshot(msg snapshotMsg) {
	m.now = maxTime(m.now, msg.now)
	m.met, m.haveMet = msg.metrics, true
	if !msg.metrics.Start.IsZero() {
		m.started = msg.metrics.Start
	}
	s := msg.status
	if s.Epoch >= m.cv.epoch && !s.Since.Before(m.cv.since) {
		if s.State != m.cv.state && !s.Since.IsZero() {
			ev := conn.Event{Kind: conn.KindState, Time: s.Since, State: s.State, Prev: m.cv.state, Cause: s.Cause}
			m.tl.add(&ev)
		}
		m.cv.state, m.cv.since, m.cv.cause = s.State, s.Since, s.Cause
		m.cv.epoch, m.cv.attempt, m.cv.nextRetry, m.cv.retry = s.Epoch, s.Attempt, s.NextRetry, s.Retry
	}
	if s.Epoch >= m.cv.epoch {
		m.cv.status = s
		if s.Addr != "" {
			m.cv.addr = s.Addr
		}
		if s.ClientID != 0 {
			m.cv.clientID = s.ClientID
		}
	}
	m.refreshAll()
}

// logged reports whether an event goes into the event log. Answered
// heartbeats arrive every few seconds all night; they feed the RTT sparkline
// and counters but would bury what matters, so only misses are logged.
func logged(ev *conn.Event) bool {
	return !(ev.Kind == conn.KindHeartbeat && ev.RTT > 0 && ev.Severity == conn.SevInfo)
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// ibcKey gives a key to the open IBC menu, which owns the keyboard (only
// ctrl+c still quits); a chosen command goes to the supervisor in a Cmd.
func (m Model) ibcKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.Interrupt) {
		return m, tea.Quit
	}
	cmd, send := m.ibc.update(msg)
	m.syncKeys()
	if !send {
		return m, nil
	}
	m.ibcWait = true
	m.setNotice(noticeInfo, "asking IBC for "+string(cmd)+"…")
	return m, askIBCCmd(m.opts.Sup, cmd)
}

// ibcAsked shows whether the supervisor took the request. When it did,
// the request and IBC's answer follow as events in the log.
func (m *Model) ibcAsked(msg ibcAskedMsg) {
	if msg.err != nil {
		m.ibcWait = false
		m.setNotice(noticeError, "IBC "+string(msg.cmd)+" not sent: "+sanitize(msg.err.Error()))
	}
}
