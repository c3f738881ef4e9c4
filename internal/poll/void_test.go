package poll_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/poll"
)

// TestVoidTx_ClosesInvalidWhateverTheVotes: a poll whose owner ceased is
// closed without a decision: its votes stay counted, the outcome is
// invalid with the reason, and it cannot be voted, closed or voided again.
func TestVoidTx_ClosesInvalidWhateverTheVotes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.setElectorate(poll.Electorate{Members: 3})
	p := b.open(t, poll.Input{Rule: simple})
	k1, c1 := b.member(t)
	_, c2 := b.member(t)
	b.cast(t, c1, p.ID, poll.Yes)
	b.cast(t, c2, p.ID, poll.Yes)

	voted, err := b.svc.Voted(b.ctx, b.pool, p, []poll.VoterKey{k1, poll.Person(p.ID)})
	require.NoError(t, err)
	require.Equal(t, map[poll.VoterKey]bool{k1: true}, voted)

	var done bool
	require.NoError(t, db.InTx(b.chair, b.pool, func(tx *db.Tx) error {
		done, err = b.svc.VoidTx(b.chair, tx, p.ID, "dissolved")
		return err
	}))
	require.True(t, done)
	res, err := b.svc.Result(b.chair, p.ID)
	require.NoError(t, err)
	require.Equal(t, poll.Invalid, res.Outcome)
	require.Equal(t, "dissolved", res.Void)
	require.Equal(t, 2, res.Yes, "the votes stay counted")
	_, err = b.svc.Cast(c1, p.ID, poll.CastInput{Choice: poll.No})
	requireErr(t, err, apperr.PhaseClosed, "poll.closed", "")
	_, err = b.svc.Close(b.chair, p.ID)
	requireErr(t, err, apperr.PhaseClosed, "poll.closed", "")
	require.NoError(t, db.InTx(b.chair, b.pool, func(tx *db.Tx) error {
		done, err = b.svc.VoidTx(b.chair, tx, p.ID, "dissolved")
		return err
	}))
	require.False(t, done, "a closed poll stays as it is")
}

// TestOpenTx_NothingWrittenWhenTheDomainRollsBack: a poll opened in the
// domain's transaction goes with it.
func TestOpenTx_NothingWrittenWhenTheDomainRollsBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	boom := errors.New("the domain's own change failed")
	err := db.InTx(b.chair, b.pool, func(tx *db.Tx) error {
		p, err := b.svc.OpenTx(b.chair, tx, b.owner, poll.Input{Rule: simple})
		require.NoError(t, err)
		require.Equal(t, poll.Open, p.Status)
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Equal(t, 0, b.count(t, `select count(*) from polls where owner_id = $1`, b.owner))
}
