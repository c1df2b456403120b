package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/charmbracelet/x/term"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/scanner"
)

// runScan runs `ibwatch scan [SYMBOL...] …` over the config file's deals,
// with its endpoint (flags on the command line win).
func runScan(args []string) int {
	return oneShot("scan", args, func(ctx context.Context, s *settings, args []string, newSup newSupFunc) int {
		pre := []string{"--host", s.Host, "--port", strconv.Itoa(s.Port)}
		// Progress lines only on a terminal: never in a file or a pipe.
		progress := term.IsTerminal(os.Stderr.Fd())
		return scanner.ScanMain(ctx, append(pre, args...), s.Deals, os.Stdout, os.Stderr, progress, newSup)
	})
}

// newSupFunc builds a one-shot command's supervisor for an endpoint.
type newSupFunc = func(conn.Config) (*conn.Supervisor, error)

// oneShot is the frame of a one-shot command (`ibwatch scan`, and the
// same steps as runChain): load the config (--config), log to the log
// file, cancel on SIGINT/SIGTERM, and build supervisors with the config's
// settings for the endpoint the command picks (no journal: a one-shot
// fetch is not the watcher's history).
func oneShot(name string, args []string, run func(ctx context.Context, s *settings, args []string, newSup newSupFunc) int) int {
	args, cfgPath := takeConfigFlag(args)
	c := newCLIFlags("ibwatch "+name, io.Discard, false)
	c.config = cfgPath
	s, err := loader{env: osEnv}.load(c)
	if err != nil {
		printConfigErrors(os.Stderr, err)
		return 2
	}
	o := s.options()
	logf, lg, err := openLog(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ibwatch %s: cannot open the log file: %v\n", name, err)
		return 1
	}
	defer logf.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	newSup := func(c conn.Config) (*conn.Supervisor, error) {
		cfg := o.cfg
		cfg.Host, cfg.Port, cfg.ClientIDs = c.Host, c.Port, c.ClientIDs
		cfg.JournalDir = ""
		cfg.Logger, cfg.LinkStderr = lg.With("component", name), logf
		return conn.New(cfg)
	}
	return run(ctx, s, args, newSup)
}
