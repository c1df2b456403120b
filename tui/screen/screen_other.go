//go:build !unix

package screen

import "os"

// ownRenderer is false where there is no SIGWINCH (Windows): Bubble Tea's
// renderer, which learns the size from console events, keeps drawing.
const ownRenderer = false

func notifyResize(chan<- os.Signal) {}
