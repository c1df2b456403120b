package screen

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// textModel shows a fixed text and names the window after it.
type textModel struct{ text string }

func (m textModel) Init() tea.Cmd { return nil }
func (m textModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		m.text = k.String()
	}
	return m, nil
}
func (m textModel) View() string        { return m.text }
func (m textModel) WindowTitle() string { return "title " + m.text }

// TestScreenFallbackSetsTitle: where Bubble Tea's renderer draws (Windows),
// the wrapper turns WindowTitle changes into tea.SetWindowTitle.
func TestScreenFallbackSetsTitle(t *testing.T) {
	s := &Screen{fallback: true}
	if opts := s.ProgramOptions(); len(opts) != 1 {
		t.Fatalf("fallback options %d, want just the alternate screen", len(opts))
	}
	var wm tea.Model = s.Model(textModel{})
	titles := func(cmd tea.Cmd) []string {
		var out []string
		var run func(tea.Cmd)
		run = func(c tea.Cmd) {
			if c == nil {
				return
			}
			switch msg := c().(type) {
			case tea.BatchMsg:
				for _, c := range msg {
					run(c)
				}
			case nil:
			default: // tea's unexported setWindowTitleMsg, a string
				out = append(out, fmt.Sprint(msg))
			}
		}
		run(cmd)
		return out
	}
	wm, cmd := wm.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")})
	if got := titles(cmd); len(got) != 1 || got[0] != "title a" {
		t.Fatalf("titles %q", got)
	}
	if _, cmd = wm.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")}); cmd != nil {
		t.Fatalf("an unchanged title was set again: %q", titles(cmd))
	}
}
