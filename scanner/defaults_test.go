package scanner

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"
)

// fixed is a Configure that gives d whatever --config names.
func fixed(d Defaults) Configure { return func(string) (Defaults, int) { return d, ExitOK } }

// TestChainDefaults: the configured endpoint and the symbol's deal apply
// where the command line says nothing; the user's --deal replaces the deal
// whole, the user's --close and --port win.
func TestChainDefaults(t *testing.T) {
	d := Defaults{Host: "10.0.0.5", Port: 4002, Deals: []Deal{
		{Symbol: "ATVI", Price: 95, BreakPrice: 75, ExpectedClose: time.Date(2023, 10, 13, 0, 0, 0, 0, time.UTC)}}}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"atvi"}, "10.0.0.5:4002 deal 95 close 2023-10-13 break 75"},
		// A flag value is not the symbol.
		{[]string{"--expiry", "20231020", "ATVI", "--json"}, "10.0.0.5:4002 deal 95 close 2023-10-13 break 75"},
		// The user's own deal wins whole; the user's port wins.
		{[]string{"ATVI", "--deal=90", "--port", "7497"}, "10.0.0.5:7497 deal 90 close 0001-01-01 break 0"},
		{[]string{"ATVI", "--close", "2023-11-30", "--host", "127.0.0.1"}, "127.0.0.1:4002 deal 95 close 2023-11-30 break 75"},
		{[]string{"MSFT"}, "10.0.0.5:4002 no deal"},
	}
	for _, c := range cases {
		o, err := parseChainArgs(c.args, io.Discard, fixed(d))
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		got := fmt.Sprintf("%s:%d no deal", o.ep.host, o.ep.port)
		if o.hasDeal {
			got = fmt.Sprintf("%s:%d deal %v close %s break %v", o.ep.host, o.ep.port, o.deal.Price, o.deal.ExpectedClose.Format(time.DateOnly), o.deal.BreakPrice)
		}
		if got != c.want {
			t.Errorf("%v:\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}

// TestConfigFlag: --config (in either spelling, anywhere) reaches
// Configure, and a Configure that refuses ends the command with its
// status before anything connects.
func TestConfigFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		path string
	}{
		{[]string{"AAPL", "--config", "/x.toml", "--json"}, "/x.toml"},
		{[]string{"-config=/y.toml", "AAPL"}, "/y.toml"},
		{[]string{"AAPL"}, ""},
	} {
		var got []string
		conf := func(path string) (Defaults, int) { got = append(got, path); return Defaults{}, ExitOK }
		if _, err := parseChainArgs(c.args, io.Discard, conf); err != nil || len(got) != 1 || got[0] != c.path {
			t.Errorf("chain %v: Configure got %q, err %v; want %q", c.args, got, err, c.path)
		}
		if o, err := parseScanArgs(c.args, io.Discard); err != nil || o.configPath != c.path {
			t.Errorf("scan %v: --config %q, err %v; want %q", c.args, o.configPath, err, c.path)
		}
	}
	refuse := func(string) (Defaults, int) { return Defaults{}, 7 }
	if code := ChainMain(context.Background(), []string{"AAPL"}, io.Discard, io.Discard, refuse); code != 7 {
		t.Errorf("chain: exit %d, want Configure's 7", code)
	}
	if code := ScanMain(context.Background(), nil, io.Discard, io.Discard, false, refuse); code != 7 {
		t.Errorf("scan: exit %d, want Configure's 7", code)
	}
	o, err := parseScanArgs([]string{"--host", "h"}, io.Discard)
	o.endpoint.useDefaults(Defaults{Host: "10.0.0.5", Port: 4002}, o.given)
	if err != nil || o.endpoint.host != "h" || o.endpoint.port != 4002 {
		t.Errorf("scan defaults: %s:%d, err %v; want the given host and the configured port", o.endpoint.host, o.endpoint.port, err)
	}
}

// TestScanDefaultsFromConfig: `ibwatch scan` takes the configured
// selection, each deal's own, the ranking and the filters; each flag on
// the command line wins, in a deal's own selection too.
func TestScanDefaultsFromConfig(t *testing.T) {
	conf := Selection{DaysBefore: 45, After: 3, Unknown: 3, LongLo: 0.8, LongHi: 1, ShortCallLo: 0.97, ShortCallHi: 1.08, ShortPutHi: 1.02, ShortWithin: 3}
	own := conf
	own.LongLo, own.LongHi, own.ShortWithin = 0.9, 1, 2
	d := Defaults{Selection: conf, PerDeal: map[string]Selection{"ATVI": own}, Sort: SortEV,
		Filter: Filter{MinOI: 10, MaxWidth: 0.25, MinAnnual: 0.05, MaxLoss: 12.5, Kinds: map[Kind]bool{KindCallVertical: true}, PreClose: true}}

	o, err := parseScanArgs(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o.useScanDefaults(d)
	if o.sel != conf || o.perDeal["ATVI"] != own || o.sort != SortEV || o.filter.MinOI != 10 || o.filter.MaxWidth != 0.25 ||
		o.filter.MinAnnual != 0.05 || o.filter.MaxLoss != 12.5 || !o.filter.Kinds[KindCallVertical] || len(o.filter.Kinds) != 1 || !o.filter.PreClose {
		t.Errorf("without flags: sel %+v own %+v sort %v filter %+v", o.sel, o.perDeal, o.sort, o.filter)
	}

	o, err = parseScanArgs([]string{"--long", "0.7-0.95", "--short-within", "5", "--sort", "loss", "--min-oi", "0", "--kinds", "stock"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o.useScanDefaults(d)
	wantSel := conf
	wantSel.LongLo, wantSel.LongHi, wantSel.ShortWithin = 0.7, 0.95, 5
	wantOwn := own
	wantOwn.LongLo, wantOwn.LongHi, wantOwn.ShortWithin = 0.7, 0.95, 5
	if o.sel != wantSel || o.perDeal["ATVI"] != wantOwn {
		t.Errorf("flags must win: sel %+v own %+v; want %+v and %+v", o.sel, o.perDeal["ATVI"], wantSel, wantOwn)
	}
	if o.sort != SortLossIfBreak || o.filter.MinOI != 0 || o.filter.MaxWidth != 0.25 || !o.filter.Kinds[KindStock] || o.filter.Kinds[KindCallVertical] {
		t.Errorf("flags must win: sort %v filter %+v", o.sort, o.filter)
	}

	// No configuration: the scanner's own defaults, as before.
	o, _ = parseScanArgs(nil, io.Discard)
	o.useScanDefaults(Defaults{})
	if o.sel.withDefaults() != DefaultSelection() || o.perDeal != nil || o.sort != SortAnnual || o.filter.Kinds != nil || o.filter.MinOI != 0 {
		t.Errorf("no config: sel %+v sort %v filter %+v", o.sel, o.sort, o.filter)
	}
}
