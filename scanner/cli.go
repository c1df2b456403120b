package scanner

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// Exit statuses of `ibwatch chain`.
const (
	ExitOK          = 0
	ExitFailure     = 1 // anything else (e.g. TWS stopped answering mid-way)
	ExitUsage       = 2 // bad flags, unknown symbol, no options, unknown expiry
	ExitUnreachable = 3 // TWS could not be reached or was lost
)

// chainOptions are the parsed flags of `ibwatch chain`.
type chainOptions struct {
	symbol  string
	expiry  string
	strikes int
	deal    Deal
	hasDeal bool
	json    bool
	ep      endpoint
	wait    time.Duration
}

const chainUsage = `usage: ibwatch chain SYMBOL [flags]

Prints the option chain of SYMBOL for one expiry and exits.

Exit status: 0 printed; 2 bad usage, unknown symbol, no listed options or
unknown expiry; 3 TWS unreachable (or lost); 1 anything else.

Flags:
`

// parseChainArgs parses SYMBOL and the flags, in any order.
func parseChainArgs(args []string, stderr io.Writer) (chainOptions, error) {
	o := chainOptions{}
	fs := newFlagSet("chain", chainUsage, stderr)
	fs.StringVar(&o.expiry, "expiry", "", "expiry `YYYYMMDD` (default: the nearest, or the first on/after the deal's close)")
	fs.IntVar(&o.strikes, "strikes", DefaultStrikes, "number of strikes around the money (each costs 2 market-data lines)")
	dealPrice := fs.Float64("deal", 0, "cash deal `PRICE`: adds the merger-arbitrage lens")
	closeDate := fs.String("close", "", "the deal's expected close `YYYY-MM-DD` (with --deal)")
	breakPrice := fs.Float64("break", 0, "the deal's break `PRICE` (with --deal)")
	fs.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	o.ep.register(fs, 191)
	fs.DurationVar(&o.wait, "wait", 10*time.Second, "how long to wait for every line's first quote")
	pos, err := parseAll(fs, args)
	if err != nil {
		return o, err
	}
	if len(pos) != 1 {
		fs.Usage()
		return o, fmt.Errorf("want exactly one SYMBOL, got %d arguments", len(pos))
	}
	if o.symbol = cleanSymbol(pos[0]); o.symbol == "" {
		return o, fmt.Errorf("%q is not a symbol", pos[0])
	}
	if o.expiry != "" {
		if _, ok := parseExpiry(o.expiry); !ok || len(o.expiry) != 8 {
			return o, fmt.Errorf("--expiry %q: want YYYYMMDD", o.expiry)
		}
	}
	if o.strikes < 1 {
		return o, fmt.Errorf("--strikes %d: want at least 1", o.strikes)
	}
	if *dealPrice != 0 || *closeDate != "" || *breakPrice != 0 {
		if !price(*dealPrice).OK {
			return o, errors.New("--deal: want a positive price (--close and --break need --deal)")
		}
		o.hasDeal = true
		o.deal = Deal{Symbol: o.symbol, Price: *dealPrice}
		if *breakPrice != 0 {
			if !price(*breakPrice).OK {
				return o, fmt.Errorf("--break %v: want a positive price", *breakPrice)
			}
			o.deal.BreakPrice = *breakPrice
		}
		if *closeDate != "" {
			t, err := parseDate(*closeDate)
			if err != nil {
				return o, fmt.Errorf("--close %q: want YYYY-MM-DD", *closeDate)
			}
			o.deal.ExpectedClose = t
		}
	}
	return o, o.ep.check()
}

// newFlagSet returns the flag set of `ibwatch name`, whose usage is the
// text usage then the flags' defaults.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseAll parses flags and positional arguments in any order and
// returns the positional ones.
func parseAll(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return pos, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// register adds the connection flags, with clientID as the default id.
func (ep *endpoint) register(fs *flag.FlagSet, clientID int64) {
	fs.StringVar(&ep.host, "host", "127.0.0.1", "TWS / IB Gateway host")
	fs.IntVar(&ep.port, "port", 7497, "TWS / IB Gateway API port")
	fs.Int64Var(&ep.clientID, "client-id", clientID, "API client id (the next two are tried if it is in use)")
	fs.DurationVar(&ep.timeout, "timeout", 15*time.Second, "how long to wait for the connection to TWS")
}

// check validates the connection flags.
func (ep *endpoint) check() error {
	if ep.port < 1 || ep.port > 65535 {
		return fmt.Errorf("--port %d: want 1-65535", ep.port)
	}
	return nil
}

// parseDate accepts YYYY-MM-DD or YYYYMMDD.
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Parse(expiryLayout, s)
}

// ChainMain runs `ibwatch chain SYMBOL [flags]`: it starts a supervisor
// (newSup, or conn.New when nil), waits for the connection, fetches one
// expiry's chain, waits (bounded) until every line has a first quote,
// prints it as a table or JSON, stops the supervisor and returns the exit
// status (ExitOK, ExitUsage, ExitUnreachable, ExitFailure).
func ChainMain(ctx context.Context, args []string, stdout, stderr io.Writer, newSup func(conn.Config) (*conn.Supervisor, error)) int {
	o, err := parseChainArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "ibwatch chain:", err)
		return ExitUsage
	}
	sup, end, code := startSession(ctx, "chain", o.ep, stderr, newSup)
	if sup == nil {
		return code
	}
	defer end()
	return fetchAndPrint(ctx, sup, o, stdout, stderr)
}

// endpoint is where a one-shot command connects and how long it waits.
type endpoint struct {
	host     string
	port     int
	clientID int64
	timeout  time.Duration
}

