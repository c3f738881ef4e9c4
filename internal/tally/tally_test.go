package tally_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/tally"
)

// Every row was computed by hand from the rule's words; the comment says how.
func TestDecide_HandComputedTable(t *testing.T) {
	t.Parallel()
	simple := tally.Rule{Quorum: tally.Half, Base: tally.BaseVotesFor, Share: tally.Half, CastingVote: true}
	absolute := tally.Rule{Quorum: tally.Half, Base: tally.BaseMembers, Share: tally.Half}
	qualified := tally.Rule{Quorum: tally.TwoThirds, QuorumMin: 5, Base: tally.BaseCast, Share: tally.TwoThirds, AtLeast: true}
	present := tally.Rule{Quorum: tally.Half, Base: tally.BasePresent, Share: tally.Half, CastingVote: true}

	cases := []struct {
		name string
		rule tally.Rule
		vote tally.Vote
		want tally.Result
	}{
		// quorum ⌈15/2⌉ = 8 of 15 present; 5 for > 3 against.
		{"simple majority", simple, tally.Vote{Members: 15, Present: 8, For: 5, Against: 3},
			tally.Result{Outcome: tally.Adopted, Quorum: 8, Base: 8, Needed: 4}},
		// 7 present < 8: nothing decided, whatever the votes.
		{"no quorum", simple, tally.Vote{Members: 15, Present: 7, For: 7},
			tally.Result{Outcome: tally.Invalid, Quorum: 8}},
		// 4 for = 4 against (2 abstain): the chair's "for" decides.
		{"tie, chair for", simple, tally.Vote{Members: 15, Present: 10, For: 4, Against: 4, Abstain: 2, Chair: tally.ChoiceFor},
			tally.Result{Outcome: tally.Adopted, Quorum: 8, Base: 8, Needed: 5, ByCastingVote: true}},
		{"tie, chair against", simple, tally.Vote{Members: 15, Present: 10, For: 4, Against: 4, Abstain: 2, Chair: tally.ChoiceAgainst},
			tally.Result{Outcome: tally.Rejected, Quorum: 8, Base: 8, Needed: 5, ByCastingVote: true}},
		// The chair abstained: there is no casting vote to give.
		{"tie, chair abstained", simple, tally.Vote{Members: 15, Present: 10, For: 4, Against: 4, Abstain: 2, Chair: tally.ChoiceAbstain},
			tally.Result{Outcome: tally.Rejected, Quorum: 8, Base: 8, Needed: 5}},
		{"everyone abstains", simple, tally.Vote{Members: 15, Present: 10, Abstain: 10},
			tally.Result{Outcome: tally.Rejected, Quorum: 8, Base: 0, Needed: 1}},
		// Absolute majority of 21 members, 1 recused: base 20, more than 10.
		{"absolute majority missed", absolute, tally.Vote{Members: 21, Present: 15, Recused: 1, For: 10, Against: 3, Abstain: 1},
			tally.Result{Outcome: tally.Rejected, Quorum: 11, Base: 20, Needed: 11}},
		{"absolute majority reached", absolute, tally.Vote{Members: 21, Present: 15, Recused: 1, For: 11, Against: 2, Abstain: 1},
			tally.Result{Outcome: tally.Adopted, Quorum: 11, Base: 20, Needed: 11}},
		// Quorum max(⌈2·6/3⌉ = 4, floor 5) = 5 > 4 present.
		{"quorum floor", qualified, tally.Vote{Members: 6, Present: 4, For: 4},
			tally.Result{Outcome: tally.Invalid, Quorum: 5}},
		// At least ⌈2·6/3⌉ = 4 of 6 cast.
		{"two thirds of votes cast, exactly", qualified, tally.Vote{Members: 9, Present: 7, For: 4, Against: 2},
			tally.Result{Outcome: tally.Adopted, Quorum: 6, Base: 6, Needed: 4}},
		// An abstention is a vote cast: ⌈2·7/3⌉ = 5 needed.
		{"two thirds missed by an abstention", qualified, tally.Vote{Members: 9, Present: 7, For: 4, Against: 2, Abstain: 1},
			tally.Result{Outcome: tally.Rejected, Quorum: 6, Base: 7, Needed: 5}},
		// A spoilt secret ballot was cast too: base 6, 4 needed.
		{"spoilt ballot counts as cast", qualified, tally.Vote{Members: 9, Present: 7, For: 4, Against: 1, Invalids: 1},
			tally.Result{Outcome: tally.Adopted, Quorum: 6, Base: 6, Needed: 4}},
		// Present and not recused: 8; more than 4 needed; 4–4 is a tie the chair breaks.
		{"present majority, casting vote", present, tally.Vote{Members: 10, Present: 10, Recused: 2, For: 4, Against: 4, Chair: tally.ChoiceFor},
			tally.Result{Outcome: tally.Adopted, Quorum: 5, Base: 8, Needed: 5, ByCastingVote: true}},
		// Base 10, 6 needed: 4–4 with 2 abstaining is not a tie one vote breaks.
		{"casting vote never makes up a majority", present, tally.Vote{Members: 10, Present: 10, For: 4, Against: 4, Abstain: 2, Chair: tally.ChoiceFor},
			tally.Result{Outcome: tally.Rejected, Quorum: 5, Base: 10, Needed: 6}},
	}
	for _, c := range cases {
		got, err := tally.Decide(c.rule, c.vote)
		require.NoError(t, err, c.name)
		require.Equal(t, c.want, got, c.name)
	}
}

