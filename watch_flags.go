package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

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
       ibwatch scan [SYMBOL...]        rank every merger-arb structure of the configured deals (ibwatch scan -h)
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
