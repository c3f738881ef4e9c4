package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
)

// JobTermEnd is the River kind of the job that ends a term.
const JobTermEnd = "dialogue_term_end"

// TermEndArgs end membership MemberID when its term is over: the row is
// marked ended (term_ended) and every instance reloads the body roles.
// Every check already compares terms with the clock; the job makes the
// record and the grants agree with it.
type TermEndArgs struct {
	MemberID uuid.UUID `json:"member_id"`
}

// Kind is the River job kind.
func (TermEndArgs) Kind() string { return JobTermEnd }

// InsertOpts give the job a few attempts.
func (TermEndArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// JobTermEnding is the River kind of the reminder before a term ends.
const JobTermEnding = "dialogue_term_ending"

// TermEndingArgs tell the member (or the organisation's delegates) that
// the term ending at TermEnd is about to end; nothing when the membership
// ended otherwise or its end moved.
type TermEndingArgs struct {
	MemberID uuid.UUID `json:"member_id"`
	TermEnd  time.Time `json:"term_end"`
}

// Kind is the River job kind.
func (TermEndingArgs) Kind() string { return JobTermEnding }

// InsertOpts give the job a few attempts.
func (TermEndingArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// Register adds the service's workers.
func (s *Service) Register(workers *river.Workers) {
	river.AddWorker(workers, &termEndWorker{s: s})
	river.AddWorker(workers, &termEndingWorker{s: s})
	river.AddWorker(workers, gathering.ReminderWorker[meetingJob](s.meetings))
	river.AddWorker(workers, &termStartWorker{s: s})
}

// scheduleTermEnd schedules the end of a term and, when there is time for
// it, the reminder TermEndingNotice before.
func (s *Service) scheduleTermEnd(ctx context.Context, tx *db.Tx, memberID uuid.UUID, at time.Time) error {
	if _, err := s.river.InsertTx(ctx, tx, TermEndArgs{MemberID: memberID}, &river.InsertOpts{ScheduledAt: at}); err != nil {
		return fmt.Errorf("schedule term end: %w", err)
	}
	remind := at.Add(-TermEndingNotice)
	if !remind.After(s.now()) {
		return nil
	}
	if _, err := s.river.InsertTx(ctx, tx, TermEndingArgs{MemberID: memberID, TermEnd: at},
		&river.InsertOpts{ScheduledAt: remind}); err != nil {
		return fmt.Errorf("schedule term reminder: %w", err)
	}
	return nil
}

type termEndingWorker struct {
	river.WorkerDefaults[TermEndingArgs]
	s *Service
}

func (w *termEndingWorker) Work(ctx context.Context, job *river.Job[TermEndingArgs]) error {
	return w.s.remindTermEnding(ctx, job.Args)
}

func (s *Service) remindTermEnding(ctx context.Context, args TermEndingArgs) error {
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, err := loadMember(ctx, tx, args.MemberID)
		if err != nil {
			return err
		}
		if end, _ := m.End(s.now()); end != nil || m.TermEnd == nil || !m.TermEnd.Equal(args.TermEnd) {
			return nil
		}
		b, err := load(ctx, tx, m.BodyID, false)
		if err != nil {
			return err
		}
		return s.notifyMembers(ctx, tx, b, NoticeTermEnding, m.recipients(),
			map[string]string{"role": string(m.Role), "until": day(*m.TermEnd)}, "dialogue_term_ending:"+m.ID.String())
	})
}

type termEndWorker struct {
	river.WorkerDefaults[TermEndArgs]
	s *Service
}

func (w *termEndWorker) Work(ctx context.Context, job *river.Job[TermEndArgs]) error {
	id := job.Args.MemberID
	n, err := w.s.EndDueTerms(ctx, &id)
	if err == nil && n == 0 {
		// Ended already (by an earlier try, say): the rolls still follow.
		err = w.s.SyncRollOfMember(ctx, id)
	}
	return err
}

// EndDueTerms marks ended (term_ended, at the term's end) every membership
// whose term is over by the service's clock and that has not ended
// otherwise — only memberID when given — and reloads the grants. It returns
// how many it ended; repeating it changes nothing.
func (s *Service) EndDueTerms(ctx context.Context, memberID *uuid.UUID) (int, error) {
	var ended int
	var bodies []uuid.UUID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `update dialogue_members set ended_at = term_end, end_reason = 'term_ended'
			where ended_at is null and term_end <= $1 and ($2::uuid is null or id = $2)
			returning id, body_id`, s.now(), memberID)
		if err != nil {
			return fmt.Errorf("end terms: %w", err)
		}
		type endedTerm struct{ member, body uuid.UUID }
		var list []endedTerm
		for rows.Next() {
			var e endedTerm
			if err := rows.Scan(&e.member, &e.body); err != nil {
				rows.Close()
				return fmt.Errorf("end terms: %w", err)
			}
			list = append(list, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("end terms: %w", err)
		}
		for _, e := range list {
			bodies = append(bodies, e.body)
			if err := audit.Write(ctx, tx, audit.Entry{Action: "dialogue.member_term_end", ObjectType: ObjectType,
				ObjectID: e.body.String(), Data: map[string]any{"member_id": e.member}}); err != nil {
				return err
			}
		}
		ended = len(list)
		if ended == 0 {
			return nil
		}
		return s.az.Changed(ctx, tx)
	})
	if err == nil {
		// The ended members leave the rolls of the meetings to come.
		err = s.syncRolls(ctx, bodies)
	}
	return ended, err
}
