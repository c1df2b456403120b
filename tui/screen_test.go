//go:build unix

package tui

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/tui/internal/vt"
	"github.com/ibwatch/ibwatch/tui/screen"
)

// screenRun is a real Bubble Tea program on a screen.Screen: keys go in through a
// pipe (as through a terminal), frames come out on a vt.
type screenRun struct {
	t    *testing.T
	s    *screen.Screen
	v    *vt.VT
	keys *os.File
	mu   sync.Mutex
	w, h int
	done chan struct{}
	fm   tea.Model
	err  error
}

func runScreen(t *testing.T, m tea.Model, w, h int) *screenRun {
	t.Helper()
	in, keys, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r := &screenRun{t: t, v: vt.New(w, h), keys: keys, w: w, h: h, done: make(chan struct{})}
	r.s, err = screen.Attach(in, r.v, func() (int, int, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.w, r.h, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := append(r.s.ProgramOptions(), tea.WithoutSignalHandler())
	p := tea.NewProgram(r.s.Model(m), opts...)
	go func() {
		defer close(r.done)
		r.fm, r.err = p.Run()
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			p.Kill()
			<-r.done
		}
		_ = r.s.Close()
		_ = keys.Close()
		_ = in.Close()
	})
	return r
}

func (r *screenRun) key(s string) {
	r.t.Helper()
	if _, err := r.keys.WriteString(s); err != nil {
		r.t.Fatal(err)
	}
}

// resize changes the terminal's size and signals it, as SIGWINCH does.
func (r *screenRun) resize(w, h int) {
	r.mu.Lock()
	r.w, r.h = w, h
	r.mu.Unlock()
	r.v.Resize(w, h)
	r.s.Resized()
}

// waitFor waits (10 s at most) until cond holds for the screen.
func (r *screenRun) waitFor(what string, cond func(screen string) bool) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond(r.v.Screen()) {
		if time.Now().After(deadline) {
			r.t.Fatalf("%s: not on screen within 10 s:\n%s", what, r.v.Screen())
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, not synchronising
	}
}

func (r *screenRun) waitShows(texts ...string) {
	r.t.Helper()
	r.waitFor(strings.Join(texts, ", "), func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// finish waits for the program to end, closes the Screen and checks that
// the terminal was given back.
func (r *screenRun) finish() tea.Model {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		r.t.Fatal("the program did not end within 10 s")
	}
	if err := r.s.Close(); err != nil {
		r.t.Errorf("Close: %v", err)
	}
	if !strings.HasSuffix(r.v.Received(), restored) {
		r.t.Errorf("the terminal was not restored; output ends %q", tail(r.v.Received(), 60))
	}
	if modes := r.v.Modes(); modes["1049"] || !modes["25"] || modes["2004"] {
		r.t.Errorf("terminal modes after Close: %v", modes)
	}
	for _, e := range r.v.Errors() {
		r.t.Error(e)
	}
	return r.fm
}

// restored is what a Screen writes last on Close: bracketed paste off,
// cursor shown, main screen.
const restored = "\x1b[?2004l\x1b[?25h\x1b[?1049l"

func tail(s string, n int) string { return s[max(0, len(s)-n):] }

// TestScreenRunsTheDashboard drives the real dashboard through the Screen:
// the first screen, a key, a resize and quitting, each checked on the
// emulated terminal against what the model's View says.
func TestScreenRunsTheDashboard(t *testing.T) {
	sc := connectedScenario()
	sup := newFakeSup(sc.status, sc.metrics)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := New(Options{Sup: sup, History: sc.history, Styles: testStyles(), Now: fixedClock, Context: ctx})
	r := runScreen(t, m, 120, 40)
	if modes := r.v.Modes(); !modes["1049"] || modes["25"] || !modes["2004"] {
		t.Errorf("terminal modes while running: %v", modes)
	}
	for _, ev := range sc.live {
		sup.ch <- ev
	}
	r.waitShows(sc.waitFor...)
	if title := r.v.Title(); title != "ibwatch ● connected" {
		t.Errorf("window title %q", title)
	}

	r.key("?")
	r.waitShows("Keys", "? closes")
	r.resize(80, 24)
	r.waitFor("the 80×24 layout", func(s string) bool {
		first, _, _ := strings.Cut(s, "\n")
		return strings.HasSuffix(first, "08:00") && strings.Count(s, "\n") == 23
	})
	r.key("q")
	fm := r.finish() // the Screen's wrapper: its View is the dashboard's
	if got, exp := r.v.Screen(), vt.Want(fm.View(), 80, 24); got != exp {
		t.Errorf("final screen\n%s\nwant (the View)\n%s", got, exp)
	}
}
