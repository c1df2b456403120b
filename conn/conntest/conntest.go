// Package conntest serves the tests of packages that run a real supervisor
// (conn, conn/obs, scanner, tui): it builds the link process once per test
// process. It is imported by tests only.
//
// The binary is the link alone (conn/link/cmd/ibwatch-link, the same
// link.Main that `ibwatch link` runs), built without -race: the ibapi
// client races inside itself and runs only in that child, so the packages
// that supervise it stay race-checked.
package conntest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

var (
	once sync.Once
	dir  string
	bin  string
	err  error
)

// LinkCommand returns the command that starts a link process (for
// conn.Config.LinkCommand), building the binary on first use.
func LinkCommand() ([]string, error) {
	once.Do(func() {
		dir, err = os.MkdirTemp("", "ibwatch-link-test")
		if err != nil {
			return
		}
		bin = filepath.Join(dir, "ibwatch-link")
		cmd := exec.Command("go", "build", "-o", bin, "github.com/ibwatch/ibwatch/conn/link/cmd/ibwatch-link")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, berr := cmd.CombinedOutput(); berr != nil {
			err = fmt.Errorf("building the link binary: %v\n%s", berr, out)
		}
	})
	if err != nil {
		return nil, err
	}
	return []string{bin, "link"}, nil
}

// Cleanup removes the built binary; call it from TestMain after m.Run.
func Cleanup() {
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}
