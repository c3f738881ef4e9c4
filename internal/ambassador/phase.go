package ambassador

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/phase"
)

// JobPhase is the River job kind of an edition's scheduled moves.
const JobPhase = "ambassador.phase"

// MinReasonRunes is the shortest reason for a hand move.
const MinReasonRunes = 10

// phaseJob names the scheduled moves (phase.Scheduled).
type phaseJob struct{}

func (phaseJob) JobKind() string { return JobPhase }

// phases is the edition's phase machine: publication opens it as upcoming
// (or straight into nominations); then each phase moves to the next at its
// scheduled time or by a coordinator's hand; the audience vote only when
// the edition has one.
var phases = phase.Machine{Kind: EditionType, Moves: map[string][]string{
	string(PhaseDraft):        {string(PhaseUpcoming), string(PhaseNominations)},
	string(PhaseUpcoming):     {string(PhaseNominations)},
	string(PhaseNominations):  {string(PhaseFormalCheck)},
	string(PhaseFormalCheck):  {string(PhaseScoring)},
	string(PhaseScoring):      {string(PhaseDecision)},
	string(PhaseDecision):     {string(PhaseAudienceVote), string(PhaseAnnouncement)},
	string(PhaseAudienceVote): {string(PhaseAnnouncement)},
}}

var (
	errPhaseMove   = apperr.New(apperr.PhaseClosed, "ambassador.phase_invalid")
	errPhaseReason = apperr.Invalid("reason", "ambassador.reason_required").With(map[string]any{"min": MinReasonRunes})
)

// start is when the schedule moves an edition into p (nil: never by the
// schedule).
func (sc Schedule) start(p Phase) *time.Time {
	switch p {
	case PhaseNominations:
		return &sc.NominationsOpen
	case PhaseFormalCheck:
		return &sc.NominationsClose
	case PhaseScoring:
		return &sc.CheckClose
	case PhaseDecision:
		return &sc.ScoringClose
	case PhaseAudienceVote:
		if sc.AudienceClose != nil {
			return &sc.DecisionClose
		}
	case PhaseAnnouncement:
		return &sc.AnnounceAt
	}
	return nil
}

// end is when p closes by the schedule (nil: never): the jury's decision
// and the audience vote close at their own dates, and the edition waits in
// them, closed, until the next phase starts (the announcement, at its own
// date); every other phase ends where the next begins.
func (sc Schedule) end(p Phase) *time.Time {
	switch p {
	case PhaseDecision:
		return &sc.DecisionClose
	case PhaseAudienceVote:
		if sc.AudienceClose != nil {
			return sc.AudienceClose
		}
	}
	return sc.start(sc.next(p))
}

// next is the phase the schedule moves p to.
func (sc Schedule) next(p Phase) Phase {
	switch p {
	case PhaseUpcoming:
		return PhaseNominations
	case PhaseNominations:
		return PhaseFormalCheck
	case PhaseFormalCheck:
		return PhaseScoring
	case PhaseScoring:
		return PhaseDecision
	case PhaseDecision:
		if sc.AudienceClose != nil {
			return PhaseAudienceVote
		}
		return PhaseAnnouncement
	case PhaseAudienceVote:
		return PhaseAnnouncement
	}
	return ""
}

// In reports whether e is in phase p at t: its stored phase is p and the
// schedule's end of p has not passed (a deadline holds to the second even
// before the scheduled move's job has run).
func (e *Edition) In(p Phase, t time.Time) bool {
	if e.Phase != p {
		return false
	}
	end := e.Schedule.end(p)
	return end == nil || t.Before(*end)
}

// takesEntries reports whether staff may still enter paper nominations and
// consents, and a nominee consent by link, at t: during nominations and the
// formal check, until the check's scheduled end.
func (e *Edition) takesEntries(t time.Time) bool {
	return (e.Phase == PhaseNominations || e.Phase == PhaseFormalCheck) && t.Before(e.Schedule.CheckClose)
}

// setPhase moves e to `to` and records the move (actor uuid.Nil: the
// schedule). The caller holds e's row lock.
func setPhase(ctx context.Context, tx *db.Tx, e *Edition, to Phase, reason string, actor uuid.UUID) error {
	if err := phases.Record(ctx, tx, e.ID, string(e.Phase), string(to), reason, actor); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `update ambassador_editions set phase = $2 where id = $1`, e.ID, string(to)); err != nil {
		return fmt.Errorf("move edition: %w", err)
	}
	e.Phase = to
	return nil
}

