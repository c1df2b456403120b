package main

import (
	"os"

	"github.com/charmbracelet/x/term"
)

// terminalProblem says why the dashboard cannot run on these files and
// this TERM ("" if it can). Checked before anything starts: with stdout
// piped the dashboard wrote escape codes into the pipe, with stdin from a
// file Bubble Tea failed with a cancel-reader error, and TERM=dumb got
// full-screen cursor addressing it cannot show.
func terminalProblem(in, out *os.File, termEnv string) string {
	switch {
	case !term.IsTerminal(out.Fd()):
		return "stdout is not a terminal; use --headless"
	case !term.IsTerminal(in.Fd()):
		return "stdin is not a terminal; use --headless"
	case termEnv == "dumb":
		return "TERM=dumb cannot show the dashboard; use --headless"
	}
	return ""
}