func TestDecide_RefusesNumbersThatDoNotAddUp(t *testing.T) {
	t.Parallel()
	simple := tally.Rule{Quorum: tally.Half, Base: tally.BaseVotesFor, Share: tally.Half}
	for name, v := range map[string]tally.Vote{
		"more present than members": {Members: 5, Present: 6},
		"more votes than voters":    {Members: 10, Present: 6, Recused: 1, For: 3, Against: 3},
		"negative":                  {Members: 10, Present: 6, For: -1},
		"more recused than present": {Members: 10, Present: 2, Recused: 3},
	} {
		_, err := tally.Decide(simple, v)
		require.ErrorIs(t, err, tally.ErrVotes, name)
	}
	for name, r := range map[string]tally.Rule{
		"for/against with two thirds": {Quorum: tally.Half, Base: tally.BaseVotesFor, Share: tally.TwoThirds},
		"unknown base":                {Quorum: tally.Half, Base: "shouting", Share: tally.Half},
		"share over one":              {Quorum: tally.Half, Base: tally.BaseCast, Share: tally.Fraction{N: 3, D: 2}},
		"no denominator":              {Quorum: tally.Fraction{N: 1}, Base: tally.BaseCast, Share: tally.Half},
	} {
		_, err := tally.Decide(r, tally.Vote{Members: 3, Present: 3, For: 2})
		require.ErrorIs(t, err, tally.ErrRule, name)
	}
}

func TestRank_HandComputedJuryTable(t *testing.T) {
	t.Parallel()
	s := func(juror, nominee string, points int) tally.Score {
		return tally.Score{Juror: juror, Nominee: nominee, Points: points}
	}
	recused := func(juror, nominee string) tally.Score {
		return tally.Score{Juror: juror, Nominee: nominee, Recused: true}
	}
	scores := []tally.Score{
		// A recusal does not count against the nominee: A's mean is over the
		// two jurors without a conflict.
		s("J1", "A", 8), s("J2", "A", 9), recused("J3", "A"), // 17/2 = 8.5, no top score
		s("J1", "B", 10), s("J2", "B", 7), s("J3", "B", 8), // 25/3 ≈ 8.33, one top
		s("J1", "C", 10), s("J2", "C", 7), recused("J3", "C"), // 17/2 = 8.5, one top
		s("J1", "D", 9), recused("J2", "D"), recused("J3", "D"), // one scorer < 2: unrated
		s("J1", "E", 6), s("J2", "E", 10), s("J3", "E", 9), // 25/3 ≈ 8.33, one top: tied with B
	}
	got, err := tally.Rank([]string{"A", "B", "C", "D", "E"}, scores, tally.Scale{Min: 0, Max: 10}, 2)
	require.NoError(t, err)
	require.Equal(t, []tally.Standing{
		{Nominee: "C", Sum: 17, Scorers: 2, Top: 1, Rank: 1},
		{Nominee: "A", Sum: 17, Scorers: 2, Top: 0, Rank: 2},
		{Nominee: "B", Sum: 25, Scorers: 3, Top: 1, Rank: 3},
		{Nominee: "E", Sum: 25, Scorers: 3, Top: 1, Rank: 3},
		{Nominee: "D", Sum: 9, Scorers: 1, Top: 0, Rank: 5, Unrated: true},
	}, got)

	// A nominee nobody scored is listed, unrated.
	none, err := tally.Rank([]string{"F"}, nil, tally.Scale{Min: 0, Max: 10}, 1)
	require.NoError(t, err)
	require.Equal(t, []tally.Standing{{Nominee: "F", Rank: 1, Unrated: true}}, none)
}

func TestRank_RefusesBadScores(t *testing.T) {
	t.Parallel()
	scale := tally.Scale{Min: 1, Max: 5}
	for name, scores := range map[string][]tally.Score{
		"over the scale":      {{Juror: "J", Nominee: "A", Points: 6}},
		"under the scale":     {{Juror: "J", Nominee: "A", Points: 0}},
		"twice":               {{Juror: "J", Nominee: "A", Points: 3}, {Juror: "J", Nominee: "A", Points: 4}},
		"recused with points": {{Juror: "J", Nominee: "A", Points: 3, Recused: true}},
		"unknown nominee":     {{Juror: "J", Nominee: "Z", Points: 3}},
	} {
		_, err := tally.Rank([]string{"A"}, scores, scale, 1)
		require.ErrorIs(t, err, tally.ErrScores, name)
	}
	_, err := tally.Rank([]string{"A", "A"}, nil, scale, 1)
	require.ErrorIs(t, err, tally.ErrScores)
}
