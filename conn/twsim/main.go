package twsim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
)

// simFlags are the `ibwatch sim` options.
type simFlags struct {
	listen, control string
	version         int
	seed            int64
	chaos           bool
	chaosGap        time.Duration
	noDemo          bool
	allowRemote     bool
	accounts        string
	maxLines        int
	tick            time.Duration
	snapshotWait    time.Duration
	debug           bool
	ibc             string // IBC command server address ("" = none)
	ibcDataLost     bool
	portfolio       string
	start           string
}

func parseSimFlags(args []string, stderr io.Writer) (simFlags, error) {
	var f simFlags
	fs := flag.NewFlagSet("ibwatch sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:7497", "TWS API `address` (loopback only unless --allow-remote)")
	fs.StringVar(&f.control, "control", "127.0.0.1:7490", "HTTP control API `address`; empty disables it")
	fs.IntVar(&f.version, "server-version", DefaultServerVersion, "highest server version to negotiate (100..200; stoqey/ib needs ≤193)")
	fs.Int64Var(&f.seed, "seed", 1, "price walk and chaos seed")
	fs.BoolVar(&f.chaos, "chaos", false, "apply a seeded random schedule of faults (front-loaded demo first)")
	fs.DurationVar(&f.chaosGap, "chaos-gap", 45*time.Second, "mean quiet time between random chaos faults")
	fs.BoolVar(&f.noDemo, "chaos-no-demo", false, "skip the front-loaded demo faults of --chaos")
	fs.BoolVar(&f.allowRemote, "allow-remote", false, "allow non-loopback listen addresses (no authentication!)")
	fs.StringVar(&f.accounts, "accounts", DefaultAccount, "comma-separated managed accounts")
	fs.IntVar(&f.maxLines, "max-lines", DefaultMaxLines, "market-data lines per client before error 101")
	fs.DurationVar(&f.tick, "tick", DefaultTickInterval, "streaming update period")
	fs.DurationVar(&f.snapshotWait, "snapshot-wait", 0, "delay before TICK_SNAPSHOT_END (real TWS: about 11s)")
	fs.BoolVar(&f.debug, "debug", false, "log every session at debug level")
	fs.StringVar(&f.ibc, "ibc", "", "also simulate IBC's command server on `address` (e.g. 127.0.0.1:7462; loopback only unless --allow-remote)")
	fs.BoolVar(&f.ibcDataLost, "ibc-data-lost", false, "IBC's RECONNECTACCOUNT ends an IB link loss with 1101 (data lost) instead of 1102")
	fs.StringVar(&f.start, "start", "",
		"run the simulated clock from this New York `time` (\"2026-03-11 10:00\"), e.g. to test trading hours at night; default: the real clock")
	fs.StringVar(&f.portfolio, "portfolio", "default",
		"simulated paper account: `spec` like cash=250000,AAPL=100@185.5,SPY=-20; none = cash only; default = $1M and a few positions")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ibwatch sim [flags]\n\nA TWS API simulator with fault controls, for testing ibwatch and other TWS clients.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected argument %q", clipText(fs.Arg(0)))
	}
	return f, f.check()
}

// check refuses values the simulator would otherwise replace by a default
// without a word (0, negative) or that make it useless (a 1ns tick keeps a
// core busy sending prices).
func (f *simFlags) check() error {
	if err := firstErr(
		inRange("--tick", f.tick, 10*time.Millisecond, time.Minute,
			"shorter keeps a CPU core busy sending prices; real TWS updates a line a few times a second"),
		inRange("--max-lines", f.maxLines, 1, 10000,
			"TWS allows 100 by default, more with quote booster packs"),
		inRange("--snapshot-wait", f.snapshotWait, 0, time.Minute, "real TWS waits about 11s"),
		inRange("--chaos-gap", f.chaosGap, time.Second, 24*time.Hour,
			"shorter gives a client no quiet time to recover between faults"),
	); err != nil {
		return err
	}
	ids := splitList(f.accounts)
	if len(ids) == 0 || len(ids) > maxAccounts {
		return fmt.Errorf("--accounts: want 1..%d comma-separated account ids, got %d", maxAccounts, len(ids))
	}
	for _, id := range ids {
		if !accountID(id) {
			return fmt.Errorf("--accounts: %q is not an IB account id (letters and digits, at most %d, e.g. DU1234567)",
				clipText(id), maxAccountLen)
		}
	}
	f.accounts = strings.Join(ids, ",")
	return nil
}

// Limits of --accounts: TWS sends the list in one MANAGED_ACCTS field.
const (
	maxAccounts   = 100
	maxAccountLen = 20
)

// accountID reports whether s looks like an IB account id (DU1234567,
// U7654321, F1234567): ASCII letters and digits only, so it is safe to
// print and to put in a protocol field.
func accountID(s string) bool {
	if s == "" || len(s) > maxAccountLen {
		return false
	}
	for _, r := range s {
		if !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// inRange says why v is outside lo..hi, or nil. what names the flag or
// parameter; why is the reason for the bounds.
func inRange[T int | int64 | time.Duration](what string, v, lo, hi T, why string) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s=%v: want %v..%v (%s)", what, v, lo, hi, why)
	}
	return nil
}

