package graph_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// The civic budget's part of the GDPR export and erasure: a proposer's
// projects and a supporter's supports and follows are exported; deleting
// the accounts keeps the public project and its support count but drops
// the links to the people.
func TestBudgetGDPR_ExportThenDeleteThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t, 0)
	b := f.b
	project := f.submit(t, f.alice, f.submitInput(f.city))
	require.Empty(t, b.gql(t, `mutation($p: ID!) { supportBudgetProject(input: {projectId: $p}) { project { id } } }`,
		map[string]any{"p": project}, withToken(f.bob)).Errors)
	require.Empty(t, b.gql(t, `mutation($e: ID!) { followBudgetEdition(input: {editionId: $e}) { edition { id } } }`,
		map[string]any{"e": f.edition}, withToken(f.bob)).Errors)

	export := func(token string) map[string]any {
		t.Helper()
		res := b.gql(t, `{ me { dataExport } }`, nil, withToken(token))
		require.Empty(t, res.Errors)
		var out map[string]any
		require.NoError(t, json.Unmarshal([]byte(dig(res.Data, "me", "dataExport").(string)), &out))
		return dig(out, "domains", "civicBudget").(map[string]any)
	}
	alice, bob := export(f.alice), export(f.bob)
	require.Len(t, alice["projectsProposed"], 1)
	require.Equal(t, "BO.1.1/26", dig(alice["projectsProposed"].([]any)[0], "code"))
	require.Equal(t, "Zielony skwer", dig(alice["projectsProposed"].([]any)[0], "title"))
	require.Empty(t, alice["supports"])
	require.Len(t, bob["supports"], 1)
	require.Len(t, bob["follows"], 1)
	require.Empty(t, bob["projectsProposed"])
	require.Empty(t, bob["voterRolls"])

	del := `mutation { deleteAccount(input: {password: "correct horse battery"}) { deletedAccountId } }`
	require.Empty(t, b.gql(t, del, nil, withToken(f.bob)).Errors)
	require.Empty(t, b.gql(t, del, nil, withToken(f.alice)).Errors)

	res := b.gql(t, `query($id: ID!) { budgetProject(id: $id) { code status supportCount } }`, map[string]any{"id": project})
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"code": "BO.1.1/26", "status": "SUBMITTED", "supportCount": float64(1)}, res.Data["budgetProject"])
	var supports, follows, proposers int
	require.NoError(t, b.pool.QueryRow(context.Background(), `select (select count(*) from supports where kind = 'budget_project'),
		(select count(*) from follows where kind = 'budget_edition'), (select count(*) from budget_projects where proposer_id is not null)`).
		Scan(&supports, &follows, &proposers))
	require.Equal(t, [3]int{0, 0, 0}, [3]int{supports, follows, proposers})
}
