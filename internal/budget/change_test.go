package budget_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
)

// allowChange turns on ballot change for k's edition (a setting of the
// edition while it is a draft; set here directly to keep the fixture).
func (b *bundle) allowChange(t *testing.T, k *krakow) {
	t.Helper()
	_, err := b.pool.Exec(b.ctx, `update budget_editions set allow_ballot_change = true where id = $1`, k.edition.ID)
	require.NoError(t, err)
}

// changed is the change of a Stare Miasto ballot to other district picks.
func (k *krakow) changed(oldKey, newKey string) budget.ChangeInput {
	return budget.ChangeInput{EditionID: k.edition.ID, BallotKey: oldKey, NewBallotKey: newKey, Picks: map[uuid.UUID][]uuid.UUID{
		k.city.ID:  k.projects[k.city.ID][2:5],
		k.stare.ID: k.projects[k.stare.ID][:3],
	}}
}

func TestChangeBallot_ReplacesTheBallotOfTheKeyHolder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	b.allowChange(t, k)
	v := b.voter(t, k.edition.ID, "stare-miasto")
	k1, k2 := key(), key()
	first, err := b.svc.CastBallot(v, k.valid(k1))
	require.NoError(t, err)

	_, err = b.svc.ChangeBallot(v, k.changed(key(), k2))
	requireAppErr(t, err, apperr.Forbidden, "ballot.key_mismatch", "")
	_, err = b.svc.ChangeBallot(v, k.changed(k1, k1))
	requireAppErr(t, err, apperr.InvalidInput, "ballot.key_invalid", "newBallotKey")
	bad := k.changed(k1, k2)
	bad.Picks[k.stare.ID] = bad.Picks[k.stare.ID][:2]
	_, err = b.svc.ChangeBallot(v, bad)
	requireAppErr(t, err, apperr.InvalidInput, "ballot.picks_exactly", "picks")

	r, err := b.svc.ChangeBallot(v, k.changed(k1, k2))
	require.NoError(t, err)
	require.NotEqual(t, first.BallotID, r.BallotID)
	again, err := b.svc.ChangeBallot(v, k.changed(k1, k2))
	require.NoError(t, err, "the same change again is a retry")
	require.Equal(t, r, again)
	require.Empty(t, r.SurveyToken)

	// The old ballot and its picks are gone; the new one holds the new picks.
	require.Zero(t, b.count(t, `select count(*) from budget_ballots where id = $1`, first.BallotID))
	require.Zero(t, b.count(t, `select count(*) from budget_ballot_picks where ballot_id = $1`, first.BallotID))
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballots`))
	require.Equal(t, 6, b.count(t, `select count(*) from budget_ballot_picks where ballot_id = $1`, r.BallotID))
	require.Equal(t, 1, b.count(t, `select rank from budget_ballot_picks where ballot_id = $1 and project_id = $2`,
		r.BallotID, k.projects[k.stare.ID][0]))
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballot_markers`))

	// The old key no longer names the voter's ballot; the new one does.
	_, err = b.svc.CastBallot(v, k.valid(k1))
	require.ErrorIs(t, err, budget.ErrAlreadyVoted)
	_, err = b.svc.ChangeBallot(v, k.changed(k1, key()))
	requireAppErr(t, err, apperr.Forbidden, "ballot.key_mismatch", "")
	k3 := key()
	_, err = b.svc.ChangeBallot(v, budget.ChangeInput{EditionID: k.edition.ID, BallotKey: k2, NewBallotKey: k3, Picks: k.valid("").Picks})
	require.NoError(t, err)
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballots`))

	// Another voter cannot change it even knowing the key.
	_, err = b.svc.ChangeBallot(b.voter(t, k.edition.ID, "stare-miasto"), k.changed(k3, key()))
	requireAppErr(t, err, apperr.Forbidden, "ballot.key_mismatch", "")
}

func TestChangeBallot_NeedsTheSettingTheAccountChannelAndOpenVoting(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	v := b.voter(t, k.edition.ID, "stare-miasto")
	k1 := key()
	_, err := b.svc.CastBallot(v, k.valid(k1))
	require.NoError(t, err)
	_, err = b.svc.ChangeBallot(v, k.changed(k1, key()))
	requireAppErr(t, err, apperr.Forbidden, "ballot.change_not_allowed", "")

	b.allowChange(t, k)
	// Not on the roll; on the roll without a ballot.
	_, err = b.svc.ChangeBallot(b.verified(t, "CH-"+uuid.NewString()[:8]), k.changed(k1, key()))
	require.ErrorIs(t, err, budget.ErrNotRegistered)
	_, err = b.svc.ChangeBallot(b.voter(t, k.edition.ID, "stare-miasto"), k.changed(k1, key()))
	requireAppErr(t, err, apperr.Forbidden, "ballot.key_mismatch", "")

	// A ballot cast with a voting code (even by an account voter) is not
	// changed through the account.
	codeVoter := b.voter(t, k.edition.ID, "stare-miasto")
	var voterID uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select id from budget_voters where account_id = $1`,
		authz.SubjectFrom(codeVoter).AccountID).Scan(&voterID))
	c, err := b.svc.IssueVotingCode(b.official(t), voterID)
	require.NoError(t, err)
	k2 := key()
	_, err = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(c.Code, k2))
	require.NoError(t, err)
	_, err = b.svc.ChangeBallot(codeVoter, k.changed(k2, key()))
	requireAppErr(t, err, apperr.Forbidden, "ballot.change_not_allowed", "")

	// Only verified residents; only while voting is open.
	_, err = b.svc.ChangeBallot(b.resident(t), k.changed(k1, key()))
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.ChangeBallot(b.anonymous(), k.changed(k1, key()))
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	b.clock.Set(b.clock.Now().Add(8 * 24 * time.Hour))
	_, err = b.svc.ChangeBallot(v, k.changed(k1, key()))
	requireAppErr(t, err, apperr.PhaseClosed, "ballot.voting_closed", "")
	require.Equal(t, 2, b.count(t, `select count(*) from budget_ballots`))
}
