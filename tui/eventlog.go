package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/theme"
)

// maxLogEntries bounds the log's memory; the oldest entries go first, a
// tenth at a time so trimming is amortised.
const maxLogEntries = 100_000

// logFilter is the severity filter of the event log, cycled with f.
type logFilter int

const (
	filterAll logFilter = iota
	filterWarning
	filterError
	filterConnectivity
	filterCount
)

// String is the filter's label in the pane title.
func (f logFilter) String() string {
	switch f {
	case filterWarning:
		return "≥warning"
	case filterError:
		return "≥error"
	case filterConnectivity:
		return "connectivity"
	default:
		return "all"
	}
}

// pass reports whether an event is shown under the filter. "connectivity"
// keeps what says whether we are connected: state changes, link events and
// TWS connectivity codes.
func (f logFilter) pass(ev *conn.Event) bool {
	switch f {
	case filterWarning:
		return ev.Severity >= conn.SevWarning
	case filterError:
		return ev.Severity >= conn.SevError
	case filterConnectivity:
		return ev.Severity == conn.SevConnectivity || ev.Kind == conn.KindState || ev.Kind == conn.KindLink
	default:
		return true
	}
}

// logEntry is one row of the log: an event, or a marker line (previous
// session boundary, day change) that every filter keeps.
type logEntry struct {
	ev     conn.Event
	prev   bool   // from the previous session's history
	marker string // non-empty: a separator line with this text
	hay    string // lower-cased searchable text, built on first search
	lines  []string
	gen    int // render generation the lines belong to
}

// logPane is the scrollable event log. It renders only the visible window
// and caches each entry's lines until the width, filter or query changes,
// so View stays cheap with 100k entries.
type logPane struct {
	st      *theme.Styles
	keys    scrollKeys
	in      inputKeys
	input   textinput.Model
	focused bool
	w, h    int

	entries []logEntry
	vis     []int // indices of shown entries
	starts  []int // starts[i] = first line of vis[i]; len(vis)+1 entries
	filter  logFilter
	query   string // kept search (lower-case)
	typing  bool   // the search input owns the keyboard
	gen     int    // bumped when rendered lines must be redone
	twoLine bool   // explanations on their own line (wide layout)

	offset   int  // first visible line
	follow   bool // stick to the newest line
	newCount int  // shown events that arrived while scrolled back

	lastDay string // local date of the last appended entry
	window  []string
}

func newLogPane(st *theme.Styles) *logPane {
	ti := textinput.New()
	ti.Prompt = "/ "
	ti.Placeholder = "search events (enter keep · esc clear)"
	ti.PromptStyle = st.Input.Prompt
	ti.TextStyle = st.Input.Text
	ti.PlaceholderStyle = st.Input.Placeholder
	ti.Cursor.Style = st.Input.Cursor
	ti.CharLimit = 80
	return &logPane{
		st:     st,
		keys:   newScrollKeys(),
		in:     newInputKeys("keep filter", "clear search"),
		input:  ti,
		follow: true,
		starts: []int{0},
	}
}

// appendEntry adds one event (or history event) and keeps the view
// following the newest line unless the user scrolled back.
func (p *logPane) appendEntry(ev conn.Event, prev bool) {
	p.dayMarker(ev.Time, prev)
	p.push(logEntry{ev: ev, prev: prev})
	p.refresh()
}

// appendMarker adds a separator line.
func (p *logPane) appendMarker(text string) {
	p.push(logEntry{marker: text})
	p.refresh()
}

// dayMarker inserts "── Tue 14 Jan ──" when the local date changes.
func (p *logPane) dayMarker(t time.Time, prev bool) {
	if t.IsZero() {
		return
	}
	day := t.Local().Format("Mon 2 Jan 2006")
	if day == p.lastDay {
		return
	}
	p.lastDay = day
	p.push(logEntry{marker: day, prev: prev})
}

func (p *logPane) push(e logEntry) {
	if len(p.entries) >= maxLogEntries {
		drop := maxLogEntries / 10
		p.entries = append(p.entries[:0], p.entries[drop:]...)
		p.rebuildShift(drop)
	}
	p.entries = append(p.entries, e)
	i := len(p.entries) - 1
	if p.shown(&p.entries[i]) {
		p.vis = append(p.vis, i)
		p.starts = append(p.starts, p.starts[len(p.starts)-1]+p.height(&p.entries[i]))
		if !p.follow && e.marker == "" {
			p.newCount++
		}
	}
}

