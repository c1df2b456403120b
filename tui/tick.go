package tui

import (
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
)

// The clock ticks only when something on screen changes with time.
//
// Every tick wakes the program and redraws it, which is most of what an
// idle dashboard costs. So the header clock shows minutes (HH:MM), ages
// (state held for, uptime) show seconds only in their first minute and
// minutes after that (fmtAge), and the model works out when the next shown
// text changes (nextRedraw) and sleeps until then. Idle and connected,
// that is at most three ticks a minute: the clock, the state's age and the
// uptime each change once a minute, on their own edges. While a countdown
// shows seconds (the next retry in backoff, a restart under a minute away)
// or an age is under a minute, it ticks once a second as before. A long
// refusal (TWS down for the night) shows its fixed retry schedule instead
// of a countdown, so it does not tick every second for hours.
//
// Each tick is a snapshot Cmd (Status, Metrics and the time) with a
// sequence number. A tick re-arms the next one. When an event brings a
// change sooner than the armed tick (a drop starts a countdown), a new
// chain starts with the next sequence number; the old chain's snapshot,
// when it comes, is used as data but re-arms nothing. Events still show at
// once: they do not wait for a tick.

// tickSlack lands a tick just after the instant its text changes, so that
// the time read then is past the edge.
const tickSlack = 10 * time.Millisecond

// tickState is the live tick chain: its pending snapshot has sequence
// number seq and is due at due.
type tickState struct {
	seq uint64
	due time.Time
}

// nextRedraw is the first instant after now at which a text on screen
// changes with time alone.
func (m *Model) nextRedraw(now time.Time) time.Time {
	// The header clock shows HH:MM; this is also the edge of the day for
	// times shown with a weekday (fmtClock).
	edges := []time.Time{now.Truncate(time.Minute).Add(time.Minute)}
	sooner := func(t time.Time) {
		if t.After(now) {
			edges = append(edges, t)
		}
	}
	// Minute and hour edges are met exactly (a few ticks an hour). Texts
	// in seconds all change on the next whole second of the clock instead
	// of on their own edges: one tick a second however many count, each
	// text at most a second behind (as the 1 s tick always was).
	edge := func(anchor time.Time, d time.Duration) {
		if unit := ageUnit(d); unit > time.Second {
			sooner(nextStep(anchor, now, unit))
		} else {
			sooner(now.Truncate(time.Second).Add(time.Second))
		}
	}
	for _, start := range []time.Time{m.cv.since, m.started} { // "for 5m", "up 2h10m"
		if !start.IsZero() {
			edge(start, now.Sub(start))
		}
	}
	if m.cv.state == conn.StateBackoff {
		if r := m.cv.retry; r != nil { // "every 200ms until 05:48, then every 5s"
			sooner(r.FastUntil)
		} else if m.cv.nextRetry.After(now) { // "retry in 4s"
			edge(m.cv.nextRetry, 0)
		}
	}
	if r := m.cv.status.NextRestart; r.After(now) && m.cv.status.Window == "" { // "restart 23:45 (in 12m)"
		edge(r, r.Sub(now))
	}
	// Edges less than tickCoalesce apart make one redraw, at the last of
	// them: "for 5m" and "up 5m" that turn 0.4 s apart change together,
	// one a moment late, instead of waking the program twice.
	slices.SortFunc(edges, func(a, b time.Time) int { return a.Compare(b) })
	next := edges[0]
	for _, e := range edges[1:] {
		if e.Sub(next) > tickCoalesce {
			break
		}
		next = e
	}
	return next
}

// tickCoalesce is how close two redraw edges must be to share a redraw.
const tickCoalesce = time.Second

// nextStep is the first instant anchor + k·unit (k any integer) after now:
// when a time shown to the unit, counted from or to anchor, next changes.
func nextStep(anchor, now time.Time, unit time.Duration) time.Time {
	d := now.Sub(anchor)
	k := d / unit
	if d < 0 && d%unit != 0 {
		k-- // floor, not truncation toward zero
	}
	return anchor.Add((k + 1) * unit)
}

// ageUnit is the resolution fmtAge shows d at.
func ageUnit(d time.Duration) time.Duration {
	switch d = max(d, -d); {
	case d < time.Minute:
		return time.Second
	case d < 48*time.Hour:
		return time.Minute
	default:
		return time.Hour
	}
}

// armTick continues the live chain after its tick at now.
func (m *Model) armTick(now time.Time) tea.Cmd {
	m.tick.due = m.nextRedraw(now).Add(tickSlack)
	return snapshotCmd(m.ctx, m.opts.Sup, m.clock, m.tick.due.Sub(now), m.tick.seq)
}

// tickSooner starts a new chain when something on screen now changes
// before the live chain's tick is due.
func (m *Model) tickSooner() tea.Cmd {
	next := m.nextRedraw(m.now).Add(tickSlack)
	if !next.Before(m.tick.due) {
		return nil
	}
	m.tick.seq++
	m.tick.due = next
	return snapshotCmd(m.ctx, m.opts.Sup, m.clock, next.Sub(m.now), m.tick.seq)
}
