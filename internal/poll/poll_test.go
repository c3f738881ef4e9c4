package poll_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/poll"
	"github.com/otwarty/otwarty/internal/tally"
)

func TestCast_OneVotePerVoterKeyUnderConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.open(t, poll.Input{Rule: simple})
	_, ctx := b.member(t)

	// 30 casts of one key at once, with different choices: one is
	// recorded, the rest are refused or (the same choice) a retry of it.
	choices := []poll.Choice{poll.Yes, poll.No, poll.Abstain}
	receipts, errs := pgtest.AtOnce(30, func(i int) (poll.Receipt, error) {
		return b.svc.Cast(ctx, p.ID, poll.CastInput{Choice: choices[i%3]})
	})
	require.Equal(t, 1, b.count(t, `select count(*) from poll_votes where poll_id = $1`, p.ID))
	var recorded poll.Choice
	require.NoError(t, b.pool.QueryRow(b.ctx, `select choice from poll_votes where poll_id = $1`, p.ID).Scan(&recorded))
	ok := 0
	for i, err := range errs {
		if choices[i%3] == recorded {
			require.NoError(t, err)
			require.False(t, receipts[i].Changed)
			ok++
			continue
		}
		requireErr(t, err, apperr.Conflict, "poll.already_voted", "")
	}
	require.Equal(t, 10, ok)

	// Many voters at once: each vote counts once.
	ctxs := make([]func() (poll.Receipt, error), 40)
	for i := range ctxs {
		_, c := b.member(t)
		ctxs[i] = func() (poll.Receipt, error) { return b.svc.Cast(c, p.ID, poll.CastInput{Choice: poll.Yes}) }
	}
	_, errs = pgtest.AtOnce(40, func(i int) (poll.Receipt, error) { return ctxs[i]() })
	for _, err := range errs {
		require.NoError(t, err)
	}
	live, err := b.svc.Live(b.chair, p.ID)
	require.NoError(t, err)
	require.Equal(t, 41, live.Voters)
	require.NotNil(t, live.Totals, "an open poll shows running totals")
	require.Equal(t, 41, live.Totals.Yes+live.Totals.No+live.Totals.Abstain)
}

func TestCast_RefusesWhoMayNotVote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.open(t, poll.Input{Rule: simple})

	_, err := b.svc.Cast(b.ctx, p.ID, poll.CastInput{Choice: poll.Yes})
	requireErr(t, err, apperr.Unauthenticated, "error.unauthenticated", "")
	_, guest := b.person(t) // a guest: no voting key
	_, err = b.svc.Cast(guest, p.ID, poll.CastInput{Choice: poll.Yes})
	requireErr(t, err, apperr.Forbidden, "poll.not_eligible", "")
	other, _ := b.member(t)
	_, ctx := b.member(t)
	_, err = b.svc.Cast(ctx, p.ID, poll.CastInput{As: other, Choice: poll.Yes})
	requireErr(t, err, apperr.Forbidden, "poll.not_eligible", "")
	_, err = b.svc.Cast(ctx, p.ID, poll.CastInput{Choice: "maybe"})
	requireErr(t, err, apperr.InvalidInput, "poll.choice_invalid", "choice")
	_, err = b.svc.Cast(ctx, uuid.New(), poll.CastInput{Choice: poll.Yes})
	requireErr(t, err, apperr.NotFound, "error.not_found", "")
	b.mu.Lock()
	b.hidden = true
	b.mu.Unlock()
	_, err = b.svc.Cast(ctx, p.ID, poll.CastInput{Choice: poll.Yes})
	requireErr(t, err, apperr.NotFound, "error.not_found", "")
	require.Zero(t, b.count(t, `select count(*) from poll_votes`))
}

