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
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// projectsEdition is an edition in its submission phase: a city-wide pool
// (projects of 10–500 zł, 2 supports required) and a district pool; the
// vote's window is set.
type projectsEdition struct {
	official       context.Context
	edition        *budget.Edition
	city, district *budget.Pool
}

func (b *bundle) projectsEdition(t *testing.T, in budget.EditionInput) *projectsEdition {
	t.Helper()
	ctx := b.official(t)
	now := b.clock.Now()
	in.UnitID, in.Year = b.unitID, 2025
	if in.VotingOpensAt == nil {
		opens, closes := now.Add(30*24*time.Hour), now.Add(40*24*time.Hour)
		in.VotingOpensAt, in.VotingClosesAt = &opens, &closes
	}
	e, err := b.svc.CreateEdition(ctx, in)
	require.NoError(t, err)
	lo, hi := int64(10_00), int64(500_00)
	city, err := b.svc.CreatePool(ctx, e.ID, budget.PoolInput{Name: "Ogólnomiejski", Kind: budget.KindCity, Budget: 1000_00,
		Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 1, BallotKind: budget.BallotRanked, Required: true,
		MinProjectCost: &lo, MaxProjectCost: &hi, SupportsRequired: 2})
	require.NoError(t, err)
	district, err := b.svc.CreatePool(ctx, e.ID, budget.PoolInput{Name: "Stare Miasto", Kind: budget.KindDistrict,
		District: "stare-miasto", Budget: 1000_00, Rule: budget.RuleGreedy, PickMode: budget.PickAtMost, PickCount: 1,
		BallotKind: budget.BallotRanked})
	require.NoError(t, err)
	e, err = b.svc.AdvanceEdition(ctx, e.ID, budget.StatusSubmission)
	require.NoError(t, err)
	return &projectsEdition{official: ctx, edition: e, city: city, district: district}
}

// submission is a valid resident's project in the city pool.
func (pe *projectsEdition) submission() budget.SubmitInput {
	return budget.SubmitInput{EditionID: pe.edition.ID, PoolID: pe.city.ID, ProposerBirthDate: "1990-05-01",
		ProjectText: budget.ProjectText{Title: "Ławki na Plantach", Description: "Nowe ławki wzdłuż Plant.", Locale: i18n.PL,
			Cost: 100_00, Location: "Planty"}}
}

func (b *bundle) advance(t *testing.T, pe *projectsEdition, to budget.Status) {
	t.Helper()
	e, err := b.svc.AdvanceEdition(pe.official, pe.edition.ID, to)
	require.NoError(t, err)
	pe.edition = e
}

func accountOf(ctx context.Context) uuid.UUID { return authz.SubjectFrom(ctx).AccountID }

// ngo returns an NGO and ctx for a member of it.
func (b *bundle) ngo(t *testing.T) (uuid.UUID, context.Context) {
	t.Helper()
	var org uuid.UUID
	slug := "ngo-" + uuid.NewString()[:8]
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into organisations (kind, name, slug) values ('ngo', $1, $1) returning id`,
		slug).Scan(&org))
	member := b.account(t)
	_, err := b.pool.Exec(b.ctx, `insert into organisation_members (organisation_id, account_id, role) values ($1, $2, 'member')`, org, member)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))
	return org, b.as(authz.Subject{AccountID: member, Confirmed: true})
}

func (b *bundle) emailOf(t *testing.T, ctx context.Context) string {
	t.Helper()
	var email string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select email from accounts where id = $1`, accountOf(ctx)).Scan(&email))
	return email
}

// notices waits for n in-app notifications of kind for the account.
func (b *bundle) projectNotices(t *testing.T, ctx context.Context, kind string, n int) []notify.Notification {
	t.Helper()
	var got []notify.Notification
	require.Eventually(t, func() bool {
		pg, err := b.notify.List(b.ctx, accountOf(ctx), 50, "", false)
		items := pg.Items
		require.NoError(t, err)
		got = got[:0]
		for _, it := range items {
			if it.Kind == kind {
				got = append(got, it)
			}
		}
		return len(got) >= n
	}, 10*time.Second, 20*time.Millisecond)
	require.Len(t, got, n)
	return got
}

