package config

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// env is a fake environment for the loader, on a fixed day (the deals in
// testdata close in 2023).
type env map[string]string

var testToday = time.Date(2023, 9, 1, 12, 0, 0, 0, time.UTC)

func (e env) Lookup(name string) (string, bool) { v, ok := e[name]; return v, ok }

func (e env) Names() []string { return slices.Collect(maps.Keys(e)) }

func (e env) Now() time.Time { return testToday }

// load parses args (setting flags) with the file and e.
func load(t *testing.T, e env, args ...string) (*Settings, error) {
	t.Helper()
	f := NewFlags("ibwatch", &bytes.Buffer{})
	if err := f.Parse(args); err != nil {
		t.Fatalf("flags %v: %v", args, err)
	}
	return f.Load(e)
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrecedenceFlagOverEnvOverFile(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "config.toml", `host = "10.1.1.1"
port = 4002
heartbeat = "7s"
client_id = 5
watchlist = ["SPY"]
`)
	e := env{"IBWATCH_PORT": "4001", "IBWATCH_HEARTBEAT": "8s", "IBWATCH_WATCHLIST": "qqq, iwm"}
	// The flag comes before --config on the command line: position must not matter.
	s, err := load(t, e, "--heartbeat", "9s", "--config", path)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		key, origin string
		got, want   any
	}{
		{"host", path + ":1", s.Host, "10.1.1.1"},
		{"port", "env IBWATCH_PORT", s.Port, 4001},
		{"heartbeat", "flag --heartbeat", s.Heartbeat, 9 * time.Second},
		{"client_id", path + ":4", s.ClientIDs[0], int64(5)},
		{"watchlist", "env IBWATCH_WATCHLIST", strings.Join(s.Watchlist, ","), "QQQ,IWM"},
		{"heartbeat_timeout", "default", s.HeartbeatTimeout, 5 * time.Second},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.key, c.got, c.want)
		}
		if got := s.origin(c.key).String(); got != c.origin {
			t.Errorf("%s came from %q, want %q", c.key, got, c.origin)
		}
	}
}

func TestConfigPathFromEnvAndMissingExplicitFile(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "other.toml", "port = 4002\n")
	s, err := load(t, env{"IBWATCH_CONFIG": path})
	if err != nil || s.Port != 4002 || !s.ConfigFound {
		t.Fatalf("IBWATCH_CONFIG: port %d found %v err %v", s.Port, s.ConfigFound, err)
	}
	_, err = load(t, env{}, "--config", filepath.Join(dir, "missing.toml"))
	if err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Fatalf("a missing --config file must be an error naming it, got %v", err)
	}
}

func TestBadEnvAndFlagValuesAreNamed(t *testing.T) {
	_, err := load(t, env{"IBWATCH_HEARTBEAT": "5 parsecs", "IBWATCH_PORT": "http"}, "--client-id", "x", "--config", os.DevNull)
	if err == nil {
		t.Fatal("bad values were accepted")
	}
	for _, want := range []string{
		`IBWATCH_HEARTBEAT="5 parsecs": not a duration like 5s`,
		`IBWATCH_PORT="http": not a port number 1–65535`,
		`--client-id "x": not a client id or a range like 101-103`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q\ndoes not contain %q", err, want)
		}
	}
}

