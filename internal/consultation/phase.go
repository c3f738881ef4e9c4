package consultation

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/phase"
)

// MinReasonRunes is the shortest justification of an override and reason
// for a hand phase change.
const MinReasonRunes = 10

// PhaseChange is one recorded change of phase; ActorID is uuid.Nil for the
// schedule.
type PhaseChange struct {
	ID             uuid.UUID
	ConsultationID uuid.UUID
	From, To       Status
	Reason         string
	ActorID        uuid.UUID
	CreatedAt      time.Time
}

// ReasonSchedule is the reason recorded for a scheduled phase change.
const ReasonSchedule = phase.ReasonSchedule

// phases is the consultation's phase machine: published as announced (or
// open, when it opens already), opened and closed by hand or by schedule,
// reported by the closing report.
var phases = phase.Machine{Kind: "consultation", Moves: map[string][]string{
	string(StatusDraft):     {string(StatusAnnounced), string(StatusOpen)},
	string(StatusAnnounced): {string(StatusOpen)},
	string(StatusOpen):      {string(StatusClosed)},
	string(StatusClosed):    {string(StatusReported)},
}}

// Publish publishes a draft ("manage"). Every failing rule needs a public
// justification in overrides (rule → text of at least MinReasonRunes), and
// only an overridable rule that actually fails may be overridden. The
// consultation becomes announced (open when it opens already) and River jobs
// are scheduled to open and close it.
func (s *Service) Publish(ctx context.Context, id uuid.UUID, overrides map[string]string) (*Consultation, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := s.consultationFor(ctx, tx, id, ActManage, true)
		if err != nil {
			return err
		}
		if c.Status != StatusDraft {
			return apperr.New(apperr.PhaseClosed, "consultation.not_draft")
		}
		polish, err := hasPolishTitle(ctx, tx, c.TitleTextID)
		if err != nil {
			return err
		}
		now := s.now()
		results := evaluate(c, polish, now)
		stored, err := checkOverrides(results, overrides)
		if err != nil {
			return err
		}
		to := StatusAnnounced
		if !c.OpensAt.After(now) {
			to = StatusOpen
		}
		if _, err := tx.Exec(ctx, `update consultations set status = $2, overrides = $3, published_at = $4,
				published_by = $5, updated_at = now() where id = $1`,
			c.ID, string(to), stored, now, actorOrNil(actor)); err != nil {
			return fmt.Errorf("publish consultation: %w", err)
		}
		if err := recordPhase(ctx, tx, c.ID, StatusDraft, to, "", actor); err != nil {
			return err
		}
		if to == StatusAnnounced {
			if err := s.schedulePhase(ctx, tx, c.ID, StatusOpen, *c.OpensAt); err != nil {
				return err
			}
		}
		if err := s.schedulePhase(ctx, tx, c.ID, StatusClosed, *c.ClosesAt); err != nil {
			return err
		}
		data := map[string]any{"status": string(to)}
		if len(stored) > 0 {
			data["overrides"] = stored
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "consultation.publish",
			ObjectType: "consultation", ObjectID: c.ID.String(), Data: data})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}

// checkOverrides returns the overrides to store, or the error naming every
// failing rule without a justification.
func checkOverrides(results []RuleResult, overrides map[string]string) (map[string]string, error) {
	byRule := map[string]RuleResult{}
	for _, r := range results {
		byRule[r.Rule] = r
	}
	stored := map[string]string{}
	for rule, text := range overrides {
		text = strings.TrimSpace(text)
		r, known := byRule[rule]
		if !known || !r.Overridable || r.OK || utf8.RuneCountInString(text) < MinReasonRunes {
			return nil, apperr.Invalid("overrides", "consultation.override_invalid").
				With(map[string]any{"rule": rule, "min": MinReasonRunes})
		}
		stored[rule] = text
	}
	var missing []string
	for _, r := range results {
		if !r.OK && stored[r.Rule] == "" {
			missing = append(missing, r.Rule)
		}
	}
	if len(missing) > 0 {
		return nil, apperr.Invalid("overrides", "consultation.rules_failed").
			With(map[string]any{"rules": strings.Join(missing, ", ")})
	}
	return stored, nil
}

