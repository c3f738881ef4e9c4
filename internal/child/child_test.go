package child_test

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/child"
)

// A child started by Start outlives goroutines locked to threads that end
// (each takes a thread of the runtime away for good), where one started by
// cmd.Start from an ordinary goroutine may be killed with its thread.
func TestStart_ChildSurvivesThreadsEnding(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	done, err := child.Start(cmd)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })

	// Many locked goroutines that end: the runtime destroys their threads,
	// whichever they were.
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			runtime.LockOSThread()
			time.Sleep(time.Millisecond)
		})
	}
	wg.Wait()
	select {
	case err := <-done:
		t.Fatalf("the child ended with a thread: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	require.NoError(t, cmd.Process.Signal(syscall.Signal(0)), "the child is alive")
}

func TestRun_ReportsTheExit(t *testing.T) {
	t.Parallel()
	require.NoError(t, child.Run(exec.Command("true")))
	var exit *exec.ExitError
	require.ErrorAs(t, child.Run(exec.Command("false")), &exit)
	require.Equal(t, 1, exit.ExitCode())
	require.Error(t, child.Run(exec.Command("/nonexistent/binary")))
}