func TestCast_ChangeOnlyWhenThePollAllowsIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	fixed := b.open(t, poll.Input{Rule: simple})
	changeable := b.open(t, poll.Input{Rule: simple, AllowChange: true})
	key, ctx := b.member(t)

	b.cast(t, ctx, fixed.ID, poll.Yes)
	r, err := b.svc.Cast(ctx, fixed.ID, poll.CastInput{Choice: poll.Yes})
	require.NoError(t, err, "the same vote again is a retry")
	require.False(t, r.Changed)
	_, err = b.svc.Cast(ctx, fixed.ID, poll.CastInput{Choice: poll.No})
	requireErr(t, err, apperr.Conflict, "poll.already_voted", "")

	b.cast(t, ctx, changeable.ID, poll.Yes)
	b.clock.Advance(time.Minute)
	r, err = b.svc.Cast(ctx, changeable.ID, poll.CastInput{Choice: poll.No})
	require.NoError(t, err)
	require.True(t, r.Changed)
	b.clock.Advance(time.Minute)
	r, err = b.svc.Cast(ctx, changeable.ID, poll.CastInput{Choice: poll.Abstain})
	require.NoError(t, err)
	require.True(t, r.Changed)
	require.Equal(t, 2, b.count(t, `select count(*) from poll_vote_history where poll_id = $1`, changeable.ID),
		"the replaced votes are kept")

	b.setElectorate(poll.Electorate{Members: 3, Present: 2})
	_, err = b.svc.Close(b.chair, changeable.ID)
	require.NoError(t, err)
	roll, err := b.svc.RollCall(b.chair, changeable.ID)
	require.NoError(t, err)
	require.Len(t, roll, 1)
	require.Equal(t, key, roll[0].Voter)
	require.Equal(t, poll.Abstain, roll[0].Choice, "the latest vote counts")
	_, err = b.svc.Cast(ctx, changeable.ID, poll.CastInput{Choice: poll.Yes})
	requireErr(t, err, apperr.PhaseClosed, "poll.closed", "")
}

func TestClose_OnceByTheChairAndNeverReopened(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.open(t, poll.Input{Rule: simple})
	_, ctx := b.member(t)
	b.cast(t, ctx, p.ID, poll.Yes)
	_, err := b.svc.RollCall(b.chair, p.ID)
	requireErr(t, err, apperr.PhaseClosed, "poll.not_closed", "")
	_, err = b.svc.Result(b.chair, p.ID)
	requireErr(t, err, apperr.PhaseClosed, "poll.not_closed", "")

	_, err = b.svc.Close(ctx, p.ID)
	requireErr(t, err, apperr.Forbidden, "error.forbidden", "")
	b.setElectorate(poll.Electorate{Members: 1, Present: 1})
	res, err := b.svc.Close(b.chair, p.ID)
	require.NoError(t, err)
	require.Equal(t, poll.Adopted, res.Outcome)

	_, err = b.svc.Close(b.chair, p.ID)
	requireErr(t, err, apperr.PhaseClosed, "poll.closed", "")
	_, err = b.svc.Cast(ctx, p.ID, poll.CastInput{Choice: poll.No})
	requireErr(t, err, apperr.PhaseClosed, "poll.closed", "")
	got, err := b.svc.Get(ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, poll.Closed, got.Status)
	require.Equal(t, poll.Adopted, got.Outcome)
	// One move, by the chair; the machine has no move back.
	require.Equal(t, 1, b.count(t, `select count(*) from phase_changes where kind = 'poll' and object_id = $1
		and from_status = 'open' and to_status = 'closed' and actor_id is not null`, p.ID))
	require.Equal(t, 1, b.count(t, `select count(*) from phase_changes where object_id = $1`, p.ID))
	saved, err := b.svc.Result(ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, res, saved)
	require.Equal(t, 1, b.count(t, `select count(*) from audit_log where action = 'poll.close' and object_id = $1`, p.ID.String()))
	b.mu.Lock()
	require.Equal(t, 2, b.changes, "the cast and the close")
	b.mu.Unlock()
}

