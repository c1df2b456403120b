package scanner

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// scanOptions are the parsed flags of `ibwatch scan`.
type scanOptions struct {
	symbols  []string
	deals    []Deal // --deal terms, added to (or replacing) the configured ones
	sort     SortKey
	filter   Filter
	json     bool
	csv      bool
	top      int
	every    time.Duration
	lines    int
	wait     time.Duration
	maxTime  time.Duration
	endpoint endpoint
}

const scanUsage = `usage: ibwatch scan [SYMBOL...] [flags]

Scans the configured deals (or only SYMBOLs): quotes every contract of the
candidate structures (long stock, long call, bull call and put verticals,
cash-secured short put, covered call) of the expiries around each deal's
close, prices them at mid and at the far touch, and prints them ranked.
Progress goes to stderr when it is a terminal.

Exit status: 0 printed; 2 bad usage, no deals, unknown symbol or no listed
options for every deal; 3 TWS unreachable (or lost); 1 anything else (e.g.
--max-time reached: what was quoted is printed, marked incomplete).

Flags:
`

// parseScanArgs parses SYMBOLs and flags, in any order.
func parseScanArgs(args []string, stderr io.Writer) (scanOptions, error) {
	o := scanOptions{}
	fs := newFlagSet("scan", scanUsage, stderr)
	sortKey := fs.String("sort", "annual", "rank by `KEY`: annual (annualized far-touch return), ev, return, loss (loss if the deal breaks)")
	fs.Float64Var(&o.filter.MinOI, "min-oi", 0, "drop structures whose smallest leg open interest is below `N`")
	fs.Float64Var(&o.filter.MaxWidth, "max-width", 0, "drop structures whose widest leg (ask-bid)/mid exceeds `F` (0.10 = 10 %)")
	fs.Float64Var(&o.filter.MinAnnual, "min-annual", 0, "drop structures annualizing below `F` (0.15 = 15 %)")
	fs.Float64Var(&o.filter.MaxLoss, "max-loss", 0, "drop structures whose max loss per share exceeds `USD`")
	kinds := fs.String("kinds", "", "only these structures, comma-separated `LIST`: stock,long_call,call_vertical,put_vertical,short_put,covered_call")
	fs.BoolVar(&o.filter.PreClose, "pre-close", false, "rank expiries before the expected close too (their figures assume an early close)")
	fs.BoolVar(&o.json, "json", false, "print JSON")
	fs.BoolVar(&o.csv, "csv", false, "print CSV")
	fs.IntVar(&o.top, "top", 0, "print only the first `N` rows of the table (0 = all; JSON and CSV have all)")
	fs.Func("deal", "a deal's terms `SYMBOL:PRICE[:CLOSE[:BREAK]]` (CLOSE YYYY-MM-DD; repeatable; replaces a configured deal)", func(v string) error {
		d, err := parseDealFlag(v)
		o.deals = append(o.deals, d)
		return err
	})
	fs.DurationVar(&o.every, "every", 0, "scan again every `DURATION` until interrupted (0 = once)")
	fs.IntVar(&o.lines, "lines", 90, "most market-data lines the scan holds at once")
	fs.DurationVar(&o.wait, "wait", 3*time.Second, "how long each contract may take to show both sides once TWS answered")
	fs.DurationVar(&o.maxTime, "max-time", 10*time.Minute, "give up a scan after this long (prints what was quoted)")
	o.endpoint.register(fs, 194)
	var err error
	if o.symbols, err = parseAll(fs, args); err != nil {
		return o, err
	}
	for i, s := range o.symbols {
		if o.symbols[i] = cleanSymbol(s); o.symbols[i] == "" {
			return o, fmt.Errorf("%q is not a symbol", s)
		}
	}
	if o.sort, err = ParseSortKey(*sortKey); err != nil {
		return o, err
	}
	if *kinds != "" {
		o.filter.Kinds = map[Kind]bool{}
		for _, k := range strings.Split(*kinds, ",") {
			kind, ok := ParseKind(k)
			if !ok {
				return o, fmt.Errorf("--kinds: unknown structure %q", strings.TrimSpace(k))
			}
			o.filter.Kinds[kind] = true
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"--min-oi", o.filter.MinOI}, {"--max-width", o.filter.MaxWidth}, {"--max-loss", o.filter.MaxLoss}} {
		if !finite(f.v) || f.v < 0 {
			return o, fmt.Errorf("%s %v: want a number ≥ 0", f.name, f.v)
		}
	}
	switch {
	case !finite(o.filter.MinAnnual):
		return o, errors.New("--min-annual: want a number")
	case o.json && o.csv:
		return o, errors.New("--json and --csv: choose one")
	case o.lines < 1:
		return o, fmt.Errorf("--lines %d: want at least 1", o.lines)
	case o.wait <= 0 || o.maxTime <= 0 || o.every < 0 || o.top < 0:
		return o, errors.New("--wait and --max-time must be positive; --every and --top not negative")
	}
	return o, o.endpoint.check()
}

