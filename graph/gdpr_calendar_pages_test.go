package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// exportOf returns the caller's data export, decoded.
func exportOf(t *testing.T, b *bundle, token string) map[string]any {
	t.Helper()
	res := b.gql(t, `{ me { dataExport } }`, nil, withToken(token))
	require.Empty(t, res.Errors)
	var export map[string]any
	require.NoError(t, json.Unmarshal([]byte(dig(res.Data, "me", "dataExport").(string)), &export))
	return export
}

// TestGDPR_EventsAndInfoPagesInTheExport: the events a member submitted
// (with the reason it was refused), the reviews and cancellations staff
// made, the pages, originals and translations people wrote are in their
// exports and nobody else's; erasing a translator keeps their translation
// on the public page but empties its credit and their name.
func TestGDPR_EventsAndInfoPagesInTheExport(t *testing.T) {
	t.Parallel()
	f := newInfoFixture(t)
	b := f.b
	ev := eventFixture{f.callerFixture}
	coord, member, translator := f.tokens[callerCoordinator], f.tokens[callerNGOMember], f.tokens[callerTranslator]

	rejected := ev.rejected(t) // the member's, refused by the coordinator with "Duplikat."
	entered := ev.approved(t)  // entered by the coordinator, approved at once
	f.ok(t, b.gql(t, `mutation($id: ID!) { cancelEvent(input: {id: $id, reason: "Choroba prowadzącej."}) { event { id } } }`,
		map[string]any{"id": entered}, withToken(coord)))

	page := f.page(t, "meldunek", "PROCEDURE", false)
	f.ok(t, b.gql(t, `mutation($p: ID!) { addInfoPageTranslation(input: {pageId: $p, language: "uk", title: "Реєстрація",
		body: "Текст.", credit: "тлумачка Анна К."}) { translation { version } } }`, map[string]any{"p": page}, withToken(translator)))

	events := func(token string) map[string]any {
		return dig(exportOf(t, b, token), "domains", "events").(map[string]any)
	}
	pages := func(token string) map[string]any {
		return dig(exportOf(t, b, token), "domains", "infoPages").(map[string]any)
	}

	m := events(member)
	require.Len(t, m["submitted"], 1)
	sub := m["submitted"].([]any)[0].(map[string]any)
	require.Equal(t, rawID(t, rejected), sub["id"])
	require.Equal(t, rawID(t, f.ngoID), sub["organisationId"])
	require.Equal(t, "rejected", sub["status"])
	require.Equal(t, "Duplikat.", sub["rejectReason"])
	require.Equal(t, []any{}, m["reviews"])
	require.Equal(t, []any{}, m["cancellations"])
	require.Equal(t, map[string]any{"created": []any{}, "originals": []any{}, "translations": []any{}, "statusChanges": []any{}}, pages(member))

	c := events(coord)
	require.Len(t, c["submitted"], 1)
	require.Equal(t, rawID(t, entered), dig(c["submitted"].([]any)[0], "id"))
	require.Equal(t, "cancelled", dig(c["submitted"].([]any)[0], "status"))
	// Staff's own entry counts as approved by them at once.
	var reviews []any
	for _, r := range c["reviews"].([]any) {
		reviews = append(reviews, []any{dig(r, "eventId"), dig(r, "status")})
	}
	require.Equal(t, []any{[]any{rawID(t, rejected), "rejected"}, []any{rawID(t, entered), "cancelled"}}, reviews)
	require.Len(t, c["cancellations"], 1)
	require.Equal(t, rawID(t, entered), dig(c["cancellations"].([]any)[0], "eventId"))
	require.Equal(t, "Choroba prowadzącej.", dig(c["cancellations"].([]any)[0], "reason"))
	p := pages(coord)
	require.Len(t, p["created"], 1)
	require.Equal(t, "meldunek", dig(p["created"].([]any)[0], "slug"))
	require.Len(t, p["originals"], 1)
	require.Equal(t, "Tytuł", dig(p["originals"].([]any)[0], "title"))
	var statuses []any
	for _, s := range p["statusChanges"].([]any) {
		statuses = append(statuses, dig(s, "status"))
	}
	require.Equal(t, []any{"draft", "published"}, statuses)
	require.Equal(t, []any{}, p["translations"])

	tr := pages(translator)
	require.Len(t, tr["translations"], 1)
	got := tr["translations"].([]any)[0].(map[string]any)
	require.Equal(t, rawID(t, page), got["pageId"])
	require.Equal(t, "uk", got["language"])
	require.Equal(t, "Реєстрація", got["title"])
	require.Equal(t, "Текст.", got["body"])
	require.Equal(t, "тлумачка Анна К.", got["credit"])
	require.Equal(t, map[string]any{"submitted": []any{}, "reviews": []any{}, "cancellations": []any{}}, events(translator))

	content := `query($p: ID!) { node(id: $p) { ... on InfoPage { content(language: "uk") { title by credit } } } }`
	res := b.gql(t, content, map[string]any{"p": page})
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"title": "Реєстрація", "by": "Tester", "credit": "тлумачка Анна К."}, dig(res.Data, "node", "content"))
	f.ok(t, b.gql(t, `mutation($pw: String!) { deleteAccount(input: {password: $pw}) { deletedAccountId } }`,
		map[string]any{"pw": "correct horse battery"}, withToken(translator)))
	res = b.gql(t, content, map[string]any{"p": page})
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"title": "Реєстрація", "by": nil, "credit": nil}, dig(res.Data, "node", "content"),
		"the translation stays; its credit and its translator's name go")
}
