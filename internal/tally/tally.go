// Package tally is the one arithmetic of votes taken by people in a room:
// motions of dialogue bodies (quorum, the base a majority is counted on,
// the chair's casting vote, no decision without quorum) and the scores a
// jury gives (recusals do not count against a nominee). It is exact: every
// comparison is made on integers, never on floating point.
package tally

import (
	"errors"
	"fmt"
	"slices"
)

// Fraction is a share n/d of something (members, votes); 1/2 with More is
// "more than half".
type Fraction struct{ N, D int }

// Half and TwoThirds are the usual shares.
var (
	Half      = Fraction{1, 2}
	TwoThirds = Fraction{2, 3}
)

func (f Fraction) valid() bool { return f.D > 0 && f.N >= 0 && f.N <= f.D }

// atLeast reports x ≥ f·of; more reports x > f·of (integers only).
func (f Fraction) atLeast(x, of int) bool { return x*f.D >= f.N*of }
func (f Fraction) more(x, of int) bool    { return x*f.D > f.N*of }

// Base is what a majority is counted on.
type Base string

const (
	// BaseVotesFor: more for than against (abstentions do not count).
	BaseVotesFor Base = "for_against"
	// BaseCast: more than Share of the votes cast (for, against and
	// abstentions).
	BaseCast Base = "cast"
	// BasePresent: more than Share of the members present and not recused.
	BasePresent Base = "present"
	// BaseMembers: more than Share of all members entitled to vote
	// (an absolute or statutory majority), recused members excluded.
	BaseMembers Base = "members"
)

// Rule is how one motion is decided.
type Rule struct {
	// Quorum is the share of members (recused members included, as they are
	// present) who must be present for any decision; QuorumMin a floor in
	// heads. Without quorum the vote is Invalid, whatever its numbers.
	Quorum    Fraction
	QuorumMin int
	Base      Base
	// Share is the majority's share of the base (Half: more than half).
	// For BaseVotesFor it must be Half (for > against).
	Share Fraction
	// AtLeast makes the share inclusive ("at least two thirds") instead of
	// "more than".
	AtLeast bool
	// CastingVote: on an exact tie the chair's vote decides (the chair must
	// have voted for or against).
	CastingVote bool
}

// Vote is how one motion went.
type Vote struct {
	Members  int // entitled to vote
	Present  int // present (recused included)
	Recused  int // present but not voting on this motion
	For      int
	Against  int
	Abstain  int
	Chair    Choice // the chair's own vote, for the casting vote
	Invalids int    // ballots spoilt in a secret vote: cast, but for no option
}

// Choice is one member's vote.
type Choice string

const (
	ChoiceNone    Choice = ""
	ChoiceFor     Choice = "for"
	ChoiceAgainst Choice = "against"
	ChoiceAbstain Choice = "abstain"
)

// Outcome of a motion.
type Outcome string

const (
	Adopted  Outcome = "adopted"
	Rejected Outcome = "rejected"
	// Invalid: no quorum; nothing was decided.
	Invalid Outcome = "invalid"
)

// Result is the decision with the numbers it was made on.
type Result struct {
	Outcome Outcome
	Quorum  int // heads needed for quorum
	Base    int // the number the majority was counted on
	Needed  int // the fewest votes for that would have adopted it
	// ByCastingVote: a tie the chair's casting vote decided.
	ByCastingVote bool
}

// Errors of a vote that cannot be counted: numbers that do not add up.
var (
	ErrRule  = errors.New("tally: invalid rule")
	ErrVotes = errors.New("tally: votes do not add up")
)

// Decide counts a motion under r.
func Decide(r Rule, v Vote) (Result, error) {
	if !r.Quorum.valid() || !r.Share.valid() || r.QuorumMin < 0 {
		return Result{}, ErrRule
	}
	if r.Base == BaseVotesFor && r.Share != Half {
		return Result{}, fmt.Errorf("%w: for/against is decided by more for than against", ErrRule)
	}
	switch r.Base {
	case BaseVotesFor, BaseCast, BasePresent, BaseMembers:
	default:
		return Result{}, fmt.Errorf("%w: base %q", ErrRule, r.Base)
	}
	cast := v.For + v.Against + v.Abstain + v.Invalids
	if v.Members < 0 || v.Present < 0 || v.Recused < 0 || v.For < 0 || v.Against < 0 || v.Abstain < 0 || v.Invalids < 0 ||
		v.Present > v.Members || v.Recused > v.Present || cast > v.Present-v.Recused {
		return Result{}, ErrVotes
	}
	res := Result{Quorum: max(ceilShare(r.Quorum, v.Members), r.QuorumMin)}
	if v.Present < res.Quorum {
		res.Outcome = Invalid
		return res, nil
	}
	var base int
	switch r.Base {
	case BaseVotesFor:
		base = v.For + v.Against
	case BaseCast:
		base = cast
	case BasePresent:
		base = v.Present - v.Recused
	case BaseMembers:
		base = v.Members - v.Recused
	}
	res.Base = base
	if r.Base == BaseVotesFor {
		res.Needed = v.Against + 1
	} else {
		res.Needed = needed(r.Share, r.AtLeast, base)
	}
	adopted := v.For >= res.Needed && v.For > 0
	// A tie is as many for as against where one more vote for would have
	// adopted it: only then does the chair's casting vote decide (it never
	// makes up a missing absolute or qualified majority).
	tie := v.For == v.Against && v.For > 0 && v.For+1 >= res.Needed
	if !adopted && tie && r.CastingVote && (v.Chair == ChoiceFor || v.Chair == ChoiceAgainst) {
		res.ByCastingVote = true
		adopted = v.Chair == ChoiceFor
	}
	res.Outcome = Rejected
	if adopted {
		res.Outcome = Adopted
	}
	return res, nil
}

