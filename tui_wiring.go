package main

import (
	"context"
	"fmt"
	"os"

	"github.com/ibwatch/ibwatch/conn"
)

// runTUI runs the dashboard until the user quits or ctx ends.
func runTUI(ctx context.Context, o options, sup *conn.Supervisor, cfg conn.Config) int {
	fmt.Fprintln(os.Stderr, "ibwatch: the dashboard is not wired yet; use --headless")
	return 1
}
