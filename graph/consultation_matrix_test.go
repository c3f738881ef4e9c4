package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

// The consultation's mutations, in the schema files of its parts.
var consultationSchema = []string{"consultation.graphqls", "consultation_submissions.graphqls",
	"consultation_meetings.graphqls", "consultation_report.graphqls"}

var _ = func() bool {
	for _, f := range consultationSchema {
		matrixFor(f)
	}
	return true
}()

// TestConsultationMutations_PermissionMatrix tries every consultation
// mutation with every kind of caller. A caller outside the allowed set must
// be refused with UNAUTHENTICATED, FORBIDDEN or NOT_FOUND; a caller inside it
// must never be refused for permission (the call may still fail for another
// reason, e.g. the phase).
func TestConsultationMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	forms := []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING", "STAFF_INTAKE"}
	draftID, _, _ := f.draft(t, 10, 30, forms)
	openID, _, _ := f.draft(t, 10, 30, forms)
	otherID, _, _ := f.draft(t, 10, 30, forms)
	for _, id := range []string{openID, otherID} {
		require.Empty(t, b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { id } } }`, map[string]any{"id": id}, withToken(f.official)).Errors)
		require.Empty(t, b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwarcie do testu"}) { consultation { id } } }`,
			map[string]any{"id": id}, withToken(f.official)).Errors)
	}
	require.Empty(t, b.gql(t, `mutation($id: ID!, $o: ID!) { assignConsultationModerator(input: {consultationId: $id, organisationId: $o}) { consultation { id } } }`,
		map[string]any{"id": openID, "o": f.ngoID}, withToken(f.official)).Errors)
	otherMod := b.signUp(t, "inny.moderator@example.org")
	b.confirm(t, "inny.moderator@example.org")
	require.Empty(t, b.gql(t, `mutation($id: ID!, $a: ID!) { assignConsultationModerator(input: {consultationId: $id, accountId: $a}) { consultation { id } } }`,
		map[string]any{"id": otherID, "a": b.accountID(t, otherMod)}, withToken(f.official)).Errors)
	b.confirm(t, "moderatorka@example.org")

	otherOfficial := b.signUp(t, "urzednik.inny@example.org")
	b.confirm(t, "urzednik.inny@example.org")
	res := b.gql(t, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Inny wydział", slug: "inny"}) { organisation { id } } }`, nil, withToken(f.coord))
	otherUnit := res.Data["createOrganisation"].(map[string]any)["organisation"].(map[string]any)["id"].(string)
	require.Empty(t, b.gql(t, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) { accountId } }`,
		map[string]any{"a": b.accountID(t, otherOfficial), "o": otherUnit}, withToken(f.coord)).Errors)
	unconfirmed := b.signUp(t, "bez.potwierdzenia@example.org")
	b.confirm(t, "koordynatorka@example.org")
	b.confirm(t, "urzednik@example.org")

	res = b.gql(t, `mutation($id: ID!) { createSubmission(input: {consultationId: $id, kind: POSTULATE, locale: PL, text: "Postulat Alicji"}) { submission { id } } }`,
		map[string]any{"id": openID}, withToken(f.alice))
	require.Empty(t, res.Errors)
	subID := res.Data["createSubmission"].(map[string]any)["submission"].(map[string]any)["id"].(string)

	// Enough flags would hide the item (correctly) from some callers mid-test.
	_, err := b.pool.Exec(context.Background(), `update consultations set auto_hide_threshold = 100`)
	require.NoError(t, err)

	start := time.Now().Add(48 * time.Hour)
	res = b.gql(t, `mutation($in: MeetingInput!) { createMeeting(input: $in) { meeting { id } } }`, map[string]any{"in": map[string]any{
		"consultationId": openID, "kind": "MEETING", "title": map[string]any{"locale": "PL", "text": "Spotkanie otwarte"},
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(time.Hour).Format(time.RFC3339), "place": "Urząd Miasta", "languages": []string{"PL"}}},
		withToken(f.official))
	require.Empty(t, res.Errors)
	meetingID := res.Data["createMeeting"].(map[string]any)["meeting"].(map[string]any)["id"].(string)
	questionID := gid.Encode("ConsultationQuestion", uuid.New())

	callers := map[string]string{"anonymous": "", "unconfirmed": unconfirmed, "resident": f.bob, "author": f.alice,
		"moderator": f.moderator, "other_moderator": otherMod, "official": f.official, "other_official": otherOfficial, "coordinator": f.coord}
	signedIn := []string{"unconfirmed", "resident", "author", "moderator", "other_moderator", "official", "other_official", "coordinator"}
	confirmed := []string{"resident", "author", "moderator", "other_moderator", "official", "other_official", "coordinator"}
	staff := []string{"official", "coordinator"}
	moderators := []string{"moderator", "official", "coordinator"}
	received := time.Now().Format(time.RFC3339)

	cases := []struct {
		name    string
		query   string
		vars    map[string]any
		allowed []string
	}{
		{"createConsultation", `mutation($u: ID!) { createConsultation(input: {unitId: $u, title: {locale: PL, text: "Nowa"}}) { consultation { id } } }`,
			map[string]any{"u": f.unitID}, staff},
		{"updateConsultation", `mutation($id: ID!) { updateConsultation(input: {consultationId: $id, tags: ["zmiana"]}) { consultation { id } } }`,
			map[string]any{"id": draftID}, staff},
		{"publishConsultation", `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { id } } }`,
			map[string]any{"id": draftID}, staff},
		{"changeConsultationPhase", `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Zmiana fazy ręcznie"}) { consultation { id } } }`,
			map[string]any{"id": draftID}, staff},
		{"assignConsultationModerator", `mutation($id: ID!, $o: ID!) { assignConsultationModerator(input: {consultationId: $id, organisationId: $o}) { consultation { id } } }`,
			map[string]any{"id": otherID, "o": f.ngoID}, staff},
		{"followConsultation", `mutation($id: ID!) { followConsultation(input: {consultationId: $id}) { consultation { id } } }`,
			map[string]any{"id": openID}, signedIn},
		{"createSubmission", `mutation($id: ID!) { createSubmission(input: {consultationId: $id, kind: POSTULATE, locale: PL, text: "Mój postulat"}) { submission { id } } }`,
			map[string]any{"id": openID}, confirmed},
		{"editSubmission", `mutation($id: ID!) { editSubmission(input: {submissionId: $id, locale: PL, text: "Poprawiony postulat"}) { submission { id } } }`,
			map[string]any{"id": subID}, []string{"author"}},
		{"supportSubmission", `mutation($id: ID!) { supportSubmission(input: {submissionId: $id}) { submission { id } } }`,
			map[string]any{"id": subID}, confirmed},
		{"unsupportSubmission", `mutation($id: ID!) { unsupportSubmission(input: {submissionId: $id}) { submission { id } } }`,
			map[string]any{"id": subID}, confirmed},
		{"flagSubmission", `mutation($id: ID!) { flagSubmission(input: {submissionId: $id, reason: SPAM}) { submissionId } }`,
			map[string]any{"id": subID}, confirmed},
		{"enterSubmissionOnBehalf", `mutation($id: ID!, $at: DateTime!) { enterSubmissionOnBehalf(input: {consultationId: $id, kind: POSTULATE,
			authorName: "Jan Kowalski", receivedAt: $at, channel: PAPER, locale: PL, text: "Z listu"}) { submission { id } } }`,
			map[string]any{"id": openID, "at": received}, staff},
		{"hideSubmission", `mutation($id: ID!) { hideSubmission(input: {submissionId: $id, reason: SPAM}) { submission { id } } }`,
			map[string]any{"id": subID}, moderators},
		{"restoreSubmission", `mutation($id: ID!) { restoreSubmission(input: {submissionId: $id}) { submission { id } } }`,
			map[string]any{"id": subID}, moderators},
		{"unfollowConsultation", `mutation($id: ID!) { unfollowConsultation(input: {consultationId: $id}) { consultation { id } } }`,
			map[string]any{"id": openID}, signedIn},
		{"setConsultationInterests", `mutation { setConsultationInterests(input: {districts: ["podgorze"], tags: []}) { interests { tags } } }`,
			nil, signedIn},
		{"unassignConsultationModerator", `mutation($id: ID!, $o: ID!) { unassignConsultationModerator(input: {consultationId: $id, organisationId: $o}) { consultation { id } } }`,
			map[string]any{"id": otherID, "o": f.ngoID}, staff},
		{"createMeeting", `mutation($id: ID!, $s: DateTime!, $e: DateTime!) { createMeeting(input: {consultationId: $id, kind: WORKSHOP,
			title: {locale: PL, text: "Warsztat"}, startsAt: $s, endsAt: $e, place: "Urząd", languages: [PL]}) { meeting { id } } }`,
			map[string]any{"id": openID, "s": start.Format(time.RFC3339), "e": start.Add(time.Hour).Format(time.RFC3339)}, staff},
		{"updateMeeting", `mutation($id: ID!, $s: DateTime!, $e: DateTime!) { updateMeeting(input: {meetingId: $id, kind: MEETING,
			title: {locale: PL, text: "Spotkanie otwarte"}, startsAt: $s, endsAt: $e, place: "Urząd Miasta", languages: [PL]}) { meeting { id } } }`,
			map[string]any{"id": meetingID, "s": start.Format(time.RFC3339), "e": start.Add(time.Hour).Format(time.RFC3339)}, staff},
		{"registerForMeeting", `mutation($id: ID!) { registerForMeeting(input: {meetingId: $id}) { meeting { id } } }`,
			map[string]any{"id": meetingID}, confirmed},
		{"unregisterFromMeeting", `mutation($id: ID!) { unregisterFromMeeting(input: {meetingId: $id}) { meeting { id } } }`,
			map[string]any{"id": meetingID}, signedIn}, // leaving is always one's own business
		{"recordAttendance", `mutation($id: ID!) { recordAttendance(input: {meetingId: $id, attendedAccountIds: []}) { meeting { id } } }`,
			map[string]any{"id": meetingID}, staff},
		{"publishMinutes", `mutation($id: ID!) { publishMinutes(input: {meetingId: $id, minutes: {locale: PL, text: "Protokół"}}) { meeting { id } } }`,
			map[string]any{"id": meetingID}, staff},
		{"answerSurvey", `mutation($id: ID!, $q: ID!) { answerSurvey(input: {consultationId: $id, answers: [{questionId: $q, locale: PL, text: "Tak"}]}) { consultation { id } } }`,
			map[string]any{"id": openID, "q": questionID}, confirmed},
		{"draftAnswer", `mutation($id: ID!) { draftAnswer(input: {submissionId: $id, status: ACCEPTED, reason: {locale: PL, text: "Uzasadnienie"}}) { submission { id } } }`,
			map[string]any{"id": subID}, staff},
		{"publishAnswers", `mutation($id: ID!) { publishAnswers(input: {consultationId: $id}) { publishedCount } }`,
			map[string]any{"id": openID}, staff},
		{"publishReport", `mutation($id: ID!) { publishReport(input: {consultationId: $id}) { consultation { id } } }`,
			map[string]any{"id": openID}, staff},
		{"cancelMeeting", `mutation($id: ID!) { cancelMeeting(input: {meetingId: $id, reason: "Odwołane z powodu choroby"}) { meeting { id } } }`,
			map[string]any{"id": meetingID}, staff},
		{"withdrawSubmission", `mutation($id: ID!) { withdrawSubmission(input: {submissionId: $id}) { submission { id } } }`,
			map[string]any{"id": subID}, []string{"author"}},
	}
	// Every consultation-domain mutation of the schema has a case.
	names := make([]string, 0, len(cases))
	for _, c := range cases {
		names = append(names, c.name)
	}
	requireMatrixCoversFiles(t, consultationSchema, names)
	for _, c := range cases {
		tryEveryCaller(t, b, callers, c.name, c.query, c.vars, c.allowed, nil, everyAllowedPasses)
	}
}
