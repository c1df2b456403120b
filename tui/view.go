package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Minimum usable terminal size; below it the dashboard says so instead of
// drawing a broken layout.
const (
	minWidth  = 60
	minHeight = 16
	topHeight = 8 // connection and session panes, border included
)

// chainCompactBelow is the terminal height below which the focused chain
// pane also takes the rows of the connection and session panes.
const chainCompactBelow = 32

// layout is the geometry for the current terminal size, computed on every
// resize (and when full help toggles or the chain pane gains or loses
// focus).
type layout struct {
	tooSmall         bool
	statusW, countsW int  // outer widths of the top row
	hideTop          bool // the top row gives its rows to the chain pane
	tlFramed         bool
	tlH, tlWidth     int // timeline block height (0: hidden) and strip width (cells)
	bottomH          int // log / chain / help block height
	footerH          int
}

// computeLayout splits the screen. A focused chain pane needs rows more
// than history does: the timeline gives way to it, and on terminals
// shorter than chainCompactBelow the top row too (the header line keeps
// the connection badge, and tab brings everything back).
func computeLayout(w, h int, chain bool) layout {
	if w < minWidth || h < minHeight {
		return layout{tooSmall: true}
	}
	l := layout{footerH: 1}
	l.statusW = w * 11 / 20
	l.countsW = w - l.statusW
	rest := h - 1 - topHeight - l.footerH
	if chain {
		l.tlWidth = w - 4 // still rendered for the counters' availability
		if h < chainCompactBelow {
			l.hideTop = true
			rest += topHeight
		}
		l.bottomH = rest
		return l
	}
	if rest-4 >= 8 {
		l.tlFramed, l.tlH, l.tlWidth = true, 4, w-4
	} else {
		l.tlH, l.tlWidth = 2, w
	}
	l.bottomH = rest - l.tlH
	return l
}

// resize handles a WindowSizeMsg: new geometry, then SetSize on every pane.
func (m *Model) resize(w, h int) {
	m.w, m.h = w, h
	m.relayout()
}

func (m *Model) relayout() {
	m.lay = computeLayout(m.w, m.h, m.bigFocus())
	m.help.Width = max(0, m.w-2)
	if m.lay.tooSmall {
		return
	}
	m.status.SetSize(innerSize(m.lay.statusW, topHeight))
	m.counter.SetSize(innerSize(m.lay.countsW, topHeight))
	bw, bh := innerSize(m.w, m.lay.bottomH)
	m.log.SetSize(bw, bh)
	m.panes[focusChain].SetSize(bw, bh)
	if m.panes[focusScan] != nil {
		m.panes[focusScan].SetSize(bw, bh)
	}
	m.refreshAll()
}

// View draws the dashboard from what Update prepared; it renders nothing
// expensive itself (the log window and pane lines are cached).
func (m Model) View() string {
	if m.w == 0 {
		return "starting ibwatch…"
	}
	if m.lay.tooSmall {
		return fmt.Sprintf("ibwatch needs at least %d×%d — now %d×%d\nenlarge the window or press q to quit",
			minWidth, minHeight, m.w, m.h)
	}
	st := m.st
	var b strings.Builder
	b.Grow(m.w * m.h * 4)
	b.WriteString(m.headerView())
	b.WriteByte('\n')

	if !m.lay.hideTop {
		left := frame(st, frameSpec{title: m.status.Title(), body: m.status.View(), width: m.lay.statusW,
			height: topHeight, focused: m.focus == focusStatus, tag: m.connTag()})
		right := frame(st, frameSpec{title: m.counter.Title(), body: m.counter.View(), width: m.lay.countsW,
			height: topHeight, focused: m.focus == focusCounters, tag: st.Muted.Render("up " + fmtAge(m.uptime()))})
		ll, rl := strings.Split(left, "\n"), strings.Split(right, "\n")
		for i := range ll {
			b.WriteString(ll[i])
			if i < len(rl) {
				b.WriteString(rl[i])
			}
			b.WriteByte('\n')
		}
	}
	if m.lay.tlH > 0 {
		b.WriteString(m.timelineView())
		b.WriteByte('\n')
	}
	b.WriteString(m.bottomView())
	b.WriteByte('\n')
	b.WriteString(m.footerView())
	return b.String()
}

// connTag is the connection pane's title tag: the session epoch.
func (m Model) connTag() string {
	if m.cv.epoch == 0 {
		return ""
	}
	return m.st.Muted.Render(fmt.Sprintf("epoch %d", m.cv.epoch))
}

