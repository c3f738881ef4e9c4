package consultation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
)

// JobPhase is the River kind of scheduled phase changes.
const JobPhase = "consultation.phase"

// PhaseArgs is a scheduled phase change: move the consultation to To at At.
// The job acts only if the consultation is still in the phase before To and
// its stored time for To (opens_at or closes_at) still equals At, so a hand
// change or a new schedule leaves stale jobs with nothing to do. Jobs are
// not unique: River's uniqueness would also block re-scheduling the same
// change after a completed job; the check makes duplicates harmless.
type PhaseArgs struct {
	ConsultationID uuid.UUID `json:"consultation_id"`
	To             Status    `json:"to"`
	At             time.Time `json:"at"`
}

// Kind is the River job kind.
func (PhaseArgs) Kind() string { return JobPhase }

// InsertOpts gives the job a few attempts.
func (PhaseArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// Register adds the consultation workers (scheduled phase changes and reminders) to workers.
func (s *Service) Register(workers *river.Workers) {
	river.AddWorker(workers, &phaseWorker{s: s})
	river.AddWorker(workers, &reportReminderWorker{s: s})
	river.AddWorker(workers, gathering.ReminderWorker[meetingJob](s.meetings))
}

func (s *Service) schedulePhase(ctx context.Context, tx *db.Tx, id uuid.UUID, to Status, at time.Time) error {
	_, err := s.river.InsertTx(ctx, tx.Tx, PhaseArgs{ConsultationID: id, To: to, At: at},
		&river.InsertOpts{ScheduledAt: at})
	if err != nil {
		return fmt.Errorf("schedule %s: %w", to, err)
	}
	return nil
}

type phaseWorker struct {
	river.WorkerDefaults[PhaseArgs]
	s *Service
}

func (w *phaseWorker) Work(ctx context.Context, job *river.Job[PhaseArgs]) error {
	changed, err := w.s.runScheduledPhase(ctx, job.Args)
	if err != nil {
		return err
	}
	if !changed {
		w.s.log.Info("consultation: scheduled phase change is stale", "consultation", job.Args.ConsultationID,
			"to", job.Args.To)
	}
	return nil
}

// runScheduledPhase applies a scheduled change if it still holds.
func (s *Service) runScheduledPhase(ctx context.Context, a PhaseArgs) (bool, error) {
	from, ok := previousPhase(a.To)
	if !ok {
		return false, nil
	}
	changed := false
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := load(ctx, tx, a.ConsultationID, true)
		if errors.Is(err, ErrNotFound) {
			return nil // deleted
		}
		if err != nil {
			return err
		}
		stored := c.OpensAt
		if a.To == StatusClosed {
			stored = c.ClosesAt
		}
		if c.Status != from || stored == nil || !sameMicrosecond(*stored, a.At) {
			return nil
		}
		changed = true
		if err := setPhase(ctx, tx, c.ID, from, a.To, ReasonSchedule, uuid.Nil); err != nil {
			return err
		}
		return s.afterPhase(ctx, tx, c, a.To)
	})
	return changed, err
}

// sameMicrosecond compares times at PostgreSQL's precision.
func sameMicrosecond(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}
