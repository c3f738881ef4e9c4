package dialogue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/poll"
)

// Formats of a motion's poll (polls.format).
const (
	// FormatWritten: a written electronic vote between meetings, with a
	// deadline, among the body's voting members.
	FormatWritten = "written"
	// FormatMeeting: a vote in a meeting in progress among the voting
	// members present (meeting_vote.go): a roll call, or a secret vote.
	FormatMeeting = "meeting"
)

// VoteInput opens the written vote of a motion until Deadline.
type VoteInput struct {
	MotionID uuid.UUID
	Deadline time.Time
}

// opening is how a motion's vote is being opened: carried to the poll's
// owner hook, which marks the motion voting in the opening's transaction.
type opening struct {
	format   string
	deadline time.Time
	// A meeting vote's meeting, agenda item and secrecy.
	meetingID uuid.UUID
	itemID    *uuid.UUID
	secret    bool
}

type openingKey struct{}

// OpenWrittenVote opens a written electronic vote on a tabled motion (or
// amendment) until deadline ("manage" the body's votes: the chair,
// secretary, the unit's officials, coordinators, admins). The amendments
// of a motion are decided first (CONFLICT dialogue.amendments_open), and an
// amendment is voted while its motion is tabled. The motion's majority (or
// the body's) decides through Rules.Tally; the chair's casting vote breaks
// a tie when the rules say so and the body has a voting chair; votes may be
// changed before the close when the rules allow it. Voting members are
// notified in their language.
func (m *Motions) OpenWrittenVote(ctx context.Context, in VoteInput) (*Motion, error) {
	return m.openVote(ctx, in.MotionID, opening{format: FormatWritten, deadline: in.Deadline}, nil)
}

// openVote opens motion id's vote as o says, in one transaction: check
// (when set) runs after the caller's right and the motion's state are
// checked, and may complete o (a meeting vote's deadline is its meeting's
// end). See OpenWrittenVote and OpenMeetingVote.
func (m *Motions) openVote(ctx context.Context, id uuid.UUID, o opening, check func(tx *db.Tx, b *Body, mo *Motion, o *opening) error) (*Motion, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	err := db.InTx(ctx, m.s.pool, func(tx *db.Tx) error { return m.openVoteTx(ctx, tx, id, o, check) })
	if err != nil {
		return nil, err
	}
	return loadMotion(ctx, m.s.pool, id, "")
}

// openVoteTx is openVote in the caller's transaction.
func (m *Motions) openVoteTx(ctx context.Context, tx *db.Tx, id uuid.UUID, o opening, check func(tx *db.Tx, b *Body, mo *Motion, o *opening) error) error {
	mo, b, err := m.motionFor(ctx, tx, id, ActManage, "")
	if err != nil {
		return err
	}
	if b.Status != StatusActive {
		return ErrDissolved
	}
	if err := m.votable(ctx, tx, mo); err != nil {
		return err
	}
	if check != nil {
		if err := check(tx, b, mo, &o); err != nil {
			return err
		}
	}
	pin, err := m.pollInput(ctx, tx, b, mo, o)
	if err != nil {
		return err
	}
	// The owner hook locks the motion, re-checks that it is still votable,
	// marks it voting and tells the members (or the meeting).
	_, err = m.polls.OpenTx(context.WithValue(ctx, openingKey{}, o), tx, id, pin)
	return err
}

// pollInput is the poll that decides mo in body b: the motion's majority
// (or the body's) through Rules.Tally; the chair's casting vote when the
// rules say so and the body has a voting chair (never in a secret vote,
// where the chair's vote is unknown: a tie rejects); changes before the
// close when the rules allow them (never in a secret vote).
func (m *Motions) pollInput(ctx context.Context, q db.Querier, b *Body, mo *Motion, o opening) (poll.Input, error) {
	maj := Majority("")
	if mo.Majority != nil {
		maj = *mo.Majority
	}
	pin := poll.Input{Format: o.format, Form: poll.Motion, Rule: b.Rules.Tally(maj), Secret: o.secret,
		AllowChange: b.Rules.VotesChangeableBeforeClose && !o.secret, Deadline: &o.deadline}
	if o.secret {
		pin.Rule.CastingVote = false
	}
	if pin.Rule.CastingVote {
		chair, err := chairKey(ctx, q, b.ID, m.s.now())
		if err != nil {
			return pin, err
		}
		if chair == nil {
			pin.Rule.CastingVote = false // no chair to break a tie: a tie rejects
		}
		pin.CastingVoter = chair
	}
	return pin, nil
}

