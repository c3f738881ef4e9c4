package gathering

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
)

// RecordAttendance records, once the gathering has started, who of the
// registered people came: attended true for those listed, false for the
// other registered people. Recording again replaces the record. Listing
// anyone who does not hold a seat is the domain's AttendeeNotRegistered.
func (s *Service) RecordAttendance(ctx context.Context, id uuid.UUID, attended []uuid.UUID) (*Gathering, error) {
	err := s.change(ctx, id, ActManage, func(tx *db.Tx, g *Gathering, _ *Owner) error {
		if g.CancelledAt != nil {
			return s.cfg.Errors.Cancelled
		}
		if s.now().Before(g.StartsAt) {
			return s.cfg.Errors.NotStarted
		}
		distinct := []uuid.UUID{}
		for _, a := range attended {
			if !slices.Contains(distinct, a) {
				distinct = append(distinct, a)
			}
		}
		var known int
		if err := tx.QueryRow(ctx, `select count(*) from gathering_registrations
			where gathering_id = $1 and status = 'registered' and account_id = any($2)`, g.ID, distinct).Scan(&known); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		if known != len(distinct) {
			return s.cfg.Errors.AttendeeNotRegistered
		}
		if _, err := tx.Exec(ctx, `update gathering_registrations set attended = (account_id = any($2)), updated_at = clock_timestamp()
			where gathering_id = $1 and status = 'registered'`, g.ID, distinct); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		return s.audit(ctx, tx, g, "attendance", "", map[string]any{"attended": len(distinct), "registered": g.Registered})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// PublishMinutes publishes a gathering's minutes once it has ended;
// publishing again replaces them with a new text.
func (s *Service) PublishMinutes(ctx context.Context, id uuid.UUID, minutes i18n.Input) (*Gathering, error) {
	err := s.change(ctx, id, ActManage, func(tx *db.Tx, g *Gathering, o *Owner) error {
		if g.CancelledAt != nil {
			return s.cfg.Errors.Cancelled
		}
		if s.now().Before(g.EndsAt) {
			return s.cfg.Errors.NotEnded
		}
		minutes, err := s.validateMinutes(minutes)
		if err != nil {
			return err
		}
		text, err := s.text(ctx, tx, nil, minutes, o)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update gatherings set minutes_text_id = $2, minutes_published_at = $3, updated_at = now()
			where id = $1`, g.ID, text, s.now()); err != nil {
			return fmt.Errorf("publish minutes: %w", err)
		}
		return s.audit(ctx, tx, g, "minutes", "", nil)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

func (s *Service) validateMinutes(t i18n.Input) (i18n.Input, error) {
	if s.cfg.ValidateMinutes != nil {
		return s.cfg.ValidateMinutes(t)
	}
	t.Text = strings.TrimSpace(t.Text)
	if t.Text == "" {
		return t, apperr.Invalid("minutes", "gathering.minutes_required")
	}
	if !t.Locale.Valid() {
		return t, apperr.Invalid("minutes", "text.locale_invalid")
	}
	return t, nil
}
