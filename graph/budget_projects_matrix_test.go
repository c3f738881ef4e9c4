package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("budget_projects.graphqls")

// TestBudgetProjectMutations_PermissionMatrix tries every project mutation
// with every kind of caller, in the order of an edition's phases; a refused
// caller gets UNAUTHENTICATED, FORBIDDEN or NOT_FOUND, an allowed one never
// does.
func TestBudgetProjectMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t, 0)
	b := f.b
	res := b.gql(t, `mutation($u: ID!) { createBudgetEdition(input: {unitId: $u, year: 2031}) { edition { id } } }`,
		map[string]any{"u": f.unitID}, withToken(f.official))
	require.Empty(t, res.Errors)
	draft := dig(res.Data, "createBudgetEdition", "edition", "id").(string)

	project := f.submit(t, f.alice, f.submitInput(f.city))
	assisted := f.submitInput(f.district)
	assisted["assist"] = map[string]any{"organisationId": f.ngoID, "proposerEmail": "mieszkaniec2@example.org"}
	draftProject := f.submit(t, f.moderator, assisted)

	otherOfficial := b.signUp(t, "urzedniczka.projekty@example.org")
	b.confirm(t, "urzedniczka.projekty@example.org")
	res = b.gql(t, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Inny wydział", slug: "inny-wydzial-p"}) { organisation { id } } }`, nil, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Empty(t, b.gql(t, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) { accountId } }`,
		map[string]any{"a": b.accountID(t, otherOfficial), "o": dig(res.Data, "createOrganisation", "organisation", "id")}, withToken(f.coord)).Errors)
	unconfirmed := b.signUp(t, "niepotwierdzony@example.org")

	callers := map[string]string{"anonymous": "", "unconfirmed": unconfirmed, "resident": f.bob, "proposer": f.alice,
		"assisted": f.carol, "ngo_member": f.moderator, "official": f.official, "other_official": otherOfficial, "coordinator": f.coord}
	staff := []string{"official", "coordinator"}
	pVars := map[string]any{"p": project}
	cases := []struct {
		name    string
		before  string // phase to advance the edition to first
		query   string
		vars    map[string]any
		allowed []string
		skip    []string // callers whose refusal is a domain rule, not a permission
	}{
		{name: "advanceBudgetEdition", query: `mutation($e: ID!) { advanceBudgetEdition(input: {editionId: $e, to: SUBMISSION}) { edition { id } } }`,
			vars: map[string]any{"e": draft}, allowed: staff},
		{name: "submitBudgetProject", query: submitProject, vars: map[string]any{"in": f.submitInput(f.city)},
			allowed: []string{"resident", "proposer", "assisted", "ngo_member", "official", "other_official", "coordinator"}},
		{name: "editBudgetProject", query: `mutation($p: ID!) { editBudgetProject(input: {projectId: $p, title: "Skwer", description: "Opis",
			locale: PL, costEstimate: "100.00", location: "ul. Długa"}) { project { id } } }`, vars: pVars, allowed: []string{"proposer"}},
		{name: "consentToBudgetProject", query: `mutation($p: ID!) { consentToBudgetProject(input: {projectId: $p, consent: true}) { project { id } } }`,
			vars: map[string]any{"p": draftProject}, allowed: []string{"assisted"}},
		{name: "supportBudgetProject", query: `mutation($p: ID!) { supportBudgetProject(input: {projectId: $p}) { project { id } } }`, vars: pVars,
			allowed: []string{"resident", "assisted", "ngo_member", "official", "other_official", "coordinator"}, skip: []string{"proposer"}},
		{name: "withdrawBudgetProjectSupport", query: `mutation($p: ID!) { withdrawBudgetProjectSupport(input: {projectId: $p}) { project { id } } }`, vars: pVars,
			allowed: []string{"resident", "assisted", "ngo_member", "official", "other_official", "coordinator"}, skip: []string{"proposer"}},
		{name: "verifyBudgetProject", before: "VERIFICATION", query: `mutation($p: ID!) { verifyBudgetProject(input: {projectId: $p, eligible: false, reason: "Nie"}) { project { id } } }`,
			vars: pVars, allowed: staff},
		{name: "appealBudgetProjectDecision", before: "APPEALS", query: `mutation($p: ID!) { appealBudgetProjectDecision(input: {projectId: $p, reason: "Tak"}) { project { id } } }`,
			vars: pVars, allowed: []string{"proposer"}},
		{name: "decideBudgetAppeal", query: `mutation($p: ID!) { decideBudgetAppeal(input: {projectId: $p, upheld: false, reason: "Nie"}) { project { id } } }`,
			vars: pVars, allowed: staff},
		{name: "withdrawBudgetProject", query: `mutation($p: ID!) { withdrawBudgetProject(input: {projectId: $p, reason: "Koniec"}) { project { id } } }`,
			vars: pVars, allowed: []string{"proposer"}},
	}
	names := make([]string, 0, len(cases))
	for _, c := range cases {
		names = append(names, c.name)
	}
	requireMatrixCoversFile(t, "budget_projects.graphqls", names)
	for _, c := range cases {
		if c.before != "" {
			f.advance(t, c.before)
		}
		tryEveryCaller(t, b, callers, c.name, c.query, c.vars, c.allowed, c.skip, firstAllowedSucceeds)
	}
}
