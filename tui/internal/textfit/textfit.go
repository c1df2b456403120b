// Package textfit holds the text rules every part of the dashboard draws
// with: fit a (styled) string to a width, cut it with an ellipsis, pad it,
// and make untrusted text safe for one terminal line. Package tui, its panes and its
// screen renderer share them, so a string is measured and cleaned the same
// way wherever it is drawn.
package textfit

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Fit truncates s (which may hold ANSI styles) to w cells and pads it with
// spaces to exactly w cells.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// Truncate shortens s to at most w cells, with an ellipsis.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// JoinFit joins as many leading parts as fit in w cells with sep
// between them; the first part alone is truncated when even it is too
// wide. For summary lines whose later parts matter less.
func JoinFit(parts []string, sep string, w int) string {
	out := ""
	for i, s := range parts {
		next := s
		if i > 0 {
			next = out + sep + s
		}
		if ansi.StringWidth(next) > w {
			break
		}
		out = next
	}
	if out == "" && len(parts) > 0 {
		return Truncate(parts[0], w)
	}
	return out
}

// Column stacks a pane's inside, h lines tall: as many body lines as fit
// above a last line (the status line), blank lines between. The body
// lines must already fit the width.
func Column(body []string, h int, last string) string {
	if h <= 0 {
		return ""
	}
	body = body[:min(len(body), h-1)]
	var b strings.Builder
	b.WriteString(strings.Join(body, "\n"))
	for i := len(body); i < h-1; i++ {
		b.WriteByte('\n')
	}
	if h > 1 {
		b.WriteByte('\n')
	}
	b.WriteString(last)
	return b.String()
}

// PadRight pads s with spaces to w runes (it never cuts). It counts runes,
// not cells: for plain text without wide characters.
func PadRight(s string, w int) string {
	if n := len([]rune(s)); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// Sanitize makes untrusted text (from TWS) safe for one terminal line:
// control characters and escape sequences become spaces, and bytes that
// are not UTF-8 become U+FFFD (a terminal in an 8-bit mode would read a
// stray 0x9b as CSI). conn.Sanitize has cleaned event texts already; this
// is the last guard before the screen, for every text drawn.
func Sanitize(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unsafeRune(r) && r != utf8.RuneError {
			return ' '
		}
		return r // strings.Map writes invalid bytes as U+FFFD
	}, s)
}

// unsafeRune reports C0 and C1 controls, DEL, and undecodable bytes.
func unsafeRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError
}
