package budget_test

import (
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
)

func TestGuardian_CastsTheChildsBallotApartFromTheirOwn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	guardian := b.voter(t, k.edition.ID, "stare-miasto")
	child, err := b.svc.RegisterChildVoter(guardian, k.edition.ID, "other", "CHILD-"+uuid.NewString()[:8], "stare-miasto")
	require.NoError(t, err)
	var g uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select guardian_account_id from budget_voters where id = $1`, child).Scan(&g))
	require.Equal(t, authz.SubjectFrom(guardian).AccountID, g)

	// Nobody else casts the child's ballot, not even another verified voter.
	in := k.valid(key())
	in.ChildVoterID = child
	_, err = b.svc.CastBallot(b.voter(t, k.edition.ID, "stare-miasto"), in)
	require.ErrorIs(t, err, apperr.ErrNotFound)

	_, err = b.svc.CastBallot(guardian, in)
	require.NoError(t, err)
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballot_markers where voter_id = $1 and cast_by_guardian and channel = 'account'`, child))
	again := k.valid(key())
	again.ChildVoterID = child
	_, err = b.svc.CastBallot(guardian, again)
	require.ErrorIs(t, err, budget.ErrAlreadyVoted)

	// The guardian's own vote is separate.
	_, err = b.svc.CastBallot(guardian, k.valid(key()))
	require.NoError(t, err)
	require.Equal(t, 2, b.count(t, `select count(*) from budget_ballots`))
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballot_markers where not cast_by_guardian`))
	// A child's ballot is not changed through the guardian's account.
	b.allowChange(t, k)
	_, err = b.svc.ChangeBallot(guardian, k.changed(in.BallotKey, key()))
	requireAppErr(t, err, apperr.Forbidden, "ballot.key_mismatch", "")
}

func TestGuardian_AtMostTenChildrenAndOnePersonOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	own := "OWN-" + uuid.NewString()[:8]
	guardian := b.verified(t, own)
	for i := range budget.MaxChildrenPerGuardian {
		_, err := b.svc.RegisterChildVoter(guardian, k.edition.ID, "other", fmt.Sprintf("KID-%d-%s", i, own), "grzegorzki")
		require.NoError(t, err)
	}
	_, err := b.svc.RegisterChildVoter(guardian, k.edition.ID, "other", "KID-11-"+own, "grzegorzki")
	requireAppErr(t, err, apperr.Conflict, "budget.children_limit", "")
	// Another guardian may; but not for a child already on the roll.
	other := b.verified(t, "OTHER-"+uuid.NewString()[:8])
	_, err = b.svc.RegisterChildVoter(other, k.edition.ID, "other", "KID-11-"+own, "grzegorzki")
	require.NoError(t, err)
	_, err = b.svc.RegisterChildVoter(other, k.edition.ID, "other", "kid-0-"+own, "grzegorzki")
	require.ErrorIs(t, err, budget.ErrVoterRegistered)
	_, err = b.svc.RegisterChildVoter(other, k.edition.ID, "other", "KID-12-"+own, "atlantyda")
	requireAppErr(t, err, apperr.InvalidInput, "budget.district_unknown", "district")
	_, err = b.svc.RegisterChildVoter(guardian, k.edition.ID, "other", own, "grzegorzki")
	requireAppErr(t, err, apperr.InvalidInput, "budget.child_is_guardian", "identifier")

	_, err = b.svc.RegisterChildVoter(b.resident(t), k.edition.ID, "other", "KID-13-"+own, "grzegorzki")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.RegisterChildVoter(b.anonymous(), k.edition.ID, "other", "KID-13-"+own, "grzegorzki")
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	require.Equal(t, budget.MaxChildrenPerGuardian+1, b.count(t, `select count(*) from budget_voters where guardian_account_id is not null`))
}