func TestOpen_ChecksInputAndWhoManages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, member := b.member(t)
	chairKey := poll.Person(uuid.New())
	past := b.clock.Now().Add(-time.Minute)
	cands := []poll.Candidate{{ID: uuid.New(), Label: "Anna"}, {ID: uuid.New(), Label: "Olena"}}
	for _, c := range []struct {
		in         poll.Input
		key, field string
	}{
		{poll.Input{Rule: tally.Rule{Quorum: tally.Half, Base: tally.BaseVotesFor, Share: tally.TwoThirds}}, "poll.rule_invalid", "rule"},
		{poll.Input{Rule: polish}, "poll.casting_voter_required", "castingVoter"},
		{poll.Input{Rule: simple, CastingVoter: &chairKey}, "poll.casting_voter_unused", "castingVoter"},
		{poll.Input{Rule: polish, Secret: true, CastingVoter: &chairKey}, "poll.casting_vote_secret", "rule"},
		{poll.Input{Rule: simple, Secret: true, AllowChange: true}, "poll.change_secret", "allowChange"},
		{poll.Input{Rule: simple, Deadline: &past}, "poll.deadline_past", "deadline"},
		{poll.Input{Rule: simple, Form: poll.Election, Candidates: cands, Picks: 1, Seats: 1}, "poll.election_open", "secret"},
		{poll.Input{Rule: simple, Form: poll.Election, Secret: true, Candidates: cands, Picks: 3, Seats: 1}, "poll.picks_invalid", "picks"},
		{poll.Input{Rule: simple, Form: poll.Election, Secret: true, Candidates: cands, Picks: 1, Seats: 0}, "poll.seats_invalid", "seats"},
		{poll.Input{Rule: simple, Form: poll.Election, Secret: true, Candidates: []poll.Candidate{cands[0], cands[0]}, Picks: 1, Seats: 1},
			"poll.candidates_invalid", "candidates"},
		{poll.Input{Rule: simple, Candidates: cands}, "poll.candidates_motion", "candidates"},
	} {
		_, err := b.svc.Open(b.chair, b.owner, c.in)
		requireErr(t, err, apperr.InvalidInput, c.key, c.field)
	}
	_, err := b.svc.Open(member, b.owner, poll.Input{Rule: simple})
	requireErr(t, err, apperr.Forbidden, "error.forbidden", "")
	_, err = b.svc.Open(b.ctx, b.owner, poll.Input{Rule: simple})
	requireErr(t, err, apperr.Unauthenticated, "error.unauthenticated", "")
	termOver := apperr.New(apperr.PhaseClosed, "poll.closed")
	b.mu.Lock()
	b.closed = termOver
	b.mu.Unlock()
	_, err = b.svc.Open(b.chair, b.owner, poll.Input{Rule: simple})
	require.ErrorIs(t, err, termOver)
	require.Zero(t, b.count(t, `select count(*) from polls`))
}

