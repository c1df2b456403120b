// Command ibwatch watches the API connection to Interactive Brokers TWS / IB
// Gateway, heals it, and shows the night at a glance.
//
// main.go only dispatches subcommands, opens the log file and wires the
// pieces together; the settings come from internal/config, the work lives
// in conn/, tui/ and scanner/.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	"github.com/ibwatch/ibwatch/internal/config"
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
			ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
			defer stop()
			return twsim.Main(ctx, args[1:], os.Stdout, os.Stderr)
		case "chain":
			return runChain(args[1:])
		case "scan":
			return runScan(args[1:])
		case "config":
			return runConfig(args[1:], config.OSEnv{}, os.Stdout, os.Stderr)
		case "ibc":
			return runIBC(args[1:], config.OSEnv{}, os.Stdin, stdinIsTerminal(), os.Stdout, os.Stderr)
		case "version", "--version":
			fmt.Println(obs.Build())
			return 0
		}
	}
	s, m, code := parseWatch(args, config.OSEnv{}, os.Stdout, os.Stderr)
	if code >= 0 {
		return code
	}
	return runWatch(s, m)
}

// stopSignals end ibwatch cleanly: Ctrl-C where the terminal is not in
// raw mode, kill/systemctl stop, and SIGHUP when the terminal closes.
// Only main listens for them (the dashboard runs Bubble Tea without its
// own handler, see runTUI): two listeners for one signal raced, and the
// loser hung the process.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// runWatch watches TWS with the settings s: the dashboard, or with
// m.headless a JSON stream; with m.demo the built-in simulator.
func runWatch(s *config.Settings, m mode) int {
	// Refuse what cannot work before anything is started or written.
	if !m.headless {
		if msg := terminalProblem(os.Stdin, os.Stdout, os.Getenv("TERM")); msg != "" {
			fmt.Fprintln(os.Stderr, "ibwatch:", msg)
			return 2
		}
	}
	sigCtx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	defer stop()
	ctx, cancel := context.WithCancel(sigCtx)
	defer cancel()

	cfg := s.Conn()
	if m.demo {
		cfg.JournalDir = filepath.Join(s.StateDir, "demo-events") // the demo's night is not the user's
	}
	warnings, err := prepareStateDir(s.StateDir, cfg.JournalDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ibwatch: state directory:", err)
		return 1
	}
	lock, err := lockJournal(cfg.JournalDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ibwatch: %v\n", err)
		return lockExitCode(err)
	}
	defer lock.Release()

	logw, lg, err := openLog(s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ibwatch: cannot open the log file:", err)
		return 1
	}
	defer logw.Close()
	lg.Info("ibwatch starting", "version", obs.Build().Version, "config", s.ConfigPath, "configFound", s.ConfigFound)

	cfg.Logger = lg
	// The link's stderr goes through the rotating writer too: os/exec copies
	// it through a pipe, and the copy ends when the link exits (Wait).
	cfg.LinkStderr = logw
	for _, w := range warnings {
		lg.Warn(w)
	}
	startup := startupEvents(warnings)
	if m.demo {
		sim, simStop, err := startDemoSim(ctx, lg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "ibwatch: cannot start the demo simulator:", err)
			return 1
		}
		defer simStop()
		cfg.Host, cfg.Port = "127.0.0.1", sim.Port()
		s.Deals = append(s.Deals, demoDeals(sim)...)
	}
	metricsAddr := s.MetricsListen()
	var exp *obs.Exporter
	if metricsAddr != "" {
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
		srv, err := obs.Start(ctx, metricsAddr, exp.Handler(), lg.With("component", "metrics"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "ibwatch:", err)
			return 1
		}
		defer func() { cancel(); _ = srv.Wait() }()
	}
	if m.headless {
		return runHeadless(ctx, sup, startup, os.Stdout)
	}
	return runTUI(ctx, s, sup, cfg, startup)
}

// runHeadless writes every event as one JSON line on w until ctx ends,
// after the startup events (warnings found before the supervisor ran).
func runHeadless(ctx context.Context, sup *conn.Supervisor, startup []conn.Event, w io.Writer) int {
	done := make(chan error, 1)
	go func() { done <- sup.Run(ctx) }()
	enc := json.NewEncoder(w)
	for _, ev := range startup {
		_ = enc.Encode(ev) // a failure shows again on the first supervisor event
	}
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
