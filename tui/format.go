package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/theme"
	"github.com/ibwatch/ibwatch/tui/internal/textfit"
)

// stateGlyph is the one-cell glyph for a state. Every state also has a word
// (State.String), so meaning never rests on colour.
func stateGlyph(s conn.State) string {
	switch s {
	case conn.StateConnected:
		return "●"
	case conn.StateDegraded:
		return "◐"
	case conn.StateBackoff:
		return "○"
	case conn.StateConnecting:
		return "…"
	case conn.StateStopped:
		return "■"
	default:
		return "◌"
	}
}

// stateLabel is glyph and word, e.g. "● connected".
func stateLabel(s conn.State) string { return stateGlyph(s) + " " + s.String() }

// stateStyle picks the foreground that goes with a state.
func stateStyle(st *theme.Styles, s conn.State) lipgloss.Style {
	switch s {
	case conn.StateConnected:
		return st.OK
	case conn.StateDegraded:
		return st.Warning
	case conn.StateBackoff:
		return st.Error
	case conn.StateConnecting:
		return st.Info
	default:
		return st.Muted
	}
}

// stateBadge is the big state block: glyph and upper-case word.
func stateBadge(st *theme.Styles, s conn.State) string {
	var b lipgloss.Style
	switch s {
	case conn.StateConnected:
		b = st.Badge.Connected
	case conn.StateDegraded:
		b = st.Badge.Degraded
	case conn.StateBackoff:
		b = st.Badge.Down
	case conn.StateConnecting:
		b = st.Badge.Connecting
	case conn.StateStopped:
		b = st.Badge.Stopped
	default:
		b = st.Badge.Idle
	}
	return b.Render(stateGlyph(s) + " " + strings.ToUpper(s.String()))
}

// sevGlyph and sevWord give a severity its glyph and a fixed-width word.
func sevGlyph(s conn.Severity) string {
	switch s {
	case conn.SevWarning:
		return "▲"
	case conn.SevError:
		return "✗"
	case conn.SevConnectivity:
		return "◆"
	default:
		return "·"
	}
}

func sevWord(s conn.Severity) string {
	switch s {
	case conn.SevWarning:
		return "warn"
	case conn.SevError:
		return "error"
	case conn.SevConnectivity:
		return "conn"
	default:
		return "info"
	}
}

func sevStyle(st *theme.Styles, s conn.Severity) lipgloss.Style {
	switch s {
	case conn.SevWarning:
		return st.Log.Warning
	case conn.SevError:
		return st.Log.Error
	case conn.SevConnectivity:
		return st.Log.Connectivity
	default:
		return st.Log.Info
	}
}

// fmtDur formats a duration for humans at a glance: 850µs, 3.1ms, 412ms,
// 4.2s, 1m05s, 6h12m, 2d03h.
func fmtDur(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d == 0:
		return "0s"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d/time.Microsecond)
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%dms", d/time.Millisecond)
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", d/time.Second)
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", d/time.Minute, (d%time.Minute)/time.Second)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", d/time.Hour, (d%time.Hour)/time.Minute)
	default:
		return fmt.Sprintf("%dd%02dh", d/(24*time.Hour), (d%(24*time.Hour))/time.Hour)
	}
}

// fmtAge formats how long something has lasted (or is still to wait),
// rounded down: seconds in the first minute, then minutes (42s, 5m, 6h12m),
// then hours past two days (2d03h). Coarse on purpose: every change of
// the text costs a redraw, and an idle dashboard redraws only when a text
// changes (tick.go: ageUnit must match).
func fmtAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", d/time.Hour, (d%time.Hour)/time.Minute)
	default:
		return fmt.Sprintf("%dd%02dh", d/(24*time.Hour), (d%(24*time.Hour))/time.Hour)
	}
}

// fmtEvery formats a fixed interval: whole seconds as 5s, else as fmtDur
// (200ms, 1.5s).
func fmtEvery(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return fmtSecs(d)
	}
	return fmtDur(d)
}

// fmtSecs formats a countdown in whole seconds (5s, 1m05s): a retry is
// seconds away and the user watches it run.
func fmtSecs(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", max(0, d/time.Second))
	}
	return fmtDur(d.Truncate(time.Second))
}

// wrapWords wraps plain text at spaces into lines of at most w cells; a
// word longer than w is cut.
func wrapWords(s string, w int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
			line += " " + word
		default:
			out = append(out, truncate(line, w))
			line = word
		}
	}
	return append(out, truncate(line, w))
}

// fmtClock formats a time of day; times not on now's day get a weekday.
func fmtClock(t, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.Local()
	n := now.Local()
	if t.Year() == n.Year() && t.YearDay() == n.YearDay() {
		return t.Format("15:04:05")
	}
	return t.Format("Mon 15:04")
}

// fmtPct formats a 0..1 ratio as a percentage, keeping "100%" for exactly 1
// and "0%" for exactly 0. Digits are cut, not rounded: 0.99999 up is not
// "100.00%" (a drop happened) and shows as "99.99%".
func fmtPct(r float64) string {
	switch {
	case math.IsNaN(r):
		return "—"
	case r >= 1:
		return "100%"
	case r <= 0:
		return "0%"
	case r > 0.999:
		return fmt.Sprintf("%.2f%%", floorPct(r, 2))
	default:
		return fmt.Sprintf("%.1f%%", floorPct(r, 1))
	}
}

// floorPct is r (0 < r < 1) as a percentage cut to digits decimals, never
// reaching 100. The 1e-6 (of the last digit) absorbs binary representation
// error, so 0.9995, stored as 0.99949999…, still shows as 99.95.
func floorPct(r float64, digits int) float64 {
	unit := math.Pow(10, float64(digits))
	v := math.Floor(r*100*unit + 1e-6)
	return min(v, 100*unit-1) / unit
}

// fit, truncate, padRight and sanitize are the dashboard's text rules
// (package textfit) under the short names the panes' code uses.
func fit(s string, w int) string      { return textfit.Fit(s, w) }
func truncate(s string, w int) string { return textfit.Truncate(s, w) }
func padRight(s string, w int) string { return textfit.PadRight(s, w) }
func sanitize(s string) string        { return textfit.Sanitize(s) }
