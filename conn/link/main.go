// Package link is the child "link" process: it owns the ibapi.EClient and the
// loopback relay to TWS, and speaks the link protocol (conn/proto.go) with the
// parent over stdin/stdout.
package link

import "io"

// Main runs the link process until stdin closes; it returns the exit status.
func Main(stdin io.Reader, stdout, stderr io.Writer) int {
	return 1
}
