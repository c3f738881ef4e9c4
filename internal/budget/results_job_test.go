package budget_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/pgtest"
)

// small is an edition with one pool, open for voting until closes.
type small struct {
	edition *budget.Edition
	pool    *budget.Pool
	ids     map[string]uuid.UUID // project code → id
}

// smallEdition opens an edition with one district pool "d" of the given
// rule and ballot, with projects code → cost, voting until closes.
func (b *bundle) smallEdition(t *testing.T, official context.Context, in budget.PoolInput, costs map[string]int64, closes time.Time) *small {
	t.Helper()
	opens := b.clock.Now().Add(-time.Hour)
	e, err := b.svc.CreateEdition(official, budget.EditionInput{UnitID: b.unitID, Year: 2025, VotingOpensAt: &opens, VotingClosesAt: &closes,
		LiveThreshold: 1})
	require.NoError(t, err)
	in.Name, in.Kind, in.District, in.Required = "Dzielnica", budget.KindDistrict, "d", true
	p, err := b.svc.CreatePool(official, e.ID, in)
	require.NoError(t, err)
	s := &small{pool: p, ids: map[string]uuid.UUID{}}
	for code, cost := range costs {
		pr, err := b.svc.CreateProject(official, p.ID, budget.ProjectInput{Code: code, Title: "Projekt " + code, Cost: cost})
		require.NoError(t, err)
		s.ids[code] = pr.ID
	}
	s.edition, err = b.svc.OpenVoting(official, e.ID)
	require.NoError(t, err)
	return s
}

// vote casts a ballot of a new voter of district "d" choosing codes.
func (s *small) vote(t *testing.T, b *bundle, codes ...string) budget.Receipt {
	t.Helper()
	var picks []uuid.UUID
	for _, c := range codes {
		picks = append(picks, s.ids[c])
	}
	r, err := b.svc.CastBallot(b.voter(t, s.edition.ID, "d"), budget.BallotInput{EditionID: s.edition.ID, BallotKey: key(),
		Picks: map[uuid.UUID][]uuid.UUID{s.pool.ID: picks}})
	require.NoError(t, err)
	return r
}

// tiePool: A and B cost 30 each, C 10, budget 50, one ranked pick.
func tiePool() (budget.PoolInput, map[string]int64) {
	return budget.PoolInput{Budget: 50_00, Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 1,
		BallotKind: budget.BallotRanked}, map[string]int64{"A": 30_00, "B": 30_00, "C": 10_00}
}

// closeNow makes the edition's scheduled close run now (the end of its
// window has come) and returns the time it was due.
func (b *bundle) closeNow(t *testing.T, edition uuid.UUID) time.Time {
	t.Helper()
	return pgtest.RunScheduledNow(t, b.pool, budget.JobCloseVoting, edition.String())
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		require.True(t, time.Now().Before(deadline), "timed out waiting for %s", what)
		time.Sleep(50 * time.Millisecond)
	}
}

