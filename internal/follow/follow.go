// Package follow is the one way an account follows something (a
// consultation, a budget edition; next, a dialogue body or an Ambassador
// edition) to hear of it: one table of (kind, object, account), idempotent
// both ways. The domain decides who may follow what; this package keeps the
// list.
package follow

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// Kinds of followed objects.
const (
	Consultation  = "consultation"
	BudgetEdition = "budget_edition"
)

// Set makes account follow (on) or stop following object of kind; doing it
// twice changes nothing.
func Set(ctx context.Context, q db.Executor, kind string, object, account uuid.UUID, on bool) error {
	sql := `insert into follows (kind, object_id, account_id) values ($1, $2, $3) on conflict do nothing`
	if !on {
		sql = `delete from follows where kind = $1 and object_id = $2 and account_id = $3`
	}
	if _, err := q.Exec(ctx, sql, kind, object, account); err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	return nil
}

// Following reports, in one query, which of ids account follows.
func Following(ctx context.Context, q db.Querier, kind string, account uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	out := make(map[uuid.UUID]bool, len(ids))
	if account == uuid.Nil || len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `select object_id from follows where kind = $1 and account_id = $2 and object_id = any($3)`,
		kind, account, ids)
	if err != nil {
		return nil, fmt.Errorf("following: %w", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("following: %w", err)
	}
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

// Count is how many accounts follow object, and whether viewer is one.
func Count(ctx context.Context, q db.Querier, kind string, object, viewer uuid.UUID) (int, bool, error) {
	var n int
	var mine bool
	err := q.QueryRow(ctx, `select count(*), coalesce(bool_or(account_id = $3), false) from follows
		where kind = $1 and object_id = $2`, kind, object, viewer).Scan(&n, &mine)
	if err != nil {
		return 0, false, fmt.Errorf("followers: %w", err)
	}
	return n, mine, nil
}

// Followers are the accounts (not deleted) that follow object, in the order
// they began to.
func Followers(ctx context.Context, q db.Querier, kind string, object uuid.UUID) ([]uuid.UUID, error) {
	rows, err := q.Query(ctx, `select f.account_id from follows f join accounts a on a.id = f.account_id
		where f.kind = $1 and f.object_id = $2 and a.deleted_at is null order by f.created_at, f.account_id`, kind, object)
	if err != nil {
		return nil, fmt.Errorf("followers: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("followers: %w", err)
	}
	return out, nil
}

// Followed is one object an account follows (its personal data).
type Followed struct {
	Object uuid.UUID
	Since  time.Time
}

// Of lists what account follows of kind, oldest first (data export).
func Of(ctx context.Context, q db.Querier, kind string, account uuid.UUID) ([]Followed, error) {
	rows, err := q.Query(ctx, `select object_id, created_at from follows where kind = $1 and account_id = $2
		order by created_at, object_id`, kind, account)
	if err != nil {
		return nil, fmt.Errorf("follows of: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Followed])
	if err != nil {
		return nil, fmt.Errorf("follows of: %w", err)
	}
	return out, nil
}

// Forget deletes what account follows of kind (account deletion).
func Forget(ctx context.Context, q db.Executor, kind string, account uuid.UUID) error {
	if _, err := q.Exec(ctx, `delete from follows where kind = $1 and account_id = $2`, kind, account); err != nil {
		return fmt.Errorf("forget follows: %w", err)
	}
	return nil
}
