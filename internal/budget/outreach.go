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

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/follow"
	"github.com/otwarty/otwarty/internal/notify"
)

// ActFollow is following a public edition (policy: any signed-in account).
const ActFollow = "follow"

// JobVotingReminder is the River kind of the reminders to followers.
const JobVotingReminder = "budget.voting_reminder"

// Voting reminders.
const (
	ReminderVotingOpened  = "opened"
	ReminderVotingClosing = "closing"
)

// ClosingReminderDays is how many Warsaw calendar days before the close
// followers are reminded.
const ClosingReminderDays = 2

// Follow makes the caller a follower of a public edition; following twice
// changes nothing.
func (s *Service) Follow(ctx context.Context, editionID uuid.UUID) (*Edition, error) {
	return s.setFollow(ctx, editionID, true)
}

// Unfollow stops the caller following an edition it may see.
func (s *Service) Unfollow(ctx context.Context, editionID uuid.UUID) (*Edition, error) {
	return s.setFollow(ctx, editionID, false)
}

func (s *Service) setFollow(ctx context.Context, editionID uuid.UUID, on bool) (*Edition, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	var e *Edition
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var err error
		if !on {
			// Anyone may stop following an edition they still see.
			e, err = editionFor(ctx, tx, editionID, ActRead, "for share")
			if err != nil {
				return err
			}
			return follow.Set(ctx, tx, follow.BudgetEdition, editionID, sub.AccountID, false)
		}
		if e, err = editionFor(ctx, tx, editionID, ActFollow, "for share"); err != nil {
			return err
		}
		return follow.Set(ctx, tx, follow.BudgetEdition, editionID, sub.AccountID, true)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Followers returns, for an edition the caller may read, how many accounts
// follow it and whether the caller is one of them.
func (s *Service) Followers(ctx context.Context, editionID uuid.UUID) (count int, viewer bool, err error) {
	if _, err := s.Edition(ctx, editionID); err != nil {
		return 0, false, err
	}
	return follow.Count(ctx, s.pool, follow.BudgetEdition, editionID, authz.SubjectFrom(ctx).AccountID)
}

// VotingReminderArgs is a reminder to an edition's followers. It is stale
// (does nothing) unless the edition is voting with the same window.
type VotingReminderArgs struct {
	EditionID uuid.UUID `json:"edition_id"`
	Reminder  string    `json:"reminder"` // ReminderVotingOpened or ReminderVotingClosing
	OpensAt   time.Time `json:"opens_at"`
	ClosesAt  time.Time `json:"closes_at"`
}

// Kind is the River job kind.
func (VotingReminderArgs) Kind() string { return JobVotingReminder }

// InsertOpts gives the job a few attempts.
func (VotingReminderArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// ClosingReminderAt is when followers are told that the vote closes soon:
// the same Warsaw wall-clock time ClosingReminderDays calendar days before
// the close.
func ClosingReminderAt(closes time.Time) time.Time {
	return closes.In(Warsaw).AddDate(0, 0, -ClosingReminderDays)
}

// scheduleVotingReminders schedules the reminders to the edition's
// followers once the vote opens: "voting is open" at the opening (or now),
// "voting closes soon" ClosingReminderDays Warsaw days before the close
// (none when the window is shorter). Runs in the transaction that opens
// the vote.
func (s *Service) scheduleVotingReminders(ctx context.Context, tx *db.Tx, e *Edition) error {
	if e.VotingOpensAt == nil || e.VotingClosesAt == nil {
		return nil
	}
	now := s.now()
	args := VotingReminderArgs{EditionID: e.ID, OpensAt: *e.VotingOpensAt, ClosesAt: *e.VotingClosesAt}
	at := map[string]time.Time{ReminderVotingOpened: *e.VotingOpensAt}
	if closing := ClosingReminderAt(*e.VotingClosesAt); !closing.Before(*e.VotingOpensAt) {
		at[ReminderVotingClosing] = closing
	}
	for _, r := range []string{ReminderVotingOpened, ReminderVotingClosing} {
		t, ok := at[r]
		if !ok {
			continue
		}
		opts := &river.InsertOpts{}
		if t.After(now) {
			opts.ScheduledAt = t
		}
		args.Reminder = r
		if _, err := s.river.InsertTx(ctx, tx.Tx, args, opts); err != nil {
			return fmt.Errorf("schedule voting reminder: %w", err)
		}
	}
	return nil
}

type votingReminderWorker struct {
	river.WorkerDefaults[VotingReminderArgs]
	s *Service
}

func (w *votingReminderWorker) Work(ctx context.Context, job *river.Job[VotingReminderArgs]) error {
	sent, err := w.s.sendVotingReminders(ctx, job.Args)
	if err != nil {
		return err
	}
	if sent < 0 {
		w.s.log.Info("budget: voting reminder is stale", "edition", job.Args.EditionID, "reminder", job.Args.Reminder)
	}
	return nil
}

// sendVotingReminders tells the edition's followers (for the closing
// reminder, only those who have not voted through their account) once per
// person, reminder and window; it returns how many were told, or -1 when
// the job is stale.
func (s *Service) sendVotingReminders(ctx context.Context, a VotingReminderArgs) (int, error) {
	sent := -1
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := loadEdition(ctx, tx, a.EditionID, "for share")
		if errors.Is(err, apperr.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Status != StatusVoting || e.VotingOpensAt == nil || e.VotingClosesAt == nil ||
			!sameTime(*e.VotingOpensAt, a.OpensAt) || !sameTime(*e.VotingClosesAt, a.ClosesAt) ||
			!s.now().Before(*e.VotingClosesAt) {
			return nil
		}
		var kind, q string
		switch a.Reminder {
		case ReminderVotingOpened:
			kind = NoticeVotingOpened
			q = `select f.account_id from follows f where f.kind = 'budget_edition' and f.object_id = $1
				order by f.created_at, f.account_id`
		case ReminderVotingClosing:
			// Only whether the follower voted is read, never what.
			kind = NoticeVotingClosing
			q = `select f.account_id from follows f where f.kind = 'budget_edition' and f.object_id = $1 and not exists
				(select 1 from budget_voters v join budget_ballot_markers m on m.voter_id = v.id
				 where v.edition_id = f.object_id and v.account_id = f.account_id)
				order by f.created_at, f.account_id`
		default:
			return nil
		}
		rows, err := tx.Query(ctx, q, e.ID)
		if err != nil {
			return fmt.Errorf("voting reminder: %w", err)
		}
		people, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return fmt.Errorf("voting reminder: %w", err)
		}
		data := map[string]string{"edition_id": e.ID.String(), "year": strconv.Itoa(e.Year),
			"closes": e.VotingClosesAt.In(Warsaw).Format("2006-01-02 15:04")}
		for _, p := range people {
			key := fmt.Sprintf("budget_voting_%s:%s:%s:%d:%d", a.Reminder, e.ID, p, a.OpensAt.Unix(), a.ClosesAt.Unix())
			if err := s.tellOutreach(ctx, tx, p, kind, data, key); err != nil {
				return err
			}
		}
		sent = len(people)
		return nil
	})
	return sent, err
}

// tellOutreach sends one notice in-app and by e-mail.
func (s *Service) tellOutreach(ctx context.Context, tx pgx.Tx, account uuid.UUID, kind string, data map[string]string, key string) error {
	if s.notify == nil {
		return nil
	}
	return s.notify.Notify(ctx, tx, notify.Notice{AccountID: account, Kind: kind, Data: data, DedupeKey: key,
		InApp: true, Email: true})
}

// sameTime compares times at PostgreSQL's precision.
func sameTime(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}
