package follow_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/follow"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func account(t *testing.T, pool *pgxpool.Pool, email string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, pool.QueryRow(context.Background(), `insert into accounts (email, password_hash, display_name, locale)
		values ($1, 'x', $1, 'pl') returning id`, email).Scan(&id))
	return id
}

func TestFollow_IdempotentBothWaysAndScopedByKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	ala, ola, gone := account(t, pool, "ala@example.org"), account(t, pool, "ola@example.org"), account(t, pool, "gone@example.org")
	obj, other := uuid.New(), uuid.New()

	for range 2 {
		require.NoError(t, follow.Set(ctx, pool, follow.Consultation, obj, ala, true))
	}
	require.NoError(t, follow.Set(ctx, pool, follow.Consultation, obj, ola, true))
	require.NoError(t, follow.Set(ctx, pool, follow.Consultation, obj, gone, true))
	require.NoError(t, follow.Set(ctx, pool, follow.BudgetEdition, obj, ala, true)) // same id, another kind
	_, err := pool.Exec(ctx, `update accounts set deleted_at = now() where id = $1`, gone)
	require.NoError(t, err)

	n, mine, err := follow.Count(ctx, pool, follow.Consultation, obj, ala)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.True(t, mine)
	followers, err := follow.Followers(ctx, pool, follow.Consultation, obj)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{ala, ola}, followers, "in the order they began; deleted accounts are not told")
	got, err := follow.Following(ctx, pool, follow.Consultation, ala, []uuid.UUID{obj, other})
	require.NoError(t, err)
	require.Equal(t, map[uuid.UUID]bool{obj: true}, got)

	for range 2 {
		require.NoError(t, follow.Set(ctx, pool, follow.Consultation, obj, ala, false))
	}
	n, mine, err = follow.Count(ctx, pool, follow.Consultation, obj, ala)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.False(t, mine)
	of, err := follow.Of(ctx, pool, follow.BudgetEdition, ala)
	require.NoError(t, err)
	require.Len(t, of, 1)
	require.Equal(t, obj, of[0].Object)

	require.NoError(t, follow.Forget(ctx, pool, follow.BudgetEdition, ala))
	of, err = follow.Of(ctx, pool, follow.BudgetEdition, ala)
	require.NoError(t, err)
	require.Empty(t, of)
}
