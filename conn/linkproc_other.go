//go:build !linux

package conn

import "os/exec"

// setLinkSysProcAttr: elsewhere the link exits when its stdin closes.
func setLinkSysProcAttr(cmd *exec.Cmd) {}
