package consultation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/page"
)

// Submission kinds.
const (
	KindPostulate = "postulate" // a proposal (online_submissions)
	KindComment   = "comment"   // a comment on a document section (section_comments)
)

// Submission statuses. Hidden and withdrawn submissions are seen only by
// their author and by those who may read_hidden in the consultation.
const (
	SubmissionVisible   = "visible"
	SubmissionHidden    = "hidden"
	SubmissionWithdrawn = "withdrawn"
)

// Intake channels of staff-entered submissions.
const (
	ChannelPaper = "paper"
	ChannelEmail = "email"
	ChannelPost  = "post"
)

// Errors of submissions.
var (
	ErrPhaseClosed    = apperr.New(apperr.PhaseClosed, "consultation.phase_closed")
	ErrFormNotOffered = apperr.New(apperr.Conflict, "submission.form_not_offered")
	ErrEditWindowOver = apperr.New(apperr.Conflict, "submission.edit_window_over")
	ErrOwnSubmission  = apperr.New(apperr.Conflict, "submission.own")
	ErrNotActive      = apperr.New(apperr.Conflict, "submission.not_active")
	ErrReasonInvalid  = apperr.Invalid("reason", "submission.reason_invalid")
	ErrReceivedAt     = apperr.Invalid("receivedAt", "submission.received_at_invalid")
	ErrParentInvalid  = apperr.Invalid("parentId", "submission.parent_invalid")
	ErrSectionInvalid = apperr.Invalid("sectionId", "submission.section_invalid")
	errKindInvalid    = apperr.Invalid("kind", "submission.kind_invalid")
	errChannelInvalid = apperr.Invalid("channel", "submission.channel_invalid")
	errAuthorName     = apperr.Invalid("authorName", "submission.author_name_invalid")
)

// Submission is a postulate, a section comment or a reply in a thread.
type Submission struct {
	ID             uuid.UUID
	ConsultationID uuid.UUID
	Kind           string // KindPostulate or KindComment
	SectionID      *uuid.UUID
	ParentID       *uuid.UUID
	// AuthorID is uuid.Nil for a deleted account or a staff-entered submission.
	AuthorID uuid.UUID
	// AuthorName is the author's display name, or the name staff entered; ""
	// for a deleted account.
	AuthorName     string
	TextID         uuid.UUID
	Status         string // SubmissionVisible, SubmissionHidden or SubmissionWithdrawn
	StaffEnteredBy *uuid.UUID
	ReceivedAt     time.Time
	CreatedAt      time.Time
	EditedAt       *time.Time
	SupportCount   int
	ReplyCount     int

	unitID uuid.UUID // the consultation's city unit, for Object
}

// Object is the submission as an authorization object: the consultation's
// domain and its unit's, owned by its author.
func (s *Submission) Object(unitID uuid.UUID) authz.Object {
	return authz.Object{Type: "submission", ID: s.ID.String(), OwnerID: s.AuthorID,
		Domains: []string{Domain(s.ConsultationID), "org:" + unitID.String()}}
}

// object is Object with the unit loaded alongside the submission.
func (s *Submission) object() authz.Object { return s.Object(s.unitID) }

// submissionScope is a submission of c without an owner: role-based checks
// made once per consultation (may the caller submit, read hidden items,
// moderate here?).
func submissionScope(c *Consultation) authz.Object {
	return authz.Object{Type: "submission", ID: "", Domains: []string{Domain(c.ID), "org:" + c.UnitID.String()}}
}

// Topic is the live topic of a consultation's public activity.
func Topic(consultationID uuid.UUID) string { return "consultation:" + consultationID.String() }

// ModerationTopic is the live topic of a consultation's moderation queue.
func ModerationTopic(consultationID uuid.UUID) string { return "moderation:" + consultationID.String() }

// Event is what the live topics carry; clients re-query details.
type Event struct {
	Type         string     `json:"type"`
	SubmissionID *uuid.UUID `json:"submissionId,omitempty"`
	Kind         string     `json:"kind,omitempty"`
	SupportCount *int       `json:"supportCount,omitempty"`
	OpenFlags    *int       `json:"openFlags,omitempty"`
}

func publish(ctx context.Context, tx pgx.Tx, topic string, e Event) error {
	return live.Publish(ctx, tx, topic, e)
}

