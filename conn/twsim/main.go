package twsim

import (
	"context"
	"fmt"
	"io"
)

// Main runs `ibwatch sim ARGS...` until ctx ends; it returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "ibwatch sim: not implemented yet")
	return 1
}