// votable refuses a vote on mo unless it is tabled, its amendments are
// decided, and (for an amendment) its motion is still tabled.
func (m *Motions) votable(ctx context.Context, q db.Querier, mo *Motion) error {
	if mo.Status == MotionVoting {
		return ErrMotionVoting
	}
	if mo.Status != MotionTabled {
		return ErrMotionDecided
	}
	var open bool
	if err := q.QueryRow(ctx, `select exists (select 1 from dialogue_motions where parent_id = $1 and status in ('tabled', 'voting'))`,
		mo.ID).Scan(&open); err != nil {
		return fmt.Errorf("read amendments: %w", err)
	}
	if open {
		return ErrAmendmentsOpen
	}
	if mo.ParentID != nil {
		var st MotionStatus
		if err := q.QueryRow(ctx, `select status from dialogue_motions where id = $1`, *mo.ParentID).Scan(&st); err != nil {
			return fmt.Errorf("read motion: %w", err)
		}
		if st != MotionTabled {
			return errAmendmentNoVotes
		}
	}
	return nil
}

// chairKey is the voter key of the body's voting chair at t, if any.
func chairKey(ctx context.Context, q db.Querier, bodyID uuid.UUID, at time.Time) (*poll.VoterKey, error) {
	vs, err := VotingMembers(ctx, q, bodyID, at)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.Role == RoleChair {
			k := v.Key
			return &k, nil
		}
	}
	return nil, nil
}

// CastVote casts the caller's vote on motion id's open vote: for its only
// vote in the body now, or for as (a person delegated by two
// organisations votes twice, once for each). In a meeting, only votes
// present at it (meeting_vote.go). See poll.Service.Cast.
func (m *Motions) CastVote(ctx context.Context, id uuid.UUID, as *poll.VoterKey, choice poll.Choice) (poll.Receipt, error) {
	pollID, err := m.pollOf(ctx, id)
	if err != nil {
		return poll.Receipt{}, err
	}
	in := poll.CastInput{Choice: choice}
	if as != nil {
		in.As = *as
	}
	return m.polls.Cast(ctx, pollID, in)
}

// CloseVote closes motion id's vote ("manage": before its deadline, or, in
// a meeting, when the chair calls it); its result decides the motion. A
// closed vote does not reopen (PHASE_CLOSED poll.closed).
func (m *Motions) CloseVote(ctx context.Context, id uuid.UUID) (*Motion, error) {
	pollID, err := m.pollOf(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := m.polls.Close(ctx, pollID); err != nil {
		return nil, err
	}
	return loadMotion(ctx, m.s.pool, id, "")
}

// pollOf is the poll of motion id the caller sees; NOT_FOUND without one
// (PHASE_CLOSED dialogue.motion_not_voting for a motion not put to a vote).
func (m *Motions) pollOf(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return uuid.Nil, apperr.ErrUnauthenticated
	}
	mo, err := m.Motion(ctx, id)
	if err != nil {
		return uuid.Nil, err
	}
	if mo.PollID == nil {
		return uuid.Nil, ErrNotVoting
	}
	return *mo.PollID, nil
}

// ErrNotVoting: the motion has not been put to a vote.
var ErrNotVoting = apperr.New(apperr.PhaseClosed, "dialogue.motion_not_voting")

// Vote is motion mo's poll (nil before it is opened), as the caller sees it.
func (m *Motions) Vote(ctx context.Context, mo *Motion) (*poll.Poll, error) {
	if mo.PollID == nil {
		return nil, nil
	}
	return m.polls.Get(ctx, *mo.PollID)
}

// Result of motion mo's closed vote (nil while it is open).
func (m *Motions) Result(ctx context.Context, mo *Motion) (*poll.Result, error) {
	if mo.PollID == nil {
		return nil, nil
	}
	r, err := m.polls.Result(ctx, *mo.PollID)
	if errors.Is(err, poll.ErrNotClosed) {
		return nil, nil
	}
	return r, err
}

// Live is the running numbers of motion mo's vote (a secret vote: how many
// have voted until it closes, then its totals).
func (m *Motions) Live(ctx context.Context, mo *Motion) (*poll.Live, error) {
	if mo.PollID == nil {
		return nil, nil
	}
	return m.polls.Live(ctx, *mo.PollID)
}

// RollCall is the full roll call of motion mo's closed vote, published with
// the motion (nil while it is open, and for a secret vote, which has none).
func (m *Motions) RollCall(ctx context.Context, mo *Motion) ([]poll.Vote, error) {
	if mo.PollID == nil {
		return nil, nil
	}
	r, err := m.polls.RollCall(ctx, *mo.PollID)
	if errors.Is(err, poll.ErrNotClosed) || errors.Is(err, poll.ErrSecret) {
		return nil, nil
	}
	return r, err
}

