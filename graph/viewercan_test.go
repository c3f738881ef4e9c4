package graph_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

// viewerCan is what the API promises; the mutation is what it does. For each
// caller and state, every promised action succeeds and every other one is
// refused.
func TestSubmissionViewerCan_AgreesWithTheMutations(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	cid := f.openConsultation(t)
	mine := f.submit(t, cid, f.alice, "Więcej ławek w parkach")
	late := f.submit(t, cid, f.alice, "Dłuższe godziny bibliotek")
	// late's edit window is over: it was written a day ago.
	_, key, ok := gid.Decode(late)
	require.True(t, ok)
	_, err := b.pool.Exec(context.Background(), `update submissions set created_at = now() - interval '1 day' where id = $1`, key)
	require.NoError(t, err)

	viewerCan := func(token, sid string) map[string]any {
		t.Helper()
		res := b.gql(t, `query($id: ID!) { node(id: $id) { ... on Submission { viewerCan { edit withdraw support flag moderate } } } }`,
			map[string]any{"id": sid}, withToken(token))
		require.Empty(t, res.Errors)
		return res.Data["node"].(map[string]any)["viewerCan"].(map[string]any)
	}
	try := map[string]string{
		"edit":    `mutation($id: ID!) { editSubmission(input: {submissionId: $id, locale: PL, text: "Poprawiony tekst postulatu"}) { submission { id } } }`,
		"support": `mutation($id: ID!) { supportSubmission(input: {submissionId: $id}) { submission { id } } }`,
		"flag":    `mutation($id: ID!) { flagSubmission(input: {submissionId: $id, reason: OFF_TOPIC}) { submissionId } }`,
	}
	agree := func(who, token, sid string, want map[string]any) {
		t.Helper()
		can := viewerCan(token, sid)
		require.Equal(t, want, can, "%s's viewerCan", who)
		for _, action := range []string{"edit", "support", "flag"} {
			res := b.gql(t, try[action], map[string]any{"id": sid}, withToken(token))
			require.Equal(t, can[action], len(res.Errors) == 0, "%s: viewerCan.%s is %v, the mutation answered %v", who, action, can[action], res.Errors)
		}
		if can["support"] == true {
			require.Empty(t, b.gql(t, `mutation($id: ID!) { unsupportSubmission(input: {submissionId: $id}) { submission { id } } }`,
				map[string]any{"id": sid}, withToken(token)).Errors)
		}
	}

	// The author may edit within the window, never support or flag their own.
	agree("author", f.alice, mine, map[string]any{"edit": true, "withdraw": true, "support": false, "flag": false, "moderate": false})
	// After the window the author may not edit (viewerCan said they could).
	agree("author after the edit window", f.alice, late,
		map[string]any{"edit": false, "withdraw": true, "support": false, "flag": false, "moderate": false})
	agree("another resident", f.bob, mine, map[string]any{"edit": false, "withdraw": false, "support": true, "flag": true, "moderate": false})
	agree("the unit's official", f.official, mine, map[string]any{"edit": false, "withdraw": false, "support": false, "flag": false, "moderate": true})

	// Withdrawn: nothing is left to do but moderate.
	require.True(t, viewerCan(f.alice, late)["withdraw"].(bool))
	require.Empty(t, b.gql(t, `mutation($id: ID!) { withdrawSubmission(input: {submissionId: $id}) { submission { id } } }`,
		map[string]any{"id": late}, withToken(f.alice)).Errors)
	agree("author of a withdrawn submission", f.alice, late,
		map[string]any{"edit": false, "withdraw": false, "support": false, "flag": false, "moderate": false})
	agree("the official, withdrawn", f.official, late,
		map[string]any{"edit": false, "withdraw": false, "support": false, "flag": false, "moderate": true})

	// Closed: supports and edits end; flags (evidence for moderators) do not.
	require.Empty(t, b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: CLOSED, reason: "Koniec konsultacji"}) { consultation { id } } }`,
		map[string]any{"id": cid}, withToken(f.official)).Errors)
	agree("author after the close", f.alice, mine, map[string]any{"edit": false, "withdraw": false, "support": false, "flag": false, "moderate": false})
	agree("another resident after the close", f.carol, mine,
		map[string]any{"edit": false, "withdraw": false, "support": false, "flag": true, "moderate": false})
}

func TestConsultationViewerCan_AgreesWithTheMutations(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	// No online forms: residents cannot submit; staff take in paper.
	id, _, _ := f.draft(t, 10, 30, []string{"MEETING", "SURVEY", "STAFF_INTAKE"})
	require.Empty(t, b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { status } } }`,
		map[string]any{"id": id}, withToken(f.official)).Errors)

	can := func(token string) map[string]any {
		t.Helper()
		res := b.gql(t, `query($id: ID!) { consultation(id: $id) { viewerCan { submit enterOnBehalf answerSurvey } } }`,
			map[string]any{"id": id}, withToken(token))
		require.Empty(t, res.Errors)
		return res.Data["consultation"].(map[string]any)["viewerCan"].(map[string]any)
	}
	res := b.gql(t, `query($id: ID!) { consultation(id: $id) { opensAt } }`, map[string]any{"id": id}, withToken(f.official))
	require.Empty(t, res.Errors)
	received := res.Data["consultation"].(map[string]any)["opensAt"]
	enter := func() gqlResponse {
		return b.gql(t, `mutation($id: ID!, $at: DateTime!) { enterSubmissionOnBehalf(input: {consultationId: $id, kind: POSTULATE,
			authorName: "Jan Kowalski", receivedAt: $at, channel: PAPER, locale: PL, text: "Postulat z listu"}) { submission { id } } }`,
			map[string]any{"id": id, "at": received}, withToken(f.official))
	}
	// The survey: viewerCan.answerSurvey and answerSurvey (with no answers,
	// which still checks who may answer and when) agree.
	answer := func(who, token string) {
		t.Helper()
		res := b.gql(t, `mutation($id: ID!) { answerSurvey(input: {consultationId: $id, answers: []}) { consultation { id } } }`,
			map[string]any{"id": id}, withToken(token))
		require.Equal(t, can(token)["answerSurvey"], len(res.Errors) == 0, "%s: the mutation answered %v", who, res.Errors)
	}
	// Announced, not open: staff intake waits for the opening (viewerCan
	// said it was possible).
	require.Equal(t, map[string]any{"submit": false, "enterOnBehalf": false, "answerSurvey": false}, can(f.official))
	require.Equal(t, "PHASE_CLOSED", enter().code())
	require.Equal(t, map[string]any{"submit": false, "enterOnBehalf": false, "answerSurvey": false}, can(f.alice))
	answer("a resident before the opening", f.alice)

	require.Empty(t, b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwieramy konsultacje"}) { consultation { status } } }`,
		map[string]any{"id": id}, withToken(f.official)).Errors)
	// The official's e-mail is not confirmed: no taking part.
	require.Equal(t, map[string]any{"submit": false, "enterOnBehalf": true, "answerSurvey": false}, can(f.official))
	require.Empty(t, enter().Errors)
	answer("the unit's official, unconfirmed", f.official)
	// Open, but no form to submit through (viewerCan said residents could);
	// the survey is offered.
	require.Equal(t, map[string]any{"submit": false, "enterOnBehalf": false, "answerSurvey": true}, can(f.alice))
	answer("a resident while open", f.alice)
	res = b.gql(t, `mutation($id: ID!) { createSubmission(input: {consultationId: $id, kind: POSTULATE, locale: PL, text: "Postulat bez formularza"}) { submission { id } } }`,
		map[string]any{"id": id}, withToken(f.alice))
	require.Equal(t, "CONFLICT", res.code())
}
