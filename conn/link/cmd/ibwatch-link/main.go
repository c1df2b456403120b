// Command ibwatch-link is the link process alone, for the tests of packages
// that supervise it (conn, scanner): it runs the same link.Main that
// `ibwatch link` runs, without the rest of the dashboard, so those tests
// build quickly and do not depend on the main package. Its arguments are
// ignored (the supervisor passes "link").
package main

import (
	"os"

	"github.com/ibwatch/ibwatch/conn/link"
)

func main() {
	os.Exit(link.Main(os.Stdin, os.Stdout, os.Stderr))
}
