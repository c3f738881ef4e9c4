package consultation

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/phase"
)

// JobPhase is the River kind of scheduled phase changes (phase.Scheduled).
const JobPhase = "consultation.phase"

// phaseJob names the consultation's scheduled phase changes.
type phaseJob struct{}

func (phaseJob) JobKind() string { return JobPhase }

// Register adds the consultation workers (scheduled phase changes and reminders) to workers.
func (s *Service) Register(workers *river.Workers) {
	river.AddWorker(workers, &phase.Worker[phaseJob]{Apply: s.runScheduledPhase, Log: s.log})
	river.AddWorker(workers, &reportReminderWorker{s: s})
	river.AddWorker(workers, gathering.ReminderWorker[meetingJob](s.meetings))
}

func (s *Service) schedulePhase(ctx context.Context, tx *db.Tx, id uuid.UUID, to Status, at time.Time) error {
	return phase.Schedule[phaseJob](ctx, tx, s.river, id, string(to), at)
}

// runScheduledPhase applies a scheduled change if it still holds: the
// consultation is in the phase before to, and its stored time for to
// (opens_at or closes_at) still equals at.
func (s *Service) runScheduledPhase(ctx context.Context, id uuid.UUID, toPhase string, at time.Time) (bool, error) {
	to := Status(toPhase)
	from, ok := previousPhase(to)
	if !ok {
		return false, nil
	}
	changed := false
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := load(ctx, tx, id, true)
		if errors.Is(err, ErrNotFound) {
			return nil // deleted
		}
		if err != nil {
			return err
		}
		stored := c.OpensAt
		if to == StatusClosed {
			stored = c.ClosesAt
		}
		if c.Status != from || !phase.SameTime(stored, at) {
			return nil
		}
		changed = true
		if err := setPhase(ctx, tx, c.ID, from, to, ReasonSchedule, uuid.Nil); err != nil {
			return err
		}
		return s.afterPhase(ctx, tx, c, to)
	})
	return changed, err
}

// sameMicrosecond compares times at PostgreSQL's precision.
func sameMicrosecond(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}
