package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("dialogue_meetings.graphqls")

// TestDialogueMeetingMutations_PermissionMatrix tries every mutation of
// dialogue_meetings.graphqls with every kind of caller, including a member
// and the chair of the body and of another body, and an official of another
// unit. The chair, the unit's officials, coordinators and admins keep a
// meeting, its agenda, attendance and floor; members on the roll check in
// and ask to speak; everyone else who sees the public body's meeting is
// FORBIDDEN, anonymous callers UNAUTHENTICATED.
func TestDialogueMeetingMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	d := &dialogueFixture{consultationFixture: f.consultationFixture}
	body, other := d.createBody(t, true), d.createBody(t, true)
	tokens := map[string]string{}
	for k, v := range f.tokens {
		tokens[k] = v
	}
	d.seatCallers(t, tokens, "posiedzenie", map[string]bodySeat{
		callerBodyMember: {body, "MEMBER"}, callerBodyChair: {body, "CHAIR"},
		callerOtherBodyMember: {other, "MEMBER"}, callerOtherBodyChair: {other, "CHAIR"},
	})
	withChair := []string{callerBodyChair, callerOfficial, callerCoordinator, callerAdmin}
	onRoll := []string{callerBodyMember, callerBodyChair}

	// The meeting starts in 20 minutes: check-in is open, the agenda too.
	start := time.Now().Add(20 * time.Minute).UTC().Truncate(time.Second)
	meetingIn := map[string]any{"title": map[string]any{"locale": "PL", "text": "Posiedzenie"},
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(2 * time.Hour).Format(time.RFC3339),
		"place": "Urząd Miasta Krakowa", "languages": []any{"PL"}}
	schedule := func() string {
		res := b.gql(t, `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id } } }`,
			map[string]any{"in": map[string]any{"bodyId": body, "meeting": meetingIn}}, withToken(f.coord))
		require.Empty(t, res.Errors)
		return dig(res.Data, "scheduleBodyMeeting", "meeting", "id").(string)
	}
	meeting := schedule()
	addItem := func(title string) string {
		res := b.gql(t, `mutation($m: ID!, $t: String!) { addAgendaItem(input: {meetingId: $m, item: {title: {locale: PL, text: $t}}}) { item { id } } }`,
			map[string]any{"m": meeting, "t": title}, withToken(f.coord))
		require.Empty(t, res.Errors)
		return dig(res.Data, "addAgendaItem", "item", "id").(string)
	}
	perCallerOf := func(allowed []string, make func(string) string) func(key string) func(string) map[string]any {
		made := map[string]string{}
		for _, c := range allowed {
			made[c] = make(c)
		}
		return func(key string) func(string) map[string]any {
			return func(c string) map[string]any {
				id, ok := made[c]
				if !ok {
					id = made[allowed[0]]
				}
				return map[string]any{key: id}
			}
		}
	}
	toCancel := perCallerOf(withChair, func(string) string { return schedule() })
	toRemove := perCallerOf(withChair, func(c string) string { return addItem("Do usunięcia " + c) })
	floorItems := perCallerOf(withChair, func(c string) string {
		id := addItem("Głos " + c)
		res := b.gql(t, `mutation($i: ID!) { requestToSpeak(input: {itemId: $i}) { item { id } } }`, map[string]any{"i": id},
			withToken(tokens[callerBodyMember]))
		require.Empty(t, res.Errors)
		return id
	})
	item := addItem("Opinia")
	memberAccount := b.accountID(t, tokens[callerBodyMember])
	var code string

	tries := []matrixTry{
		{name: "scheduleBodyMeeting", query: `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id invitedCount } } }`,
			vars: fixedVars(map[string]any{"in": map[string]any{"bodyId": body, "meeting": meetingIn}}), allowed: withChair,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, float64(2), dig(res.Data, "scheduleBodyMeeting", "meeting", "invitedCount"), c)
				}
			}},
		{name: "updateBodyMeeting", query: `mutation($m: ID!, $in: BodyMeetingInput!) { updateBodyMeeting(input: {meetingId: $m, meeting: $in}) { meeting { id } } }`,
			vars: fixedVars(map[string]any{"m": meeting, "in": meetingIn}), allowed: withChair},
		{name: "cancelBodyMeeting", query: `mutation($m: ID!) { cancelBodyMeeting(input: {meetingId: $m, reason: "Brak sali w tym terminie"}) { meeting { cancelled } } }`,
			vars: toCancel("m"), allowed: withChair},
		{name: "addAgendaItem", query: `mutation($m: ID!) { addAgendaItem(input: {meetingId: $m, item: {title: {locale: PL, text: "Wolne wnioski"}}}) { item { position } } }`,
			vars: fixedVars(map[string]any{"m": meeting}), allowed: withChair},
		{name: "updateAgendaItem", query: `mutation($i: ID!) { updateAgendaItem(input: {itemId: $i, item: {title: {locale: PL, text: "Opinia o programie"}}}) { item { id } } }`,
			vars: fixedVars(map[string]any{"i": item}), allowed: withChair},
		{name: "moveAgendaItem", query: `mutation($i: ID!) { moveAgendaItem(input: {itemId: $i, position: 1}) { item { position } } }`,
			vars: fixedVars(map[string]any{"i": item}), allowed: withChair},
		{name: "removeAgendaItem", query: `mutation($i: ID!) { removeAgendaItem(input: {itemId: $i}) { meeting { id } } }`,
			vars: toRemove("i"), allowed: withChair},
		{name: "issueBodyMeetingCheckinCode", query: `mutation($m: ID!) { issueBodyMeetingCheckinCode(input: {meetingId: $m}) { code } }`,
			vars: fixedVars(map[string]any{"m": meeting}), allowed: withChair,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				code = dig(got[withChair[len(withChair)-1]].Data, "issueBodyMeetingCheckinCode", "code").(string)
			}},
		{name: "checkInToBodyMeeting", query: `mutation($m: ID!, $c: String!) { checkInToBodyMeeting(input: {meetingId: $m, code: $c}) { meeting { presentCount } } }`,
			vars: func(string) map[string]any { return map[string]any{"m": meeting, "c": code} }, allowed: onRoll},
		{name: "recordBodyMeetingAttendance", query: `mutation($m: ID!, $a: ID!) { recordBodyMeetingAttendance(input: {meetingId: $m, accountId: $a, mode: REMOTE}) { meeting { presentCount } } }`,
			vars: fixedVars(map[string]any{"m": meeting, "a": memberAccount}), allowed: withChair},
		{name: "recordBodyMeetingDeparture", query: `mutation($m: ID!, $a: ID!) { recordBodyMeetingDeparture(input: {meetingId: $m, accountId: $a}) { meeting { presentCount } } }`,
			vars: fixedVars(map[string]any{"m": meeting, "a": memberAccount}), allowed: withChair},
		{name: "requestToSpeak", query: `mutation($i: ID!) { requestToSpeak(input: {itemId: $i}) { item { speakers { status } } } }`,
			vars: fixedVars(map[string]any{"i": item}), allowed: onRoll},
		{name: "withdrawFromSpeakers", query: `mutation($i: ID!) { withdrawFromSpeakers(input: {itemId: $i}) { item { speakers { status } } } }`,
			vars: fixedVars(map[string]any{"i": item}), allowed: onRoll,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, []any{map[string]any{"status": "WITHDRAWN"}, map[string]any{"status": "WITHDRAWN"}},
					dig(got[callerBodyChair].Data, "withdrawFromSpeakers", "item", "speakers"))
			}},
		{name: "giveFloor", query: `mutation($i: ID!) { giveFloor(input: {itemId: $i}) { item { speakers { status } } } }`,
			vars: floorItems("i"), allowed: withChair},
		{name: "finishSpeaker", query: `mutation($i: ID!) { finishSpeaker(input: {itemId: $i}) { item { speakers { status } } } }`,
			vars: fixedVars(map[string]any{"i": item}), allowed: withChair},
	}
	runMatrix(t, b, tokens, "dialogue_meetings.graphqls", tries)
}
