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
	"github.com/otwarty/otwarty/internal/page"
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

// Record is a stored entry.
type Record struct {
	ID         uuid.UUID
	ActorID    *uuid.UUID
	Action     string
	ObjectType string
	ObjectID   string
	Reason     string
	CreatedAt  time.Time
}

// Cursor is r's position in the log (newest first).
func (r Record) Cursor() string { return page.Cursor("audit_log", page.Key{At: r.CreatedAt, ID: r.ID}) }

// Filter narrows List; empty fields match everything.
type Filter struct {
	ObjectType, ObjectID, Action string
	ActorID                      *uuid.UUID
}

// List returns a page of entries, newest first, whether more follow and the
// total. Callers check first that the reader may see the log (authz
// "read" on "audit_log": coordinators and admins); authz itself writes audit
// entries, so this package cannot ask it.
func List(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
	QueryRow(context.Context, string, ...any) pgx.Row
}, f Filter, first int, after string) (page.Page[Record], error) {
	var none page.Page[Record]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	resume, err := page.After("audit_log", after, &cur)
	if err != nil {
		return none, err
	}
	const where = `($1 = '' or object_type = $1) and ($2 = '' or object_id = $2) and ($3 = '' or action = $3)
		and ($4::uuid is null or actor_id = $4)`
	var total int
	if err := q.QueryRow(ctx, `select count(*) from audit_log where `+where, f.ObjectType, f.ObjectID, f.Action, f.ActorID).Scan(&total); err != nil {
		return none, fmt.Errorf("count audit log: %w", err)
	}
	var at *time.Time
	var id *uuid.UUID
	if resume {
		at, id = &cur.At, &cur.ID
	}
	rows, err := q.Query(ctx, `select id, actor_id, action, object_type, object_id, reason, created_at from audit_log
		where `+where+` and ($5::timestamptz is null or (created_at, id) < ($5, $6))
		order by created_at desc, id desc limit $7`, f.ObjectType, f.ObjectID, f.Action, f.ActorID, at, id, first+1)
	if err != nil {
		return none, fmt.Errorf("list audit log: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Record])
	if err != nil {
		return none, fmt.Errorf("list audit log: %w", err)
	}
	return page.Of(out, first, total), nil
}
