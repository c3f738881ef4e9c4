//go:build !linux

package main

import "syscall"

// benchSysProcAttr: the parent-death signal is Linux-only; elsewhere the
// server is stopped by the benchmark's own cleanup.
func benchSysProcAttr() *syscall.SysProcAttr { return nil }
