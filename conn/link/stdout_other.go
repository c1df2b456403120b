//go:build !linux && !darwin

package link

import (
	"io"
	"os"
)

// protectStdout is the portable fallback: the protocol keeps the original
// standard output file, and the os.Stdout variable (which the library's
// fmt.Println uses) is pointed at stderr. Output written to the descriptor
// directly, bypassing os.Stdout, is not caught here.
func protectStdout(stdout io.Writer) (io.Writer, error) {
	f, ok := stdout.(*os.File)
	if !ok || f != os.Stdout {
		return stdout, nil
	}
	os.Stdout = os.Stderr
	return f, nil
}
