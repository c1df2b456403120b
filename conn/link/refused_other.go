//go:build !windows

package link

import (
	"errors"
	"syscall"
)

// isRefused reports whether err is "connection refused".
func isRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}
