package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionLdflags builds ibwatch the way .goreleaser.yaml does and checks
// that `ibwatch version` shows the injected values: a wrong -X path is
// silently ignored by the linker, so only running the binary can tell.
func TestVersionLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "ibwatch")
	const pkg = "github.com/ibwatch/ibwatch/conn/obs"
	ldflags := "-X " + pkg + ".Version=9.8.7 -X " + pkg + ".Commit=abc1234 -X " + pkg + ".Date=2026-01-02T03:04:05Z"
	build := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, ".")
	build.Env = append(build.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("ibwatch version: %v\n%s", err, out)
	}
	want := "ibwatch 9.8.7 (commit abc1234, built 2026-01-02T03:04:05Z, "
	if !strings.HasPrefix(string(out), want) {
		t.Fatalf("ibwatch version = %q, want prefix %q", out, want)
	}
}
