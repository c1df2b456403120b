// Command ibwatch watches the API connection to Interactive Brokers TWS / IB
// Gateway, heals it, and shows the night at a glance.
//
// main.go only parses flags, opens the log file, wires the pieces together
// and dispatches subcommands; the work lives in conn/, tui/ and scanner/.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/link"
	"github.com/ibwatch/ibwatch/conn/twsim"
)

// Set at release time with -X github.com/ibwatch/ibwatch.version=… (see .goreleaser.yaml).
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
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
		case "version", "--version":
			fmt.Printf("ibwatch %s (commit %s, built %s, %s/%s)\n", version, commit, date, runtime.GOOS, runtime.GOARCH)
			return 0
		}
	}
	opts, err := parseFlags(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ibwatch:", err)
		return 2
	}
	return runWatch(opts)
}

// options are the watcher's settings after flags.
type options struct {
	cfg      conn.Config
	headless bool
	demo     bool
	noColor  bool
	bell     bool
	debug    bool
	stateDir string
	logFile  string
}

func parseFlags(args []string, errOut io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("ibwatch", flag.ContinueOnError)
	fs.SetOutput(errOut)
	stateDir := defaultStateDir()
	ids := "101,102,103"
	fs.StringVar(&o.cfg.Host, "host", "127.0.0.1", "TWS/Gateway host")
	fs.IntVar(&o.cfg.Port, "port", 7497, "TWS/Gateway API port (TWS 7497 paper / 7496 live; Gateway 4002 paper / 4001 live)")
	fs.StringVar(&ids, "client-id", ids, "client id, then alternates tried when TWS says an id is in use (comma-separated)")
	fs.DurationVar(&o.cfg.Heartbeat, "heartbeat", 5*time.Second, "send a heartbeat (REQ_CURRENT_TIME) this often")
	fs.DurationVar(&o.cfg.HeartbeatTimeout, "heartbeat-timeout", 5*time.Second, "declare TWS silent after this long without a heartbeat reply")
	fs.DurationVar(&o.cfg.DialTimeout, "dial-timeout", 3*time.Second, "TCP connect deadline")
	fs.DurationVar(&o.cfg.HandshakeTimeout, "handshake-timeout", 5*time.Second, "deadline for TWS's handshake reply and NEXT_VALID_ID")
	fs.DurationVar(&o.cfg.BackoffBase, "backoff-base", 250*time.Millisecond, "first reconnect wait bound")
	fs.DurationVar(&o.cfg.BackoffMax, "backoff-max", 5*time.Second, "reconnect wait cap")
	fs.StringVar(&o.cfg.Schedule.DailyRestart, "daily-restart", "", "TWS auto-restart time HH:MM (local), to label the outage it causes")
	fs.BoolVar(&o.cfg.Schedule.WeeklyRelogin, "weekly-relogin", false, "expect IB's Sunday 01:00 ET session reset (manual re-login)")
	fs.BoolVar(&o.headless, "headless", false, "no dashboard: write each event as one JSON line on stdout")
	fs.BoolVar(&o.demo, "demo", false, "start the built-in TWS simulator with a fault schedule and watch it")
	fs.BoolVar(&o.noColor, "no-color", false, "no colours (NO_COLOR is honoured too)")
	fs.BoolVar(&o.bell, "bell", false, "ring the terminal bell when the link is lost and when it recovers")
	fs.BoolVar(&o.debug, "debug", false, "debug logging")
	fs.StringVar(&stateDir, "state-dir", stateDir, "where the event journal and the log file live")
	fs.Usage = func() {
		fmt.Fprintf(errOut, "Usage: ibwatch [flags]            watch TWS/Gateway (dashboard)\n")
		fmt.Fprintf(errOut, "       ibwatch --headless [flags] watch, one JSON event per line on stdout\n")
		fmt.Fprintf(errOut, "       ibwatch --demo             watch the built-in simulator\n")
		fmt.Fprintf(errOut, "       ibwatch sim [flags]        run the TWS simulator (see ibwatch sim -h)\n")
		fmt.Fprintf(errOut, "       ibwatch version\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(errOut, "\nLog file: %s\n", filepath.Join(stateDir, "ibwatch.log"))
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (see ibwatch -h)", fs.Arg(0))
	}
	for _, f := range strings.Split(ids, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return o, fmt.Errorf("--client-id %q: %q is not a number", ids, f)
		}
		o.cfg.ClientIDs = append(o.cfg.ClientIDs, id)
	}
	o.stateDir = stateDir
	o.logFile = filepath.Join(stateDir, "ibwatch.log")
	o.cfg.JournalDir = filepath.Join(stateDir, "events")
	if o.noColor || os.Getenv("NO_COLOR") != "" {
		o.noColor = true
	}
	cfg := o.cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return o, err
	}
	return o, cfg.Schedule.Validate()
}

// defaultStateDir is $XDG_STATE_HOME/ibwatch (~/.local/state/ibwatch) on
// Unix, the user cache/config dir elsewhere.
func defaultStateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "ibwatch")
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "freebsd" || runtime.GOOS == "openbsd" {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, ".local", "state", "ibwatch")
		}
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "ibwatch")
	}
	return "ibwatch-state"
}

// openLog sends our log, the standard logger and the link's stderr to a file.
func openLog(o options) (*os.File, *slog.Logger, error) {
	if err := os.MkdirAll(o.stateDir, 0o700); err != nil {
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

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
	}
	sup, err := conn.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ibwatch:", err)
		return 2
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
		<-cctx.Done() // CHAOS-TODO: twsim.RunChaos(cctx, sim, twsim.ChaosConfig{Seed: time.Now().UnixNano(), Demo: true})
	}()
	return sim, func() { cancel(); <-chaosDone; sim.Close() }, nil
}