func (b *bundle) auditActions(t *testing.T, objectID uuid.UUID) []string {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `select action from audit_log where object_id = $1 order by created_at`, objectID.String())
	require.NoError(t, err)
	var out []string
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		out = append(out, a)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestSubmitProject_ProposerMustBeSixteenOnTheWarsawDay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// 23:30 UTC on 10 March is already 11 March in Warsaw.
	b.clock.Set(time.Date(2025, 3, 10, 23, 30, 0, 0, time.UTC))
	pe := b.projectsEdition(t, budget.EditionInput{})
	alice := b.resident(t)

	in := pe.submission()
	in.ProposerBirthDate = "2009-03-12"
	_, err := b.svc.SubmitProject(alice, in)
	requireAppErr(t, err, apperr.InvalidInput, "budget.proposer_too_young", "proposerBirthDate")
	in.ProposerBirthDate = "11.03.2009"
	_, err = b.svc.SubmitProject(alice, in)
	requireAppErr(t, err, apperr.InvalidInput, "budget.birth_date_invalid", "proposerBirthDate")

	in.ProposerBirthDate = "2009-03-11" // sixteen today in Warsaw (not yet in UTC)
	p, err := b.svc.SubmitProject(alice, in)
	require.NoError(t, err)
	require.Equal(t, budget.ProjectSubmitted, p.Status)
	require.Equal(t, "BO.1.1/25", p.Code)
	require.Equal(t, accountOf(alice), p.ProposerID)

	// Only the fact of the check is stored, never the date.
	var checked bool
	require.NoError(t, b.pool.QueryRow(b.ctx, `select age_checked from budget_projects where id = $1`, p.ID).Scan(&checked))
	require.True(t, checked)
	var birthCols int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from information_schema.columns
		where table_name like 'budget_project%' and column_name like '%birth%'`).Scan(&birthCols))
	require.Zero(t, birthCols)
	require.Equal(t, []string{"budget.project_submit"}, b.auditActions(t, p.ID))
}

func TestSubmitProject_CostWithinThePoolsLimitsAndCodesPerPool(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pe := b.projectsEdition(t, budget.EditionInput{})
	alice := b.resident(t)

	in := pe.submission()
	in.Cost = 9_99
	_, err := b.svc.SubmitProject(alice, in)
	requireAppErr(t, err, apperr.InvalidInput, "budget.cost_out_of_range", "costEstimate")
	var ae *apperr.Error
	require.ErrorAs(t, err, &ae)
	require.Equal(t, map[string]any{"min": "10.00", "max": "500.00"}, ae.Args)
	in.Cost = 500_01
	_, err = b.svc.SubmitProject(alice, in)
	requireAppErr(t, err, apperr.InvalidInput, "budget.cost_out_of_range", "costEstimate")

	var codes []string
	for _, cost := range []int64{10_00, 500_00} {
		in.Cost = cost
		p, err := b.svc.SubmitProject(alice, in)
		require.NoError(t, err)
		codes = append(codes, p.Code)
	}
	in.PoolID = pe.district.ID
	p, err := b.svc.SubmitProject(alice, in)
	require.NoError(t, err)
	codes = append(codes, p.Code)
	require.Equal(t, []string{"BO.1.1/25", "BO.1.2/25", "BO.2.1/25"}, codes)

	// A pool's maximum may not exceed its budget.
	hi := int64(1000_01)
	_, err = b.svc.CreatePool(pe.official, pe.edition.ID, budget.PoolInput{Name: "X", Kind: budget.KindDistrict, District: "x",
		Budget: 1000_00, Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 1, BallotKind: budget.BallotRanked,
		MaxProjectCost: &hi})
	requireAppErr(t, err, apperr.InvalidInput, "budget.max_cost_invalid", "maxProjectCost")
}

func TestSubmitProject_NeedsTheSubmissionPhaseAndWindow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := b.clock.Now()
	opens, closes := now.Add(time.Hour), now.Add(48*time.Hour)
	pe := b.projectsEdition(t, budget.EditionInput{SubmissionOpensAt: &opens, SubmissionClosesAt: &closes})
	alice := b.resident(t)

	_, err := b.svc.SubmitProject(alice, pe.submission())
	requireAppErr(t, err, apperr.PhaseClosed, "budget.submission_closed", "")
	b.clock.Set(opens)
	_, err = b.svc.SubmitProject(alice, pe.submission())
	require.NoError(t, err)
	// After the window the status may still say submission: the date decides.
	b.clock.Set(closes)
	_, err = b.svc.SubmitProject(alice, pe.submission())
	requireAppErr(t, err, apperr.PhaseClosed, "budget.submission_closed", "")

	// Unconfirmed accounts may not submit; anonymous callers are told to sign in.
	unconfirmed := b.as(authz.Subject{AccountID: b.account(t)})
	b.clock.Set(opens)
	_, err = b.svc.SubmitProject(unconfirmed, pe.submission())
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	_, err = b.svc.SubmitProject(b.anonymous(), pe.submission())
	requireAppErr(t, err, apperr.Unauthenticated, "error.unauthenticated", "")

	// Dates out of order are refused.
	bad := now.Add(-time.Hour)
	_, err = b.svc.CreateEdition(pe.official, budget.EditionInput{UnitID: b.unitID, Year: 2026, SubmissionOpensAt: &opens,
		SubmissionClosesAt: &bad})
	requireAppErr(t, err, apperr.InvalidInput, "budget.schedule_sequence", "submissionClosesAt")
}

func TestAdvanceEdition_OneStepForwardAudited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pe := b.projectsEdition(t, budget.EditionInput{})
	_, err := b.svc.AdvanceEdition(pe.official, pe.edition.ID, budget.StatusAppeals)
	requireAppErr(t, err, apperr.PhaseClosed, "budget.status_invalid", "")
	_, err = b.svc.AdvanceEdition(pe.official, pe.edition.ID, budget.StatusVoting)
	requireAppErr(t, err, apperr.InvalidInput, "budget.advance_invalid", "to")
	_, err = b.svc.AdvanceEdition(b.resident(t), pe.edition.ID, budget.StatusVerification)
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	b.advance(t, pe, budget.StatusVerification)
	require.Equal(t, budget.StatusVerification, pe.edition.Status)
	var data []string
	rows, err := b.pool.Query(b.ctx, `select data->>'from' || '>' || (data->>'to') from audit_log where object_id = $1
		and action = 'budget.status' order by created_at`, pe.edition.ID.String())
	require.NoError(t, err)
	for rows.Next() {
		var d string
		require.NoError(t, rows.Scan(&d))
		data = append(data, d)
	}
	require.Equal(t, []string{"draft>submission", "submission>verification"}, data)
	// Voting opens from appeals only (or from a draft).
	_, err = b.svc.OpenVoting(pe.official, pe.edition.ID)
	requireAppErr(t, err, apperr.PhaseClosed, "budget.status_invalid", "")
}

func TestSupportProject_OncePerAccountNotOwnInPhase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pe := b.projectsEdition(t, budget.EditionInput{})
	alice, bob := b.resident(t), b.resident(t)
	p, err := b.svc.SubmitProject(alice, pe.submission())
	require.NoError(t, err)

	_, err = b.svc.SupportProject(alice, p.ID)
	requireAppErr(t, err, apperr.Conflict, "budget.support_own", "")
	for range 3 {
		p, err = b.svc.SupportProject(bob, p.ID)
		require.NoError(t, err)
	}
	require.Equal(t, 1, p.SupportCount)
	got, err := b.svc.SupportedProjects(b.ctx, accountOf(bob), []uuid.UUID{p.ID})
	require.NoError(t, err)
	require.True(t, got[p.ID])
	p, err = b.svc.UnsupportProject(bob, p.ID)
	require.NoError(t, err)
	require.Equal(t, 0, p.SupportCount)
	p, err = b.svc.UnsupportProject(bob, p.ID)
	require.NoError(t, err)
	require.Equal(t, 0, p.SupportCount)
	_, err = b.svc.SupportProject(b.as(authz.Subject{AccountID: b.account(t)}), p.ID)
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")

	b.advance(t, pe, budget.StatusVerification)
	p, err = b.svc.SupportProject(bob, p.ID) // still collected during verification
	require.NoError(t, err)
	require.Equal(t, 1, p.SupportCount)
	b.advance(t, pe, budget.StatusAppeals)
	_, err = b.svc.SupportProject(b.resident(t), p.ID)
	requireAppErr(t, err, apperr.PhaseClosed, "budget.support_closed", "")
	var rowsN int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from supports where kind = 'budget_project' and object_id = $1`, p.ID).Scan(&rowsN))
	require.Equal(t, 1, rowsN)
}

