package poll

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
)

// Totals are the votes counted so far: per choice of a motion, per
// candidate of an election, and the ballots (votes) in all.
type Totals struct {
	Ballots          int
	Yes, No, Abstain int
	Candidates       map[uuid.UUID]int
	Blank            int
}

// Live is what a live stream shows of a poll. An open poll shows its
// running totals; a secret one shows only how many have voted until it
// closes (its ballots are still sealed, and totals moving vote by vote
// would tell who voted what), then its totals.
type Live struct {
	PollID  uuid.UUID
	Status  Status
	Outcome Outcome
	// Voters is how many voter keys have voted.
	Voters int
	// Totals is nil for a secret poll while it is open.
	Totals *Totals
}

// Live returns poll id's live numbers (who may see the owner).
func (s *Service) Live(ctx context.Context, id uuid.UUID) (*Live, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.live(ctx, s.pool, p)
}

// LiveTx is p's live numbers read in q (the domain's transaction, e.g. in
// its Changed hook, so that they include the change being made). It checks
// no visibility.
func (s *Service) LiveTx(ctx context.Context, q db.Querier, p *Poll) (*Live, error) {
	return s.live(ctx, q, p)
}

// Voted says which of keys have voted in p: the roll call of an open poll,
// the "has voted" markers of a secret one (who voted, never how). It checks
// no visibility: the domain asks about its caller's own keys.
func (s *Service) Voted(ctx context.Context, q db.Querier, p *Poll, keys []VoterKey) (map[VoterKey]bool, error) {
	out := map[VoterKey]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	table := "poll_votes"
	if p.Secret {
		table = "poll_markers"
	}
	kinds, ids := make([]string, len(keys)), make([]uuid.UUID, len(keys))
	for i, k := range keys {
		kinds[i], ids[i] = k.Kind, k.ID
	}
	rows, err := q.Query(ctx, `select v.voter_kind, v.voter_id from `+table+` v
		join unnest($2::text[], $3::uuid[]) k(kind, id) on k.kind = v.voter_kind and k.id = v.voter_id
		where v.poll_id = $1`, p.ID, kinds, ids)
	if err != nil {
		return nil, fmt.Errorf("read voters: %w", err)
	}
	var k VoterKey
	if _, err := pgx.ForEachRow(rows, []any{&k.Kind, &k.ID}, func() error { out[k] = true; return nil }); err != nil {
		return nil, fmt.Errorf("read voters: %w", err)
	}
	return out, nil
}

func (s *Service) live(ctx context.Context, q db.Querier, p *Poll) (*Live, error) {
	l := &Live{PollID: p.ID, Status: p.Status, Outcome: p.Outcome}
	table := "poll_votes"
	if p.Secret {
		table = "poll_markers"
	}
	if err := q.QueryRow(ctx, `select count(*) from `+table+` where poll_id = $1`, p.ID).Scan(&l.Voters); err != nil {
		return nil, fmt.Errorf("count voters: %w", err)
	}
	if p.Secret && p.Status == Open {
		return l, nil
	}
	t, err := s.totals(ctx, q, p)
	if err != nil {
		return nil, err
	}
	l.Totals = &t
	return l, nil
}

// Vote is one entry of an open poll's roll call.
type Vote struct {
	Voter  VoterKey
	Choice Choice
	// CastBy is the account that cast it (the delegate, for an
	// organisation); zero when the account is gone.
	CastBy uuid.UUID
	CastAt time.Time
}

// ErrSecret: a secret poll has no roll call.
var ErrSecret = apperr.New(apperr.Forbidden, "poll.secret")

// RollCall is the roll call of closed open poll id (who may see the owner),
// published with its result: every voter key's final vote, by kind and id.
// PHASE_CLOSED poll.not_closed while it is open; FORBIDDEN poll.secret for a
// secret poll.
func (s *Service) RollCall(ctx context.Context, id uuid.UUID) ([]Vote, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Secret {
		return nil, ErrSecret
	}
	if p.Status != Closed {
		return nil, ErrNotClosed
	}
	rows, err := s.pool.Query(ctx, `select voter_kind, voter_id, choice, coalesce(cast_by, '00000000-0000-0000-0000-000000000000'),
		cast_at from poll_votes where poll_id = $1 order by voter_kind, voter_id`, id)
	if err != nil {
		return nil, fmt.Errorf("roll call: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Vote, error) {
		var v Vote
		return v, r.Scan(&v.Voter.Kind, &v.Voter.ID, &v.Choice, &v.CastBy, &v.CastAt)
	})
	if err != nil {
		return nil, fmt.Errorf("roll call: %w", err)
	}
	if out == nil {
		out = []Vote{}
	}
	return out, nil
}

// Summary is what a list shows of one poll: how many voter keys have voted,
// and the stored result once it is closed.
type Summary struct {
	Status Status
	Voters int
	Result *Result // nil until closed
}

// Summaries returns the summaries of polls ids in one statement (a page of
// a domain's votes). It checks no visibility: the domain has checked the
// owners of ids.
func (s *Service) Summaries(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]Summary, error) {
	out := make(map[uuid.UUID]Summary, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `select p.id, p.status,
			case when p.secret then (select count(*) from poll_markers m where m.poll_id = p.id)
			     else (select count(*) from poll_votes v where v.poll_id = p.id) end,
			case when p.status = 'closed' then p.result end
		from polls p where p.id = any($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("poll summaries: %w", err)
	}
	var id uuid.UUID
	var sum Summary
	var data []byte
	if _, err := pgx.ForEachRow(rows, []any{&id, &sum.Status, &sum.Voters, &data}, func() error {
		one := Summary{Status: sum.Status, Voters: sum.Voters}
		if data != nil {
			one.Result = new(Result)
			if err := json.Unmarshal(data, one.Result); err != nil {
				return fmt.Errorf("read result: %w", err)
			}
		}
		out[id] = one
		return nil
	}); err != nil {
		return nil, fmt.Errorf("poll summaries: %w", err)
	}
	return out, nil
}
