package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// MotionsPersonalData is the motions' share of a person's data for the GDPR
// export and erasure (identity.PersonalData): the motions and amendments
// the person tabled. Votes are not in it: an open vote is the body's public
// roll call, recorded under the member's key, and a secret ballot is linked
// to nobody.
//
// Erasure keeps the motions, the body's public record: the text stays and
// the name no longer shows (the account is gone), as DESIGN's "deleted
// account" rule says.
type MotionsPersonalData struct{ m *Motions }

// PersonalData returns the motions' identity.PersonalData.
func (m *Motions) PersonalData() MotionsPersonalData { return MotionsPersonalData{m: m} }

// Name is the export section.
func (MotionsPersonalData) Name() string { return "dialogueMotions" }

type personalMotion struct {
	MotionID uuid.UUID    `json:"motionId"`
	BodyID   uuid.UUID    `json:"bodyId"`
	ParentID *uuid.UUID   `json:"parentId"`
	Kind     MotionKind   `json:"kind"`
	Status   MotionStatus `json:"status"`
	TabledAt time.Time    `json:"tabledAt"`
}

// Export lists the motions the person tabled, oldest first.
func (MotionsPersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	rows, err := tx.Query(ctx, `select id, body_id, parent_id, kind, status, tabled_at from dialogue_motions
		where tabled_by = $1 order by tabled_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export motions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (personalMotion, error) {
		var p personalMotion
		return p, r.Scan(&p.MotionID, &p.BodyID, &p.ParentID, &p.Kind, &p.Status, &p.TabledAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export motions: %w", err)
	}
	if out == nil {
		out = []personalMotion{}
	}
	return map[string]any{"tabled": out}, nil
}

// Erase keeps the motions (see MotionsPersonalData).
func (MotionsPersonalData) Erase(context.Context, *db.Tx, uuid.UUID) error { return nil }
