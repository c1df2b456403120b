package tui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/theme"
)

// connLabelW is the width of the connection pane's label column.
const connLabelW = 8

// rttHistory is how many heartbeat round trips the sparkline keeps.
const rttHistory = 120

// sparkBlocks are the sparkline levels, lowest first.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// connView is the model's current picture of the connection, built from
// state events (authoritative order) and 1 s snapshots (repair). The root
// owns it and hands copies to panes.
type connView struct {
	state     conn.State
	since     time.Time
	cause     conn.Cause
	epoch     uint64
	attempt   uint64
	nextRetry time.Time
	retry     *conn.RefusedRetry // the link's refused-dial schedule, if it runs one
	addr      string
	clientID  int64
	status    conn.Status // last accepted snapshot: farms, window, schedule
	closed    bool        // the event stream closed: the supervisor is gone
}

// statusPane is the connection pane: state, since, why, retry countdown,
// heartbeat RTT with sparkline, data farms, schedule.
type statusPane struct {
	st *theme.Styles
	keylessPane
	w, h  int
	cv    connView
	met   conn.Metrics
	now   time.Time
	rtts  []time.Duration // 0 = a missed heartbeat
	lines []string
}

func newStatusPane(st *theme.Styles) *statusPane { return &statusPane{st: st} }

// set updates the pane's data and re-renders it.
func (p *statusPane) set(cv connView, met conn.Metrics, now time.Time) {
	p.cv, p.met, p.now = cv, met, now
	p.render()
}

// addHeartbeat records one answered (rtt > 0) or missed heartbeat.
func (p *statusPane) addHeartbeat(rtt time.Duration) {
	if len(p.rtts) == rttHistory {
		copy(p.rtts, p.rtts[1:])
		p.rtts = p.rtts[:rttHistory-1]
	}
	p.rtts = append(p.rtts, rtt)
}

func (p *statusPane) render() {
	st, cv := p.st, p.cv
	lab := func(s string) string { return st.Conn.Label.Render(padRight(s, connLabelW)) }
	lines := make([]string, 0, 7)

	// 1. The big state and how long it has held.
	head := stateBadge(st, cv.state)
	if !cv.since.IsZero() {
		head += st.Conn.Label.Render("  since ") + st.Conn.Value.Render(fmtClock(cv.since, p.now)) +
			st.Conn.Label.Render(" · ") + st.Conn.Value.Render(fmtAge(p.now.Sub(cv.since)))
	}
	lines = append(lines, head)

	// 2. Why.
	why := cv.cause.Text()
	if cv.closed {
		why = "supervisor stopped: no more events"
	}
	if why == "" {
		why = "—"
	}
	whyW := max(10, p.w-connLabelW)
	wrapped := wrapWords(why, whyW)
	if len(wrapped) > 2 || (len(wrapped) == 2 && p.h < 7) {
		// Two lines when the pane has a spare one (decided below).
		wrapped = []string{wrapped[0], truncate(strings.Join(wrapped[1:], " "), whyW)}
	}
	lines = append(lines, lab("why")+st.Conn.Cause.Render(wrapped[0]))
	whyMore := ""
	if len(wrapped) > 1 {
		whyMore = strings.Repeat(" ", connLabelW) + st.Conn.Cause.Render(wrapped[1])
	}

	// 3. What next: countdown in backoff, attempt while connecting, session
	// details when up.
	switch cv.state {
	case conn.StateBackoff:
		line := lab("retry")
		if r := cv.retry; r != nil {
			// The link retries refused dials on a fixed schedule: say it,
			// rather than a countdown that restarts every few seconds
			// (and would redraw the screen every second all night).
			// The attempt number stays put while the link retries, so
			// it is left out.
			if r.FastUntil.After(p.now) {
				fast, until, slow := fmtEvery(r.Fast), fmtClock(r.FastUntil, p.now), fmtEvery(r.Every)
				rest := " until " + until + ", then every " + slow
				for _, short := range []string{" until " + until + ", then " + slow, " to " + until + ", then " + slow} {
					if len("every "+fast+rest) <= p.w-connLabelW {
						break
					}
					rest = short
				}
				line += st.Conn.Countdown.Render("every "+fast) + st.Conn.Label.Render(rest)
			} else {
				line += st.Conn.Countdown.Render("every " + fmtEvery(r.Every))
			}
			lines = append(lines, line)
			break
		} else if !cv.nextRetry.IsZero() {
			left := cv.nextRetry.Sub(p.now)
			if left > 0 {
				line += st.Conn.Countdown.Render("in "+fmtSecs((left+time.Second-1).Truncate(time.Second))) +
					st.Conn.Label.Render(" at "+fmtClock(cv.nextRetry, p.now))
			} else {
				// Due: the attempt is under way (while TWS refuses, the
				// link retries by itself and reports in batches).
				line += st.Conn.Countdown.Render("now")
			}
		}
		if cv.attempt > 0 {
			line += st.Conn.Label.Render(fmt.Sprintf(" · attempt %d", cv.attempt))
		}
		lines = append(lines, line)
	case conn.StateConnecting:
		lines = append(lines, lab("trying")+st.Conn.Value.Render(fmt.Sprintf("attempt %d…", max(1, cv.attempt))))
	default:
		parts := []string{fmt.Sprintf("epoch %d", cv.epoch)}
		if cv.status.ServerVersion > 0 {
			parts = append(parts, fmt.Sprintf("server v%d", cv.status.ServerVersion))
		}
		if len(cv.status.Accounts) > 0 {
			parts = append(parts, sanitize(strings.Join(cv.status.Accounts, ",")))
		}
		lines = append(lines, lab("session")+st.Conn.Detail.Render(strings.Join(parts, " · ")))
	}

	// 4. Heartbeat.
	lines = append(lines, lab("rtt")+p.rttLine())

	// 5. Data farms.
	lines = append(lines, lab("farms")+p.farmLine())

	// 6. The rest of the cause, then the maintenance window or schedule,
	// as room allows (the cause matters more while something is wrong).
	if whyMore != "" {
		if len(lines) < p.h {
			lines = append(lines[:2], append([]string{whyMore}, lines[2:]...)...)
		} else {
			lines[1] = lab("why") + st.Conn.Cause.Render(truncate(why, whyW))
		}
	}
	if w := p.scheduleLine(); w != "" && len(lines) < p.h {
		lines = append(lines, lab("sched")+w)
	}
	p.lines = lines
}

