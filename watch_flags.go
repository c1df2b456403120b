package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ibwatch/ibwatch/internal/config"
)

// mode is how the watcher runs, from its own flags beside the settings.
type mode struct {
	headless bool // no dashboard: JSON events on stdout
	demo     bool // watch the built-in simulator
}

// parseWatch parses the watcher's command line with the file and the
// environment. code is -1 to go on, else the exit status (0 after --help,
// 2 for bad usage or configuration). The help asked for goes to out (so
// that ibwatch --help | less works); errors go to errOut.
func parseWatch(args []string, env config.Env, out, errOut io.Writer) (*config.Settings, mode, int) {
	f := config.NewFlags("ibwatch", errOut)
	headless := f.Bool("headless", false, "no dashboard: write each event as one JSON line on stdout")
	demo := f.Bool("demo", false, "start the built-in TWS simulator with a fault schedule and watch it")
	err := f.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		s, _ := f.Load(env) // best effort: the paths in the help
		printUsage(out, f, s)
		return nil, mode{}, 0
	}
	if err != nil {
		fmt.Fprintln(errOut, "Run ibwatch --help for the flags.")
		return nil, mode{}, 2
	}
	if f.NArg() > 0 {
		fmt.Fprintf(errOut, "ibwatch: unexpected argument %q (run ibwatch --help)\n", f.Arg(0))
		return nil, mode{}, 2
	}
	s, err := f.Load(env)
	if err != nil {
		config.PrintErrors(errOut, err)
		return nil, mode{}, 2
	}
	return s, mode{headless: *headless, demo: *demo}, -1
}

// printUsage is the watcher's --help: the commands, the flags, and the
// paths of the config file, the log and the journal.
func printUsage(w io.Writer, f *config.Flags, s *config.Settings) {
	fmt.Fprint(w, `Usage: ibwatch [flags]                 watch TWS/Gateway (dashboard)
       ibwatch --headless [flags]      watch; one JSON event per line on stdout
       ibwatch --demo [flags]          watch the built-in simulator, with faults
       ibwatch chain SYMBOL [flags]    print one option chain and exit (ibwatch chain -h)
       ibwatch sim [flags]             run the TWS simulator (ibwatch sim -h)
       ibwatch ibc COMMAND             ask IBC to RECONNECTDATA, RECONNECTACCOUNT or RESTART TWS (ibwatch ibc -h)
       ibwatch config [--init [--force]]  print the effective configuration / write an example file
       ibwatch version

Flags:
`)
	f.SetOutput(w)
	f.PrintDefaults()
	found := "not found"
	if s.ConfigFound {
		found = "found"
	}
	fmt.Fprintf(w, `
Every flag is also a config file key (dashes become underscores) and an
environment variable IBWATCH_<KEY> (e.g. --heartbeat-timeout, heartbeat_timeout,
IBWATCH_HEARTBEAT_TIMEOUT). Flags win over the environment, the environment
over the file.

Config file: %s (%s)
Log file:    %s
Event journal: %s
`, s.ConfigPath, found, s.LogFile, s.JournalDir())
}

// takeConfigFlag removes --config FILE (or --config=FILE) from a
// subcommand's arguments, which its own parser would reject.
func takeConfigFlag(args []string) (rest []string, path string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "config" {
			rest = append(rest, a)
			continue
		}
		if hasVal {
			path = val
		} else if i+1 < len(args) {
			path = args[i+1]
			i++
		}
	}
	return rest, path
}

// chainArgs puts the configured endpoint (and the deal for the symbol, if
// the file has one and the user gave no --deal) in front of the user's
// arguments: the flag parser keeps the last value, so the user's flags win.
// The chain keeps its own client id (191…): the watcher usually holds ours.
func chainArgs(s *config.Settings, args []string) []string {
	pre := []string{"--host", s.Host, "--port", strconv.Itoa(s.Port)}
	sym, hasDeal := "", false
	for i, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case strings.HasPrefix(a, "-") && name == "deal":
			hasDeal = true
		case !strings.HasPrefix(a, "-") && sym == "" && !takesValue(args, i):
			sym = strings.ToUpper(strings.TrimSpace(a))
		}
	}
	for _, d := range s.Deals {
		if d.Symbol != sym || hasDeal {
			continue
		}
		pre = append(pre, "--deal", strconv.FormatFloat(d.Price, 'f', -1, 64))
		if !d.ExpectedClose.IsZero() {
			pre = append(pre, "--close", d.ExpectedClose.Format("2006-01-02"))
		}
		if d.BreakPrice > 0 {
			pre = append(pre, "--break", strconv.FormatFloat(d.BreakPrice, 'f', -1, 64))
		}
	}
	return append(pre, args...)
}

// takesValue reports whether args[i] is the value of the flag before it
// (a "--flag value" pair; --json and --help take none).
func takesValue(args []string, i int) bool {
	if i == 0 {
		return false
	}
	prev := args[i-1]
	if !strings.HasPrefix(prev, "-") || strings.Contains(prev, "=") {
		return false
	}
	switch strings.TrimLeft(prev, "-") {
	case "json", "h", "help":
		return false
	}
	return true
}
