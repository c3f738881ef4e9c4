package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
)

// writeLoad runs writers on pool until the test ends: each transaction
// inserts a head and three lines (a pair of tables without a foreign key, so
// that only a consistent snapshot keeps them matched). acked returns the heads
// whose commit had been acknowledged by the time it is called.
func writeLoad(t *testing.T, pool *pgxpool.Pool) (acked func() []int64, stop func()) {
	t.Helper()
	ctx := context.Background()
	_, err := pool.Exec(ctx, `create table bk_head (id bigint primary key);
		create table bk_line (head_id bigint not null, k int not null)`)
	require.NoError(t, err)
	var (
		mu   sync.Mutex
		done []int64
		next atomic.Int64
		quit = make(chan struct{})
		wg   sync.WaitGroup
	)
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-quit:
					return
				default:
				}
				id := next.Add(1)
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					if _, err := tx.Exec(ctx, `insert into bk_head values ($1)`, id); err != nil {
						return err
					}
					_, err := tx.Exec(ctx, `insert into bk_line select $1, k from generate_series(1, 3) k`, id)
					return err
				})
				if err == nil {
					mu.Lock()
					done = append(done, id)
					mu.Unlock()
				}
			}
		})
	}
	var once sync.Once
	stop = func() { once.Do(func() { close(quit); wg.Wait() }) }
	t.Cleanup(stop)
	acked = func() []int64 {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(done)
	}
	for len(acked()) < 300 {
		time.Sleep(10 * time.Millisecond)
	}
	return acked, stop
}

// checkRestored asserts that every head in before is in the restored
// database, that every head has its three lines and no line lacks its head,
// and that the schema is fully migrated.
func checkRestored(t *testing.T, pool *pgxpool.Pool, before []int64) {
	t.Helper()
	ctx := context.Background()
	var missing int
	require.NoError(t, pool.QueryRow(ctx, `select count(*) from unnest($1::bigint[]) a(id)
		where not exists (select from bk_head h where h.id = a.id)`, before).Scan(&missing))
	require.Zero(t, missing, "acknowledged writes missing from the restored database (of %d)", len(before))
	var badHeads, orphans int
	require.NoError(t, pool.QueryRow(ctx, `select count(*) from bk_head h
		where (select count(*) from bk_line l where l.head_id = h.id) <> 3`).Scan(&badHeads))
	require.NoError(t, pool.QueryRow(ctx, `select count(*) from bk_line l
		where not exists (select from bk_head h where h.id = l.head_id)`).Scan(&orphans))
	require.Zero(t, badHeads, "heads without exactly three lines")
	require.Zero(t, orphans, "lines without a head")
	require.NoError(t, db.CheckMigrations(ctx, pool))
}

// A backup taken from the embedded cluster of a running server while it
// writes restores into a fresh data directory with every write acknowledged
// before the backup began; restoring again is refused unless --force.
func TestBackupRestore_EmbeddedDuringWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base, err := os.MkdirTemp("/tmp", "otwarty-backup-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(base, 0o755)) // the postgres user must enter it; t.TempDir() is not enterable
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	src, dst, file := filepath.Join(base, "src"), filepath.Join(base, "dst"), filepath.Join(base, "otwarty.dump")

	// The running server's cluster.
	l, err := db.StartLocal(ctx, db.LocalOptions{DataDir: src, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(l.Stop)
	pool, err := db.Open(ctx, l.URL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	require.NoError(t, db.Migrate(ctx, pool))
	acked, stop := writeLoad(t, pool)

	before := acked()
	require.NoError(t, runBackup(ctx, []string{"--env", "test", "--database-url=", "--data-dir", src,
		"--log-level", "error", "--out", file}))
	during := len(acked()) - len(before)
	stop()
	require.Positive(t, during, "the writers went on during the backup")
	_, err = os.Stat(file + ".partial")
	require.ErrorIs(t, err, os.ErrNotExist)

	restore := func(extra ...string) error {
		return runRestore(ctx, append([]string{"--env", "test", "--database-url=", "--data-dir", dst,
			"--log-level", "error", "--in", file}, extra...))
	}
	require.NoError(t, restore())
	err = restore()
	require.ErrorContains(t, err, "refusing to restore: the database of the data directory "+dst+" already holds")
	require.ErrorContains(t, err, "pass --force")
	require.NoError(t, restore("--force"))

	r, err := db.StartLocal(ctx, db.LocalOptions{DataDir: dst, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(r.Stop)
	rpool, err := db.Open(ctx, r.URL)
	require.NoError(t, err)
	t.Cleanup(rpool.Close)
	checkRestored(t, rpool, before)
}

// The same through DATABASE_URL: a migrated database under load is dumped
// and restored into an empty one.
func TestBackupRestore_DatabaseURLDuringWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srcURL, dstURL := pgtest.URL(t), pgtest.EmptyURL(t)
	file := filepath.Join(t.TempDir(), "otwarty.dump")
	pool, err := db.Open(ctx, srcURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	acked, stop := writeLoad(t, pool)

	before := acked()
	require.NoError(t, runBackup(ctx, []string{"--env", "test", "--database-url", srcURL, "--log-level", "error", "--out", file}))
	during := len(acked()) - len(before)
	stop()
	require.Positive(t, during, "the writers went on during the backup")

	require.NoError(t, runRestore(ctx, []string{"--env", "test", "--database-url", dstURL, "--log-level", "error", "--in", file}))
	err = runRestore(ctx, []string{"--env", "test", "--database-url", dstURL, "--log-level", "error", "--in", file})
	require.ErrorContains(t, err, "refusing to restore: the database of DATABASE_URL already holds")

	rpool, err := db.Open(ctx, dstURL)
	require.NoError(t, err)
	t.Cleanup(rpool.Close)
	checkRestored(t, rpool, before)
}
