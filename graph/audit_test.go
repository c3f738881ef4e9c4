package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInvitations_CreateRevokeAndTheAuditLogShowsBoth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	coord := b.coordinator(t, "koordynator@example.org")
	resident := b.signUp(t, "mieszkanka@example.org")

	res := b.gql(t, `mutation { createInvitation(input: {email: "Nowy.Urzednik@Example.org", role: COORDINATOR}) { invitation { id } } }`, nil, withToken(coord))
	require.Equal(t, "FORBIDDEN", res.code(), "only admins invite coordinators")
	orgID := b.createOrg(t, coord, "wydzial")
	res = b.gql(t, `mutation($org: ID!) { createInvitation(input: {email: "Nowy.Urzednik@Example.org", role: OFFICIAL, organisationId: $org}) {
		invitation { id email role organisation { id } acceptedAt } } }`, map[string]any{"org": orgID}, withToken(coord))
	require.Empty(t, res.Errors)
	inv := res.Data["createInvitation"].(map[string]any)["invitation"].(map[string]any)
	require.Equal(t, "nowy.urzednik@example.org", inv["email"])
	require.Equal(t, "OFFICIAL", inv["role"])
	require.Equal(t, orgID, inv["organisation"].(map[string]any)["id"])
	invID := inv["id"].(string)

	revoke := `mutation($id: ID!) { revokeInvitation(input: {invitationId: $id}) { invitation { id } } }`
	require.Equal(t, "NOT_FOUND", b.gql(t, revoke, map[string]any{"id": invID}, withToken(resident)).code(),
		"an invitation the caller may not manage does not exist for them")
	res = b.gql(t, revoke, map[string]any{"id": invID}, withToken(coord))
	require.Empty(t, res.Errors)

	q := `query($type: String) { auditLog(filter: {objectType: $type}, first: 10) { totalCount edges { node { action actorName objectType } } } }`
	require.Equal(t, "FORBIDDEN", b.gql(t, q, map[string]any{"type": "invitation"}, withToken(resident)).code())
	require.Equal(t, "UNAUTHENTICATED", b.gql(t, q, map[string]any{"type": "invitation"}).code())
	res = b.gql(t, q, map[string]any{"type": "invitation"}, withToken(coord))
	require.Empty(t, res.Errors)
	log := res.Data["auditLog"].(map[string]any)
	require.Equal(t, float64(2), log["totalCount"])
	edges := log["edges"].([]any)
	require.Equal(t, map[string]any{"action": "invitation.revoke", "actorName": "Tester", "objectType": "invitation"}, edges[0].(map[string]any)["node"])
	require.Equal(t, map[string]any{"action": "invitation.create", "actorName": "Tester", "objectType": "invitation"}, edges[1].(map[string]any)["node"])

	// Paging: one at a time, in the same order.
	res = b.gql(t, `{ auditLog(filter: {objectType: "invitation"}, first: 1) { edges { cursor node { action } } pageInfo { hasNextPage endCursor } } }`, nil, withToken(coord))
	page := res.Data["auditLog"].(map[string]any)
	require.Equal(t, true, page["pageInfo"].(map[string]any)["hasNextPage"])
	res = b.gql(t, `query($after: String) { auditLog(filter: {objectType: "invitation"}, first: 1, after: $after) { edges { node { action } } pageInfo { hasNextPage } } }`,
		map[string]any{"after": page["pageInfo"].(map[string]any)["endCursor"]}, withToken(coord))
	page = res.Data["auditLog"].(map[string]any)
	require.Equal(t, "invitation.create", page["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["action"])
	require.Equal(t, false, page["pageInfo"].(map[string]any)["hasNextPage"])
}
