package scan

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/ibwatch/ibwatch/scanner"
)

// hostile are values a figure must never show as they are.
var hostile = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300, -1e300, math.MaxInt32, 2147483647, 1.7976931348623157e308,
	-0.0, 5e-324, 0.125, 129.99999999999997}

// poison sets every Num of v (a struct, recursively) to {V: x, OK: true}:
// figures that a broken computation could hand the pane.
func poison(v reflect.Value, pick func() float64) {
	switch v.Kind() {
	case reflect.Struct:
		if n, ok := v.Addr().Interface().(*scanner.Num); ok {
			*n = scanner.Num{V: pick(), OK: true}
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				poison(v.Field(i), pick)
			}
		}
	case reflect.Float64:
		v.SetFloat(pick())
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			poison(v.Index(i), pick)
		}
	}
}

// checkCells fails when the view shows NaN or Inf, a control character,
// or does not fit w×h.
func checkCells(t *testing.T, what string, p *Pane, w, h int) {
	t.Helper()
	v := p.View()
	for _, bad := range []string{"NaN", "Inf", "\x1b", "\a", "e+", "99999999"} {
		if strings.Contains(v, bad) {
			t.Fatalf("%s: %q on screen:\n%s", what, bad, v)
		}
	}
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Fatalf("%s: %d lines, want %d", what, len(lines), h)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Fatalf("%s: line %d is %d cells wide (> %d): %q", what, i, ansi.StringWidth(l), w, l)
		}
	}
}

// TestScanHostileFigures: whatever figures, quotes, names and progress
// reach the pane, no cell shows NaN or Inf or an escape sequence, and every
// size keeps its lines inside the pane.
func TestScanHostileFigures(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() float64 { return hostile[rng.IntN(len(hostile))] }
	for round := range 20 {
		res := fixedResult()
		for i := range res.Structures {
			s := &res.Structures[i]
			poison(reflect.ValueOf(s).Elem(), pick)
			s.Symbol = []string{"HVLN", "\x1b[31mEVIL\a", "ÅÄÖ\u200b漢字漢字漢字", ""}[rng.IntN(4)]
			s.Expiry = []string{"20250417", "2025\x1b]0;x\a", "", "99999999"}[rng.IntN(4)]
			for j := range s.Legs {
				s.Legs[j].Right = []string{"C", "P", "STK", "\x1b[2J"}[rng.IntN(4)]
			}
		}
		f := newFakeScan()
		f.res = res
		for _, sz := range [][2]int{{40, 10}, {76, 20}, {116, 36}, {200, 60}, {10, 3}} {
			p := newTestPane(t, f, sz[0], sz[1])
			scanned(t, p)
			for _, k := range []string{"", "s", "s", "s", "p"} {
				if k != "" {
					press(p, runes(k))
				}
				for j := 0; j < len(p.ranked.Rows); j += 3 {
					p.sel = j
					p.render()
					checkCells(t, "round "+string(rune('a'+round%26))+" sort "+p.sort.String(), p, sz[0], sz[1])
				}
			}
			// Progress with impossible counts.
			p.run = &run{gen: p.gen, done: make(chan struct{})}
			for _, g := range []scanner.Progress{
				{Deals: -1, DealsDone: 5, Contracts: 0, Quoted: 9, Left: -time.Second},
				{Deals: 3, Contracts: 10, Quoted: 1e6, Left: time.Duration(math.MaxInt64)},
				{Contracts: math.MaxInt, Quoted: math.MaxInt, Left: 1},
			} {
				p.Update(progressMsg{gen: p.gen, p: g})
				checkCells(t, "progress", p, sz[0], sz[1])
				if strings.Contains(p.Title(), "-") {
					t.Fatalf("title %q", p.Title())
				}
			}
			p.run = nil
		}
	}
}
