// Package pane defines what the dashboard's frame needs of a pane: Model,
// one focusable area that the frame sizes, focuses and draws a border
// around. Package tui holds the frame and its own small panes; a pane that
// is an application of its own (tui/chain, tui/scan) implements Model in its own
// package and imports this one, never package tui.
package pane

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
)

// Model is one focusable area of the dashboard (connection, events,
// counters, chain, scan). The root draws the frame around it, so View returns only
// the inside, exactly the size last given to SetSize.
//
// Panes are pointers: SetSize, Focus and Blur change them in place, and
// Update returns the (same or replaced) Model like a tea.Model. Only the
// Bubble Tea goroutine calls these methods.
type Model interface {
	// Init returns the pane's first Cmd, if any.
	Init() tea.Cmd
	// Update handles a message routed to the pane: keys when it has focus,
	// and any message type the pane owns.
	Update(msg tea.Msg) (Model, tea.Cmd)
	// View renders the inside of the pane (no border).
	View() string
	// SetSize sets the inside size in cells.
	SetSize(width, height int)
	// Focus and Blur tell the pane whether it receives keys.
	Focus()
	Blur()
	// Title is the pane's title for its frame, e.g. "Events · ≥warning".
	Title() string
	// Typing reports whether a text input in the pane owns the keyboard; the
	// root then routes every key (but ctrl+c) to the pane.
	Typing() bool
	// KeyMap gives the pane's bindings for help (ShortHelp, FullHelp).
	help.KeyMap
}

// OpenChainMsg asks the dashboard to show a structure's legs in the
// option-chain pane: the root hands it to the chain pane and moves the
// focus there. The scan pane sends it on enter. Expiry is YYYYMMDD ("" =
// the chain's default expiry, e.g. for a stock row); Strikes are the legs'
// option strikes, which the chain marks.
type OpenChainMsg struct {
	Symbol  string
	Expiry  string
	Strikes []float64
}
