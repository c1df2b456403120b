package main

import (
	"os"
	"strings"
	"testing"
)

// FuzzConfigFile: any bytes in config.toml give settings or clear errors
// that name the file (and a line), never a panic; a file that loads
// produces settings that pass the supervisor's own validation.
func FuzzConfigFile(f *testing.F) {
	for _, name := range []string{"good", "bad_values", "bad_deals", "bad_duration", "backoff_order"} {
		if b, err := os.ReadFile("testdata/config/" + name + ".toml"); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("port = 99999999999999999999\n"))
	f.Add([]byte("[deals.AAPL]\nprice = -1\nclose = 2027-02-30\n"))
	f.Add([]byte("heartbeat = \"\x1b[31m5s\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s := defaultSettings()
		errs := loadFile(s, "config.toml", src)
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
		cfg := s.options().cfg.Defaults()
		if err := cfg.Validate(); err != nil {
			t.Fatalf("a config that loaded without errors fails validation: %v\n%s", err, src)
		}
	})
}
