//go:build linux || darwin

package link

import (
	"io"
	"os"
	"syscall"
)

// pollableStdin returns the process's standard input in non-blocking mode,
// wrapped so that reads wait in Go's network poller instead of parking an OS
// thread in read(2). An idle link then costs fewer thread wake-ups per
// command (it matters: a weekend of refused attempts is thousands of them).
// Any other reader is returned unchanged (tests pass pipes).
func pollableStdin(r io.Reader) io.Reader {
	f, ok := r.(*os.File)
	if !ok || f != os.Stdin {
		return r
	}
	if err := syscall.SetNonblock(int(f.Fd()), true); err != nil {
		return r
	}
	return os.NewFile(f.Fd(), "stdin")
}
