package support_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/support"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// A kind of object of this test's own: a table with a counter.
var thing = support.Kind{Name: "test_thing", Table: "test_things", Counter: "supporters"}

func TestSet_CountsOnceUnderConcurrencyAndMovesTheCounterWithTheRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	_, err := pool.Exec(ctx, `create table test_things (id uuid primary key, supporters int not null default 0 check (supporters >= 0))`)
	require.NoError(t, err)
	obj := uuid.New()
	_, err = pool.Exec(ctx, `insert into test_things (id) values ($1)`, obj)
	require.NoError(t, err)
	var ala, ola uuid.UUID
	require.NoError(t, pool.QueryRow(ctx, `insert into accounts (email, password_hash, display_name, locale)
		values ('ala@example.org', 'x', 'Ala', 'pl') returning id`).Scan(&ala))
	require.NoError(t, pool.QueryRow(ctx, `insert into accounts (email, password_hash, display_name, locale)
		values ('ola@example.org', 'x', 'Ola', 'pl') returning id`).Scan(&ola))

	set := func(account uuid.UUID, on bool) (bool, int) {
		var changed bool
		var count int
		require.NoError(t, db.InTx(ctx, pool, func(tx *db.Tx) error {
			var err error
			changed, count, err = support.Set(ctx, tx, thing, obj, account, on)
			return err
		}))
		return changed, count
	}
	var wg sync.WaitGroup
	changes := make([]bool, 20)
	for i := range changes {
		wg.Go(func() { changes[i], _ = set(ala, true) })
	}
	wg.Wait()
	n := 0
	for _, c := range changes {
		if c {
			n++
		}
	}
	require.Equal(t, 1, n, "twenty supports at once count once")
	changed, count := set(ola, true)
	require.True(t, changed)
	require.Equal(t, 2, count)
	changed, count = set(ola, false)
	require.True(t, changed)
	require.Equal(t, 1, count)
	changed, count = set(ola, false)
	require.False(t, changed, "withdrawing a support that is not there changes nothing")
	require.Equal(t, 1, count)

	got, err := support.Supporting(ctx, pool, thing, ala, []uuid.UUID{obj, uuid.New()})
	require.NoError(t, err)
	require.Equal(t, map[uuid.UUID]bool{obj: true}, got)
	of, err := support.Of(ctx, pool, thing, ala)
	require.NoError(t, err)
	require.Len(t, of, 1)
	require.Equal(t, obj, of[0].Object)
	require.NoError(t, support.Forget(ctx, pool, thing, ala))
	of, err = support.Of(ctx, pool, thing, ala)
	require.NoError(t, err)
	require.Empty(t, of)
	var kept int
	require.NoError(t, pool.QueryRow(ctx, `select supporters from test_things where id = $1`, obj).Scan(&kept))
	require.Equal(t, 1, kept, "a forgotten supporter's support stays counted")
}