// pollOwner is the poll's owner hook: the motion's body. Opening locks the
// motion and re-checks it is votable (Closed), then marks it voting in the
// opening's form (openVote) and tells whom the form tells.
func (m *Motions) pollOwner(ctx context.Context, tx pgx.Tx, ownerID uuid.UUID, act poll.Act) (*poll.Owner, error) {
	lock := "for share"
	if act == poll.ActManage {
		lock = "for update"
	}
	mo, err := loadMotion(ctx, tx, ownerID, lock)
	if err != nil {
		return nil, err
	}
	b, _, visible, err := m.bodyView(ctx, tx, mo.BodyID)
	if err != nil {
		return nil, err
	}
	o := &poll.Owner{Visible: visible, Object: b.voteObject(*b.viewerMember)}
	if act != poll.ActManage || mo.PollID != nil {
		return o, nil
	}
	// Opening: only a votable motion of an active body gets a poll, and
	// only the way openVote opens it.
	op, ok := ctx.Value(openingKey{}).(opening)
	switch {
	case !ok:
		o.Closed = ErrNotVoting
	case b.Status != StatusActive:
		o.Closed = ErrDissolved
	default:
		o.Closed = m.votable(ctx, tx, mo)
	}
	if o.Closed != nil || !authz.Can(ctx, ActManage, o.Object) {
		return o, nil
	}
	dtx, ok := tx.(*db.Tx)
	if !ok {
		return nil, fmt.Errorf("dialogue: poll hook outside db.Tx")
	}
	var meeting *uuid.UUID
	if op.format == FormatMeeting {
		meeting = &op.meetingID
	}
	if _, err := tx.Exec(ctx, `update dialogue_motions set status = 'voting', meeting_id = $2, agenda_item_id = $3 where id = $1`,
		mo.ID, meeting, op.itemID); err != nil {
		return nil, fmt.Errorf("motion voting: %w", err)
	}
	if op.format == FormatMeeting {
		// Those present follow it live; nobody is sent a notice.
		mo.Status, mo.MeetingID = MotionVoting, meeting
		return o, m.publishOpened(ctx, dtx, mo, op.secret)
	}
	return o, m.notifyOpened(ctx, dtx, b, mo, op.deadline)
}

// eligible is the poll's Eligible hook: the caller's votes in the body at
// the cast (a person member; an organisation through its delegate); in a
// meeting, only while the caller is present (meetingVotesOf).
func (m *Motions) eligible(ctx context.Context, tx pgx.Tx, p *poll.Poll, account uuid.UUID) ([]poll.VoterKey, error) {
	if p.Format == FormatMeeting {
		meetingID, err := motionMeeting(ctx, tx, p.OwnerID)
		if err != nil {
			return nil, err
		}
		return m.s.meetingVotesOf(ctx, tx, meetingID, account)
	}
	return eligibleIn(ctx, tx, "dialogue_motions", p.OwnerID, account, m.s.now())
}

// eligibleIn is a poll's Eligible hook for an owner in table (motions,
// elections) with a body_id: the account's votes in the body at now.
func eligibleIn(ctx context.Context, tx pgx.Tx, table string, owner, account uuid.UUID, now time.Time) ([]poll.VoterKey, error) {
	var bodyID uuid.UUID
	if err := tx.QueryRow(ctx, `select body_id from `+table+` where id = $1`, owner).Scan(&bodyID); err != nil {
		return nil, fmt.Errorf("poll owner's body: %w", err)
	}
	vs, err := VotesOf(ctx, tx, bodyID, account, now)
	if err != nil {
		return nil, err
	}
	return voterKeys(vs), nil
}

// electorateIn is a poll's Electorate hook for an owner in table: the
// body's voting members at now. Without attendance (written votes, secret
// ballots) every voter who cast counts as present (Present 0). A vote cast
// by a member whose term has ended since (or by a body dissolved since) is
// still one of the members it was cast among.
func electorateIn(ctx context.Context, tx pgx.Tx, table string, owner uuid.UUID, now time.Time) (poll.Electorate, error) {
	var bodyID uuid.UUID
	if err := tx.QueryRow(ctx, `select body_id from `+table+` where id = $1`, owner).Scan(&bodyID); err != nil {
		return poll.Electorate{}, fmt.Errorf("poll owner's body: %w", err)
	}
	vs, err := VotingMembers(ctx, tx, bodyID, now)
	if err != nil {
		return poll.Electorate{}, err
	}
	cast, err := castKeys(ctx, tx, owner)
	if err != nil {
		return poll.Electorate{}, err
	}
	return poll.Electorate{Members: len(union(voterKeys(vs), cast))}, nil
}

