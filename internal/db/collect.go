package db

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// CollectAll runs a query and scans every row; with no rows it returns an
// empty slice, never nil, so that exports show [] rather than null.
func CollectAll[T any](ctx context.Context, q Querier, sql string, args []any, scan pgx.RowToFunc[T]) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []T{}
	}
	return out, nil
}
