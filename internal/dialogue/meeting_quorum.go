package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/poll"
	"github.com/otwarty/otwarty/internal/tally"
)

// Quorum is a meeting's quorum now: voting members present, all voting
// members, the fewest present needed (the body's quorum share of Members,
// by internal/tally), and whether it is reached (never without members).
type Quorum struct {
	Present  int  `json:"present"`
	Members  int  `json:"members"`
	Required int  `json:"required"`
	Reached  bool `json:"reached"`
}

// PresentVoters returns the votes present at meeting meetingID now and the
// number of votes of its body (VotingMembers now). A vote is present when
// any account entitled to cast it is present: a person member themself, an
// organisation member by any of its current delegates (main or substitute);
// a person delegated by two organisations makes both present. Guests,
// observers and public registrants never count. Someone present remotely
// counts only when the body's rule RemoteAttendanceCounts says so. present
// is in VotingMembers' order.
//
// It checks no permission (the votes of a meeting call it after their own
// check); q may be the caller's transaction.
func (s *Service) PresentVoters(ctx context.Context, q db.Querier, meetingID uuid.UUID) (present []poll.VoterKey, members int, err error) {
	present, members, _, err = s.presentVoters(ctx, q, meetingID)
	return present, members, err
}

func (s *Service) presentVoters(ctx context.Context, q db.Querier, meetingID uuid.UUID) ([]poll.VoterKey, int, Rules, error) {
	var bodyID uuid.UUID
	if err := q.QueryRow(ctx, `select owner_id from gatherings where id = $1 and kind = $2`, meetingID, MeetingGatheringKind).
		Scan(&bodyID); err != nil {
		return nil, 0, Rules{}, fmt.Errorf("read meeting: %w", err)
	}
	b, err := load(ctx, q, bodyID, false)
	if err != nil {
		return nil, 0, Rules{}, err
	}
	stays, err := s.meetings.Present(ctx, q, meetingID)
	if err != nil {
		return nil, 0, Rules{}, err
	}
	here := map[uuid.UUID]bool{}
	for _, p := range stays {
		if p.Mode == gathering.InPerson || b.Rules.RemoteAttendanceCounts {
			here[p.AccountID] = true
		}
	}
	voters, err := VotingMembers(ctx, q, bodyID, s.now())
	if err != nil {
		return nil, 0, Rules{}, err
	}
	present := []poll.VoterKey{}
	for _, v := range voters {
		for _, a := range v.Accounts {
			if here[a] {
				present = append(present, v.Key)
				break
			}
		}
	}
	return present, len(voters), b.Rules, nil
}

// Quorum is meeting meetingID's quorum now (PresentVoters against the
// body's quorum share, counted by tally.Decide). It checks no permission.
func (s *Service) Quorum(ctx context.Context, q db.Querier, meetingID uuid.UUID) (*Quorum, error) {
	return s.quorum(ctx, q, meetingID)
}

func (s *Service) quorum(ctx context.Context, q db.Querier, meetingID uuid.UUID) (*Quorum, error) {
	present, members, rules, err := s.presentVoters(ctx, q, meetingID)
	if err != nil {
		return nil, err
	}
	// The quorum of any motion is the quorum of the meeting: tally decides
	// an empty vote of these numbers, and its Invalid means no quorum.
	res, err := tally.Decide(rules.Tally(""), tally.Vote{Members: members, Present: len(present)})
	if err != nil {
		return nil, fmt.Errorf("quorum: %w", err)
	}
	return &Quorum{Present: len(present), Members: members, Required: res.Quorum,
		Reached: members > 0 && res.Outcome != tally.Invalid}, nil
}

// meetingVotesOf returns the votes account may cast in meeting meetingID
// now: its votes in the body (VotesOf) while it is itself present (in
// person, or remotely where the body's rules count remote attendance). An
// account with votes that is not present is FORBIDDEN
// dialogue.vote_not_present; a meeting cancelled or ended refuses every
// cast. The meeting's row is share-locked, so that a departure being
// recorded and a cast wait for each other.
func (s *Service) meetingVotesOf(ctx context.Context, q db.Querier, meetingID, account uuid.UUID) ([]poll.VoterKey, error) {
	var bodyID uuid.UUID
	var ends time.Time
	var cancelled *time.Time
	if err := q.QueryRow(ctx, `select owner_id, ends_at, cancelled_at from gatherings where id = $1 and kind = $2 for share`,
		meetingID, MeetingGatheringKind).Scan(&bodyID, &ends, &cancelled); err != nil {
		return nil, fmt.Errorf("read meeting: %w", err)
	}
	if cancelled != nil {
		return nil, ErrMeetingCancelled
	}
	if !s.now().Before(ends) {
		return nil, ErrMeetingEnded
	}
	votes, err := VotesOf(ctx, q, bodyID, account, s.now())
	if err != nil || len(votes) == 0 {
		return nil, err
	}
	b, err := load(ctx, q, bodyID, false)
	if err != nil {
		return nil, err
	}
	var here bool
	if err := q.QueryRow(ctx, `select exists (select from gathering_presence where gathering_id = $1 and account_id = $2
		and left_at is null and (mode = $3 or $4))`, meetingID, account, gathering.InPerson, b.Rules.RemoteAttendanceCounts).
		Scan(&here); err != nil {
		return nil, fmt.Errorf("read presence: %w", err)
	}
	if !here {
		return nil, errNotPresent
	}
	return voterKeys(votes), nil
}

// meetingElectorate is the electorate of motion motionID's vote in meeting
// meetingID at its close: the body's voting members and those present
// (PresentVoters), with every key that cast counted among both, even if it
// left or its term ended since.
func (s *Service) meetingElectorate(ctx context.Context, q db.Querier, meetingID, motionID uuid.UUID) (poll.Electorate, error) {
	present, _, err := s.PresentVoters(ctx, q, meetingID)
	if err != nil {
		return poll.Electorate{}, err
	}
	var bodyID uuid.UUID
	if err := q.QueryRow(ctx, `select owner_id from gatherings where id = $1`, meetingID).Scan(&bodyID); err != nil {
		return poll.Electorate{}, fmt.Errorf("read meeting: %w", err)
	}
	members, err := VotingMembers(ctx, q, bodyID, s.now())
	if err != nil {
		return poll.Electorate{}, err
	}
	cast, err := castKeys(ctx, q, motionID)
	if err != nil {
		return poll.Electorate{}, err
	}
	return poll.Electorate{Members: len(union(voterKeys(members), cast)), Present: len(union(present, cast))}, nil
}
