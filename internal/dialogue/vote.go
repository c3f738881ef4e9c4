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

// Format of a motion's poll (polls.format): written between meetings. The
// meeting form (a roll call among those present) comes with meetings.
const FormatWritten = "written"

// VoteInput opens the vote of a motion. Written (a deadline) is the only
// form for now; a meeting form will name the meeting.
type VoteInput struct {
	MotionID uuid.UUID
	Deadline time.Time
}

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
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	var pin poll.Input
	err := db.InTx(ctx, m.s.pool, func(tx *db.Tx) error {
		mo, b, err := m.motionFor(ctx, tx, in.MotionID, ActManage, "")
		if err != nil {
			return err
		}
		if err := m.votable(ctx, tx, mo); err != nil {
			return err
		}
		maj := Majority("")
		if mo.Majority != nil {
			maj = *mo.Majority
		}
		pin = poll.Input{Format: FormatWritten, Form: poll.Motion, Rule: b.Rules.Tally(maj),
			AllowChange: b.Rules.VotesChangeableBeforeClose, Deadline: &in.Deadline}
		if pin.Rule.CastingVote {
			chair, err := chairKey(ctx, tx, b.ID, m.s.now())
			if err != nil {
				return err
			}
			if chair == nil {
				pin.Rule.CastingVote = false // no chair to break a tie: a tie rejects
			}
			pin.CastingVoter = chair
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// poll.Open runs its own transaction and locks the motion through the
	// owner hook, which re-checks that it is still votable, marks it voting
	// and tells the voting members (in that transaction).
	if _, err := m.polls.Open(context.WithValue(ctx, openingKey{}, in.Deadline), in.MotionID, pin); err != nil {
		return nil, err
	}
	return loadMotion(ctx, m.s.pool, in.MotionID, "")
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

// openingKey carries the deadline of the vote being opened to the owner
// hook, which tells the voting members.
type openingKey struct{}

// chairKey is the voter key of the body's voting chair at t, if any.
func chairKey(ctx context.Context, q db.Querier, bodyID uuid.UUID, at time.Time) (*poll.VoterKey, error) {
	vs, err := VotingMembers(ctx, q, bodyID, at)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.Role == RoleChair {
			k := voterKeys([]Voter{v})[0]
			return &k, nil
		}
	}
	return nil, nil
}

// CastVote casts the caller's vote on motion id's open vote: for its only
// vote in the body now, or for as (a person delegated by two
// organisations votes twice, once for each). See poll.Service.Cast.
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

// CloseVote closes motion id's vote early ("manage"); its result decides
// the motion.
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

// Live is the running numbers of motion mo's vote.
func (m *Motions) Live(ctx context.Context, mo *Motion) (*poll.Live, error) {
	if mo.PollID == nil {
		return nil, nil
	}
	return m.polls.Live(ctx, *mo.PollID)
}

// RollCall is the full roll call of motion mo's closed vote, published with
// the motion (nil while it is open).
func (m *Motions) RollCall(ctx context.Context, mo *Motion) ([]poll.Vote, error) {
	if mo.PollID == nil {
		return nil, nil
	}
	r, err := m.polls.RollCall(ctx, *mo.PollID)
	if errors.Is(err, poll.ErrNotClosed) {
		return nil, nil
	}
	return r, err
}

// pollOwner is the poll's owner hook: the motion's body. Opening locks the
// motion and re-checks it is votable (Closed), then marks it voting.
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
	if act == poll.ActManage && mo.PollID == nil {
		// Opening: only a votable motion of an active body gets a poll.
		if b.Status != StatusActive {
			o.Closed = ErrDissolved
		} else if o.Closed = m.votable(ctx, tx, mo); o.Closed == nil {
			if _, err := tx.Exec(ctx, `update dialogue_motions set status = 'voting' where id = $1`, mo.ID); err != nil {
				return nil, fmt.Errorf("motion voting: %w", err)
			}
			deadline, _ := ctx.Value(openingKey{}).(time.Time)
			if dtx, ok := tx.(*db.Tx); ok && authz.Can(ctx, ActManage, o.Object) {
				if err := m.notifyOpened(ctx, dtx, b, mo, deadline); err != nil {
					return nil, err
				}
			}
		}
	}
	return o, nil
}

// eligible is the poll's Eligible hook: the caller's votes in the body at
// the cast (a person member; an organisation through its delegate).
func (m *Motions) eligible(ctx context.Context, tx pgx.Tx, p *poll.Poll, account uuid.UUID) ([]poll.VoterKey, error) {
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
// ballots) every voter who cast counts as present (Present 0).
func electorateIn(ctx context.Context, tx pgx.Tx, table string, owner uuid.UUID, now time.Time) (poll.Electorate, error) {
	var bodyID uuid.UUID
	if err := tx.QueryRow(ctx, `select body_id from `+table+` where id = $1`, owner).Scan(&bodyID); err != nil {
		return poll.Electorate{}, fmt.Errorf("poll owner's body: %w", err)
	}
	vs, err := VotingMembers(ctx, tx, bodyID, now)
	if err != nil {
		return poll.Electorate{}, err
	}
	return poll.Electorate{Members: len(vs)}, nil
}

// electorate is the poll's Electorate hook: the body's voting members at
// the close. A written vote has no attendance: every voter who cast counts
// as present (Present 0).
func (m *Motions) electorate(ctx context.Context, tx pgx.Tx, p *poll.Poll) (poll.Electorate, error) {
	return electorateIn(ctx, tx, "dialogue_motions", p.OwnerID, m.s.now())
}

// changed is the poll's Changed hook: when the vote opens its voting
// members are told; when it closes its outcome decides the motion (an
// adopted amendment's text becomes its motion's text) and the body's
// voting members and the tabler are told.
func (m *Motions) changed(ctx context.Context, ptx pgx.Tx, p *poll.Poll) error {
	tx, ok := ptx.(*db.Tx)
	if !ok {
		return fmt.Errorf("dialogue: poll hook outside db.Tx")
	}
	if p.Status != poll.Closed {
		return nil
	}
	mo, err := loadMotion(ctx, tx, p.OwnerID, "for update")
	if err != nil {
		return err
	}
	if mo.Status != MotionVoting {
		return nil // a tie-break or a repeat: decided already
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
	if err := m.answerOpinion(ctx, tx, mo, status, p); err != nil {
		return err
	}
	return m.notifyDecided(ctx, tx, mo, status)
}
