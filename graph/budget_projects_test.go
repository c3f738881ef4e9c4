package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// dig follows keys through a response's maps.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// projectsFixture is an edition in its submission phase with a city pool
// (supportsRequired as given) and a district pool, both with cost limits.
type projectsFixture struct {
	*consultationFixture
	edition, city, district string
}

func newProjectsFixture(t *testing.T, supports int) *projectsFixture {
	t.Helper()
	f := &projectsFixture{consultationFixture: newConsultationFixture(t)}
	b := f.b
	b.confirm(t, "moderatorka@example.org")
	now := time.Now()
	res := b.gql(t, `mutation($u: ID!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u, year: 2026,
		votingOpensAt: $o, votingClosesAt: $c}) { edition { id } } }`,
		map[string]any{"u": f.unitID, "o": now.Add(-time.Hour).Format(time.RFC3339), "c": now.Add(time.Hour).Format(time.RFC3339)}, withToken(f.official))
	require.Empty(t, res.Errors)
	f.edition = dig(res.Data, "createBudgetEdition", "edition", "id").(string)
	pool := func(kind, district string, supports int) string {
		res := b.gql(t, `mutation($e: ID!, $k: BudgetPoolKind!, $d: String, $s: Int) { createBudgetPool(input: {editionId: $e, name: "Pula",
			kind: $k, district: $d, budget: "1000.00", rule: "greedy", pickMode: AT_MOST, pickCount: 1, ballotKind: RANKED,
			required: false, minProjectCost: "10.00", maxProjectCost: "500.00", supportsRequired: $s}) {
			pool { id minProjectCost maxProjectCost supportsRequired } } }`,
			map[string]any{"e": f.edition, "k": kind, "d": district, "s": supports}, withToken(f.official))
		require.Empty(t, res.Errors)
		require.Equal(t, "500.00", dig(res.Data, "createBudgetPool", "pool", "maxProjectCost"))
		return dig(res.Data, "createBudgetPool", "pool", "id").(string)
	}
	f.city = pool("CITY", "", supports)
	f.district = pool("DISTRICT", "stare-miasto", 0)
	f.advance(t, "SUBMISSION")
	return f
}

func (f *projectsFixture) advance(t *testing.T, to string) {
	t.Helper()
	res := f.b.gql(t, `mutation($e: ID!, $to: BudgetEditionStatus!) { advanceBudgetEdition(input: {editionId: $e, to: $to}) { edition { status } } }`,
		map[string]any{"e": f.edition, "to": to}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, to, dig(res.Data, "advanceBudgetEdition", "edition", "status"))
}

const submitProject = `mutation($in: SubmitBudgetProjectInput!) { submitBudgetProject(input: $in) { project { id code status } } }`

func (f *projectsFixture) submitInput(pool string) map[string]any {
	return map[string]any{"editionId": f.edition, "poolId": pool, "title": "Zielony skwer", "description": "Drzewa i ławki na skwerze.",
		"locale": "PL", "costEstimate": "120.00", "location": "ul. Długa", "proposerBirthDate": "2000-01-01"}
}

func (f *projectsFixture) submit(t *testing.T, token string, in map[string]any) string {
	t.Helper()
	res := f.b.gql(t, submitProject, map[string]any{"in": in}, withToken(token))
	require.Empty(t, res.Errors)
	return dig(res.Data, "submitBudgetProject", "project", "id").(string)
}

const projectQuery = `query($id: ID!) { node(id: $id) { ... on BudgetProject { id code title status supportCount viewerHasSupported
	viewerIsProposer cost costEstimate location localizedTitle(locale: EN) { text locale isOriginal }
	description { text } assistedBy { id } pool { id } verification { eligible reason verifiedCost }
	appeal { reason status decisionReason } withdrawnReason
	viewerCan { edit withdraw support appeal verify decideAppeal } } } }`

