//go:build !linux

package e2e

import "syscall"

// serverSysProcAttr: the parent-death signal is Linux-only; elsewhere servers
// are stopped by the tests' cleanups alone.
func serverSysProcAttr() *syscall.SysProcAttr { return nil }
