package screen

import (
	tea "github.com/charmbracelet/bubbletea"
)

// screenSizeMsg is the terminal size, read by a Screen Cmd at start
// (rearm false) or after a resize signal (rearm true: wait for the next).
// Zero sizes mean the size could not be read.
type screenSizeMsg struct {
	w, h  int
	rearm bool
}

// screenFailedMsg says the Screen's renderer died: nothing would be drawn
// any more, so the program ends (and the caller prints Screen.Panic).
type screenFailedMsg struct{}

// windowTitler is a model that names the terminal window (the dashboard
// is one).
type windowTitler interface{ WindowTitle() string }

// Model wraps m so that it runs on the Screen: it feeds m the terminal
// size, draws m's views, and keeps the window title in step with m's
// WindowTitle (if m has one).
func (s *Screen) Model(m tea.Model) tea.Model { return screenModel{s: s, inner: m} }

// screenModel is the wrapper Model returns. Like every model it runs on
// Bubble Tea's event loop goroutine.
type screenModel struct {
	s     *Screen
	inner tea.Model
	w, h  int
	winch int    // resize signals seen: each one repaints the whole screen
	title string // fallback mode: the title last set with tea.SetWindowTitle
}

// Init starts the inner model, reads the terminal size and starts waiting
// for resizes (Bubble Tea does neither without its renderer).
func (m screenModel) Init() tea.Cmd {
	defer m.s.catch()
	cmd := m.inner.Init()
	if m.s.fallback {
		return cmd
	}
	return tea.Batch(cmd, m.s.sizeCmd(false), m.s.waitResizeCmd())
}

// Update passes every message on, turning the Screen's size messages into
// tea.WindowSizeMsg.
func (m screenModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer m.s.catch()
	var wait tea.Cmd
	switch msg := msg.(type) {
	case screenFailedMsg:
		return m, tea.Quit
	case screenSizeMsg:
		if msg.rearm {
			// A resize signal: repaint everything even at the same size
			// (the terminal may have reflowed or cleared its screen).
			m.winch++
			wait = m.s.waitResizeCmd()
		}
		if msg.w <= 0 || msg.h <= 0 || (msg.w == m.w && msg.h == m.h) {
			return m, wait
		}
		return m.update(tea.WindowSizeMsg{Width: msg.w, Height: msg.h}, wait)
	}
	return m.update(msg, nil)
}

func (m screenModel) update(msg tea.Msg, more tea.Cmd) (tea.Model, tea.Cmd) {
	if sz, ok := msg.(tea.WindowSizeMsg); ok {
		m.w, m.h = sz.Width, sz.Height
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	if m.s.fallback {
		if t := titleOf(m.inner); t != m.title {
			m.title = t
			more = tea.Batch(more, tea.SetWindowTitle(t))
		}
	}
	return m, tea.Batch(cmd, more)
}

// View renders the inner model and hands the frame to the renderer.
//
// Handing it over is the one side effect in a View, and a bounded one: an
// atomic store of an immutable frame and a channel send that never blocks
// (renderer.post). It does no I/O and never waits. It has to happen here:
// with tea.WithoutRenderer, View is the only place Bubble Tea tells a
// model "this is the screen now", and it calls View after every Update.
func (m screenModel) View() string {
	defer m.s.catch()
	v := m.inner.View()
	if !m.s.fallback {
		m.s.show(&screenFrame{view: v, w: m.w, h: m.h, winch: m.winch, title: titleOf(m.inner)})
	}
	return v
}

func titleOf(m tea.Model) string {
	if t, ok := m.(windowTitler); ok {
		return t.WindowTitle()
	}
	return ""
}

// show posts f unless it equals the last frame posted: most messages
// (a heartbeat with the same RTT shape, a key that does nothing) leave the
// view as it was, and comparing strings is far cheaper than waking the
// renderer. Only View calls show.
func (s *Screen) show(f *screenFrame) {
	if l := s.lastView; l != nil && l.view == f.view && l.w == f.w && l.h == f.h && l.winch == f.winch && l.title == f.title {
		return
	}
	s.lastView = f
	s.r.post(f)
}

// sizeCmd reads the terminal size.
func (s *Screen) sizeCmd(rearm bool) tea.Cmd {
	return func() tea.Msg {
		w, h, err := s.size()
		if err != nil {
			return screenSizeMsg{rearm: rearm}
		}
		return screenSizeMsg{w: w, h: h, rearm: rearm}
	}
}

// waitResizeCmd waits for one resize signal (then reads the size) or for
// the renderer to fail. It ends when the Screen closes, since Bubble Tea
// cannot cancel a running Cmd.
func (s *Screen) waitResizeCmd() tea.Cmd {
	return func() tea.Msg {
		select {
		case <-s.winch:
			return s.sizeCmd(true)()
		case <-s.failed:
			return screenFailedMsg{}
		case <-s.r.done:
			return nil
		}
	}
}
