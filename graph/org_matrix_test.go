package graph_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("org.graphqls")

// TestOrganisationMutations_PermissionMatrix tries every mutation of
// org.graphqls with every kind of caller. Coordinators and admins create
// organisations and act on any; an organisation's managers update it and
// manage its members, and nothing else: not another organisation, and its
// plain members and moderators not at all. Officials have no say over
// organisations, their own unit's included.
func TestOrganisationMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	global := []string{callerCoordinator, callerAdmin}
	ngoManagers := []string{callerNGOManager, callerCoordinator, callerAdmin}
	otherNGO := b.createOrg(t, f.coord, "inna-fundacja")

	// Accounts to add, and to remove: one per allowed caller, since a
	// removed member cannot be removed again.
	newcomer := b.accountID(t, b.signUp(t, "kandydatka@example.org"))
	leavers := map[string]map[string]string{f.ngoID: {}, otherNGO: {}}
	for orgID, allowed := range map[string][]string{f.ngoID: ngoManagers, otherNGO: global} {
		for _, c := range allowed {
			prefix := map[string]string{f.ngoID: "odchodzi.z-fundacji", otherNGO: "odchodzi.z-innej"}[orgID]
			id := b.accountID(t, b.signUp(t, perCaller(prefix, c)))
			require.Empty(t, b.gql(t, `mutation($o: ID!, $a: ID!) { addOrganisationMember(input: {organisationId: $o, accountId: $a, role: MEMBER}) { member { role } } }`,
				map[string]any{"o": orgID, "a": id}, withToken(f.coord)).Errors)
			leavers[orgID][c] = id
		}
	}
	members := func(orgID string) map[string]any {
		t.Helper()
		res := b.gql(t, `query($id: ID!) { organisation(id: $id) { members(first: 50) { edges { node { accountId role } } } } }`,
			map[string]any{"id": orgID}, withToken(f.coord))
		require.Empty(t, res.Errors)
		out := map[string]any{}
		for _, e := range dig(res.Data, "organisation", "members", "edges").([]any) {
			out[dig(e, "node", "accountId").(string)] = dig(e, "node", "role")
		}
		return out
	}
	name := func(orgID string) string {
		t.Helper()
		res := b.gql(t, `query($id: ID!) { organisation(id: $id) { name } }`, map[string]any{"id": orgID})
		require.Empty(t, res.Errors)
		return dig(res.Data, "organisation", "name").(string)
	}
	update := `mutation($id: ID!, $n: String!) { updateOrganisation(input: {id: $id, name: $n}) { organisation { name } } }`
	add := `mutation($o: ID!, $a: ID!) { addOrganisationMember(input: {organisationId: $o, accountId: $a, role: MEMBER}) {
		organisation { id } member { accountId role } } }`
	remove := `mutation($o: ID!, $a: ID!) { removeOrganisationMember(input: {organisationId: $o, accountId: $a}) { organisation { id } } }`
	removeVars := func(orgID string, allowed []string) func(string) map[string]any {
		return func(c string) map[string]any {
			if !slices.Contains(allowed, c) {
				c = allowed[0] // a refused caller tries on a member an allowed one removes later
			}
			return map[string]any{"o": orgID, "a": leavers[orgID][c]}
		}
	}
	// What is left after the removals: the NGO's own three and the newcomer.
	stay := map[string]map[string]any{otherNGO: {newcomer: "MEMBER"}, f.ngoID: {newcomer: "MEMBER"}}
	for c, role := range map[string]string{callerNGOMember: "MEMBER", callerNGOModerator: "MODERATOR", callerNGOManager: "MANAGER"} {
		stay[f.ngoID][b.accountID(t, f.tokens[c])] = role
	}
	requireRemoved := func(orgID string) func(*testing.T, map[string]gqlResponse) {
		return func(t *testing.T, _ map[string]gqlResponse) {
			require.Equal(t, stay[orgID], members(orgID), "each allowed caller removed their leaver, and nobody else left")
		}
	}

	tries := []matrixTry{
		{name: "createOrganisation", query: `mutation($s: String!) { createOrganisation(input: {kind: NGO, name: "Stowarzyszenie", slug: $s}) {
			organisation { id slug } } }`,
			vars:    func(c string) map[string]any { return map[string]any{"s": "nowa-" + strings.ReplaceAll(c, "_", "-")} },
			allowed: global,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					id := dig(res.Data, "createOrganisation", "organisation", "id").(string)
					require.Equal(t, "Stowarzyszenie", name(id), c)
				}
			}},
		{name: "updateOrganisation", label: "the NGO", query: update, vars: fixedVars(map[string]any{"id": f.ngoID, "n": "Fundacja Otwarta"}),
			allowed: ngoManagers,
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				require.Equal(t, "Fundacja Otwarta", name(f.ngoID))
			}},
		{name: "updateOrganisation", label: "another organisation", query: update, vars: fixedVars(map[string]any{"id": otherNGO, "n": "Inna Fundacja"}),
			allowed: global},
		{name: "updateOrganisation", label: "the officials' own unit", query: update,
			vars: fixedVars(map[string]any{"id": f.unitID, "n": "Wydział Polityki Społecznej i Zdrowia"}), allowed: global},
		{name: "addOrganisationMember", label: "the NGO", query: add, vars: fixedVars(map[string]any{"o": f.ngoID, "a": newcomer}),
			allowed: ngoManagers,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, map[string]any{"accountId": newcomer, "role": "MEMBER"}, dig(res.Data, "addOrganisationMember", "member"), c)
				}
				require.Equal(t, "MEMBER", members(f.ngoID)[newcomer])
			}},
		{name: "addOrganisationMember", label: "another organisation", query: add, vars: fixedVars(map[string]any{"o": otherNGO, "a": newcomer}),
			allowed: global},
		{name: "removeOrganisationMember", label: "the NGO", query: remove, vars: removeVars(f.ngoID, ngoManagers), allowed: ngoManagers,
			effect: requireRemoved(f.ngoID)},
		{name: "removeOrganisationMember", label: "another organisation", query: remove, vars: removeVars(otherNGO, global), allowed: global,
			effect: requireRemoved(otherNGO)},
	}
	runMatrix(t, b, f.tokens, "org.graphqls", tries)
}
