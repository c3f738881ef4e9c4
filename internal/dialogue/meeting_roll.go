package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/db"
)

// The roll of meetings to come follows the body's memberships whatever
// changes them (syncInvitations, meeting.go): appointments, removals,
// resignations — an organisation's withdrawal takes all its delegates off
// — and changes of delegates sync in their own transaction; a term that
// begins or ends on its own syncs from a River job at that moment
// (TermStartArgs here, TermEndArgs in jobs.go); a dissolved body's
// meetings to come are cancelled with the reason given for dissolving it,
// and everyone on their rolls is told as for any cancellation (their rolls
// stay as they were, as a cancelled meeting's do). Meetings under way and
// past keep their roll.

// JobTermStart is the River kind of the job run when a term begins.
const JobTermStart = "dialogue_term_start"

// TermStartArgs bring the rolls of upcoming meetings in line when
// membership MemberID begins (appointed ahead of its term): it is invited
// to the meetings to come from then on. Running it again changes nothing.
type TermStartArgs struct {
	MemberID uuid.UUID `json:"member_id"`
}

// Kind is the River job kind.
func (TermStartArgs) Kind() string { return JobTermStart }

// InsertOpts give the job a few attempts.
func (TermStartArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// scheduleTermStart schedules TermStartArgs at a term's start when it lies
// ahead (a term that starts now is synced by the appointment itself).
func (s *Service) scheduleTermStart(ctx context.Context, tx *db.Tx, memberID uuid.UUID, at time.Time) error {
	if !at.After(s.now()) {
		return nil
	}
	if _, err := s.river.InsertTx(ctx, tx, TermStartArgs{MemberID: memberID}, &river.InsertOpts{ScheduledAt: at}); err != nil {
		return fmt.Errorf("schedule term start: %w", err)
	}
	return nil
}

type termStartWorker struct {
	river.WorkerDefaults[TermStartArgs]
	s *Service
}

func (w *termStartWorker) Work(ctx context.Context, job *river.Job[TermStartArgs]) error {
	return w.s.SyncRollOfMember(ctx, job.Args.MemberID)
}

// SyncRollOfMember brings the rolls of the upcoming meetings of membership
// memberID's body in line with its memberships now (syncInvitations), in a
// transaction of its own with the body locked. The jobs of a term's start
// and end call it; it checks no permission.
func (s *Service) SyncRollOfMember(ctx context.Context, memberID uuid.UUID) error {
	var bodyID uuid.UUID
	if err := s.pool.QueryRow(ctx, `select body_id from dialogue_members where id = $1`, memberID).Scan(&bodyID); err != nil {
		return fmt.Errorf("read membership: %w", err)
	}
	return s.syncRolls(ctx, []uuid.UUID{bodyID})
}

// syncRolls brings the rolls of the bodies' upcoming meetings in line, one
// transaction per body (each locked, as its appointments lock it).
func (s *Service) syncRolls(ctx context.Context, bodies []uuid.UUID) error {
	seen := map[uuid.UUID]bool{}
	for _, id := range bodies {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
			if _, err := load(ctx, tx, id, true); err != nil {
				return err
			}
			return s.syncInvitations(ctx, tx, id)
		}); err != nil {
			return err
		}
	}
	return nil
}

// cancelUpcomingMeetings cancels the meetings of body bodyID still to come
// (not cancelled, not started) in the dissolution's transaction tx, with
// its reason; everyone on their rolls is told as for any cancellation.
func (s *Service) cancelUpcomingMeetings(ctx context.Context, tx *db.Tx, bodyID uuid.UUID, reason string) error {
	rows, err := tx.Query(ctx, `select id from gatherings where kind = $1 and owner_id = $2 and cancelled_at is null
		and starts_at > $3 order by starts_at, id`, MeetingGatheringKind, bodyID, s.now())
	if err != nil {
		return fmt.Errorf("upcoming meetings: %w", err)
	}
	upcoming, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("upcoming meetings: %w", err)
	}
	for _, id := range upcoming {
		if err := s.meetings.CancelTx(ctx, tx, id, reason); err != nil {
			return err
		}
	}
	return nil
}
