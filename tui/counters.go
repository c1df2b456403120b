package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/theme"
)

// countersPane shows what happened this session: connects, drops by cause,
// failed attempts, reconnects, availability, detection and healing times.
type countersPane struct {
	st *theme.Styles
	keylessPane
	w, h    int
	met     conn.Metrics
	have    bool    // a metrics snapshot arrived
	avail24 float64 // from the timeline
	have24  bool
	lines   []string
}

func newCountersPane(st *theme.Styles) *countersPane { return &countersPane{st: st} }

// set updates the counters and re-renders them.
func (p *countersPane) set(met conn.Metrics, have bool, avail24 float64, have24 bool) {
	p.met, p.have, p.avail24, p.have24 = met, have, avail24, have24
	p.render()
}

// causeShort is a compact name for a disconnect cause.
func causeShort(c conn.Cause) string {
	switch c {
	case conn.CauseHeartbeatTimeout:
		return "heartbeat"
	case conn.CauseClosedByTWS:
		return "tws closed"
	case conn.CauseLinkCrashed:
		return "link crash"
	case conn.CauseIBLinkLost:
		return "ib link"
	case conn.CauseClientIDInUse:
		return "id in use"
	case conn.CauseAcceptedThenClosed:
		return "closed early"
	default:
		return strings.ReplaceAll(c.String(), "_", " ")
	}
}

func (p *countersPane) render() {
	st, m := p.st, p.met
	lw := 9
	if p.w >= 50 {
		lw = 13
	}
	lab := func(short, long string) string {
		if p.w >= 50 {
			return st.Counters.Label.Render(padRight(long, lw))
		}
		return st.Counters.Label.Render(padRight(short, lw))
	}
	num := func(n int64, bad bool) string {
		switch {
		case n == 0:
			return st.Counters.Zero.Render("0")
		case bad:
			return st.Counters.Bad.Render(fmt.Sprint(n))
		default:
			return st.Counters.Value.Render(fmt.Sprint(n))
		}
	}
	sep := st.Counters.Label.Render(" · ")
	if !p.have {
		p.lines = []string{st.Counters.Zero.Render("waiting for the first snapshot…")}
		return
	}

	var drops int64
	for _, n := range m.Disconnects {
		drops += n
	}
	auto := max(0, m.Reconnects-m.ForcedReconnects)
	reconn := st.Counters.Label.Render("reconnects ") + num(m.Reconnects, false) +
		st.Counters.Label.Render(fmt.Sprintf(" (%d auto, %d forced)", auto, m.ForcedReconnects))
	if p.w < 50 {
		reconn = st.Counters.Label.Render("reconn ") + num(m.Reconnects, false) +
			st.Counters.Label.Render(fmt.Sprintf(" (%d forced)", m.ForcedReconnects))
	}
	lines := []string{
		lab("connects", "connects") + num(m.Connects, false) + sep + reconn,
		lab("drops", "disconnects") + num(drops, true) + p.dropCauses(),
		lab("failed", "failed tries") + num(m.FailedAttempts, true) + sep +
			st.Counters.Label.Render("link restarts ") + num(m.LinkRestarts, true),
		p.availLine(lab("avail", "availability"), sep),
		lab("detect", "detection") + p.latency(m.DetectLast, m.DetectMax),
		lab("heal", "reconnection") + p.latency(m.ReconnLast, m.ReconnMax),
	}
	p.lines = lines
}

// availLine is availability for the session (from Metrics) and over the
// last 24 hours (from the timeline, so it spans earlier sessions too).
func (p *countersPane) availLine(label, sep string) string {
	st := p.st
	if p.w < 50 { // compact: the pane title already says "Session"
		return label + p.pct(p.met.Availability, true) + sep + st.Counters.Label.Render("24h ") +
			p.pct(p.avail24, p.have24)
	}
	return label + p.pct(p.met.Availability, true) + st.Counters.Label.Render(" session") + sep +
		p.pct(p.avail24, p.have24) + st.Counters.Label.Render(" 24 h")
}

// dropCauses lists disconnect causes, most frequent first.
func (p *countersPane) dropCauses() string {
	type kv struct {
		c conn.Cause
		n int64
	}
	var list []kv
	for c, n := range p.met.Disconnects {
		if n > 0 {
			list = append(list, kv{c, n})
		}
	}
	if len(list) == 0 {
		return ""
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].c < list[j].c
	})
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = fmt.Sprintf("%s %d", causeShort(e.c), e.n)
	}
	return p.st.Counters.Label.Render(": " + strings.Join(parts, ", "))
}

// pct renders an availability: green at ≥ 99.9 %, red below 99 %; the
// number itself carries the meaning without colour.
func (p *countersPane) pct(r float64, ok bool) string {
	if !ok {
		return p.st.Counters.Zero.Render("—")
	}
	var s lipgloss.Style
	switch {
	case r >= 0.999:
		s = p.st.Counters.Good
	case r < 0.99:
		s = p.st.Counters.Bad
	default:
		s = p.st.Counters.Value
	}
	return s.Render(fmtPct(r))
}

func (p *countersPane) latency(last, worst time.Duration) string {
	st := p.st
	if last == 0 && worst == 0 {
		return st.Counters.Zero.Render("—")
	}
	return st.Counters.Label.Render("last ") + st.Counters.Value.Render(fmtDur(last)) +
		st.Counters.Label.Render(" · worst ") + st.Counters.Value.Render(fmtDur(worst))
}

// Update implements Pane; the counters pane has no keys of its own.
func (p *countersPane) Update(tea.Msg) (Pane, tea.Cmd) { return p, nil }

// View implements Pane.
func (p *countersPane) View() string { return strings.Join(p.lines, "\n") }

// SetSize implements Pane.
func (p *countersPane) SetSize(w, h int) { p.w, p.h = w, h; p.render() }

// Title implements Pane.
func (p *countersPane) Title() string { return "Session" }