// Organisations vote once, whichever delegate casts; a person delegated by
// two organisations casts one vote for each.
func TestCast_OrganisationKeys(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.open(t, poll.Input{Rule: simple})
	ngo, other := poll.Org(uuid.New()), poll.Org(uuid.New())
	anna, annaCtx := b.person(t)
	ivan, ivanCtx := b.person(t)
	b.allow(anna, ngo)
	b.allow(ivan, ngo, other)

	// Either delegate, once: the second delegate cannot vote otherwise.
	b.cast(t, annaCtx, p.ID, poll.Yes)
	_, err := b.svc.Cast(ivanCtx, p.ID, poll.CastInput{As: ngo, Choice: poll.No})
	requireErr(t, err, apperr.Conflict, "poll.already_voted", "")
	_, err = b.svc.Cast(ivanCtx, p.ID, poll.CastInput{As: ngo, Choice: poll.Yes})
	require.NoError(t, err, "saying the same is no second vote")

	// Two organisations' delegate names the one he votes for, and votes for each.
	_, err = b.svc.Cast(ivanCtx, p.ID, poll.CastInput{Choice: poll.No})
	requireErr(t, err, apperr.InvalidInput, "poll.voter_ambiguous", "as")
	_, err = b.svc.Cast(ivanCtx, p.ID, poll.CastInput{As: other, Choice: poll.No})
	require.NoError(t, err)

	b.setElectorate(poll.Electorate{Members: 3, Present: 2})
	res, err := b.svc.Close(b.chair, p.ID)
	require.NoError(t, err)
	require.Equal(t, 2, res.Voters)
	require.Equal(t, [2]int{1, 1}, [2]int{res.Yes, res.No})
	roll, err := b.svc.RollCall(b.chair, p.ID)
	require.NoError(t, err)
	byKey := map[poll.VoterKey]poll.Vote{}
	for _, v := range roll {
		byKey[v.Voter] = v
	}
	require.Len(t, byKey, 2)
	require.Equal(t, poll.Yes, byKey[ngo].Choice)
	require.Equal(t, anna, byKey[ngo].CastBy, "the delegate who cast it")
	require.Equal(t, poll.No, byKey[other].Choice)
	require.Equal(t, ivan, byKey[other].CastBy)

	// Two delegates at once, each with another choice: one vote.
	q := b.open(t, poll.Input{Rule: simple})
	_, errs := pgtest.AtOnce(2, func(i int) (poll.Receipt, error) {
		if i == 0 {
			return b.svc.Cast(annaCtx, q.ID, poll.CastInput{Choice: poll.Yes})
		}
		return b.svc.Cast(ivanCtx, q.ID, poll.CastInput{As: ngo, Choice: poll.No})
	})
	require.Equal(t, 1, b.count(t, `select count(*) from poll_votes where poll_id = $1`, q.ID))
	require.True(t, (errs[0] == nil) != (errs[1] == nil), "exactly one delegate's vote: %v", errs)
}

// A small table of hand-computed motions, run through the mechanism: the
// arithmetic is internal/tally's (tested there); this checks what the
// mechanism hands it (votes, presence, the chair's vote).
func TestClose_DecidesMotionsWithTally(t *testing.T) {
	t.Parallel()
	absolute := tally.Rule{Quorum: tally.Half, Base: tally.BaseMembers, Share: tally.Half}
	ofCast := tally.Rule{Quorum: tally.Half, Base: tally.BaseCast, Share: tally.Half}
	for _, c := range []struct {
		name             string
		rule             tally.Rule
		members, present int
		yes, no, abstain int
		chair            poll.Choice // the chair's own vote, one of the above
		outcome          poll.Outcome
		quorum, needed   int
		byCastingVote    bool
		wantPresent      int
	}{
		// 10 members, 6 present: quorum 5; 3 for > 2 against.
		{"simple majority", polish, 10, 6, 3, 2, 1, poll.Yes, poll.Adopted, 5, 3, false, 6},
		// 4 present of 10: no quorum, whatever the votes.
		{"no quorum", polish, 10, 4, 3, 0, 0, poll.Yes, poll.Invalid, 5, 0, false, 4},
		// 2–2 with 2 abstaining: the chair voted for.
		{"tie, chair for", polish, 10, 6, 2, 2, 2, poll.Yes, poll.Adopted, 5, 3, true, 6},
		{"tie, chair against", polish, 10, 6, 2, 2, 2, poll.No, poll.Rejected, 5, 3, true, 6},
		// The chair abstained: no casting vote, a tie is not adopted.
		{"tie, chair abstained", polish, 10, 6, 2, 2, 2, poll.Abstain, poll.Rejected, 5, 3, false, 6},
		// Absent members: an absolute majority needs 6 of 10 whoever came.
		{"absolute majority missed", absolute, 10, 8, 5, 3, 0, poll.Yes, poll.Rejected, 5, 6, false, 8},
		{"absolute majority", absolute, 10, 8, 6, 2, 0, poll.Yes, poll.Adopted, 5, 6, false, 8},
		// Abstentions count against a majority of votes cast: 3 of 7 < 4.
		{"abstentions count", ofCast, 10, 7, 3, 2, 2, poll.Yes, poll.Rejected, 5, 4, false, 7},
		// A written vote: presence is who voted (the domain says 0).
		{"written vote", simple, 10, 0, 4, 2, 0, poll.Yes, poll.Adopted, 5, 3, false, 6},
		{"written vote without quorum", simple, 10, 0, 3, 1, 0, poll.Yes, poll.Invalid, 5, 0, false, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			chairKey, chairCtx := b.member(t)
			in := poll.Input{Rule: c.rule}
			if c.rule.CastingVote {
				in.CastingVoter = &chairKey
			}
			p := b.open(t, in)
			votes := map[poll.Choice]int{poll.Yes: c.yes, poll.No: c.no, poll.Abstain: c.abstain}
			b.cast(t, chairCtx, p.ID, c.chair)
			votes[c.chair]--
			for choice, n := range votes {
				for range n {
					_, ctx := b.member(t)
					b.cast(t, ctx, p.ID, choice)
				}
			}
			b.setElectorate(poll.Electorate{Members: c.members, Present: c.present})
			res, err := b.svc.Close(b.chair, p.ID)
			require.NoError(t, err)
			require.Equal(t, c.outcome, res.Outcome)
			require.Equal(t, c.quorum, res.Tally.Quorum)
			require.Equal(t, c.needed, res.Tally.Needed)
			require.Equal(t, c.byCastingVote, res.Tally.ByCastingVote)
			require.Equal(t, c.wantPresent, res.Present)
			require.Equal(t, [3]int{c.yes, c.no, c.abstain}, [3]int{res.Yes, res.No, res.Abstain})
		})
	}
}