func TestEditProject_ByTheProposerDuringSubmission(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pe := b.projectsEdition(t, budget.EditionInput{})
	alice := b.resident(t)
	p, err := b.svc.SubmitProject(alice, pe.submission())
	require.NoError(t, err)
	edit := budget.ProjectText{Title: "Ławki i kosze", Description: "Ławki i kosze na Plantach.", Locale: i18n.PL,
		Cost: 200_00, Location: "Planty, odcinek Wawel"}
	_, err = b.svc.EditProject(b.resident(t), p.ID, edit)
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	p, err = b.svc.EditProject(alice, p.ID, edit)
	require.NoError(t, err)
	require.Equal(t, "Ławki i kosze", p.Title)
	require.Equal(t, int64(200_00), p.Cost)
	require.Equal(t, int64(200_00), p.CostEstimate)
	texts, err := i18n.Load(b.ctx, b.pool, []uuid.UUID{*p.TitleTextID})
	require.NoError(t, err)
	require.Equal(t, "Ławki i kosze", texts[*p.TitleTextID].Resolve(i18n.EN).Text)

	b.advance(t, pe, budget.StatusVerification)
	_, err = b.svc.EditProject(alice, p.ID, edit)
	requireAppErr(t, err, apperr.PhaseClosed, "budget.submission_closed", "")
}

