package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// `ibwatch ibc` against the simulated IBC: what a script sees (exit
// status, output) and what IBC received.
func TestIBCCommand(t *testing.T) {
	sim := twsim.New(twsim.Config{Listen: "127.0.0.1:0"})
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	b, err := sim.StartIBC(twsim.IBCConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(cfg, []byte("ibc_address = \""+b.Addr()+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	environ := env{"IBWATCH_CONFIG": cfg}
	sent := func() []string {
		var out []string
		for _, f := range sim.State().Faults {
			if f.Fault == "ibc" && !strings.HasPrefix(f.Detail, "EXIT") {
				out = append(out, strings.Fields(f.Detail)[0])
			}
		}
		return out
	}
	run := func(stdin string, terminal bool, args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := runIBC(args, environ, strings.NewReader(stdin), terminal, &out, &errOut)
		return code, out.String(), errOut.String()
	}

	if code, out, errOut := run("", false, "reconnectdata"); code != 0 || !strings.Contains(out, "RECONNECTDATA: OK") {
		t.Fatalf("RECONNECTDATA: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := run("n\n", true, "RESTART"); code != 1 || !strings.Contains(errOut, "not sent") {
		t.Fatalf("RESTART declined: %d %q", code, errOut)
	}
	if code, out, _ := run("y\n", true, "RESTART"); code != 0 || !strings.Contains(out, "Restart in progress") {
		t.Fatalf("RESTART confirmed: %d %q", code, out)
	}
	if code, out, _ := run("", true, "RESTART", "--yes"); code != 0 || out == "" {
		t.Fatalf("RESTART --yes: %d %q", code, out)
	}
	if got := strings.Join(sent(), ","); got != "RECONNECTDATA,RESTART,RESTART" {
		t.Fatalf("IBC received %s", got)
	}
	b.SetAnswerError("main window not found")
	if code, _, errOut := run("", false, "RECONNECTACCOUNT"); code != 1 || !strings.Contains(errOut, "ERROR") && !strings.Contains(errOut, "main window not found") {
		t.Fatalf("ERROR answer: %d %q", code, errOut)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"STOP"}, "shut TWS down"},
		{[]string{}, "Usage"},
		{[]string{"RESTART", "RESTART"}, "Usage"},
		{[]string{"--ibc-address", "10.1.2.3:7462", "RECONNECTDATA"}, "loopback"},
		{[]string{"--ibc-address", "", "RECONNECTDATA"}, "no IBC address"},
	} {
		if code, _, errOut := run("", false, c.args...); code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
	b.Close()
	if code, _, errOut := run("", false, "RECONNECTDATA"); code != 1 || !strings.Contains(errOut, "unreachable") {
		t.Fatalf("IBC down: %d %q", code, errOut)
	}
}