func (p *statusPane) rttLine() string {
	st := p.st
	last := p.met.RTTLast
	for i := len(p.rtts) - 1; i >= 0; i-- { // the newest answered heartbeat
		if p.rtts[i] > 0 {
			last = p.rtts[i]
			break
		}
	}
	if last == 0 && len(p.rtts) == 0 {
		return st.Conn.Detail.Render("no heartbeat yet")
	}
	txt := st.Conn.Value.Render(padRight(fmtDur(last), 6)) +
		st.Conn.Label.Render(" p50 ") + st.Conn.Value.Render(padRight(fmtDur(p.met.RTTP50), 6))
	room := p.w - connLabelW - 18
	if room >= 6 {
		txt += " " + p.sparkline(room)
	}
	return txt
}

// sparkline draws the most recent RTTs scaled from zero to the largest in
// view, so a spike stands out; a missed heartbeat is a "!".
func (p *statusPane) sparkline(n int) string {
	rt := p.rtts
	if len(rt) > n {
		rt = rt[len(rt)-n:]
	}
	var top time.Duration
	for _, r := range rt {
		top = max(top, r)
	}
	var b strings.Builder
	for i := 0; i < len(rt); {
		if rt[i] == 0 {
			j := i
			for j < len(rt) && rt[j] == 0 {
				j++
			}
			b.WriteString(p.st.Conn.SparkMissed.Render(strings.Repeat("!", j-i)))
			i = j
			continue
		}
		var run strings.Builder
		for ; i < len(rt) && rt[i] != 0; i++ {
			lvl := int(float64(rt[i]) / float64(top) * float64(len(sparkBlocks)-1))
			run.WriteRune(sparkBlocks[max(0, min(lvl, len(sparkBlocks)-1))])
		}
		b.WriteString(p.st.Conn.Spark.Render(run.String()))
	}
	return b.String()
}

// farmLine aggregates farms per kind: broken if any is broken, ok if any is
// ok, else inactive. Glyph and word both say it.
func (p *statusPane) farmLine() string {
	st := p.st
	if len(p.cv.status.Farms) == 0 {
		return st.Conn.Detail.Render("no farm report yet")
	}
	kinds := []struct{ kind, label string }{{conn.FarmMarket, "market"}, {conn.FarmHist, "hist"}, {conn.FarmSecDef, "secdef"}}
	compact := p.w < 50
	idle := " idle"
	if compact { // the "–" glyph alone says inactive
		kinds[0].label, idle = "mkt", ""
	}
	parts := make([]string, 0, 3)
	for _, k := range kinds {
		status := ""
		for _, f := range p.cv.status.Farms {
			if f.Kind != k.kind {
				continue
			}
			switch {
			case f.Status == conn.FarmBroken:
				status = conn.FarmBroken
			case f.Status == conn.FarmOK && status != conn.FarmBroken:
				status = conn.FarmOK
			case status == "":
				status = conn.FarmInactive
			}
		}
		switch status {
		case conn.FarmOK:
			parts = append(parts, st.Conn.FarmOK.Render("✓ "+k.label))
		case conn.FarmBroken:
			parts = append(parts, st.Conn.FarmBroken.Render("✗ "+k.label+" broken"))
		case conn.FarmInactive:
			parts = append(parts, st.Conn.FarmInactive.Render("– "+k.label+idle))
		default:
			parts = append(parts, st.Conn.Detail.Render("? "+k.label))
		}
	}
	return strings.Join(parts, "  ")
}

// scheduleLine says we are inside a maintenance window, or when the next
// expected TWS restart and weekly re-login are.
func (p *statusPane) scheduleLine() string {
	st, s := p.st, p.cv.status
	if s.Window != "" {
		return st.Conn.Window.Render("⚙ in " + sanitize(s.Window) + " window: drops are expected")
	}
	var parts []string
	if !s.NextRestart.IsZero() {
		parts = append(parts, st.Conn.Label.Render("restart ")+st.Conn.Value.Render(fmtClock(s.NextRestart, p.now))+
			st.Conn.Detail.Render(" (in "+fmtAge(s.NextRestart.Sub(p.now))+")"))
	}
	if !s.NextRelogin.IsZero() {
		parts = append(parts, st.Conn.Label.Render("re-login ")+st.Conn.Value.Render(s.NextRelogin.Local().Format("Mon 15:04")))
	}
	return strings.Join(parts, st.Conn.Label.Render(" · "))
}

// Update implements Pane; the connection pane has no keys of its own.
func (p *statusPane) Update(tea.Msg) (Pane, tea.Cmd) { return p, nil }

// View implements Pane.
func (p *statusPane) View() string { return strings.Join(p.lines, "\n") }

// SetSize implements Pane.
func (p *statusPane) SetSize(w, h int) { p.w, p.h = w, h; p.render() }

// Title implements Pane.
func (p *statusPane) Title() string { return "Connection" }
