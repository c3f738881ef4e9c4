package poll

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// The batch readers below serve one page of a domain's votes in a fixed
// number of statements, whatever the page's size. None checks visibility:
// the domain has checked the owners of what it asks about.

// ByIDs reads polls ids of this service's kind with their candidates;
// unknown ids are left out.
func (s *Service) ByIDs(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]*Poll, error) {
	out := make(map[uuid.UUID]*Poll, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `select `+columns+` from polls p where p.kind = $1 and p.id = any($2)`, s.cfg.Kind, ids)
	if err != nil {
		return nil, fmt.Errorf("read polls: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Poll, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("read polls: %w", err)
	}
	for _, p := range list {
		out[p.ID] = p
	}
	rows, err = q.Query(ctx, `select c.poll_id, c.id, c.label from poll_candidates c where c.poll_id = any($1)
		order by c.poll_id, c.position`, ids)
	if err != nil {
		return nil, fmt.Errorf("read candidates: %w", err)
	}
	var pollID uuid.UUID
	var c Candidate
	if _, err := pgx.ForEachRow(rows, []any{&pollID, &c.ID, &c.Label}, func() error {
		if p := out[pollID]; p != nil {
			p.Candidates = append(p.Candidates, c)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read candidates: %w", err)
	}
	return out, nil
}

// Lives returns the live numbers of ps (see Live), by poll id.
func (s *Service) Lives(ctx context.Context, q db.Querier, ps []*Poll) (map[uuid.UUID]*Live, error) {
	out := make(map[uuid.UUID]*Live, len(ps))
	if len(ps) == 0 {
		return out, nil
	}
	ids := make([]uuid.UUID, 0, len(ps))
	var open, sealed, elections []uuid.UUID // roll-call polls; secret ones with ballots to count; elections
	for _, p := range ps {
		ids = append(ids, p.ID)
		l := &Live{PollID: p.ID, Status: p.Status, Outcome: p.Outcome}
		out[p.ID] = l
		switch {
		case !p.Secret:
			open = append(open, p.ID)
		case p.Status != Open:
			sealed = append(sealed, p.ID)
		default:
			continue // a secret poll still open shows no totals
		}
		l.Totals = &Totals{Candidates: map[uuid.UUID]int{}}
		if p.Form == Election {
			elections = append(elections, p.ID)
		}
	}
	sums, err := s.Summaries(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for id, sum := range sums {
		out[id].Voters = sum.Voters
	}
	count := func(sql string, pollIDs []uuid.UUID, add func(t *Totals, choice string, n int)) error {
		if len(pollIDs) == 0 {
			return nil
		}
		rows, err := q.Query(ctx, sql, pollIDs)
		if err != nil {
			return fmt.Errorf("count votes: %w", err)
		}
		var id uuid.UUID
		var choice string
		var n int
		if _, err := pgx.ForEachRow(rows, []any{&id, &choice, &n}, func() error {
			add(out[id].Totals, choice, n)
			return nil
		}); err != nil {
			return fmt.Errorf("count votes: %w", err)
		}
		return nil
	}
	byChoice := func(t *Totals, c string, n int) {
		switch Choice(c) {
		case Yes:
			t.Yes = n
		case No:
			t.No = n
		case Abstain:
			t.Abstain = n
		}
		t.Ballots += n
	}
	if err := count(`select poll_id, choice, count(*) from poll_votes where poll_id = any($1) group by 1, 2`, open, byChoice); err != nil {
		return nil, err
	}
	if err := count(`select poll_id, coalesce(choice, ''), count(*) from poll_ballots where poll_id = any($1) group by 1, 2`,
		sealed, byChoice); err != nil {
		return nil, err
	}
	if err := count(`select poll_id, coalesce(c::text, ''), count(*) from poll_ballots left join lateral unnest(picks) c on true
		where poll_id = any($1) group by 1, 2`, elections, func(t *Totals, c string, n int) {
		if c == "" {
			t.Blank = n
			return
		}
		t.Candidates[uuid.MustParse(c)] = n
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// VotedIn says, per poll of ps, which of keys have voted in it (see Voted).
func (s *Service) VotedIn(ctx context.Context, q db.Querier, ps []*Poll, keys []VoterKey) (map[uuid.UUID]map[VoterKey]bool, error) {
	out := make(map[uuid.UUID]map[VoterKey]bool, len(ps))
	var open, secret []uuid.UUID
	for _, p := range ps {
		out[p.ID] = map[VoterKey]bool{}
		if p.Secret {
			secret = append(secret, p.ID)
		} else {
			open = append(open, p.ID)
		}
	}
	if len(keys) == 0 {
		return out, nil
	}
	kinds, kids := make([]string, len(keys)), make([]uuid.UUID, len(keys))
	for i, k := range keys {
		kinds[i], kids[i] = k.Kind, k.ID
	}
	for table, pollIDs := range map[string][]uuid.UUID{"poll_votes": open, "poll_markers": secret} {
		if len(pollIDs) == 0 {
			continue
		}
		rows, err := q.Query(ctx, `select v.poll_id, v.voter_kind, v.voter_id from `+table+` v
			join unnest($2::text[], $3::uuid[]) k(kind, id) on k.kind = v.voter_kind and k.id = v.voter_id
			where v.poll_id = any($1)`, pollIDs, kinds, kids)
		if err != nil {
			return nil, fmt.Errorf("read voters: %w", err)
		}
		var id uuid.UUID
		var k VoterKey
		if _, err := pgx.ForEachRow(rows, []any{&id, &k.Kind, &k.ID}, func() error { out[id][k] = true; return nil }); err != nil {
			return nil, fmt.Errorf("read voters: %w", err)
		}
	}
	return out, nil
}
