// Package phase is the one phase machine of the domains whose objects move
// through phases (consultations, budget editions, Ambassador editions): the
// table of allowed moves, the history of every move, and moves scheduled for
// a time.
//
// A domain keeps its own guards (what must hold before a move), its error
// codes and what a phase brings with it; the machine keeps the rules every
// domain shares:
//   - a move is allowed only if the table says so;
//   - every move is recorded (who, when, why; the schedule has no actor);
//   - a scheduled move is a River job that acts only if the object is still
//     in a phase that may move to the target and the time stored for the
//     move still equals the job's time, so a hand move or a new schedule
//     leaves stale jobs with nothing to do. Jobs are not unique: River's
//     uniqueness would also block scheduling the same move again after a
//     completed job; the check makes duplicates harmless.
package phase

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/otwarty/otwarty/internal/db"
)

// ReasonSchedule is the reason recorded for a scheduled move.
const ReasonSchedule = "schedule"

// Machine is the phases of one kind of object.
type Machine struct {
	// Kind names the objects' kind in the history ("consultation").
	Kind string
	// Moves maps a phase to the phases it may move to.
	Moves map[string][]string
}

// Allows reports whether an object may move from one phase to another.
func (m Machine) Allows(from, to string) bool { return slices.Contains(m.Moves[from], to) }

// Change is one recorded move. ActorID is uuid.Nil for the schedule.
type Change struct {
	ID        uuid.UUID
	ObjectID  uuid.UUID
	From, To  string
	Reason    string
	ActorID   uuid.UUID
	CreatedAt time.Time
}

// Record stores a move of object id in the history, in tx (the move's own
// transaction). It refuses a move the table does not allow: a guard the
// domain forgot cannot let one through.
func (m Machine) Record(ctx context.Context, tx *db.Tx, id uuid.UUID, from, to, reason string, actor uuid.UUID) error {
	if !m.Allows(from, to) {
		return fmt.Errorf("phase: %s %s cannot move from %s to %s", m.Kind, id, from, to)
	}
	var actorID *uuid.UUID
	if actor != uuid.Nil {
		actorID = &actor
	}
	if _, err := tx.Exec(ctx, `insert into phase_changes (kind, object_id, from_status, to_status, reason, actor_id)
		values ($1, $2, $3, $4, $5, $6)`, m.Kind, id, from, to, reason, actorID); err != nil {
		return fmt.Errorf("phase: record: %w", err)
	}
	return nil
}

// History lists the moves of object id, oldest first.
func (m Machine) History(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, id uuid.UUID) ([]Change, error) {
	all, err := m.HistoryOf(ctx, q, []uuid.UUID{id})
	return all[id], err
}

// HistoryOf is History of several objects at once (each present, possibly
// with no change).
func (m Machine) HistoryOf(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, ids []uuid.UUID) (map[uuid.UUID][]Change, error) {
	rows, err := q.Query(ctx, `select id, object_id, from_status, to_status, reason,
			coalesce(actor_id, '00000000-0000-0000-0000-000000000000'), created_at
		from phase_changes where kind = $1 and object_id = any($2) order by created_at, id`, m.Kind, ids)
	if err != nil {
		return nil, fmt.Errorf("phase: history: %w", err)
	}
	out := make(map[uuid.UUID][]Change, len(ids))
	for _, id := range ids {
		out[id] = []Change{}
	}
	var c Change
	_, err = pgx.ForEachRow(rows, []any{&c.ID, &c.ObjectID, &c.From, &c.To, &c.Reason, &c.ActorID, &c.CreatedAt}, func() error {
		out[c.ObjectID] = append(out[c.ObjectID], c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("phase: history: %w", err)
	}
	return out, nil
}

// Named names the River job kind of one machine's scheduled moves.
type Named interface{ JobKind() string }

// Scheduled is a scheduled move of object ObjectID to To at At; K names its
// job kind.
type Scheduled[K Named] struct {
	ObjectID uuid.UUID `json:"object_id"`
	To       string    `json:"to"`
	At       time.Time `json:"at"`
}

// Kind is the River job kind.
func (Scheduled[K]) Kind() string {
	var k K
	return k.JobKind()
}

// InsertOpts gives the job a few attempts.
func (Scheduled[K]) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// Inserter inserts a job in the caller's transaction (a River client).
type Inserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Schedule inserts, in tx, the job that moves object id to `to` at `at`.
func Schedule[K Named](ctx context.Context, tx *db.Tx, ins Inserter, id uuid.UUID, to string, at time.Time) error {
	if _, err := ins.InsertTx(ctx, tx.Tx, Scheduled[K]{ObjectID: id, To: to, At: at}, &river.InsertOpts{ScheduledAt: at}); err != nil {
		return fmt.Errorf("phase: schedule %s: %w", to, err)
	}
	return nil
}

// Worker runs one machine's scheduled moves.
type Worker[K Named] struct {
	river.WorkerDefaults[Scheduled[K]]
	// Apply performs a scheduled move if it still holds (the object is in
	// a phase that may move to `to` and its stored time for the move equals
	// at, compared with SameTime), and reports whether it did.
	Apply func(ctx context.Context, id uuid.UUID, to string, at time.Time) (bool, error)
	Log   *slog.Logger
}

// Work applies the move; a stale one is logged and done.
func (w *Worker[K]) Work(ctx context.Context, job *river.Job[Scheduled[K]]) error {
	moved, err := w.Apply(ctx, job.Args.ObjectID, job.Args.To, job.Args.At)
	if err != nil {
		return err
	}
	if !moved && w.Log != nil {
		w.Log.InfoContext(ctx, "phase: scheduled move is stale", "kind", job.Kind, "object", job.Args.ObjectID, "to", job.Args.To)
	}
	return nil
}

// SameTime compares a stored time with a job's at PostgreSQL's precision.
func SameTime(stored *time.Time, at time.Time) bool {
	return stored != nil && stored.Truncate(time.Microsecond).Equal(at.Truncate(time.Microsecond))
}
