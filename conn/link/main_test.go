package link

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no goroutine outlives the tests: every link run in
// process, its relays and EClients, and every simulator must be gone.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
