package theme

import "github.com/charmbracelet/lipgloss"

// ScanStyles style the merger-arb scan pane: the ranked table of every
// structure of every deal, its progress bar and the selected row's detail.
//
// Meaning never rests on colour alone: ranked rows carry their rank and
// the best one a ★, unranked rows say why in the detail line, the sort
// column's heading carries ▼, and the selected row a ▶.
type ScanStyles struct {
	// Header is the column headings; Sorted the heading of the sort key.
	Header, Sorted lipgloss.Style
	// Cell is a ranked row's figures; Unranked a row never ranked (unpriced,
	// a loss, an unknown or pre-close timing); Loss a negative figure.
	Cell, Unranked, Loss lipgloss.Style
	// Symbol is the deal column; Best the ★ and the rank of row 1.
	Symbol, Best lipgloss.Style
	// Selected is the row under the cursor.
	Selected lipgloss.Style
	// Label and Value are the summary and detail lines' pairs.
	Label, Value lipgloss.Style
	// Bar and BarEmpty draw the progress bar.
	Bar, BarEmpty lipgloss.Style
	// Notice, Error and Legend are the status line at the bottom;
	// Placeholder the idle text.
	Notice, Error, Legend, Placeholder lipgloss.Style
}

// newScanStyles builds the scan pane's styles on renderer r.
func newScanStyles(r *lipgloss.Renderer, p Palette) ScanStyles {
	ns := r.NewStyle
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return ns().Foreground(c) }
	return ScanStyles{
		Header:      fg(p.Muted).Bold(true),
		Sorted:      fg(p.Accent).Bold(true),
		Cell:        fg(p.Text),
		Unranked:    fg(p.Faint),
		Loss:        fg(p.Error),
		Symbol:      fg(p.Accent).Bold(true),
		Best:        fg(p.OK).Bold(true),
		Selected:    ns().Foreground(p.Text).Background(p.Highlight).Bold(true),
		Label:       fg(p.Muted),
		Value:       fg(p.Text),
		Bar:         fg(p.Accent),
		BarEmpty:    fg(p.Faint),
		Notice:      fg(p.Accent),
		Error:       fg(p.Error).Bold(true),
		Legend:      fg(p.Faint),
		Placeholder: fg(p.Muted),
	}
}
