package dialogue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
	"github.com/otwarty/otwarty/internal/poll"
)

// MotionKind is what a motion asks the body to adopt.
type MotionKind string

const (
	// MotionOpinion: an opinion on a city document or a consultation.
	MotionOpinion        MotionKind = "opinion"
	MotionResolution     MotionKind = "resolution"
	MotionRecommendation MotionKind = "recommendation"
	MotionProcedural     MotionKind = "procedural"
)

// Valid reports whether k is one of the kinds.
func (k MotionKind) Valid() bool {
	return k == MotionOpinion || k == MotionResolution || k == MotionRecommendation || k == MotionProcedural
}

// MotionStatus is where a motion stands. A motion is tabled at once (there
// are no drafts: a client keeps an unfinished motion itself); voting while
// its poll is open; adopted, rejected or invalid (no quorum, or its body was
// dissolved while it was voted) when the poll closed; withdrawn by its
// tabler or the chair before any vote.
type MotionStatus string

const (
	MotionTabled    MotionStatus = "tabled"
	MotionVoting    MotionStatus = "voting"
	MotionAdopted   MotionStatus = "adopted"
	MotionRejected  MotionStatus = "rejected"
	MotionInvalid   MotionStatus = "invalid"
	MotionWithdrawn MotionStatus = "withdrawn"
)

// Decided reports whether a vote decided the motion (or it was withdrawn):
// nothing changes after.
func (s MotionStatus) Decided() bool {
	return s == MotionAdopted || s == MotionRejected || s == MotionInvalid || s == MotionWithdrawn
}

// Motion is a motion of a body, or an amendment of one (ParentID set).
type Motion struct {
	ID, BodyID  uuid.UUID
	ParentID    *uuid.UUID
	Kind        MotionKind
	Status      MotionStatus
	Majority    *Majority // nil: the body's default
	TitleTextID uuid.UUID
	// OriginalTextID is the text as tabled; TextID the text in force (an
	// adopted amendment's text replaces it, AmendedBy says which).
	OriginalTextID, TextID uuid.UUID
	ConsultationID         *uuid.UUID
	TabledBy               *uuid.UUID
	// TabledFor is the vote the tabler tabled for; nil: ex officio (the
	// chair or secretary).
	TabledFor   *poll.VoterKey
	TabledAt    time.Time
	AmendedBy   *uuid.UUID
	DecidedAt   *time.Time
	WithdrawnAt *time.Time
	// PollID is the motion's vote, once opened.
	PollID *uuid.UUID
	// MeetingID and AgendaItemID: the meeting (and agenda item) its vote
	// is taken in; nil for a written vote, or before any vote.
	MeetingID, AgendaItemID *uuid.UUID
	// AdoptsAgenda: a procedural motion that adopts MeetingID's agenda
	// (PutAgendaToVote).
	AdoptsAgenda bool
}

// Cursor is m's position in a body's motions.
func (m *Motion) Cursor() string {
	return page.Cursor("dialogue_motions", page.Key{At: m.TabledAt, ID: m.ID})
}

// VoteObjectType is a body's votes as an authorization object: "table"
// (the chair and secretary, ex officio) and "manage" (open and close
// votes: the chair, secretary, the unit's officials, coordinators, admins).
const VoteObjectType = "body_vote"

// Actions on VoteObjectType.
const (
	ActTable  = "table"
	ActManage = "manage"
)

// PollKind is the kind of the polls that decide motions.
const PollKind = "body_motion"

// Motions is the motions of bodies and their votes, on the one voting
// mechanism (internal/poll).
type Motions struct {
	s     *Service
	polls *poll.Service
	// Consultation says whether the caller may see a consultation (its
	// service's read rule); nil refuses every link.
	Consultation func(ctx context.Context, id uuid.UUID) error
}

// NewMotions returns the motions of s's bodies; box holds secret ballots.
// Register the poll worker with poll.Register(workers, log, m.Polls()).
func NewMotions(s *Service, box *ballotbox.Box, log *slog.Logger) *Motions {
	m := &Motions{s: s}
	// Dissolving a body closes its open votes without a decision.
	s.dissolving = append(s.dissolving, m.voidVotes)
	m.polls = poll.New(s.pool, s.river, box, log, func() time.Time { return s.now() }, poll.Config{
		Kind: PollKind, Owner: m.pollOwner, Eligible: m.eligible, Electorate: m.electorate, Changed: m.changed,
	})
	return m
}

// Polls is the poll service of motions (for poll.Register).
func (m *Motions) Polls() *poll.Service { return m.polls }

