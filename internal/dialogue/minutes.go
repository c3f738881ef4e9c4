package dialogue

import (
	"context"
	"errors"
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
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
)

// The minutes of a body's meeting, from the draft to the published record.
//
//   - Draft: once the meeting has started, who keeps it (ActManageMeeting:
//     the chair, the secretary, the unit's officials, coordinators, admins)
//     generates a Markdown draft from the meeting's record (DraftMinutes,
//     minutes_draft.go) in a language of their choice (Polish, the binding
//     language, by default) and edits it. Every generation and every edit
//     is a numbered version, kept; an edit names the version it was made on,
//     so two editors cannot overwrite each other (CONFLICT). Regenerating
//     over a person's edits is refused unless asked for explicitly
//     (ReplaceEdits), and even then the edited version stays.
//   - Comments: the draft is seen only by who keeps the meeting until they
//     open it for comments; then the body's roll (every running membership:
//     members, guests, observers, delegates) and staff read it and comment
//     (ActReviewMinutes), never the public. Everyone on the roll is told, in
//     their language. Authors edit and delete their own comments until the
//     approval.
//   - Approval: the body's chair approves (ActApproveMinutes), never staff
//     and never the secretary: the minutes are the body's record, and the
//     one who wrote them does not certify them alone. Only a draft that was
//     open for comments, of a meeting that has ended, and the version the
//     chair read, is approved. Approval freezes the text: it becomes a text
//     without a personal author (so that nobody can add a new original
//     version), the meeting's minutes in the gathering mechanism, and is
//     published to whoever sees the body's documents (DocumentsVisible: a
//     public body's minutes are public unless its rules keep documents
//     private). Everyone on the roll is told, in their language.
//   - Translations: who keeps the meeting adds translations of the approved
//     text, each a credited version (i18n.AddVersion); the original is never
//     changed.
//   - Export: approved minutes as Markdown and as a standalone, print-ready
//     HTML document per language (minutes_export.go).

// MinutesObjectType is the minutes of a body's meeting as an authorization
// object: the body's domains and attributes (policy.csv).
const MinutesObjectType = "body_minutes"

// Actions on MinutesObjectType.
const (
	// ActReviewMinutes is reading a draft open for comments, its versions
	// and comments, and commenting: the body's roll and staff.
	ActReviewMinutes = "review"
	// ActApproveMinutes is approving the minutes: the body's chair.
	ActApproveMinutes = "approve"
)

// MinutesStatus is where minutes stand.
type MinutesStatus string

const (
	// MinutesDraft: seen and edited by who keeps the meeting.
	MinutesDraft MinutesStatus = "draft"
	// MinutesOpen: open for comments of the roll and staff; still edited.
	MinutesOpen MinutesStatus = "open"
	// MinutesApproved: frozen and published.
	MinutesApproved MinutesStatus = "approved"
)

// Version sources.
const (
	MinutesGenerated = "generated"
	MinutesEdited    = "edited"
)

// Limits of minutes.
const (
	// MaxMinutesRunes is the longest text: the published text is an i18n
	// text and holds at most this much.
	MaxMinutesRunes = i18n.MaxTextRunes
	// MaxCommentRunes is the longest comment.
	MaxCommentRunes = 5000
)

// Errors of minutes.
var (
	ErrMinutesNotStarted = apperr.New(apperr.PhaseClosed, "dialogue.minutes_meeting_not_started")
	ErrMinutesNotEnded   = apperr.New(apperr.PhaseClosed, "dialogue.minutes_meeting_not_ended")
	ErrMinutesApproved   = apperr.New(apperr.PhaseClosed, "dialogue.minutes_approved")
	ErrMinutesNotOpen    = apperr.New(apperr.PhaseClosed, "dialogue.minutes_not_open")
	ErrMinutesNone       = apperr.New(apperr.PhaseClosed, "dialogue.minutes_none")
	ErrMinutesNotPublic  = apperr.New(apperr.PhaseClosed, "dialogue.minutes_not_approved")
	ErrMinutesEdited     = apperr.New(apperr.Conflict, "dialogue.minutes_edited")
	ErrMinutesStale      = apperr.New(apperr.Conflict, "dialogue.minutes_version_stale")
	errMinutesLocale     = apperr.Invalid("locale", "dialogue.minutes_locale_invalid")
	errMinutesText       = apperr.Invalid("text", "dialogue.minutes_text_required")
	errMinutesTooLong    = apperr.Invalid("text", "dialogue.minutes_too_long")
	errCommentText       = apperr.Invalid("text", "dialogue.minutes_comment_required")
	errCommentTooLong    = apperr.Invalid("text", "dialogue.minutes_comment_too_long")
	errNotCommentAuthor  = apperr.New(apperr.Forbidden, "dialogue.minutes_comment_not_author")
)