const submissionColumns = `s.id, s.consultation_id, s.kind, s.section_id, s.parent_id,
	coalesce(s.author_id, '00000000-0000-0000-0000-000000000000'),
	case when s.author_id is null then s.author_name when a.deleted_at is null then a.display_name else '' end,
	s.text_id, s.status, s.staff_entered_by, s.received_at, s.created_at, s.edited_at,
	s.support_count, s.reply_count, c.unit_id`

const submissionFrom = ` from submissions s join consultations c on c.id = s.consultation_id
	left join accounts a on a.id = s.author_id`

func scanSubmission(row pgx.Row) (*Submission, error) {
	var s Submission
	err := row.Scan(&s.ID, &s.ConsultationID, &s.Kind, &s.SectionID, &s.ParentID, &s.AuthorID, &s.AuthorName,
		&s.TextID, &s.Status, &s.StaffEnteredBy, &s.ReceivedAt, &s.CreatedAt, &s.EditedAt,
		&s.SupportCount, &s.ReplyCount, &s.unitID)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// loadSubmission reads one submission without any visibility check;
// forUpdate locks its row.
func loadSubmission(ctx context.Context, q db.Querier, id uuid.UUID, forUpdate bool) (*Submission, error) {
	sql := `select ` + submissionColumns + submissionFrom + ` where s.id = $1`
	if forUpdate {
		sql += ` for update of s`
	}
	s, err := scanSubmission(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load submission: %w", err)
	}
	return s, nil
}

// lockShared loads a consultation with a share lock: a phase change (which
// locks the row for update) waits for the submissions and supports in
// flight and they for it, while those do not wait for one another.
func lockShared(ctx context.Context, q db.Querier, id uuid.UUID) (*Consultation, error) {
	c, err := scanConsultation(q.QueryRow(ctx, `select `+consultationColumns+` from consultations c where c.id = $1 for share`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load consultation: %w", err)
	}
	return c, nil
}

// canSee reports whether the caller may see sub of consultation c: the
// consultation must be readable, and a hidden or withdrawn submission only
// by its author and those who may read_hidden.
func canSee(ctx context.Context, c *Consultation, sub *Submission) bool {
	if !authz.Can(ctx, ActRead, c.Object()) {
		return false
	}
	return sub.Status == SubmissionVisible || authz.Can(ctx, ActReadHidden, sub.object())
}

// target loads submission id and its consultation in tx for act by the
// caller, in authz.For's order: anonymous callers refused first, NOT_FOUND
// when the caller may not see either, FORBIDDEN when they may see but not
// act (the domain's own rules follow in the caller). The consultation is
// share-locked; with lock the submission row is locked too.
func (s *Service) target(ctx context.Context, tx pgx.Tx, id uuid.UUID, act string, lock bool) (*Submission, *Consultation, error) {
	type target struct {
		sub *Submission
		c   *Consultation
	}
	t, err := authz.For(ctx, act, func() (target, authz.Object, bool, error) {
		sub, err := loadSubmission(ctx, tx, id, false)
		if err != nil {
			return target{}, authz.Object{}, false, err
		}
		// Locks in one order everywhere: the consultation, then its submissions.
		c, err := lockShared(ctx, tx, sub.ConsultationID)
		if err != nil {
			return target{}, authz.Object{}, false, err
		}
		if lock {
			if sub, err = loadSubmission(ctx, tx, id, true); err != nil {
				return target{}, authz.Object{}, false, err
			}
		}
		return target{sub, c}, sub.object(), canSee(ctx, c, sub), nil
	})
	return t.sub, t.c, err
}

// scopeFor loads consultation cid, share-locked in tx, for act on its
// submissions (submit, enter on behalf, answer) in authz.For's order:
// NOT_FOUND when the caller may not see the consultation.
func scopeFor(ctx context.Context, tx pgx.Tx, cid uuid.UUID, act string) (*Consultation, error) {
	return authz.For(ctx, act, func() (*Consultation, authz.Object, bool, error) {
		c, err := lockShared(ctx, tx, cid)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		return c, submissionScope(c), authz.Can(ctx, ActRead, c.Object()), nil
	})
}

func offers(c *Consultation, form string) bool { return slices.Contains(c.Forms, form) }

// formOf is the form of participation a submission of kind (on a section or
// not) uses.
func formOf(kind string) string {
	if kind == KindComment {
		return FormSectionComments
	}
	return FormOnlineSubmissions
}

// SubmitInput is a resident's postulate, section comment or reply.
type SubmitInput struct {
	ConsultationID uuid.UUID
	Kind           string
	SectionID      *uuid.UUID // required for a top-level comment
	ParentID       *uuid.UUID // a reply: kind and section follow the parent's
	Locale         i18n.Locale
	Text           string
	// SubmissionKey, when given, is chosen by the client (a random secret)
	// and makes submitting idempotent: a retry with the same key and content
	// returns the same submission; other content under the key is
	// ErrKeyReused. Nil is no key; a given key (even "") must have the
	// length below.
	SubmissionKey *string
}

// Limits on the client's submission key, as on a ballot key.
const (
	MinSubmissionKey = 16
	MaxSubmissionKey = 200
)

// ErrKeyReused: the submission key was used before for other content.
var ErrKeyReused = apperr.New(apperr.Conflict, "submission.key_reused")

// Submit stores a submission by the caller (a confirmed account) while the
// consultation is open and offers the form. A reply needs a visible parent
// in the same consultation, bumps its reply count and tells its author (one
// in-app notice and e-mail per reply; notify's digest preference groups a
// busy thread for those who chose a digest). With a key, a retry of a
// submission that was stored returns it as it is now, without a second
// notice, even if the consultation has closed since.
func (s *Service) Submit(ctx context.Context, in SubmitInput) (*Submission, error) {
	keyed := in.SubmissionKey != nil
	if keyed {
		if n := len(*in.SubmissionKey); n < MinSubmissionKey || n > MaxSubmissionKey {
			return nil, apperr.Invalid("submissionKey", "submission.key_invalid").
				With(map[string]any{"min": MinSubmissionKey, "max": MaxSubmissionKey})
		}
	}
	caller := authz.SubjectFrom(ctx)
	var out *Submission
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := scopeFor(ctx, tx, in.ConsultationID, ActSubmit)
		if err != nil {
			return err
		}
		if keyed {
			if err := authz.Require(ctx, ActSubmit, submissionScope(c)); err != nil {
				return err
			}
			earlier, err := claimKey(ctx, tx, caller.AccountID, c.ID, in)
			if err != nil {
				return err
			}
			if earlier != uuid.Nil {
				out, err = loadSubmission(ctx, tx, earlier, false)
				return err
			}
		}
		if err := maySubmit(ctx, c); err != nil {
			return err
		}
		kind, section := in.Kind, in.SectionID
		var parent *Submission
		if in.ParentID != nil {
			// The parent row is locked: its reply count changes below.
			parent, err = loadSubmission(ctx, tx, *in.ParentID, true)
			if errors.Is(err, ErrNotFound) || (err == nil && (parent.ConsultationID != c.ID || parent.Status != SubmissionVisible)) {
				return ErrParentInvalid
			}
			if err != nil {
				return err
			}
			kind, section = parent.Kind, parent.SectionID
		}
		if kind != KindPostulate && kind != KindComment {
			return errKindInvalid
		}
		if !offers(c, formOf(kind)) {
			return ErrFormNotOffered
		}
		if parent == nil {
			if err := checkSection(ctx, tx, c.ID, kind, section); err != nil {
				return err
			}
		}
		sub, err := s.insertSubmission(ctx, tx, c, newSubmission{
			kind: kind, section: section, parent: in.ParentID, author: caller.AccountID,
			locale: in.Locale, text: in.Text, receivedAt: s.now(),
		})
		if err != nil {
			return err
		}
		if keyed {
			if _, err := tx.Exec(ctx, `update submission_keys set submission_id = $4
				where author_id = $1 and consultation_id = $2 and key_hash = $3`,
				caller.AccountID, c.ID, submissionKeyHash(c.ID, *in.SubmissionKey), sub.ID); err != nil {
				return fmt.Errorf("record submission key: %w", err)
			}
		}
		if parent != nil {
			if err := bumpReplies(ctx, tx, parent.ID, 1); err != nil {
				return err
			}
			if parent.AuthorID != uuid.Nil && parent.AuthorID != caller.AccountID && s.notify != nil {
				err := s.notify.Notify(ctx, tx, notify.Notice{
					AccountID: parent.AuthorID, Kind: NoticeSubmissionReply,
					Data: map[string]string{
						"consultation_id": c.ID.String(), "submission_id": parent.ID.String(), "reply_id": sub.ID.String(),
					},
					// Bursts are grouped: one notice per thread per hour, however
					// many replies a busy thread gets in it.
					DedupeKey: "reply:" + parent.ID.String() + ":" + s.now().UTC().Truncate(time.Hour).Format(time.RFC3339),
					InApp:     true, Email: true,
				})
				if err != nil {
					return err
				}
			}
		}
		out = sub
		return publish(ctx, tx, Topic(c.ID), Event{Type: "submission_added", SubmissionID: &sub.ID, Kind: sub.Kind})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// claimKey claims the caller's submission key in consultation c before the
// submission is written. It returns the submission stored earlier under
// the key with the same content (uuid.Nil when the key is new), or
// ErrKeyReused for other content. A concurrent attempt with the same key
// waits on the key's primary key until the first commits (then it finds
// its submission) or rolls back (then it claims the key itself).
func claimKey(ctx context.Context, tx pgx.Tx, author, cid uuid.UUID, in SubmitInput) (uuid.UUID, error) {
	keyHash := submissionKeyHash(cid, *in.SubmissionKey)
	check := submissionCheck(cid, in)
	var claimed bool
	err := tx.QueryRow(ctx, `insert into submission_keys (author_id, consultation_id, key_hash, content_check)
		values ($1, $2, $3, $4) on conflict do nothing returning true`, author, cid, keyHash, check).Scan(&claimed)
	if err == nil {
		return uuid.Nil, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, fmt.Errorf("claim submission key: %w", err)
	}
	var oldCheck []byte
	var id *uuid.UUID
	if err := tx.QueryRow(ctx, `select content_check, submission_id from submission_keys
		where author_id = $1 and consultation_id = $2 and key_hash = $3`, author, cid, keyHash).Scan(&oldCheck, &id); err != nil {
		return uuid.Nil, fmt.Errorf("read submission key: %w", err)
	}
	if !bytes.Equal(oldCheck, check) || id == nil {
		return uuid.Nil, ErrKeyReused
	}
	return *id, nil
}

// submissionKeyHash is what is kept of a client's key.
func submissionKeyHash(cid uuid.UUID, key string) []byte {
	h := sha256.Sum256([]byte("submission-key\x00" + cid.String() + "\x00" + key))
	return h[:]
}

// submissionCheck hashes the key with the content as the client sent it, to
// tell a retry from other content under the same key.
func submissionCheck(cid uuid.UUID, in SubmitInput) []byte {
	opt := func(id *uuid.UUID) string {
		if id == nil {
			return ""
		}
		return id.String()
	}
	h := sha256.Sum256([]byte(strings.Join([]string{"submission-content", cid.String(), *in.SubmissionKey, in.Kind,
		opt(in.SectionID), opt(in.ParentID), string(in.Locale), in.Text}, "\x00")))
	return h[:]
}

// checkSection: a comment needs a section of this consultation; a postulate
// may name one.
func checkSection(ctx context.Context, tx pgx.Tx, cid uuid.UUID, kind string, section *uuid.UUID) error {
	if section == nil {
		if kind == KindComment {
			return ErrSectionInvalid
		}
		return nil
	}
	var ok bool
	err := tx.QueryRow(ctx, `select exists (select 1 from consultation_sections where id = $1 and consultation_id = $2)`,
		*section, cid).Scan(&ok)
	if err != nil {
		return fmt.Errorf("check section: %w", err)
	}
	if !ok {
		return ErrSectionInvalid
	}
	return nil
}

// bumpReplies changes a parent's count of visible replies by delta.
func bumpReplies(ctx context.Context, tx pgx.Tx, parentID uuid.UUID, delta int) error {
	_, err := tx.Exec(ctx, `update submissions set reply_count = greatest(reply_count + $2, 0) where id = $1`, parentID, delta)
	if err != nil {
		return fmt.Errorf("update reply count: %w", err)
	}
	return nil
}

type newSubmission struct {
	kind       string
	section    *uuid.UUID
	parent     *uuid.UUID
	author     uuid.UUID // uuid.Nil for staff intake
	authorName string
	staff      *uuid.UUID
	locale     i18n.Locale
	text       string
	receivedAt time.Time
}

// insertSubmission stores the text (credited to the author, or to the staff
// member who typed it in) and the submission, stamped with the service clock
// so that the edit window and the clock agree.
func (s *Service) insertSubmission(ctx context.Context, tx pgx.Tx, c *Consultation, n newSubmission) (*Submission, error) {
	writer := n.author
	if writer == uuid.Nil && n.staff != nil {
		writer = *n.staff
	}
	textID, err := i18n.CreateText(ctx, tx, n.locale, n.text, writer, []string{Domain(c.ID), "org:" + c.UnitID.String()})
	if err != nil {
		return nil, err
	}
	var author *uuid.UUID
	if n.author != uuid.Nil {
		author = &n.author
	}
	var id uuid.UUID
	err = tx.QueryRow(ctx, `insert into submissions (consultation_id, kind, section_id, parent_id, author_id, author_name,
			text_id, staff_entered_by, received_at, created_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
		c.ID, n.kind, n.section, n.parent, author, n.authorName, textID, n.staff, n.receivedAt, s.now()).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("insert submission: %w", err)
	}
	return loadSubmission(ctx, tx, id, false)
}

// Edit adds a new version of the author's own text, within the
// consultation's edit window after creation, while it is open; earlier
// versions stay (i18n versions are never overwritten). In a locale other
// than the original's the new version is the author's own translation.
func (s *Service) Edit(ctx context.Context, id uuid.UUID, locale i18n.Locale, text string) (*Submission, error) {
	caller := authz.SubjectFrom(ctx)
	var out *Submission
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		sub, c, err := s.target(ctx, tx, id, ActEdit, true)
		if err != nil {
			return err
		}
		if err := s.mayEdit(ctx, c, sub); err != nil {
			return err
		}
		if _, err := i18n.AddVersion(ctx, tx, sub.TextID, locale, text, caller.AccountID, i18n.SourceHuman); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update submissions set edited_at = $2 where id = $1`, id, s.now()); err != nil {
			return fmt.Errorf("edit submission: %w", err)
		}
		if out, err = loadSubmission(ctx, tx, id, false); err != nil {
			return err
		}
		return publish(ctx, tx, Topic(c.ID), Event{Type: "submission_edited", SubmissionID: &id})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Withdraw lets the author take back a visible submission while the
// consultation is open; withdrawing twice returns the same state.
func (s *Service) Withdraw(ctx context.Context, id uuid.UUID) (*Submission, error) {
	var out *Submission
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		sub, c, err := s.target(ctx, tx, id, ActWithdraw, true)
		if err != nil {
			return err
		}
		switch err := mayWithdraw(ctx, c, sub); {
		case errors.Is(err, errWithdrawn):
			out = sub // withdrawing twice answers the same state
			return nil
		case err != nil:
			return err
		}
		if err := setStatus(ctx, tx, sub, SubmissionWithdrawn); err != nil {
			return err
		}
		if out, err = loadSubmission(ctx, tx, id, false); err != nil {
			return err
		}
		return publish(ctx, tx, Topic(c.ID), Event{Type: "submission_withdrawn", SubmissionID: &id})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ConsultationActions are what the caller may do in a consultation now, as
// its viewerCan shows them, each decided by the check its mutations make.
type ConsultationActions struct {
	Manage, Submit, Follow, Moderate, EnterOnBehalf bool
	// AnswerSurvey: the check AnswerSurvey makes (take part, open, the
	// survey offered), whether or not the consultation has questions.
	AnswerSurvey bool
}

// ConsultationActions says what the caller may do in c, a consultation
// they can see.
func (s *Service) ConsultationActions(ctx context.Context, c *Consultation) ConsultationActions {
	mayTakePart := maySubmit(ctx, c) == nil
	submit := mayTakePart && (offers(c, formOf(KindPostulate)) || offers(c, formOf(KindComment)))
	return ConsultationActions{
		Manage:        authz.Can(ctx, ActManage, c.Object()),
		Submit:        submit,
		Follow:        authz.Can(ctx, ActFollow, c.Object()),
		Moderate:      authz.Can(ctx, ActModerate, submissionScope(c)),
		EnterOnBehalf: mayEnterOnBehalf(ctx, c) == nil,
		AnswerSurvey:  mayTakePart && offers(c, FormSurvey),
	}
}

// maySubmit: those allowed to take part, while the consultation is open
// (which forms it offers is checked per kind).
func maySubmit(ctx context.Context, c *Consultation) error {
	if err := authz.Require(ctx, ActSubmit, submissionScope(c)); err != nil {
		return err
	}
	if c.Status != StatusOpen {
		return ErrPhaseClosed
	}
	return nil
}

// mayEnterOnBehalf: staff, when the consultation offers staff intake, while
// it is open or closed (before the report).
func mayEnterOnBehalf(ctx context.Context, c *Consultation) error {
	if err := authz.Require(ctx, ActEnterOnBehalf, submissionScope(c)); err != nil {
		return err
	}
	if c.Status != StatusOpen && c.Status != StatusClosed {
		return ErrPhaseClosed
	}
	if !offers(c, FormStaffIntake) {
		return ErrFormNotOffered
	}
	return nil
}

// SubmissionActions are what the caller may do with a submission now, as
// viewerCan shows them: each is the very check its mutation makes.
type SubmissionActions struct {
	Edit, Withdraw, Support, Flag, Moderate bool
}

// Actions says what the caller may do with sub, a submission of c they
// can see.
func (s *Service) Actions(ctx context.Context, c *Consultation, sub *Submission) SubmissionActions {
	return SubmissionActions{
		Edit:     s.mayEdit(ctx, c, sub) == nil,
		Withdraw: mayWithdraw(ctx, c, sub) == nil,
		Support:  maySupport(ctx, c, sub) == nil,
		Flag:     mayFlag(ctx, sub) == nil,
		Moderate: authz.Can(ctx, ActModerate, sub.object()),
	}
}

// mayEdit: the author, while the consultation is open, the submission
// visible and its edit window running.
func (s *Service) mayEdit(ctx context.Context, c *Consultation, sub *Submission) error {
	if err := authz.Require(ctx, ActEdit, sub.object()); err != nil {
		return err
	}
	if c.Status != StatusOpen {
		return ErrPhaseClosed
	}
	if sub.Status != SubmissionVisible {
		return ErrNotActive
	}
	if s.now().After(sub.CreatedAt.Add(c.EditWindow)) {
		return ErrEditWindowOver
	}
	return nil
}

// errWithdrawn: the submission is withdrawn already (Withdraw answers the
// same state; there is nothing left to withdraw).
var errWithdrawn = apperr.New(apperr.Conflict, "submission.not_active")

// mayWithdraw: the author, while the consultation is open and the
// submission neither hidden nor withdrawn.
func mayWithdraw(ctx context.Context, c *Consultation, sub *Submission) error {
	if err := authz.Require(ctx, ActWithdraw, sub.object()); err != nil {
		return err
	}
	if c.Status != StatusOpen {
		return ErrPhaseClosed
	}
	switch sub.Status {
	case SubmissionWithdrawn:
		return errWithdrawn
	case SubmissionHidden:
		return ErrNotActive
	}
	return nil
}

// setStatus changes sub's status and keeps its parent's count of visible
// replies in step.
func setStatus(ctx context.Context, tx pgx.Tx, sub *Submission, status string) error {
	if _, err := tx.Exec(ctx, `update submissions set status = $2 where id = $1`, sub.ID, status); err != nil {
		return fmt.Errorf("set submission status: %w", err)
	}
	if sub.ParentID != nil && (sub.Status == SubmissionVisible) != (status == SubmissionVisible) {
		delta := -1
		if status == SubmissionVisible {
			delta = 1
		}
		return bumpReplies(ctx, tx, *sub.ParentID, delta)
	}
	return nil
}

// EnterInput is a submission received on paper, by post or by e-mail,
// entered by staff on its author's behalf.
type EnterInput struct {
	ConsultationID uuid.UUID
	Kind           string
	SectionID      *uuid.UUID
	AuthorName     string
	ReceivedAt     time.Time
	Channel        string // ChannelPaper, ChannelEmail or ChannelPost
	Locale         i18n.Locale
	Text           string
}

// maxAuthorName bounds the name staff type in.
const maxAuthorName = 200

// EnterOnBehalf stores a submission that staff received outside the
// platform, when the consultation offers staff intake: while it is open or
// after the close (before the report), with a receivedAt inside the open
// window. It has no author account, is marked staff-entered and is audited.
func (s *Service) EnterOnBehalf(ctx context.Context, in EnterInput) (*Submission, error) {
	caller := authz.SubjectFrom(ctx)
	var out *Submission
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := scopeFor(ctx, tx, in.ConsultationID, ActEnterOnBehalf)
		if err != nil {
			return err
		}
		if err := mayEnterOnBehalf(ctx, c); err != nil {
			return err
		}
		if in.Kind != KindPostulate && in.Kind != KindComment {
			return errKindInvalid
		}
		if in.Channel != ChannelPaper && in.Channel != ChannelEmail && in.Channel != ChannelPost {
			return errChannelInvalid
		}
		name := strings.TrimSpace(in.AuthorName)
		if name == "" || len([]rune(name)) > maxAuthorName {
			return errAuthorName
		}
		if c.OpensAt == nil || c.ClosesAt == nil || in.ReceivedAt.Before(*c.OpensAt) || in.ReceivedAt.After(*c.ClosesAt) {
			return ErrReceivedAt
		}
		if err := checkSection(ctx, tx, c.ID, in.Kind, in.SectionID); err != nil {
			return err
		}
		staff := caller.AccountID
		sub, err := s.insertSubmission(ctx, tx, c, newSubmission{
			kind: in.Kind, section: in.SectionID, authorName: name, staff: &staff,
			locale: in.Locale, text: in.Text, receivedAt: in.ReceivedAt,
		})
		if err != nil {
			return err
		}
		err = audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "submission.enter_on_behalf",
			ObjectType: "submission", ObjectID: sub.ID.String(),
			Data: map[string]any{"consultation_id": c.ID, "channel": in.Channel, "received_at": in.ReceivedAt}})
		if err != nil {
			return err
		}
		out = sub
		return publish(ctx, tx, Topic(c.ID), Event{Type: "submission_added", SubmissionID: &sub.ID, Kind: sub.Kind})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetSubmission returns a submission the caller may see, else NOT_FOUND.
func (s *Service) GetSubmission(ctx context.Context, id uuid.UUID) (*Submission, error) {
	m, err := s.SubmissionsByIDs(ctx, []uuid.UUID{id})
	if err != nil {
		return nil, err
	}
	sub, ok := m[id]
	if !ok {
		return nil, ErrNotFound
	}
	return sub, nil
}

// SubmissionsByIDs returns, in one query, the submissions with ids that the
// caller may see (for dataloaders); the others are absent from the map.
func (s *Service) SubmissionsByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*Submission, error) {
	out := make(map[uuid.UUID]*Submission, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `select `+submissionColumns+`, c.status`+submissionFrom+` where s.id = any($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("load submissions: %w", err)
	}
	defer rows.Close()
	type scope struct{ read, readHidden bool }
	scopes := map[uuid.UUID]scope{} // per consultation: role checks once, not per row
	for rows.Next() {
		var sub Submission
		var status Status
		err := rows.Scan(&sub.ID, &sub.ConsultationID, &sub.Kind, &sub.SectionID, &sub.ParentID, &sub.AuthorID, &sub.AuthorName,
			&sub.TextID, &sub.Status, &sub.StaffEnteredBy, &sub.ReceivedAt, &sub.CreatedAt, &sub.EditedAt,
			&sub.SupportCount, &sub.ReplyCount, &sub.unitID, &status)
		if err != nil {
			return nil, fmt.Errorf("load submissions: %w", err)
		}
		sc, ok := scopes[sub.ConsultationID]
		if !ok {
			c := &Consultation{ID: sub.ConsultationID, UnitID: sub.unitID, Status: status}
			sc = scope{read: authz.Can(ctx, ActRead, c.Object())}
			sc.readHidden = sc.read && authz.Can(ctx, ActReadHidden, submissionScope(c))
			scopes[sub.ConsultationID] = sc
		}
		if !sc.read {
			continue
		}
		if sub.Status != SubmissionVisible && !sc.readHidden && !authz.Can(ctx, ActReadHidden, sub.object()) {
			continue
		}
		out[sub.ID] = &sub
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load submissions: %w", err)
	}
	return out, nil
}

// SubmissionFilter narrows Submissions.
type SubmissionFilter struct {
	Kind      *string
	SectionID *uuid.UUID
	// ParentID lists the replies to one submission; nil lists top-level ones.
	ParentID *uuid.UUID
}

// SubmissionCursor is the cursor of sub in Submissions and FlagQueue.
func SubmissionCursor(sub *Submission) string {
	return page.Cursor("submissions", page.Key{At: sub.CreatedAt, ID: sub.ID})
}

// Submissions lists a consultation's submissions oldest first, with whether
// more follow and the total. Hidden and withdrawn ones are included only for
// their author and for callers who may read_hidden in the consultation; the
// total counts the same set.
func (s *Service) Submissions(ctx context.Context, cid uuid.UUID, f SubmissionFilter, first int, after string) (page.Page[*Submission], error) {
	var none page.Page[*Submission]
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
	if f.ParentID != nil {
		// Replies to an item the caller may not see are not listed either.
		if _, err := s.GetSubmission(ctx, *f.ParentID); err != nil {
			return none, err
		}
	}
	caller := authz.SubjectFrom(ctx)
	all := authz.Can(ctx, ActReadHidden, submissionScope(c))
	const where = ` where s.consultation_id = $1
		and ($2::text is null or s.kind = $2) and ($3::uuid is null or s.section_id = $3)
		and (($4::uuid is null and s.parent_id is null) or s.parent_id = $4)
		and (s.status = 'visible' or $5 or s.author_id = $6)`
	args := []any{cid, f.Kind, f.SectionID, f.ParentID, all, caller.AccountID}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from submissions s`+where, args...).Scan(&total); err != nil {
		return none, fmt.Errorf("count submissions: %w", err)
	}
	var at *time.Time
	var afterID *uuid.UUID
	if resume {
		at, afterID = &cur.At, &cur.ID
	}
	rows, err := s.pool.Query(ctx, `select `+submissionColumns+submissionFrom+where+`
		and ($7::timestamptz is null or (s.created_at, s.id) > ($7, $8))
		order by s.created_at, s.id limit $9`, append(args, at, afterID, first+1)...)
	if err != nil {
		return none, fmt.Errorf("list submissions: %w", err)
	}
	out, err := collectSubmissions(rows)
	if err != nil {
		return none, err
	}
	return page.Of(out, first, total), nil
}

func collectSubmissions(rows pgx.Rows) ([]*Submission, error) {
	defer rows.Close()
	var out []*Submission
	for rows.Next() {
		sub, err := scanSubmission(rows)
		if err != nil {
			return nil, fmt.Errorf("list submissions: %w", err)
		}
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list submissions: %w", err)
	}
	return out, nil
}

// RepliesOf lists the replies to each of parents, submissions of
// consultation cid, oldest first and at most perParent each: one statement
// for a whole page of submissions. It shows what Submissions shows for each
// parent: nothing of a consultation or a parent the caller may not see,
// hidden and withdrawn replies only to their author and those who may
// read_hidden.
func (s *Service) RepliesOf(ctx context.Context, cid uuid.UUID, parents []uuid.UUID, perParent int) (map[uuid.UUID][]*Submission, error) {
	if err := page.Check(perParent); err != nil {
		return nil, err
	}
	c, err := s.visible(ctx, s.pool, cid, false)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID][]*Submission, len(parents))
	if len(parents) == 0 {
		return out, nil
	}
	caller := authz.SubjectFrom(ctx)
	all := authz.Can(ctx, ActReadHidden, submissionScope(c))
	rows, err := s.pool.Query(ctx, `select `+submissionColumns+` from (
			select s.*, row_number() over (partition by s.parent_id order by s.created_at, s.id) as n
			from submissions s join submissions p on p.id = s.parent_id
			where s.consultation_id = $1 and s.parent_id = any($2)
				and (p.status = 'visible' or $3 or p.author_id = $4)
				and (s.status = 'visible' or $3 or s.author_id = $4)) s
		join consultations c on c.id = s.consultation_id
		left join accounts a on a.id = s.author_id
		where s.n <= $5 order by s.created_at, s.id`, cid, parents, all, caller.AccountID, perParent)
	if err != nil {
		return nil, fmt.Errorf("list replies: %w", err)
	}
	subs, err := collectSubmissions(rows)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		out[*sub.ParentID] = append(out[*sub.ParentID], sub)
	}
	return out, nil
}