// Errors of motions.
var (
	errMotionKind       = apperr.Invalid("kind", "dialogue.motion_kind_invalid")
	errConsultation     = apperr.Invalid("consultationId", "dialogue.consultation_invalid")
	errConsultationKind = apperr.Invalid("consultationId", "dialogue.consultation_opinion_only")
	ErrMotionDecided    = apperr.New(apperr.PhaseClosed, "dialogue.motion_decided")
	ErrMotionVoting     = apperr.New(apperr.PhaseClosed, "dialogue.motion_voting")
	ErrAmendmentsOpen   = apperr.New(apperr.Conflict, "dialogue.amendments_open")
	errAmendAmendment   = apperr.Invalid("motionId", "dialogue.amend_amendment")
	errNotVoter         = apperr.New(apperr.Forbidden, "dialogue.not_voter")
	errVoterAmbiguous   = apperr.Invalid("as", "poll.voter_ambiguous")
	errAmendmentNoVotes = apperr.New(apperr.Conflict, "dialogue.amendment_parent_voting")
)

// TableInput is a new motion (or amendment, with ParentID).
type TableInput struct {
	BodyID   uuid.UUID
	ParentID *uuid.UUID
	Kind     MotionKind
	Title    i18n.Input
	Text     i18n.Input
	Majority *Majority
	// ConsultationID links an opinion to a consultation the caller sees.
	ConsultationID *uuid.UUID
	// As is the vote tabled for when the caller holds several.
	As *poll.VoterKey
}

const motionColumns = `m.id, m.body_id, m.parent_id, m.kind, m.status, m.majority, m.title_text_id, m.original_text_id,
	m.text_id, m.consultation_id, m.tabled_by, m.tabled_for_kind, m.tabled_for_id, m.tabled_at, m.amended_by, m.decided_at,
	m.withdrawn_at, (select p.id from polls p where p.kind = 'body_motion' and p.owner_id = m.id), m.meeting_id, m.agenda_item_id,
	m.adopts_agenda`

func scanMotion(row pgx.Row) (*Motion, error) {
	var m Motion
	var forKind *string
	var forID *uuid.UUID
	if err := row.Scan(&m.ID, &m.BodyID, &m.ParentID, &m.Kind, &m.Status, &m.Majority, &m.TitleTextID, &m.OriginalTextID,
		&m.TextID, &m.ConsultationID, &m.TabledBy, &forKind, &forID, &m.TabledAt, &m.AmendedBy, &m.DecidedAt, &m.WithdrawnAt,
		&m.PollID, &m.MeetingID, &m.AgendaItemID, &m.AdoptsAgenda); err != nil {
		return nil, err
	}
	if forKind != nil && forID != nil {
		m.TabledFor = &poll.VoterKey{Kind: *forKind, ID: *forID}
	}
	return &m, nil
}

