package screen

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/ibwatch/ibwatch/tui/internal/textfit"
)

// Terminal control sequences the Screen writes.
const (
	seqAltScreenOn  = "\x1b[?1049h"
	seqAltScreenOff = "\x1b[?1049l"
	seqCursorHide   = "\x1b[?25l"
	seqCursorShow   = "\x1b[?25h"
	seqPasteOn      = "\x1b[?2004h" // bracketed paste, as Bubble Tea enables it
	seqPasteOff     = "\x1b[?2004l"
	seqClearHome    = "\x1b[H\x1b[2J"
	seqEraseRight   = "\x1b[K"
)

// screenFrame is one picture of the whole screen: the view, the terminal size it
// was laid out for (0×0 before the first size is known), how many resize
// signals came before it, and the window title. A frame is never changed
// after it is posted.
type screenFrame struct {
	view  string
	w, h  int
	winch int
	title string
}

// painter turns successive frames into the bytes that bring the terminal
// from the previous frame to the next: only the rows that differ, each
// addressed with an absolute cursor position so nothing depends on where
// the cursor was left. Only the renderer goroutine uses a painter.
type painter struct {
	rows  []string // the rows of the frame on screen, as the view gave them
	w, h  int
	winch int
	title string
	full  bool // the next paint clears the screen first
}

func newPainter() *painter { return &painter{full: true} }

// paint appends to b what turns the screen into f.
func (p *painter) paint(b *bytes.Buffer, f *screenFrame) {
	if f.title != p.title {
		p.title = f.title
		b.WriteString("\x1b]2;" + textfit.Sanitize(f.title) + "\a")
	}
	if f.w != p.w || f.h != p.h || f.winch != p.winch {
		// After a resize the terminal may have reflowed or cropped what
		// it showed: our copy of the screen means nothing any more.
		p.w, p.h, p.winch, p.full = f.w, f.h, f.winch, true
	}
	rows := strings.Split(f.view, "\n")
	if p.h > 0 && len(rows) > p.h {
		// Like Bubble Tea: keep the bottom rows (the view should fit).
		rows = rows[len(rows)-p.h:]
	}
	if p.full {
		b.WriteString(seqClearHome)
	}
	for i := 0; i < max(len(rows), len(p.rows)); i++ {
		row := ""
		if i < len(rows) {
			row = rows[i]
		}
		if p.full && row == "" {
			continue // cleared already
		}
		if !p.full && i < len(p.rows) && p.rows[i] == row {
			continue // most rows: compared before any width is measured
		}
		if p.w > 0 {
			// A row wider than the terminal would wrap and push every
			// row below it down.
			row = ansi.Truncate(row, p.w, "")
		}
		b.WriteString("\x1b[" + strconv.Itoa(i+1) + ";1H")
		b.WriteString(row)
		// Erase what the old row had beyond the new one. Not after a row
		// that fills the line: the cursor then sits on the last cell and
		// an erase would wipe that cell.
		if p.w == 0 || ansi.StringWidth(row) < p.w {
			b.WriteString(seqEraseRight)
		}
	}
	p.rows, p.full = rows, false
}

// renderer owns the terminal output while the Screen is open: a goroutine
// that paints the newest posted frame. It writes nothing while nothing
// changes and arms no timer: an idle dashboard costs no wake-ups here.
//
// A frame posted when nothing was painted for gap is painted at once
// (a key press shows without delay); frames that follow within gap are
// merged into one paint at the end of it, so a burst of events costs one
// write per gap rather than one per event.
type renderer struct {
	out    io.Writer
	gap    time.Duration
	latest atomic.Pointer[screenFrame] // the newest frame; only post stores it
	kick   chan struct{}               // capacity 1: "latest changed"
	done   chan struct{}               // closed by the Screen: stop
	ended  chan struct{}               // closed when the goroutine returns

	// Owned by the renderer goroutine.
	p     *painter
	drawn *screenFrame
	buf   bytes.Buffer
	err   error // the first write error (the terminal went away)
}

func newRenderer(out io.Writer, gap time.Duration) *renderer {
	return &renderer{out: out, gap: gap, p: newPainter(), kick: make(chan struct{}, 1),
		done: make(chan struct{}), ended: make(chan struct{})}
}

// post hands a frame to the renderer without blocking: the caller (View,
// on Bubble Tea's event loop goroutine) neither waits nor does I/O.
func (r *renderer) post(f *screenFrame) {
	r.latest.Store(f)
	select {
	case r.kick <- struct{}{}:
	default: // a kick is pending: the renderer will see the newest frame
	}
}

// run paints frames until done is closed. onPanic reports a panic in the
// painter (a bug) so the Screen can end the program and restore the
// terminal instead of leaving a frozen picture.
func (r *renderer) run(onPanic func(any)) {
	defer close(r.ended)
	defer func() {
		if v := recover(); v != nil {
			onPanic(v)
		}
	}()
	var (
		timer  *time.Timer
		timerC <-chan time.Time // non-nil while a merged paint is due
		last   time.Time        // when the last paint was written
	)
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-r.done:
			return
		case <-r.kick:
			if timerC != nil {
				continue // the paint at the end of this gap takes it
			}
			if wait := r.gap - time.Since(last); wait > 0 {
				if timer == nil {
					timer = time.NewTimer(wait)
				} else {
					timer.Reset(wait)
				}
				timerC = timer.C
				continue
			}
		case <-timerC:
			timerC = nil
		}
		if r.flush() {
			last = time.Now()
		}
	}
}

// flush paints the newest frame if it is not on screen yet and reports
// whether it wrote anything.
func (r *renderer) flush() bool {
	f := r.latest.Load()
	if f == nil || f == r.drawn {
		return false
	}
	r.drawn = f
	r.buf.Reset()
	r.p.paint(&r.buf, f)
	if r.buf.Len() == 0 {
		return false
	}
	if _, err := r.out.Write(r.buf.Bytes()); err != nil && r.err == nil {
		r.err = err
	}
	return true
}
