package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// coordinator signs up an account and makes it a coordinator.
func (b *bundle) coordinator(t testing.TB, email string) string {
	t.Helper()
	token := b.signUp(t, email)
	ctx := context.Background()
	_, err := b.pool.Exec(ctx, `insert into role_grants (account_id, role, domain) select id, 'coordinator', '*' from accounts where email = $1`, email)
	require.NoError(t, err)
	require.NoError(t, b.authz.Reload(ctx))
	return token
}

func (b *bundle) createOrg(t testing.TB, token, slug string) string {
	t.Helper()
	res := b.gql(t, `mutation($in: CreateOrganisationInput!) { createOrganisation(input: $in) { organisation { id } } }`,
		map[string]any{"in": map[string]any{"kind": "NGO", "name": "Org " + slug, "slug": slug,
			"description": map[string]any{"locale": "PL", "text": "Opis " + slug}}}, withToken(token))
	require.Empty(t, res.Errors)
	return res.Data["createOrganisation"].(map[string]any)["organisation"].(map[string]any)["id"].(string)
}

func TestOrganisations_PageStatementCountDoesNotGrowWithPageSize(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token := b.coordinator(t, "coord@example.org")
	for i := range 25 {
		b.createOrg(t, token, fmt.Sprintf("org-%02d", i))
	}
	q := `query($n: Int) { organisations(first: $n) { totalCount edges { node { name description(locale: EN) { text isOriginal missingLocales }
		descriptionTranslations { authorName } viewerCan { update manageMembers } } } } }`
	count := func(n int) []string {
		before := int(b.queries.n.Load())
		res := b.gql(t, q, map[string]any{"n": n}, withToken(token))
		require.Empty(t, res.Errors)
		require.Len(t, res.Data["organisations"].(map[string]any)["edges"], n)
		return b.queries.since(before)
	}
	small := fewestStatements(func() []string { return count(2) })
	large := fewestStatements(func() []string { return count(25) })
	require.Equal(t, len(small), len(large), "statements for 2 organisations:\n%s\nfor 25:\n%s",
		strings.Join(small, "\n---\n"), strings.Join(large, "\n---\n"))
}

func TestOrganisations_ListedItemsAreVisibleThroughNode(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token := b.coordinator(t, "coord2@example.org")
	ids := map[string]bool{}
	for i := range 3 {
		ids[b.createOrg(t, token, fmt.Sprintf("n-%d", i))] = true
	}
	res := b.gql(t, `{ organisations(first: 10) { totalCount edges { node { id } } } }`, nil)
	require.Empty(t, res.Errors)
	edges := res.Data["organisations"].(map[string]any)["edges"].([]any)
	require.Len(t, edges, 3)
	for _, e := range edges {
		id := e.(map[string]any)["node"].(map[string]any)["id"].(string)
		require.True(t, ids[id])
		n := b.gql(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
		require.Equal(t, id, n.Data["node"].(map[string]any)["id"])
	}
	// Member lists are never public: membership can reveal origin.
	res = b.gql(t, `{ organisations(first: 10) { edges { node { members { totalCount } } } } }`, nil)
	require.Empty(t, res.Errors)
	for _, e := range res.Data["organisations"].(map[string]any)["edges"].([]any) {
		require.Nil(t, e.(map[string]any)["node"].(map[string]any)["members"])
	}
}

func TestAddTranslation_OnlyAuthorisedPeopleTranslate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	coord := b.coordinator(t, "c3@example.org")
	orgID := b.createOrg(t, coord, "tlumaczenia")
	res := b.gql(t, `query($id: ID!) { organisation(id: $id) { description { textId } } }`, map[string]any{"id": orgID})
	textID := res.Data["organisation"].(map[string]any)["description"].(map[string]any)["textId"].(string)

	add := `mutation($in: AddTranslationInput!) { addTranslation(input: $in) { translation { locale text isOriginal authorName }
		text { text locale isOriginal } } }`
	in := map[string]any{"textId": textID, "locale": "UK", "text": "Опис"}
	resident := b.signUp(t, "res@example.org")
	require.Equal(t, "FORBIDDEN", b.gql(t, add, map[string]any{"in": in}, withToken(resident)).code())
	require.Equal(t, "UNAUTHENTICATED", b.gql(t, add, map[string]any{"in": in}).code())

	res = b.gql(t, add, map[string]any{"in": in}, withToken(coord))
	require.Empty(t, res.Errors)
	tr := res.Data["addTranslation"].(map[string]any)
	require.Equal(t, map[string]any{"locale": "UK", "text": "Опис", "isOriginal": false, "authorName": "Tester"}, tr["translation"])
	require.Equal(t, map[string]any{"text": "Опис", "locale": "UK", "isOriginal": false}, tr["text"])

	// A Ukrainian reader now gets the translation; an English one the original.
	q := `query($id: ID!) { organisation(id: $id) { description { text locale isOriginal missingLocales } } }`
	uk := b.gql(t, q, map[string]any{"id": orgID}, withLanguage("uk"))
	require.Equal(t, map[string]any{"text": "Опис", "locale": "UK", "isOriginal": false, "missingLocales": []any{"EN", "RU"}},
		uk.Data["organisation"].(map[string]any)["description"])
	en := b.gql(t, q, map[string]any{"id": orgID}, withLanguage("en"))
	require.Equal(t, "Opis tlumaczenia", en.Data["organisation"].(map[string]any)["description"].(map[string]any)["text"])

	bad := map[string]any{"textId": "VGV4dDo" + uuid.NewString(), "locale": "EN", "text": "x"}
	require.Equal(t, "INVALID_INPUT", b.gql(t, add, map[string]any{"in": bad}, withToken(coord)).code())
}
