package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestInTx_RollsBackOnErrorAndSkipsCommitHooks(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t)
	ctx := context.Background()
	hookRan := false
	boom := errors.New("boom")
	err := db.InTx(ctx, pool, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, "insert into audit_log (action, object_type, object_id) values ('x','y','z')")
		require.NoError(t, err)
		tx.OnCommit(func() { hookRan = true })
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.False(t, hookRan)
	var n int
	require.NoError(t, pool.QueryRow(ctx, "select count(*) from audit_log").Scan(&n))
	require.Equal(t, 0, n)

	require.NoError(t, db.InTx(ctx, pool, func(tx *db.Tx) error {
		tx.OnCommit(func() { hookRan = true })
		return nil
	}))
	require.True(t, hookRan)
}

func TestMigrate_ConcurrentRunsApplyOnce(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t) // already migrated from the template
	ctx := context.Background()
	require.NoError(t, db.CheckMigrations(ctx, pool))
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = db.Migrate(ctx, pool) }()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	var n int
	require.NoError(t, pool.QueryRow(ctx, "select count(*) from schema_version").Scan(&n))
	require.Equal(t, 1, n)
	require.NoError(t, db.CheckMigrations(ctx, pool))
}

func TestCheckMigrations_ReportsPendingOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t)
	ctx := context.Background()
	_, err := pool.Exec(ctx, "drop table schema_version")
	require.NoError(t, err)
	require.ErrorIs(t, db.CheckMigrations(ctx, pool), db.ErrPending)
}

func TestFindBinaries_SaysWhatToInstallWhenMissing(t *testing.T) {
	t.Parallel()
	_, err := db.FindBinaries(t.TempDir())
	require.ErrorContains(t, err, "apt-get install postgresql")
	require.ErrorContains(t, err, "OTWARTY_PG_BIN")
	require.ErrorContains(t, err, "DATABASE_URL")
}
