//go:build linux || darwin

package link

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// protectStdout moves the protocol to a private duplicate of file descriptor 1
// and points descriptor 1 at stderr, so that anything else that writes to
// standard output (the library prints to it before some panics) lands in the
// parent's log instead of corrupting the protocol. Any other writer is
// returned unchanged (tests pass pipes).
func protectStdout(stdout io.Writer) (io.Writer, error) {
	f, ok := stdout.(*os.File)
	if !ok || f != os.Stdout {
		return stdout, nil
	}
	fd, err := unix.Dup(int(f.Fd()))
	if err != nil {
		return nil, &os.SyscallError{Syscall: "dup", Err: err}
	}
	unix.CloseOnExec(fd)
	if err := unix.Dup2(int(os.Stderr.Fd()), int(f.Fd())); err != nil {
		_ = unix.Close(fd)
		return nil, &os.SyscallError{Syscall: "dup2", Err: err}
	}
	return os.NewFile(uintptr(fd), "link-protocol"), nil
}