// scheduleFrom schedules the moves that follow phase p, each at its
// schedule's time.
func (s *Service) scheduleFrom(ctx context.Context, tx *db.Tx, e *Edition, p Phase) error {
	if s.jobs == nil {
		return errors.New("ambassador: no job client (UseJobs)")
	}
	for to := e.Schedule.next(p); to != ""; to = e.Schedule.next(to) {
		if err := phase.Schedule[phaseJob](ctx, tx, s.jobs, e.ID, string(to), *e.Schedule.start(to)); err != nil {
			return err
		}
	}
	return nil
}

// moveOnSchedule makes a scheduled move if it still holds: the edition may
// move to `to` from where it stands and its schedule still says at.
func (s *Service) moveOnSchedule(ctx context.Context, id uuid.UUID, to string, at time.Time) (bool, error) {
	moved := false
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := scanEdition(tx.QueryRow(ctx, `select `+editionCols+` from ambassador_editions where id = $1 for update`, id))
		if err != nil {
			return nil // deleted: nothing to do
		}
		if !phases.Allows(string(e.Phase), to) || !phase.SameTime(e.Schedule.start(Phase(to)), at) {
			return nil
		}
		// The announcement waits for the Mayor's award (announce.go): the
		// edition stays where it is and the coordinators are told.
		if Phase(to) == PhaseAnnouncement {
			if why := announceReady(ctx, tx, e); why != nil {
				if apperr.CodeOf(why) == apperr.Internal {
					return why
				}
				return s.holdAnnouncement(ctx, tx, e, at, why)
			}
		}
		from := e.Phase
		if err := setPhase(ctx, tx, e, Phase(to), phase.ReasonSchedule, uuid.Nil); err != nil {
			return err
		}
		moved = true
		if Phase(to) == PhaseAnnouncement {
			if err := s.announce(ctx, tx, e, uuid.Nil); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{Action: "ambassador.edition_phase", ObjectType: EditionType,
			ObjectID: id.String(), Data: map[string]any{"from": string(from), "to": to, "reason": phase.ReasonSchedule}})
	})
	return moved, err
}

// MoveEdition moves a published edition one phase on by hand ("manage":
// coordinators), before its scheduled time — e.g. closing the scoring early
// once every juror has scored — with a reason of at least MinReasonRunes.
// Only a move the phase table allows; never back. The job scheduled for the
// move then finds it made and does nothing. Audited.
func (s *Service) MoveEdition(ctx context.Context, id uuid.UUID, to Phase, reason string) (*Edition, error) {
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
		if e.Phase == PhaseDraft || to != e.Schedule.next(e.Phase) || !phases.Allows(string(e.Phase), string(to)) {
			return errPhaseMove.With(map[string]any{"from": string(e.Phase), "to": string(to)})
		}
		if utf8.RuneCountInString(reason) < MinReasonRunes || utf8.RuneCountInString(reason) > 2000 {
			return errPhaseReason
		}
		if to == PhaseAnnouncement {
			if err := announceReady(ctx, tx, e); err != nil {
				return err
			}
		}
		from := e.Phase
		if err := setPhase(ctx, tx, e, to, reason, actor); err != nil {
			return err
		}
		if to == PhaseAnnouncement {
			if err := s.announce(ctx, tx, e, actor); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.edition_phase", ObjectType: EditionType,
			ObjectID: id.String(), Reason: reason, Data: map[string]any{"from": string(from), "to": string(to)}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadEdition(ctx, s.pool, id)
}

// PhaseChange is one recorded move of an edition; ActorID is uuid.Nil for
// the schedule.
type PhaseChange = phase.Change

// PhaseChanges lists an edition's moves, oldest first, to whoever may see
// the edition.
func (s *Service) PhaseChanges(ctx context.Context, id uuid.UUID) ([]PhaseChange, error) {
	if _, err := s.Edition(ctx, id); err != nil {
		return nil, err
	}
	return phases.History(ctx, s.pool, id)
}

// UseJobs sets the River client that schedules the editions' moves (in the
// caller's transaction). Publishing needs it.
func (s *Service) UseJobs(jobs phase.Inserter) { s.jobs = jobs }

// Register adds the Ambassador's River workers.
func (s *Service) Register(workers *river.Workers) {
	river.AddWorker(workers, &phase.Worker[phaseJob]{Apply: s.moveOnSchedule, Log: s.log})
}
