package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/theme"
)

// timelineSpan is the period the timeline shows.
const timelineSpan = 24 * time.Hour

// slotClass is what a timeline cell shows. Higher is worse: a cell shows
// the worst class seen during its slot, so a ten-second drop at 03:12 is
// still visible in a twenty-minute cell.
type slotClass int

const (
	slotUnknown  slotClass = iota // ibwatch not running, or not yet connected
	slotUp                        // connected
	slotDegraded                  // socket up, TWS lost its link to IB
	slotDown                      // backoff / reconnecting after a loss
)

// tlPoint starts a segment that lasts until the next point (the last one
// until now).
type tlPoint struct {
	t   time.Time
	cls slotClass
	// excluded marks time when TWS itself refused connections (not
	// running / restarting): it does not count against availability.
	excluded bool
}

// timeline turns state events into the 24-hour strip and the 24-hour
// availability. Only the Bubble Tea goroutine touches it.
type timeline struct {
	points []tlPoint
}

// classify maps a state change to a cell class, given the point before
// it. Connecting is "down" only after a loss: the first connect of a
// session is not an outage.
func classify(ev *conn.Event, before *tlPoint) (slotClass, bool) {
	last := slotUnknown
	lastExcl := false
	if before != nil {
		last, lastExcl = before.cls, before.excluded
	}
	switch ev.State {
	case conn.StateConnected:
		return slotUp, false
	case conn.StateDegraded:
		return slotDegraded, false
	case conn.StateBackoff:
		return slotDown, ev.Cause == conn.CauseRefused
	case conn.StateConnecting:
		if last == slotUnknown {
			return slotUnknown, false
		}
		return slotDown, lastExcl
	default: // idle, stopped
		return slotUnknown, false
	}
}

// add records a state event. Events may arrive out of time order (a late
// event from an older epoch, a snapshot that got ahead of the event
// stream), so points are inserted by time; a point equal to the one before
// it at the same instant is a duplicate.
func (tl *timeline) add(ev *conn.Event) {
	if ev.Kind != conn.KindState || ev.Time.IsZero() {
		return
	}
	i := sort.Search(len(tl.points), func(i int) bool { return tl.points[i].t.After(ev.Time) })
	var before *tlPoint
	if i > 0 {
		before = &tl.points[i-1]
	}
	cls, excl := classify(ev, before)
	tl.insert(i, tlPoint{t: ev.Time, cls: cls, excluded: excl})
}

// insert puts p at index i unless it repeats the point before it, then
// drops points that can no longer affect the last 24 hours.
func (tl *timeline) insert(i int, p tlPoint) {
	if i > 0 {
		b := tl.points[i-1]
		if b.cls == p.cls && b.excluded == p.excluded && (b.t.Equal(p.t) || i == len(tl.points)) {
			return
		}
	}
	tl.points = append(tl.points, tlPoint{})
	copy(tl.points[i+1:], tl.points[i:])
	tl.points[i] = p
	// Keep one point older than the window so the window's start is known.
	cut := tl.points[len(tl.points)-1].t.Add(-timelineSpan - time.Hour)
	k := 0
	for k+1 < len(tl.points) && tl.points[k+1].t.Before(cut) {
		k++
	}
	if k > 0 {
		tl.points = append(tl.points[:0], tl.points[k:]...)
	}
}

// endSession closes the previous session at t: from then until the next
// point ibwatch was not watching.
func (tl *timeline) endSession(t time.Time) {
	if len(tl.points) > 0 && !t.IsZero() {
		i := sort.Search(len(tl.points), func(i int) bool { return tl.points[i].t.After(t) })
		tl.insert(i, tlPoint{t: t, cls: slotUnknown})
	}
}

// segments calls f for each segment clipped to [from, to).
func (tl *timeline) segments(from, to time.Time, f func(a, b time.Time, p tlPoint)) {
	for i, p := range tl.points {
		end := to
		if i+1 < len(tl.points) {
			end = tl.points[i+1].t
		}
		a, b := p.t, end
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		if b.After(a) {
			f(a, b, p)
		}
	}
}

