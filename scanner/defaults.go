package scanner

import (
	"flag"
	"fmt"

	"github.com/ibwatch/ibwatch/conn"
)

// Defaults are what the configuration gives `ibwatch chain` and `ibwatch
// scan`. The command line wins over each of them.
type Defaults struct {
	Host  string // TWS / IB Gateway host ("" = 127.0.0.1)
	Port  int    // its API port (0 = 7497)
	Deals []Deal // the deals followed: chain adds its symbol's lens, scan scans them
	// Scan's defaults (the config's [scan] table): the selection for
	// every deal, each deal's own (by symbol, complete: see
	// ScanOptions.PerDeal), the ranking and the filters. Zero values are
	// the scanner's defaults; a flag on the command line wins over each
	// field, in PerDeal too.
	Selection Selection
	PerDeal   map[string]Selection
	Sort      SortKey
	Filter    Filter
	// NewSup builds the command's supervisor for the endpoint and client
	// ids the command picks (nil = conn.New).
	NewSup func(conn.Config) (*conn.Supervisor, error)
}

// Configure returns the Defaults of the config file named by --config
// ("" when the command line names none). It is called once the command
// line has parsed. To end the command instead, it says why on stderr
// itself and returns the exit status; else ExitOK.
type Configure func(configPath string) (Defaults, int)

// exitCode ends a command with a status whose reason is already printed.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// configUsage is the help of --config, whose value goes to Configure.
const configUsage = "the config `file` whose endpoint and deals to use (default: ibwatch's, see ibwatch --help)"

// configure calls c (nil: no configuration) and returns its Defaults, or
// an exitCode error.
func configure(c Configure, path string) (Defaults, error) {
	if c == nil {
		return Defaults{}, nil
	}
	d, code := c(path)
	if code != ExitOK {
		return d, exitCode(code)
	}
	return d, nil
}

// given returns the names of the flags set on the command line.
func given(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// useDefaults takes the configured host and port where the command line
// gave none.
func (ep *endpoint) useDefaults(d Defaults, set map[string]bool) {
	if !set["host"] && d.Host != "" {
		ep.host = d.Host
	}
	if !set["port"] && d.Port != 0 {
		ep.port = d.Port
	}
}

// selectionFlags names the flag of each selection field (registerSelection).
var selectionFlags = []struct {
	flag string
	copy func(dst *Selection, src Selection)
}{
	{"days-before", func(d *Selection, s Selection) { d.DaysBefore = s.DaysBefore }},
	{"after", func(d *Selection, s Selection) { d.After = s.After }},
	{"short-within", func(d *Selection, s Selection) { d.ShortWithin = s.ShortWithin }},
	{"long", func(d *Selection, s Selection) { d.LongLo, d.LongHi = s.LongLo, s.LongHi }},
	{"short-calls", func(d *Selection, s Selection) { d.ShortCallLo, d.ShortCallHi = s.ShortCallLo, s.ShortCallHi }},
	{"short-put-max", func(d *Selection, s Selection) { d.ShortPutHi = s.ShortPutHi }},
}

// withFlags returns base with the fields whose flags were given taken
// from flags.
func withFlags(base, flags Selection, set map[string]bool) Selection {
	for _, f := range selectionFlags {
		if set[f.flag] {
			f.copy(&base, flags)
		}
	}
	return base
}

// useScanDefaults takes the configured selection (every deal's and each
// deal's own), ranking and filters where the command line gave no flag.
func (o *scanOptions) useScanDefaults(d Defaults) {
	set := o.given
	if len(d.PerDeal) > 0 {
		o.perDeal = make(map[string]Selection, len(d.PerDeal))
		for sym, sel := range d.PerDeal {
			o.perDeal[sym] = withFlags(sel, o.sel, set)
		}
	}
	o.sel = withFlags(d.Selection, o.sel, set)
	if !set["sort"] {
		o.sort = d.Sort
	}
	f := &o.filter
	for _, c := range []struct {
		flag     string
		dst, src *float64
	}{{"min-oi", &f.MinOI, &d.Filter.MinOI}, {"max-width", &f.MaxWidth, &d.Filter.MaxWidth},
		{"min-annual", &f.MinAnnual, &d.Filter.MinAnnual}, {"max-loss", &f.MaxLoss, &d.Filter.MaxLoss}} {
		if !set[c.flag] {
			*c.dst = *c.src
		}
	}
	if !set["kinds"] {
		f.Kinds = d.Filter.Kinds
	}
	if !set["pre-close"] {
		f.PreClose = d.Filter.PreClose
	}
}
