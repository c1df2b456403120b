package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ibwatch/ibwatch/theme"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// Pane is one focusable area of the dashboard (connection, events,
// counters, chain, scan): see pane.Model, which panes in their own packages
// implement.
type Pane = pane.Model

// frameSpec describes one framed box.
type frameSpec struct {
	title   string // shown top-left in the border
	tag     string // shown top-right in the border (already styled)
	body    string // lines, any width; fitted to the inside
	width   int    // outer width, border included
	height  int    // outer height, border included
	focused bool
}

// innerSize is the inside of a frame of the given outer size: one border
// cell and one padding cell on each side, one border line top and bottom.
func innerSize(w, h int) (int, int) { return max(0, w-4), max(0, h-2) }

// frame draws a box with its title inside the top border. Focus changes the
// border shape (rounded → thick), its colour, and adds a ▶ marker to the
// title, so it shows without colour too.
func frame(st *theme.Styles, f frameSpec) string {
	if f.width < 4 || f.height < 2 {
		return ""
	}
	shape, bst, tst := st.Pane.BorderShape, st.Pane.Border, st.Pane.Title
	marker := ""
	if f.focused {
		shape, bst, tst = st.Pane.FocusedShape, st.Pane.FocusedBorder, st.Pane.FocusedTitle
		marker = "▶ "
	}
	iw, ih := innerSize(f.width, f.height)
	var b strings.Builder
	b.Grow((f.width + 16) * f.height)

	// Top: ╭─ ▶ Title ──────── tag ─╮
	title := truncate(marker+f.title, max(0, f.width-6))
	used := 3 + ansi.StringWidth(title) + 1 // "╭─ " + title + " "
	tag := ""
	if f.tag != "" {
		if tw := ansi.StringWidth(f.tag); used+tw+4 <= f.width {
			tag = f.tag
		}
	}
	fill := f.width - used - 1
	if tag != "" {
		fill -= ansi.StringWidth(tag) + 3 // " tag ─"
	}
	b.WriteString(bst.Render(shape.TopLeft + shape.Top + " "))
	b.WriteString(tst.Render(title))
	b.WriteString(" ")
	b.WriteString(bst.Render(strings.Repeat(shape.Top, max(0, fill))))
	if tag != "" {
		b.WriteString(" " + tag + " ")
		b.WriteString(bst.Render(shape.Top))
	}
	b.WriteString(bst.Render(shape.TopRight))
	b.WriteByte('\n')

	left := bst.Render(shape.Left) + " "
	right := " " + bst.Render(shape.Right)
	lines := strings.Split(f.body, "\n")
	for i := 0; i < ih; i++ {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteString(left)
		b.WriteString(fit(line, iw))
		b.WriteString(right)
		b.WriteByte('\n')
	}
	b.WriteString(bst.Render(shape.BottomLeft + strings.Repeat(shape.Bottom, f.width-2) + shape.BottomRight))
	return b.String()
}

// keylessPane is the part of Pane that a pane without keys, inputs or
// Cmds of its own shares (connection, session, the chain placeholder):
// embedded, it answers Init, Focus, Blur, Typing and help with nothing.
type keylessPane struct{}

func (keylessPane) Init() tea.Cmd             { return nil }
func (keylessPane) Focus()                    {}
func (keylessPane) Blur()                     {}
func (keylessPane) Typing() bool              { return false }
func (keylessPane) ShortHelp() []key.Binding  { return nil }
func (keylessPane) FullHelp() [][]key.Binding { return nil }
