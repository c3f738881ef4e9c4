package events

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// PersonalData is the calendar's share of a person's data, for the GDPR
// export and erasure (identity.PersonalData): the events they submitted,
// and the reviews and cancellations they made as staff. Their texts are
// texts (internal/i18n) and come with the identity export's text versions.
//
// Erasure keeps every event: an event is its organisation's public entry,
// not the person's, and calendars that subscribed to it must not see it
// vanish. The links to the account stay and point to a deleted account,
// which is shown without a name, like every public contribution.
type PersonalData struct{}

// PersonalData returns the calendar's identity.PersonalData.
func (s *Service) PersonalData() PersonalData { return PersonalData{} }

// Name is the export section.
func (PersonalData) Name() string { return "events" }

// PersonalExport is what PersonalData.Export returns.
type PersonalExport struct {
	Submitted     []PersonalEvent  `json:"submitted"`
	Reviews       []PersonalReview `json:"reviews"`
	Cancellations []PersonalCancel `json:"cancellations"`
}

// PersonalEvent is an event the person submitted (or entered as staff).
type PersonalEvent struct {
	ID             uuid.UUID `json:"id"`
	OrganisationID uuid.UUID `json:"organisationId"`
	Status         string    `json:"status"`
	StartsAt       time.Time `json:"startsAt"`
	EndsAt         time.Time `json:"endsAt"`
	CreatedAt      time.Time `json:"createdAt"`
	RejectReason   *string   `json:"rejectReason"`
}

// PersonalReview is the last review the person made of an event.
type PersonalReview struct {
	EventID    uuid.UUID `json:"eventId"`
	Status     string    `json:"status"` // the event's status now
	ReviewedAt time.Time `json:"reviewedAt"`
}

// PersonalCancel is an event the person cancelled, with their reason.
type PersonalCancel struct {
	EventID     uuid.UUID `json:"eventId"`
	CancelledAt time.Time `json:"cancelledAt"`
	Reason      *string   `json:"reason"`
}

// Export reads the person's share, oldest first.
func (PersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	var out PersonalExport
	var err error
	out.Submitted, err = db.CollectAll(ctx, tx, `select id, organisation_id, status, starts_at, ends_at, created_at, reject_reason
		from events where submitted_by = $1 order by created_at, id`, []any{accountID}, func(r pgx.CollectableRow) (PersonalEvent, error) {
		var e PersonalEvent
		return e, r.Scan(&e.ID, &e.OrganisationID, &e.Status, &e.StartsAt, &e.EndsAt, &e.CreatedAt, &e.RejectReason)
	})
	if err != nil {
		return nil, fmt.Errorf("export events: %w", err)
	}
	out.Reviews, err = db.CollectAll(ctx, tx, `select id, status, reviewed_at from events
		where reviewed_by = $1 and reviewed_at is not null order by reviewed_at, id`, []any{accountID}, func(r pgx.CollectableRow) (PersonalReview, error) {
		var v PersonalReview
		return v, r.Scan(&v.EventID, &v.Status, &v.ReviewedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export event reviews: %w", err)
	}
	out.Cancellations, err = db.CollectAll(ctx, tx, `select id, cancelled_at, cancel_reason from events
		where cancelled_by = $1 and cancelled_at is not null order by cancelled_at, id`, []any{accountID}, func(r pgx.CollectableRow) (PersonalCancel, error) {
		var c PersonalCancel
		return c, r.Scan(&c.EventID, &c.CancelledAt, &c.Reason)
	})
	if err != nil {
		return nil, fmt.Errorf("export event cancellations: %w", err)
	}
	return out, nil
}

// Erase keeps the person's events (see PersonalData).
func (PersonalData) Erase(context.Context, *db.Tx, uuid.UUID) error { return nil }
