package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEvents_SubmitReviewAndReadThroughTheAPI: a member submits an all-day
// event with a translated title; its fields read back exactly, in the
// asked locale with the original marked; the coordinator's queue holds it
// and rejects it with a reason; the member's edit submits it again, and
// the approval makes it public; a bad submission names its fields.
func TestEvents_SubmitReviewAndReadThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := eventFixture{newCallerFixture(t)}
	b := f.b
	member, coord := withToken(f.tokens[callerNGOMember]), withToken(f.tokens[callerCoordinator])
	res := b.gql(t, `mutation($o: ID!) { submitEvent(input: {organisationId: $o,
		title: [{locale: UK, text: "Фестиваль"}, {locale: PL, text: "Festiwal"}], accessibility: [{locale: PL, text: "Bez schodów"}],
		category: CULTURE, startsAt: "2030-06-07T10:00:00+02:00", endsAt: "2030-06-08T12:00:00+02:00", allDay: true,
		onlineUrl: "https://stream.example.org/f", languages: ["UK", "crh", "pl"]}) { event { id status allDay startsAt endsAt place onlineUrl
		languages category sequence title(locale: EN) { text locale isOriginal missingLocales } pl: title(locale: PL) { text isOriginal }
		accessibility(locale: UK) { text locale } description { text } organisation { id } viewerCan { edit cancel review } } } }`,
		map[string]any{"o": f.ngoID}, member)
	require.Empty(t, res.Errors)
	ev := dig(res.Data, "submitEvent", "event").(map[string]any)
	id := ev["id"].(string)
	delete(ev, "id")
	require.Equal(t, map[string]any{"status": "SUBMITTED", "allDay": true, "startsAt": "2030-06-07T00:00:00+02:00", "endsAt": "2030-06-09T00:00:00+02:00",
		"place": nil, "onlineUrl": "https://stream.example.org/f", "languages": []any{"uk", "crh", "pl"}, "category": "CULTURE", "sequence": float64(0),
		"title":         map[string]any{"text": "Фестиваль", "locale": "UK", "isOriginal": true, "missingLocales": []any{"EN", "RU"}},
		"pl":            map[string]any{"text": "Festiwal", "isOriginal": false},
		"accessibility": map[string]any{"text": "Bez schodów", "locale": "PL"}, "description": nil,
		"organisation": map[string]any{"id": f.ngoID}, "viewerCan": map[string]any{"edit": true, "cancel": true, "review": false}}, ev)

	res = b.gql(t, `{ eventReviewQueue { totalCount edges { node { id viewerCan { review } } } } }`, nil, coord)
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"totalCount": float64(1), "edges": []any{map[string]any{"node": map[string]any{"id": id,
		"viewerCan": map[string]any{"review": true}}}}}, res.Data["eventReviewQueue"])
	res = b.gql(t, `{ eventReviewQueue { totalCount } }`, nil, member)
	require.Equal(t, "FORBIDDEN", res.code())

	res = b.gql(t, `mutation($id: ID!) { rejectEvent(input: {id: $id, reason: " "}) { event { id } } }`, map[string]any{"id": id}, coord)
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "reason", res.Errors[0].Extensions["field"])
	res = b.gql(t, `mutation($id: ID!) { rejectEvent(input: {id: $id, reason: "Brak programu."}) { event { status rejectReason sequence } } }`,
		map[string]any{"id": id}, coord)
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"status": "REJECTED", "rejectReason": "Brak programu.", "sequence": float64(1)}, dig(res.Data, "rejectEvent", "event"))
	res = b.gql(t, `mutation($id: ID!) { updateEvent(input: {id: $id, description: [{locale: PL, text: "Program: koncerty."}]}) {
		event { status rejectReason sequence description(locale: PL) { text } } } }`, map[string]any{"id": id}, member)
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"status": "SUBMITTED", "rejectReason": nil, "sequence": float64(2),
		"description": map[string]any{"text": "Program: koncerty."}}, dig(res.Data, "updateEvent", "event"))
	res = b.gql(t, `mutation($id: ID!) { approveEvent(input: {id: $id}) { event { status approvedAt } } }`, map[string]any{"id": id}, coord)
	require.Empty(t, res.Errors)
	require.Equal(t, "APPROVED", dig(res.Data, "approveEvent", "event", "status"))
	res = b.gql(t, `query($o: ID!) { events(organisationId: $o, language: "crh", category: CULTURE, from: "2030-06-08T00:00:00Z") {
		totalCount edges { node { id } } } }`, map[string]any{"o": f.ngoID})
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"totalCount": float64(1), "edges": []any{map[string]any{"node": map[string]any{"id": id}}}}, res.Data["events"])

	res = b.gql(t, `mutation($o: ID!) { submitEvent(input: {organisationId: $o, title: [{locale: PL, text: "X"}], category: OTHER,
		startsAt: "2030-06-07T10:00:00+02:00", endsAt: "2030-06-07T09:00:00+02:00", url: "javascript:alert(1)", languages: ["pl"]}) { event { id } } }`,
		map[string]any{"o": f.ngoID}, member)
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "endsAt", res.Errors[0].Extensions["field"])
	var fields []any
	for _, e := range res.Errors[0].Extensions["fields"].([]any) {
		fields = append(fields, e.(map[string]any)["field"])
	}
	require.Equal(t, []any{"endsAt", "place", "url"}, fields)
}
