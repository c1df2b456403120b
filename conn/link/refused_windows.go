//go:build windows

package link

import (
	"errors"
	"syscall"
)

// wsaeconnrefused is WSAECONNREFUSED, what Windows reports for a closed port.
const wsaeconnrefused = syscall.Errno(10061)

// isRefused reports whether err is "connection refused".
func isRefused(err error) bool {
	return errors.Is(err, wsaeconnrefused) || errors.Is(err, syscall.ECONNREFUSED)
}