func (p *logPane) shown(e *logEntry) bool {
	if e.marker != "" {
		return p.query == ""
	}
	if !p.filter.pass(&e.ev) {
		return false
	}
	if p.query == "" {
		return true
	}
	if e.hay == "" {
		e.hay = strings.ToLower(fmt.Sprintf("%d %s %s %s %s %s %s", e.ev.Code, e.ev.Kind, e.ev.State,
			e.ev.Cause, e.ev.Message, e.ev.Explain, e.ev.Window))
	}
	return strings.Contains(e.hay, p.query)
}

// height is the number of lines an entry takes.
func (p *logPane) height(e *logEntry) int {
	if e.marker == "" && p.twoLine && e.ev.Explain != "" {
		return 2
	}
	return 1
}

// rebuild recomputes the shown entries after a filter, query or width
// change, keeping the reader's place when not following.
func (p *logPane) rebuild() { p.rebuildShift(0) }

// rebuildShift is rebuild after the first shift entries were dropped.
func (p *logPane) rebuildShift(shift int) {
	anchor := -1
	if !p.follow && len(p.vis) > 0 {
		anchor = max(0, p.vis[p.entryAt(p.offset)]-shift)
	}
	p.vis = p.vis[:0]
	p.starts = append(p.starts[:0], 0)
	for i := range p.entries {
		if p.shown(&p.entries[i]) {
			p.vis = append(p.vis, i)
			p.starts = append(p.starts, p.starts[len(p.starts)-1]+p.height(&p.entries[i]))
		}
	}
	if anchor >= 0 {
		j := sort.SearchInts(p.vis, anchor)
		if j < len(p.vis) {
			p.offset = p.starts[j]
		}
	}
	p.refresh()
}

// entryAt is the index into vis of the entry holding line n.
func (p *logPane) entryAt(n int) int {
	i := sort.Search(len(p.vis), func(i int) bool { return p.starts[i+1] > n })
	return min(i, max(0, len(p.vis)-1))
}

func (p *logPane) totalLines() int { return p.starts[len(p.starts)-1] }

// bodyHeight is the number of log lines on screen (the search input takes
// the last line while typing).
func (p *logPane) bodyHeight() int {
	if p.typing {
		return max(0, p.h-1)
	}
	return p.h
}

func (p *logPane) maxOffset() int { return max(0, p.totalLines()-p.bodyHeight()) }

// refresh clamps the scroll position and renders the visible window.
func (p *logPane) refresh() {
	if p.follow {
		p.offset = p.maxOffset()
		p.newCount = 0
	}
	p.offset = max(0, min(p.offset, p.maxOffset()))
	p.window = p.window[:0]
	bh := p.bodyHeight()
	if len(p.vis) == 0 || bh == 0 {
		return
	}
	skip := p.offset - p.starts[p.entryAt(p.offset)]
	for i := p.entryAt(p.offset); i < len(p.vis) && len(p.window) < bh; i++ {
		e := &p.entries[p.vis[i]]
		if e.gen != p.gen || e.lines == nil {
			e.lines = p.renderEntry(e)
			e.gen = p.gen
		}
		for _, l := range e.lines[skip:] {
			if len(p.window) == bh {
				break
			}
			p.window = append(p.window, l)
		}
		skip = 0
	}
}

// scroll moves by n lines; reaching the end turns following back on.
func (p *logPane) scroll(n int) {
	p.offset = max(0, min(p.offset+n, p.maxOffset()))
	p.follow = p.offset >= p.maxOffset()
	p.refresh()
}

// cycleFilter switches to the next severity filter.
func (p *logPane) cycleFilter() {
	p.filter = (p.filter + 1) % filterCount
	p.rebuild()
}

// startSearch opens the search input.
func (p *logPane) startSearch() tea.Cmd {
	p.typing = true
	p.keys.setEnabled(false)
	p.input.SetValue(p.query)
	p.input.CursorEnd()
	p.refresh()
	return p.input.Focus()
}

func (p *logPane) setQuery(q string) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == p.query {
		return
	}
	p.query = q
	p.gen++ // highlights change
	p.rebuild()
}

func (p *logPane) endSearch(keep bool) {
	p.typing = false
	p.keys.setEnabled(true)
	p.input.Blur()
	if !keep {
		p.input.SetValue("")
		p.setQuery("")
	}
	p.refresh()
}
