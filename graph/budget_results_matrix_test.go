package graph_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/generated"
)

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
	covered, domain := map[string]bool{}, 0
	for _, c := range cases {
		covered[c.name] = true
	}
	for _, fd := range generated.NewExecutableSchema(generated.Config{}).Schema().Mutation.Fields {
		if fd.Position != nil && fd.Position.Src != nil && strings.HasSuffix(fd.Position.Src.Name, "budget_results.graphqls") {
			domain++
			require.True(t, covered[fd.Name], "mutation %s has no case in the permission matrix", fd.Name)
		}
	}
	require.Equal(t, len(cases), domain)

	refusals := []string{"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}
	for _, c := range cases {
		if c.before != nil {
			c.before()
		}
		var order []string
		for name := range callers {
			if !slices.Contains(c.allowed, name) {
				order = append(order, name)
			}
		}
		order = append(order, c.allowed...)
		for _, name := range order {
			var opts []reqOpt
			if tok := callers[name]; tok != "" {
				opts = append(opts, withToken(tok))
			}
			res := b.gql(t, c.query, vars, opts...)
			if slices.Contains(c.allowed, name) {
				require.Empty(t, res.Errors, "%s by %s", c.name, name)
				continue // each member of the commission signs once; settings may be set again
			}
			require.Contains(t, refusals, res.code(), "%s by %s: %+v", c.name, name, res.Errors)
			if name == "anonymous" {
				require.Equal(t, "UNAUTHENTICATED", res.code(), c.name)
			}
		}
	}
}
