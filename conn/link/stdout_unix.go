//go:build linux

package link

import (
	"io"
	"os"
	"syscall"
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
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		return nil, &os.SyscallError{Syscall: "dup", Err: err}
	}
	syscall.CloseOnExec(fd)
	if err := syscall.Dup3(int(os.Stderr.Fd()), int(f.Fd()), 0); err != nil {
		_ = syscall.Close(fd)
		return nil, &os.SyscallError{Syscall: "dup3", Err: err}
	}
	return os.NewFile(uintptr(fd), "link-protocol"), nil
}
