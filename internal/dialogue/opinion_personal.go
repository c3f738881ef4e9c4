package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// OpinionsPersonalData is the opinion requests' share of a person's data
// for the GDPR export and erasure (identity.PersonalData): the requests
// for bodies' opinions the person (an official) made or withdrew.
//
// Erasure keeps them: a request is the city's act in a consultation, part
// of its public record (as an answer to a submission is); the name no
// longer shows once the account is gone (DESIGN's "deleted account" rule).
// The opinions themselves are the bodies' and carry no account.
type OpinionsPersonalData struct{ s *Service }

// OpinionsPersonalData returns the opinion requests' identity.PersonalData.
func (s *Service) OpinionsPersonalData() OpinionsPersonalData { return OpinionsPersonalData{s: s} }

// Name is the export section.
func (OpinionsPersonalData) Name() string { return "dialogueOpinionRequests" }

type personalRequest struct {
	RequestID      uuid.UUID  `json:"requestId"`
	ConsultationID uuid.UUID  `json:"consultationId"`
	BodyID         uuid.UUID  `json:"bodyId"`
	RequestedAt    *time.Time `json:"requestedAt"` // set when the person asked
	WithdrawnAt    *time.Time `json:"withdrawnAt"` // set when the person withdrew it
}

// Export lists the requests the person made or withdrew, oldest first.
func (OpinionsPersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	rows, err := tx.Query(ctx, `select id, consultation_id, body_id,
			case when requested_by = $1 then requested_at end, case when withdrawn_by = $1 then withdrawn_at end
		from dialogue_opinion_requests where requested_by = $1 or withdrawn_by = $1 order by requested_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export opinion requests: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (personalRequest, error) {
		var p personalRequest
		return p, r.Scan(&p.RequestID, &p.ConsultationID, &p.BodyID, &p.RequestedAt, &p.WithdrawnAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export opinion requests: %w", err)
	}
	if out == nil {
		out = []personalRequest{}
	}
	return map[string]any{"requests": out}, nil
}

// Erase keeps the requests (see OpinionsPersonalData).
func (OpinionsPersonalData) Erase(context.Context, *db.Tx, uuid.UUID) error { return nil }
