package conn

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "Market data farm connection is OK:usfarm", "Market data farm connection is OK:usfarm"},
		{"csi colour", "\x1b[31mred\x1b[0m text", "red text"},
		{"csi clear screen", "a\x1b[2Jb\x1b[H", "ab"},
		{"osc title bel", "x\x1b]0;pwned\x07y", "xy"},
		{"osc title st", "x\x1b]2;pwned\x1b\\y", "xy"},
		{"dcs", "x\x1bPq#0;2;0;0;0\x1b\\y", "xy"},
		{"c1 csi", "a\u009b31mb", "ab"},
		{"controls", "a\x00b\x07c\x08d\x7fe", "abcde"},
		{"newlines to spaces", "line1\nline2\r\nline3\ttab", "line1 line2 line3 tab"},
		{"invalid utf8", "bad\xff\xfebytes", "bad\uFFFD\uFFFDbytes"},
		{"bidi override", "abc\u202edef", "abcdef"},
		{"two-byte esc", "a\x1bcb\x1b7c", "abc"},
		{"unterminated csi", "a\x1b[31", "a"},
		{"spaces folded", "  a   b  ", "a b"},
		{"unicode kept", "Société Générale – ok", "Société Générale – ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Sanitize(c.in); got != c.want {
				t.Fatalf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestSanitizeBoundsLength(t *testing.T) {
	got := Sanitize(strings.Repeat("x", 10000))
	if n := utf8.RuneCountInString(got); n != MaxTextLen+1 || !strings.HasSuffix(got, "…") {
		t.Fatalf("long text: %d runes, suffix %q", n, got[len(got)-4:])
	}
}

// FuzzSanitize: whatever TWS sends, nothing that reaches the terminal may
// contain an escape or control character, or invalid UTF-8.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"\x1b[31mred", "\x1b]0;t\x07", "ok", "\xff", "\u009b1m", "a\x1b", "\x1bP\x1b\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", in, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("control %U survived in %q (from %q)", r, out, in)
			}
		}
		if utf8.RuneCountInString(out) > MaxTextLen+1 {
			t.Fatalf("too long: %d", utf8.RuneCountInString(out))
		}
		if Sanitize(out) != out {
			t.Fatalf("not idempotent: %q → %q", out, Sanitize(out))
		}
	})
}
