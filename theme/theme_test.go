package theme

import (
	"bytes"
	"strings"
	"testing"

	"github.com/muesli/termenv"
)

func TestNoColorRendersPlainText(t *testing.T) {
	s := New(Options{NoColor: true, Dark: true, Output: &bytes.Buffer{}})
	for name, got := range map[string]string{
		"badge": s.Badge.Connected.Render("● CONNECTED"),
		"match": s.Log.Match.Render("1100"),
		"error": s.Log.Error.Render("✗ error"),
	} {
		if strings.Contains(got, "\x1b") {
			t.Errorf("%s has escape codes: %q", name, got)
		}
	}
	// Badges keep their padding: the word stands out without colour.
	if got := s.Badge.Down.Render("○ BACKOFF"); got != " ○ BACKOFF " {
		t.Errorf("badge %q", got)
	}
}

func TestBackgroundPicksAdaptiveHalf(t *testing.T) {
	render := func(dark bool) string {
		s := New(Options{Dark: dark, Output: &bytes.Buffer{}})
		s.Renderer.SetColorProfile(termenv.TrueColor)
		return s.OK.Render("ok")
	}
	dark, light := render(true), render(false)
	if !strings.Contains(dark, "\x1b[") || dark == light {
		t.Fatalf("dark %q light %q", dark, light)
	}
}

func TestColorFGBG(t *testing.T) {
	tests := []struct {
		in       string
		dark, ok bool
	}{
		{"15;0", true, true},
		{"0;15", false, true},
		{"12;default;8", true, true},
		{"0;7", false, true},
		{"", false, false},
		{"junk", false, false},
	}
	for _, tc := range tests {
		dark, ok := colorFGBG(tc.in)
		if dark != tc.dark || ok != tc.ok {
			t.Errorf("colorFGBG(%q) = %v,%v want %v,%v", tc.in, dark, ok, tc.dark, tc.ok)
		}
	}
}

func TestDetectDarkHonoursOverrideWithoutQuery(t *testing.T) {
	t.Setenv("IBWATCH_BACKGROUND", "light")
	if DetectDark() {
		t.Fatal("override light ignored")
	}
	t.Setenv("IBWATCH_BACKGROUND", "")
	t.Setenv("COLORFGBG", "0;15")
	if DetectDark() {
		t.Fatal("COLORFGBG light ignored")
	}
	// Tests do not run on a terminal: no query, dark by default.
	t.Setenv("COLORFGBG", "")
	if !DetectDark() {
		t.Fatal("non-terminal default should be dark")
	}
}
