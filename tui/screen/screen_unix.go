//go:build unix

package screen

import (
	"os"
	"os/signal"
	"syscall"
)

// ownRenderer says the Screen draws itself here: the terminal reports
// resizes with SIGWINCH.
const ownRenderer = true

// notifyResize delivers SIGWINCH on ch.
func notifyResize(ch chan<- os.Signal) { signal.Notify(ch, syscall.SIGWINCH) }
