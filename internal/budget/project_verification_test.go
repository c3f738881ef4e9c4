package budget_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
)

func TestVerifyProject_NeedsSupportsAndAReasonAndNotifies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pe := b.projectsEdition(t, budget.EditionInput{})
	alice := b.resident(t)
	p, err := b.svc.SubmitProject(alice, pe.submission())
	require.NoError(t, err)
	_, err = b.svc.SupportProject(b.resident(t), p.ID)
	require.NoError(t, err)

	_, err = b.svc.VerifyProject(pe.official, budget.VerifyInput{ProjectID: p.ID, Eligible: true})
	requireAppErr(t, err, apperr.PhaseClosed, "budget.verification_closed", "")
	b.advance(t, pe, budget.StatusVerification)
	_, err = b.svc.VerifyProject(alice, budget.VerifyInput{ProjectID: p.ID, Eligible: true})
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	_, err = b.svc.VerifyProject(pe.official, budget.VerifyInput{ProjectID: p.ID, Eligible: true})
	requireAppErr(t, err, apperr.Conflict, "budget.supports_missing", "")
	_, err = b.svc.VerifyProject(pe.official, budget.VerifyInput{ProjectID: p.ID, Eligible: false})
	requireAppErr(t, err, apperr.InvalidInput, "budget.reason_required", "reason")

	p, err = b.svc.VerifyProject(pe.official, budget.VerifyInput{ProjectID: p.ID, Eligible: false, Reason: "Teren prywatny"})
	require.NoError(t, err)
	require.Equal(t, budget.ProjectIneligible, p.Status)
	require.Equal(t, "Teren prywatny", p.DecisionReason)

	// Enough supports: the decision may be changed during verification.
	_, err = b.svc.SupportProject(b.resident(t), p.ID)
	require.NoError(t, err)
	cost := int64(150_00)
	p, err = b.svc.VerifyProject(pe.official, budget.VerifyInput{ProjectID: p.ID, Eligible: true, VerifiedCost: &cost})
	require.NoError(t, err)
	require.Equal(t, budget.ProjectEligible, p.Status)
	require.Equal(t, cost, p.Cost)
	require.Equal(t, int64(100_00), p.CostEstimate)
	projects, err := b.svc.Projects(b.anonymous(), pe.city.ID)
	require.NoError(t, err)
	require.Len(t, projects, 1)

	got := b.projectNotices(t, alice, budget.NoticeProjectVerified, 2)
	decisions := []string{got[0].Data["decision"], got[1].Data["decision"]}
	require.ElementsMatch(t, []string{"eligible", "ineligible"}, decisions)
	require.Equal(t, []string{"budget.project_submit", "budget.project_verify", "budget.project_verify"}, b.auditActions(t, p.ID))
}

