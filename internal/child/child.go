// Package child starts child processes that must not outlive this one.
//
// On Linux a child can ask for a signal when its parent dies (Pdeathsig in
// cmd.SysProcAttr), but "parent" is the OS thread that forked it, not the
// process: Go ends a thread when a goroutine locked to it exits, and any
// thread may have forked any child. A child started from an ordinary
// goroutine is therefore killed at a random moment, when its thread is
// later taken by a locked goroutine that ends (the embedded PostgreSQL's
// starter does, whenever a cluster stops). Start forks from a goroutine
// locked to its thread until the child has exited.
package child

import (
	"os/exec"
	"runtime"
)

// Start starts cmd, as cmd.Start does, from a goroutine that stays locked to
// its OS thread until the child exits, and waits for it there: the returned
// channel receives cmd.Wait's result once. Use it instead of cmd.Start when
// cmd.SysProcAttr sets Pdeathsig; do not call cmd.Wait yourself.
func Start(cmd *exec.Cmd) (<-chan error, error) {
	started := make(chan error, 1)
	done := make(chan error, 1)
	go func() {
		// Never unlocked: the thread ends with this goroutine, after the
		// child.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		done <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return done, nil
}

// Run runs cmd to its end, as cmd.Run does, started as Start starts it.
func Run(cmd *exec.Cmd) error {
	done, err := Start(cmd)
	if err != nil {
		return err
	}
	return <-done
}
