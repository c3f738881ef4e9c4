package budget_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/pb"
	"github.com/otwarty/otwarty/internal/pb/pbtest"
)

// The 1,726 real Stare Miasto ballots, cast one by one through CastBallot by
// 1,726 verified account voters, give the district's 5 official winners.
func TestResults_StareMiastoRealBallotsGiveOfficialWinners(t *testing.T) {
	t.Parallel()
	in, err := pb.ReadFile(pbtest.File(t, "Poland_Krakow_2024_Stare_Miasto.pb"))
	require.NoError(t, err)
	require.Len(t, in.Votes, 1726)
	b := setup(t)
	ctx := b.official(t)
	opens, closes := b.clock.Now().Add(-time.Hour), b.clock.Now().Add(14*24*time.Hour)
	e, err := b.svc.CreateEdition(ctx, budget.EditionInput{UnitID: b.unitID, Year: 2024, VotingOpensAt: &opens, VotingClosesAt: &closes})
	require.NoError(t, err)
	budgetGr, err := in.Budget()
	require.NoError(t, err)
	// A city-wide pool these ballots do not need (optional), and the district.
	city, err := b.svc.CreatePool(ctx, e.ID, budget.PoolInput{Name: "Ogólnomiejski", Kind: budget.KindCity, Budget: 1_000_000_00,
		Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 3, BallotKind: budget.BallotRanked})
	require.NoError(t, err)
	_, err = b.svc.CreateProject(ctx, city.ID, budget.ProjectInput{Code: "BO.OM.97/24", Title: "Zielone podwórka", Cost: 500_000_00})
	require.NoError(t, err)
	district, err := b.svc.CreatePool(ctx, e.ID, budget.PoolInput{Name: "Stare Miasto", Kind: budget.KindDistrict,
		District: "stare-miasto", Budget: budgetGr, Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 3,
		BallotKind: budget.BallotRanked, Points: []int64{3, 2, 1}, Required: true})
	require.NoError(t, err)
	byCode := map[string]uuid.UUID{}
	for _, p := range in.Projects {
		pr, err := b.svc.CreateProject(ctx, district.ID, budget.ProjectInput{Code: p.ID, Title: p.Fields["name"], Cost: p.Cost})
		require.NoError(t, err)
		byCode[p.ID] = pr.ID
	}
	require.Len(t, byCode, 20)
	_, err = b.svc.OpenVoting(ctx, e.ID)
	require.NoError(t, err)

	// 1,726 verified accounts with synthetic identifiers, made in bulk.
	n := len(in.Votes)
	hashes := make([][]byte, n)
	for i := range n {
		hashes[i], _, err = hashIdentifier(identity.IdentifierOther, fmt.Sprintf("SM2024-%05d", i))
		require.NoError(t, err)
	}
	var accounts []uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `with a as (
			insert into accounts (email, email_confirmed_at, password_hash, display_name, locale)
			select 'sm-' || i || '@otwarty.test', now(), 'x', 'Voter ' || i, 'pl' from generate_series(1, $1) i returning id)
		select array_agg(id order by id) from a`, n).Scan(&accounts))
	_, err = b.pool.Exec(b.ctx, `insert into verifications (account_id, identifier_hash, key_id, method)
		select a, h, 'k1', 'in_person' from unnest($1::uuid[], $2::bytea[]) as x(a, h)`, accounts, hashes)
	require.NoError(t, err)

	var wg sync.WaitGroup
	jobs := make(chan int)
	errs := make(chan error, n)
	for range 16 {
		wg.Go(func() {
			for i := range jobs {
				voter := b.as(authz.Subject{AccountID: accounts[i], Confirmed: true, Verified: true})
				if _, err := b.svc.RegisterAccountVoter(voter, e.ID, "stare-miasto"); err != nil {
					errs <- err
					continue
				}
				var picks []uuid.UUID
				for _, code := range in.Votes[i].Projects {
					picks = append(picks, byCode[code])
				}
				_, err := b.svc.CastBallot(voter, budget.BallotInput{EditionID: e.ID, BallotKey: fmt.Sprintf("stare-miasto-ballot-%05d", i),
					Picks: map[uuid.UUID][]uuid.UUID{district.ID: picks}})
				if err != nil {
					errs <- fmt.Errorf("ballot %s: %w", in.Votes[i].VoterID, err)
				}
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	// Counting needs the vote closed; staff only.
	_, err = b.svc.ComputeResults(ctx, e.ID)
	requireAppErr(t, err, apperr.PhaseClosed, "budget.not_closed", "")
	_, err = b.svc.CloseVoting(b.resident(t), e.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.CloseVoting(ctx, e.ID)
	require.NoError(t, err)
	results, err := b.svc.ComputeResults(ctx, e.ID)
	require.NoError(t, err)
	require.Len(t, results, 2)
	require.Equal(t, city.ID, results[0].PoolID)
	require.Zero(t, results[0].Ballots)
	require.Empty(t, results[0].Selected)

	r := results[1]
	require.Equal(t, district.ID, r.PoolID)
	require.Equal(t, 1726, r.Ballots)
	var winners []uuid.UUID
	for _, code := range []string{"BO.D1.3/24", "BO.D1.24/24", "BO.D1.27/24", "BO.D1.5/24", "BO.D1.25/24"} {
		winners = append(winners, byCode[code])
	}
	require.Equal(t, winners, r.Selected)
	require.Equal(t, int64(1_545_000_00), r.Cost)
	// Every project's score and votes equal the file's.
	require.Len(t, r.Projects, 20)
	scores, votes := pb.Scores(in, nil), pb.Votes(in)
	for _, p := range r.Projects {
		require.Equal(t, scores[p.Code], p.Score, p.Code)
		require.Equal(t, votes[p.Code], p.Votes, p.Code)
	}
	require.Equal(t, 1, r.Projects[slicesIndex(r.Projects, "BO.D1.3/24")].Position)

	// Provisional results: staff only until published, then anyone.
	_, err = b.svc.Results(b.anonymous(), e.ID)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.Results(b.resident(t), e.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	// Publication needs the commission's two signatures (no deciding ties
	// here, so no notes).
	_, err = b.svc.PublishResults(ctx, e.ID)
	requireAppErr(t, err, apperr.Conflict, "budget.not_certified", "")
	for _, member := range []context.Context{ctx, b.official(t)} {
		_, err = b.svc.Certify(member, budget.CertifyInput{EditionID: e.ID})
		require.NoError(t, err)
	}
	_, err = b.svc.PublishResults(ctx, e.ID)
	require.NoError(t, err)
	public, err := b.svc.Results(b.anonymous(), e.ID)
	require.NoError(t, err)
	require.Equal(t, results, public)
}

func slicesIndex(ps []budget.ProjectResult, code string) int {
	for i, p := range ps {
		if p.Code == code {
			return i
		}
	}
	return -1
}

// Equal Shares on approval ballots: 6 voters approve A (70) and C (30), 4
// approve B (30); budget 100, so each voter holds 10. The six pay 5 each for
// C, then cannot afford A with 30 left; the four pay 7.5 each for B. Greedy
// by approvals would take C and A and leave the four with nothing.
func TestResults_EqualSharesPool(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := b.official(t)
	opens, closes := b.clock.Now().Add(-time.Hour), b.clock.Now().Add(time.Hour)
	e, err := b.svc.CreateEdition(ctx, budget.EditionInput{UnitID: b.unitID, Year: 2023, VotingOpensAt: &opens, VotingClosesAt: &closes})
	require.NoError(t, err)
	pool, err := b.svc.CreatePool(ctx, e.ID, budget.PoolInput{Name: "Wieliczka", Kind: budget.KindDistrict, District: "wieliczka",
		Budget: 100_00, Rule: "mes", PickMode: budget.PickAtMost, PickCount: 3, BallotKind: budget.BallotApproval, Required: true})
	require.NoError(t, err)
	ids := map[string]uuid.UUID{}
	for code, cost := range map[string]int64{"A": 70_00, "B": 30_00, "C": 30_00} {
		p, err := b.svc.CreateProject(ctx, pool.ID, budget.ProjectInput{Code: code, Title: code, Cost: cost})
		require.NoError(t, err)
		ids[code] = p.ID
	}
	_, err = b.svc.OpenVoting(ctx, e.ID)
	require.NoError(t, err)
	for i := range 10 {
		picks := []uuid.UUID{ids["A"], ids["C"]}
		if i >= 6 {
			picks = []uuid.UUID{ids["B"]}
		}
		_, err := b.svc.CastBallot(b.voter(t, e.ID, "wieliczka"), budget.BallotInput{EditionID: e.ID, BallotKey: key(),
			Picks: map[uuid.UUID][]uuid.UUID{pool.ID: picks}})
		require.NoError(t, err)
	}
	_, err = b.svc.CloseVoting(ctx, e.ID)
	require.NoError(t, err)
	results, err := b.svc.ComputeResults(ctx, e.ID)
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.Equal(t, []uuid.UUID{ids["C"], ids["B"]}, results[0].Selected)
	require.Equal(t, int64(60_00), results[0].Cost)
	require.Equal(t, "mes", results[0].Rule)
}

func TestEdition_StaffManageDrafts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	in := budget.EditionInput{UnitID: b.unitID, Year: 2025, LiveThreshold: 20}

	_, err := b.svc.CreateEdition(b.resident(t), in)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.CreateEdition(b.anonymous(), in)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	e, err := b.svc.CreateEdition(official, in)
	require.NoError(t, err)
	require.Equal(t, budget.StatusDraft, e.Status)
	require.Equal(t, "PLN", e.Currency)
	require.Equal(t, 20, e.LiveThreshold)

	// A draft is invisible to residents.
	_, err = b.svc.Edition(b.resident(t), e.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	coordinator := b.staff(t, authz.RoleCoordinator, authz.GlobalDomain)
	_, err = b.svc.Edition(coordinator, e.ID)
	require.NoError(t, err)

	_, err = b.svc.CreatePool(official, e.ID, budget.PoolInput{Name: "X", Kind: budget.KindCity, Budget: 1, Rule: "mes",
		PickMode: budget.PickExactly, PickCount: 3, BallotKind: budget.BallotRanked})
	requireAppErr(t, err, apperr.InvalidInput, "budget.rule_needs_approval", "rule")
	_, err = b.svc.CreatePool(official, e.ID, budget.PoolInput{Name: "X", Kind: budget.KindCity, Budget: 1, Rule: "lottery",
		PickMode: budget.PickExactly, PickCount: 3, BallotKind: budget.BallotApproval})
	requireAppErr(t, err, apperr.InvalidInput, "budget.rule_invalid", "rule")
	// Opening needs the window and a project in every pool.
	_, err = b.svc.OpenVoting(official, e.ID)
	requireAppErr(t, err, apperr.InvalidInput, "budget.schedule_missing", "votingOpensAt")
	opens, closes := b.clock.Now(), b.clock.Now().Add(time.Hour)
	in.VotingOpensAt, in.VotingClosesAt = &opens, &closes
	_, err = b.svc.UpdateEdition(official, e.ID, in)
	require.NoError(t, err)
	pool, err := b.svc.CreatePool(official, e.ID, budget.PoolInput{Name: "Miasto", Kind: budget.KindCity, Budget: 1000,
		Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 1, BallotKind: budget.BallotRanked, Required: true})
	require.NoError(t, err)
	require.Equal(t, []int64{1}, pool.Points)
	_, err = b.svc.CreatePool(official, e.ID, budget.PoolInput{Name: "Miasto 2", Kind: budget.KindCity, Budget: 1000,
		Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 1, BallotKind: budget.BallotRanked})
	requireAppErr(t, err, apperr.InvalidInput, "budget.pool_duplicate", "district")
	_, err = b.svc.OpenVoting(official, e.ID)
	requireAppErr(t, err, apperr.InvalidInput, "budget.pool_empty", "pools")
	project, err := b.svc.CreateProject(official, pool.ID, budget.ProjectInput{Code: "BO.OM.1/25", Title: "Ławki", Cost: 500})
	require.NoError(t, err)
	_, err = b.svc.CreateProject(official, pool.ID, budget.ProjectInput{Code: "BO.OM.1/25", Title: "Inne", Cost: 500})
	requireAppErr(t, err, apperr.InvalidInput, "budget.code_duplicate", "code")
	_, err = b.svc.UpdateProject(official, project.ID, budget.ProjectInput{Code: "BO.OM.1/25", Title: "Ławki i kosze", Cost: 700})
	require.NoError(t, err)
	_, err = b.svc.CreateProject(b.resident(t), pool.ID, budget.ProjectInput{Code: "BO.OM.2/25", Title: "Moje", Cost: 500})
	require.ErrorIs(t, err, apperr.ErrNotFound)

	e, err = b.svc.OpenVoting(official, e.ID)
	require.NoError(t, err)
	require.Equal(t, budget.StatusVoting, e.Status)
	// Voting: anyone reads the edition; nothing is edited any more.
	_, err = b.svc.Edition(b.anonymous(), e.ID)
	require.NoError(t, err)
	_, err = b.svc.UpdateEdition(official, e.ID, in)
	requireAppErr(t, err, apperr.PhaseClosed, "budget.not_draft", "")
	_, err = b.svc.UpdatePool(official, pool.ID, budget.PoolInput{Name: "Miasto", Kind: budget.KindCity, Budget: 2000,
		Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 1, BallotKind: budget.BallotRanked})
	requireAppErr(t, err, apperr.PhaseClosed, "budget.not_draft", "")
	_, err = b.svc.CreateProject(official, pool.ID, budget.ProjectInput{Code: "BO.OM.3/25", Title: "Późny", Cost: 500})
	requireAppErr(t, err, apperr.PhaseClosed, "budget.not_draft", "")
	_, err = b.svc.PublishResults(official, e.ID)
	requireAppErr(t, err, apperr.PhaseClosed, "budget.status_invalid", "")
	projects, err := b.svc.Projects(b.anonymous(), pool.ID)
	require.NoError(t, err)
	require.Len(t, projects, 1)
	require.Equal(t, project.ID, projects[0].ID)
	require.Equal(t, pool.ID, projects[0].PoolID)
	require.Equal(t, budget.ProjectInput{Code: "BO.OM.1/25", Title: "Ławki i kosze", Cost: 700}, projects[0].ProjectInput)
	require.Equal(t, budget.ProjectEligible, projects[0].Status) // staff-entered projects are eligible
}
