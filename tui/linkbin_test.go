package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// sharedLink is the link process binary for tests that run a real
// supervisor (conn.Supervisor starts it as "BIN link"). It is built at most
// once while any test holds it, without -race (the client library races
// inside itself; only the child runs it), and removed when the last holder
// is done, so TestMain needs no build step.
var sharedLink struct {
	mu    sync.Mutex
	dir   string
	bin   string
	users int
}

// sharedLinkBin returns the link binary, building it on first use; the
// test's cleanup releases it.
func sharedLinkBin(t *testing.T) string {
	t.Helper()
	s := &sharedLink
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users == 0 {
		dir, err := os.MkdirTemp("", "ibwatch-tui-link")
		if err != nil {
			t.Fatal(err)
		}
		s.dir, s.bin = dir, filepath.Join(dir, "ibwatch-link")
		cmd := exec.Command("go", "build", "-o", s.bin, "github.com/ibwatch/ibwatch/conn/link/cmd/ibwatch-link")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			t.Fatalf("building the link binary: %v\n%s", err, out)
		}
	}
	s.users++
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.users--; s.users == 0 {
			os.RemoveAll(s.dir)
		}
	})
	return s.bin
}
