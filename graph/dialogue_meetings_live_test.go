package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const meetingActivityQuery = `subscription($id: ID!) { bodyMeetingActivity(meetingId: $id) { type presentCount
	quorum { present members required reached } } }`

// TestBodyMeetingActivity_MemberObserverAndPublicSeeAttendance subscribes a
// member, an observer and an anonymous client to a public body's meeting:
// each gets the attendance event with the quorum. A non-public body's
// meeting is NOT_FOUND to an anonymous client and streams to its members.
func TestBodyMeetingActivity_MemberObserverAndPublicSeeAttendance(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	memberTok := b.signUp(t, "czlonek-na-zywo@example.org")
	b.confirm(t, "czlonek-na-zywo@example.org")
	observerTok := b.signUp(t, "obserwatorka-na-zywo@example.org")
	b.confirm(t, "obserwatorka-na-zywo@example.org")
	f.appoint(t, f.body, memberTok, "MEMBER", 365)
	f.appoint(t, f.body, observerTok, "OBSERVER", 0)
	secret := f.createBody(t, false)
	f.appoint(t, secret, memberTok, "MEMBER", 365)

	start := time.Now().Add(20 * time.Minute).UTC().Truncate(time.Second)
	schedule := func(body string) string {
		res := b.gql(t, `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id } } }`,
			map[string]any{"in": map[string]any{"bodyId": body, "meeting": map[string]any{
				"title": map[string]any{"locale": "PL", "text": "Posiedzenie"}, "startsAt": start.Format(time.RFC3339),
				"endsAt": start.Add(time.Hour).Format(time.RFC3339), "place": "Urząd Miasta Krakowa", "languages": []any{"PL"}}}},
			withToken(f.coord))
		require.Empty(t, res.Errors)
		return dig(res.Data, "scheduleBodyMeeting", "meeting", "id").(string)
	}
	meeting, hidden := schedule(f.body), schedule(secret)

	var clients []*wsClient
	for _, tok := range []string{memberTok, observerTok, ""} {
		c := dialLive(t, b, tok)
		c.ack()
		c.subscribe("m", meetingActivityQuery, map[string]any{"id": meeting})
		clients = append(clients, c)
	}
	anon := dialLive(t, b, "")
	anon.ack()
	anon.subscribe("h", meetingActivityQuery, map[string]any{"id": hidden})
	require.Equal(t, "NOT_FOUND", errorCode(t, anon.next()))
	member := dialLive(t, b, memberTok)
	member.ack()
	member.subscribe("h", meetingActivityQuery, map[string]any{"id": hidden})
	waitUntil(t, "four streams", func() bool { return b.resolver.LiveSubscriptions() == 4 })

	res := b.gql(t, `mutation($m: ID!, $a: ID!) { recordBodyMeetingAttendance(input: {meetingId: $m, accountId: $a, mode: IN_PERSON}) { meeting { presentCount } } }`,
		map[string]any{"m": meeting, "a": b.accountID(t, memberTok)}, withToken(f.coord))
	require.Empty(t, res.Errors)
	want := map[string]any{"type": "attendance_changed", "presentCount": float64(1),
		"quorum": map[string]any{"present": float64(1), "members": float64(1), "required": float64(1), "reached": true}}
	for _, c := range clients {
		var m wsMsg
		for m = c.next(); m.Type == "next" && payloadData(t, m, "bodyMeetingActivity")["type"] != "attendance_changed"; m = c.next() {
		}
		require.Equal(t, want, payloadData(t, m, "bodyMeetingActivity"))
	}

	res = b.gql(t, `mutation($m: ID!) { addAgendaItem(input: {meetingId: $m, item: {title: {locale: PL, text: "Opinia"}}}) { item { id } } }`,
		map[string]any{"m": hidden}, withToken(f.coord))
	require.Empty(t, res.Errors)
	m := member.next()
	require.Equal(t, "agenda_changed", payloadData(t, m, "bodyMeetingActivity")["type"])
}
