package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/theme"
)

// chainPlaceholder holds the chain slot until the scanner's option-chain
// model is passed in Options.Chain. It shows what the pane will do and
// owns no keys, so "/" in this pane does nothing yet.
type chainPlaceholder struct {
	st *theme.Styles
	keylessPane
	w, h int
}

// newChainPlaceholder returns the placeholder chain pane.
func newChainPlaceholder(st *theme.Styles) Pane { return &chainPlaceholder{st: st} }

// Update implements Pane.
func (p *chainPlaceholder) Update(tea.Msg) (Pane, tea.Cmd) { return p, nil }

// View implements Pane.
func (p *chainPlaceholder) View() string {
	lines := []string{
		p.st.Chain.Header.Render("Option chains"),
		"",
		p.st.Chain.Placeholder.Render("press / to search a symbol (coming with the scanner)"),
		p.st.Chain.Placeholder.Render("tab returns to the connection panes"),
	}
	return strings.Join(lines, "\n")
}

// SetSize implements Pane.
func (p *chainPlaceholder) SetSize(w, h int) { p.w, p.h = w, h }

// Title implements Pane.
func (p *chainPlaceholder) Title() string { return "Chain" }
