package budget

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/phase"
)

// phases is the edition's phase machine. An edition whose projects staff
// enter directly (imports) may go from draft straight to the vote.
var phases = phase.Machine{Kind: "budget_edition", Moves: map[string][]string{
	string(StatusDraft):        {string(StatusSubmission), string(StatusVoting)},
	string(StatusSubmission):   {string(StatusVerification)},
	string(StatusVerification): {string(StatusAppeals)},
	string(StatusAppeals):      {string(StatusVoting)},
	string(StatusVoting):       {string(StatusClosed)},
	string(StatusClosed):       {string(StatusResultsPublished)},
}}

// setStatus moves e to `to` and records the move (actor uuid.Nil: the
// schedule). The caller holds the edition's row lock and has checked the
// move's guards.
func setStatus(ctx context.Context, tx *db.Tx, e *Edition, to Status, actor uuid.UUID) error {
	if _, err := tx.Exec(ctx, `update budget_editions set status = $2, updated_at = now() where id = $1`, e.ID, to); err != nil {
		return fmt.Errorf("update edition: %w", err)
	}
	reason := ""
	if actor == uuid.Nil {
		reason = phase.ReasonSchedule
	}
	return phases.Record(ctx, tx, e.ID, string(e.Status), string(to), reason, actor)
}

// OpenVoting starts the vote ("manage") of a draft edition (whose projects
// staff entered directly, e.g. imports) or of one at the end of its appeals
// phase with every appeal decided: it needs the voting window and pools
// that each have an eligible project.
func (s *Service) OpenVoting(ctx context.Context, id uuid.UUID) (*Edition, error) {
	return s.transitionFrom(ctx, id, []Status{StatusDraft, StatusAppeals}, StatusVoting, func(tx *db.Tx, e *Edition) error {
		if e.VotingOpensAt == nil || e.VotingClosesAt == nil {
			return apperr.Invalid("votingOpensAt", "budget.schedule_missing")
		}
		if e.Status == StatusAppeals {
			if err := appealsDecided(ctx, tx, e.ID); err != nil { // project_verification.go
				return err
			}
		}
		var pools, empty int
		if err := tx.QueryRow(ctx, `select count(*), count(*) filter (where not exists
				(select 1 from budget_projects p where p.pool_id = l.id and p.status = 'eligible'))
			from budget_pools l where l.edition_id = $1`, id).Scan(&pools, &empty); err != nil {
			return fmt.Errorf("count pools: %w", err)
		}
		if pools == 0 || empty > 0 {
			return apperr.Invalid("pools", "budget.pool_empty")
		}
		return s.votingOpened(ctx, tx, e)
	})
}

// CloseVoting ends the vote ("manage"), even before the window closes.
func (s *Service) CloseVoting(ctx context.Context, id uuid.UUID) (*Edition, error) {
	return s.transition(ctx, id, StatusVoting, StatusClosed, func(tx *db.Tx, e *Edition) error {
		return s.votingClosed(ctx, tx, e)
	})
}

// PublishResults makes computed results public ("manage") once the
// commission has signed the current computation (CONFLICT
// budget.not_certified before).
func (s *Service) PublishResults(ctx context.Context, id uuid.UUID) (*Edition, error) {
	return s.transition(ctx, id, StatusClosed, StatusResultsPublished, func(tx *db.Tx, e *Edition) error {
		var missing int
		if err := tx.QueryRow(ctx, `select count(*) from budget_pools l where l.edition_id = $1
			and not exists (select 1 from budget_results r where r.pool_id = l.id)`, id).Scan(&missing); err != nil {
			return fmt.Errorf("check results: %w", err)
		}
		if missing > 0 {
			return apperr.New(apperr.Conflict, "budget.results_missing")
		}
		if err := requireCertified(ctx, tx, e); err != nil { // commission.go
			return err
		}
		return assignExportNumbers(ctx, tx, e) // export.go
	})
}

func (s *Service) transition(ctx context.Context, id uuid.UUID, from, to Status, check func(*db.Tx, *Edition) error) (*Edition, error) {
	return s.transitionFrom(ctx, id, []Status{from}, to, check)
}

// transitionFrom is transition from any of several states.
func (s *Service) transitionFrom(ctx context.Context, id uuid.UUID, froms []Status, to Status, check func(*db.Tx, *Edition) error) (*Edition, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := editionFor(ctx, tx, id, ActManage, "for update")
		if err != nil {
			return err
		}
		if !slices.Contains(froms, e.Status) || !phases.Allows(string(e.Status), string(to)) {
			return apperr.New(apperr.PhaseClosed, "budget.status_invalid").With(map[string]any{"from": string(e.Status), "to": string(to)})
		}
		from := e.Status
		if check != nil {
			if err := check(tx, e); err != nil {
				return err
			}
		}
		if err := setStatus(ctx, tx, e, to, actor); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.status",
			ObjectType: "budget_edition", ObjectID: id.String(), Data: map[string]any{"from": string(from), "to": string(to)}})
	})
	if err != nil {
		return nil, err
	}
	return loadEdition(ctx, s.pool, id, "")
}

// votingOpened runs in the transaction that opens the vote: each area
// schedules what follows from it.
func (s *Service) votingOpened(ctx context.Context, tx *db.Tx, e *Edition) error {
	if err := s.scheduleClose(ctx, tx, e); err != nil { // results_job.go
		return err
	}
	return s.scheduleVotingReminders(ctx, tx, e) // outreach.go
}

// votingClosed runs in the transaction that closes the vote.
func (s *Service) votingClosed(ctx context.Context, tx *db.Tx, e *Edition) error {
	return s.enqueueResults(ctx, tx, e) // results_job.go
}
