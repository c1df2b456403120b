package scanner

import (
	"flag"
	"fmt"

	"github.com/ibwatch/ibwatch/conn"
)

// Defaults are what the configuration gives `ibwatch chain` and `ibwatch
// scan`. The command line wins over each of them.
type Defaults struct {
	Host  string // TWS / IB Gateway host ("" = 127.0.0.1)
	Port  int    // its API port (0 = 7497)
	Deals []Deal // the deals followed: chain adds its symbol's lens, scan scans them
	// NewSup builds the command's supervisor for the endpoint and client
	// ids the command picks (nil = conn.New).
	NewSup func(conn.Config) (*conn.Supervisor, error)
}

// Configure returns the Defaults of the config file named by --config
// ("" when the command line names none). It is called once the command
// line has parsed. To end the command instead, it says why on stderr
// itself and returns the exit status; else ExitOK.
type Configure func(configPath string) (Defaults, int)

// exitCode ends a command with a status whose reason is already printed.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// configUsage is the help of --config, whose value goes to Configure.
const configUsage = "the config `file` whose endpoint and deals to use (default: ibwatch's, see ibwatch --help)"

// configure calls c (nil: no configuration) and returns its Defaults, or
// an exitCode error.
func configure(c Configure, path string) (Defaults, error) {
	if c == nil {
		return Defaults{}, nil
	}
	d, code := c(path)
	if code != ExitOK {
		return d, exitCode(code)
	}
	return d, nil
}

// given returns the names of the flags set on the command line.
func given(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// useDefaults takes the configured host and port where the command line
// gave none.
func (ep *endpoint) useDefaults(d Defaults, set map[string]bool) {
	if !set["host"] && d.Host != "" {
		ep.host = d.Host
	}
	if !set["port"] && d.Port != 0 {
		ep.port = d.Port
	}
}
