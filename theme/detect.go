package theme

import (
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// NoColorEnv reports whether the NO_COLOR convention asks for no colour
// (https://no-color.org: set and non-empty).
func NoColorEnv() bool { return os.Getenv("NO_COLOR") != "" }

// DetectDark decides whether the terminal background is dark. Call it once in
// main, before tea.NewProgram: it may ask the terminal (OSC 11) and read the
// answer from stdin, which must not race with Bubble Tea's input reader.
//
// Cheap answers come first so the terminal is queried only when needed:
// IBWATCH_BACKGROUND=light|dark, then COLORFGBG, then (on a terminal only)
// lipgloss.HasDarkBackground, which termenv bounds with its own timeout and
// skips for screen/tmux/dumb terminals. With NO_COLOR or no terminal the
// answer is "dark" and nothing is queried (it does not matter then).
func DetectDark() bool {
	switch strings.ToLower(os.Getenv("IBWATCH_BACKGROUND")) {
	case "light":
		return false
	case "dark":
		return true
	}
	if dark, ok := colorFGBG(os.Getenv("COLORFGBG")); ok {
		return dark
	}
	if NoColorEnv() || os.Getenv("TERM") == "dumb" || !isTerminal(os.Stdout) || !isTerminal(os.Stdin) {
		return true
	}
	return lipgloss.HasDarkBackground()
}

// colorFGBG interprets COLORFGBG ("fg;bg" or "fg;default;bg"): background
// colours 0–6 and 8 are dark.
func colorFGBG(v string) (dark, ok bool) {
	if v == "" {
		return false, false
	}
	parts := strings.Split(v, ";")
	bg, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		return false, false
	}
	return bg < 7 || bg == 8, true
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
