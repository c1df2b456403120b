package theme

import (
	"io"
	"os"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Options decides how styles are built. main.go settles both fields before
// the program starts.
type Options struct {
	// NoColor drops every colour and attribute (NO_COLOR, --no-color):
	// styles render plain text; meaning is carried by words and glyphs.
	NoColor bool
	// Dark selects the dark half of every AdaptiveColor. Use DetectDark.
	Dark bool
	// Output is where the program draws; its colour profile is detected
	// from it (never queried interactively). Nil means os.Stdout.
	Output io.Writer
}

// Styles is every style the dashboard uses, grouped by pane. Build it once
// with New and pass the pointer down; nothing mutates it afterwards.
type Styles struct {
	// NoColor reports whether the styles were built without colour.
	NoColor bool
	// Renderer carries the colour profile and background for all styles.
	Renderer *lipgloss.Renderer
	// Palette is the colours the styles were built from.
	Palette Palette

	// Base styles shared by every pane.
	Text, Muted, Faint, Bold, Accent lipgloss.Style
	// Health foregrounds: the only saturated colours on screen.
	OK, Warning, Error, Info lipgloss.Style

	Header   HeaderStyles
	Badge    BadgeStyles
	Pane     PaneStyles
	Conn     ConnStyles
	Counters CountersStyles
	Timeline TimelineStyles
	Log      LogStyles
	Status   StatusStyles
	Input    InputStyles
	Chain    ChainStyles
	Menu     MenuStyles
	Scan     ScanStyles
	// Help styles the bubbles/help model.
	Help help.Styles
}

// HeaderStyles style the one-line header.
type HeaderStyles struct{ Title, Sep, Label, Value, Clock lipgloss.Style }

// BadgeStyles are the state badges: word and glyph on a coloured block.
type BadgeStyles struct{ Connected, Degraded, Down, Connecting, Idle, Stopped lipgloss.Style }

// PaneStyles style the frames around panes. Focus is shown by the border
// shape (rounded vs thick) as well as its colour, and by a title marker.
type PaneStyles struct {
	Border, FocusedBorder         lipgloss.Style // applied to border characters
	BorderShape, FocusedShape     lipgloss.Border
	Title, FocusedTitle, TitleTag lipgloss.Style
}

// ConnStyles style the connection pane.
type ConnStyles struct {
	Label, Value, Cause, Countdown, Spark, SparkMissed lipgloss.Style
	FarmOK, FarmBroken, FarmInactive, Window, Detail   lipgloss.Style
}

// CountersStyles style the counters pane.
type CountersStyles struct{ Label, Value, Good, Bad, Zero lipgloss.Style }

// TimelineStyles style the 24-hour timeline cells and axis.
type TimelineStyles struct{ Up, Degraded, Down, Unknown, Axis, Now lipgloss.Style }

// LogStyles style the event log.
type LogStyles struct {
	Time, Day, Code, Message, Explain, Window       lipgloss.Style
	Info, Warning, Error, Connectivity              lipgloss.Style
	Previous, Marker, Match, NewBadge, Empty, Query lipgloss.Style
}

// StatusStyles style the status line at the bottom.
type StatusStyles struct{ Bar, Notice, Error, Hint lipgloss.Style }

// MenuStyles style small pop-up menus (the IBC remedies): the chosen row
// carries a ▸ marker as well as its colour.
type MenuStyles struct{ Item, Selected, Key, Detail, Confirm lipgloss.Style }

// InputStyles style text inputs (log search, chain search).
type InputStyles struct{ Prompt, Text, Placeholder, Cursor lipgloss.Style }

// New builds the styles. It never queries the terminal: the background comes
// from opts.Dark, the colour profile from the environment of opts.Output.
func New(opts Options) *Styles {
	out := opts.Output
	if out == nil {
		out = os.Stdout
	}
	r := lipgloss.NewRenderer(out)
	if opts.NoColor {
		r.SetColorProfile(termenv.Ascii)
	}
	r.SetHasDarkBackground(opts.Dark)
	p := DefaultPalette()
	s := &Styles{NoColor: opts.NoColor, Renderer: r, Palette: p}
	ns := r.NewStyle
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return ns().Foreground(c) }

	s.Text = fg(p.Text)
	s.Muted = fg(p.Muted)
	s.Faint = fg(p.Faint)
	s.Bold = ns().Bold(true)
	s.Accent = fg(p.Accent).Bold(true)
	s.OK, s.Warning, s.Error, s.Info = fg(p.OK), fg(p.Warning), fg(p.Error), fg(p.Info)

	s.Header = HeaderStyles{
		Title: fg(p.Accent).Bold(true),
		Sep:   fg(p.Faint),
		Label: fg(p.Muted),
		Value: fg(p.Text),
		Clock: fg(p.Text).Bold(true),
	}
	badge := func(c lipgloss.AdaptiveColor) lipgloss.Style {
		return ns().Bold(true).Foreground(p.BadgeText).Background(c).Padding(0, 1)
	}
	s.Badge = BadgeStyles{
		Connected:  badge(p.OK),
		Degraded:   badge(p.Warning),
		Down:       badge(p.Error),
		Connecting: badge(p.Info),
		Idle:       badge(p.Muted),
		Stopped:    badge(p.Muted),
	}
	s.Pane = PaneStyles{
		Border:        fg(p.Border),
		FocusedBorder: fg(p.FocusBorder),
		BorderShape:   lipgloss.RoundedBorder(),
		FocusedShape:  lipgloss.ThickBorder(),
		Title:         fg(p.Muted).Bold(true),
		FocusedTitle:  fg(p.Accent).Bold(true),
		TitleTag:      fg(p.Muted),
	}
	s.Conn = ConnStyles{
		Label:        fg(p.Muted),
		Value:        fg(p.Text),
		Cause:        fg(p.Text),
		Countdown:    fg(p.Warning).Bold(true),
		Spark:        fg(p.Info),
		SparkMissed:  fg(p.Error).Bold(true),
		FarmOK:       fg(p.OK),
		FarmBroken:   fg(p.Error).Bold(true),
		FarmInactive: fg(p.Muted),
		Window:       fg(p.Warning),
		Detail:       fg(p.Faint),
	}
	s.Counters = CountersStyles{
		Label: fg(p.Muted),
		Value: fg(p.Text).Bold(true),
		Good:  fg(p.OK).Bold(true),
		Bad:   fg(p.Error).Bold(true),
		Zero:  fg(p.Faint),
	}
	s.Timeline = TimelineStyles{
		Up:       fg(p.OK),
		Degraded: fg(p.Warning),
		Down:     fg(p.Error),
		Unknown:  fg(p.Faint),
		Axis:     fg(p.Muted),
		Now:      fg(p.Accent).Bold(true),
	}
	s.Log = LogStyles{
		Time:         fg(p.Muted),
		Day:          fg(p.Accent),
		Code:         fg(p.Muted),
		Message:      fg(p.Text),
		Explain:      fg(p.Muted).Italic(true),
		Window:       fg(p.Warning),
		Info:         fg(p.Info),
		Warning:      fg(p.Warning).Bold(true),
		Error:        fg(p.Error).Bold(true),
		Connectivity: fg(p.Connectivity).Bold(true),
		Previous:     fg(p.Faint),
		Marker:       fg(p.Accent),
		Match:        ns().Background(p.Highlight).Foreground(p.Text).Bold(true).Underline(true),
		NewBadge:     ns().Bold(true).Foreground(p.BadgeText).Background(p.Accent).Padding(0, 1),
		Empty:        fg(p.Faint).Italic(true),
		Query:        fg(p.Accent),
	}
	s.Status = StatusStyles{
		Bar:    fg(p.Muted),
		Notice: fg(p.Accent).Bold(true),
		Error:  fg(p.Error).Bold(true),
		Hint:   fg(p.Faint),
	}
	s.Input = InputStyles{
		Prompt:      fg(p.Accent).Bold(true),
		Text:        fg(p.Text),
		Placeholder: fg(p.Faint),
		Cursor:      fg(p.Accent),
	}
	s.Chain = newChainStyles(r, p)
	s.Menu = MenuStyles{
		Item:     fg(p.Text),
		Selected: fg(p.Accent).Bold(true),
		Key:      fg(p.Accent),
		Detail:   fg(p.Muted),
		Confirm:  fg(p.Warning).Bold(true),
	}
	s.Scan = newScanStyles(r, p)
	s.Help = help.Styles{
		Ellipsis:       fg(p.Faint),
		ShortKey:       fg(p.Accent),
		ShortDesc:      fg(p.Muted),
		ShortSeparator: fg(p.Faint),
		FullKey:        fg(p.Accent),
		FullDesc:       fg(p.Muted),
		FullSeparator:  fg(p.Faint),
	}
	return s
}
