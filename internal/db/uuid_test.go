package db_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestEncodeUUIDs_SameValuesAsStrings: with UUIDs encoded as bytes, every
// kind of parameter a UUID goes into gets what it got when pgx sent the
// string, in every query mode (the simple protocol and the exec mode know
// no parameter types, as behind a transaction-pooling proxy); what pgx
// could not encode before, it cannot now.
func TestEncodeUUIDs_SameValuesAsStrings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	bytesPool, err := db.Open(ctx, url) // db.Open encodes UUIDs as bytes
	require.NoError(t, err)
	t.Cleanup(bytesPool.Close)
	stringPool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	t.Cleanup(stringPool.Close)

	id := uuid.MustParse("0190d7a2-1c3e-7a55-8f9e-2b1d3c4e5f60")
	other := uuid.MustParse("9f0c8a1e-2b3d-4c5e-8f70-1a2b3c4d5e6f")
	var none *uuid.UUID
	queries := []struct {
		sql  string
		args []any
	}{
		{`select $1::uuid`, []any{id}},
		{`select $1::text`, []any{id}},
		{`select $1`, []any{id}},
		{`select jsonb_build_object('id', $1::uuid)->>'id'`, []any{id}},
		{`select ($1::uuid[])[2]::text`, []any{[]uuid.UUID{other, id}}},
		{`select $1::uuid::text`, []any{id}},
		{`select $1::uuid is null`, []any{none}},
		{`select $1::uuid`, []any{&id}},
		{`select cardinality($1::uuid[])`, []any{[]uuid.UUID{}}},
		{`select $1 = any($2::uuid[])`, []any{id, []uuid.UUID{other, id}}},
		{`select $1::uuid = $2::uuid`, []any{id, id.String()}},
	}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeCacheDescribe,
		pgx.QueryExecModeDescribeExec, pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol} {
		for _, q := range queries {
			read := func(pool *pgxpool.Pool) (any, error) {
				var v any
				err := pool.QueryRow(ctx, q.sql, append([]any{mode}, q.args...)...).Scan(&v)
				return v, err
			}
			want, wantErr := read(stringPool)
			got, gotErr := read(bytesPool)
			require.Equal(t, wantErr == nil, gotErr == nil, "%v %s: %v / %v", mode, q.sql, wantErr, gotErr)
			require.Equal(t, want, got, "%v %s", mode, q.sql)
		}
	}
	// And it is what removes the string round trip: a UUID array's elements.
	var n int
	require.NoError(t, bytesPool.QueryRow(ctx, `select cardinality($1::uuid[])`, []uuid.UUID{id, other}).Scan(&n))
	require.Equal(t, 2, n)
}
