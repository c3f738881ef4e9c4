// Package audit records who did what, when and why: every moderation,
// verification, role grant and official decision.
package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Entry is one audited act.
type Entry struct {
	ActorID    uuid.UUID // zero for the system or a CLI command
	Action     string    // e.g. "role.grant", "resident.verify"
	ObjectType string
	ObjectID   string
	Reason     string
	Data       map[string]any
}

// Write records e within tx, so the entry exists exactly when the act does.
func Write(ctx context.Context, tx pgx.Tx, e Entry) error {
	var actor *uuid.UUID
	if e.ActorID != uuid.Nil {
		actor = &e.ActorID
	}
	data := e.Data
	if data == nil {
		data = map[string]any{}
	}
	_, err := tx.Exec(ctx, `insert into audit_log (actor_id, action, object_type, object_id, reason, data)
		values ($1, $2, $3, $4, $5, $6)`, actor, e.Action, e.ObjectType, e.ObjectID, e.Reason, data)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Purge deletes entries older than olderThan (the retention period).
func Purge(ctx context.Context, q interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, olderThan time.Duration) (int64, error) {
	tag, err := q.Exec(ctx, `delete from audit_log where created_at < now() - $1::bigint * interval '1 microsecond'`, olderThan.Microseconds())
	if err != nil {
		return 0, fmt.Errorf("purge audit log: %w", err)
	}
	return tag.RowsAffected(), nil
}
