//go:build !linux && !darwin

package link

import "io"

// pollableStdin: elsewhere standard input is read as it is.
func pollableStdin(r io.Reader) io.Reader { return r }
