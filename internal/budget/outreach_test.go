package budget_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
)

func TestFollow_PublicEditionsOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	draft, err := b.svc.CreateEdition(official, budget.EditionInput{UnitID: b.unitID, Year: 2026})
	require.NoError(t, err)
	resident := b.resident(t)
	_, err = b.svc.Follow(resident, draft.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Follow(official, draft.ID)
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")

	k := b.krakowEdition(t)
	_, err = b.svc.Follow(b.anonymous(), k.edition.ID)
	require.Equal(t, apperr.Unauthenticated, apperr.CodeOf(err))
	for range 2 { // following twice changes nothing
		_, err = b.svc.Follow(resident, k.edition.ID)
		require.NoError(t, err)
	}
	_, err = b.svc.Follow(b.as(authz.Subject{AccountID: b.account(t)}), k.edition.ID)
	require.NoError(t, err, "an unconfirmed account may follow")
	n, mine, err := b.svc.Followers(resident, k.edition.ID)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.True(t, mine)
	_, err = b.svc.Unfollow(resident, k.edition.ID)
	require.NoError(t, err)
	n, mine, err = b.svc.Followers(resident, k.edition.ID)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.False(t, mine)
}

// votingEdition is an edition with one city pool of one project whose vote
// was opened by an official, with the window given.
func (b *bundle) votingEdition(t *testing.T, opens, closes time.Time) (*budget.Edition, budget.BallotInput) {
	t.Helper()
	official := b.official(t)
	e, err := b.svc.CreateEdition(official, budget.EditionInput{UnitID: b.unitID, Year: 2024, VotingOpensAt: &opens, VotingClosesAt: &closes})
	require.NoError(t, err)
	p, err := b.svc.CreatePool(official, e.ID, budget.PoolInput{Name: "Miasto", Kind: budget.KindCity, Budget: 100_00,
		Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 1, BallotKind: budget.BallotRanked, Required: true})
	require.NoError(t, err)
	pr, err := b.svc.CreateProject(official, p.ID, budget.ProjectInput{Code: "P1", Title: "Park", Cost: 50_00})
	require.NoError(t, err)
	d, err := b.svc.CreatePool(official, e.ID, budget.PoolInput{Name: "Krowodrza", Kind: budget.KindDistrict, District: "krowodrza",
		Budget: 100_00, Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 1, BallotKind: budget.BallotRanked})
	require.NoError(t, err)
	_, err = b.svc.CreateProject(official, d.ID, budget.ProjectInput{Code: "D1", Title: "Skwer", Cost: 50_00})
	require.NoError(t, err)
	e, err = b.svc.OpenVoting(official, e.ID)
	require.NoError(t, err)
	return e, budget.BallotInput{EditionID: e.ID, Picks: map[uuid.UUID][]uuid.UUID{p.ID: {pr.ID}}}
}

// runReminder makes the edition's scheduled voting reminder due now and
// waits until River has worked it.
func (b *bundle) runReminder(t *testing.T, editionID uuid.UUID, reminder string) {
	t.Helper()
	_, err := b.pool.Exec(b.ctx, `update river_job set scheduled_at = now() where kind = $1 and state = 'scheduled'
		and args->>'edition_id' = $2 and args->>'reminder' = $3`, budget.JobVotingReminder, editionID.String(), reminder)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var left int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1 and state <> 'completed'
			and args->>'edition_id' = $2 and args->>'reminder' = $3`, budget.JobVotingReminder, editionID.String(), reminder).Scan(&left))
		return left == 0
	}, 10*time.Second, 50*time.Millisecond)
}

func TestVotingReminders_OpenedToFollowersClosingSkipsVoters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := b.clock.Now().Truncate(time.Second)
	// Announced for tomorrow: followers join before the window opens.
	opens, closes := now.Add(24*time.Hour), now.Add(6*24*time.Hour)
	e, ballot := b.votingEdition(t, opens, closes)
	var at time.Time
	require.NoError(t, b.pool.QueryRow(b.ctx, `select scheduled_at from river_job where kind = $1 and args->>'reminder' = 'closing'`,
		budget.JobVotingReminder).Scan(&at))
	require.True(t, budget.ClosingReminderAt(closes).Equal(at), "%v", at)
	require.Equal(t, closes.In(budget.Warsaw).Hour(), at.In(budget.Warsaw).Hour(), "same Warsaw wall-clock time")
	require.Equal(t, closes.In(budget.Warsaw).AddDate(0, 0, -2).Format(time.DateOnly), at.In(budget.Warsaw).Format(time.DateOnly))

	voter := b.voter(t, e.ID, "krowodrza")
	idle := b.voter(t, e.ID, "krowodrza")
	for _, ctx := range []context.Context{voter, idle, b.resident(t)} {
		_, err := b.svc.Follow(ctx, e.ID)
		require.NoError(t, err)
	}
	b.runReminder(t, e.ID, budget.ReminderVotingOpened)
	b.eventuallyNotices(t, budget.NoticeVotingOpened, 3)

	b.clock.Set(opens.Add(time.Hour))
	ballot.BallotKey = key()
	_, err := b.svc.CastBallot(voter, ballot)
	require.NoError(t, err)
	b.runReminder(t, e.ID, budget.ReminderVotingClosing)
	b.eventuallyNotices(t, budget.NoticeVotingClosing, 2)
	var voterID uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select account_id from budget_voters v join budget_ballot_markers m on m.voter_id = v.id`).Scan(&voterID))
	var told int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from notifications where kind = $1 and account_id = $2`,
		budget.NoticeVotingClosing, voterID).Scan(&told))
	require.Zero(t, told, "a follower who voted is not reminded")
	require.Equal(t, authz.SubjectFrom(voter).AccountID, voterID)
}

func TestVotingReminders_StaleWhenTheVoteClosed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := b.clock.Now().Truncate(time.Second)
	e, _ := b.votingEdition(t, now.Add(time.Hour), now.Add(5*24*time.Hour))
	_, err := b.svc.Follow(b.resident(t), e.ID)
	require.NoError(t, err)
	_, err = b.svc.CloseVoting(b.official(t), e.ID)
	require.NoError(t, err)
	b.runReminder(t, e.ID, budget.ReminderVotingOpened)
	b.runReminder(t, e.ID, budget.ReminderVotingClosing)
	require.Zero(t, b.notices(t, budget.NoticeVotingOpened))
	require.Zero(t, b.notices(t, budget.NoticeVotingClosing))
}

func TestVotingReminders_NoClosingReminderForAShortWindow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := b.clock.Now()
	e, _ := b.votingEdition(t, now.Add(-time.Hour), now.Add(24*time.Hour))
	var kinds []string
	rows, err := b.pool.Query(b.ctx, `select args->>'reminder' from river_job where kind = $1 and args->>'edition_id' = $2`,
		budget.JobVotingReminder, e.ID.String())
	require.NoError(t, err)
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		kinds = append(kinds, k)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{budget.ReminderVotingOpened}, kinds)
}
