package ambassador

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/phase"
)

// NoticeScheduleChanged: the jurors learn that the scoring's or the jury's
// decision's deadline moved.
const NoticeScheduleChanged = "ambassador_schedule_changed"

var (
	errRescheduleDraft     = apperr.New(apperr.Conflict, "ambassador.reschedule_draft")
	errRescheduleAudience  = apperr.Invalid("schedule", "ambassador.reschedule_audience")
	errRescheduleUnchanged = apperr.Invalid("schedule", "ambassador.reschedule_unchanged")
	errRescheduleReason    = apperr.Invalid("reason", "ambassador.reschedule_reason").With(map[string]any{"min": MinReasonRunes})
)

func init() {
	notify.Register(notify.Kind{Name: NoticeScheduleChanged, Data: []string{"year", "scoring_close", "decision_close"}})
}

// phaseOrder is the order in which an edition passes its phases.
var phaseOrder = []Phase{PhaseUpcoming, PhaseNominations, PhaseFormalCheck, PhaseScoring, PhaseDecision, PhaseAudienceVote,
	PhaseAnnouncement}

// reached reports whether an edition in phase `at` has entered p.
func reached(at, p Phase) bool {
	return slices.Index(phaseOrder, at) >= slices.Index(phaseOrder, p)
}

// scheduleDate is one date of a schedule, with the phase whose start
// fixes it: the phase it starts, or for the decision's and the audience
// vote's close (which end a phase the edition then waits in) the next one.
type scheduleDate struct {
	field    string
	old, new *time.Time
	fixedBy  Phase
}

func scheduleDates(old, new *Schedule) []scheduleDate {
	d := []scheduleDate{
		{"nominationsOpen", &old.NominationsOpen, &new.NominationsOpen, PhaseNominations},
		{"nominationsClose", &old.NominationsClose, &new.NominationsClose, PhaseFormalCheck},
		{"checkClose", &old.CheckClose, &new.CheckClose, PhaseScoring},
		{"scoringClose", &old.ScoringClose, &new.ScoringClose, PhaseDecision},
		{"decisionClose", &old.DecisionClose, &new.DecisionClose, old.next(PhaseDecision)},
	}
	if old.AudienceClose != nil && new.AudienceClose != nil {
		d = append(d, scheduleDate{"audienceClose", old.AudienceClose, new.AudienceClose, PhaseAnnouncement})
	}
	return append(d, scheduleDate{"announceAt", &old.AnnounceAt, &new.AnnounceAt, PhaseAnnouncement})
}

// RescheduleEdition changes the dates of a published edition ("manage":
// coordinators), with a reason of at least MinReasonRunes: only dates that
// have not passed and whose phase has not begun (a phase entered early by
// hand keeps its date), each to a time still to come, in the order of the
// phases (the same validation as at creation); an audience vote is neither
// added nor removed. The scheduled moves follow (the jobs of the old times
// find their time changed and do nothing); the consent links still valid
// expire at the new end of the formal check. When the scoring's or the
// decision's end moves, the edition's jurors are told in their language.
// Audited with every date changed.
func (s *Service) RescheduleEdition(ctx context.Context, id uuid.UUID, sc Schedule, reason string) (*Edition, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	actor := authz.SubjectFrom(ctx).AccountID
	reason = strings.TrimSpace(reason)
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := s.editionFor(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if e.Status != StatusPublished {
			return errRescheduleDraft
		}
		if n := utf8.RuneCountInString(reason); n < MinReasonRunes || n > 2000 {
			return errRescheduleReason
		}
		if (sc.AudienceClose == nil) != (e.Schedule.AudienceClose == nil) {
			return errRescheduleAudience
		}
		if err := sc.valid(); err != nil {
			return err
		}
		now := s.now()
		changes := map[string]any{}
		for _, d := range scheduleDates(&e.Schedule, &sc) {
			if phase.SameTime(d.old, *d.new) {
				*d.new = *d.old // PostgreSQL's precision: no change
				continue
			}
			if !d.old.After(now) || reached(e.Phase, d.fixedBy) {
				return apperr.Invalid("schedule."+d.field, "ambassador.reschedule_past").With(map[string]any{"field": d.field})
			}
			if !d.new.After(now) {
				return apperr.Invalid("schedule."+d.field, "ambassador.reschedule_to_past").With(map[string]any{"field": d.field})
			}
			changes[d.field] = map[string]any{"from": *d.old, "to": *d.new}
		}
		if len(changes) == 0 {
			return errRescheduleUnchanged
		}
		if _, err := tx.Exec(ctx, `update ambassador_editions set nominations_open = $2, nominations_close = $3, check_close = $4,
				scoring_close = $5, decision_close = $6, audience_close = $7, announce_at = $8, updated_at = $9 where id = $1`,
			id, sc.NominationsOpen, sc.NominationsClose, sc.CheckClose, sc.ScoringClose, sc.DecisionClose, sc.AudienceClose,
			sc.AnnounceAt, now); err != nil {
			return fmt.Errorf("reschedule edition: %w", err)
		}
		if _, ok := changes["checkClose"]; ok {
			if _, err := tx.Exec(ctx, `update ambassador_consent_tokens t set expires_at = $2 from ambassador_nominations n
				where t.nomination_id = n.id and n.edition_id = $1 and t.used_at is null and t.revoked_at is null`,
				id, sc.CheckClose); err != nil {
				return fmt.Errorf("extend consent links: %w", err)
			}
		}
		old := e.Schedule
		e.Schedule = sc
		// The moves still to come whose time changed get a job at the new
		// time; the old jobs find the stored time changed and do nothing.
		for to := sc.next(e.Phase); to != ""; to = sc.next(to) {
			if !phase.SameTime(old.start(to), *sc.start(to)) {
				if s.jobs == nil {
					return fmt.Errorf("ambassador: no job client (UseJobs)")
				}
				if err := phase.Schedule[phaseJob](ctx, tx, s.jobs, e.ID, string(to), *sc.start(to)); err != nil {
					return err
				}
			}
		}
		if err := audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.edition_reschedule",
			ObjectType: EditionType, ObjectID: id.String(), Reason: reason, Data: changes}); err != nil {
			return err
		}
		_, scoring := changes["scoringClose"]
		_, decision := changes["decisionClose"]
		if scoring || decision {
			return s.notifyJurySchedule(ctx, tx, e, now)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.loadEdition(ctx, s.pool, id)
}

// notifyJurySchedule tells each juror of e its new scoring and decision
// deadlines, in-app and by e-mail, in their language.
func (s *Service) notifyJurySchedule(ctx context.Context, tx *db.Tx, e *Edition, now time.Time) error {
	if s.notify == nil {
		return nil
	}
	js, err := jurors(ctx, tx, e)
	if err != nil {
		return err
	}
	data := map[string]string{"year": fmt.Sprint(e.Year),
		"scoring_close":  e.Schedule.ScoringClose.In(i18n.Warsaw).Format("2006-01-02 15:04"),
		"decision_close": e.Schedule.DecisionClose.In(i18n.Warsaw).Format("2006-01-02 15:04")}
	for _, j := range js {
		if err := s.notify.Notify(ctx, tx.Tx, notify.Notice{AccountID: j.AccountID, Kind: NoticeScheduleChanged, Data: data,
			DedupeKey: fmt.Sprintf("ambassador_schedule:%s:%s:%d", e.ID, j.AccountID, now.UnixMicro()), InApp: true, Email: true}); err != nil {
			return err
		}
	}
	return nil
}
