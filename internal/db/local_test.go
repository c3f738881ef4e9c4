package db_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
)

// The helper process of TestStartLocal_ComesBackAfterOwnerKilled: it starts
// the cluster in $OTWARTY_CRASH_DIR and writes rows until it is killed,
// printing "ACK <cycle> <n>" after each commit.
const crashDirEnv = "OTWARTY_CRASH_DIR"

func TestStartLocal_CrashHelper(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("helper process of TestStartLocal_ComesBackAfterOwnerKilled")
	}
	cycle, _ := strconv.Atoi(os.Getenv("OTWARTY_CRASH_CYCLE"))
	busy := os.Getenv("OTWARTY_CRASH_BUSY") != ""
	ctx := context.Background()
	l, err := db.StartLocal(ctx, db.LocalOptions{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	pool, err := db.Open(ctx, l.URL)
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	if _, err := pool.Exec(ctx, `create table if not exists crash_rows (cycle int, n int, primary key (cycle, n))`); err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	if busy {
		// A backend busy in a long query does not notice its postmaster's
		// death: it stays attached to the old shared memory.
		go func() { _, _ = pool.Exec(ctx, `select count(*) from generate_series(1, 10000000000)`) }()
	}
	var mu sync.Mutex
	for w := range 4 {
		go func() {
			for i := 0; ; i++ {
				n := i*4 + w
				if _, err := pool.Exec(ctx, `insert into crash_rows values ($1, $2)`, cycle, n); err != nil {
					continue
				}
				mu.Lock()
				fmt.Printf("ACK %d %d\n", cycle, n)
				mu.Unlock()
			}
		}()
	}
	select {}
}

// A server that owns its PostgreSQL is kill -9ed while it writes and is
// started again at once on the same data directory, as a supervisor would:
// the start succeeds (it waits for the dying postmaster and its backends) and
// every acknowledged row is there. The last cycle leaves a backend busy in a
// query, which outlives the bound and is stopped.
func TestStartLocal_ComesBackAfterOwnerKilled(t *testing.T) {
	t.Parallel()
	if os.Getenv(crashDirEnv) != "" {
		t.Skip()
	}
	base, err := os.MkdirTemp("/tmp", "otwarty-restart-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(base, 0o755)) // the postgres user must enter it; t.TempDir() is not enterable
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	dir := filepath.Join(base, "d")
	ctx := context.Background()

	acked := map[[2]int]bool{}
	const cycles = 3
	for cycle := 1; cycle <= cycles; cycle++ {
		busy := cycle == cycles
		cmd := exec.Command(os.Args[0], "-test.run=^TestStartLocal_CrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, "OTWARTY_CRASH_CYCLE="+strconv.Itoa(cycle))
		if busy {
			cmd.Env = append(cmd.Env, "OTWARTY_CRASH_BUSY=1")
		}
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill() })

		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		var mine int
		timeout := time.After(90 * time.Second)
		for mine < 200 {
			select {
			case line, ok := <-lines:
				require.True(t, ok, "helper exited before writing")
				require.False(t, strings.HasPrefix(line, "FAIL"), line)
				var c, n int
				if _, err := fmt.Sscanf(line, "ACK %d %d", &c, &n); err == nil {
					acked[[2]int{c, n}] = true
					mine++
				}
			case <-timeout:
				t.Fatalf("cycle %d: the helper acknowledged %d rows in 90s", cycle, mine)
			}
		}
		// Kill while it writes; acknowledgements already in the pipe count.
		require.NoError(t, cmd.Process.Kill())
		for line := range lines {
			var c, n int
			if _, err := fmt.Sscanf(line, "ACK %d %d", &c, &n); err == nil {
				acked[[2]int{c, n}] = true
			}
		}
		_ = cmd.Wait()

		var logBuf lockedBuffer
		opt := db.LocalOptions{DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logBuf, nil))}
		if busy {
			opt.WaitPrevious = 3 * time.Second
		}
		l, err := db.StartLocal(ctx, opt)
		require.NoError(t, err, "cycle %d: restart right after kill -9", cycle)
		t.Logf("cycle %d: %d rows acknowledged; start-up log:\n%s", cycle, len(acked), logBuf.String())
		if busy {
			require.Contains(t, logBuf.String(), "waiting for the previous PostgreSQL of "+filepath.Join(dir, "pgdata"))
			require.Contains(t, logBuf.String(), "stopping the orphaned backends of the previous PostgreSQL")
		}
		pool, err := db.Open(ctx, l.URL)
		require.NoError(t, err)
		rows, err := pool.Query(ctx, `select cycle, n from crash_rows`)
		require.NoError(t, err)
		have := map[[2]int]bool{}
		for rows.Next() {
			var k [2]int
			require.NoError(t, rows.Scan(&k[0], &k[1]))
			have[k] = true
		}
		require.NoError(t, rows.Err())
		var missing [][2]int
		for k := range acked {
			if !have[k] {
				missing = append(missing, k)
			}
		}
		require.Empty(t, missing, "cycle %d: acknowledged rows lost (%d acknowledged)", cycle, len(acked))
		pool.Close()
		l.Stop()
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