func TestAssistedProject_ConsentFlowAndDraftVisibility(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pe := b.projectsEdition(t, budget.EditionInput{})
	org, member := b.ngo(t)
	alice, bob := b.resident(t), b.resident(t)

	in := pe.submission()
	in.Assist = &budget.AssistInput{OrganisationID: org, ProposerEmail: "nikt@otwarty.test"}
	_, err := b.svc.SubmitProject(member, in)
	requireAppErr(t, err, apperr.InvalidInput, "budget.proposer_unknown", "assist.proposerEmail")
	unconfirmed := b.account(t)
	_, err = b.pool.Exec(b.ctx, `update accounts set email_confirmed_at = null where id = $1`, unconfirmed)
	require.NoError(t, err)
	in.Assist.ProposerEmail = b.emailOf(t, b.as(authz.Subject{AccountID: unconfirmed}))
	_, err = b.svc.SubmitProject(member, in)
	requireAppErr(t, err, apperr.InvalidInput, "budget.proposer_unknown", "assist.proposerEmail")
	in.Assist.ProposerEmail = b.emailOf(t, alice)
	_, err = b.svc.SubmitProject(bob, in) // not a member of the NGO
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")

	p, err := b.svc.SubmitProject(member, in)
	require.NoError(t, err)
	require.Equal(t, budget.ProjectAwaitingConsent, p.Status)
	require.Equal(t, accountOf(alice), p.ProposerID)
	require.Equal(t, org, *p.AssistedBy)
	require.Equal(t, accountOf(member), p.AssistedByMember)
	b.projectNotices(t, alice, budget.NoticeProjectConsent, 1)

	// The draft: its resident, the member and staff see it, nobody else;
	// the list agrees with Project.
	for name, c := range map[string]struct {
		ctx  context.Context
		sees bool
	}{"alice": {alice, true}, "member": {member, true}, "official": {pe.official, true},
		"bob": {bob, false}, "anonymous": {b.anonymous(), false}} {
		_, err := b.svc.Project(c.ctx, p.ID)
		pg, lerr := b.svc.EditionProjectList(c.ctx, pe.edition.ID, budget.ProjectFilter{}, 10, "")
		items, total := pg.Items, pg.Total
		require.NoError(t, lerr)
		if c.sees {
			require.NoError(t, err, name)
			require.Equal(t, 1, total, name)
			require.Len(t, items, 1, name)
		} else {
			requireAppErr(t, err, apperr.NotFound, "error.not_found", "")
			require.Equal(t, 0, total, name)
			require.Empty(t, items, name)
		}
	}
	_, err = b.svc.SupportProject(bob, p.ID)
	requireAppErr(t, err, apperr.NotFound, "error.not_found", "")
	_, err = b.svc.ConsentToProject(member, p.ID, true) // the member cannot consent for the resident
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")

	p, err = b.svc.ConsentToProject(alice, p.ID, true)
	require.NoError(t, err)
	require.Equal(t, budget.ProjectSubmitted, p.Status)
	require.NotNil(t, p.SubmittedAt)
	_, err = b.svc.ConsentToProject(alice, p.ID, true)
	requireAppErr(t, err, apperr.Conflict, "budget.project_status", "")
	_, err = b.svc.Project(b.anonymous(), p.ID)
	require.NoError(t, err)

	// A refusal withdraws the next one.
	q, err := b.svc.SubmitProject(member, in)
	require.NoError(t, err)
	q, err = b.svc.ConsentToProject(alice, q.ID, false)
	require.NoError(t, err)
	require.Equal(t, budget.ProjectWithdrawn, q.Status)
	require.Equal(t, "consent refused", q.WithdrawnReason)
	require.Equal(t, []string{"budget.project_submit", "budget.project_consent_refused"}, b.auditActions(t, q.ID))
	pg, err := b.svc.EditionProjectList(b.anonymous(), pe.edition.ID, budget.ProjectFilter{}, 10, "")
	items, total := pg.Items, pg.Total
	require.NoError(t, err)
	require.Equal(t, 2, total)
	require.Equal(t, []string{budget.ProjectSubmitted, budget.ProjectWithdrawn}, []string{items[0].Status, items[1].Status})
}

func TestWithdrawProject_UntilVotingOpensStaysListed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pe := b.projectsEdition(t, budget.EditionInput{})
	alice := b.resident(t)
	p, err := b.svc.SubmitProject(alice, pe.submission())
	require.NoError(t, err)
	_, err = b.svc.WithdrawProject(b.resident(t), p.ID, "")
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	p, err = b.svc.WithdrawProject(alice, p.ID, "Zmiana planów")
	require.NoError(t, err)
	require.Equal(t, budget.ProjectWithdrawn, p.Status)
	require.Equal(t, "Zmiana planów", p.WithdrawnReason)
	_, err = b.svc.WithdrawProject(alice, p.ID, "")
	requireAppErr(t, err, apperr.Conflict, "budget.project_status", "")
	status := budget.ProjectWithdrawn
	pg, err := b.svc.EditionProjectList(b.anonymous(), pe.edition.ID, budget.ProjectFilter{Status: status}, 10, "")
	items, total := pg.Items, pg.Total
	require.NoError(t, err)
	require.Equal(t, 1, total)
	require.Equal(t, p.ID, items[0].ID)
	require.Equal(t, []string{"budget.project_submit", "budget.project_withdraw"}, b.auditActions(t, p.ID))
}
