package budget

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// OpenVoting starts the vote of a draft edition ("manage"): it needs the
// voting window and pools that each have a project.
func (s *Service) OpenVoting(ctx context.Context, id uuid.UUID) (*Edition, error) {
	return s.transition(ctx, id, StatusDraft, StatusVoting, func(tx *db.Tx, e *Edition) error {
		if e.VotingOpensAt == nil || e.VotingClosesAt == nil {
			return apperr.Invalid("votingOpensAt", "budget.schedule_missing")
		}
		var pools, empty int
		if err := tx.QueryRow(ctx, `select count(*), count(*) filter (where not exists
				(select 1 from budget_projects p where p.pool_id = l.id))
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

// PublishResults makes computed results public ("manage"). (The
// commission's sign-off before this step comes later.)
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
		return nil
	})
}

func (s *Service) transition(ctx context.Context, id uuid.UUID, from, to Status, check func(*db.Tx, *Edition) error) (*Edition, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := editionFor(ctx, tx, id, ActManage, "for update")
		if err != nil {
			return err
		}
		if e.Status != from {
			return apperr.New(apperr.PhaseClosed, "budget.status_invalid").With(map[string]any{"from": string(e.Status), "to": string(to)})
		}
		if check != nil {
			if err := check(tx, e); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `update budget_editions set status = $2, updated_at = now() where id = $1`, id, to); err != nil {
			return fmt.Errorf("update edition: %w", err)
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
