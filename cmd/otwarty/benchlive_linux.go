package main

import "syscall"

// benchSysProcAttr makes the kernel kill the benchmark's server if the
// benchmark dies, so that no server (and its PostgreSQL) outlives a run.
func benchSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
