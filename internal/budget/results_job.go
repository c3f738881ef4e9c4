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
	"github.com/otwarty/otwarty/internal/phase"
)

// River job kinds of the results.
const (
	JobCloseVoting    = "budget.close_voting"
	JobComputeResults = "budget.compute_results"
)

// closeVotingJob names the scheduled close of a vote (phase.Scheduled to
// StatusClosed at the end of the voting window).
type closeVotingJob struct{}

func (closeVotingJob) JobKind() string { return JobCloseVoting }

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
	return phase.Schedule[closeVotingJob](ctx, tx, s.river, e.ID, string(StatusClosed), at)
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

// closeOnSchedule closes the vote if the scheduled close still holds; it
// reports whether it did.
func (s *Service) closeOnSchedule(ctx context.Context, id uuid.UUID, to string, at time.Time) (bool, error) {
	if Status(to) != StatusClosed {
		return false, nil
	}
	closed := false
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := loadEdition(ctx, tx, id, "for update")
		if errors.Is(err, apperr.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Status != StatusVoting || !phase.SameTime(e.VotingClosesAt, at) {
			return nil
		}
		if err := setStatus(ctx, tx, e, StatusClosed, uuid.Nil); err != nil {
			return err
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
			AccountID: o, Kind: NoticeResultsReady,
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
