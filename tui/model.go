// Package tui is ibwatch's dashboard: Bubble Tea models, messages, keymaps
// and commands. It reads the connection supervisor through the small
// Supervisor interface and draws with the styles of package theme.
//
// Data flow: one Cmd waits for one supervisor event and returns it as a
// message; Update handles it and re-arms the Cmd. Status and Metrics are
// read by a Cmd when the clock ticks, which is only when something shown
// changes with time (tick.go), and soon after each logged event. Update
// and View do no I/O. A screen.Screen (package tui/screen) draws the views.
//
// The package holds the frame, the focus and the global keys, and the
// small panes (connection, session, counters, events). A pane that is an
// application of its own lives in a package beside it and plugs in as a
// pane.Model: the option-chain pane, tui/chain, through Options.Chain, and
// the merger-arb scan pane, tui/scan, through Options.Scan.
package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/ibc"
	"github.com/ibwatch/ibwatch/theme"
)

// Supervisor is what the dashboard needs from the connection supervisor;
// *conn.Supervisor satisfies it. Events is read by one Cmd at a time; the
// getters, ReconnectNow and AskIBC are called from Cmd goroutines and must
// be safe for that (and must not block).
type Supervisor interface {
	// Events delivers every event; it is closed when the supervisor stops.
	Events() <-chan conn.Event
	// Metrics returns a snapshot of the counters.
	Metrics() conn.Metrics
	// Status returns the current connection status.
	Status() conn.Status
	// ReconnectNow asks for an immediate reconnect; it does not block.
	ReconnectNow()
	// AskIBC sends a remedy to IBC's command server by hand; it does not
	// block, and the request and IBC's answer arrive as events. An error
	// means the request was not taken.
	AskIBC(cmd ibc.Command) error
}

// Options configures the dashboard. Only Sup and Styles are required.
type Options struct {
	// Sup is the connection supervisor.
	Sup Supervisor
	// History is the journal of earlier sessions, oldest first. It fills
	// the event log (dimmed, above a "previous session" marker) and the
	// 24-hour timeline.
	History []conn.Event
	// Styles are the theme's styles (theme.New).
	Styles *theme.Styles
	// Bell rings BellFunc when the connection is lost and when it recovers.
	Bell bool
	// BellFunc writes "\a" to the terminal; main wires it. It is called
	// from a Cmd goroutine.
	BellFunc func()
	// Now is the clock (nil: time.Now). Tests inject a fixed clock; it is
	// called from Update and from Cmd goroutines.
	Now func() time.Time
	// LogPath is the log file, named in the full help.
	LogPath string
	// IBC says IBC's command server is configured (ibc_address): key i
	// opens the menu of remedies sent by hand through Sup.AskIBC.
	IBC bool
	// Chain is the option-chain pane; nil shows a placeholder.
	Chain Pane
	// Scan is the merger-arb scan pane (tui/scan), focused after the
	// chain; nil leaves it out of the tab order.
	Scan Pane
	// Context ends the Cmds that wait (next event, next tick) when it is
	// done, since Bubble Tea cannot cancel a running Cmd. Nil: Background.
	Context context.Context
}

// focusID names the focusable panes, in tab order.
type focusID int

const (
	focusStatus focusID = iota
	focusLog
	focusCounters
	focusChain
	focusScan
	focusCount
)

// String names the pane (for tests and debugging).
func (f focusID) String() string {
	return [...]string{"status", "log", "counters", "chain", "scan"}[f]
}

// noticeKind grades the message in the status line.
type noticeKind int

const (
	noticeNone noticeKind = iota
	noticeInfo
	noticeError
)

// Model is the root model. It is a value (tea.Model); the panes it holds
// are pointers changed only by Update on the Bubble Tea goroutine.
type Model struct {
	opts    Options
	ctx     context.Context
	clock   func() time.Time
	st      *theme.Styles
	keys    *globalKeys
	help    help.Model
	w, h    int
	lay     layout
	focus   focusID
	panes   [focusCount]Pane
	status  *statusPane
	log     *logPane
	counter *countersPane
	tl      *timeline
	tlStrip string
	tlAxis  string
	ibc     *ibcMenu // the IBC remedies pop-up (ibcmenu.go)

	cv      connView
	met     conn.Metrics
	haveMet bool
	now     time.Time
	started time.Time

	tick       tickState // the clock tick chain (tick.go)
	refreshing bool      // an event-driven snapshot is on its way

	notice     string
	noticeKind noticeKind
	reconnWait bool // "reconnect requested…" shown until the next state event
	ibcWait    bool // the IBC menu's notice, shown until the next key or app event
	lostRang   bool // the bell rang for a loss; ring again on recovery
}

