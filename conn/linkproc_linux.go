//go:build linux

package conn

import (
	"os/exec"
	"syscall"
)

// setLinkSysProcAttr makes the kernel kill the link if we die without
// killing it ourselves, so a link never outlives the dashboard.
func setLinkSysProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