func TestAppeal_OnceOnlyIneligibleInTheWindowThenVotingOpens(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := b.clock.Now()
	appealsClose := now.Add(10 * 24 * time.Hour)
	pe := b.projectsEdition(t, budget.EditionInput{AppealsCloseAt: &appealsClose})
	alice, bob := b.resident(t), b.resident(t)
	in := pe.submission()
	in.PoolID = pe.district.ID // no supports required
	good, err := b.svc.SubmitProject(alice, in)
	require.NoError(t, err)
	bad, err := b.svc.SubmitProject(alice, in)
	require.NoError(t, err)
	unverified, err := b.svc.SubmitProject(bob, in)
	require.NoError(t, err)
	b.advance(t, pe, budget.StatusVerification)
	_, err = b.svc.VerifyProject(pe.official, budget.VerifyInput{ProjectID: good.ID, Eligible: true})
	require.NoError(t, err)
	_, err = b.svc.VerifyProject(pe.official, budget.VerifyInput{ProjectID: bad.ID, Reason: "Za drogi w utrzymaniu"})
	require.NoError(t, err)
	_, err = b.svc.AppealDecision(alice, bad.ID, "Koszt utrzymania jest niski")
	requireAppErr(t, err, apperr.PhaseClosed, "budget.appeals_closed", "")
	b.advance(t, pe, budget.StatusAppeals)

	_, err = b.svc.AppealDecision(alice, good.ID, "?")
	requireAppErr(t, err, apperr.Conflict, "budget.project_status", "")
	_, err = b.svc.AppealDecision(bob, bad.ID, "Nie moje")
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	_, err = b.svc.AppealDecision(alice, bad.ID, "")
	requireAppErr(t, err, apperr.InvalidInput, "budget.reason_required", "reason")
	p, err := b.svc.AppealDecision(alice, bad.ID, "Koszt utrzymania jest niski")
	require.NoError(t, err)
	require.Equal(t, budget.AppealPending, p.Appeal.Status)
	_, err = b.svc.AppealDecision(alice, bad.ID, "Jeszcze raz")
	requireAppErr(t, err, apperr.Conflict, "budget.appeal_exists", "")

	// Voting cannot open while an appeal is undecided.
	_, err = b.svc.OpenVoting(pe.official, pe.edition.ID)
	requireAppErr(t, err, apperr.Conflict, "budget.appeals_pending", "")
	_, err = b.svc.DecideAppeal(alice, bad.ID, true, "Sam sobie")
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	p, err = b.svc.DecideAppeal(pe.official, bad.ID, true, "Koszt utrzymania policzono błędnie")
	require.NoError(t, err)
	require.Equal(t, budget.ProjectEligible, p.Status)
	require.Equal(t, budget.AppealUpheld, p.Appeal.Status)
	require.Equal(t, "Koszt utrzymania policzono błędnie", p.Appeal.DecisionReason)
	_, err = b.svc.DecideAppeal(pe.official, bad.ID, false, "Jednak nie")
	requireAppErr(t, err, apperr.Conflict, "budget.appeal_decided", "")
	require.Equal(t, "upheld", b.projectNotices(t, alice, budget.NoticeAppealDecided, 1)[0].Data["decision"])
	require.Equal(t, []string{"budget.project_submit", "budget.project_verify", "budget.project_appeal", "budget.appeal_decide"},
		b.auditActions(t, bad.ID))

	// After the appeals' date nothing more is appealed.
	b.clock.Set(appealsClose)
	_, err = b.svc.AppealDecision(bob, unverified.ID, "Późno")
	requireAppErr(t, err, apperr.PhaseClosed, "budget.appeals_closed", "")

	// The city pool has no eligible project: voting needs one in every pool.
	_, err = b.svc.OpenVoting(pe.official, pe.edition.ID)
	requireAppErr(t, err, apperr.InvalidInput, "budget.pool_empty", "pools")
	var imported uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into budget_projects (pool_id, code, title, cost) values ($1, 'IMPORT.1', 'Import', 100)
		returning id`, pe.city.ID).Scan(&imported))
	b.clock.Set(*pe.edition.VotingOpensAt)
	e, err := b.svc.OpenVoting(pe.official, pe.edition.ID)
	require.NoError(t, err)
	require.Equal(t, budget.StatusVoting, e.Status)

	// Only eligible projects are on the ballot; the rest may not be withdrawn any more.
	projects, err := b.svc.Projects(b.anonymous(), pe.district.ID)
	require.NoError(t, err)
	var ids []uuid.UUID
	for _, p := range projects {
		ids = append(ids, p.ID)
	}
	require.ElementsMatch(t, []uuid.UUID{good.ID, bad.ID}, ids)
	voter := b.voter(t, pe.edition.ID, "stare-miasto")
	_, err = b.svc.CastBallot(voter, budget.BallotInput{EditionID: pe.edition.ID, BallotKey: key(),
		Picks: map[uuid.UUID][]uuid.UUID{pe.city.ID: {imported}, pe.district.ID: {unverified.ID}}})
	requireAppErr(t, err, apperr.InvalidInput, "ballot.project_not_in_pool", "picks")
	_, err = b.svc.CastBallot(voter, budget.BallotInput{EditionID: pe.edition.ID, BallotKey: key(),
		Picks: map[uuid.UUID][]uuid.UUID{pe.city.ID: {imported}, pe.district.ID: {bad.ID}}})
	require.NoError(t, err)
	_, err = b.svc.WithdrawProject(alice, good.ID, "")
	requireAppErr(t, err, apperr.PhaseClosed, "budget.voting_started", "")
}