// The close job closes the vote at the end of the window; closing enqueues
// the results job, which counts as the system and tells the officials.
func TestResultsJob_ClosesOnScheduleAndComputes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	var officialID uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select account_id from role_grants where domain = $1 and role = 'official'`,
		"org:"+b.unitID.String()).Scan(&officialID))
	in, costs := tiePool()
	closes := time.Now().Add(time.Hour).Truncate(time.Microsecond)
	s := b.smallEdition(t, official, in, costs, closes)
	s.vote(t, b, "A")
	s.vote(t, b, "B")
	s.vote(t, b, "C")
	st, err := b.svc.ResultState(official, s.edition.ID)
	require.NoError(t, err)
	require.Nil(t, st.ComputedAt)
	require.Zero(t, st.Computation)

	// The close is a River job scheduled at the end of the window; its time
	// comes when the ballots are in.
	scheduledAt := b.closeNow(t, s.edition.ID)
	require.True(t, scheduledAt.Equal(closes), "close scheduled at %v, want %v", scheduledAt, closes)

	waitFor(t, "results computed", func() bool {
		st, err = b.svc.ResultState(official, s.edition.ID)
		require.NoError(t, err)
		return st.ComputedAt != nil
	})
	require.Equal(t, 1, st.Computation)
	e, err := b.svc.Edition(official, s.edition.ID)
	require.NoError(t, err)
	require.Equal(t, budget.StatusClosed, e.Status)
	results, err := b.svc.Results(official, s.edition.ID)
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.Equal(t, 3, results[0].Ballots)
	// Scores 1/1/1: C (cheapest) then A (code before B); B no longer fits
	// though it would have had it come first: a deciding tie.
	require.Equal(t, []uuid.UUID{s.ids["C"], s.ids["A"]}, results[0].Selected)
	require.Equal(t, []budget.TieBreak{{Score: 1, Selected: []uuid.UUID{s.ids["C"], s.ids["A"]}, PassedOver: []uuid.UUID{s.ids["B"]}}},
		results[0].TieBreaks)
	var computedBy *uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select computed_by from budget_results where pool_id = $1`, s.pool.ID).Scan(&computedBy))
	require.Nil(t, computedBy, "the job counts as the system")
	waitFor(t, "official notified", func() bool {
		var n int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from notifications where account_id = $1 and kind = 'budget_results_ready'
			and data->>'computation' = '1'`, officialID).Scan(&n))
		return n == 1
	})
}

// A close job whose edition was closed by hand does nothing: the vote is
// counted once (by the job the hand close enqueued).
func TestResultsJob_StaleCloseIsNoOp(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	in, costs := tiePool()
	s := b.smallEdition(t, official, in, costs, time.Now().Add(time.Hour))
	s.vote(t, b, "A")
	_, err := b.svc.CloseVoting(official, s.edition.ID)
	require.NoError(t, err)
	// The end of the window comes: the scheduled close runs now.
	b.closeNow(t, s.edition.ID)
	waitFor(t, "close job done", func() bool {
		var n int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1 and state = 'completed'
			and args->>'object_id' = $2`, budget.JobCloseVoting, s.edition.ID.String()).Scan(&n))
		return n == 1
	})
	waitFor(t, "results job done", func() bool {
		var n int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1 and state = 'completed'
			and args->>'edition_id' = $2`, budget.JobComputeResults, s.edition.ID.String()).Scan(&n))
		return n == 1
	})
	st, err := b.svc.ResultState(official, s.edition.ID)
	require.NoError(t, err)
	require.Equal(t, 1, st.Computation)
	var audits int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'budget.status' and object_id = $1
		and data->>'to' = 'closed'`, s.edition.ID.String()).Scan(&audits))
	require.Equal(t, 1, audits)
}

// A recount is a new computation: it voids the signatures of the last,
// and publication needs them again.
func TestResults_RecomputeVoidsSignatures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	in, costs := tiePool()
	s := b.smallEdition(t, official, in, costs, time.Now().Add(time.Hour))
	s.vote(t, b, "C")
	_, err := b.svc.CloseVoting(official, s.edition.ID)
	require.NoError(t, err)
	_, err = b.svc.ComputeResults(official, s.edition.ID)
	require.NoError(t, err)
	for range 2 {
		_, err := b.svc.Certify(b.official(t), budget.CertifyInput{EditionID: s.edition.ID})
		require.NoError(t, err)
	}
	c, err := b.svc.Certification(official, s.edition.ID)
	require.NoError(t, err)
	require.True(t, c.Certified())
	computation := c.Computation

	_, err = b.svc.ComputeResults(official, s.edition.ID)
	require.NoError(t, err)
	c, err = b.svc.Certification(official, s.edition.ID)
	require.NoError(t, err)
	require.Nil(t, c)
	st, err := b.svc.ResultState(official, s.edition.ID)
	require.NoError(t, err)
	require.Equal(t, computation+1, st.Computation)
	_, err = b.svc.PublishResults(official, s.edition.ID)
	requireAppErr(t, err, apperr.Conflict, "budget.not_certified", "")
}