// TestConfigFilesGolden loads every file in testdata/config and compares
// what the user sees (the errors as every command prints them, and the exit
// status; for valid files, `ibwatch config`) with the .golden file beside it.
func TestConfigFilesGolden(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/xdg/state")
	t.Setenv("NO_COLOR", "")
	files, _ := filepath.Glob(filepath.Join("testdata", "config", "*.toml"))
	if len(files) < 5 {
		t.Fatalf("only %d config files under testdata/config", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			s, err := Load([]string{"--config", f}, env{})
			if err == nil {
				if err := s.WriteEffective(&out); err != nil {
					t.Fatalf("ibwatch config: %v\n%s", err, out.String())
				}
			} else {
				PrintErrors(&out, err)
				out.WriteString("exit status 2\n")
			}
			compareGolden(t, strings.TrimSuffix(f, ".toml")+".golden", out.String())
		})
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/config -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test ./internal/config -update rewrites it)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestInitWritesExampleThatParses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "config.toml")
	if err := WriteExample(path, false); err != nil {
		t.Fatalf("--init: %v", err)
	}
	if err := WriteExample(path, false); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("--init over an existing file: %v", err)
	}
	if err := WriteExample(path, true); err != nil {
		t.Fatalf("--init --force: %v", err)
	}
	s, err := load(t, env{}, "--config", path)
	if err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	if !s.ConfigFound || len(s.Deals) != 0 {
		t.Fatalf("found %v deals %v", s.ConfigFound, s.Deals)
	}
	// Uncomment every key: the file must still load, with the defaults
	// and the example deal.
	body, _ := os.ReadFile(path)
	uncommented := regexp.MustCompile(`(?m)^#(\[deals|\[scan|[a-z_]+ = )`).ReplaceAll(body, []byte("$1"))
	full := writeFile(t, dir, "full.toml", string(uncommented))
	s, err = load(t, env{}, "--config", full)
	if err != nil {
		t.Fatalf("the uncommented example does not load: %v\n%s", err, uncommented)
	}
	def := defaultSettings()
	for i := range settingTable {
		st := &settingTable[i]
		if st.key == "log_file" {
			continue // derived from state_dir
		}
		if got, want := st.show(s), st.show(def); got != want {
			t.Errorf("%s = %s, want the default %s", st.key, got, want)
		}
		if o := s.origin(st.key); o.kind != "file" {
			t.Errorf("%s is not set in the example (origin %s)", st.key, o)
		}
	}
	for _, k := range scanKeyNames() {
		if o := s.origin("scan." + k); o.kind != "file" {
			t.Errorf("[scan] %s is not set in the example (origin %s)", k, o)
		}
	}
	if got, want := scanText(s), scanText(def); !strings.HasPrefix(got, want) /* then the example deal's own keys */ {
		t.Errorf("[scan] = %s, want the defaults %s", got, want)
	}
	if len(s.Deals) != 1 || s.Deals[0].Symbol != "XYZ" || s.Deals[0].Price != 25.5 || s.Deals[0].BreakPrice != 18 ||
		s.Deals[0].Dividends != 0.5 || s.Deals[0].Prob != 0.85 || s.PerDeal()["XYZ"].LongLo != 0.8 {
		t.Fatalf("example deal = %+v, own selection %+v", s.Deals, s.PerDeal())
	}
}

func TestRelativePathsInFileAreRelativeToIt(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "c.toml", "state_dir = \"st\"\n")
	s, err := load(t, env{}, "--config", path)
	if err != nil {
		t.Fatal(err)
	}
	if s.StateDir != filepath.Join(dir, "st") || s.LogFile != filepath.Join(dir, "st", "ibwatch.log") {
		t.Fatalf("state_dir %q log_file %q", s.StateDir, s.LogFile)
	}
}

func TestParseIDs(t *testing.T) {
	for in, want := range map[string]string{
		"101": "[101]", "101,102": "[101, 102]", "101-103, 110": "[101, 102, 103, 110]", " 7 - 8 ": "[7, 8]",
	} {
		ids, err := parseIDs(in)
		if err != nil || formatIDs(ids) != want {
			t.Errorf("parseIDs(%q) = %v, %v; want %s", in, ids, err, want)
		}
	}
	for _, bad := range []string{"", "a", "103-101", "1-1000", "1,1", "-5", "2147483648"} {
		if ids, err := parseIDs(bad); err == nil {
			t.Errorf("parseIDs(%q) = %v, want an error", bad, ids)
		}
	}
}

// TestREADMEDocumentsEveryKey keeps the configuration reference honest:
// every key, its variable and its flag appear in README.md, as do the two
// set-up commands.
func TestREADMEDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	want := []string{"go run . --demo", "go test ./...", "IBWATCH_CONFIG", "--config", "[deals.", "ibwatch config --init"}
	for _, st := range settingTable {
		want = append(want, "`"+st.key+"`", "`"+envName(st.key)+"`", "`--"+flagName(st.key)+"`")
	}
	want = append(want, "`[scan]`", "`dividends`", "`probability`", "(S − B)/(D − B)")
	for _, k := range scanKeyNames() {
		want = append(want, "| `"+k+"` |")
	}
	for _, w := range want {
		if !strings.Contains(readme, w) {
			t.Errorf("README.md does not mention %s", w)
		}
	}
}
