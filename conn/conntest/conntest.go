// Package conntest is the shared test setup of packages that run a real
// supervisor (conn, conn/obs, scanner, tui): it builds the link process
// once per test process, starts simulators (StartSim), and checks for
// leaked goroutines (Run). Its subpackage fastconf holds the supervisor
// configuration with short intervals. It is imported by tests only.
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
	"testing"

	"go.uber.org/goleak"
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

// MustLinkCommand is LinkCommand for a test: it fails t if the binary
// cannot be built.
func MustLinkCommand(t testing.TB) []string {
	t.Helper()
	cmd, err := LinkCommand()
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// Cleanup removes the built binary; call it from TestMain after m.Run.
func Cleanup() {
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}

// Run is the body of a TestMain for such a package: it runs the tests,
// then (if they passed) fails on any goroutine still running, and removes
// the link binary. Pass its result to os.Exit.
func Run(m *testing.M, leakOpts ...goleak.Option) int {
	defer Cleanup()
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(leakOpts...); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			return 1
		}
	}
	return code
}

// RunWithLink is Run for a package whose tests all need the link: it
// builds the binary first and stores its command in *cmd.
func RunWithLink(m *testing.M, cmd *[]string, leakOpts ...goleak.Option) int {
	c, err := LinkCommand()
	if err != nil {
		Cleanup()
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	*cmd = c
	return Run(m, leakOpts...)
}
