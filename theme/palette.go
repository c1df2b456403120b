// Package theme holds every colour and lipgloss style ibwatch draws with.
//
// Colours have semantic names (text, muted, ok, warning…) and are light/dark
// pairs; the background is decided once, before the program starts, and
// baked into a Renderer so nothing queries the terminal while Bubble Tea
// owns it. The tui package receives a *Styles and never builds styles of its
// own.
package theme

import "github.com/charmbracelet/lipgloss"

// Palette is the set of semantic colours. Each is an AdaptiveColor: Light is
// used on light terminals, Dark on dark ones.
type Palette struct {
	Text         lipgloss.AdaptiveColor // body text
	Muted        lipgloss.AdaptiveColor // secondary text: labels, timestamps, explanations
	Faint        lipgloss.AdaptiveColor // tertiary: previous session, axis marks
	Border       lipgloss.AdaptiveColor // unfocused pane borders
	FocusBorder  lipgloss.AdaptiveColor // the focused pane's border
	Accent       lipgloss.AdaptiveColor // titles, key names in help
	OK           lipgloss.AdaptiveColor // connected, farm ok
	Warning      lipgloss.AdaptiveColor // degraded, warnings
	Error        lipgloss.AdaptiveColor // down, errors
	Info         lipgloss.AdaptiveColor // connecting, informational events
	Connectivity lipgloss.AdaptiveColor // connectivity-class TWS messages
	Highlight    lipgloss.AdaptiveColor // background of search matches
	BadgeText    lipgloss.AdaptiveColor // text on a coloured state badge
	Bid          lipgloss.AdaptiveColor // chain: bid side
	Ask          lipgloss.AdaptiveColor // chain: ask side
	InTheMoney   lipgloss.AdaptiveColor // chain: in-the-money strikes background
}

// DefaultPalette returns ibwatch's colours: calm greys for chrome, and
// saturated green/amber/red reserved for connection health so that health is
// the first thing the eye finds.
func DefaultPalette() Palette {
	return Palette{
		Text:         lipgloss.AdaptiveColor{Light: "#1F2328", Dark: "#E6E6E6"},
		Muted:        lipgloss.AdaptiveColor{Light: "#6E7781", Dark: "#9CA3AF"},
		Faint:        lipgloss.AdaptiveColor{Light: "#A0A7B0", Dark: "#5C6370"},
		Border:       lipgloss.AdaptiveColor{Light: "#C8CDD3", Dark: "#3F4550"},
		FocusBorder:  lipgloss.AdaptiveColor{Light: "#7C3AED", Dark: "#A78BFA"},
		Accent:       lipgloss.AdaptiveColor{Light: "#6D28D9", Dark: "#C4B5FD"},
		OK:           lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#4ADE80"},
		Warning:      lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#FBBF24"},
		Error:        lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#F87171"},
		Info:         lipgloss.AdaptiveColor{Light: "#0969DA", Dark: "#60A5FA"},
		Connectivity: lipgloss.AdaptiveColor{Light: "#BC4C00", Dark: "#FB923C"},
		Highlight:    lipgloss.AdaptiveColor{Light: "#FFF8C5", Dark: "#5B4A00"},
		BadgeText:    lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#111827"},
		Bid:          lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#4ADE80"},
		Ask:          lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#F87171"},
		InTheMoney:   lipgloss.AdaptiveColor{Light: "#EEF2FF", Dark: "#1E1B4B"},
	}
}
