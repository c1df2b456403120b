package screen

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/tui/internal/vt"
)

// paintInto paints f with p onto v and returns the bytes written.
func paintInto(t *testing.T, p *painter, v *vt.VT, f *screenFrame) string {
	t.Helper()
	var b bytes.Buffer
	p.paint(&b, f)
	if b.Len() > 0 {
		_, _ = v.Write(b.Bytes())
	}
	for _, e := range v.Errors() {
		t.Error(e)
	}
	return b.String()
}

func TestPainterDrawsOnlyChangedRows(t *testing.T) {
	const w, h = 20, 5
	v, p := vt.New(w, h), newPainter()
	frames := []struct {
		name, view  string
		rowsWritten int // -1: not checked
	}{
		{"first frame", "header 08:00\n\x1b[1mbold\x1b[0m row\nthird\nfourth\nlast", -1},
		{"one row changes", "header 08:01\n\x1b[1mbold\x1b[0m row\nthird\nfourth\nlast", 1},
		{"nothing changes", "header 08:01\n\x1b[1mbold\x1b[0m row\nthird\nfourth\nlast", 0},
		{"a shorter row leaves nothing behind", "header 08:01\nb\nthird\nfourth\nlast", 1},
		{"a row that fills the line keeps its last cell", "header 08:01\nb\n" + strings.Repeat("x", w) + "\nfourth\nlast", 1},
		{"a row wider than the screen is cut", "header 08:01\nb\n" + strings.Repeat("y", w+7) + "\nfourth\nlast", 1},
		{"fewer rows clear the rest", "header 08:01\nb", 3},
		{"a taller view keeps its bottom rows", "1\n2\n3\n4\n5\n6\n7", -1},
		{"wide glyphs and box drawing", "╭─ ● 日本 ─╮\n│ ✓ ok │", -1},
	}
	for _, f := range frames {
		out := paintInto(t, p, v, &screenFrame{view: f.view, w: w, h: h})
		if got, exp := v.Screen(), vt.Want(f.view, w, h); got != exp {
			t.Fatalf("%s: screen\n%s\nwant\n%s", f.name, got, exp)
		}
		if n := strings.Count(out, ";1H"); f.rowsWritten >= 0 && n != f.rowsWritten {
			t.Errorf("%s: %d rows written, want %d: %q", f.name, n, f.rowsWritten, out)
		}
	}
}

func TestPainterRepaintsAfterResize(t *testing.T) {
	v, p := vt.New(30, 6), newPainter()
	view := "a\nb\nc"
	paintInto(t, p, v, &screenFrame{view: view, w: 30, h: 6})
	// The terminal crops and shifts things on a resize; the painter must
	// not trust its copy of the screen afterwards.
	v.Resize(12, 4)
	v.SetCell(0, 0, "?")
	v.SetCell(2, 5, "?")
	out := paintInto(t, p, v, &screenFrame{view: view, w: 12, h: 4})
	if !strings.HasPrefix(out, seqClearHome) || v.Screen() != vt.Want(view, 12, 4) {
		t.Fatalf("no full repaint after a resize: %q\n%s", out, v.Screen())
	}
	// A resize signal at the same size (a font change, a re-attach) also
	// repaints everything.
	v.SetCell(1, 3, "?")
	out = paintInto(t, p, v, &screenFrame{view: view, w: 12, h: 4, winch: 1})
	if !strings.HasPrefix(out, seqClearHome) || v.Screen() != vt.Want(view, 12, 4) {
		t.Fatalf("no full repaint after a resize signal: %q\n%s", out, v.Screen())
	}
}

func TestPainterTitle(t *testing.T) {
	v, p := vt.New(20, 3), newPainter()
	paintInto(t, p, v, &screenFrame{view: "x", w: 20, h: 3, title: "ibwatch ● connected"})
	if v.Title() != "ibwatch ● connected" {
		t.Fatalf("title %q", v.Title())
	}
	if out := paintInto(t, p, v, &screenFrame{view: "y", w: 20, h: 3, title: "ibwatch ● connected"}); strings.Contains(out, "\x1b]") {
		t.Errorf("unchanged title written again: %q", out)
	}
	paintInto(t, p, v, &screenFrame{view: "y", w: 20, h: 3, title: "evil\x07\x1b]2;pwned"})
	if v.Title() != "evil  ]2;pwned" {
		t.Errorf("title not sanitised: %q", v.Title())
	}
}

// timedWriter records when each write began, into a vt.
type timedWriter struct {
	mu sync.Mutex
	at []time.Time
	v  *vt.VT
}

func (c *timedWriter) Write(b []byte) (int, error) {
	c.mu.Lock()
	c.at = append(c.at, time.Now())
	c.mu.Unlock()
	return c.v.Write(b)
}

func (c *timedWriter) times() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Time(nil), c.at...)
}

// waitScreenText waits (10 s at most) until the vt shows exactly exp.
func waitScreenText(t *testing.T, v *vt.VT, exp string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for v.Screen() != exp {
		if time.Now().After(deadline) {
			t.Fatalf("screen\n%s\nwant\n%s", v.Screen(), exp)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, not synchronising
	}
}

// TestRendererMergesBursts sends a stream of frames a millisecond apart
// (events in a reconnect storm): the renderer must paint the last one and
// never write twice within paintGap. A load-slowed machine only spreads
// writes further apart, so the bound cannot flake.
func TestRendererMergesBursts(t *testing.T) {
	v := vt.New(20, 3)
	out := &timedWriter{v: v}
	r := newRenderer(out, paintGap)
	go r.run(func(p any) { t.Errorf("renderer panic: %v", p) })
	defer func() { close(r.done); <-r.ended }()

	var last string
	for i := range 150 {
		last = "event " + strings.Repeat("|", i%15)
		r.post(&screenFrame{view: last, w: 20, h: 3})
		time.Sleep(time.Millisecond) // pacing the stream, not synchronising
	}
	waitScreenText(t, v, vt.Want(last, 20, 3))
	at := out.times()
	for i := 1; i < len(at); i++ {
		if d := at[i].Sub(at[i-1]); d < paintGap {
			t.Fatalf("writes %d and %d only %v apart (%d writes in all)", i-1, i, d, len(at))
		}
	}
}

// BenchmarkPaintTick is the paint after one clock tick of a 120×40
// dashboard: of 40 full rows, the header (the clock) and one age change.
func BenchmarkPaintTick(b *testing.B) {
	rows := make([]string, 40)
	for i := range rows {
		rows[i] = fmt.Sprintf("│ %-116s │", strings.Repeat("row text ", 1+i%12))
	}
	frame := func(i int) *screenFrame {
		r := append([]string(nil), rows...)
		r[0] = fmt.Sprintf("ibwatch ● connected %96s 08:%02d:%02d", "", i/60%60, i%60)
		r[9] = fmt.Sprintf("│ up %-3ds%109s │", i%1000, "")
		return &screenFrame{view: strings.Join(r, "\n"), w: 120, h: 40}
	}
	frames := make([]*screenFrame, 60) // built beforehand: not measured
	for i := range frames {
		frames[i] = frame(i)
	}
	p := newPainter()
	var buf bytes.Buffer
	p.paint(&buf, frames[0])
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		p.paint(&buf, frames[(i+1)%len(frames)])
	}
}
