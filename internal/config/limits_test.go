package config

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// loadSrc loads a config file body, with the flags args.
func loadSrc(t *testing.T, body string, args ...string) (*Settings, error) {
	t.Helper()
	path := writeFile(t, t.TempDir(), "config.toml", body)
	return load(t, env{}, append([]string{"--config", path}, args...)...)
}

// wantErr fails unless err's text contains every one of want.
func wantErr(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: accepted, want an error containing %q", what, want)
		return
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: error %q\ndoes not contain %q", what, err, w)
		}
	}
}

func TestDealsThatAreNotTablesAreErrors(t *testing.T) {
	for _, v := range []string{`5`, `"x"`, `[1, 2]`, `true`} {
		_, err := loadSrc(t, "port = 4002\ndeals = "+v+"\n")
		wantErr(t, "deals = "+v, err, "config.toml:2: deals = "+v+": want one table per symbol, like [deals.ATVI]")
	}
	_, err := loadSrc(t, "[deals]\nXYZ = 5\n")
	wantErr(t, "[deals] XYZ = 5", err, "config.toml:2: deals.XYZ = 5: want a table like [deals.XYZ]")
}

func TestDealChecks(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"[deals.XYZ]\nprice = 20.0\nbreak = 25.0\n", "deals.XYZ.break = 25: must be below price 20 (break is where the stock falls"},
		{"[deals.XYZ]\nprice = 20.0\nbreak = 20.0\n", "must be below price 20"},
		{"[deals.XYZ]\nprice = 20.0\nclose = 2021-06-30\n", "deals.XYZ.close = 2021-06-30: more than 365 days ago: the deal has closed or failed"},
		{"[deals.XYZ]\nprice = 20.0\nclose = 2032-06-30\n", "deals.XYZ.close = 2032-06-30: more than 5 years ahead"},
		{"[deals.\"../../etc\"]\nprice = 20.0\n", "deals.../../etc: not a symbol"},
		{"[deals.\"BRK  B\"]\nprice = 20.0\n", "not a symbol"},
		{"[deals.XYZ]\nprice = 1e20\n", "deals.XYZ.price = 1e+20: must be below 1000000"},
		{"[deals.XYZ]\nprice = 20.0\nbreak = 1e20\n", "deals.XYZ.break = 1e+20: must be below 1000000"},
		{"[deals.XYZ]\nprice = 20.0\n\n[deals.xyz]\nprice = 21.0\n",
			"config.toml:4: deals.xyz: the same symbol as [deals.XYZ] on line 1 (symbols ignore case): keep one"},
	} {
		_, err := loadSrc(t, c.body)
		wantErr(t, c.body, err, c.want)
	}
	// The limits still let real deals through: a day before the test's
	// today is fine, as are a year ago and "BRK B".
	s, err := loadSrc(t, "[deals.\"brk b\"]\nprice = 500\nbreak = 0.5\nclose = 2022-09-01\n\n[deals.\"BF.B\"]\nprice = 999999.99\nclose = 2028-08-31\n")
	if err != nil || len(s.Deals) != 2 {
		t.Fatalf("good deals refused: %v", err)
	}
}

