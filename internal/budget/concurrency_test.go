package budget_test

import (
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
)

// One voter, 1,000 parallel attempts under different keys: exactly one
// ballot, and 999 CONFLICTs.
func TestCastBallot_ThousandParallelAttemptsOfOneVoterCountOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	ctx := b.voter(t, k.edition.ID, "stare-miasto")

	const n = 1000
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = b.svc.CastBallot(ctx, k.valid(key()))
		})
	}
	close(start)
	wg.Wait()

	var ok, already int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case apperr.CodeOf(err) == apperr.Conflict:
			require.ErrorIs(t, err, budget.ErrAlreadyVoted)
			already++
		default:
			require.NoError(t, err)
		}
	}
	require.Equal(t, []int{1, n - 1}, []int{ok, already})
	require.Equal(t, []int{1, 1, 6}, []int{b.count(t, `select count(*) from budget_ballots`),
		b.count(t, `select count(*) from budget_ballot_markers`), b.count(t, `select count(*) from budget_ballot_picks`)})
}

// One person through every channel at once — their account, a voting code
// and the second entry of a paper sheet — is counted once.
func TestOnePerson_AllChannelsAtOnceCountOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	p, a, c := b.point(t, k, "Punkt")
	official := b.official(t)
	const people = 8
	for i := range people {
		doc := "ALL-" + uuid.NewString()[:10]
		v := b.verified(t, doc)
		voterID, err := b.svc.RegisterAccountVoter(v, k.edition.ID, "stare-miasto")
		require.NoError(t, err)
		code, err := b.svc.IssueVotingCode(official, voterID)
		require.NoError(t, err)
		sheet := k.sheet(p, uuid.NewString(), budget.VoterEntry{IdentifierType: "other", Identifier: doc, District: "stare-miasto"})
		_, err = b.svc.EnterPaperBallot(a, sheet)
		require.NoError(t, err)

		var wg sync.WaitGroup
		var accountErr, codeErr, paperErr error
		var paper *budget.PaperSheet
		start := make(chan struct{})
		wg.Go(func() { <-start; _, accountErr = b.svc.CastBallot(v, k.valid(key())) })
		wg.Go(func() { <-start; _, codeErr = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(code.Code, key())) })
		wg.Go(func() { <-start; paper, paperErr = b.svc.EnterPaperBallot(c, sheet) })
		close(start)
		wg.Wait()

		require.NoError(t, paperErr)
		counted := 0
		for _, err := range []error{accountErr, codeErr} {
			if err == nil {
				counted++
			} else {
				require.ErrorIs(t, err, budget.ErrAlreadyVoted)
			}
		}
		if paper.Status == budget.PaperCounted {
			counted++
		} else {
			require.Equal(t, budget.PaperRejected, paper.Status)
		}
		require.Equal(t, 1, counted, "person %d", i)
		require.Equal(t, i+1, b.count(t, `select count(*) from budget_ballots`))
		require.Equal(t, 1, b.count(t, `select count(*) from budget_ballot_markers where voter_id = $1`, voterID))
	}
	require.Equal(t, people, b.count(t, `select count(*) from budget_ballot_markers`))
}