func loadMotion(ctx context.Context, q db.Querier, id uuid.UUID, lock string) (*Motion, error) {
	m, err := scanMotion(q.QueryRow(ctx, `select `+motionColumns+` from dialogue_motions m where m.id = $1 `+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load motion: %w", err)
	}
	return m, nil
}

// voteObject is the body's votes as an authorization object for a caller.
func (b *Body) voteObject(memberNow bool) authz.Object {
	o := b.object(memberNow)
	o.Type = VoteObjectType
	return o
}

// motionFor loads motion id (locked as lock) and its body (locked for
// share, so that membership changes wait), NOT_FOUND when the caller may
// not see the body; the body's votes object decides act (Read: nothing).
func (m *Motions) motionFor(ctx context.Context, q db.Querier, id uuid.UUID, act, lock string) (*Motion, *Body, error) {
	var mo *Motion
	b, err := authz.For(ctx, act, func() (*Body, authz.Object, bool, error) {
		var err error
		if mo, err = loadMotion(ctx, q, id, lock); err != nil {
			return nil, authz.Object{}, false, err
		}
		b, obj, visible, err := m.bodyView(ctx, q, mo.BodyID)
		return b, obj, visible, err
	})
	if err != nil {
		return nil, nil, err
	}
	return mo, b, nil
}

// bodyView reads body id and says whether the caller may see it, with its
// votes object.
func (m *Motions) bodyView(ctx context.Context, q db.Querier, id uuid.UUID) (*Body, authz.Object, bool, error) {
	b, err := load(ctx, q, id, false)
	if err != nil {
		return nil, authz.Object{}, false, err
	}
	member, err := m.s.memberNow(ctx, q, id)
	if err != nil {
		return nil, authz.Object{}, false, err
	}
	b.viewerMember = &member
	return b, b.voteObject(member), authz.Can(ctx, ActRead, b.object(member)), nil
}

// tabler is the vote the caller tables for: one of its votes in the body
// now (as, when it holds several), or none for the chair or secretary
// tabling ex officio. Anyone else is FORBIDDEN.
func (m *Motions) tabler(ctx context.Context, q db.Querier, b *Body, as *poll.VoterKey) (*poll.VoterKey, error) {
	account := authz.SubjectFrom(ctx).AccountID
	votes, err := VotesOf(ctx, q, b.ID, account, m.s.now())
	if err != nil {
		return nil, err
	}
	if len(votes) > 0 {
		key, err := pickVote(voterKeys(votes), as)
		return &key, err
	}
	if as == nil && authz.Can(ctx, ActTable, b.voteObject(*b.viewerMember)) {
		return nil, nil
	}
	return nil, errNotVoter
}

// voterKeys are the keys of votes.
func voterKeys(vs []Voter) []poll.VoterKey {
	keys := make([]poll.VoterKey, 0, len(vs))
	for _, v := range vs {
		keys = append(keys, v.Key)
	}
	return keys
}

// Table tables a motion in an active body, or an amendment of a tabled
// motion (ParentID): by a voting member now (a person, or a delegate for
// their organisation: As names which when several), or ex officio by the
// chair or secretary. The title and text are texts in their author's
// language. Audited.
func (m *Motions) Table(ctx context.Context, in TableInput) (*Motion, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	actor := authz.SubjectFrom(ctx).AccountID
	var id uuid.UUID
	err := db.InTx(ctx, m.s.pool, func(tx *db.Tx) error {
		bodyID := in.BodyID
		var parent *Motion
		if in.ParentID != nil {
			var err error
			if parent, _, err = m.motionFor(ctx, tx, *in.ParentID, authz.Read, "for update"); err != nil {
				return err
			}
			if parent.ParentID != nil {
				return errAmendAmendment
			}
			bodyID = parent.BodyID
			in.Kind = parent.Kind
		}
		b, err := authz.For(ctx, authz.Read, func() (*Body, authz.Object, bool, error) { return m.bodyView(ctx, tx, bodyID) })
		if err != nil {
			return err
		}
		if b.Status != StatusActive {
			return ErrDissolved
		}
		tabledFor, err := m.tabler(ctx, tx, b, in.As)
		if err != nil {
			return err
		}
		if parent != nil {
			if parent.Status == MotionVoting {
				return ErrMotionVoting
			}
			if parent.Status != MotionTabled {
				return ErrMotionDecided
			}
		}
		if !in.Kind.Valid() {
			return errMotionKind
		}
		if in.Majority != nil && !in.Majority.Valid() {
			return errMajority
		}
		if err := in.Title.Check("title", keyTextRequired); err != nil {
			return err
		}
		if err := in.Text.Check("text", keyTextRequired); err != nil {
			return err
		}
		// Only an opinion is about a consultation (only opinions answer
		// requests); an amendment is about its motion and carries no link.
		if in.ConsultationID != nil && (in.Kind != MotionOpinion || parent != nil) {
			return errConsultationKind
		}
		if in.ConsultationID != nil && (m.Consultation == nil || m.Consultation(ctx, *in.ConsultationID) != nil) {
			return errConsultation
		}
		domains := textDomains(b.ID, b.UnitID)
		title, err := i18n.CreateText(ctx, tx, in.Title.Locale, strings.TrimSpace(in.Title.Text), actor, domains)
		if err != nil {
			return err
		}
		text, err := i18n.CreateText(ctx, tx, in.Text.Locale, strings.TrimSpace(in.Text.Text), actor, domains)
		if err != nil {
			return err
		}
		var forKind *string
		var forID *uuid.UUID
		if tabledFor != nil {
			forKind, forID = &tabledFor.Kind, &tabledFor.ID
		}
		if err := tx.QueryRow(ctx, `insert into dialogue_motions (body_id, parent_id, kind, majority, title_text_id,
				original_text_id, text_id, consultation_id, tabled_by, tabled_for_kind, tabled_for_id, tabled_at)
			values ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11) returning id`,
			b.ID, in.ParentID, in.Kind, in.Majority, title, text, in.ConsultationID, actor, forKind, forID, m.s.now()).Scan(&id); err != nil {
			return fmt.Errorf("insert motion: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.motion_table", ObjectType: "dialogue_motion",
			ObjectID: id.String(), Data: map[string]any{"body_id": b.ID, "parent_id": in.ParentID, "kind": in.Kind}})
	})
	if err != nil {
		return nil, err
	}
	return loadMotion(ctx, m.s.pool, id, "")
}

// Withdraw withdraws a tabled motion (or amendment): its tabler, or who
// manages the body's votes. A motion being voted or decided is PHASE_CLOSED.
// Its undecided amendments are withdrawn with it. Audited.
func (m *Motions) Withdraw(ctx context.Context, id uuid.UUID) (*Motion, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, m.s.pool, func(tx *db.Tx) error {
		mo, b, err := m.motionFor(ctx, tx, id, authz.Read, "for update")
		if err != nil {
			return err
		}
		if !m.mayWithdraw(ctx, mo, b) {
			return apperr.ErrForbidden
		}
		if mo.Status == MotionVoting {
			return ErrMotionVoting
		}
		if mo.Status != MotionTabled {
			return ErrMotionDecided
		}
		if _, err := tx.Exec(ctx, `update dialogue_motions set status = 'withdrawn', withdrawn_at = $2
			where (id = $1 or parent_id = $1) and status = 'tabled'`, id, m.s.now()); err != nil {
			return fmt.Errorf("withdraw motion: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.motion_withdraw", ObjectType: "dialogue_motion",
			ObjectID: id.String()})
	})
	if err != nil {
		return nil, err
	}
	return loadMotion(ctx, m.s.pool, id, "")
}

