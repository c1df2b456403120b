package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Init implements Pane.
func (p *logPane) Init() tea.Cmd { return nil }

// Update implements Pane: scrolling keys, and the search input while open.
func (p *logPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	km, isKey := msg.(tea.KeyMsg)
	if p.typing {
		if isKey {
			switch {
			case key.Matches(km, p.in.Accept):
				p.endSearch(true)
				return p, nil
			case key.Matches(km, p.in.Cancel):
				p.endSearch(false)
				return p, nil
			}
		}
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		p.setQuery(p.input.Value())
		return p, cmd
	}
	if !isKey {
		return p, nil
	}
	page := max(1, p.bodyHeight()-1)
	switch {
	case key.Matches(km, p.keys.Up):
		p.scroll(-1)
	case key.Matches(km, p.keys.Down):
		p.scroll(1)
	case key.Matches(km, p.keys.PageUp):
		p.scroll(-page)
	case key.Matches(km, p.keys.PageDown):
		p.scroll(page)
	case key.Matches(km, p.keys.Home):
		p.follow = false
		p.offset = 0
		p.refresh()
	case key.Matches(km, p.keys.End):
		p.follow = true
		p.refresh()
	case p.query != "" && key.Matches(km, p.in.Cancel):
		p.endSearch(false) // a kept search: esc drops it
	}
	return p, nil
}

// View implements Pane. It only joins the window rendered in Update.
func (p *logPane) View() string {
	var b strings.Builder
	if len(p.vis) == 0 {
		msg := "no events yet"
		if p.query != "" || p.filter != filterAll {
			msg = "no events match " + p.describeFilter()
		}
		b.WriteString(p.st.Log.Empty.Render(msg))
	} else {
		b.WriteString(strings.Join(p.window, "\n"))
	}
	if p.typing {
		for n := max(1, len(p.window)); n < p.bodyHeight(); n++ {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
		b.WriteString(p.input.View())
	}
	return b.String()
}

// SetSize implements Pane. Wide panes put explanations on their own line.
func (p *logPane) SetSize(w, h int) {
	if w == p.w && h == p.h {
		return
	}
	two := w >= 96
	p.w, p.h = w, h
	p.input.Width = max(1, w-4)
	p.gen++
	if two != p.twoLine {
		p.twoLine = two
		p.rebuild()
		return
	}
	p.refresh()
}

// Focus implements Pane.
func (p *logPane) Focus() { p.focused = true }

// Blur implements Pane.
func (p *logPane) Blur() { p.focused = false }

// Typing implements Pane.
func (p *logPane) Typing() bool { return p.typing }

func (p *logPane) describeFilter() string {
	parts := []string{p.filter.String()}
	if p.query != "" {
		parts = append(parts, "/"+p.query)
	}
	return strings.Join(parts, " · ")
}

// Title implements Pane: the filter and the kept search are part of it.
func (p *logPane) Title() string {
	t := "Events · " + p.filter.String()
	if p.query != "" {
		t += fmt.Sprintf(" · /%s (%d)", p.query, p.matchCount())
	}
	return t
}

func (p *logPane) matchCount() int {
	n := 0
	for _, i := range p.vis {
		if p.entries[i].marker == "" {
			n++
		}
	}
	return n
}

// tag is the right side of the frame title: the "N new ↓" indicator while
// scrolled back, otherwise the position.
func (p *logPane) tag() string {
	switch {
	case p.newCount > 0:
		return p.st.Log.NewBadge.Render(fmt.Sprintf("%d new ↓", p.newCount))
	case !p.follow:
		return p.st.Muted.Render(fmt.Sprintf("line %d/%d · end ↓", p.offset+1, p.totalLines()))
	default:
		return p.st.Muted.Render("following")
	}
}

// ShortHelp implements help.KeyMap.
func (p *logPane) ShortHelp() []key.Binding {
	if p.typing {
		return []key.Binding{p.in.Accept, p.in.Cancel}
	}
	if p.query != "" {
		return []key.Binding{p.keys.Scroll, p.in.Cancel}
	}
	return []key.Binding{p.keys.Scroll}
}

// FullHelp implements help.KeyMap.
func (p *logPane) FullHelp() [][]key.Binding {
	if p.typing {
		return [][]key.Binding{{p.in.Accept, p.in.Cancel}}
	}
	return [][]key.Binding{
		{p.keys.Up, p.keys.Down, p.keys.PageUp},
		{p.keys.PageDown, p.keys.Home, p.keys.End},
	}
}
