// Package budget is the civic budget (Budżet Obywatelski): editions with
// their pools and projects, the voter roll, secret ballots cast once per
// person, and results counted by each pool's rule with internal/pb.
package budget

import (
	"github.com/otwarty/otwarty/internal/db"
	"sync"

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
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// Status is an edition's phase.
type Status string

const (
	StatusDraft            Status = "draft"
	StatusSubmission       Status = "submission"
	StatusVerification     Status = "verification"
	StatusAppeals          Status = "appeals"
	StatusVoting           Status = "voting"
	StatusClosed           Status = "closed"
	StatusResultsPublished Status = "results_published"
)

// Actions of the policy matrix (internal/authz/policy.csv).
const (
	ActCreate        = "create"
	ActManage        = "manage"
	ActRead          = "read"
	ActRegisterVoter = "register_voter"
	ActCast          = "cast"
	// Voting channels (ballot.go, codes.go, paper.go, guardian.go).
	ActChange        = "change"
	ActIssueCodes    = "issue_codes"
	ActEnterPaper    = "enter_paper"
	ActRegisterChild = "register_child"
)

// HashFunc normalises an identifier of a type and returns its keyed hash and
// the key id: identity.Service.HashIdentifier, so that one document hashes
// the same for verification and for the voter roll.
type HashFunc func(typ, identifier string) ([]byte, string, error)

// Service implements the civic budget.
type Service struct {
	pool   *pgxpool.Pool
	az     *authz.Authorizer
	notify *notify.Service
	// river inserts jobs in the caller's transaction (InsertTx); the
	// workers run on the client that Register's workers are given to.
	river *river.Client[pgx.Tx]
	hash  HashFunc
	// box keeps ballot contents apart from the voters' markers (box.go).
	box *ballotbox.Box
	log *slog.Logger
	now func() time.Time
	// rules caches each edition's ballot rules while they are frozen
	// (ballot.go).
	rules rulesCache
	// group gathers concurrent ballots into shared transactions (cast.go);
	// nil casts each on its own.
	group *groupCommit
	// mixing is the mix state of each edition's box here (cast.go).
	mixing sync.Map
	// sessions are the editions' information sessions (sessions.go).
	sessions *gathering.Service
}

// New returns the service.
// jobs inserts its River jobs (db.Jobs).
func New(pool *pgxpool.Pool, jobs *river.Client[pgx.Tx], az *authz.Authorizer, ns *notify.Service, hashIdentifier HashFunc,
	box *ballotbox.Box, log *slog.Logger) (*Service, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{pool: pool, az: az, notify: ns, river: jobs, hash: hashIdentifier, box: box, log: log, now: time.Now}
	box.Handle(ballotBoxKind, s.openBallots)
	s.SetGroupCommit(DefaultGroupCommit)
	s.sessions = s.newSessions()
	return s, nil
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Warsaw is the civic budget's time zone (i18n.Warsaw): the day a ballot is
// cast on.
var Warsaw = i18n.Warsaw

// Edition is one year's civic budget of a city unit.
type Edition struct {
	ID                uuid.UUID
	UnitID            uuid.UUID
	Year              int
	Currency          string
	Status            Status
	VotingOpensAt     *time.Time
	VotingClosesAt    *time.Time
	AllowBallotChange bool
	LiveThreshold     int
	// SurveyEnabled: the participation survey is offered after a ballot.
	SurveyEnabled bool
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// The schedule of the phases before the vote (projects area); each is
	// optional and, when set, bounds its phase's actions.
	SubmissionOpensAt  *time.Time
	SubmissionClosesAt *time.Time
	VerificationEndsAt *time.Time
	AppealsCloseAt     *time.Time
	ResultsDueAt       *time.Time
}

// Domain is the authorization domain of an edition (ballot officers hold
// their role in it).
func Domain(id uuid.UUID) string { return authz.Domain("budget_edition", id) }

// Object is the edition as an authorization object.
func (e *Edition) Object() authz.Object {
	return authz.Object{Type: "budget_edition", ID: e.ID.String(),
		Domains: []string{Domain(e.ID), authz.Domain("org", e.UnitID)},
		Attrs:   map[string]string{"status": string(e.Status)}}
}

func (e *Edition) resultObject() authz.Object {
	o := e.Object()
	o.Type = "budget_result"
	return o
}

// votingOpen reports whether ballots may be cast at t.
func (e *Edition) votingOpen(t time.Time) bool {
	return e.Status == StatusVoting && e.VotingOpensAt != nil && e.VotingClosesAt != nil &&
		!t.Before(*e.VotingOpensAt) && t.Before(*e.VotingClosesAt)
}

const editionColumns = `id, unit_id, year, currency, status, voting_opens_at, voting_closes_at,
	allow_ballot_change, live_threshold, created_at, updated_at,
	submission_opens_at, submission_closes_at, verification_ends_at, appeals_close_at, results_due_at, survey_enabled`

// loadEdition reads an edition without a visibility check; lock is "",
// "for update" or "for share".
func loadEdition(ctx context.Context, q db.Querier, id uuid.UUID, lock string) (*Edition, error) {
	e, err := scanEdition(q.QueryRow(ctx, `select `+editionColumns+` from budget_editions where id = $1 `+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load edition: %w", err)
	}
	return e, nil
}

// scanEdition reads a row of editionColumns.
func scanEdition(row pgx.Row) (*Edition, error) {
	var e Edition
	err := row.Scan(&e.ID, &e.UnitID, &e.Year, &e.Currency, &e.Status, &e.VotingOpensAt, &e.VotingClosesAt,
		&e.AllowBallotChange, &e.LiveThreshold, &e.CreatedAt, &e.UpdatedAt,
		&e.SubmissionOpensAt, &e.SubmissionClosesAt, &e.VerificationEndsAt, &e.AppealsCloseAt, &e.ResultsDueAt, &e.SurveyEnabled)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// editionFor loads an edition for act by the caller, in authz.For's order
// (anonymous callers refused first unless reading; NOT_FOUND when they may
// not read it; FORBIDDEN when they may read but not act).
func editionFor(ctx context.Context, q db.Querier, id uuid.UUID, act, lock string) (*Edition, error) {
	return authz.For(ctx, act, func() (*Edition, authz.Object, bool, error) {
		e, err := loadEdition(ctx, q, id, lock)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		return e, e.Object(), authz.Can(ctx, ActRead, e.Object()), nil
	})
}

// Edition returns an edition the caller may read.
func (s *Service) Edition(ctx context.Context, id uuid.UUID) (*Edition, error) {
	return editionFor(ctx, s.pool, id, ActRead, "")
}

func actorOrNil(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}