func (m Model) uptime() time.Duration { return m.now.Sub(m.started) }

// headerView is one line: name, address, client id, the state badge with
// how long it has held, session uptime and the local clock.
func (m Model) headerView() string {
	st := m.st.Header
	sep := st.Sep.Render(" · ")
	addr := m.cv.addr
	if addr == "" {
		addr = "—"
	}
	right := st.Label.Render("up ") + st.Value.Render(fmtAge(m.uptime())) + "  " +
		st.Clock.Render(m.now.Local().Format("15:04")) // minutes: see tick.go
	badge := stateBadge(m.st, m.cv.state)
	if !m.cv.since.IsZero() {
		badge += st.Label.Render(" for ") + st.Value.Render(fmtAge(m.now.Sub(m.cv.since)))
	}
	candidates := []string{
		st.Title.Render("ibwatch") + sep + st.Value.Render(sanitize(addr)) + sep + st.Label.Render("client ") +
			st.Value.Render(fmt.Sprint(m.cv.clientID)),
		st.Title.Render("ibwatch") + sep + st.Value.Render(sanitize(addr)) + sep + st.Label.Render("id ") +
			st.Value.Render(fmt.Sprint(m.cv.clientID)),
		st.Title.Render("ibwatch"),
	}
	for _, left := range candidates {
		used := ansi.StringWidth(left) + 2 + ansi.StringWidth(badge) + 2 + ansi.StringWidth(right)
		if used+2 <= m.w {
			gap := m.w - 2 - used
			return " " + left + "  " + badge + strings.Repeat(" ", gap+2) + right + " "
		}
	}
	return fit(" "+badge+"  "+right, m.w)
}

// timelineView draws the 24-hour strip and its hour marks, framed when
// there is room.
func (m Model) timelineView() string {
	st := m.st
	legend := st.Timeline.Up.Render("█") + st.Muted.Render(" up ") +
		st.Timeline.Degraded.Render("▒") + st.Muted.Render(" degraded ") +
		st.Timeline.Down.Render("▁") + st.Muted.Render(" down")
	body := m.tlStrip + "\n" + m.tlAxis
	if !m.lay.tlFramed {
		return body
	}
	title := "Last 24 h"
	if a, ok := m.tl.availability(m.now); ok {
		title += " · " + fmtPct(a) + " up"
	}
	return frame(st, frameSpec{title: title, tag: legend, body: body, width: m.w, height: m.lay.tlH})
}

// bottomView is the full help, the chain or scan pane, or the event log,
// with the IBC menu over its middle while it is open.
func (m Model) bottomView() string {
	if !m.ibc.open {
		return m.bottomPane()
	}
	return overlay(m.bottomPane(), m.ibc.view(m.st, m.w), m.w)
}

func (m Model) bottomPane() string {
	st := m.st
	if m.help.ShowAll {
		body := m.help.FullHelpView(rootHelp{g: m.keys, pane: m.panes[m.focus]}.FullHelp())
		if m.opts.LogPath != "" {
			body += "\n\n" + st.Muted.Render("log file: ") + st.Text.Render(m.opts.LogPath)
		}
		return frame(st, frameSpec{title: "Keys", body: body, width: m.w, height: m.lay.bottomH, focused: true,
			tag: st.Muted.Render("? closes")})
	}
	if m.bigFocus() {
		p := m.panes[m.focus]
		return frame(st, frameSpec{title: p.Title(), body: p.View(), width: m.w, height: m.lay.bottomH, focused: true})
	}
	return frame(st, frameSpec{title: m.log.Title(), tag: m.log.tag(), body: m.log.View(), width: m.w,
		height: m.lay.bottomH, focused: m.focus == focusLog})
}

// footerView is the status line: a notice (if any) and the short help.
func (m Model) footerView() string {
	st := m.st.Status
	left := ""
	switch m.noticeKind {
	case noticeInfo:
		left = st.Notice.Render("» "+m.notice) + "  "
	case noticeError:
		left = st.Error.Render("✗ "+m.notice) + "  "
	}
	h := m.help
	h.Width = max(0, m.w-1-ansi.StringWidth(left))
	keys := rootHelp{g: m.keys, pane: m.panes[m.focus]}.ShortHelp()
	if m.ibc.open {
		keys = append(m.ibc.ShortHelp(), m.keys.Interrupt)
	}
	return fit(" "+left+h.ShortHelpView(keys), m.w)
}
