package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

var _ = matrixFor("schema.graphql")

// TestTranslationMutations_PermissionMatrix tries addTranslation, the one
// mutation of the root schema file, with every kind of caller on two texts.
// A text is translated by its author and by whoever holds a translating
// role in the domains of the object it belongs to: its organisation's
// managers, the moderators and officials of its consultation, coordinators
// and admins. A new version in the original's locale is its author's alone.
func TestTranslationMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	ok := func(res gqlResponse, path ...string) string {
		t.Helper()
		require.Empty(t, res.Errors)
		return dig(res.Data, path...).(string)
	}

	// The NGO's description, written by the coordinator who created it.
	description := ok(b.gql(t, `query($id: ID!) { organisation(id: $id) { description { textId } } }`, map[string]any{"id": f.ngoID}),
		"organisation", "description", "textId")
	// A resident's submission to an open consultation that the NGO moderates.
	consultation, _, _ := f.draft(t, 10, 30, []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING", "STAFF_INTAKE"})
	ok(b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { id } } }`,
		map[string]any{"id": consultation}, withToken(f.official)), "publishConsultation", "consultation", "id")
	ok(b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwarcie do testu"}) { consultation { id } } }`,
		map[string]any{"id": consultation}, withToken(f.official)), "changeConsultationPhase", "consultation", "id")
	ok(b.gql(t, `mutation($id: ID!, $o: ID!) { assignConsultationModerator(input: {consultationId: $id, organisationId: $o}) { consultation { id } } }`,
		map[string]any{"id": consultation, "o": f.ngoID}, withToken(f.official)), "assignConsultationModerator", "consultation", "id")
	submission := ok(b.gql(t, `mutation($id: ID!) { createSubmission(input: {consultationId: $id, kind: POSTULATE, locale: PL,
		text: "Więcej ławek w parkach"}) { submission { text { textId } } } }`, map[string]any{"id": consultation}, withToken(f.tokens[callerVerified])),
		"createSubmission", "submission", "text", "textId")

	add := `mutation($in: AddTranslationInput!) { addTranslation(input: $in) { translation { locale text isOriginal } text { text locale isOriginal } } }`
	translate := func(textID, locale, text string) func(string) map[string]any {
		return fixedVars(map[string]any{"in": map[string]any{"textId": textID, "locale": locale, "text": text}})
	}
	versions := func(textID, locale string) int {
		t.Helper()
		_, key, ok := gid.Decode(textID)
		require.True(t, ok)
		var n int
		require.NoError(t, b.pool.QueryRow(t.Context(), `select count(*) from text_versions where text_id = $1 and locale = $2`, key, locale).Scan(&n))
		return n
	}
	translated := func(textID, locale, text string) func(*testing.T, map[string]gqlResponse) {
		return func(t *testing.T, got map[string]gqlResponse) {
			for c, res := range got {
				want := map[string]any{"locale": map[string]string{"uk": "UK", "en": "EN"}[locale], "text": text, "isOriginal": false}
				require.Equal(t, want, dig(res.Data, "addTranslation", "translation"), c)
				require.Equal(t, map[string]any{"text": text, "locale": want["locale"], "isOriginal": false}, dig(res.Data, "addTranslation", "text"), c)
			}
			require.Equal(t, len(got), versions(textID, locale), "one credited version per translator, none from a refused caller")
		}
	}

	tries := []matrixTry{
		{name: "addTranslation", label: "an organisation's description", query: add, vars: translate(description, "UK", "Опис фонду"),
			allowed: []string{callerNGOManager, callerCoordinator, callerAdmin}, effect: translated(description, "uk", "Опис фонду")},
		// The verified resident wrote it; the NGO's moderator moderates its consultation.
		{name: "addTranslation", label: "a submission", query: add, vars: translate(submission, "EN", "More benches in parks"),
			allowed: []string{callerVerified, callerNGOModerator, callerOfficial, callerCoordinator, callerAdmin},
			effect:  translated(submission, "en", "More benches in parks")},
	}
	runMatrix(t, b, f.tokens, "schema.graphql", tries)

	// The original's locale is taken: only the author adds a new original
	// version; a translator who may translate the text gets CONFLICT.
	original := map[string]any{"in": map[string]any{"textId": submission, "locale": "PL", "text": "Więcej ławek w parkach miejskich"}}
	require.Equal(t, "CONFLICT", b.gql(t, add, original, withToken(f.coord)).code())
	res := b.gql(t, add, original, withToken(f.tokens[callerVerified]))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"locale": "PL", "text": "Więcej ławek w parkach miejskich", "isOriginal": true}, dig(res.Data, "addTranslation", "translation"))
}
