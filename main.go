// Command ibwatch watches the API connection to Interactive Brokers TWS / IB
// Gateway, heals it, and shows the night at a glance.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ibwatch/ibwatch/conn/link"
	"github.com/ibwatch/ibwatch/conn/twsim"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "link": // hidden: the child process that owns the ibapi client
			return link.Main(os.Stdin, os.Stdout, os.Stderr)
		case "sim":
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return twsim.Main(ctx, args[1:], os.Stdout, os.Stderr)
		}
	}
	fmt.Fprintln(os.Stderr, "ibwatch: dashboard not implemented yet")
	return 1
}
