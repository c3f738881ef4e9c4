package graph_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGDPR_ExportThenDeleteThroughTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token := b.signUp(t, "rodo@example.org")

	res := b.gql(t, `{ me { dataExport } }`, nil, withToken(token))
	require.Empty(t, res.Errors)
	var export map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.Data["me"].(map[string]any)["dataExport"].(string)), &export))
	require.Equal(t, "rodo@example.org", export["account"].(map[string]any)["email"])
	require.Len(t, export["sessions"], 1)

	del := `mutation($pw: String!) { deleteAccount(input: {password: $pw}) { deletedAccountId } }`
	res = b.gql(t, del, map[string]any{"pw": "not my password"}, withToken(token))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "password", res.Errors[0].Extensions["field"])
	require.Equal(t, "UNAUTHENTICATED", b.gql(t, del, map[string]any{"pw": "x"}).code())

	res = b.gql(t, del, map[string]any{"pw": "correct horse battery"}, withToken(token))
	require.Empty(t, res.Errors)
	res = b.gql(t, `{ me { email } }`, nil, withToken(token))
	require.Equal(t, http.StatusUnauthorized, res.Status, "the deleted account's sessions are gone")
	b.signUp(t, "rodo@example.org") // the address is free again
}
