package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("budget_results.graphqls")

// TestBudgetResultsMutations_PermissionMatrix tries every mutation of
// budget_results.graphqls with every kind of caller.
func TestBudgetResultsMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	edition, _, _ := resultsEdition(t, f, time.Now().Add(time.Hour))
	otherOfficial := b.signUp(t, "urzednik.wyniki@example.org")
	res := b.gql(t, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Inny wydział", slug: "inny-wydzial-wyniki"}) { organisation { id } } }`, nil, withToken(f.coord))
	require.Empty(t, res.Errors)
	otherUnit := res.Data["createOrganisation"].(map[string]any)["organisation"].(map[string]any)["id"].(string)
	require.Empty(t, b.gql(t, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) { accountId } }`,
		map[string]any{"a": b.accountID(t, otherOfficial), "o": otherUnit}, withToken(f.coord)).Errors)
	unconfirmed := b.signUp(t, "nowy.wyniki@example.org")
	callers := map[string]string{"anonymous": "", "unconfirmed": unconfirmed, "resident": f.bob, "official": f.official,
		"other_official": otherOfficial, "coordinator": f.coord}
	staff := []string{"official", "coordinator"}
	vars := map[string]any{"e": edition}

	cases := []struct {
		name    string
		query   string
		allowed []string
		before  func()
	}{
		{"updateBudgetResultSettings", `mutation($e: ID!) { updateBudgetResultSettings(input: {editionId: $e, signaturesRequired: 1, liveResults: true}) { edition { id } } }`, staff, nil},
		{"certifyBudgetResults", `mutation($e: ID!) { certifyBudgetResults(input: {editionId: $e, invalidBallots: 0}) { certification { certified } } }`, staff, func() {
			for _, m := range []string{"closeBudgetVoting", "computeBudgetResults"} {
				require.Empty(t, b.gql(t, `mutation($e: ID!) { `+m+`(input: {editionId: $e}) { edition { id } } }`, vars, withToken(f.official)).Errors, m)
			}
		}},
	}
	names := make([]string, 0, len(cases))
	for _, c := range cases {
		names = append(names, c.name)
	}
	requireMatrixCoversFile(t, "budget_results.graphqls", names)
	for _, c := range cases {
		if c.before != nil {
			c.before()
		}
		tryEveryCaller(t, b, callers, c.name, c.query, vars, c.allowed, nil, everyAllowedSucceeds)
	}
}