// slots computes n cells ending with the slot that holds now. Slot edges
// are aligned to multiples of the slot length so cells do not shimmer as
// the clock ticks.
func (tl *timeline) slots(n int, now time.Time) (cells []slotClass, start time.Time, slot time.Duration) {
	if n <= 0 {
		return nil, now, 0
	}
	slot = timelineSpan / time.Duration(n)
	end := now.Truncate(slot).Add(slot)
	start = end.Add(-slot * time.Duration(n))
	cells = make([]slotClass, n)
	// The current state holds at the instant now, so the last cell shows
	// it even when now sits exactly on a slot edge.
	tl.segments(start, now.Add(time.Nanosecond), func(a, b time.Time, p tlPoint) {
		first := int(a.Sub(start) / slot)
		last := int((b.Sub(start) - 1) / slot)
		for i := max(0, first); i <= min(n-1, last); i++ {
			if p.cls > cells[i] {
				cells[i] = p.cls
			}
		}
	})
	return cells, start, slot
}

// availability over the last 24 hours: time up (connected or degraded) over
// time watched, not counting time TWS refused connections. ok is false when
// nothing was watched yet.
func (tl *timeline) availability(now time.Time) (ratio float64, ok bool) {
	var up, watched time.Duration
	tl.segments(now.Add(-timelineSpan), now, func(a, b time.Time, p tlPoint) {
		d := b.Sub(a)
		switch {
		case p.cls == slotUnknown || p.excluded:
		case p.cls == slotDown:
			watched += d
		default:
			watched += d
			up += d
		}
	})
	if watched <= 0 {
		return 0, false
	}
	return float64(up) / float64(watched), true
}

// cellGlyph is each class's glyph; glyphs differ so the strip reads without
// colour.
func cellGlyph(c slotClass) string {
	switch c {
	case slotUp:
		return "█"
	case slotDegraded:
		return "▒"
	case slotDown:
		return "▁"
	default:
		return "·"
	}
}

// render draws the strip, with runs of equal cells styled together, and
// the hour marks below it aligned to the slots.
func (tl *timeline) render(st *theme.Styles, width int, now time.Time) (strip, axis string) {
	cells, start, slot := tl.slots(width, now)
	if len(cells) == 0 {
		return "", ""
	}
	var b strings.Builder
	for i := 0; i < len(cells); {
		j := i
		for j < len(cells) && cells[j] == cells[i] {
			j++
		}
		run := strings.Repeat(cellGlyph(cells[i]), j-i)
		switch cells[i] {
		case slotUp:
			b.WriteString(st.Timeline.Up.Render(run))
		case slotDegraded:
			b.WriteString(st.Timeline.Degraded.Render(run))
		case slotDown:
			b.WriteString(st.Timeline.Down.Render(run))
		default: // "·" even without colour: a blank cell reads as "no data drawn yet"
			b.WriteString(st.Timeline.Unknown.Render(run))
		}
		i = j
	}
	return b.String(), st.Timeline.Axis.Render(hourAxis(width, start, slot))
}

// hourAxis places "HH" at the cell where each labelled local hour begins.
// The label step grows with narrower strips so labels never touch.
func hourAxis(n int, start time.Time, slot time.Duration) string {
	perHour := float64(time.Hour) / float64(slot)
	step := 12
	for _, s := range []int{1, 2, 3, 4, 6, 12} {
		if float64(s)*perHour >= 4 {
			step = s
			break
		}
	}
	line := []rune(strings.Repeat(" ", n))
	h := start.Local().Truncate(time.Hour)
	if h.Before(start) {
		h = h.Add(time.Hour)
	}
	next := 0
	for ; h.Before(start.Add(slot * time.Duration(n))); h = h.Add(time.Hour) {
		if h.Local().Hour()%step != 0 {
			continue
		}
		col := int(h.Sub(start) / slot)
		label := fmt.Sprintf("%02d", h.Local().Hour())
		if col < next || col+len(label) > n {
			continue
		}
		copy(line[col:], []rune(label))
		next = col + len(label) + 1
	}
	return string(line)
}
