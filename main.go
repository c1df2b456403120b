// Command ibwatch watches the API connection to Interactive Brokers TWS / IB
// Gateway, heals it, and shows the night at a glance.
//
// main.go only dispatches subcommands, opens the log file and wires the
// pieces together; settings are parsed in config*.go, the work lives in
// conn/, tui/ and scanner/.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
	_ "time/tzdata" // timezone = "America/New_York" must work on Windows and in scratch containers too

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/link"
	"github.com/ibwatch/ibwatch/conn/obs"
	"github.com/ibwatch/ibwatch/conn/twsim"
	"github.com/ibwatch/ibwatch/scanner"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "link": // hidden: the child process that owns the ibapi client
			return link.Main(os.Stdin, os.Stdout, os.Stderr)
		case "sim":
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return twsim.Main(ctx, args[1:], os.Stdout, os.Stderr)
		case "chain":
			return runChain(args[1:])
		case "scan":
			return runScan(args[1:])
		case "config":
			return runConfig(args[1:], osEnv, os.Stdout, os.Stderr)
		case "version", "--version":
			fmt.Println(obs.Build())
			return 0
		}
	}
	o, code := parseOptions(args, osEnv, os.Stdout, os.Stderr)
	if code >= 0 {
		return code
	}
	return runWatch(o)
}

// openLog sends our log, the standard logger and the link's stderr to a file.
func openLog(o options) (*os.File, *slog.Logger, error) {
	if err := os.MkdirAll(o.stateDir, 0o700); err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(filepath.Dir(o.logFile), 0o700); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(o.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, err
	}
	level := slog.LevelInfo
	if o.debug {
		level = slog.LevelDebug
	}
	lg := slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(lg)
	log.SetOutput(f)
	return f, lg, nil
}

func runWatch(o options) int {
	logf, lg, err := openLog(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ibwatch: cannot open the log file:", err)
		return 1
	}
	defer logf.Close()
	sigCtx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(sigCtx)
	defer cancel()
	lg.Info("ibwatch starting", "version", obs.Build().Version, "config", o.configPath, "configFound", o.configFound)

	cfg := o.cfg
	cfg.Logger = lg
	cfg.LinkStderr = logf
	if o.demo {
		sim, simStop, err := startDemoSim(ctx, lg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "ibwatch: cannot start the demo simulator:", err)
			return 1
		}
		defer simStop()
		cfg.Host, cfg.Port = "127.0.0.1", sim.Port()
		cfg.JournalDir = filepath.Join(o.stateDir, "demo-events")
		o.deals = append(o.deals, demoDeals(sim)...)
	}
	var exp *obs.Exporter
	if o.metricsAddr != "" {
		exp = obs.New()
		cfg.OnEvent = exp.Observe
	}
	sup, err := conn.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ibwatch:", err)
		return 2
	}
	if exp != nil {
		exp.Attach(sup)
		srv, err := obs.Start(ctx, o.metricsAddr, exp.Handler(), lg.With("component", "metrics"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "ibwatch:", err)
			return 1
		}
		defer func() { cancel(); _ = srv.Wait() }()
	}
	if o.headless {
		return runHeadless(ctx, sup, os.Stdout)
	}
	return runTUI(ctx, o, sup, cfg)
}

// runHeadless writes every event as one JSON line on w until ctx ends.
func runHeadless(ctx context.Context, sup *conn.Supervisor, w io.Writer) int {
	done := make(chan error, 1)
	go func() { done <- sup.Run(ctx) }()
	enc := json.NewEncoder(w)
	for ev := range sup.Events() {
		if err := enc.Encode(ev); err != nil {
			break // stdout gone: keep draining so the supervisor can stop
		}
	}
	for range sup.Events() {
	}
	if err := <-done; err != nil {
		slog.Error("supervisor", "err", err)
		return 1
	}
	return 0
}

// startDemoSim runs the simulator in-process with the demo fault schedule.
func startDemoSim(ctx context.Context, lg *slog.Logger) (*twsim.Server, func(), error) {
	sim := twsim.New(twsim.Config{Listen: "127.0.0.1:0", Logger: lg.With("component", "sim")})
	if err := sim.Start(); err != nil {
		return nil, nil, err
	}
	cctx, cancel := context.WithCancel(ctx)
	chaosDone := make(chan struct{})
	go func() {
		defer close(chaosDone)
		twsim.RunChaos(cctx, sim, twsim.ChaosConfig{Seed: time.Now().UnixNano(), Demo: true})
	}()
	return sim, func() { cancel(); <-chaosDone; sim.Close() }, nil
}

// runChain runs `ibwatch chain SYMBOL …` with the config file's endpoint,
// timings and deals (its own flags win: they come after ours).
func runChain(args []string) int {
	args, cfgPath := takeConfigFlag(args)
	c := newCLIFlags("ibwatch chain", io.Discard, false)
	c.config = cfgPath
	s, err := loader{env: osEnv}.load(c)
	if err != nil {
		printConfigErrors(os.Stderr, err)
		return 2
	}
	o := s.options()
	logf, lg, err := openLog(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ibwatch chain: cannot open the log file:", err)
		return 1
	}
	defer logf.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	newSup := func(c conn.Config) (*conn.Supervisor, error) {
		cfg := o.cfg
		cfg.Host, cfg.Port, cfg.ClientIDs = c.Host, c.Port, c.ClientIDs
		cfg.JournalDir = "" // a one-shot fetch is not the watcher's history
		cfg.Logger, cfg.LinkStderr = lg.With("component", "chain"), logf
		return conn.New(cfg)
	}
	return scanner.ChainMain(ctx, chainArgs(s, args), os.Stdout, os.Stderr, newSup)
}
