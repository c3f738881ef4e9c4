package budget_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
)

// setupGroup is setup with ballots gathered for window into one shared
// transaction (one at a time), so that ballots cast together share it.
func setupGroup(t *testing.T, window time.Duration) *bundle {
	t.Helper()
	b := setup(t)
	b.svc.SetGroupCommit(budget.GroupCommit{Max: 256, Window: window, InFlight: 1})
	return b
}

// Ballots cast together share transactions, and each caller gets exactly
// the answer it would get alone: good ballots go in, an invalid one, a
// wrong code, a second key of one voter and other content under one key
// are refused without failing the others, and a retry (same key and
// content) in the same transaction gets the same receipt and no second
// survey token.
func TestGroupCommit_MixedBallotsEachGetTheirOwnAnswer(t *testing.T) {
	t.Parallel()
	b := setupGroup(t, 20*time.Millisecond)
	k := b.krakowEdition(t)
	const groups = 12
	codes, err := b.svc.IssueVotingCodes(b.official(t), k.edition.ID, people(4*groups))
	require.NoError(t, err)
	other := budget.CodeBallotInput{Picks: map[uuid.UUID][]uuid.UUID{ // valid, other content than codeBallot's
		k.city.ID:  k.projects[k.city.ID][2:5],
		k.stare.ID: k.projects[k.stare.ID][:3],
	}}

	type cast struct {
		in      budget.CodeBallotInput
		receipt budget.Receipt
		err     error
	}
	var casts []*cast
	add := func(in budget.CodeBallotInput) *cast {
		c := &cast{in: in}
		casts = append(casts, c)
		return c
	}
	type group struct{ good, invalid, badCode, twiceA, twiceB, keysA, keysB, contentA, contentB *cast }
	var gs []group
	for g := range groups {
		code := func(i int) string { return codes[4*g+i].Code }
		sameKey, reusedKey := key(), key()
		invalid := k.codeBallot(code(1), key())
		delete(invalid.Picks, k.stare.ID)
		otherContent := other
		otherContent.Code, otherContent.BallotKey = code(3), reusedKey
		gs = append(gs, group{
			good:     add(k.codeBallot(code(0), key())),
			invalid:  add(invalid),
			badCode:  add(k.codeBallot("0000-0000-0000-0000", key())),
			twiceA:   add(k.codeBallot(code(2), sameKey)),
			twiceB:   add(k.codeBallot(code(2), sameKey)),
			keysA:    add(k.codeBallot(code(1), key())), // code 1's valid ballot, besides its invalid one
			keysB:    add(k.codeBallot(code(1), key())),
			contentA: add(k.codeBallot(code(3), reusedKey)),
			contentB: add(otherContent),
		})
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, c := range casts {
		wg.Go(func() {
			<-start
			c.receipt, c.err = b.svc.CastBallotWithCode(b.anonymous(), c.in)
		})
	}
	close(start)
	wg.Wait()

	tokens := 0
	for _, c := range casts {
		if c.err == nil && c.receipt.SurveyToken != "" {
			tokens++
		}
	}
	for _, g := range gs {
		require.NoError(t, g.good.err)
		require.NotEmpty(t, g.good.receipt.SurveyToken)
		requireAppErr(t, g.invalid.err, apperr.InvalidInput, "ballot.pool_missing", "picks")
		require.ErrorIs(t, g.badCode.err, budget.ErrCodeInvalid)
		// The same ballot twice: one receipt, one survey token.
		require.NoError(t, g.twiceA.err)
		require.NoError(t, g.twiceB.err)
		require.Equal(t, g.twiceA.receipt.BallotID, g.twiceB.receipt.BallotID)
		require.Equal(t, 1, countNonEmpty(g.twiceA.receipt.SurveyToken, g.twiceB.receipt.SurveyToken))
		// Two keys of one voter: one ballot.
		require.Equal(t, 1, countNil(g.keysA.err, g.keysB.err))
		for _, err := range []error{g.keysA.err, g.keysB.err} {
			if err != nil {
				require.ErrorIs(t, err, budget.ErrAlreadyVoted)
			}
		}
		// One key, two contents: one ballot.
		require.Equal(t, 1, countNil(g.contentA.err, g.contentB.err))
		for _, err := range []error{g.contentA.err, g.contentB.err} {
			if err != nil {
				require.ErrorIs(t, err, budget.ErrKeyReused)
			}
		}
	}
	// Four voters of each group voted: codes 0, 1 (one of two keys), 2
	// (twice, one ballot) and 3 (one of two contents).
	require.Equal(t, 4*groups, tokens)
	require.Equal(t, []int{4 * groups, 4 * groups, 4 * groups * 6, 4 * groups, 4 * groups}, []int{
		b.count(t, `select count(*) from budget_ballot_markers`), b.count(t, `select count(*) from budget_ballots`),
		b.count(t, `select count(*) from budget_ballot_picks`), b.count(t, `select count(*) from budget_survey_tokens`),
		b.count(t, `select count(*) from budget_voting_codes where used_at is not null`)})
}

func countNil(errs ...error) int {
	n := 0
	for _, err := range errs {
		if err == nil {
			n++
		}
	}
	return n
}

func countNonEmpty(ss ...string) int {
	n := 0
	for _, s := range ss {
		if s != "" {
			n++
		}
	}
	return n
}

// A caller that gives up while its ballot waits for the shared
// transaction gets its context's error, and the ballot is left out; the
// same ballot sent again goes in.
func TestGroupCommit_CancelledCallerIsLeftOut(t *testing.T) {
	t.Parallel()
	b := setupGroup(t, 300*time.Millisecond)
	k := b.krakowEdition(t)
	codes, err := b.svc.IssueVotingCodes(b.official(t), k.edition.ID, people(2))
	require.NoError(t, err)
	in := k.codeBallot(codes[0].Code, key())

	ctx, cancel := context.WithCancel(b.anonymous())
	var other budget.Receipt
	var otherErr error
	var wg sync.WaitGroup
	wg.Go(func() { other, otherErr = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(codes[1].Code, key())) })
	time.AfterFunc(30*time.Millisecond, cancel)
	_, err = b.svc.CastBallotWithCode(ctx, in)
	require.ErrorIs(t, err, context.Canceled)
	wg.Wait()
	require.NoError(t, otherErr)
	require.NotEqual(t, uuid.Nil, other.BallotID)
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballot_markers`))

	r, err := b.svc.CastBallotWithCode(b.anonymous(), in)
	require.NoError(t, err)
	require.NotEmpty(t, r.SurveyToken)
	require.Equal(t, 2, b.count(t, `select count(*) from budget_ballot_markers`))
}

// When the shared transaction fails as a whole (here a ballot whose
// statement raises, as a lost connection or a deadlock would fail it),
// nothing of it is acknowledged and each ballot is sent again on its own:
// every other ballot goes in exactly once, only the failing one gets an
// error, and that one, sent again with its key once the cause is gone,
// goes in.
func TestGroupCommit_FailedSharedTransactionSendsEachBallotAlone(t *testing.T) {
	t.Parallel()
	b := setupGroup(t, 50*time.Millisecond)
	k := b.krakowEdition(t)
	const n = 16
	codes, err := b.svc.IssueVotingCodes(b.official(t), k.edition.ID, people(n))
	require.NoError(t, err)
	const poisoned = 5
	_, err = b.pool.Exec(b.ctx, `create function test_poison() returns trigger language plpgsql as $$
		begin
			if new.voter_id = '`+codes[poisoned].VoterID.String()+`' then raise exception 'poisoned ballot'; end if;
			return new;
		end $$;
		create trigger test_poison before insert on budget_ballot_markers for each row execute function test_poison()`)
	require.NoError(t, err)

	ins := make([]budget.CodeBallotInput, n)
	receipts := make([]budget.Receipt, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ins[i] = k.codeBallot(codes[i].Code, key())
		wg.Go(func() {
			<-start
			receipts[i], errs[i] = b.svc.CastBallotWithCode(b.anonymous(), ins[i])
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if i == poisoned {
			require.ErrorContains(t, err, "poisoned ballot")
			continue
		}
		require.NoError(t, err, "ballot %d", i)
		require.NotEqual(t, uuid.Nil, receipts[i].BallotID)
	}
	counts := func() []int {
		return []int{b.count(t, `select count(*) from budget_ballot_markers`), b.count(t, `select count(*) from budget_ballots`),
			b.count(t, `select count(*) from budget_survey_tokens`),
			b.count(t, `select count(*) from budget_voting_codes where used_at is not null`)}
	}
	require.Equal(t, []int{n - 1, n - 1, n - 1, n - 1}, counts())
	require.Zero(t, b.count(t, `select count(*) from budget_ballot_markers where voter_id = $1`, codes[poisoned].VoterID))

	_, err = b.pool.Exec(b.ctx, `drop trigger test_poison on budget_ballot_markers`)
	require.NoError(t, err)
	r, err := b.svc.CastBallotWithCode(b.anonymous(), ins[poisoned])
	require.NoError(t, err)
	require.NotEqual(t, uuid.Nil, r.BallotID)
	require.Equal(t, []int{n, n, n, n}, counts())
}