func TestBudgetProjects_WholePathThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t, 1)
	b := f.b

	// Alice proposes; Bob supports (twice counts once); she may not.
	in := f.submitInput(f.city)
	in["proposerBirthDate"] = time.Now().In(warsaw(t)).AddDate(-15, 0, 0).Format(time.DateOnly)
	res := b.gql(t, submitProject, map[string]any{"in": in}, withToken(f.alice))
	require.Equal(t, "INVALID_INPUT", res.code())
	in["proposerBirthDate"] = "2000-01-01"
	in["costEstimate"] = "600.00"
	require.Equal(t, "INVALID_INPUT", b.gql(t, submitProject, map[string]any{"in": in}, withToken(f.alice)).code())
	alices := f.submit(t, f.alice, f.submitInput(f.city))
	support := `mutation($p: ID!) { supportBudgetProject(input: {projectId: $p}) { project { supportCount viewerHasSupported } } }`
	for range 2 {
		res := b.gql(t, support, map[string]any{"p": alices}, withToken(f.bob))
		require.Empty(t, res.Errors)
		require.Equal(t, map[string]any{"supportCount": float64(1), "viewerHasSupported": true}, dig(res.Data, "supportBudgetProject", "project"))
	}
	require.Equal(t, "CONFLICT", b.gql(t, support, map[string]any{"p": alices}, withToken(f.alice)).code())

	p := dig(b.gql(t, projectQuery, map[string]any{"id": alices}, withToken(f.alice)).Data, "node").(map[string]any)
	require.Equal(t, "BO.1.1/26", p["code"])
	require.Equal(t, "SUBMITTED", p["status"])
	require.Equal(t, true, p["viewerIsProposer"])
	require.Equal(t, map[string]any{"text": "Zielony skwer", "locale": "PL", "isOriginal": true}, p["localizedTitle"])
	require.Equal(t, map[string]any{"edit": true, "withdraw": true, "support": false, "appeal": false, "verify": false, "decideAppeal": false}, p["viewerCan"])
	require.Equal(t, false, dig(b.gql(t, projectQuery, map[string]any{"id": alices}).Data, "node", "viewerIsProposer"))

	// An NGO member enters a project for Carol; until she consents only
	// she, the member and staff see it.
	assisted := f.submitInput(f.district)
	assisted["assist"] = map[string]any{"organisationId": f.ngoID, "proposerEmail": "mieszkaniec2@example.org"}
	carols := f.submit(t, f.moderator, assisted)
	list := `query($e: ID!) { budgetEdition(id: $e) { projects(first: 10) { totalCount edges { node { id status } } } } }`
	total := func(tok string) any {
		var opts []reqOpt
		if tok != "" {
			opts = append(opts, withToken(tok))
		}
		res := b.gql(t, list, map[string]any{"e": f.edition}, opts...)
		require.Empty(t, res.Errors)
		return dig(res.Data, "budgetEdition", "projects", "totalCount")
	}
	require.Equal(t, float64(1), total(""))
	require.Equal(t, float64(1), total(f.bob))
	require.Equal(t, float64(2), total(f.carol))
	require.Equal(t, float64(2), total(f.moderator))
	require.Equal(t, float64(2), total(f.official))
	require.Nil(t, dig(b.gql(t, projectQuery, map[string]any{"id": carols}).Data, "node"))
	require.Nil(t, dig(b.gql(t, `query($id: ID!) { budgetProject(id: $id) { id } }`, map[string]any{"id": carols}, withToken(f.bob)).Data, "budgetProject"))
	res = b.gql(t, `mutation($p: ID!) { consentToBudgetProject(input: {projectId: $p, consent: true}) { project { status } } }`,
		map[string]any{"p": carols}, withToken(f.carol))
	require.Empty(t, res.Errors)
	require.Equal(t, "SUBMITTED", dig(res.Data, "consentToBudgetProject", "project", "status"))
	require.Equal(t, f.ngoID, dig(b.gql(t, projectQuery, map[string]any{"id": carols}).Data, "node", "assistedBy", "id"))

	// Verification: Alice's is eligible (one support), Carol's is not.
	f.advance(t, "VERIFICATION")
	verify := `mutation($p: ID!, $ok: Boolean!, $r: String) { verifyBudgetProject(input: {projectId: $p, eligible: $ok, reason: $r}) { project { status } } }`
	require.Empty(t, b.gql(t, verify, map[string]any{"p": alices, "ok": true}, withToken(f.official)).Errors)
	require.Equal(t, "INVALID_INPUT", b.gql(t, verify, map[string]any{"p": carols, "ok": false}, withToken(f.official)).code())
	require.Empty(t, b.gql(t, verify, map[string]any{"p": carols, "ok": false, "r": "Poza terenem miasta"}, withToken(f.official)).Errors)

	// Appeals: Carol appeals, the official upholds; voting opens.
	f.advance(t, "APPEALS")
	res = b.gql(t, `mutation($p: ID!) { appealBudgetProjectDecision(input: {projectId: $p, reason: "Teren należy do miasta"}) { project { appeal { status } } } }`,
		map[string]any{"p": carols}, withToken(f.carol))
	require.Empty(t, res.Errors)
	open := `mutation($e: ID!) { openBudgetVoting(input: {editionId: $e}) { edition { status } } }`
	require.Equal(t, "CONFLICT", b.gql(t, open, map[string]any{"e": f.edition}, withToken(f.official)).code())
	require.Empty(t, b.gql(t, `mutation($p: ID!) { decideBudgetAppeal(input: {projectId: $p, upheld: true, reason: "Sprawdzone w księgach"}) { project { status } } }`,
		map[string]any{"p": carols}, withToken(f.official)).Errors)
	p = dig(b.gql(t, projectQuery, map[string]any{"id": carols}).Data, "node").(map[string]any)
	require.Equal(t, "ELIGIBLE", p["status"])
	require.Equal(t, map[string]any{"eligible": false, "reason": "Poza terenem miasta", "verifiedCost": nil}, p["verification"])
	require.Equal(t, map[string]any{"reason": "Teren należy do miasta", "status": "UPHELD", "decisionReason": "Sprawdzone w księgach"}, p["appeal"])
	require.Empty(t, b.gql(t, open, map[string]any{"e": f.edition}, withToken(f.official)).Errors)
	res = b.gql(t, `query($e: ID!) { budgetEdition(id: $e) { status pools { projects { code } } } }`, map[string]any{"e": f.edition})
	require.Empty(t, res.Errors)
	require.Equal(t, []any{map[string]any{"projects": []any{map[string]any{"code": "BO.1.1/26"}}},
		map[string]any{"projects": []any{map[string]any{"code": "BO.2.1/26"}}}}, dig(res.Data, "budgetEdition", "pools"))
	require.Equal(t, "PHASE_CLOSED", b.gql(t, `mutation($p: ID!) { withdrawBudgetProject(input: {projectId: $p}) { project { status } } }`,
		map[string]any{"p": alices}, withToken(f.alice)).code())
}

func warsaw(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Warsaw")
	require.NoError(t, err)
	return loc
}
