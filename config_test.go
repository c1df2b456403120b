package main

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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

// load parses args (watcher flags) with the file and e.
func load(t *testing.T, e env, args ...string) (*settings, error) {
	t.Helper()
	c := newCLIFlags("ibwatch", &bytes.Buffer{}, true)
	if err := c.fs.Parse(args); err != nil {
		t.Fatalf("flags %v: %v", args, err)
	}
	return loader{env: e}.load(c)
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

// TestConfigFilesGolden runs the watcher's option parsing on every file in
// testdata/config and compares what the user sees (stderr and exit status;
// for valid files, `ibwatch config`) with the .golden file beside it.
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
			_, code := parseOptions([]string{"--config", f}, env{}, &out, &out)
			if code == -1 {
				if rc := runConfig([]string{"--config", f}, env{}, &out, &out); rc != 0 {
					t.Fatalf("ibwatch config: exit %d\n%s", rc, out.String())
				}
			} else {
				out.WriteString("exit status " + strconv.Itoa(code) + "\n")
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
		t.Fatalf("%v (run go test . -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test . -update rewrites it)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestBadConfigDoesNotStart(t *testing.T) {
	var out bytes.Buffer
	_, code := parseOptions([]string{"--config", filepath.Join("testdata", "config", "bad_duration.toml")}, env{}, &out, &out)
	if code != 2 {
		t.Fatalf("exit status %d, want 2", code)
	}
	want := `bad_duration.toml:12: heartbeat = "5 parsecs": not a duration like 5s`
	if !strings.Contains(out.String(), want) {
		t.Fatalf("output %q\ndoes not contain %q", out.String(), want)
	}
}

func TestInitWritesExampleThatParses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "config.toml")
	var out, errOut bytes.Buffer
	if rc := runConfig([]string{"--init", "--config", path}, env{}, &out, &errOut); rc != 0 {
		t.Fatalf("--init: exit %d: %s", rc, errOut.String())
	}
	if rc := runConfig([]string{"--init", "--config", path}, env{}, &out, &errOut); rc == 0 ||
		!strings.Contains(errOut.String(), "already exists") {
		t.Fatalf("--init over an existing file: exit %d, %q", rc, errOut.String())
	}
	if rc := runConfig([]string{"--init", "--force", "--config", path}, env{}, &out, &errOut); rc != 0 {
		t.Fatalf("--init --force: exit %d", rc)
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
	uncommented := regexp.MustCompile(`(?m)^#(\[deals|[a-z_]+ = )`).ReplaceAll(body, []byte("$1"))
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
	if len(s.Deals) != 1 || s.Deals[0].Symbol != "XYZ" || s.Deals[0].Price != 25.5 || s.Deals[0].BreakPrice != 18 {
		t.Fatalf("example deal = %+v", s.Deals)
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

// TestHelpGoesToStdout: ibwatch --help | less must show the help, so it
// goes to stdout with exit status 0; a bad flag still goes to stderr (2).
func TestHelpGoesToStdoutAndNamesConfigAndLogFile(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "c.toml", "log_file = \"/var/tmp/ibw.log\"\n")
	var out, errOut bytes.Buffer
	if _, code := parseOptions([]string{"--config", path, "--help"}, env{}, &out, &errOut); code != 0 || errOut.Len() > 0 {
		t.Fatalf("--help: exit %d, stderr %q", code, errOut.String())
	}
	for _, want := range []string{"Config file: " + path + " (found)", "Log file:    /var/tmp/ibw.log", "-metrics-addr"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help does not contain %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if rc := runConfig([]string{"--help"}, env{}, &out, &errOut); rc != 0 || errOut.Len() > 0 || !strings.Contains(out.String(), "Usage: ibwatch config") {
		t.Fatalf("config --help: exit %d, stdout %q, stderr %q", rc, out.String(), errOut.String())
	}
	out.Reset()
	if _, code := parseOptions([]string{"--no-such-flag"}, env{}, &out, &errOut); code != 2 || out.Len() > 0 ||
		!strings.Contains(errOut.String(), "no-such-flag") {
		t.Fatalf("bad flag: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

// TestREADMEDocumentsEveryKey keeps the configuration reference honest:
// every key, its variable and its flag appear in README.md, as do the two
// set-up commands.
func TestREADMEDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	want := []string{"go run . --demo", "go test ./...", "IBWATCH_CONFIG", "--config", "[deals.", "ibwatch config --init"}
	for _, st := range settingTable {
		want = append(want, "`"+st.key+"`", "`"+envName(st.key)+"`", "`--"+flagName(st.key)+"`")
	}
	for _, w := range want {
		if !strings.Contains(readme, w) {
			t.Errorf("README.md does not mention %s", w)
		}
	}
}
