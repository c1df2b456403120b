package tui

import (
	"testing"

	"github.com/ibwatch/ibwatch/conn/conntest"
)

// linkCommand returns the command that starts a link process for tests
// that run a real supervisor. conntest builds it once per test process,
// without -race (the client library races inside itself; only the child
// runs it); TestMain removes it.
func linkCommand(t *testing.T) []string {
	t.Helper()
	cmd, err := conntest.LinkCommand()
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}
