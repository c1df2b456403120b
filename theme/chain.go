package theme

import "github.com/charmbracelet/lipgloss"

// ChainStyles style the option-chain pane: the symbol search, the chain
// table, the merger-arbitrage lens and the deal form.
//
// Meaning never rests on these colours alone: the pane also marks the
// money line with ▶ ◀, in-the-money sides with •, the best lens rows with
// ★, and states the data quality as a word (LIVE, STALE…).
type ChainStyles struct {
	// Bid and Ask colour the bid and ask cells; InTheMoney is the shading
	// (background) of an in-the-money side.
	Bid, Ask, InTheMoney lipgloss.Style
	// Placeholder is the idle text; Header the column headings.
	Placeholder, Header lipgloss.Style

	// Cell is any other number; the ITM variants add the shading.
	Cell, BidITM, AskITM, CellITM lipgloss.Style
	// Strike is the strike column; Money the strike of the money line.
	Strike, Money lipgloss.Style
	// Rule is the thin lines around the strike column and group headings.
	Rule lipgloss.Style
	// Symbol and Name start the header line; Price is the stock price.
	Symbol, Name, Price lipgloss.Style
	// Label and Value are the "key value" pairs of the header lines.
	Label, Value lipgloss.Style
	// Data-quality badges: the word and glyph on a coloured block.
	Live, Frozen, Delayed, Stale, Waiting lipgloss.Style
	// Deal is the deal line's title; Best marks the best lens rows.
	Deal, Best lipgloss.Style
	// Timing says whether the expiry is before/on/after the close:
	// TimingBad when before (the payoffs need an early close).
	Timing, TimingBad lipgloss.Style
	// Notice, Error and Legend are the status line at the bottom.
	Notice, Error, Legend lipgloss.Style
	// Search results: the selected row, the matched letters and the
	// source word.
	Selected, Match, Source lipgloss.Style
	// Form labels, the focused label and field errors.
	FormLabel, FormFocus, FormError lipgloss.Style
}

// newChainStyles builds the chain pane's styles on renderer r.
func newChainStyles(r *lipgloss.Renderer, p Palette) ChainStyles {
	ns := r.NewStyle
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return ns().Foreground(c) }
	badge := func(c lipgloss.AdaptiveColor) lipgloss.Style {
		return ns().Bold(true).Foreground(p.BadgeText).Background(c).Padding(0, 1)
	}
	itm := func(s lipgloss.Style) lipgloss.Style { return s.Background(p.InTheMoney) }
	return ChainStyles{
		Bid:         fg(p.Bid),
		Ask:         fg(p.Ask),
		InTheMoney:  ns().Background(p.InTheMoney),
		Placeholder: fg(p.Muted),
		Header:      fg(p.Muted).Bold(true),

		Cell:   fg(p.Text),
		BidITM: itm(fg(p.Bid)),
		AskITM: itm(fg(p.Ask)),
		// CellITM also shades the gaps between cells of an ITM side.
		CellITM: itm(fg(p.Text)),
		Strike:  fg(p.Text).Bold(true),
		Money:   fg(p.Accent).Bold(true).Underline(true),
		Rule:    fg(p.Border),
		Symbol:  fg(p.Accent).Bold(true),
		Name:    fg(p.Muted),
		Price:   fg(p.Text).Bold(true),
		Label:   fg(p.Muted),
		Value:   fg(p.Text),

		Live:    badge(p.OK),
		Frozen:  badge(p.Info),
		Delayed: badge(p.Warning),
		Stale:   badge(p.Error),
		Waiting: badge(p.Muted),

		Deal:      fg(p.Accent).Bold(true),
		Best:      fg(p.OK).Bold(true).Underline(true),
		Timing:    fg(p.Text).Bold(true),
		TimingBad: fg(p.Warning).Bold(true),

		Notice: fg(p.Accent),
		Error:  fg(p.Error).Bold(true),
		Legend: fg(p.Faint),

		Selected: ns().Foreground(p.Text).Background(p.Highlight).Bold(true),
		Match:    fg(p.Accent).Bold(true).Underline(true),
		Source:   fg(p.Muted),

		FormLabel: fg(p.Muted),
		FormFocus: fg(p.Accent).Bold(true),
		FormError: fg(p.Error),
	}
}