// checkLoopback refuses addresses that are not loopback unless allowed.
func checkLoopback(what, addr string, allow bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s address %q: %v", what, addr, err)
	}
	if allow {
		return nil
	}
	ip := net.ParseIP(host)
	if host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	shown := host
	if shown == "" {
		shown = "every interface"
	}
	return fmt.Errorf("refusing to listen for %s on %s (%s): not a loopback address, and the simulator has no "+
		"authentication; pass --allow-remote to do it anyway", what, addr, shown)
}

// Main runs `ibwatch sim ARGS...` until ctx ends; it returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseSimFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "ibwatch sim:", err)
		return 2
	}
	if err := checkLoopback("the TWS API", f.listen, f.allowRemote); err != nil {
		fmt.Fprintln(stderr, "ibwatch sim:", err)
		return 2
	}
	if f.control != "" {
		if err := checkLoopback("the control API", f.control, f.allowRemote); err != nil {
			fmt.Fprintln(stderr, "ibwatch sim:", err)
			return 2
		}
	}
	if f.ibc != "" {
		if err := checkLoopback("IBC commands", f.ibc, f.allowRemote); err != nil {
			fmt.Fprintln(stderr, "ibwatch sim:", err)
			return 2
		}
	}
	if f.version < 100 || f.version > 200 {
		fmt.Fprintf(stderr, "ibwatch sim: --server-version %d: want 100..200 (the classic text protocol)\n", f.version)
		return 2
	}
	level := slog.LevelInfo
	if f.debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: stderr}, &slog.HandlerOptions{Level: level}))
	cfg := Config{
		Listen: f.listen, ServerVersion: f.version, Seed: f.seed, Accounts: splitList(f.accounts),
		MaxLines: f.maxLines, TickInterval: f.tick, SnapshotWait: f.snapshotWait, Logger: logger,
	}
	if f.portfolio != "default" {
		p, err := ParsePortfolio(f.portfolio, market.Default())
		if err != nil {
			fmt.Fprintln(stderr, "ibwatch sim: --portfolio:", err)
			return 2
		}
		cfg.Portfolio = &p
	}
	if f.start != "" {
		t0, err := time.ParseInLocation("2006-01-02 15:04", f.start, market.Eastern())
		if err != nil {
			fmt.Fprintf(stderr, "ibwatch sim: --start %q: want New York time as \"2006-01-02 15:04\"\n", f.start)
			return 2
		}
		began := time.Now()
		cfg.Now = func() time.Time { return t0.Add(time.Since(began)) }
	}
	s := New(cfg)
	if err := s.Start(); err != nil {
		fmt.Fprintln(stderr, "ibwatch sim:", err)
		return 1
	}
	defer s.Close()
	var ibc *IBC
	if f.ibc != "" {
		if ibc, err = s.StartIBC(IBCConfig{Listen: f.ibc, DataLost: f.ibcDataLost}); err != nil {
			fmt.Fprintln(stderr, "ibwatch sim:", err)
			return 1
		}
		defer ibc.Close()
	}

	var wg sync.WaitGroup
	defer wg.Wait()
	ctrlURL := ""
	if f.control != "" {
		ln, err := net.Listen("tcp", f.control)
		if err != nil {
			fmt.Fprintln(stderr, "ibwatch sim: control API:", err)
			return 1
		}
		ctrlURL = "http://" + ln.Addr().String()
		srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("control API stopped", "err", err)
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}
	ibcAddr := ""
	if ibc != nil {
		ibcAddr = ibc.Addr()
	}
	printBanner(stdout, s, f, ctrlURL, ibcAddr)
	if f.chaos {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		wg.Add(1)
		go func() {
			defer wg.Done()
			RunChaos(cctx, s, ChaosConfig{Seed: f.seed, MeanGap: f.chaosGap, Demo: !f.noDemo})
		}()
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "ibwatch sim: stopping")
	return 0
}

// printBanner tells the user where things are and how to break them.
func printBanner(w io.Writer, s *Server, f simFlags, ctrl, ibcAddr string) {
	fmt.Fprintf(w, "ibwatch sim: TWS API simulator (server version cap %d, seed %d, accounts %s)\n",
		f.version, f.seed, f.accounts)
	fmt.Fprintf(w, "  API listening on %s   (point ibwatch or any TWS API client here)\n", s.Addr())
	if ibcAddr != "" {
		fmt.Fprintf(w, "  IBC command server on %s   (try: ibwatch ibc --ibc-address %s RECONNECTDATA)\n", ibcAddr, ibcAddr)
	}
	if ctrl == "" {
		fmt.Fprintln(w, "  control API disabled")
	} else {
		fmt.Fprintf(w, "  control API on %s   (GET %s/ lists every endpoint)\n", ctrl, ctrl)
		fmt.Fprintln(w, "Examples:")
		for _, ex := range []string{
			"curl -s " + ctrl + "/state",
			"curl -X POST '" + ctrl + "/fault/stall?on=true'",
			"curl -X POST '" + ctrl + "/fault/restart?down=8s'",
			"curl -X POST " + ctrl + "/fault/iblink/lost",
			"curl -X POST '" + ctrl + "/fault/iblink/restored?kept=false'",
			"curl -X POST " + ctrl + "/fault/clear",
		} {
			fmt.Fprintln(w, "  "+ex)
		}
	}
	if f.chaos {
		demo := "demo faults in the first 2 minutes, then random"
		if f.noDemo {
			demo = "random"
		}
		fmt.Fprintf(w, "Chaos: on (seed %d, %s, mean gap %v); faults are logged to stderr\n", f.seed, demo, f.chaosGap)
	}
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p under the lock.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
