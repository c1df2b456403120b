package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/charmbracelet/x/term"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/internal/config"
	"github.com/ibwatch/ibwatch/scanner"
)

// runChain runs `ibwatch chain SYMBOL …` with the config file's endpoint,
// timings and deals (its own flags win).
func runChain(args []string) int {
	c := &oneShot{name: "chain", env: config.OSEnv{}}
	defer c.close()
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	defer stop()
	return scanner.ChainMain(ctx, args, os.Stdout, os.Stderr, c.configure)
}

// runScan runs `ibwatch scan [SYMBOL...] …` over the config file's deals,
// with its endpoint and its [scan] defaults (flags on the command line win).
func runScan(args []string) int {
	c := &oneShot{name: "scan", env: config.OSEnv{}}
	defer c.close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Progress lines only on a terminal: never in a file or a pipe.
	progress := term.IsTerminal(os.Stderr.Fd())
	return scanner.ScanMain(ctx, args, os.Stdout, os.Stderr, progress, c.configure)
}

// oneShot gives a one-shot command (`ibwatch chain`, `ibwatch scan`) its
// configuration once its command line has parsed: the settings of the
// file its --config names, the log file, and supervisors with the
// configured timings for the endpoint the command picks (no journal: a
// one-shot fetch is not the watcher's history).
type oneShot struct {
	name string
	env  config.Env
	logw io.Closer // the log file, once open
}

// configure implements scanner.Configure.
func (c *oneShot) configure(path string) (scanner.Defaults, int) {
	var args []string // the command line of config.Load: only --config
	if path != "" {
		args = []string{"--config", path}
	}
	s, err := config.Load(args, c.env)
	if err != nil {
		config.PrintErrors(os.Stderr, err)
		return scanner.Defaults{}, scanner.ExitUsage
	}
	logw, lg, err := openLog(s)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ibwatch %s: cannot open the log file: %v\n", c.name, err)
		return scanner.Defaults{}, scanner.ExitFailure
	}
	c.logw = logw
	newSup := func(ep conn.Config) (*conn.Supervisor, error) {
		cfg := s.Conn()
		cfg.Host, cfg.Port, cfg.ClientIDs = ep.Host, ep.Port, ep.ClientIDs
		cfg.JournalDir = ""
		cfg.Logger, cfg.LinkStderr = lg.With("component", c.name), logw
		return conn.New(cfg)
	}
	return scanner.Defaults{Host: s.Host, Port: s.Port, Deals: s.Deals, NewSup: newSup,
		Selection: s.Scan.Selection, PerDeal: s.PerDeal(), Sort: s.Scan.Sort, Filter: s.Scan.Filter}, scanner.ExitOK
}

// close closes the log file, if configure opened it.
func (c *oneShot) close() {
	if c.logw != nil {
		_ = c.logw.Close()
	}
}
