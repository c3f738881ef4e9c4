// Package audit records who did what, when and why: every moderation,
// verification, role grant and official decision.
package audit

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
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
