package consultation

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/page"
)

// Moderation reasons a person may give (flags and hides); the two others
// in the log are the system's.
var Reasons = []string{"spam", "offensive", "hate_speech", "personal_data", "off_topic", "other"}

// Reasons the system writes to the moderation log.
const (
	ReasonFlagsThreshold = "flags_threshold" // hidden automatically by flags
	ReasonReviewed       = "reviewed"        // restored after review
)

// Moderation log actions.
const (
	ModerationHide     = "hide"
	ModerationRestore  = "restore"
	ModerationAutoHide = "auto_hide"
)

// FlagAccountAge is how old a confirmed account must be for its flags to
// count towards automatic hiding (DESIGN.md: a day, configurable), so that
// a burst of fresh accounts cannot hide someone's words.
var FlagAccountAge = 24 * time.Hour

// maxNote bounds a flag's or a moderator's free text.
const maxNote = 2000

var errNoteTooLong = apperr.Invalid("note", "text.too_long").With(map[string]any{"max": maxNote})

// mayFlag: anyone allowed but the author, unless the submission is
// withdrawn (a hidden one may still be flagged: flags are evidence for the
// moderator's review).
func mayFlag(ctx context.Context, sub *Submission) error {
	if err := authz.Require(ctx, ActFlag, sub.object()); err != nil {
		return err
	}
	if sub.AuthorID == authz.SubjectFrom(ctx).AccountID {
		return ErrOwnSubmission
	}
	if sub.Status == SubmissionWithdrawn {
		return ErrNotActive
	}
	return nil
}

// Flag records the caller's flag on a submission that is not withdrawn (idempotent per
// account: a second flag changes nothing). A flag counts towards automatic
// hiding when the caller's account is confirmed and older than
// FlagAccountAge; when the counted open flags reach the consultation's
// threshold the submission is hidden pending review, logged as auto_hide and
// its author told. The consultation's moderators are told of every new flag.
// Flagging one's own submission is refused (CONFLICT submission.own).
func (s *Service) Flag(ctx context.Context, id uuid.UUID, reason, note string) error {
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return apperr.ErrUnauthenticated
	}
	if !slices.Contains(Reasons, reason) {
		return ErrReasonInvalid
	}
	if len([]rune(note)) > maxNote {
		return errNoteTooLong
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// The submission row lock orders concurrent flags, so the threshold
		// is reached exactly once.
		sub, c, err := s.target(ctx, tx, id, ActFlag, true)
		if err != nil {
			return err
		}
		if err := mayFlag(ctx, sub); err != nil {
			return err
		}
		var inserted bool
		err = tx.QueryRow(ctx, `
			with ins as (
				insert into submission_flags (submission_id, account_id, reason, note, counted)
				select $1, a.id, $3, $4, a.email_confirmed_at is not null and a.created_at <= $5
				from accounts a where a.id = $2
				on conflict do nothing returning 1
			)
			select exists (select from ins)`,
			id, caller.AccountID, reason, note, s.now().Add(-FlagAccountAge)).Scan(&inserted)
		if err != nil {
			return fmt.Errorf("flag: %w", err)
		}
		if !inserted {
			return nil
		}
		var open, counted int
		err = tx.QueryRow(ctx, `select count(*), count(*) filter (where counted) from submission_flags
			where submission_id = $1 and resolved_at is null`, id).Scan(&open, &counted)
		if err != nil {
			return fmt.Errorf("count flags: %w", err)
		}
		if err := s.notifyModerators(ctx, tx, c, sub, caller.AccountID, reason); err != nil {
			return err
		}
		if err := publish(ctx, tx, ModerationTopic(c.ID), Event{Type: "flagged", SubmissionID: &id, OpenFlags: &open}); err != nil {
			return err
		}
		if sub.Status != SubmissionVisible || counted < c.AutoHideThreshold {
			return nil
		}
		return s.moderate(ctx, tx, c, sub, ModerationAutoHide, ReasonFlagsThreshold, "", uuid.Nil)
	})
}

