package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTableMotion_ConsultationLinkOnlyOnOpinions: only an opinion is about
// a consultation; any other kind, and any amendment, is refused on
// consultationId with nothing written.
func TestTableMotion_ConsultationLinkOnlyOnOpinions(t *testing.T) {
	t.Parallel()
	f := newOpinionFixture(t)
	b := f.b
	body := f.createBody(t, true)
	chair := b.signUp(t, "przewodniczaca-link@example.org")
	b.confirm(t, "przewodniczaca-link@example.org")
	f.appoint(t, body, chair, "CHAIR", 365)
	table := func(in map[string]any) gqlResponse {
		in["title"] = map[string]any{"locale": "PL", "text": "Wniosek"}
		in["text"] = map[string]any{"locale": "PL", "text": "Treść wniosku."}
		return b.gql(t, `mutation($in: TableMotionInput!) { tableMotion(input: $in) { motion { id kind consultationId } } }`,
			map[string]any{"in": in}, withToken(chair))
	}
	count := func() int {
		var n int
		require.NoError(t, b.pool.QueryRow(t.Context(), `select count(*) from dialogue_motions where body_id = $1`, rawID(t, body)).Scan(&n))
		return n
	}
	for _, kind := range []string{"RESOLUTION", "RECOMMENDATION", "PROCEDURAL"} {
		res := table(map[string]any{"bodyId": body, "kind": kind, "consultationId": f.consultation})
		require.Equal(t, "INVALID_INPUT", res.code(), kind)
		require.Equal(t, "consultationId", res.Errors[0].Extensions["field"], kind)
		require.Equal(t, "Only an opinion can be about a consultation; an amendment has no link of its own.",
			b.gql(t, `mutation($in: TableMotionInput!) { tableMotion(input: $in) { motion { id } } }`, map[string]any{"in": map[string]any{
				"bodyId": body, "kind": kind, "consultationId": f.consultation,
				"title": map[string]any{"locale": "PL", "text": "Wniosek"}, "text": map[string]any{"locale": "PL", "text": "Treść."}}},
				withToken(chair), withLanguage("en")).Errors[0].Message)
	}
	require.Zero(t, count(), "nothing written")

	res := table(map[string]any{"bodyId": body, "kind": "OPINION", "consultationId": f.consultation})
	require.Empty(t, res.Errors)
	opinion := dig(res.Data, "tableMotion", "motion", "id").(string)
	require.Equal(t, f.consultation, dig(res.Data, "tableMotion", "motion", "consultationId"))

	// An amendment of the opinion inherits nothing of its link.
	res = b.gql(t, `mutation($m: ID!) { proposeAmendment(input: {motionId: $m, title: {locale: PL, text: "Poprawka"},
		text: {locale: PL, text: "Nowa treść opinii."}}) { amendment { kind consultationId } motion { consultationId } } }`,
		map[string]any{"m": opinion}, withToken(chair))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"kind": "OPINION", "consultationId": nil}, dig(res.Data, "proposeAmendment", "amendment"))
	require.Equal(t, f.consultation, dig(res.Data, "proposeAmendment", "motion", "consultationId"))
}
