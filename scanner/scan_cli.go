package scanner

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// scanOptions are the parsed flags of `ibwatch scan`.
type scanOptions struct {
	// configPath (--config) is where Configure reads the defaults; given
	// are the flags on the command line, which win over them.
	configPath string
	given      map[string]bool

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
	// sel is the candidate selection for every deal; perDeal a deal's
	// own (by symbol, from the config).
	sel     Selection
	perDeal map[string]Selection
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
	fs.StringVar(&o.configPath, "config", "", configUsage)
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
	fs.Func("deal", "a deal's terms `SYMBOL:PRICE[:CLOSE[:BREAK[:DIVIDENDS[:PROB]]]]` (CLOSE YYYY-MM-DD; PROB your own 0..1; repeatable; replaces a configured deal)", func(v string) error {
		d, err := parseDealFlag(v)
		o.deals = append(o.deals, d)
		return err
	})
	registerSelection(fs, &o.sel)
	fs.DurationVar(&o.every, "every", 0, "scan again every `DURATION` until interrupted (0 = once)")
	fs.IntVar(&o.lines, "lines", 90, "most market-data lines the scan holds at once")
	fs.DurationVar(&o.wait, "wait", 3*time.Second, "how long each contract may take to show both sides once TWS answered")
	fs.DurationVar(&o.maxTime, "max-time", 10*time.Minute, "give up a scan after this long (prints what was quoted)")
	o.endpoint.register(fs, 194)
	var err error
	if o.symbols, err = parseAll(fs, args); err != nil {
		return o, err
	}
	o.given = given(fs)
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
	// The scanner reads 0 (or a fraction beyond 10) as "unset" and would
	// quietly use its default instead.
	for _, f := range []struct {
		name string
		v    int
	}{{"--days-before", o.sel.DaysBefore}, {"--after", o.sel.After}, {"--short-within", o.sel.ShortWithin}} {
		if f.v < 1 {
			return o, fmt.Errorf("%s %d: want at least 1", f.name, f.v)
		}
	}
	switch {
	case !(o.sel.ShortPutHi > 0) || o.sel.ShortPutHi > 10:
		return o, fmt.Errorf("--short-put-max %v: want a fraction of the deal price above 0 and at most 10, e.g. 1.03", o.sel.ShortPutHi)
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

// ScanMain runs `ibwatch scan [SYMBOL...] [flags]` over the configured
// deals (conf gives them, and the endpoint; nil: none): it connects like
// ChainMain, scans, prints the ranked table (text, --json or --csv) and
// returns the exit status. progress says whether stderr is a terminal
// (progress lines go there only then).
func ScanMain(ctx context.Context, args []string, stdout, stderr io.Writer, progress bool, conf Configure) int {
	o, err := parseScanArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	var d Defaults
	var code exitCode
	if err == nil {
		d, err = configure(conf, o.configPath)
	}
	if errors.As(err, &code) {
		return int(code)
	}
	o.endpoint.useDefaults(d, o.given)
	o.useScanDefaults(d)
	var deals []Deal
	if err == nil {
		deals, err = pickDeals(d.Deals, o)
	}
	if err != nil {
		fmt.Fprintln(stderr, "ibwatch scan:", err)
		return ExitUsage
	}
	sup, end, status := startSession(ctx, "scan", o.endpoint, stderr, d.NewSup)
	if sup == nil {
		return status
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
	so := ScanOptions{Lines: lines, Wait: o.wait, Kinds: o.filter.Kinds, Selection: o.sel, PerDeal: o.perDeal}
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