func (m *Motions) mayWithdraw(ctx context.Context, mo *Motion, b *Body) bool {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return false
	}
	if mo.TabledBy != nil && *mo.TabledBy == sub.AccountID {
		return true
	}
	return authz.Can(ctx, ActManage, b.voteObject(b.viewerMember != nil && *b.viewerMember))
}

// Motion returns motion id if the caller may see its body.
func (m *Motions) Motion(ctx context.Context, id uuid.UUID) (*Motion, error) {
	mo, _, err := m.motionFor(ctx, m.s.pool, id, authz.Read, "")
	return mo, err
}

// MotionFilter narrows a body's motions; nil fields match all.
type MotionFilter struct {
	Status *MotionStatus
	Kind   *MotionKind
	// Amendments: false (the default) lists motions only.
	Amendments bool
}

// List returns the motions of a body the caller sees (newest first), or
// the amendments of motion parent when parent is set.
func (m *Motions) List(ctx context.Context, bodyID uuid.UUID, parent *uuid.UUID, f MotionFilter, first int, after string) (page.Page[*Motion], error) {
	var none page.Page[*Motion]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	more, err := page.After("dialogue_motions", after, &cur)
	if err != nil {
		return none, err
	}
	if _, err := authz.For(ctx, authz.Read, func() (*Body, authz.Object, bool, error) { return m.bodyView(ctx, m.s.pool, bodyID) }); err != nil {
		return none, err
	}
	where := `m.body_id = $1 and ($2::text is null or m.status = $2) and ($3::text is null or m.kind = $3)
		and (($4::uuid is null and m.parent_id is null) or m.parent_id = $4)`
	args := []any{bodyID, f.Status, f.Kind, parent}
	var total int
	if err := m.s.pool.QueryRow(ctx, `select count(*) from dialogue_motions m where `+where, args...).Scan(&total); err != nil {
		return none, fmt.Errorf("count motions: %w", err)
	}
	q := `select ` + motionColumns + ` from dialogue_motions m where ` + where
	if more {
		q += ` and (m.tabled_at, m.id) < ($5, $6)`
		args = append(args, cur.At, cur.ID)
	}
	q += fmt.Sprintf(` order by m.tabled_at desc, m.id desc limit %d`, first+1)
	rows, err := m.s.pool.Query(ctx, q, args...)
	if err != nil {
		return none, fmt.Errorf("list motions: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Motion, error) { return scanMotion(r) })
	if err != nil {
		return none, fmt.Errorf("list motions: %w", err)
	}
	return page.Of(list, first, total), nil
}

// MotionActions are what the caller may do with a motion now (viewerCan),
// by the checks that enforce them.
type MotionActions struct {
	Withdraw, ProposeAmendment, OpenVote, CloseVote, Cast bool
}

// Actions returns what the caller may do with motion mo now: OpenVote
// when it may be put to a vote (in writing at least; a vote in a meeting
// also needs the meeting in progress), Cast when the caller holds a vote
// the poll would take now (present, in a meeting) that has not voted, or
// may still change it.
func (m *Motions) Actions(ctx context.Context, mo *Motion) (MotionActions, error) {
	d, err := m.Details(ctx, []uuid.UUID{mo.ID})
	if err != nil || d[mo.ID] == nil {
		return MotionActions{}, err
	}
	return d[mo.ID].Actions, nil
}

// refusedOnly is true for a check that passed, false for one that refused
// (a domain error); anything else is an error.
func refusedOnly(err error) (bool, error) {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return false, nil
	}
	return err == nil, err
}
