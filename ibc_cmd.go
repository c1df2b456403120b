package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/ibc"
	"github.com/ibwatch/ibwatch/internal/config"
)

// runIBC is `ibwatch ibc [flags] COMMAND`: one command to IBC's command
// server, for scripts and for a person at a terminal. Exit status: 0 IBC
// answered OK, 1 it answered ERROR, could not be reached or did not answer
// (or a RESTART was not confirmed), 2 bad usage or configuration.
func runIBC(args []string, env config.Env, stdin io.Reader, terminal bool, stdout, stderr io.Writer) int {
	f := config.NewFlags("ibwatch ibc", stderr)
	yes := f.Bool("yes", false, "RESTART without asking (it asks only when stdin is a terminal)")
	timeout := f.Duration("timeout", 10*time.Second, "how long to wait for IBC's answer")
	usage := func() {
		fmt.Fprint(stderr, "Usage: ibwatch ibc [--ibc-address HOST:PORT] [--yes] [--timeout 10s] COMMAND\n\n"+
			"Sends one command to IBC's command server (ibc_address in the config file):\n"+
			"  RECONNECTDATA     TWS reconnects its market and historical data farms\n"+
			"  RECONNECTACCOUNT  TWS reconnects to IB's servers\n"+
			"  RESTART           TWS restarts (asks for confirmation on a terminal)\n\n"+
			"Exit status: 0 OK, 1 IBC answered ERROR or could not be reached, 2 bad usage.\n")
	}
	// Flags may come before or after the command.
	err := f.Parse(args)
	var words []string
	for err == nil && f.NArg() > 0 {
		words = append(words, f.Arg(0))
		err = f.Parse(f.Args()[1:])
	}
	if errors.Is(err, flag.ErrHelp) {
		usage()
		return 0
	}
	if err != nil {
		return 2
	}
	if len(words) != 1 {
		usage()
		return 2
	}
	cmd, err := ibc.ParseCommand(words[0])
	if err != nil {
		fmt.Fprintln(stderr, "ibwatch ibc:", err)
		return 2
	}
	if *timeout <= 0 {
		fmt.Fprintln(stderr, "ibwatch ibc: --timeout must be longer than 0s")
		return 2
	}
	s, err := f.Load(env)
	if err != nil {
		config.PrintErrors(stderr, err)
		return 2
	}
	if s.IBCAddress == "" {
		fmt.Fprintln(stderr, "ibwatch ibc: no IBC address: set ibc_address in the config file or pass --ibc-address 127.0.0.1:PORT (IBC's CommandServerPort)")
		return 2
	}
	if cmd == ibc.Restart && !*yes && terminal {
		fmt.Fprintf(stderr, "Restart TWS through IBC at %s? Open API sessions and market data will drop for a minute or more. [y/N] ", s.IBCAddress)
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(stderr, "ibwatch ibc: not sent")
			return 1
		}
	}
	text, err := ibc.Client{Addr: s.IBCAddress, ReplyTimeout: *timeout}.Send(context.Background(), cmd)
	if err != nil {
		fmt.Fprintln(stderr, "ibwatch ibc:", err)
		return 1
	}
	fmt.Fprintf(stdout, "IBC: %s: OK %s\n", cmd, text)
	return 0
}

// stdinIsTerminal reports whether stdin is a terminal (a person can answer).
func stdinIsTerminal() bool {
	fi, err := os.Stdin.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
