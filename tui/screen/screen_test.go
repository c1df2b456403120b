//go:build unix

package screen

import (
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/tui/internal/vt"
	"go.uber.org/goleak"
)

// TestMain checks that no goroutine (renderer, resize waiter) outlives the
// tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

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
	v := vt.New(40, 5)
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
	if !strings.HasSuffix(v.Received(), seqPasteOff+seqCursorShow+seqAltScreenOff) {
		t.Errorf("the terminal was not restored")
	}
}

// explodingWriter is a terminal whose writes panic once the output holds
// "explode": a stand-in for a bug in the renderer.
type explodingWriter struct{ v *vt.VT }

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
	v := vt.New(40, 5)
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
