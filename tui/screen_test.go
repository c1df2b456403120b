//go:build unix

package tui

import (
	"context"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// screenRun is a real Bubble Tea program on a Screen: keys go in through a
// pipe (as through a terminal), frames come out on a vt.
type screenRun struct {
	t    *testing.T
	s    *Screen
	v    *vt
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
	r := &screenRun{t: t, v: newVT(w, h), keys: keys, w: w, h: h, done: make(chan struct{})}
	r.s = newScreen(in, r.v, func() (int, int, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.w, r.h, nil
	})
	if err := r.s.begin(); err != nil {
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
	r.v.resize(w, h)
	r.s.winch <- syscall.SIGWINCH
}

// waitFor waits (10 s at most) until cond holds for the screen.
func (r *screenRun) waitFor(what string, cond func(screen string) bool) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond(r.v.screen()) {
		if time.Now().After(deadline) {
			r.t.Fatalf("%s: not on screen within 10 s:\n%s", what, r.v.screen())
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
	if !strings.HasSuffix(r.v.received.String(), seqPasteOff+seqCursorShow+seqAltScreenOff) {
		r.t.Errorf("the terminal was not restored; output ends %q", tail(r.v.received.String(), 60))
	}
	if r.v.modes["1049"] || !r.v.modes["25"] || r.v.modes["2004"] {
		r.t.Errorf("terminal modes after Close: %v", r.v.modes)
	}
	for _, e := range r.v.errors() {
		r.t.Error(e)
	}
	return r.fm
}

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
	if !r.v.modes["1049"] || r.v.modes["25"] || !r.v.modes["2004"] {
		t.Errorf("terminal modes while running: %v", r.v.modes)
	}
	for _, ev := range sc.live {
		sup.ch <- ev
	}
	r.waitShows(sc.waitFor...)
	r.v.mu.Lock()
	title := r.v.title
	r.v.mu.Unlock()
	if title != "ibwatch ● connected" {
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
	fm := r.finish().(screenModel).inner.(Model)
	if got, exp := r.v.screen(), want(fm.View(), 80, 24); got != exp {
		t.Errorf("final screen\n%s\nwant (the View)\n%s", got, exp)
	}
}

// panicky panics in View once it gets the key "p".
type panicky struct{ boom bool }

func (p panicky) Init() tea.Cmd { return nil }
func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "p" {
		p.boom = true
	}
	return p, nil
}

func (p panicky) View() string {
	if p.boom {
		panic("boom in View")
	}
	return "all fine"
}

// TestScreenKeepsPanics: a panic in the model goes on up (Bubble Tea
// recovers it, ends the program and prints it on the alternate screen,
// where it vanishes), and the Screen keeps it, with its stack, for the
// caller to print once the terminal is back. (Not run inside a program:
// Bubble Tea's own panic shutdown races with its input reader.)
func TestScreenKeepsPanics(t *testing.T) {
	v := newVT(40, 5)
	s := newScreen(nil, v, func() (int, int, error) { return 40, 5, nil })
	if err := s.begin(); err != nil {
		t.Fatal(err)
	}
	var m tea.Model = s.Model(panicky{})
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("p")})
	func() {
		defer func() {
			if v := recover(); v != "boom in View" {
				t.Errorf("recovered %v, want the model's panic", v)
			}
		}()
		m.View()
	}()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	msg := s.Panic()
	if !strings.Contains(msg, "panic: boom in View") || !strings.Contains(msg, "panicky.View") {
		t.Errorf("Panic() = %q", msg)
	}
	if !strings.HasSuffix(v.received.String(), seqPasteOff+seqCursorShow+seqAltScreenOff) {
		t.Errorf("the terminal was not restored")
	}
}

// explodingWriter is a terminal whose writes panic once the output holds
// "explode": a stand-in for a bug in the renderer.
type explodingWriter struct{ v *vt }

func (e explodingWriter) Write(b []byte) (int, error) {
	if strings.Contains(string(b), "explode") {
		panic("renderer bug")
	}
	return e.v.Write(b)
}

// TestScreenRendererPanicEndsProgram: if the renderer dies nothing would be
// drawn any more, so the program must end (and say why) rather than run on
// behind a frozen picture.
func TestScreenRendererPanicEndsProgram(t *testing.T) {
	in, keys, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	defer keys.Close()
	v := newVT(40, 5)
	s := newScreen(in, explodingWriter{v}, func() (int, int, error) { return 40, 5, nil })
	if err := s.begin(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := tea.NewProgram(s.Model(textModel{text: "explode"}), append(s.ProgramOptions(), tea.WithoutSignalHandler())...)
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		p.Kill()
		<-done
		t.Fatal("the program ran on after the renderer died")
	}
	if !strings.Contains(s.Panic(), "renderer bug") {
		t.Errorf("Panic() = %q", s.Panic())
	}
}