func TestWrittenVote_DeadlineRefusesLateVotesAndAJobClosesIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.setElectorate(poll.Electorate{Members: 3})
	deadline := b.clock.Now().Add(1500 * time.Millisecond)
	p := b.open(t, poll.Input{Rule: simple, Deadline: &deadline})
	_, one := b.member(t)
	_, two := b.member(t)
	b.cast(t, one, p.ID, poll.Yes)

	// The service's clock says the deadline has passed: the vote is late
	// even before the job has run.
	b.clock.Advance(2 * time.Second)
	_, err := b.svc.Cast(two, p.ID, poll.CastInput{Choice: poll.Yes})
	requireErr(t, err, apperr.PhaseClosed, "poll.deadline_passed", "")

	waitFor(t, "closed by the job", func() bool {
		got, err := b.svc.Get(b.chair, p.ID)
		require.NoError(t, err)
		return got.Status == poll.Closed
	})
	got, err := b.svc.Get(b.chair, p.ID)
	require.NoError(t, err)
	require.Equal(t, uuid.Nil, got.ClosedBy, "closed by the schedule")
	// 1 voter of 3 members: no quorum (2).
	require.Equal(t, poll.Invalid, got.Outcome)
	require.Equal(t, 1, b.count(t, `select count(*) from phase_changes where object_id = $1 and reason = 'schedule'
		and actor_id is null`, p.ID))

	// A written vote closed by hand before its deadline: the job finds
	// nothing to do and the poll closes once.
	later := b.clock.Now().Add(time.Second)
	q := b.open(t, poll.Input{Rule: simple, Deadline: &later})
	_, err = b.svc.Close(b.chair, q.ID)
	require.NoError(t, err)
	waitFor(t, "stale job done", func() bool {
		return b.count(t, `select count(*) from river_job where kind = $1 and state = 'completed' and args->>'object_id' = $2`,
			poll.JobClose, q.ID.String()) == 1
	})
	require.Equal(t, 1, b.count(t, `select count(*) from phase_changes where object_id = $1`, q.ID))
	require.Equal(t, 1, b.count(t, `select count(*) from audit_log where action = 'poll.close' and object_id = $1`, q.ID.String()))
}