// notifyModerators tells every moderator of c (assigned directly, or a
// moderator of an organisation assigned to moderate it) of a new flag.
func (s *Service) notifyModerators(ctx context.Context, tx pgx.Tx, c *Consultation, sub *Submission, flagger uuid.UUID, reason string) error {
	if s.notify == nil {
		return nil
	}
	rows, err := tx.Query(ctx, `
		select account_id from role_grants where role = 'moderator' and domain = $1
		union
		select m.account_id from group_grants g
		join organisation_members m on g.subject = 'group:org:' || m.organisation_id || ':moderators' and m.role = 'moderator'
		where g.role = 'moderator' and g.domain = $1`, Domain(c.ID))
	if err != nil {
		return fmt.Errorf("moderators: %w", err)
	}
	mods, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("moderators: %w", err)
	}
	for _, m := range mods {
		if m == flagger {
			continue
		}
		err := s.notify.Notify(ctx, tx, notify.Notice{
			AccountID: m, Kind: NoticeModerationFlag,
			Data: map[string]string{"consultation_id": c.ID.String(), "submission_id": sub.ID.String(), "reason": reason},
			// One per flag and moderator; notify's digest preference groups bursts.
			DedupeKey: "flag:" + sub.ID.String() + ":" + flagger.String() + ":" + m.String(),
			InApp:     true, Email: true,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Hide hides a submission with a reason from the fixed list and an optional
// public note; it needs "moderate" in the submission's consultation
// (its moderators, the unit's officials, coordinators, admins). Hiding an
// automatically hidden submission confirms it. Open flags are resolved, the
// act is logged publicly and audited, and the author is told.
func (s *Service) Hide(ctx context.Context, id uuid.UUID, reason, note string) (*Submission, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	if !slices.Contains(Reasons, reason) {
		return nil, ErrReasonInvalid
	}
	return s.decide(ctx, id, ModerationHide, reason, note)
}

// Restore makes a hidden submission visible again after review (reason
// "reviewed"), resolving its open flags; on a visible submission it only
// dismisses the open flags (audited, not in the public log).
func (s *Service) Restore(ctx context.Context, id uuid.UUID, note string) (*Submission, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	return s.decide(ctx, id, ModerationRestore, ReasonReviewed, note)
}

func (s *Service) decide(ctx context.Context, id uuid.UUID, action, reason, note string) (*Submission, error) {
	if len([]rune(note)) > maxNote {
		return nil, errNoteTooLong
	}
	caller := authz.SubjectFrom(ctx)
	var out *Submission
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		sub, c, err := s.target(ctx, tx, id, ActModerate, true)
		if err != nil {
			return err
		}
		if sub.Status == SubmissionWithdrawn {
			return ErrNotActive
		}
		if action == ModerationRestore && sub.Status == SubmissionVisible {
			if err := resolveFlags(ctx, tx, id, s.now()); err != nil {
				return err
			}
			err = audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "submission.restore",
				ObjectType: "submission", ObjectID: id.String(), Reason: note,
				Data: map[string]any{"consultation_id": c.ID, "dismissed_flags": true}})
			if err != nil {
				return err
			}
		} else if err := s.moderate(ctx, tx, c, sub, action, reason, note, caller.AccountID); err != nil {
			return err
		}
		out, err = loadSubmission(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// moderate applies a moderation action (actor uuid.Nil for the system):
// status, the public log, resolved flags (not for auto_hide: they wait for
// review), the audit entry, the author's notice and the live events.
func (s *Service) moderate(ctx context.Context, tx pgx.Tx, c *Consultation, sub *Submission, action, reason, note string, actor uuid.UUID) error {
	status := SubmissionHidden
	if action == ModerationRestore {
		status = SubmissionVisible
	}
	if sub.Status != status {
		if err := setStatus(ctx, tx, sub, status); err != nil {
			return err
		}
	}
	var actorID *uuid.UUID
	if actor != uuid.Nil {
		actorID = &actor
	}
	var actionID uuid.UUID
	err := tx.QueryRow(ctx, `insert into moderation_actions (consultation_id, submission_id, action, reason, note, actor_id)
		values ($1, $2, $3, $4, $5, $6) returning id`, c.ID, sub.ID, action, reason, note, actorID).Scan(&actionID)
	if err != nil {
		return fmt.Errorf("moderation action: %w", err)
	}
	if action != ModerationAutoHide {
		if err := resolveFlags(ctx, tx, sub.ID, s.now()); err != nil {
			return err
		}
	}
	auditAction := "submission.hide"
	switch action {
	case ModerationRestore:
		auditAction = "submission.restore"
	case ModerationAutoHide:
		auditAction = "submission.auto_hide"
	}
	err = audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: auditAction, ObjectType: "submission",
		ObjectID: sub.ID.String(), Reason: reason,
		Data: map[string]any{"consultation_id": c.ID, "note": note, "moderation_action_id": actionID}})
	if err != nil {
		return err
	}
	if sub.AuthorID != uuid.Nil && s.notify != nil {
		err := s.notify.Notify(ctx, tx, notify.Notice{
			AccountID: sub.AuthorID, Kind: NoticeModerationDecision,
			Data: map[string]string{"consultation_id": c.ID.String(), "submission_id": sub.ID.String(),
				"action": action, "reason": reason},
			DedupeKey: "moderation:" + actionID.String(), InApp: true, Email: true,
		})
		if err != nil {
			return err
		}
	}
	event := "submission_hidden"
	if status == SubmissionVisible {
		event = "submission_restored"
	}
	if sub.Status != status {
		if err := publish(ctx, tx, Topic(c.ID), Event{Type: event, SubmissionID: &sub.ID}); err != nil {
			return err
		}
	}
	return publish(ctx, tx, ModerationTopic(c.ID), Event{Type: action, SubmissionID: &sub.ID})
}

func resolveFlags(ctx context.Context, tx pgx.Tx, id uuid.UUID, at time.Time) error {
	_, err := tx.Exec(ctx, `update submission_flags set resolved_at = $2 where submission_id = $1 and resolved_at is null`, id, at)
	if err != nil {
		return fmt.Errorf("resolve flags: %w", err)
	}
	return nil
}

// FlagQueue lists, oldest first, the consultation's submissions with open
// flags (automatically hidden ones keep theirs until reviewed), for those
// who may moderate there.
func (s *Service) FlagQueue(ctx context.Context, cid uuid.UUID, first int, after string) (page.Page[*Submission], error) {
	var none page.Page[*Submission]
	if authz.SubjectFrom(ctx).Anonymous() {
		return none, apperr.ErrUnauthenticated
	}
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	resume, err := page.After("submissions", after, &cur)
	if err != nil {
		return none, err
	}
	c, err := s.visible(ctx, s.pool, cid, false)
	if err != nil {
		return none, err
	}
	if err := authz.Require(ctx, ActModerate, submissionScope(c)); err != nil {
		return none, err
	}
	const where = ` where s.consultation_id = $1 and s.status <> 'withdrawn'
		and exists (select from submission_flags f where f.submission_id = s.id and f.resolved_at is null)`
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from submissions s`+where, cid).Scan(&total); err != nil {
		return none, fmt.Errorf("count flag queue: %w", err)
	}
	var at *time.Time
	var afterID *uuid.UUID
	if resume {
		at, afterID = &cur.At, &cur.ID
	}
	rows, err := s.pool.Query(ctx, `select `+submissionColumns+submissionFrom+where+`
		and ($2::timestamptz is null or (s.created_at, s.id) > ($2, $3))
		order by s.created_at, s.id limit $4`, cid, at, afterID, first+1)
	if err != nil {
		return none, fmt.Errorf("flag queue: %w", err)
	}
	out, err := collectSubmissions(rows)
	if err != nil {
		return none, err
	}
	return page.Of(out, first, total), nil
}

// ModerationEntry is one line of the public moderation log: what happened
// to which submission, when and why, without its text or author.
type ModerationEntry struct {
	ID           uuid.UUID
	SubmissionID uuid.UUID
	Action       string // ModerationHide, ModerationRestore or ModerationAutoHide
	Reason       string
	Note         string
	CreatedAt    time.Time
}

// ModerationEntryCursor is the cursor of e in ModerationLog.
func ModerationEntryCursor(e *ModerationEntry) string {
	return page.Cursor("moderation_log", page.Key{At: e.CreatedAt, ID: e.ID})
}

// ModerationLog lists a consultation's moderation actions, newest first; it
// is public wherever the consultation is (not for drafts).
func (s *Service) ModerationLog(ctx context.Context, cid uuid.UUID, first int, after string) (page.Page[*ModerationEntry], error) {
	var none page.Page[*ModerationEntry]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	resume, err := page.After("moderation_log", after, &cur)
	if err != nil {
		return none, err
	}
	if _, err := s.visible(ctx, s.pool, cid, false); err != nil {
		return none, err
	}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from moderation_actions where consultation_id = $1`, cid).Scan(&total); err != nil {
		return none, fmt.Errorf("count moderation log: %w", err)
	}
	var at *time.Time
	var afterID *uuid.UUID
	if resume {
		at, afterID = &cur.At, &cur.ID
	}
	rows, err := s.pool.Query(ctx, `select id, submission_id, action, reason, note, created_at from moderation_actions
		where consultation_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3))
		order by created_at desc, id desc limit $4`, cid, at, afterID, first+1)
	if err != nil {
		return none, fmt.Errorf("moderation log: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByPos[ModerationEntry])
	if err != nil {
		return none, fmt.Errorf("moderation log: %w", err)
	}
	return page.Of(out, first, total), nil
}
