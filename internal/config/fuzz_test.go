package config

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ibwatch/ibwatch/scanner"
)

// addConfigSeeds seeds a fuzz target with the config files under testdata.
func addConfigSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "config", "*.toml"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

// FuzzConfigFile: any bytes in config.toml give settings or clear errors
// that name the file (and a line), never a panic; a file that loads
// produces settings that pass the supervisor's own validation.
func FuzzConfigFile(f *testing.F) {
	addConfigSeeds(f)
	f.Add([]byte("port = 99999999999999999999\n"))
	f.Add([]byte("[deals.AAPL]\nprice = -1\nclose = 2027-02-30\n"))
	f.Add([]byte("heartbeat = \"\x1b[31m5s\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s := defaultSettings()
		errs := loadFile(s, "config.toml", src, testToday)
		for _, err := range errs {
			if !strings.HasPrefix(err.Error(), "config.toml") {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
		if len(errs) > 0 {
			return
		}
		if fin := s.finish(); len(fin) > 0 {
			return
		}
		cfg := s.Conn().Defaults()
		if err := cfg.Validate(); err != nil {
			t.Fatalf("a config that loaded without errors fails validation: %v\n%s", err, src)
		}
	})
}

// FuzzConfigRoundTrip: a config file that loads without error, printed by
// `ibwatch config` and loaded again, gives the same settings (the README
// promises that the output can become your config file).
func FuzzConfigRoundTrip(f *testing.F) {
	addConfigSeeds(f)
	f.Add([]byte("[deals.XYZ]\nprice = 86\nbreak = 0.000001\nclose = \"2023-10-13\"\n"))
	f.Add([]byte("[deals.\"brk b\"]\nprice = 999999.999999\nbreak = 123456.78901234567\n"))
	f.Add([]byte("host = \"h\\u0001\\\"x\"\nstate_dir = \"a/../b\"\nclient_id = \"1-3,7\"\nheartbeat = \"1h1m1.5s\"\n"))
	f.Add([]byte("watchlist = [\"a.b\", \"A.B\", \"c-d\"]\ntimezone = \"Local\"\nmetrics_addr = \"9464\"\n"))
	f.Add([]byte("[scan]\nlong = [0.1, 0.30000000000000004]\nshort_put_max = 9.999999999\nkinds = [\"stock\", \"STOCK\"]\nevery = \"0\"\nmin_oi = 7\n" +
		"[deals.A]\nprice = 3\ndividends = 2.9999999\nprobability = 1\nafter = 12\nshort_calls = [1e-9, 1e-9]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s := defaultSettings()
		if errs := loadFile(s, "config.toml", src, testToday); len(errs) > 0 || len(s.finish()) > 0 {
			return
		}
		var out bytes.Buffer
		if err := s.WriteEffective(&out); err != nil {
			t.Fatal(err)
		}
		back := defaultSettings()
		errs := loadFile(back, "config.toml", out.Bytes(), testToday)
		errs = append(errs, back.finish()...)
		if len(errs) > 0 {
			t.Fatalf("the printed configuration does not load: %v\n--- printed\n%s--- from\n%s", errors.Join(errs...), out.Bytes(), src)
		}
		for _, st := range settingTable {
			if a, b := st.show(s), st.show(back); a != b {
				t.Errorf("%s = %s, read back as %s\n--- printed\n%s", st.key, a, b, out.Bytes())
			}
		}
		if !slices.EqualFunc(s.Deals, back.Deals, func(a, b scanner.Deal) bool {
			return a.Symbol == b.Symbol && a.Price == b.Price && a.BreakPrice == b.BreakPrice && a.ExpectedClose.Equal(b.ExpectedClose) &&
				a.Dividends == b.Dividends && a.Prob == b.Prob
		}) {
			t.Errorf("deals %+v, read back as %+v\n--- printed\n%s", s.Deals, back.Deals, out.Bytes())
		}
		if a, b := scanText(s), scanText(back); a != b {
			t.Errorf("[scan] and the deals' own keys %s, read back as %s\n--- printed\n%s", a, b, out.Bytes())
		}
		if s.location.String() != back.location.String() {
			t.Errorf("time zone %v, read back as %v", s.location, back.location)
		}
	})
}

// scanText is every [scan] value and every deal's own selection keys, as
// printed, to compare two settings.
func scanText(s *Settings) string {
	var b strings.Builder
	for _, k := range selKeys {
		b.WriteString(k.key + "=" + k.show(s.Scan.Selection) + " ")
	}
	for _, k := range scanKeys {
		b.WriteString(k.key + "=" + k.show(&s.Scan) + " ")
	}
	per := s.PerDeal()
	for _, sym := range slices.Sorted(maps.Keys(per)) {
		b.WriteString(sym + ":")
		for _, k := range selKeys {
			b.WriteString(k.show(per[sym]) + " ")
		}
	}
	return b.String()
}
