package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The e2e tests of this package run the binary a user builds. It is built
// once per test run (go build is the slow part) into binDir, which TestMain
// removes at the end.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
	binOut  []byte
)

// ibwatchBinary builds ./ibwatch (once) and returns its path.
func ibwatchBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "ibwatch-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "ibwatch")
		build := exec.Command("go", "build", "-o", binPath, ".")
		build.Env = append(build.Environ(), "CGO_ENABLED=0")
		binOut, binErr = build.CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binOut)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// startSimProcess runs `ibwatch sim` from bin in a process of its own, as a
// user would, and waits for its control port. It returns the API port and
// the control port's base URL; the process ends with the test.
func startSimProcess(t *testing.T, bin string) (port int, control string) {
	t.Helper()
	port, ctl := freeTCPPort(t), freeTCPPort(t)
	sim := exec.Command(bin, "sim", "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--control", fmt.Sprintf("127.0.0.1:%d", ctl))
	sim.Stdout, sim.Stderr = io.Discard, io.Discard
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Process.Kill(); _ = sim.Wait() })
	control = fmt.Sprintf("http://127.0.0.1:%d", ctl)
	waitHTTP(t, control+"/state")
	return port, control
}
