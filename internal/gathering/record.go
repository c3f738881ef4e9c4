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

// Attendance is what is recorded of who attended a gathering.
type Attendance struct {
	// Accounts are the registered people who attended; every other
	// registered person is recorded as absent.
	Accounts []uuid.UUID
	// WalkIns counts people who came without registering.
	WalkIns int
	// Organisations are the organisations present (as such, e.g. by a
	// representative).
	Organisations []uuid.UUID
}

// MaxWalkIns bounds the walk-ins of one gathering.
const MaxWalkIns = 100000

// RecordAttendance records who attended once the gathering has started,
// replacing what was recorded before: the registered accounts present, the
// walk-ins and the organisations present. An account that is not
// registered, an unknown organisation or a walk-in count out of range is
// refused and nothing is recorded.
func (s *Service) RecordAttendance(ctx context.Context, id uuid.UUID, a Attendance) (*Gathering, error) {
	err := s.change(ctx, id, ActManage, func(tx *db.Tx, g *Gathering, _ *Owner) error {
		if g.CancelledAt != nil {
			return s.cfg.Errors.Cancelled
		}
		if s.now().Before(g.StartsAt) {
			return s.cfg.Errors.NotStarted
		}
		if a.WalkIns < 0 || a.WalkIns > MaxWalkIns {
			return errWalkIns
		}
		distinct := dedupe(a.Accounts)
		var known int
		if err := tx.QueryRow(ctx, `select count(*) from gathering_registrations
			where gathering_id = $1 and status = 'registered' and account_id = any($2)`, g.ID, distinct).Scan(&known); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		if known != len(distinct) {
			return s.cfg.Errors.AttendeeNotRegistered
		}
		orgs := dedupe(a.Organisations)
		var orgsKnown int
		if err := tx.QueryRow(ctx, `select count(*) from organisations where id = any($1)`, orgs).Scan(&orgsKnown); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		if orgsKnown != len(orgs) {
			return errOrganisationUnknown
		}
		if _, err := tx.Exec(ctx, `update gathering_registrations set attended = (account_id = any($2)), updated_at = clock_timestamp()
			where gathering_id = $1 and status = 'registered'`, g.ID, distinct); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		if _, err := tx.Exec(ctx, `update gatherings set walk_ins = $2 where id = $1`, g.ID, a.WalkIns); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		if _, err := tx.Exec(ctx, `delete from gathering_organisations where gathering_id = $1 and not (organisation_id = any($2))`,
			g.ID, orgs); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		if _, err := tx.Exec(ctx, `insert into gathering_organisations (gathering_id, organisation_id)
			select $1, unnest($2::uuid[]) on conflict do nothing`, g.ID, orgs); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		return s.audit(ctx, tx, g, "attendance", "", map[string]any{"attended": len(distinct), "registered": g.Registered,
			"walk_ins": a.WalkIns, "organisations": len(orgs)})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

var (
	errWalkIns             = apperr.Invalid("walkIns", "gathering.walk_ins_invalid")
	errOrganisationUnknown = apperr.Invalid("organisationIds", "gathering.organisation_unknown")
)

// dedupe returns ids without repeats, in their first order (never nil).
func dedupe(ids []uuid.UUID) []uuid.UUID {
	out := []uuid.UUID{}
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
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