// ChangePhase moves a published consultation one phase forward by hand
// (announced → open, open → closed; "manage") with a reason of at least
// MinReasonRunes. Reported is set by the closing report, not here. Jobs
// scheduled for the phase left behind find it changed and do nothing.
func (s *Service) ChangePhase(ctx context.Context, id uuid.UUID, to Status, reason string) (*Consultation, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	reason = strings.TrimSpace(reason)
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := s.consultationFor(ctx, tx, id, ActManage, true)
		if err != nil {
			return err
		}
		if utf8.RuneCountInString(reason) < MinReasonRunes {
			return apperr.Invalid("reason", "consultation.reason_required").With(map[string]any{"min": MinReasonRunes})
		}
		if from, ok := previousPhase(to); !ok || from != c.Status {
			return apperr.Invalid("to", "consultation.phase_invalid").
				With(map[string]any{"from": string(c.Status), "to": string(to)})
		}
		if err := setPhase(ctx, tx, c.ID, c.Status, to, reason, actor); err != nil {
			return err
		}
		if err := s.afterPhase(ctx, tx, c, to); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "consultation.phase",
			ObjectType: "consultation", ObjectID: c.ID.String(), Reason: reason,
			Data: map[string]any{"from": string(c.Status), "to": string(to)}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}

// previousPhase is the phase from which a hand or scheduled change may move
// to to.
func previousPhase(to Status) (Status, bool) {
	switch to {
	case StatusOpen:
		return StatusAnnounced, true
	case StatusClosed:
		return StatusOpen, true
	}
	return "", false
}

// setPhase changes the status, records the change and announces it.
func setPhase(ctx context.Context, tx *db.Tx, id uuid.UUID, from, to Status, reason string, actor uuid.UUID) error {
	if _, err := tx.Exec(ctx, `update consultations set status = $2, updated_at = now() where id = $1`, id, string(to)); err != nil {
		return fmt.Errorf("change phase: %w", err)
	}
	return recordPhase(ctx, tx, id, from, to, reason, actor)
}

// recordPhase records a change of phase and publishes it to the
// consultation's live topic.
func recordPhase(ctx context.Context, tx *db.Tx, id uuid.UUID, from, to Status, reason string, actor uuid.UUID) error {
	if err := phases.Record(ctx, tx, id, string(from), string(to), reason, actor); err != nil {
		return err
	}
	return live.Publish(ctx, tx, "consultation:"+id.String(),
		map[string]any{"type": "phase_changed", "status": string(to)})
}

// PhaseChanges lists the consultation's phase changes, oldest first, to
// whoever may see it.
func (s *Service) PhaseChanges(ctx context.Context, id uuid.UUID) ([]PhaseChange, error) {
	if _, err := s.visible(ctx, s.pool, id, false); err != nil {
		return nil, err
	}
	changes, err := phases.History(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	out := make([]PhaseChange, len(changes))
	for i, c := range changes {
		out[i] = PhaseChange{ID: c.ID, ConsultationID: c.ObjectID, From: Status(c.From), To: Status(c.To), Reason: c.Reason,
			ActorID: c.ActorID, CreatedAt: c.CreatedAt}
	}
	return out, nil
}

// afterPhase does what a phase brings with it, by hand or by schedule: an
// opening tells the consultation's followers, a close schedules the report
// reminders.
func (s *Service) afterPhase(ctx context.Context, tx *db.Tx, c *Consultation, to Status) error {
	switch to {
	case StatusOpen:
		return s.tellFollowersOpened(ctx, tx, c)
	case StatusClosed:
		return s.scheduleReportReminders(ctx, tx, c)
	}
	return nil
}

// tellFollowersOpened notifies every follower, and everyone following one of
// its districts or topics, that the consultation opened (one notice each).
func (s *Service) tellFollowersOpened(ctx context.Context, tx *db.Tx, c *Consultation) error {
	// Followers of the consultation, and people who follow one of its
	// districts or topics, each once.
	rows, err := tx.Query(ctx, `select account_id from follows where kind = 'consultation' and object_id = $1
		union
		select account_id from consultation_interests
		 where (kind = 'district' and value = any($2::text[])) or (kind = 'tag' and value = any($3::text[]))
		order by account_id`, c.ID, c.Districts, c.Tags)
	if err != nil {
		return fmt.Errorf("followers: %w", err)
	}
	followers, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("followers: %w", err)
	}
	data := map[string]string{"consultation_id": c.ID.String()}
	if c.ClosesAt != nil {
		data["closes"] = c.ClosesAt.In(Warsaw).Format("2006-01-02")
	}
	for _, f := range followers {
		if err := s.tell(ctx, tx, f, NoticeConsultationOpened, data, "opened:"+c.ID.String()+":"+f.String()); err != nil {
			return err
		}
	}
	return nil
}

// tell sends one notice in-app and by e-mail.
func (s *Service) tell(ctx context.Context, tx pgx.Tx, account uuid.UUID, kind string, data map[string]string, key string) error {
	if s.notify == nil {
		return nil
	}
	return s.notify.Notify(ctx, tx, notify.Notice{AccountID: account, Kind: kind, Data: data, DedupeKey: key,
		InApp: true, Email: true})
}
