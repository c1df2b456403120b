package textfit

import (
	"testing"
	"unicode/utf8"
)

// Whatever reaches the screen is one line of printable UTF-8: no control
// byte a terminal would act on, in UTF-8 or in an 8-bit mode.
func TestSanitizeLeavesNothingATerminalActsOn(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text · ünïcode", "plain text · ünïcode"},
		{"a\x1b[2Jb", "a [2Jb"},
		{"bell\a tab\t nl\n", "bell  tab  nl "},
		{"raw C1 \x9b31m", "raw C1 \uFFFD31m"},
		{"encoded C1 \u009b31m", "encoded C1  31m"},
		{"cut \xe2\x82", "cut \uFFFD\uFFFD"},
		{"kept \uFFFD", "kept \uFFFD"},
	}
	for _, tc := range tests {
		got := Sanitize(tc.in)
		if got != tc.want {
			t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("sanitize(%q) = %q: not UTF-8", tc.in, got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("sanitize(%q) = %q keeps control %U", tc.in, got, r)
			}
		}
	}
}
