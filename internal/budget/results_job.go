package budget

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/notify"
)

// River job kinds of the results.
const (
	JobCloseVoting    = "budget.close_voting"
	JobComputeResults = "budget.compute_results"
)

// CloseVotingArgs closes an edition's vote at At, the end of its window.
// The job acts only if the edition is still voting and its stored close
// time still equals At, so a hand close or a changed window leaves a stale
// job with nothing to do. Not unique: the check makes duplicates harmless,
// and uniqueness would block scheduling the same close again.
type CloseVotingArgs struct {
	EditionID uuid.UUID `json:"edition_id"`
	At        time.Time `json:"at"`
}

// Kind is the River job kind.
func (CloseVotingArgs) Kind() string { return JobCloseVoting }

// InsertOpts gives the job a few attempts.
func (CloseVotingArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// ComputeResultsArgs computes the provisional results of a closed edition
// as the system. After is the computation number current when the job was
// enqueued: a job finding a later computation (someone recounted by hand)
// has nothing to do. Unique by args among jobs not yet finished, so a close
// enqueues one job, while a recount request after corrections (a new After,
// or the same one once the earlier job completed) is always accepted.
type ComputeResultsArgs struct {
	EditionID uuid.UUID `json:"edition_id"`
	After     int       `json:"after"`
}

// Kind is the River job kind.
func (ComputeResultsArgs) Kind() string { return JobComputeResults }

// InsertOpts makes the job unique among unfinished jobs (completed,
// cancelled and discarded ones do not block a new request).
func (ComputeResultsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

// scheduleClose schedules the automatic close of the vote at the end of
// its window.
func (s *Service) scheduleClose(ctx context.Context, tx *db.Tx, e *Edition) error {
	if e.VotingClosesAt == nil {
		return nil
	}
	at := *e.VotingClosesAt
	if _, err := s.river.InsertTx(ctx, tx.Tx, CloseVotingArgs{EditionID: e.ID, At: at}, &river.InsertOpts{ScheduledAt: at}); err != nil {
		return fmt.Errorf("schedule close: %w", err)
	}
	return nil
}

// enqueueResults enqueues the job that computes provisional results once
// the vote is closed.
func (s *Service) enqueueResults(ctx context.Context, tx *db.Tx, e *Edition) error {
	var after int
	err := tx.QueryRow(ctx, `select computation from budget_result_state where edition_id = $1`, e.ID).Scan(&after)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("read computation: %w", err)
	}
	if _, err := s.river.InsertTx(ctx, tx.Tx, ComputeResultsArgs{EditionID: e.ID, After: after}, nil); err != nil {
		return fmt.Errorf("enqueue results: %w", err)
	}
	return nil
}

type closeVotingWorker struct {
	river.WorkerDefaults[CloseVotingArgs]
	s *Service
}

func (w *closeVotingWorker) Work(ctx context.Context, job *river.Job[CloseVotingArgs]) error {
	closed, err := w.s.closeOnSchedule(ctx, job.Args)
	if err != nil {
		return err
	}
	if !closed {
		w.s.log.Info("budget: scheduled close is stale", "edition", job.Args.EditionID)
	}
	return nil
}

// closeOnSchedule closes the vote if the scheduled close still holds; it
// reports whether it did.
func (s *Service) closeOnSchedule(ctx context.Context, a CloseVotingArgs) (bool, error) {
	closed := false
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := loadEdition(ctx, tx, a.EditionID, "for update")
		if errors.Is(err, apperr.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Status != StatusVoting || e.VotingClosesAt == nil ||
			!e.VotingClosesAt.Truncate(time.Microsecond).Equal(a.At.Truncate(time.Microsecond)) {
			return nil
		}
		if _, err := tx.Exec(ctx, `update budget_editions set status = $2, updated_at = now() where id = $1`, e.ID, StatusClosed); err != nil {
			return fmt.Errorf("close edition: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{Action: "budget.status", ObjectType: "budget_edition", ObjectID: e.ID.String(),
			Data: map[string]any{"from": string(StatusVoting), "to": string(StatusClosed), "reason": "schedule"}}); err != nil {
			return err
		}
		closed = true
		e.Status = StatusClosed
		return s.votingClosed(ctx, tx, e)
	})
	return closed, err
}

type computeResultsWorker struct {
	river.WorkerDefaults[ComputeResultsArgs]
	s *Service
}

func (w *computeResultsWorker) Work(ctx context.Context, job *river.Job[ComputeResultsArgs]) error {
	computed, err := w.s.computeAsSystem(ctx, job.Args)
	if err != nil {
		return err
	}
	if !computed {
		w.s.log.Info("budget: results job is stale", "edition", job.Args.EditionID)
	}
	return nil
}

// computeAsSystem counts a closed edition's pools (no caller: the job acts
// for the unit) and tells the unit's officials that provisional results
// are ready.
func (s *Service) computeAsSystem(ctx context.Context, a ComputeResultsArgs) (bool, error) {
	computed := false
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := loadEdition(ctx, tx, a.EditionID, "for update")
		if errors.Is(err, apperr.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var current int
		err = tx.QueryRow(ctx, `select computation from budget_result_state where edition_id = $1`, e.ID).Scan(&current)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read computation: %w", err)
		}
		if e.Status != StatusClosed || current > a.After {
			return nil
		}
		if err := s.mixAll(ctx, tx, e); err != nil {
			return err
		}
		n, err := storeResults(ctx, tx, e, uuid.Nil)
		if err != nil {
			return err
		}
		computed = true
		return s.notifyResultsReady(ctx, tx, e, n)
	})
	return computed, err
}

// notifyResultsReady tells the officials of e's unit that computation n
// of the provisional results is ready for the commission.
func (s *Service) notifyResultsReady(ctx context.Context, tx *db.Tx, e *Edition, n int) error {
	if s.notify == nil {
		return nil
	}
	rows, err := tx.Query(ctx, `select g.account_id from role_grants g join accounts a on a.id = g.account_id
		where g.role = 'official' and g.domain = $1 and a.deleted_at is null order by g.account_id`,
		"org:"+e.UnitID.String())
	if err != nil {
		return fmt.Errorf("unit officials: %w", err)
	}
	officials, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("unit officials: %w", err)
	}
	for _, o := range officials {
		err := s.notify.Notify(ctx, tx, notify.Notice{
			AccountID: o, Kind: notify.KindBudgetResultsReady,
			Data:      map[string]string{"edition_id": e.ID.String(), "year": strconv.Itoa(e.Year), "computation": strconv.Itoa(n)},
			DedupeKey: fmt.Sprintf("budget_results_ready:%s:%d:%s", e.ID, n, o),
			InApp:     true, Email: true,
		})
		if err != nil {
			return err
		}
	}
	return nil
}
