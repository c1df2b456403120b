package main

import (
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
