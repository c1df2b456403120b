package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/ibwatch/ibwatch/conn"
)

// Column layout of a log line:
//
//	15:04:05 ▲ warn  1100  message — explanation
//	│        │       │     └ message column (logMsgCol)
//	time(8)  sev(7)  code(5)
const logMsgCol = 8 + 1 + 7 + 1 + 5 + 1

// renderEntry renders one entry at the pane's width; the result is cached
// on the entry until p.gen changes.
func (p *logPane) renderEntry(e *logEntry) []string {
	st := p.st
	if e.marker != "" {
		return []string{p.markerLine(e)}
	}
	ev := &e.ev
	dim := e.prev
	pick := func(s lipgloss.Style) lipgloss.Style {
		if dim {
			return st.Log.Previous
		}
		return s
	}
	var b strings.Builder
	b.WriteString(pick(st.Log.Time).Render(ev.Time.Local().Format("15:04:05")))
	b.WriteByte(' ')
	b.WriteString(pick(sevStyle(st, ev.Severity)).Render(sevGlyph(ev.Severity) + " " + padRight(sevWord(ev.Severity), 5)))
	b.WriteByte(' ')
	b.WriteString(pick(st.Log.Code).Render(padRight(codeColumn(ev), 5)))
	b.WriteByte(' ')
	msgStyle := pick(st.Log.Message)
	if ev.Kind == conn.KindState && !dim {
		msgStyle = stateStyle(st, ev.State)
	}
	b.WriteString(p.highlight(eventText(ev), msgStyle))
	if ev.Window != "" {
		b.WriteString(pick(st.Log.Window).Render(" [" + sanitize(ev.Window) + "]"))
	}
	explain := sanitize(ev.Explain)
	if explain == "" {
		return []string{b.String()}
	}
	if !p.twoLine {
		b.WriteString(pick(st.Log.Explain).Render(" — "))
		b.WriteString(p.highlight(explain, pick(st.Log.Explain)))
		return []string{b.String()}
	}
	second := strings.Repeat(" ", logMsgCol) + pick(st.Log.Explain).Render("↳ ") + p.highlight(explain, pick(st.Log.Explain))
	return []string{b.String(), second}
}

// markerLine renders a separator: ──── text ────, centred.
func (p *logPane) markerLine(e *logEntry) string {
	text := " " + e.marker + " "
	tw := len([]rune(text))
	side := max(2, (p.w-tw)/2)
	line := strings.Repeat("─", side) + text + strings.Repeat("─", max(2, p.w-tw-side))
	return p.st.Log.Marker.Render(truncate(line, p.w))
}

// codeColumn is the TWS code for TWS messages, the kind word otherwise.
func codeColumn(ev *conn.Event) string {
	if ev.Kind == conn.KindTWS && ev.Code != 0 {
		return strconv.FormatInt(ev.Code, 10)
	}
	if ev.Kind == conn.KindHeartbeat {
		return "hb"
	}
	return ev.Kind.String()
}

// eventText is the one-line message of an event. State changes without a
// message are described from their fields; latencies are appended because
// "how fast did it notice / heal" is what the morning reader wants.
func eventText(ev *conn.Event) string {
	msg := sanitize(ev.Message)
	switch ev.Kind {
	case conn.KindState:
		if msg == "" {
			msg = ev.Cause.Text()
		}
		if msg == "" {
			msg = "from " + ev.Prev.String()
		}
		msg = stateLabel(ev.State) + ": " + msg
		if ev.Latency > 0 {
			if ev.State.Up() {
				msg += " · back after " + fmtDur(ev.Latency)
			} else {
				msg += " · detected in " + fmtDur(ev.Latency)
			}
		}
		if ev.State == conn.StateBackoff && ev.Attempt > 0 {
			msg += " · attempt " + strconv.FormatUint(ev.Attempt, 10)
		}
	case conn.KindHeartbeat:
		if msg == "" {
			if ev.RTT > 0 {
				msg = "heartbeat " + fmtDur(ev.RTT)
			} else {
				msg = "heartbeat missed"
			}
		}
	}
	if msg == "" {
		msg = ev.Cause.Text()
	}
	return msg
}

// highlight renders s in base, with case-insensitive matches of the kept
// query in the match style (underlined and bold, so it shows in colour and
// in most no-colour terminals too; the log is also filtered to matches).
func (p *logPane) highlight(s string, base lipgloss.Style) string {
	if p.query == "" {
		return base.Render(s)
	}
	lower := strings.ToLower(s)
	if len(lower) != len(s) { // case folding changed byte offsets: no highlight
		return base.Render(s)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, p.query)
		if i < 0 {
			b.WriteString(base.Render(s))
			return b.String()
		}
		if i > 0 {
			b.WriteString(base.Render(s[:i]))
		}
		j := i + len(p.query)
		b.WriteString(p.st.Log.Match.Render(s[i:j]))
		s, lower = s[j:], lower[j:]
		if s == "" {
			return b.String()
		}
	}
}
