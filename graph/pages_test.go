package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Every list pages the same way: one size rule (0 to 100; 0 answers only the
// total), and cursors that belong to one list.
func TestPages_OneSizeRuleAndCursorsOfOneList(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	cid := f.openConsultation(t)
	for _, text := range []string{"Pierwszy postulat mieszkańców", "Drugi postulat mieszkańców", "Trzeci postulat mieszkańców"} {
		f.submit(t, cid, f.alice, text)
	}
	const q = `query($id: ID!, $n: Int, $after: String) { consultation(id: $id) { submissions(first: $n, after: $after) {
		totalCount edges { cursor } pageInfo { hasNextPage endCursor } } } }`
	list := func(n any, after any) gqlResponse {
		return b.gql(t, q, map[string]any{"id": cid, "n": n, "after": after}, withToken(f.bob))
	}
	res := list(0, nil)
	require.Empty(t, res.Errors)
	page := res.Data["consultation"].(map[string]any)["submissions"].(map[string]any)
	require.Equal(t, float64(3), page["totalCount"])
	require.Equal(t, []any{}, page["edges"])
	require.Equal(t, true, page["pageInfo"].(map[string]any)["hasNextPage"])

	res = list(2, nil)
	require.Empty(t, res.Errors)
	page = res.Data["consultation"].(map[string]any)["submissions"].(map[string]any)
	end := page["pageInfo"].(map[string]any)["endCursor"].(string)
	res = list(2, end)
	require.Empty(t, res.Errors)
	page = res.Data["consultation"].(map[string]any)["submissions"].(map[string]any)
	require.Len(t, page["edges"], 1)
	require.Equal(t, false, page["pageInfo"].(map[string]any)["hasNextPage"])

	for _, n := range []int{-1, 101} {
		require.Equal(t, "INVALID_INPUT", list(n, nil).code(), "first: %d", n)
	}
	// A submission cursor means nothing to the list of consultations.
	res = b.gql(t, `query($after: String) { consultations(first: 5, after: $after) { totalCount } }`,
		map[string]any{"after": end}, withToken(f.bob))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "after", res.Errors[0].Extensions["field"])
}
