// Package vt is a small terminal emulator for the tests of the screen
// renderer (package tui/screen) and of the dashboard drawn through it.
package vt

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"
)

// VT is a small terminal emulator for the Screen's tests: it applies
// exactly the sequences the Screen writes (cursor position, erase, clear,
// private modes, OSC titles, SGR which it ignores) to a grid of cells, the
// way xterm does, and fails loudly on anything else. Wrapping past the
// right margin is recorded as an error: the renderer must never wrap.
type VT struct {
	mu       sync.Mutex
	w, h     int
	cells    [][]string
	x, y     int
	pending  bool // the cursor sits past the last cell (xterm's wrap flag)
	title    string
	modes    map[string]bool
	errs     []string
	writes   int
	received strings.Builder
}

// New is a blank w×h terminal.
func New(w, h int) *VT {
	v := &VT{modes: map[string]bool{}}
	v.Resize(w, h)
	return v
}

// Resize changes the grid size and, like a terminal in the alternate
// screen, keeps what fits.
func (v *VT) Resize(w, h int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	cells := make([][]string, h)
	for y := range cells {
		cells[y] = make([]string, w)
		for x := range cells[y] {
			cells[y][x] = " "
			if y < len(v.cells) && x < len(v.cells[y]) {
				cells[y][x] = v.cells[y][x]
			}
		}
	}
	v.w, v.h, v.cells = w, h, cells
	v.x, v.y = min(v.x, w-1), min(v.y, h-1)
}

// Write implements io.Writer.
func (v *VT) Write(b []byte) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.writes++
	v.received.Write(b)
	s := string(b)
	for len(s) > 0 {
		seq, width, n, _ := ansi.DecodeSequence(s, ansi.NormalState, nil)
		s = s[n:]
		switch {
		case strings.HasPrefix(seq, "\x1b["):
			v.csi(seq)
		case strings.HasPrefix(seq, "\x1b]"):
			body := strings.TrimSuffix(strings.TrimSuffix(seq[2:], "\a"), "\x1b\\")
			if t, ok := strings.CutPrefix(body, "2;"); ok {
				v.title = t
			} else {
				v.errs = append(v.errs, fmt.Sprintf("unexpected OSC %q", seq))
			}
		case seq == "\r":
			v.x, v.pending = 0, false
		case seq == "\n":
			v.y, v.pending = min(v.y+1, v.h-1), false
		case width > 0:
			v.print(seq, width)
		default:
			v.errs = append(v.errs, fmt.Sprintf("unexpected sequence %q", seq))
		}
	}
	return len(b), nil
}

func (v *VT) print(g string, width int) {
	if v.pending {
		v.errs = append(v.errs, fmt.Sprintf("wrapped at row %d before %q", v.y+1, g))
		v.x, v.pending = 0, false
		v.y = min(v.y+1, v.h-1)
	}
	if v.y >= v.h || v.x+width > v.w {
		v.errs = append(v.errs, fmt.Sprintf("%q drawn outside the screen at %d,%d", g, v.y+1, v.x+1))
		return
	}
	v.cells[v.y][v.x] = g
	for i := 1; i < width; i++ {
		v.cells[v.y][v.x+i] = ""
	}
	v.x += width
	if v.x == v.w {
		v.x, v.pending = v.w-1, true
	}
}

func (v *VT) csi(seq string) {
	final := seq[len(seq)-1]
	params := seq[2 : len(seq)-1]
	num := func(i, def int) int {
		parts := strings.Split(params, ";")
		if i < len(parts) {
			if n, err := strconv.Atoi(parts[i]); err == nil {
				return n
			}
		}
		return def
	}
	switch {
	case final == 'm': // colours: not modelled
	case strings.HasPrefix(params, "?") && (final == 'h' || final == 'l'):
		v.modes[params[1:]] = final == 'h'
	case final == 'H':
		v.y, v.x, v.pending = min(num(0, 1), v.h)-1, min(num(1, 1), v.w)-1, false
	case final == 'J' && params == "2":
		for y := range v.cells {
			for x := range v.cells[y] {
				v.cells[y][x] = " "
			}
		}
	case final == 'K' && params == "":
		// From the cursor to the end of the line, the cursor's cell
		// included, even when it sits on the last cell after a write.
		for x := v.x; x < v.w; x++ {
			v.cells[v.y][x] = " "
		}
	default:
		v.errs = append(v.errs, fmt.Sprintf("unexpected CSI %q", seq))
	}
}

// Screen is the text on screen, trailing blanks trimmed from each row.
func (v *VT) Screen() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	rows := make([]string, v.h)
	for y, r := range v.cells {
		rows[y] = strings.TrimRight(strings.Join(r, ""), " ")
	}
	return strings.Join(rows, "\n")
}

// Errors returns what went wrong so far.
func (v *VT) Errors() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.errs...)
}

// Title is the window title last set (OSC 2).
func (v *VT) Title() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.title
}

// Modes are the private modes set (true) or reset (false) so far, by
// number: "1049" the alternate screen, "25" the cursor, "2004" bracketed
// paste.
func (v *VT) Modes() map[string]bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return maps.Clone(v.modes)
}

// Received is every byte written so far.
func (v *VT) Received() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.received.String()
}

// SetCell puts g in the cell at row y, column x (from 0), as if something
// else had drawn there.
func (v *VT) SetCell(y, x int, g string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.cells[y][x] = g
}

// Want is what a view should look like on a w×h screen: styles dropped,
// rows cut at w, trailing blanks trimmed, padded to h rows.
func Want(view string, w, h int) string {
	rows := strings.Split(ansi.Strip(view), "\n")
	if len(rows) > h {
		rows = rows[len(rows)-h:]
	}
	out := make([]string, h)
	for i := range out {
		if i < len(rows) {
			out[i] = strings.TrimRight(ansi.Truncate(rows[i], w, ""), " ")
		}
	}
	return strings.Join(out, "\n")
}
