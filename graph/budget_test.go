package graph_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBudget_EditionVoteAndResultsThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	now := time.Now()
	res := b.gql(t, `mutation($u: ID!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u, year: 2027, votingOpensAt: $o, votingClosesAt: $c}) {
		edition { id status } } }`, map[string]any{"u": f.unitID, "o": now.Add(-time.Hour).Format(time.RFC3339), "c": now.Add(time.Hour).Format(time.RFC3339)}, withToken(f.official))
	require.Empty(t, res.Errors)
	edition := res.Data["createBudgetEdition"].(map[string]any)["edition"].(map[string]any)["id"].(string)
	require.Nil(t, b.gql(t, `query($id: ID!) { budgetEdition(id: $id) { id } }`, map[string]any{"id": edition}).Data["budgetEdition"], "drafts are for staff")

	res = b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Stare Miasto", kind: DISTRICT, district: "stare-miasto",
		budget: "1000.00", rule: "greedy", pickMode: EXACTLY, pickCount: 2, ballotKind: RANKED, required: true}) { pool { id points budget } } }`,
		map[string]any{"e": edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	pool := res.Data["createBudgetPool"].(map[string]any)["pool"].(map[string]any)
	require.Equal(t, []any{float64(2), float64(1)}, pool["points"])
	require.Equal(t, "1000.00", pool["budget"])
	var projects []string
	for i, cost := range []string{"600.00", "500.00", "400.00"} {
		res := b.gql(t, `mutation($p: ID!, $code: String!, $cost: Money!) { createBudgetProject(input: {poolId: $p, code: $code, title: "Projekt", cost: $cost}) { project { id } } }`,
			map[string]any{"p": pool["id"], "code": fmt.Sprintf("BO.D1.%d/27", i+1), "cost": cost}, withToken(f.official))
		require.Empty(t, res.Errors)
		projects = append(projects, res.Data["createBudgetProject"].(map[string]any)["project"].(map[string]any)["id"].(string))
	}
	action := func(name string) {
		t.Helper()
		res := b.gql(t, fmt.Sprintf(`mutation($e: ID!) { %s(input: {editionId: $e}) { edition { status } } }`, name), map[string]any{"e": edition}, withToken(f.official))
		require.Empty(t, res.Errors, name)
	}
	require.Equal(t, "NOT_FOUND", b.gql(t, `mutation($e: ID!) { openBudgetVoting(input: {editionId: $e}) { edition { status } } }`, map[string]any{"e": edition}, withToken(f.alice)).code(), "a draft does not exist for residents")
	action("openBudgetVoting")

	// Residents verified in person vote once each; a second ballot is refused.
	cast := `mutation($e: ID!, $key: String!, $p: ID!, $picks: [ID!]!) { castBallot(input: {editionId: $e, ballotKey: $key,
		picks: [{poolId: $p, projectIds: $picks}]}) { ballotId } }`
	ballots := [][]string{{projects[0], projects[2]}, {projects[1], projects[2]}, {projects[0], projects[1]}}
	for i, tok := range []string{f.alice, f.bob, f.carol} {
		pesel := []string{"44051401359", "02070803628", "90090515836"}[i]
		res := b.gql(t, `mutation($a: ID!, $id: String!) { verifyResident(input: {accountId: $a, identifierType: PESEL, identifier: $id}) { verified } }`,
			map[string]any{"a": b.accountID(t, tok), "id": pesel}, withToken(f.official))
		require.Empty(t, res.Errors)
		res = b.gql(t, `mutation($e: ID!) { enrolAsBudgetVoter(input: {editionId: $e, district: "stare-miasto"}) { voterId } }`, map[string]any{"e": edition}, withToken(tok))
		require.Empty(t, res.Errors)
		vars := map[string]any{"e": edition, "key": fmt.Sprintf("klucz-kartki-%d-0123456789", i), "p": pool["id"], "picks": ballots[i]}
		for range 2 { // a retry with the same key and ballot is harmless
			require.Empty(t, b.gql(t, cast, vars, withToken(tok)).Errors)
		}
		vars["key"] = fmt.Sprintf("inny-klucz-%d-0123456789", i)
		require.Equal(t, "CONFLICT", b.gql(t, cast, vars, withToken(tok)).code(), "one ballot per person")
	}
	invalid := map[string]any{"e": edition, "key": "klucz-dana-0123456789", "p": pool["id"], "picks": []string{projects[0]}}
	require.Equal(t, "FORBIDDEN", b.gql(t, cast, invalid, withToken(f.dan)).code(), "not verified")

	action("closeBudgetVoting")
	action("computeBudgetResults")
	q := `query($id: ID!) { budgetEdition(id: $id) { status pools { projects { code } } results { ballots cost selected { code } projects { project { code } votes score position } } } }`
	require.Nil(t, b.gql(t, q, map[string]any{"id": edition}).Data["budgetEdition"].(map[string]any)["results"], "provisional results are for staff")
	for _, member := range []string{f.official, f.coord} { // the commission's sign-off (budget_results.graphqls)
		require.Empty(t, b.gql(t, `mutation($e: ID!) { certifyBudgetResults(input: {editionId: $e, invalidBallots: 0}) { certification { computation } } }`,
			map[string]any{"e": edition}, withToken(member)).Errors)
	}
	action("publishBudgetResults")
	res = b.gql(t, q, map[string]any{"id": edition})
	require.Empty(t, res.Errors)
	e := res.Data["budgetEdition"].(map[string]any)
	require.Equal(t, "RESULTS_PUBLISHED", e["status"])
	require.Equal(t, []any{map[string]any{"projects": []any{map[string]any{"code": "BO.D1.1/27"}, map[string]any{"code": "BO.D1.2/27"},
		map[string]any{"code": "BO.D1.3/27"}}}}, e["pools"])
	r := e["results"].([]any)[0].(map[string]any)
	require.Equal(t, float64(3), r["ballots"])
	require.Equal(t, "1000.00", r["cost"])
	require.Equal(t, []any{map[string]any{"code": "BO.D1.1/27"}, map[string]any{"code": "BO.D1.3/27"}}, r["selected"])
}
