package programme

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/attach"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// ValueType is the attachment owner kind of an entered value: the
// documents behind a figure (a unit's yearly report, attendance lists).
const ValueType = "programme_value"

// PurposeEvidence is an entered value's supporting document.
const PurposeEvidence = "evidence"

var errValueMissing = apperr.New(apperr.NotFound, "programme.value_missing")

// Files are the supporting documents of entered values, on internal/attach.
// They are kept for the audit of the figures, not published: who may enter
// the indicator's values (and the coordinator, admins) sees them.
type Files struct {
	s     *Service
	files *attach.Service
}

// NewFiles returns the values' documents and registers who may download them.
func NewFiles(s *Service, files *attach.Service) *Files {
	f := &Files{s: s, files: files}
	files.Guard(ValueType, f.guard)
	return f
}

func (f *Files) guard(ctx context.Context, a *attach.Attachment) error {
	in, err := f.indicatorOfValue(ctx, f.s.pool, a.Owner.ID)
	if err != nil {
		return err
	}
	if !f.s.MayEnter(ctx, in) {
		return apperr.ErrNotFound
	}
	return nil
}

func (f *Files) indicatorOfValue(ctx context.Context, q db.Querier, value uuid.UUID) (*Indicator, error) {
	var id uuid.UUID
	err := q.QueryRow(ctx, `select indicator_id from programme_indicator_values where id = $1`, value).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("value's indicator: %w", err)
	}
	return f.s.Indicator(ctx, id)
}

// Add attaches a supporting document to the value entered for year (who may
// enter the indicator's values), within attach's limits. Audited.
func (f *Files) Add(ctx context.Context, indicatorID uuid.UUID, year int, file attach.File) (*Value, *attach.Attachment, error) {
	actor := authz.SubjectFrom(ctx)
	if actor.Anonymous() {
		return nil, nil, apperr.ErrUnauthenticated
	}
	in, err := f.s.Indicator(ctx, indicatorID)
	if err != nil {
		return nil, nil, err
	}
	if in.Method != MethodEntered {
		return nil, nil, errComputed
	}
	if err := authz.Require(ctx, ActEnter, in.object()); err != nil {
		return nil, nil, err
	}
	var a *attach.Attachment
	var valueID uuid.UUID
	err = db.InTx(ctx, f.s.pool, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `select id from programme_indicator_values where indicator_id = $1 and year = $2 for update`,
			in.ID, year).Scan(&valueID)
		if errors.Is(err, pgx.ErrNoRows) {
			return errValueMissing
		}
		if err != nil {
			return fmt.Errorf("attach to value: %w", err)
		}
		if a, err = f.files.Add(ctx, tx, attach.Owner{Kind: ValueType, ID: valueID}, PurposeEvidence, file, actor.AccountID); err != nil {
			return err
		}
		return f.audit(ctx, tx, actor.AccountID, "programme.value_attachment_add", in.ID, year, a)
	})
	if err != nil {
		return nil, nil, err
	}
	v, err := f.s.value(ctx, in.ID, valueID)
	return v, a, err
}

// Remove removes a value's document (who may enter the indicator's
// values); another object's attachment is NOT_FOUND here. Audited.
func (f *Files) Remove(ctx context.Context, attachment uuid.UUID) (*Indicator, error) {
	actor := authz.SubjectFrom(ctx)
	if actor.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	var in *Indicator
	err := db.InTx(ctx, f.s.pool, func(tx *db.Tx) error {
		a, err := f.files.Get(ctx, tx, attachment)
		if err != nil || a.Owner.Kind != ValueType {
			return apperr.ErrNotFound
		}
		if in, err = f.indicatorOfValue(ctx, tx, a.Owner.ID); err != nil {
			return err
		}
		if !f.s.MayEnter(ctx, in) {
			return apperr.ErrNotFound
		}
		var year int
		if err := tx.QueryRow(ctx, `select year from programme_indicator_values where id = $1 for update`, a.Owner.ID).Scan(&year); err != nil {
			return fmt.Errorf("remove value attachment: %w", err)
		}
		if err := f.files.Remove(ctx, tx, attachment); err != nil {
			return err
		}
		return f.audit(ctx, tx, actor.AccountID, "programme.value_attachment_remove", in.ID, year, a)
	})
	return in, err
}

// Of lists the documents of values the caller may see them on (others: none).
func (f *Files) Of(ctx context.Context, in *Indicator, values []*Value) (map[uuid.UUID][]*attach.Attachment, error) {
	if !f.s.MayEnter(ctx, in) || len(values) == 0 {
		return map[uuid.UUID][]*attach.Attachment{}, nil
	}
	ids := make([]uuid.UUID, len(values))
	for i, v := range values {
		ids[i] = v.ID
	}
	return f.files.List(ctx, f.s.pool, ValueType, ids)
}

func (f *Files) audit(ctx context.Context, tx *db.Tx, actor uuid.UUID, action string, indicator uuid.UUID, year int, a *attach.Attachment) error {
	return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: action, ObjectType: IndicatorType, ObjectID: indicator.String(),
		Data: map[string]any{"year": year, "attachment_id": a.ID, "file_name": a.FileName, "content_type": a.ContentType,
			"size": a.Size, "sha256": a.SHA256Hex()}})
}
