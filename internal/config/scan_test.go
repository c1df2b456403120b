package config

import (
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/scanner"
)

// TestScanTableAndDealExtrasLoad: [scan] sets the scan's defaults; a deal
// carries dividends, an own probability and its own selection keys, which
// apply over [scan]'s (not the scanner's) for that deal only.
func TestScanTableAndDealExtrasLoad(t *testing.T) {
	s, err := Load([]string{"--config", "testdata/config/scan.toml"}, env{})
	if err != nil {
		t.Fatal(err)
	}
	sel := scanner.Selection{DaysBefore: 45, After: 3, Unknown: 3, LongLo: 0.8, LongHi: 1, ShortCallLo: 0.97, ShortCallHi: 1.08, ShortPutHi: 1.02, ShortWithin: 3}
	if s.Scan.Selection != sel {
		t.Errorf("selection %+v, want %+v", s.Scan.Selection, sel)
	}
	f := s.Scan.Filter
	if s.Scan.Sort != scanner.SortEV || f.MinOI != 10 || f.MaxWidth != 0.25 || f.MinAnnual != 0.05 || f.MaxLoss != 12.5 || !f.PreClose ||
		len(f.Kinds) != 3 || !f.Kinds[scanner.KindPutVertical] || f.Kinds[scanner.KindStock] || s.Scan.Every != 15*time.Minute {
		t.Errorf("sort %v, filter %+v, every %v", s.Scan.Sort, f, s.Scan.Every)
	}
	atvi, _ := scanner.FindDeal(s.Deals, "ATVI")
	if atvi.Dividends != 0.5 || atvi.Prob != 0.85 {
		t.Errorf("ATVI dividends %v probability %v", atvi.Dividends, atvi.Prob)
	}
	per := s.PerDeal()
	want := sel
	want.LongLo, want.LongHi, want.ShortWithin = 0.9, 1, 2
	if len(per) != 1 || per["ATVI"] != want {
		t.Errorf("per deal %+v, want only ATVI %+v", per, want)
	}
	if o := s.origin("scan.every").String(); o != "testdata/config/scan.toml:17" {
		t.Errorf("every came from %s", o)
	}
}

// TestScanDefaultsWithoutTable: no [scan] gives the scanner's defaults
// and no per-deal selections.
func TestScanDefaultsWithoutTable(t *testing.T) {
	s, err := Load([]string{"--config", "testdata/config/good.toml"}, env{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Scan.Selection != scanner.DefaultSelection() || s.Scan.Sort != scanner.SortAnnual || s.Scan.Filter.Kinds != nil || s.Scan.Every != 0 || s.PerDeal() != nil {
		t.Errorf("scan %+v per deal %v", s.Scan, s.PerDeal())
	}
}

// TestScanValuesRefusedWithReason: each bad [scan] or deal value is named
// with its line and the reason (testdata/config/bad_scan.golden has the
// rest).
func TestScanValuesRefusedWithReason(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"scan = 5\n", "config.toml:1: scan = 5: want a table [scan] with keys like sort = \"annual\""},
		{"[scan]\nkinds = []\n", "scan.kinds = []: want a non-empty list"},
		{"[scan]\nkinds = [3]\n", "scan.kinds = [3]: 3: not a structure"},
		{"[scan]\nlong = [0.75]\n", "scan.long = [0.75]: want [LO, HI] fractions of the deal price"},
		{"[scan]\nlong = [0, 1]\n", "scan.long = [0, 1]: LO: want a positive fraction"},
		{"[scan]\nshort_within = 21\n", "scan.short_within = 21: must be at most 20: each step adds a vertical"},
		{"[scan]\ndays_before = 2000\n", "scan.days_before = 2000: must be at most 1100: listed options expire at most about three years out"},
		{"[scan]\nevery = 60\n", "scan.every = 60: want a duration string like \"15m\""},
		{"[scan]\nevery = \"25h\"\n", "scan.every = \"25h\": must be at most 24h: quotes a day old are stale"},
		{"[scan]\nevery = \"-1m\"\n", "scan.every = \"-1m\": must be longer than 0s"},
		{"[scan]\nmin_oi = 2.5\n", "scan.min_oi = 2.5: want a whole number"},
		{"[scan]\nmin_oi = 1e9\n", "want a whole number"},
		{"[scan]\nmin_oi = 100000001\n", "scan.min_oi = 100000001: must be at most 100000000: no option has that many contracts open"},
		{"[scan]\nsort = 1\n", "scan.sort = 1: want a string"},
		{"[scan]\nlong = [0.9, 1.0]\nshort_put_max = 0.85\n", "config.toml: [scan]: short_put_max 0.85 is below long's LO 0.9"},
		{"[deals.X]\nprice = 10\ndividends = -0.5\n", "deals.X.dividends = -0.5: want cash per share of 0 or more"},
		{"[deals.X]\nprice = 10\ndividends = \"0.5\"\n", "deals.X.dividends = \"0.5\": want cash per share like 0.50"},
		{"[deals.X]\nprice = 10\nprobability = \"85%\"\n", "deals.X.probability = \"85%\": want a probability like 0.85"},
		{"[deals.X]\nprice = 10\nprobability = 85\n", "deals.X.probability = 85: want a probability above 0 and at most 1"},
		{"[deals.X]\nprice = 10\nshort_put_max = 12\n", "deals.X.short_put_max = 12: must be at most 10"},
		{"[deals.X]\nprice = 10\nmin_oi = 5\n", "deals.X.min_oi = 5: a [scan] key for the whole ranking, not one deal"},
		{"sort = \"ev\"\n", "config.toml:1: unknown key \"sort\": a [scan] key: put it under [scan]"},
	} {
		s := defaultSettings()
		errs := loadFile(s, "config.toml", []byte(c.src), testToday)
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Error())
		}
		if got := strings.Join(msgs, "\n"); !strings.Contains(got, c.want) {
			t.Errorf("%q:\n got %q\nwant %q", c.src, got, c.want)
		}
	}
}

// TestScanKindsOfEveryKindIsNoFilter: listing every kind is the same as
// leaving kinds out, so `ibwatch config` prints one form for both.
func TestScanKindsOfEveryKindIsNoFilter(t *testing.T) {
	s := defaultSettings()
	src := "[scan]\nkinds = [\"stock\", \"long_call\", \"call_vertical\", \"put_vertical\", \"short_put\", \"covered_call\"]\n"
	if errs := loadFile(s, "config.toml", []byte(src), testToday); len(errs) > 0 || s.Scan.Filter.Kinds != nil {
		t.Fatalf("errs %v kinds %v", errs, s.Scan.Filter.Kinds)
	}
}
