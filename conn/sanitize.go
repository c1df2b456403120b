package conn

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextLen bounds a TWS text after sanitising; longer texts are cut with "…".
const MaxTextLen = 512

// Sanitize makes untrusted text from TWS (or the link) safe for the terminal
// and the log: it removes ANSI/VT escape sequences (CSI, OSC, DCS, and
// two-byte ESC sequences), C0/C1 control characters and DEL, replaces
// invalid UTF-8 with U+FFFD, turns tabs and newlines into spaces, folds runs
// of spaces, and bounds the length.
func Sanitize(s string) string {
	var b strings.Builder
	b.Grow(min(len(s), MaxTextLen+8))
	n := 0 // runes written
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			r = '\uFFFD'
		}
		switch {
		case r == 0x1b: // ESC
			i += skipEscape(s[i:])
			continue
		case r == 0x9b || r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f: // C1 CSI/OSC/DCS/PM/APC
			i += size
			i += skipStringBody(s[i:], r == 0x9b)
			continue
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
			r = ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			i += size
			continue
		case unicode.Is(unicode.Bidi_Control, r) || r == '\u200b' || r == '\u2028' || r == '\u2029' || r == '\ufeff':
			i += size
			continue
		}
		i += size
		if r == ' ' {
			if space || n == 0 {
				continue
			}
			space = true
		} else {
			space = false
		}
		if n >= MaxTextLen {
			b.WriteString("…")
			return strings.TrimRight(b.String(), " ")
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimRight(b.String(), " ")
}

// skipEscape returns the length of the escape sequence at the start of s
// (s[0] is ESC).
func skipEscape(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40–0x7e
		return 2 + skipStringBody(s[2:], true)
	case ']', 'P', '^', '_', 'X': // OSC, DCS, PM, APC, SOS: until BEL or ST
		return 2 + skipStringBody(s[2:], false)
	default: // two-byte sequence (ESC c, ESC 7, ESC ( B …)
		if s[1] >= 0x20 && s[1] <= 0x2f && len(s) >= 3 { // ESC + intermediate + final
			return 3
		}
		return 2
	}
}

// skipStringBody skips a CSI body (csi=true: up to and including the final
// byte) or a control string (up to and including BEL, ESC \ or C1 ST).
func skipStringBody(s string, csi bool) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if csi {
			if c >= 0x40 && c <= 0x7e {
				return i + 1
			}
			if c < 0x20 || c > 0x7e {
				return i
			}
			continue
		}
		switch {
		case c == 0x07:
			return i + 1
		case c == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c: // C1 ST in UTF-8
			return i + 2
		}
	}
	return len(s)
}