// castKeys are the voter keys that have voted in the poll of owner (its
// roll call, or the "has voted" markers of a secret poll).
func castKeys(ctx context.Context, q db.Querier, owner uuid.UUID) ([]poll.VoterKey, error) {
	rows, err := q.Query(ctx, `select v.voter_kind, v.voter_id from poll_votes v join polls p on p.id = v.poll_id where p.owner_id = $1
		union select k.voter_kind, k.voter_id from poll_markers k join polls p on p.id = k.poll_id where p.owner_id = $1`, owner)
	if err != nil {
		return nil, fmt.Errorf("read voters: %w", err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (poll.VoterKey, error) {
		var k poll.VoterKey
		return k, r.Scan(&k.Kind, &k.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("read voters: %w", err)
	}
	return keys, nil
}

// union is a's keys, then b's not in a.
func union(a, b []poll.VoterKey) []poll.VoterKey {
	seen := map[poll.VoterKey]bool{}
	out := make([]poll.VoterKey, 0, len(a)+len(b))
	for _, list := range [][]poll.VoterKey{a, b} {
		for _, k := range list {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// electorate is the poll's Electorate hook at the close: the body's voting
// members; in a meeting, those of them present (meetingElectorate), else
// every voter who cast counts as present (a written vote).
func (m *Motions) electorate(ctx context.Context, tx pgx.Tx, p *poll.Poll) (poll.Electorate, error) {
	if p.Format == FormatMeeting {
		meetingID, err := motionMeeting(ctx, tx, p.OwnerID)
		if err != nil {
			return poll.Electorate{}, err
		}
		return m.s.meetingElectorate(ctx, tx, meetingID, p.OwnerID)
	}
	return electorateIn(ctx, tx, "dialogue_motions", p.OwnerID, m.s.now())
}

// changed is the poll's Changed hook. In a meeting, every cast and the
// close go to the meeting's live stream with the vote's numbers. When the
// vote closes its outcome decides the motion: an adopted amendment's text
// becomes its motion's text, an adopted agenda motion adopts its meeting's
// agenda; the voting members and the tabler of a written vote's motion are
// told, and the tabler of a meeting's (those present saw it).
func (m *Motions) changed(ctx context.Context, ptx pgx.Tx, p *poll.Poll) error {
	tx, ok := ptx.(*db.Tx)
	if !ok {
		return fmt.Errorf("dialogue: poll hook outside db.Tx")
	}
	if p.Status != poll.Closed {
		if p.Format != FormatMeeting {
			return nil
		}
		mo, err := loadMotion(ctx, tx, p.OwnerID, "")
		if err != nil {
			return err
		}
		return m.publishTally(ctx, tx, p, mo)
	}
	mo, err := loadMotion(ctx, tx, p.OwnerID, "for update")
	if err != nil {
		return err
	}
	if mo.Status != MotionVoting {
		return nil // decided already
	}
	status := map[poll.Outcome]MotionStatus{poll.Adopted: MotionAdopted, poll.Rejected: MotionRejected}[p.Outcome]
	if status == "" {
		status = MotionInvalid
	}
	now := m.s.now()
	if _, err := tx.Exec(ctx, `update dialogue_motions set status = $2, decided_at = $3 where id = $1`, mo.ID, status, now); err != nil {
		return fmt.Errorf("decide motion: %w", err)
	}
	if status == MotionAdopted && mo.ParentID != nil {
		if _, err := tx.Exec(ctx, `update dialogue_motions set text_id = $2, amended_by = $3 where id = $1`,
			*mo.ParentID, mo.TextID, mo.ID); err != nil {
			return fmt.Errorf("amend motion: %w", err)
		}
	}
	if status == MotionAdopted && mo.AdoptsAgenda && mo.MeetingID != nil {
		if err := m.s.AdoptAgendaTx(ctx, tx, *mo.MeetingID); err != nil {
			return err
		}
	}
	if err := m.answerOpinion(ctx, tx, mo, status, p); err != nil {
		return err
	}
	mo.Status = status
	if p.Format == FormatMeeting {
		if err := m.publishTally(ctx, tx, p, mo); err != nil {
			return err
		}
		return m.notifyDecided(ctx, tx, mo, status, false)
	}
	return m.notifyDecided(ctx, tx, mo, status, true)
}
