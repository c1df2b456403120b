package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/ibwatch/ibwatch/internal/config"
)

// runConfig is `ibwatch config [--init [--force]] [flags]`.
func runConfig(args []string, env config.Env, stdout, stderr io.Writer) int {
	f := config.NewFlags("ibwatch config", stderr)
	initFile := f.Bool("init", false, "write a commented example config file (to --config, or the default path)")
	force := f.Bool("force", false, "with --init: replace an existing file")
	err := f.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, "Usage: ibwatch config [--init [--force]] [--config FILE] [flags]\n\n"+
			"Prints the effective configuration, each value with where it came from\n"+
			"(default, file:line, env VAR or flag --x); with --init writes a commented example.\n\nFlags:\n")
		f.SetOutput(stdout)
		f.PrintDefaults()
		return 0
	}
	if err != nil {
		return 2
	}
	if f.NArg() > 0 {
		fmt.Fprintf(stderr, "ibwatch config: unexpected argument %q\n", f.Arg(0))
		return 2
	}
	if *initFile {
		path := f.Path(env)
		if err := config.WriteExample(path, *force); err != nil {
			fmt.Fprintln(stderr, "ibwatch config:", err)
			return 1
		}
		fmt.Fprintln(stdout, "wrote", path)
		return 0
	}
	s, err := f.Load(env)
	if err != nil {
		config.PrintErrors(stderr, err)
		return 2
	}
	if err := s.WriteEffective(stdout); err != nil {
		return 1
	}
	return 0
}