// MeetingMinutes is the minutes of one meeting as the caller may see them.
type MeetingMinutes struct {
	MeetingID, BodyID uuid.UUID
	Status            MinutesStatus
	// Locale is the language of the draft: the original of the published
	// text.
	Locale i18n.Locale
	// Version is the current version; Body and Source are its text and how
	// it was made.
	Version    int
	Body       string
	Source     string
	OpenedAt   *time.Time
	ApprovedAt *time.Time
	ApprovedBy *uuid.UUID
	// TextID is the published text (approved minutes).
	TextID    *uuid.UUID
	CreatedAt time.Time
	UpdatedAt time.Time

	meeting *Meeting
	view    minutesView
}

// Meeting is the minutes' meeting as the caller read it.
func (mm *MeetingMinutes) Meeting() *Meeting { return mm.meeting }

// MinutesVersion is one version of a draft.
type MinutesVersion struct {
	Version    int
	Source     string
	Locale     i18n.Locale
	Body       string
	AuthorID   *uuid.UUID
	AuthorName string // "" for a deleted account or none
	CreatedAt  time.Time
}

// Minutes is the minutes of body meetings. It reads the votes of a
// meeting through the motions' service.
type Minutes struct {
	s       *Service
	motions *Motions
}

// NewMinutes returns the minutes of s's meetings; m gives the votes.
func NewMinutes(s *Service, m *Motions) *Minutes { return &Minutes{s: s, motions: m} }

// minutesObject is the minutes of body b's meetings as an authorization
// object for a caller.
func minutesObject(b *Body, memberNow bool) authz.Object {
	o := b.object(memberNow)
	o.Type = MinutesObjectType
	return o
}

// minutesView is what the caller may do with the minutes of one meeting.
type minutesView struct {
	manage, review, approve, documents bool
}

func (m *Minutes) viewOf(ctx context.Context, q db.Querier, b *Body, meetingID uuid.UUID) (minutesView, error) {
	var v minutesView
	if authz.SubjectFrom(ctx).Anonymous() {
		v.documents = b.Rules.DocumentsPublic
		return v, nil
	}
	member, err := m.s.memberNow(ctx, q, b.ID)
	if err != nil {
		return v, err
	}
	v.manage = authz.Can(ctx, ActManageMeeting, meetingObject(b, member, meetingID))
	v.review = authz.Can(ctx, ActReviewMinutes, minutesObject(b, member))
	v.approve = authz.Can(ctx, ActApproveMinutes, minutesObject(b, member))
	v.documents = b.Rules.DocumentsPublic || member || v.manage || v.review
	return v, nil
}

// sees says whether the caller sees minutes in status st: a draft only who
// keeps the meeting; an open draft the roll and staff too; approved minutes
// whoever sees the body's documents.
func (v minutesView) sees(st MinutesStatus) bool {
	switch st {
	case MinutesDraft:
		return v.manage
	case MinutesOpen:
		return v.manage || v.review
	}
	return v.documents
}

// seesWork says whether the caller sees the work on the minutes: versions
// and comments (the roll and staff; never the public).
func (v minutesView) seesWork() bool { return v.manage || v.review }

const minutesColumns = `n.meeting_id, n.body_id, n.status, n.locale, n.version, v.body, v.source, n.opened_at,
	n.approved_at, n.approved_by, n.text_id, n.created_at, n.updated_at`

const minutesFrom = ` from dialogue_minutes n join dialogue_minutes_versions v on v.meeting_id = n.meeting_id and v.version = n.version`

func scanMinutes(row pgx.Row) (*MeetingMinutes, error) {
	var mm MeetingMinutes
	err := row.Scan(&mm.MeetingID, &mm.BodyID, &mm.Status, &mm.Locale, &mm.Version, &mm.Body, &mm.Source, &mm.OpenedAt,
		&mm.ApprovedAt, &mm.ApprovedBy, &mm.TextID, &mm.CreatedAt, &mm.UpdatedAt)
	return &mm, err
}