// startSession starts a supervisor (newSup, or conn.New when nil) for a
// one-shot command and waits for the connection. It returns the running
// supervisor and the function that stops it and waits for its goroutines;
// or nil and the exit status after printing why.
func startSession(ctx context.Context, cmd string, ep endpoint, stderr io.Writer, newSup func(conn.Config) (*conn.Supervisor, error)) (*conn.Supervisor, func(), int) {
	if newSup == nil {
		newSup = conn.New
	}
	sup, err := newSup(conn.Config{Host: ep.host, Port: ep.port, ClientIDs: []int64{ep.clientID, ep.clientID + 1, ep.clientID + 2}})
	if err != nil {
		fmt.Fprintf(stderr, "ibwatch %s: %v\n", cmd, err)
		return nil, nil, ExitUsage
	}
	runCtx, stop := context.WithCancel(ctx)
	runDone := make(chan error, 1)
	go func() { runDone <- sup.Run(runCtx) }()
	w := newStateWatch(sup.Events())
	end := func() {
		stop()
		<-runDone
		w.wait()
	}
	if !w.waitUp(ctx, ep.timeout) {
		fmt.Fprintf(stderr, "ibwatch %s: cannot reach TWS at %s within %v: %s\n", cmd, sup.Status().Addr, ep.timeout, w.why())
		end()
		return nil, nil, ExitUnreachable
	}
	return sup, end, ExitOK
}

// fetchAndPrint does the chain part of ChainMain once connected.
func fetchAndPrint(ctx context.Context, sup *conn.Supervisor, o chainOptions, stdout, stderr io.Writer) int {
	names := NewSearcher(BuiltinTickers(), nil, nil)
	f := NewFetcher(sup, FetcherOptions{Names: names.Name, MaxLines: sup.Config().MaxLines})
	defer f.Close()
	rctx, cancel := context.WithTimeout(ctx, o.ep.timeout)
	defer cancel()
	var deal *Deal
	if o.hasDeal {
		deal = &o.deal
	}
	def, err := f.Definition(rctx, o.symbol)
	if err == nil && o.expiry != "" && !slices.Contains(def.Expiries, o.expiry) {
		fmt.Fprintf(stderr, "ibwatch chain: %s has no expiry %s; listed: %s\n", o.symbol, o.expiry, strings.Join(def.Expiries, " "))
		return ExitUsage
	}
	var ch *Chain
	if err == nil {
		ch, err = f.Open(rctx, OpenRequest{Def: def, Expiry: o.expiry, Deal: deal, Window: Window{Count: o.strikes}})
	}
	if err != nil {
		return reportErr(stderr, o.symbol, err)
	}
	wctx, wcancel := context.WithTimeout(ctx, o.wait)
	defer wcancel()
	snap, _ := ch.WaitFull(wctx) // on timeout: print what came, blanks for the rest
	if note := shownNote(o.strikes, snap, sup.Config().MaxLines, deal != nil); note != "" {
		fmt.Fprintln(stderr, "ibwatch chain:", note)
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(snap)
	} else {
		err = RenderText(stdout, snap)
	}
	if err != nil {
		fmt.Fprintln(stderr, "ibwatch chain:", err)
		return ExitFailure
	}
	return ExitOK
}

// reportErr prints a fetch error and maps it to an exit status.
func reportErr(stderr io.Writer, sym string, err error) int {
	switch {
	case errors.Is(err, ErrUnknownSymbol):
		fmt.Fprintf(stderr, "ibwatch chain: unknown symbol %s: TWS has no US stock or ETF by that name\n", sym)
		return ExitUsage
	case errors.Is(err, ErrNoOptions), errors.Is(err, ErrNoStrikes):
		fmt.Fprintf(stderr, "ibwatch chain: %v\n", err)
		return ExitUsage
	case errors.Is(err, conn.ErrNotConnected), errors.Is(err, conn.ErrStopped):
		fmt.Fprintf(stderr, "ibwatch chain: lost the connection to TWS: %v\n", err)
		return ExitUnreachable
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(stderr, "ibwatch chain: TWS did not answer in time: %v\n", err)
		return ExitFailure
	}
	fmt.Fprintln(stderr, "ibwatch chain:", err)
	return ExitFailure
}

// stateWatch drains the supervisor's events (so none pile up), remembers
// the last state change and says when the session is up. Its goroutine
// ends when the event channel closes, after Run returns.
type stateWatch struct {
	mu    sync.Mutex
	last  conn.Event // last state change
	fail  conn.Event // last change into Backoff: why the last attempt failed
	upCh  chan struct{}
	upped bool
	done  chan struct{}
}

func newStateWatch(evs <-chan conn.Event) *stateWatch {
	w := &stateWatch{upCh: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for ev := range evs {
			if ev.Kind != conn.KindState {
				continue
			}
			w.mu.Lock()
			w.last = ev
			if ev.State == conn.StateBackoff {
				w.fail = ev
			}
			if ev.State.Up() && !w.upped {
				w.upped = true
				close(w.upCh)
			}
			w.mu.Unlock()
		}
	}()
	return w
}

// waitUp waits for the first Connected/Degraded state, at most timeout.
func (w *stateWatch) waitUp(ctx context.Context, timeout time.Duration) bool {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-w.upCh:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// why explains the last state change (the cause of the last failure).
func (w *stateWatch) why() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	ev := w.fail
	if ev.Cause == conn.CauseNone {
		ev = w.last
	}
	if ev.Cause == conn.CauseNone {
		return "no answer"
	}
	s := ev.Cause.Text()
	if ev.Message != "" && ev.Message != s {
		s += " (" + ev.Message + ")"
	}
	return s
}

// wait blocks until the event stream has closed.
func (w *stateWatch) wait() { <-w.done }