// parseDealFlag reads SYMBOL:PRICE[:CLOSE[:BREAK]].
func parseDealFlag(v string) (Deal, error) {
	parts := strings.Split(v, ":")
	bad := fmt.Errorf("--deal %q: want SYMBOL:PRICE[:CLOSE[:BREAK]], e.g. XYZ:25.50:2027-03-31:18", v)
	if len(parts) < 2 || len(parts) > 4 {
		return Deal{}, bad
	}
	d := Deal{Symbol: cleanSymbol(parts[0])}
	p, err := strconv.ParseFloat(parts[1], 64)
	if err != nil || d.Symbol == "" || !price(p).OK {
		return Deal{}, bad
	}
	d.Price = p
	if len(parts) > 2 && parts[2] != "" {
		if d.ExpectedClose, err = parseDate(parts[2]); err != nil {
			return Deal{}, bad
		}
	}
	if len(parts) > 3 && parts[3] != "" {
		if d.BreakPrice, err = strconv.ParseFloat(parts[3], 64); err != nil || !price(d.BreakPrice).OK {
			return Deal{}, bad
		}
	}
	return d, nil
}

// pickDeals merges the --deal terms into the configured deals and keeps
// the SYMBOLs asked for (all when none).
func pickDeals(configured []Deal, o scanOptions) ([]Deal, error) {
	var all []Deal
	for _, d := range configured {
		if _, over := FindDeal(o.deals, d.Symbol); !over {
			all = append(all, d)
		}
	}
	all = append(all, o.deals...)
	if len(o.symbols) == 0 {
		if len(all) == 0 {
			return nil, errors.New("no deals to scan: add [deals.SYMBOL] tables to the config file or pass --deal SYMBOL:PRICE:CLOSE:BREAK")
		}
		return all, nil
	}
	var out []Deal
	for _, s := range o.symbols {
		d, ok := FindDeal(all, s)
		if !ok {
			return nil, fmt.Errorf("no deal for %s: add [deals.%s] to the config file or pass --deal %s:PRICE:CLOSE:BREAK", s, s, s)
		}
		out = append(out, d)
	}
	return out, nil
}

// ScanMain runs `ibwatch scan [SYMBOL...] [flags]` over deals (the
// configured ones): it connects like ChainMain, scans, prints the ranked
// table (text, --json or --csv) and returns the exit status. progress
// says whether stderr is a terminal (progress lines go there only then).
func ScanMain(ctx context.Context, args []string, deals []Deal, stdout, stderr io.Writer, progress bool, newSup func(conn.Config) (*conn.Supervisor, error)) int {
	o, err := parseScanArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err == nil {
		deals, err = pickDeals(deals, o)
	}
	if err != nil {
		fmt.Fprintln(stderr, "ibwatch scan:", err)
		return ExitUsage
	}
	sup, end, code := startSession(ctx, "scan", o.endpoint, stderr, newSup)
	if sup == nil {
		return code
	}
	defer end()
	f := NewFetcher(sup, FetcherOptions{MaxLines: sup.Config().MaxLines})
	defer f.Close()
	lines := min(o.lines, sup.Config().MaxLines)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		if code := scanOnce(ctx, f, deals, o, lines, stdout, stderr, progress); code != ExitOK || o.every == 0 {
			return code
		}
		f.Refresh("") // listings may change between scans
		t.Reset(o.every)
		select {
		case <-t.C:
		case <-ctx.Done():
			return ExitOK
		}
	}
}

// scanOnce scans, prints and maps the outcome to an exit status.
func scanOnce(ctx context.Context, f *Fetcher, deals []Deal, o scanOptions, lines int, stdout, stderr io.Writer, progress bool) int {
	sctx, cancel := context.WithTimeout(ctx, o.maxTime)
	defer cancel()
	so := ScanOptions{Lines: lines, Wait: o.wait, Kinds: o.filter.Kinds}
	if progress {
		so.Progress = func(p Progress) {
			fmt.Fprintf(stderr, "\r\x1b[Kscanning: %d/%d deals · %d/%d contracts · ~%s left",
				p.DealsDone, p.Deals, p.Quoted, p.Contracts, p.Left.Round(time.Second))
		}
	}
	res, err := Scan(sctx, f, deals, so)
	if progress {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if errors.Is(err, conn.ErrStopped) {
		fmt.Fprintln(stderr, "ibwatch scan: lost the connection to TWS:", err)
		return ExitUnreachable
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(stderr, "ibwatch scan:", err)
		return ExitFailure
	}
	failed := 0
	for _, d := range res.Deals {
		if d.Err != nil {
			failed++
			fmt.Fprintf(stderr, "ibwatch scan: %s: %v\n", d.Deal.Symbol, d.Err)
		}
	}
	rep := ScanReport{Result: res, Ranked: Rank(res.Structures, o.sort, o.filter)}
	switch {
	case o.json:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case o.csv:
		err = RenderScanCSV(stdout, rep)
	default:
		err = RenderScanText(stdout, rep, o.top)
	}
	switch {
	case err != nil:
		fmt.Fprintln(stderr, "ibwatch scan:", err)
		return ExitFailure
	case !res.Complete:
		fmt.Fprintf(stderr, "ibwatch scan: gave up after --max-time %v: %d of %d contracts quoted\n", o.maxTime, res.Quoted+res.OneSided, res.Contracts)
		return ExitFailure
	case failed == len(res.Deals):
		return ExitUsage
	}
	return ExitOK
}