// New builds the dashboard. Its Init starts the event wait and the clock.
func New(opts Options) Model {
	st := opts.Styles
	if st == nil {
		st = theme.New(theme.Options{NoColor: true})
	}
	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	keys := newGlobalKeys()
	keys.ibcOn = opts.IBC
	h := help.New()
	h.Styles = st.Help
	m := Model{
		opts:    opts,
		ctx:     ctx,
		clock:   clock,
		st:      st,
		keys:    &keys,
		help:    h,
		status:  newStatusPane(st),
		log:     newLogPane(st),
		counter: newCountersPane(st),
		tl:      &timeline{},
		ibc:     newIBCMenu(),
		focus:   focusLog,
	}
	m.now = clock()
	m.started = m.now
	// Init's snapshot is the first tick, due now.
	m.tick = tickState{seq: 1, due: m.now}
	chain := opts.Chain
	if chain == nil {
		chain = newChainPlaceholder(st)
	}
	// A nil pane (no scan pane) is skipped by the tab order.
	m.panes = [focusCount]Pane{m.status, m.log, m.counter, chain, opts.Scan}
	m.loadHistory(opts.History)
	m.panes[m.focus].Focus()
	m.syncKeys()
	m.refreshAll()
	return m
}

// loadHistory puts earlier sessions into the log and the timeline, closed
// by a marker so this session is clearly separate.
func (m *Model) loadHistory(hist []conn.Event) {
	if len(hist) == 0 {
		return
	}
	for i := range hist {
		m.tl.add(&hist[i])
		if !logged(&hist[i]) {
			continue
		}
		m.log.dayMarker(hist[i].Time, true)
		m.log.push(logEntry{ev: hist[i], prev: true})
	}
	last := hist[len(hist)-1].Time
	m.tl.endSession(last)
	m.log.push(logEntry{marker: "previous session ↑ ended " + fmtClock(last, m.now) + " · this session ↓"})
	m.log.lastDay = m.started.Local().Format("Mon 2 Jan 2006")
	m.log.refresh()
}

// Init starts waiting for events, takes a first snapshot at once (the
// first tick of the clock) and starts each pane.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{
		m.waitEvent(),
		snapshotCmd(m.ctx, m.opts.Sup, m.clock, 0, m.tick.seq),
	}
	for _, p := range m.panes {
		if p != nil {
			cmds = append(cmds, p.Init())
		}
	}
	return tea.Batch(cmds...)
}

func (m Model) waitEvent() tea.Cmd {
	if m.opts.Sup == nil {
		return nil
	}
	return waitEventCmd(m.ctx, m.opts.Sup.Events())
}

// WindowTitle is the terminal window's title: the connection state, so a
// minimised or background window still tells it. The screen.Screen sets it.
func (m Model) WindowTitle() string { return "ibwatch " + stateLabel(m.cv.state) }

// syncKeys enables and disables bindings for the current focus and input
// state, so help shows only what works now.
func (m *Model) syncKeys() {
	m.keys.setTyping(m.panes[m.focus].Typing() || m.ibc.open, m.bigFocus())
}

// bigFocus reports whether a pane that is an application of its own (the
// chain or the scan) has focus: it takes the bottom of the screen and owns
// the single-letter keys the log would use.
func (m *Model) bigFocus() bool { return m.focus == focusChain || m.focus == focusScan }

// focusCmder is a pane with work to start when it gains or loses focus:
// the chain pane cancels its market-data lines when left and re-opens its
// chain on return. The root calls FocusCmd after Blur and after Focus.
type focusCmder interface{ FocusCmd() tea.Cmd }

// setFocus moves focus to f, or on in direction dir (+1 or −1) past the
// panes that are absent. The chain and scan panes get more rows while
// they have focus (see computeLayout), so crossing them re-lays the screen
// out.
func (m *Model) setFocus(f focusID, dir focusID) tea.Cmd {
	old, oldBig := m.focus, m.bigFocus()
	f = (f + focusCount) % focusCount
	for m.panes[f] == nil {
		f = (f + dir + focusCount) % focusCount
	}
	if f == old {
		return nil
	}
	m.panes[old].Blur()
	m.focus = f
	m.panes[m.focus].Focus()
	m.syncKeys()
	if oldBig != m.bigFocus() {
		m.relayout()
	}
	var cmds []tea.Cmd
	for _, p := range []Pane{m.panes[old], m.panes[m.focus]} {
		if fc, ok := p.(focusCmder); ok {
			cmds = append(cmds, fc.FocusCmd())
		}
	}
	return tea.Batch(cmds...)
}

// setNotice shows a message in the status line.
func (m *Model) setNotice(kind noticeKind, text string) { m.notice, m.noticeKind = text, kind }

// refreshAll re-renders every data-driven pane (after a snapshot).
func (m *Model) refreshAll() {
	m.refreshConn()
	m.refreshTimeline()
}

// refreshConn re-renders the connection pane.
func (m *Model) refreshConn() { m.status.set(m.cv, m.met, m.now) }

// refreshTimeline re-renders the timeline and the counters, which show the
// timeline's 24-hour availability.
func (m *Model) refreshTimeline() {
	m.tlStrip, m.tlAxis = m.tl.render(m.st, m.lay.tlWidth, m.now)
	a, ok := m.tl.availability(m.now)
	m.counter.set(m.met, m.haveMet, a, ok)
}
