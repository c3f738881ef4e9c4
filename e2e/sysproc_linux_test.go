package e2e

import "syscall"

// serverSysProcAttr makes the kernel kill a server process when the test
// binary dies, so that no server outlives an interrupted run.
func serverSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
