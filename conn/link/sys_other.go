//go:build !linux

package link

// countFDs is not available on this platform.
func countFDs() int { return -1 }
