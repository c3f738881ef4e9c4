package poll

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
)

// CastInput is one vote.
type CastInput struct {
	// As is the voter key the vote is cast for; zero for the caller's only
	// eligible key (a delegate of two organisations names one).
	As VoterKey
	// Choice on a motion; Picks (candidate ids, up to the poll's Picks, none
	// for a blank ballot) in an election.
	Choice Choice
	Picks  []uuid.UUID
}

// Receipt confirms a vote. It carries no choice for a secret poll.
type Receipt struct {
	PollID uuid.UUID
	Voter  VoterKey
	// Changed: an open vote replaced an earlier one.
	Changed bool
	// CastOn is the Warsaw day of a secret vote (nothing finer is kept);
	// the time of an open one.
	CastOn time.Time
}

// Cast votes in poll id for the caller ("cast"): the voter key must be one
// the Eligible hook gives the caller now. Each key votes once, whatever
// runs concurrently (the database's key): repeating the same open vote
// returns the same receipt; another choice is CONFLICT poll.already_voted
// unless the poll allows changes, and a second secret vote always is.
// A closed poll or a written vote past its deadline is PHASE_CLOSED.
// Invalid content is INVALID_INPUT on "choice" or "picks".
func (s *Service) Cast(ctx context.Context, id uuid.UUID, in CastInput) (Receipt, error) {
	account := authz.SubjectFrom(ctx).AccountID
	if authz.SubjectFrom(ctx).Anonymous() {
		return Receipt{}, apperr.ErrUnauthenticated
	}
	var r Receipt
	var mix bool
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// A share lock: votes go in concurrently, closing waits for them.
		p, _, err := s.target(ctx, tx, id, ActCast, "for share")
		if err != nil {
			return err
		}
		if p.Status != Open {
			return ErrClosed
		}
		now := s.now()
		if p.Deadline != nil && !now.Before(*p.Deadline) {
			return ErrDeadlinePassed
		}
		keys, err := s.cfg.Eligible(ctx, tx, p, account)
		if err != nil {
			return err
		}
		voter, err := pickKey(keys, in.As)
		if err != nil {
			return err
		}
		if err := checkContent(p, &in); err != nil {
			return err
		}
		r = Receipt{PollID: p.ID, Voter: voter}
		if p.Secret {
			r.CastOn = day(now)
			if err := s.castSecret(ctx, tx, p, voter, r.CastOn, in); err != nil {
				return err
			}
			mix = true
		} else if r, err = s.castOpen(ctx, tx, p, voter, account, now, in.Choice); err != nil {
			return err
		}
		return s.changed(ctx, tx, p)
	})
	if err != nil {
		return Receipt{}, err
	}
	if mix {
		s.box.MixIfFull(ctx, boxKind(s.cfg.Kind), id)
	}
	return r, nil
}

// pickKey is the key to cast for among those the caller may.
func pickKey(keys []VoterKey, as VoterKey) (VoterKey, error) {
	if len(keys) == 0 {
		return VoterKey{}, ErrNotEligible
	}
	if as == (VoterKey{}) {
		if len(keys) > 1 {
			return VoterKey{}, apperr.Invalid("as", "poll.voter_ambiguous")
		}
		return keys[0], nil
	}
	if !slices.Contains(keys, as) {
		return VoterKey{}, ErrNotEligible
	}
	return as, nil
}

// checkContent checks a vote against the poll's form and sorts its picks.
func checkContent(p *Poll, in *CastInput) error {
	if p.Form == Motion {
		if len(in.Picks) > 0 {
			return apperr.Invalid("picks", "poll.picks_motion")
		}
		switch in.Choice {
		case Yes, No, Abstain:
			return nil
		}
		return apperr.Invalid("choice", "poll.choice_invalid")
	}
	if in.Choice != "" {
		return apperr.Invalid("choice", "poll.choice_election")
	}
	if len(in.Picks) > p.Picks {
		return apperr.Invalid("picks", "poll.too_many_picks").With(map[string]any{"max": p.Picks})
	}
	seen := map[uuid.UUID]bool{}
	for _, c := range in.Picks {
		if seen[c] {
			return apperr.Invalid("picks", "poll.duplicate_pick")
		}
		seen[c] = true
		if !slices.ContainsFunc(p.Candidates, func(x Candidate) bool { return x.ID == c }) {
			return apperr.Invalid("picks", "poll.unknown_candidate")
		}
	}
	// Sorted, so that the sealed ballot says nothing of the order picked.
	in.Picks = slices.Clone(in.Picks)
	slices.SortFunc(in.Picks, func(a, b uuid.UUID) int { return compareUUID(a, b) })
	return nil
}

func compareUUID(a, b uuid.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}

// castOpen records an open vote in the roll call.
func (s *Service) castOpen(ctx context.Context, tx *db.Tx, p *Poll, voter VoterKey, account uuid.UUID, now time.Time, choice Choice) (Receipt, error) {
	r := Receipt{PollID: p.ID, Voter: voter, CastOn: now}
	tag, err := tx.Exec(ctx, `insert into poll_votes (poll_id, voter_kind, voter_id, choice, cast_by, cast_at)
		values ($1, $2, $3, $4, $5, $6) on conflict do nothing`, p.ID, voter.Kind, voter.ID, choice, account, now)
	if err != nil {
		return r, fmt.Errorf("insert vote: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return r, nil
	}
	var was Choice
	var at time.Time
	err = tx.QueryRow(ctx, `select choice, cast_at from poll_votes where poll_id = $1 and voter_kind = $2 and voter_id = $3
		for update`, p.ID, voter.Kind, voter.ID).Scan(&was, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, ErrAlreadyVoted // cannot happen: votes are never deleted while the poll exists
	}
	if err != nil {
		return r, fmt.Errorf("read vote: %w", err)
	}
	if was == choice {
		// A retry (or the organisation's other delegate saying the same).
		r.CastOn = at
		return r, nil
	}
	if !p.AllowChange {
		return r, ErrAlreadyVoted
	}
	if _, err := tx.Exec(ctx, `insert into poll_vote_history (poll_id, voter_kind, voter_id, choice, cast_by, cast_at, replaced_at)
		select poll_id, voter_kind, voter_id, choice, cast_by, cast_at, $4 from poll_votes
		where poll_id = $1 and voter_kind = $2 and voter_id = $3`, p.ID, voter.Kind, voter.ID, now); err != nil {
		return r, fmt.Errorf("keep changed vote: %w", err)
	}
	if _, err := tx.Exec(ctx, `update poll_votes set choice = $4, cast_by = $5, cast_at = $6
		where poll_id = $1 and voter_kind = $2 and voter_id = $3`, p.ID, voter.Kind, voter.ID, choice, account, now); err != nil {
		return r, fmt.Errorf("change vote: %w", err)
	}
	r.Changed = true
	return r, nil
}

// day is the Warsaw day of t, as midnight UTC of that date.
func day(t time.Time) time.Time {
	y, m, d := t.In(i18n.Warsaw).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
