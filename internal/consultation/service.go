package consultation

import (
	"github.com/otwarty/otwarty/internal/db"

	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/notify"
)

// Service implements consultations and their submissions.
type Service struct {
	pool   *pgxpool.Pool
	az     *authz.Authorizer
	notify *notify.Service
	river  *river.Client[pgx.Tx] // inserts only; the application's client works the jobs
	log    *slog.Logger
	// now is the clock; tests move it.
	now func() time.Time
	// meetings are the consultation's gatherings (meeting.go).
	meetings *gathering.Service
	// opinions are the dialogue bodies' opinions (opinion.go).
	opinions OpinionSource
}

// New returns the service.
// jobs inserts its River jobs (db.Jobs).
func New(pool *pgxpool.Pool, jobs *river.Client[pgx.Tx], az *authz.Authorizer, ns *notify.Service, log *slog.Logger) (*Service, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{pool: pool, az: az, notify: ns, river: jobs, log: log, now: time.Now}
	s.meetings = s.newMeetings()
	return s, nil
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// ErrNotFound is what a caller gets for a consultation it may not see.
var ErrNotFound = apperr.ErrNotFound

const consultationColumns = `c.id, c.unit_id, c.status, c.title_text_id, c.summary_text_id, c.body_text_id,
	c.tags, c.districts, c.forms, c.announce_at, c.opens_at, c.closes_at, c.report_due_at, c.overrides,
	c.auto_hide_threshold, c.edit_window_minutes, coalesce(c.created_by, '00000000-0000-0000-0000-000000000000'),
	c.created_at, c.updated_at, c.published_at`

func scanConsultation(row pgx.Row) (*Consultation, error) {
	var c Consultation
	var minutes int
	err := row.Scan(&c.ID, &c.UnitID, &c.Status, &c.TitleTextID, &c.SummaryTextID, &c.BodyTextID,
		&c.Tags, &c.Districts, &c.Forms, &c.AnnounceAt, &c.OpensAt, &c.ClosesAt, &c.ReportDueAt, &c.Overrides,
		&c.AutoHideThreshold, &minutes, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt, &c.PublishedAt)
	if err != nil {
		return nil, err
	}
	c.EditWindow = time.Duration(minutes) * time.Minute
	return &c, nil
}

// load reads a consultation without any visibility check; forUpdate locks
// its row (use it in a transaction that changes the consultation or depends
// on its phase).
func load(ctx context.Context, q db.Querier, id uuid.UUID, forUpdate bool) (*Consultation, error) {
	sql := `select ` + consultationColumns + ` from consultations c where c.id = $1`
	if forUpdate {
		sql += ` for update`
	}
	c, err := scanConsultation(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load consultation: %w", err)
	}
	return c, nil
}

// visible loads a consultation the caller may see: drafts only for staff
// of its unit, coordinators and admins; anything else is NOT_FOUND.
func (s *Service) visible(ctx context.Context, q db.Querier, id uuid.UUID, forUpdate bool) (*Consultation, error) {
	c, err := load(ctx, q, id, forUpdate)
	if err != nil {
		return nil, err
	}
	if !authz.Can(ctx, ActRead, c.Object()) {
		return nil, ErrNotFound
	}
	return c, nil
}
