package graph_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("budget.graphqls")

// TestBudgetMutations_PermissionMatrix tries every civic-budget mutation
// with every kind of caller, in the order of an edition's life; a refused
// caller gets UNAUTHENTICATED, FORBIDDEN or NOT_FOUND, an allowed one never
// does.
func TestBudgetMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	now := time.Now()
	res := b.gql(t, `mutation($u: ID!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u, year: 2028, votingOpensAt: $o, votingClosesAt: $c}) {
		edition { id } } }`, map[string]any{"u": f.unitID, "o": now.Add(-time.Hour).Format(time.RFC3339), "c": now.Add(time.Hour).Format(time.RFC3339)}, withToken(f.official))
	require.Empty(t, res.Errors)
	edition := res.Data["createBudgetEdition"].(map[string]any)["edition"].(map[string]any)["id"].(string)
	res = b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Miasto", kind: CITY, budget: "100.00", rule: "greedy",
		pickMode: EXACTLY, pickCount: 1, ballotKind: RANKED, required: true}) { pool { id } } }`, map[string]any{"e": edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	pool := res.Data["createBudgetPool"].(map[string]any)["pool"].(map[string]any)["id"].(string)
	res = b.gql(t, `mutation($p: ID!) { createBudgetProject(input: {poolId: $p, code: "P1", title: "Projekt", cost: "50.00"}) { project { id } } }`,
		map[string]any{"p": pool}, withToken(f.official))
	require.Empty(t, res.Errors)
	project := res.Data["createBudgetProject"].(map[string]any)["project"].(map[string]any)["id"].(string)

	res = b.gql(t, `mutation($u: ID!) { createBudgetEdition(input: {unitId: $u, year: 2030}) { edition { id } } }`, map[string]any{"u": f.unitID}, withToken(f.official))
	require.Empty(t, res.Errors)
	otherEdition := res.Data["createBudgetEdition"].(map[string]any)["edition"].(map[string]any)["id"].(string)
	res = b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Podgórze", kind: DISTRICT, district: "podgorze",
		budget: "10.00", rule: "greedy", pickMode: EXACTLY, pickCount: 1, ballotKind: RANKED, required: false}) { pool { id } } }`, map[string]any{"e": edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	district := res.Data["createBudgetPool"].(map[string]any)["pool"].(map[string]any)["id"].(string)

	verified := f.alice
	require.Empty(t, b.gql(t, `mutation($a: ID!) { verifyResident(input: {accountId: $a, identifierType: PESEL, identifier: "44051401359"}) { verified } }`,
		map[string]any{"a": b.accountID(t, verified)}, withToken(f.official)).Errors)
	otherOfficial := b.signUp(t, "urzedniczka.inna@example.org")
	res = b.gql(t, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Inny wydział", slug: "inny-wydzial"}) { organisation { id } } }`, nil, withToken(f.coord))
	otherUnit := res.Data["createOrganisation"].(map[string]any)["organisation"].(map[string]any)["id"].(string)
	require.Empty(t, b.gql(t, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) { accountId } }`,
		map[string]any{"a": b.accountID(t, otherOfficial), "o": otherUnit}, withToken(f.coord)).Errors)
	unconfirmed := b.signUp(t, "nowy@example.org")

	callers := map[string]string{"anonymous": "", "unconfirmed": unconfirmed, "resident": f.bob, "verified": verified,
		"official": f.official, "other_official": otherOfficial, "coordinator": f.coord}
	staff := []string{"official", "coordinator"}
	edVars := map[string]any{"e": edition}
	edAction := func(name string) string {
		return fmt.Sprintf(`mutation($e: ID!) { %s(input: {editionId: $e}) { edition { id } } }`, name)
	}
	cases := []struct {
		name    string
		query   string
		vars    map[string]any
		allowed []string
	}{
		{"createBudgetEdition", `mutation($u: ID!) { createBudgetEdition(input: {unitId: $u, year: 2029}) { edition { id } } }`, map[string]any{"u": f.unitID}, staff},
		{"updateBudgetEdition", `mutation($e: ID!) { updateBudgetEdition(input: {editionId: $e, year: 2031, allowBallotChange: true, codeQuota: 50}) { edition { id } } }`,
			map[string]any{"e": otherEdition}, staff},
		{"createBudgetPool", `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Dzielnica", kind: DISTRICT, district: "podgorze",
			budget: "10.00", rule: "greedy", pickMode: EXACTLY, pickCount: 1, ballotKind: RANKED, required: false}) { pool { id } } }`,
			map[string]any{"e": otherEdition}, staff},
		{"createBudgetProject", `mutation($p: ID!) { createBudgetProject(input: {poolId: $p, code: "P2", title: "Drugi", cost: "10.00"}) { project { id } } }`,
			map[string]any{"p": district}, staff},
		{"registerBudgetVoter", `mutation($e: ID!) { registerBudgetVoter(input: {editionId: $e, identifierType: PASSPORT, identifier: "AB1234567", district: "podgorze"}) { voterId } }`,
			edVars, staff},
		{"openBudgetVoting", edAction("openBudgetVoting"), edVars, staff},
		{"enrolAsBudgetVoter", `mutation($e: ID!) { enrolAsBudgetVoter(input: {editionId: $e, district: "podgorze"}) { voterId } }`, edVars, []string{"verified"}},
		{"castBallot", `mutation($e: ID!, $p: ID!, $x: ID!) { castBallot(input: {editionId: $e, ballotKey: "klucz-macierzy-0123456789", picks: [{poolId: $p, projectIds: [$x]}]}) { ballotId } }`,
			map[string]any{"e": edition, "p": pool, "x": project}, []string{"verified"}},
		{"closeBudgetVoting", edAction("closeBudgetVoting"), edVars, staff},
		{"computeBudgetResults", edAction("computeBudgetResults"), edVars, staff},
		// Publication needs the commission's sign-off (budget_results.graphqls): one signature here.
		{"publishBudgetResults", `mutation($e: ID!) { updateBudgetResultSettings(input: {editionId: $e, signaturesRequired: 1}) { edition { id } }
			certifyBudgetResults(input: {editionId: $e, invalidBallots: 0}) { edition { id } }
			publishBudgetResults(input: {editionId: $e}) { edition { id } } }`, edVars, staff},
	}
	names := make([]string, 0, len(cases))
	for _, c := range cases {
		names = append(names, c.name)
	}
	requireMatrixCoversFile(t, "budget.graphqls", names)
	for _, c := range cases {
		tryEveryCaller(t, b, callers, c.name, c.query, c.vars, c.allowed, nil, firstAllowedSucceeds)
	}
}