func TestSymbols(t *testing.T) {
	for _, ok := range []string{"AAPL", "BRK B", "BF.B", "RDS-A", "700", "A"} {
		if err := checkSymbol(ok); err != nil {
			t.Errorf("checkSymbol(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "../../ETC", ".A", "A.", "A..B", "A B ", "A/B", "ABCDEFGHIJKLM", "A\x1bB", "ÄPFEL"} {
		if err := checkSymbol(bad); err == nil {
			t.Errorf("checkSymbol(%q) accepted", bad)
		}
	}
}

// TestDurationLimits: every duration has a floor and a ceiling, each
// with its reason; the values the end-to-end test drives the binary with
// stay inside.
func TestDurationLimits(t *testing.T) {
	_, err := load(t, env{}, "--config", os.DevNull, "--heartbeat", "1ns")
	wantErr(t, "--heartbeat 1ns", err, `--heartbeat "1ns": must be at least 200ms: faster heartbeats only load TWS`)
	_, err = load(t, env{}, "--config", os.DevNull, "--heartbeat-timeout", "1ns")
	wantErr(t, "--heartbeat-timeout 1ns", err, `--heartbeat-timeout "1ns": must be at least 200ms: a busy but healthy TWS`)
	_, err = load(t, env{"IBWATCH_BACKOFF_MAX": "24h"}, "--config", os.DevNull)
	wantErr(t, "IBWATCH_BACKOFF_MAX=24h", err, `IBWATCH_BACKOFF_MAX="24h": must be at most 30m: you would stay disconnected`)
	for _, st := range settingTable {
		if st.kind != kindDuration {
			continue
		}
		flagN := "--" + flagName(st.key)
		for _, v := range []string{"1ns", "1000h"} {
			if _, err := load(t, env{}, "--config", os.DevNull, flagN, v); err == nil ||
				!strings.Contains(err.Error(), ": must be at") || !strings.Contains(err.Error(), ": ") {
				t.Errorf("%s %s: %v, want a limit with its reason", flagN, v, err)
			}
		}
	}
	if _, err := load(t, env{}, "--config", os.DevNull, "--heartbeat", "200ms", "--heartbeat-timeout", "400ms",
		"--handshake-timeout", "1s", "--backoff-base", "20ms", "--backoff-max", "200ms"); err != nil {
		t.Fatalf("the end-to-end test's timings are refused: %v", err)
	}
	s, err := loadSrc(t, "restart_window = \"3h\"\nheartbeat = \"10m\"\n")
	if err != nil || s.RestartWindow != 3*time.Hour {
		t.Fatalf("the maximums themselves are refused: %v", err)
	}
}

var echoRunRE = regexp.MustCompile(`9{5,}|X{5,}`)

func TestLongValuesAreClippedAndEchoedOnce(t *testing.T) {
	long := strings.Repeat("9", 5000)
	cases := map[string]func() error{
		"env": func() error {
			_, err := load(t, env{"IBWATCH_CLIENT_ID": long}, "--config", os.DevNull)
			return err
		},
		"flag": func() error {
			_, err := load(t, env{}, "--config", os.DevNull, "--metrics-addr", "localhost:"+long)
			return err
		},
		"file": func() error { _, err := loadSrc(t, "client_id = \""+long+"\"\n"); return err },
		"key":  func() error { _, err := loadSrc(t, "k"+long+" = 1\n"); return err },
		"list": func() error { _, err := loadSrc(t, "watchlist = [\""+long+"\", \"x\"]\n"); return err },
		"var": func() error {
			_, err := load(t, env{"IBWATCH_" + strings.Repeat("X", 5000): "1"}, "--config", os.DevNull)
			return err
		},
	}
	for name, f := range cases {
		err := f()
		if err == nil {
			t.Errorf("%s: a 5,000-character value was accepted", name)
			continue
		}
		// One clipped echo; a list's message names the bad element too.
		echoes := 1
		if name == "list" {
			echoes = 2
		}
		// Count only runs of the value's character: a temp path's digits are not an echo.
		n := 0
		for _, run := range echoRunRE.FindAllString(err.Error(), -1) {
			n += len(run)
		}
		if n > echoes*clipLen || !strings.Contains(err.Error(), "…") {
			t.Errorf("%s: %d characters of the value echoed, want at most %d: %s", name, n, echoes*clipLen, err)
		}
	}
}

func TestUnknownVariablesAreErrors(t *testing.T) {
	typo := "IBWATCH_HEARTBEAT_" + "TIMOUT" // spelt in two halves so the repository scan below skips it
	_, err := load(t, env{typo: "5s", "IBWATCH_SOAK": "60s", "IBWATCH_CONFIG": os.DevNull, "IBWATCH_" + "UNSET": ""})
	wantErr(t, typo, err, "unknown variable "+typo+" (did you mean IBWATCH_HEARTBEAT_TIMEOUT?)")
	if strings.Contains(err.Error(), "SOAK") || strings.Contains(err.Error(), "UNSET") || strings.Count(err.Error(), "\n") > 0 {
		t.Errorf("only the typo is an error, not a test's variable or an empty one: %v", err)
	}
}

func TestConfigFileSizeIsCapped(t *testing.T) {
	big := writeFile(t, t.TempDir(), "big.toml", "# "+strings.Repeat("x", maxConfigBytes)+"\n")
	_, err := load(t, env{}, "--config", big)
	wantErr(t, "a 1 MiB file", err, "big.toml is larger than 1024 KiB: not a config file")
	if _, statErr := os.Stat("/dev/zero"); statErr == nil {
		_, err = load(t, env{}, "--config", "/dev/zero")
		wantErr(t, "/dev/zero", err, "config file: /dev/zero is larger than 1024 KiB")
	}
	dir := t.TempDir()
	_, err = load(t, env{}, "--config", dir)
	wantErr(t, "a directory", err, dir+" is a directory, not a config file")
	_, err = load(t, env{}, "--config", writeFile(t, dir, "ok.toml", "# "+strings.Repeat("x", maxConfigBytes-3)+"\n"))
	if err != nil {
		t.Fatalf("a file of exactly the cap is refused: %v", err)
	}
}

var envNameRE = regexp.MustCompile(`IBWATCH_[A-Z0-9_]*[A-Z0-9]`)

// TestEveryIBWATCHVariableIsKnown scans the repository's code and CI
// script for IBWATCH_* names: each must be a setting's variable or listed in otherEnvVars, or
// the tests (which run the binary with their environment) would make it
// refuse to start.
func TestEveryIBWATCHVariableIsKnown(t *testing.T) {
	seen := map[string]string{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && d.Name() != ".ci") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") && filepath.Base(filepath.Dir(path)) != ".ci" { // code and CI set variables; docs may show typos
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range envNameRE.FindAllString(string(b), -1) {
			seen[m] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 5 {
		t.Fatalf("found only %d IBWATCH_ names", len(seen))
	}
	for name, path := range seen {
		if unknownEnvVars(env{name: "1"}) != nil {
			t.Errorf("%s (in %s) would stop ibwatch from starting: add it to otherEnvVars or make it a setting", name, path)
		}
	}
}

// TestConfigOutputReadsBack: what `ibwatch config` prints, from a file,
// variables and flags together, loads as a file and gives the same
// settings (FuzzConfigRoundTrip explores more files).
func TestConfigOutputReadsBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "odd\nname")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skip("this file system refuses a newline in a name")
	}
	path := writeFile(t, dir, "c.toml", "state_dir = \"st\"\n\n[deals.\"brk b\"]\nprice = 86.0\nbreak = 0.1\nclose = 2023-10-13\n\n[deals.X]\nprice = 999999.99\n")
	var out bytes.Buffer
	e := env{"IBWATCH_HEARTBEAT": "1m30s", "IBWATCH_HOST": "h\x01\"x"}
	want, err := load(t, e, "--config", path, "--client-id", "7-9")
	if err != nil {
		t.Fatalf("ibwatch config: %v", err)
	}
	if err := want.WriteEffective(&out); err != nil {
		t.Fatalf("ibwatch config: %v", err)
	}
	printed := writeFile(t, t.TempDir(), "printed.toml", out.String())
	got, err := load(t, env{}, "--config", printed)
	if err != nil {
		t.Fatalf("the output does not load: %v\n%s", err, out.String())
	}
	for _, st := range settingTable {
		if a, b := st.show(want), st.show(got); a != b {
			t.Errorf("%s = %s, read back as %s", st.key, a, b)
		}
	}
	if len(got.Deals) != 2 || got.Deals[0] != want.Deals[0] || got.Deals[1] != want.Deals[1] {
		t.Errorf("deals %+v, read back as %+v", want.Deals, got.Deals)
	}
}