// ceilShare is the fewest heads that are at least f of n.
func ceilShare(f Fraction, n int) int { return (f.N*n + f.D - 1) / f.D }

// needed is the fewest votes that are more than (or, atLeast, at least) f
// of base.
func needed(f Fraction, atLeast bool, base int) int {
	if atLeast {
		return ceilShare(f, base)
	}
	return f.N*base/f.D + 1
}

// Score is one juror's score of one nominee; Recused marks a conflict (the
// juror scores nothing for that nominee).
type Score struct {
	Juror, Nominee string
	Points         int
	Recused        bool
}

// Scale bounds the points a juror may give.
type Scale struct{ Min, Max int }

// Standing is one nominee's place in a jury's ranking.
type Standing struct {
	Nominee string
	// Sum and Scorers give the mean Sum/Scorers: recused jurors are left
	// out, so a conflict neither helps nor hurts the nominee.
	Sum, Scorers int
	// Top counts the highest scores of the scale, the first tie-break.
	Top  int
	Rank int // 1-based; nominees that stay tied share a rank
	// Unrated: fewer than the minimum of scoring jurors; ranked last.
	Unrated bool
}

// ErrScores is a score outside the scale, a juror scoring a nominee twice,
// or a recusal with points.
var ErrScores = errors.New("tally: invalid scores")

// Rank orders nominees by their mean score over the jurors who scored them
// (higher first), then by how many top scores they got; nominees still
// tied share a rank (the jury's chair breaks it, on the record). A nominee
// scored by fewer than minScorers jurors is unrated and ranked after every
// rated one. Every nominee in nominees appears once, scored or not.
func Rank(nominees []string, scores []Score, scale Scale, minScorers int) ([]Standing, error) {
	if scale.Min > scale.Max || minScorers < 1 {
		return nil, ErrScores
	}
	by := make(map[string]*Standing, len(nominees))
	out := make([]Standing, 0, len(nominees))
	for _, n := range nominees {
		if _, dup := by[n]; dup {
			return nil, fmt.Errorf("%w: nominee %q twice", ErrScores, n)
		}
		out = append(out, Standing{Nominee: n})
		by[n] = nil
	}
	for i := range out {
		by[out[i].Nominee] = &out[i]
	}
	seen := map[[2]string]bool{}
	for _, s := range scores {
		st, ok := by[s.Nominee]
		if !ok {
			return nil, fmt.Errorf("%w: unknown nominee %q", ErrScores, s.Nominee)
		}
		key := [2]string{s.Juror, s.Nominee}
		if seen[key] {
			return nil, fmt.Errorf("%w: %s scored %s twice", ErrScores, s.Juror, s.Nominee)
		}
		seen[key] = true
		if s.Recused {
			if s.Points != 0 {
				return nil, fmt.Errorf("%w: %s is recused from %s but gave points", ErrScores, s.Juror, s.Nominee)
			}
			continue
		}
		if s.Points < scale.Min || s.Points > scale.Max {
			return nil, fmt.Errorf("%w: %d outside %d–%d", ErrScores, s.Points, scale.Min, scale.Max)
		}
		st.Sum += s.Points
		st.Scorers++
		if s.Points == scale.Max {
			st.Top++
		}
	}
	for i := range out {
		out[i].Unrated = out[i].Scorers < minScorers
	}
	// cmp orders two standings; 0 means tied.
	cmp := func(a, b Standing) int {
		if a.Unrated != b.Unrated {
			if a.Unrated {
				return 1
			}
			return -1
		}
		if a.Unrated {
			return 0
		}
		// a.Sum/a.Scorers vs b.Sum/b.Scorers, cross-multiplied.
		if l, r := a.Sum*b.Scorers, b.Sum*a.Scorers; l != r {
			if l > r {
				return -1
			}
			return 1
		}
		return b.Top - a.Top
	}
	slices.SortStableFunc(out, cmp)
	for i := range out {
		if i > 0 && cmp(out[i-1], out[i]) == 0 {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out, nil
}
