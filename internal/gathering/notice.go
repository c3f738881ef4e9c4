package gathering

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/notify"
)

// data are the arguments of a notice about g: the owner's and g's ids under
// the domain's keys, the start (starts_at in RFC 3339, and {when} in Warsaw
// time) and {where}: the place, the link, or both.
func (s *Service) data(g *Gathering) map[string]string {
	where := g.Place
	if where == "" {
		where = g.OnlineURL
	} else if g.OnlineURL != "" {
		where += ", " + g.OnlineURL
	}
	return map[string]string{
		s.cfg.Names.OwnerKey: g.OwnerID.String(),
		s.cfg.Names.IDKey:    g.ID.String(),
		"starts_at":          g.StartsAt.UTC().Format(time.RFC3339),
		"when":               g.StartsAt.In(Warsaw).Format("2006-01-02 15:04"),
		"where":              where,
	}
}

// tell sends one notice of kind about g to account, in-app and by e-mail.
// Its dedupe key is kind:gathering:account, then :event when the same person
// may be told of the same kind again for a new event (a new time, a new
// registration).
func (s *Service) tell(ctx context.Context, tx pgx.Tx, g *Gathering, account uuid.UUID, kind string, data map[string]string, event string) error {
	if s.notify == nil || kind == "" {
		return nil
	}
	key := kind + ":" + g.ID.String() + ":" + account.String()
	if event != "" {
		key += ":" + event
	}
	return s.notify.Notify(ctx, tx, notify.Notice{AccountID: account, Kind: kind, Data: data, DedupeKey: key,
		InApp: true, Email: true})
}

// tellPeople tells everyone registered, waiting or invited for g; it
// returns how many were told.
func (s *Service) tellPeople(ctx context.Context, tx pgx.Tx, g *Gathering, kind string, data map[string]string, event string) (int, error) {
	return s.tellWhere(ctx, tx, g, `status in ('registered', 'waitlisted')`, kind, data, event)
}

// tellWhere tells the registrations of g with status, then its invitees
// (read now, so that whoever was uninvited is not told), each once.
func (s *Service) tellWhere(ctx context.Context, tx pgx.Tx, g *Gathering, status, kind string, data map[string]string, event string) (int, error) {
	rows, err := tx.Query(ctx, `select account_id from (
			select account_id, 0 as src, position as ord, null::timestamptz as at from gathering_registrations
			where gathering_id = $1 and `+status+`
			union all
			select account_id, 1, 0, created_at from gathering_invitations where gathering_id = $1) x
		order by src, ord, at, account_id`, g.ID)
	if err != nil {
		return 0, fmt.Errorf("gathering people: %w", err)
	}
	people, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return 0, fmt.Errorf("gathering people: %w", err)
	}
	for _, p := range people {
		if err := s.tell(ctx, tx, g, p, kind, data, event); err != nil {
			return 0, err
		}
	}
	return len(people), nil
}

// Job names one domain's reminder jobs: their River kind, and the JSON key
// of the gathering's id in their arguments (the domain's own, so that jobs
// queued before a domain moved onto the mechanism still run).
type Job interface {
	JobKind() string
	IDKey() string
}

// Reminder is the River job of a reminder of gathering ID starting at
// StartsAt, of the domain that J names. Its worker is ReminderWorker[J].
type Reminder[J Job] struct {
	ID       uuid.UUID
	StartsAt time.Time
}

// Kind is the domain's River kind.
func (Reminder[J]) Kind() string { var j J; return j.JobKind() }

// MarshalJSON writes {"<IDKey>": ID, "starts_at": StartsAt}.
func (r Reminder[J]) MarshalJSON() ([]byte, error) {
	var j J
	return json.Marshal(map[string]any{j.IDKey(): r.ID, "starts_at": r.StartsAt})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Reminder[J]) UnmarshalJSON(b []byte) error {
	var j J
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if err := json.Unmarshal(m[j.IDKey()], &r.ID); err != nil {
		return fmt.Errorf("reminder %s: %w", j.IDKey(), err)
	}
	return json.Unmarshal(m["starts_at"], &r.StartsAt)
}

// NewReminder is Config.Reminder for the domain that J names.
func NewReminder[J Job](id uuid.UUID, startsAt time.Time) river.JobArgs {
	return Reminder[J]{ID: id, StartsAt: startsAt}
}

// reminderStates are the job states in which a reminder of the same
// gathering and start is not inserted again. Completed jobs are left out:
// a gathering moved away and back must get a reminder again.
var reminderStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}

// scheduleReminder inserts in tx the reminder of gathering id starting at
// startsAt, due ReminderBefore the start (at once when that has passed); a
// reminder of the same gathering and start still to run is not inserted
// twice.
func (s *Service) scheduleReminder(ctx context.Context, tx *db.Tx, id uuid.UUID, startsAt time.Time) error {
	opts := &river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: reminderStates}}
	if at := startsAt.Add(-ReminderBefore); at.After(s.now()) {
		opts.ScheduledAt = at
	}
	if _, err := s.river.InsertTx(ctx, tx.Tx, s.cfg.Reminder(id, startsAt), opts); err != nil {
		return fmt.Errorf("schedule reminder: %w", err)
	}
	return nil
}

// SendReminders tells every registered (not waiting) or invited person about
// gathering id, once per person and start time whatever the retries; the
// roll is read when the reminder runs. It returns how
// many were told, or -1 when the reminder is stale (gathering gone,
// cancelled, moved away from startsAt or started).
func (s *Service) SendReminders(ctx context.Context, id uuid.UUID, startsAt time.Time) (int, error) {
	sent := -1
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		g, err := s.load(ctx, tx, id, uuid.Nil)
		if errors.Is(err, apperr.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if g.CancelledAt != nil || !sameTime(g.StartsAt, startsAt) || !s.now().Before(g.StartsAt) {
			return nil
		}
		sent, err = s.tellWhere(ctx, tx, g, `status = 'registered'`, s.cfg.Notices.Reminder, s.data(g),
			fmt.Sprint(g.StartsAt.Unix()))
		return err
	})
	return sent, err
}

type reminderWorker[J Job] struct {
	river.WorkerDefaults[Reminder[J]]
	s *Service
}

// ReminderWorker is the River worker of s's reminders, of the domain that J
// names: river.AddWorker(workers, gathering.ReminderWorker[J](s)).
func ReminderWorker[J Job](s *Service) river.Worker[Reminder[J]] { return &reminderWorker[J]{s: s} }

func (w *reminderWorker[J]) Work(ctx context.Context, job *river.Job[Reminder[J]]) error {
	sent, err := w.s.SendReminders(ctx, job.Args.ID, job.Args.StartsAt)
	if err != nil {
		return err
	}
	if sent < 0 {
		w.s.log.Info("gathering: reminder is stale", "kind", w.s.cfg.Kind, "gathering", job.Args.ID)
	}
	return nil
}