// loadMinutes reads meeting id's minutes unchecked (nil when there are
// none); lock is "" or "for update".
func loadMinutes(ctx context.Context, q db.Querier, id uuid.UUID, lock string) (*MeetingMinutes, error) {
	if lock != "" {
		var one int
		err := q.QueryRow(ctx, `select 1 from dialogue_minutes where meeting_id = $1 `+lock, id).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("lock minutes: %w", err)
		}
	}
	mm, err := scanMinutes(q.QueryRow(ctx, `select `+minutesColumns+minutesFrom+` where n.meeting_id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load minutes: %w", err)
	}
	return mm, nil
}

// Get returns the minutes of meeting meetingID as the caller may see them:
// NOT_FOUND when the caller may not see the meeting, when there are none,
// or when the caller may not see them yet (see minutesView.sees).
func (m *Minutes) Get(ctx context.Context, meetingID uuid.UUID) (*MeetingMinutes, error) {
	mt, err := m.s.Meeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	return m.ofMeeting(ctx, mt)
}

// OfMeeting is Get for a meeting already read; nil (no error) when there
// are none or the caller may not see them.
func (m *Minutes) OfMeeting(ctx context.Context, mt *Meeting) (*MeetingMinutes, error) {
	mm, err := m.ofMeeting(ctx, mt)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil
	}
	return mm, err
}

func (m *Minutes) ofMeeting(ctx context.Context, mt *Meeting) (*MeetingMinutes, error) {
	mm, err := loadMinutes(ctx, m.s.pool, mt.ID, "")
	if err != nil {
		return nil, err
	}
	if mm == nil {
		return nil, apperr.ErrNotFound
	}
	if mm.view, err = m.viewOf(ctx, m.s.pool, mt.body, mt.ID); err != nil {
		return nil, err
	}
	if !mm.view.sees(mm.Status) {
		return nil, apperr.ErrNotFound
	}
	mm.meeting = mt
	return mm, nil
}

// MinutesActions are what the caller may do with minutes (viewerCan),
// decided by the checks that enforce them.
type MinutesActions struct {
	Edit, Open, Comment, Approve, Translate bool
}

// Actions returns what the caller may do with mm now.
func (m *Minutes) Actions(mm *MeetingMinutes) MinutesActions {
	v := mm.view
	switch mm.Status {
	case MinutesApproved:
		return MinutesActions{Translate: v.manage}
	case MinutesOpen:
		ended := !m.s.now().Before(mm.meeting.EndsAt)
		return MinutesActions{Edit: v.manage, Comment: v.review || v.manage, Approve: v.approve && ended}
	}
	return MinutesActions{Edit: v.manage, Open: v.manage}
}

// SeesWork says whether the caller sees mm's versions and comments.
func (mm *MeetingMinutes) SeesWork() bool { return mm.view.seesWork() }

// minutesTarget is a meeting locked for a change of its minutes, with the
// minutes (nil when there are none yet), locked too.
type minutesTarget struct {
	*meetingTarget
	member bool
	mm     *MeetingMinutes
}

// lockMinutes checks act on meeting id's minutes in authz.For's order
// (anonymous callers first; NOT_FOUND for a meeting the caller may not
// see) and locks the body (shared), the meeting and the minutes. act is
// ActManageMeeting (checked on the meeting), or an act on the minutes
// object.
func (m *Minutes) lockMinutes(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*minutesTarget, error) {
	meetingAct := act
	if act != ActManageMeeting {
		meetingAct = ActRead
	}
	t, err := m.s.lockMeeting(ctx, tx, id, meetingAct)
	if err != nil {
		return nil, err
	}
	member, err := m.s.memberNow(ctx, tx, t.body.ID)
	if err != nil {
		return nil, err
	}
	if act != ActManageMeeting {
		if err := authz.Require(ctx, act, minutesObject(t.body, member)); err != nil {
			return nil, err
		}
	}
	mm, err := loadMinutes(ctx, tx, id, "for update")
	if err != nil {
		return nil, err
	}
	return &minutesTarget{meetingTarget: t, member: member, mm: mm}, nil
}

// change runs f on meeting id's minutes in a transaction after lockMinutes
// (act), then audits action; it returns the minutes as the caller sees
// them after.
func (m *Minutes) change(ctx context.Context, id uuid.UUID, act, action string, f func(tx *db.Tx, t *minutesTarget) (map[string]any, error)) (*MeetingMinutes, error) {
	err := db.InTx(ctx, m.s.pool, func(tx *db.Tx) error {
		t, err := m.lockMinutes(ctx, tx, id, act)
		if err != nil {
			return err
		}
		data, err := f(tx, t)
		if err != nil || data == nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: authz.SubjectFrom(ctx).AccountID, Action: "dialogue.minutes_" + action,
			ObjectType: MeetingObjectType, ObjectID: id.String(), Data: data})
	})
	if err != nil {
		return nil, err
	}
	return m.Get(ctx, id)
}

// editable refuses a change of t's text: no minutes, approved ones.
func editable(t *minutesTarget) error {
	if t.mm == nil {
		return ErrMinutesNone
	}
	if t.mm.Status == MinutesApproved {
		return ErrMinutesApproved
	}
	return nil
}

// checkMinutesText trims a text and refuses an empty or overlong one.
func checkMinutesText(text string) (string, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if text == "" || !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		return "", errMinutesText
	}
	if n := utf8.RuneCountInString(text); n > MaxMinutesRunes {
		return "", errMinutesTooLong.With(map[string]any{"max": MaxMinutesRunes})
	}
	return text, nil
}

// addVersion stores text as the next version of t's minutes (creating them
// in status draft for the first one) and makes it current.
func (m *Minutes) addVersion(ctx context.Context, tx *db.Tx, t *minutesTarget, locale i18n.Locale, text, source string) (int, error) {
	actor, now := authz.SubjectFrom(ctx).AccountID, m.s.now()
	version := 1
	if t.mm == nil {
		if _, err := tx.Exec(ctx, `insert into dialogue_minutes (meeting_id, body_id, status, locale, version, created_by,
				created_at, updated_at) values ($1, $2, 'draft', $3, 1, $4, $5, $5)`,
			t.g.ID, t.body.ID, locale, actor, now); err != nil {
			return 0, fmt.Errorf("create minutes: %w", err)
		}
	} else {
		version = t.mm.Version + 1
	}
	if _, err := tx.Exec(ctx, `insert into dialogue_minutes_versions (meeting_id, version, source, locale, body, author_id, created_at)
		values ($1, $2, $3, $4, $5, $6, $7)`, t.g.ID, version, source, locale, text, actor, now); err != nil {
		return 0, fmt.Errorf("add minutes version: %w", err)
	}
	if _, err := tx.Exec(ctx, `update dialogue_minutes set version = $2, locale = $3, updated_at = $4 where meeting_id = $1`,
		t.g.ID, version, locale, now); err != nil {
		return 0, fmt.Errorf("update minutes: %w", err)
	}
	return version, nil
}

// DraftInput asks for a draft generated from the meeting's record.
type DraftInput struct {
	// Locale is the draft's language; nil keeps the current draft's, or
	// Polish (the binding language) for the first draft.
	Locale *i18n.Locale
	// ReplaceEdits regenerates even when the current version was edited by
	// a person (the edited version stays among the versions).
	ReplaceEdits bool
}

// DraftMinutes generates the minutes of meeting meetingID from its record
// (see minutes_draft.go) as a new version: the first draft, or a
// regeneration. Who keeps the meeting (ActManageMeeting), once it has
// started (PHASE_CLOSED dialogue.minutes_meeting_not_started), not for a
// cancelled meeting (CONFLICT) nor approved minutes (PHASE_CLOSED).
// Regenerating over a person's edit is CONFLICT dialogue.minutes_edited
// unless in.ReplaceEdits. Audited.
func (m *Minutes) DraftMinutes(ctx context.Context, meetingID uuid.UUID, in DraftInput) (*MeetingMinutes, error) {
	if in.Locale != nil && !in.Locale.Valid() {
		return nil, errMinutesLocale
	}
	// The record is read before the change's transaction (the votes come
	// through the motions' service, which reads on its own); the checks are
	// made first, so that nobody learns more than the change would tell,
	// and again under the locks.
	check := func(t *minutesTarget) (i18n.Locale, error) {
		if t.g.CancelledAt != nil {
			return "", ErrMeetingCancelled
		}
		if m.s.now().Before(t.g.StartsAt) {
			return "", ErrMinutesNotStarted
		}
		locale := i18n.Default
		if t.mm != nil {
			if t.mm.Status == MinutesApproved {
				return "", ErrMinutesApproved
			}
			if t.mm.Source == MinutesEdited && !in.ReplaceEdits {
				return "", ErrMinutesEdited
			}
			locale = t.mm.Locale
		}
		if in.Locale != nil {
			locale = *in.Locale
		}
		return locale, nil
	}
	var locale i18n.Locale
	err := db.InTx(ctx, m.s.pool, func(tx *db.Tx) error {
		t, err := m.lockMinutes(ctx, tx, meetingID, ActManageMeeting)
		if err != nil {
			return err
		}
		locale, err = check(t)
		return err
	})
	if err != nil {
		return nil, err
	}
	text, err := m.generate(ctx, meetingID, locale)
	if err != nil {
		return nil, err
	}
	if text, err = checkMinutesText(text); err != nil {
		return nil, err
	}
	return m.change(ctx, meetingID, ActManageMeeting, "draft", func(tx *db.Tx, t *minutesTarget) (map[string]any, error) {
		if _, err := check(t); err != nil {
			return nil, err
		}
		version, err := m.addVersion(ctx, tx, t, locale, text, MinutesGenerated)
		if err != nil {
			return nil, err
		}
		return map[string]any{"version": version, "locale": locale, "replaced_edits": t.mm != nil && t.mm.Source == MinutesEdited}, nil
	})
}

// EditMinutes replaces the text of meeting meetingID's minutes with text,
// as a new version made on baseVersion (the current one: CONFLICT
// dialogue.minutes_version_stale otherwise), by who keeps the meeting,
// until the approval. The same text again changes nothing. Audited.
func (m *Minutes) EditMinutes(ctx context.Context, meetingID uuid.UUID, text string, baseVersion int) (*MeetingMinutes, error) {
	return m.change(ctx, meetingID, ActManageMeeting, "edit", func(tx *db.Tx, t *minutesTarget) (map[string]any, error) {
		if err := editable(t); err != nil {
			return nil, err
		}
		text, err := checkMinutesText(text)
		if err != nil {
			return nil, err
		}
		if baseVersion != t.mm.Version {
			return nil, ErrMinutesStale.With(map[string]any{"version": t.mm.Version})
		}
		if text == t.mm.Body {
			return nil, nil
		}
		version, err := m.addVersion(ctx, tx, t, t.mm.Locale, text, MinutesEdited)
		if err != nil {
			return nil, err
		}
		return map[string]any{"version": version}, nil
	})
}

// OpenForComments opens meeting meetingID's draft for comments of the
// body's roll and staff (who keeps the meeting), and tells everyone on the
// roll now, each in their language. Open already: nothing changes (no
// second notice). Audited.
func (m *Minutes) OpenForComments(ctx context.Context, meetingID uuid.UUID) (*MeetingMinutes, error) {
	return m.change(ctx, meetingID, ActManageMeeting, "open", func(tx *db.Tx, t *minutesTarget) (map[string]any, error) {
		if err := editable(t); err != nil {
			return nil, err
		}
		if t.mm.Status == MinutesOpen {
			return nil, nil
		}
		now := m.s.now()
		if _, err := tx.Exec(ctx, `update dialogue_minutes set status = 'open', opened_at = $2, opened_by = $3, updated_at = $2
			where meeting_id = $1`, meetingID, now, authz.SubjectFrom(ctx).AccountID); err != nil {
			return nil, fmt.Errorf("open minutes: %w", err)
		}
		if err := m.notifyRoll(ctx, tx, t, NoticeMinutesOpen); err != nil {
			return nil, err
		}
		return map[string]any{"version": t.mm.Version}, nil
	})
}

// Approve approves meeting meetingID's minutes at version (the one the
// chair read: CONFLICT dialogue.minutes_version_stale otherwise): the
// body's chair (ActApproveMinutes), once the draft was open for comments
// (PHASE_CLOSED dialogue.minutes_not_open) and the meeting has ended
// (PHASE_CLOSED dialogue.minutes_meeting_not_ended). The text is frozen and
// published: a text in the draft's language without a personal author,
// the meeting's minutes in the gathering mechanism. Everyone on the roll is
// told, in their language. Audited.
func (m *Minutes) Approve(ctx context.Context, meetingID uuid.UUID, version int) (*MeetingMinutes, error) {
	return m.change(ctx, meetingID, ActApproveMinutes, "approve", func(tx *db.Tx, t *minutesTarget) (map[string]any, error) {
		if t.mm == nil {
			return nil, ErrMinutesNotOpen
		}
		switch t.mm.Status {
		case MinutesApproved:
			return nil, ErrMinutesApproved
		case MinutesDraft:
			// Those who may approve see a draft only once it is open.
			if !authz.Can(ctx, ActManageMeeting, meetingObject(t.body, t.member, meetingID)) {
				return nil, apperr.ErrNotFound
			}
			return nil, ErrMinutesNotOpen
		}
		if t.g.CancelledAt != nil {
			return nil, ErrMeetingCancelled
		}
		if m.s.now().Before(t.g.EndsAt) {
			return nil, ErrMinutesNotEnded
		}
		if version != t.mm.Version {
			return nil, ErrMinutesStale.With(map[string]any{"version": t.mm.Version})
		}
		now := m.s.now()
		// No personal author: nobody may add a new original version, so the
		// approved text cannot change; the approval says who approved.
		text, err := i18n.CreateText(ctx, tx, t.mm.Locale, t.mm.Body, uuid.Nil, textDomains(t.body.ID, t.body.UnitID))
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `update dialogue_minutes set status = 'approved', approved_at = $2, approved_by = $3,
				text_id = $4, updated_at = $2 where meeting_id = $1`, meetingID, now, authz.SubjectFrom(ctx).AccountID, text); err != nil {
			return nil, fmt.Errorf("approve minutes: %w", err)
		}
		// The meeting's minutes in the one gathering mechanism, written in
		// this transaction (gathering.PublishMinutes would make a second
		// text in a transaction of its own).
		if _, err := tx.Exec(ctx, `update gatherings set minutes_text_id = $2, minutes_published_at = $3, updated_at = $3
			where id = $1 and kind = $4`, meetingID, text, now, MeetingGatheringKind); err != nil {
			return nil, fmt.Errorf("publish minutes: %w", err)
		}
		if err := live.Publish(ctx, tx, MeetingTopic(meetingID), MeetingEvent{Type: "meeting_changed", MeetingID: meetingID}); err != nil {
			return nil, err
		}
		if err := m.notifyRoll(ctx, tx, t, NoticeMinutesApproved); err != nil {
			return nil, err
		}
		return map[string]any{"version": t.mm.Version, "text_id": text}, nil
	})
}

// AddTranslation adds a translation of meeting meetingID's approved minutes
// in locale, credited to the caller (who keeps the meeting). The original's
// locale is CONFLICT text.original_locale: the approved text never
// changes. Before approval: PHASE_CLOSED dialogue.minutes_not_approved.
// Audited.
func (m *Minutes) AddTranslation(ctx context.Context, meetingID uuid.UUID, locale i18n.Locale, text string) (*MeetingMinutes, error) {
	return m.change(ctx, meetingID, ActManageMeeting, "translate", func(tx *db.Tx, t *minutesTarget) (map[string]any, error) {
		if t.mm == nil || t.mm.Status != MinutesApproved {
			return nil, ErrMinutesNotPublic
		}
		if !locale.Valid() {
			return nil, errMinutesLocale
		}
		text, err := checkMinutesText(text)
		if err != nil {
			return nil, err
		}
		v, err := i18n.AddVersion(ctx, tx, *t.mm.TextID, locale, text, authz.SubjectFrom(ctx).AccountID, i18n.SourceHuman)
		if err != nil {
			return nil, err
		}
		return map[string]any{"locale": locale, "text_version_id": v.ID}, nil
	})
}

// Versions lists mm's versions, oldest first, for who sees the work on the
// minutes (nil for everyone else).
func (m *Minutes) Versions(ctx context.Context, mm *MeetingMinutes) ([]*MinutesVersion, error) {
	if !mm.view.seesWork() {
		return nil, nil
	}
	rows, err := m.s.pool.Query(ctx, `select v.version, v.source, v.locale, v.body, v.author_id,
			coalesce(case when a.deleted_at is null then a.display_name end, ''), v.created_at
		from dialogue_minutes_versions v left join accounts a on a.id = v.author_id
		where v.meeting_id = $1 order by v.version`, mm.MeetingID)
	if err != nil {
		return nil, fmt.Errorf("read minutes versions: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*MinutesVersion, error) {
		var v MinutesVersion
		return &v, r.Scan(&v.Version, &v.Source, &v.Locale, &v.Body, &v.AuthorID, &v.AuthorName, &v.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("read minutes versions: %w", err)
	}
	return list, nil
}

// Name is the display name of account id ("" for a deleted or unknown
// account): who approved, who wrote.
func (m *Minutes) Name(ctx context.Context, id uuid.UUID) (string, error) {
	var name string
	err := m.s.pool.QueryRow(ctx, `select coalesce(case when deleted_at is null then display_name end, '') from accounts
		where id = $1`, id).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read name: %w", err)
	}
	return name, nil
}
