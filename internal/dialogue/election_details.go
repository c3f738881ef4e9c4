package dialogue

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/poll"
)

// ElectionDetail is what a list of elections shows of each beyond the
// election itself: its candidates, how many have voted, the result once it
// is in, what the caller may do with it and the caller's own candidacy.
type ElectionDetail struct {
	Candidates []Candidate
	Voters     int
	Result     *poll.Result
	Actions    ElectionActions
	// Candidacy is the caller's own candidacy (nil when none);
	// MayWithdraw whether WithdrawCandidacy would take it back now.
	Candidacy   *Candidate
	MayWithdraw bool
}

// Details returns the details of elections ids for the caller in a fixed
// number of statements, whatever the number of elections (one page of a
// body's elections costs the same at any size). Each id must be of an
// election the caller has been shown (List, Election): Details checks what
// the caller may do, not whether they may see it; unknown ids are left out.
func (e *Elections) Details(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*ElectionDetail, error) {
	out := make(map[uuid.UUID]*ElectionDetail, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := e.s.pool.Query(ctx, `select `+electionColumns+` from dialogue_elections e where e.id = any($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("read elections: %w", err)
	}
	els, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Election, error) { return scanElection(r) })
	if err != nil {
		return nil, fmt.Errorf("read elections: %w", err)
	}
	var polls []uuid.UUID
	for _, el := range els {
		out[el.ID] = &ElectionDetail{Candidates: []Candidate{}}
		if el.PollID != nil {
			polls = append(polls, *el.PollID)
		}
	}
	rows, err = e.s.pool.Query(ctx, `select `+candidateColumns+` from dialogue_candidates c join accounts a on a.id = c.account_id
		where c.election_id = any($1) order by c.consented_at, c.id`, ids)
	if err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Candidate, error) { return scanCandidate(r) })
	if err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	viewer := authz.SubjectFrom(ctx).AccountID
	for _, c := range cs {
		d := out[c.ElectionID]
		d.Candidates = append(d.Candidates, c)
		if viewer != uuid.Nil && c.AccountID == viewer {
			d.Candidacy = &c
		}
	}
	sums, err := e.polls.Summaries(ctx, e.s.pool, polls)
	if err != nil {
		return nil, err
	}
	actions := map[uuid.UUID]*bodyActions{} // by body
	for _, el := range els {
		d := out[el.ID]
		if el.PollID != nil {
			sum := sums[*el.PollID]
			d.Voters = sum.Voters
			if el.Status != ElectionVoid {
				d.Result = sum.Result
			}
		}
		d.MayWithdraw = d.Candidacy != nil && el.Status == ElectionNominating
		ba := actions[el.BodyID]
		if ba == nil {
			if ba, err = e.bodyActions(ctx, el.BodyID); err != nil {
				return nil, err
			}
			actions[el.BodyID] = ba
		}
		d.Actions = ba.of(el)
	}
	return out, nil
}

// bodyActions is what the caller may do with a body's elections, whatever
// the election: Actions and Details apply it to one's status.
type bodyActions struct {
	active, elect, votes bool
}

func (e *Elections) bodyActions(ctx context.Context, bodyID uuid.UUID) (*bodyActions, error) {
	ba := &bodyActions{}
	if authz.SubjectFrom(ctx).Anonymous() {
		return ba, nil
	}
	b, obj, visible, err := e.bodyView(ctx, e.s.pool, bodyID)
	if err != nil || !visible || b.Status != StatusActive {
		return ba, err
	}
	ba.active = true
	ba.elect = authz.Can(ctx, ActElect, obj)
	votes, err := VotesOf(ctx, e.s.pool, b.ID, authz.SubjectFrom(ctx).AccountID, e.s.now())
	if err != nil {
		return nil, err
	}
	ba.votes = len(votes) > 0
	return ba, nil
}

func (ba *bodyActions) of(el *Election) ElectionActions {
	var a ElectionActions
	if !ba.active {
		return a
	}
	switch el.Status {
	case ElectionNominating:
		a.Stand, a.Endorse, a.OpenBallot = true, ba.votes, ba.elect
	case ElectionVoting:
		a.Cast, a.Close = ba.votes, ba.elect
	}
	return a
}
