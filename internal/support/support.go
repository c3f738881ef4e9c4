// Package support is the one way an account supports something (a
// resident's submission, a proposed budget project): one table of (kind,
// object, account) whose primary key makes supporting idempotent under any
// concurrency, and a counter on the supported object that moves in the
// same statement only when a support was added or withdrawn. The domain
// decides who may support what, and when.
package support

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// Kind is a kind of supported object: its name in the supports table and
// the table and column that count its supports (constants of the code,
// never input).
type Kind struct {
	Name           string
	Table, Counter string
}

// Kinds of supported objects.
var (
	Submission    = Kind{Name: "submission", Table: "submissions", Counter: "support_count"}
	BudgetProject = Kind{Name: "budget_project", Table: "budget_projects", Counter: "support_count"}
)

// Set adds (on) or withdraws account's support of object in tx and returns
// whether it changed and the object's count after; a second support or the
// withdrawal of one that does not exist changes nothing.
func Set(ctx context.Context, tx db.Querier, k Kind, object, account uuid.UUID, on bool) (changed bool, count int, err error) {
	sql := `with x as (insert into supports (kind, object_id, account_id) values ($1, $2, $3) on conflict do nothing returning 1)
		update ` + k.Table + ` set ` + k.Counter + ` = ` + k.Counter + ` + 1 where id = $2 and exists (select from x)
		returning ` + k.Counter
	if !on {
		sql = `with x as (delete from supports where kind = $1 and object_id = $2 and account_id = $3 returning 1)
		update ` + k.Table + ` set ` + k.Counter + ` = ` + k.Counter + ` - 1 where id = $2 and exists (select from x)
		returning ` + k.Counter
	}
	err = tx.QueryRow(ctx, sql, k.Name, object, account).Scan(&count)
	if errors.Is(err, pgx.ErrNoRows) {
		err = tx.QueryRow(ctx, `select `+k.Counter+` from `+k.Table+` where id = $1`, object).Scan(&count)
		if err != nil {
			return false, 0, fmt.Errorf("support count: %w", err)
		}
		return false, count, nil
	}
	if err != nil {
		return false, 0, fmt.Errorf("support: %w", err)
	}
	return true, count, nil
}

// Supporting reports, in one query, which of ids account supports.
func Supporting(ctx context.Context, q db.Querier, k Kind, account uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	out := make(map[uuid.UUID]bool, len(ids))
	if account == uuid.Nil || len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `select object_id from supports where kind = $1 and account_id = $2 and object_id = any($3)`,
		k.Name, account, ids)
	if err != nil {
		return nil, fmt.Errorf("supporting: %w", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("supporting: %w", err)
	}
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

// Supported is one object an account supports (its personal data).
type Supported struct {
	Object uuid.UUID
	At     time.Time
}

// Of lists what account supports of kind k, oldest first (data export).
func Of(ctx context.Context, q db.Querier, k Kind, account uuid.UUID) ([]Supported, error) {
	rows, err := q.Query(ctx, `select object_id, created_at from supports where kind = $1 and account_id = $2
		order by created_at, object_id`, k.Name, account)
	if err != nil {
		return nil, fmt.Errorf("supports of: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Supported])
	if err != nil {
		return nil, fmt.Errorf("supports of: %w", err)
	}
	return out, nil
}

// Forget deletes account's supports of kind k (account deletion). The
// counts keep them: a support given stays counted, as a contribution does.
func Forget(ctx context.Context, q db.Executor, k Kind, account uuid.UUID) error {
	if _, err := q.Exec(ctx, `delete from supports where kind = $1 and account_id = $2`, k.Name, account); err != nil {
		return fmt.Errorf("forget supports: %w", err)
	}
	return nil
}
