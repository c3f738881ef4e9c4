package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBodyMeeting_PublicPageShowsCountsAndQuorumStaffTheRoll reads a public
// body's meeting as the public, a member and staff: everyone sees the
// agenda, counts and quorum; only staff see who is present; bad input names
// its field; a non-public body's meeting is null for outsiders.
func TestBodyMeeting_PublicPageShowsCountsAndQuorumStaffTheRoll(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	memberTok := b.signUp(t, "czlonkini-posiedzenia@example.org")
	b.confirm(t, "czlonkini-posiedzenia@example.org")
	f.appoint(t, f.body, memberTok, "MEMBER", 365)
	guestTok := b.signUp(t, "gosc-posiedzenia@example.org")
	b.confirm(t, "gosc-posiedzenia@example.org")
	f.appoint(t, f.body, guestTok, "GUEST", 0)

	start := time.Now().Add(20 * time.Minute).UTC().Truncate(time.Second)
	in := map[string]any{"title": map[string]any{"locale": "PL", "text": "Posiedzenie"},
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(2 * time.Hour).Format(time.RFC3339),
		"place": "", "languages": []any{"PL", "UK"}}
	sched := `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id invitedCount } } }`
	res := b.gql(t, sched, map[string]any{"in": map[string]any{"bodyId": f.body, "meeting": in}}, withToken(f.coord))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "place", res.Errors[0].Extensions["field"])
	in["place"] = "Urząd Miasta Krakowa"
	res = b.gql(t, sched, map[string]any{"in": map[string]any{"bodyId": f.body, "meeting": in}}, withToken(f.coord))
	require.Empty(t, res.Errors)
	meeting := dig(res.Data, "scheduleBodyMeeting", "meeting", "id").(string)
	require.Equal(t, float64(2), dig(res.Data, "scheduleBodyMeeting", "meeting", "invitedCount"))

	res = b.gql(t, `mutation($m: ID!) { issueBodyMeetingCheckinCode(input: {meetingId: $m}) { code } }`,
		map[string]any{"m": meeting}, withToken(f.coord))
	require.Empty(t, res.Errors)
	code := dig(res.Data, "issueBodyMeetingCheckinCode", "code").(string)
	for _, tok := range []string{memberTok, guestTok} {
		res = b.gql(t, `mutation($m: ID!, $c: String!) { checkInToBodyMeeting(input: {meetingId: $m, code: $c}) { meeting { presentCount } } }`,
			map[string]any{"m": meeting, "c": code}, withToken(tok))
		require.Empty(t, res.Errors)
	}

	q := `query($id: ID!) { bodyMeeting(id: $id) { presentCount quorum { present members required reached }
		attendance { mode selfCheckedIn } viewerCan { manage register speak } body { id } } }`
	read := func(opts ...reqOpt) map[string]any {
		res := b.gql(t, q, map[string]any{"id": meeting}, opts...)
		require.Empty(t, res.Errors)
		return res.Data["bodyMeeting"].(map[string]any)
	}
	quorum := map[string]any{"present": float64(1), "members": float64(1), "required": float64(1), "reached": true}
	public := read()
	require.Equal(t, float64(2), public["presentCount"])
	require.Equal(t, quorum, public["quorum"], "the guest does not count; the body's quorum is 2/3 of one member")
	require.Nil(t, public["attendance"])
	require.Equal(t, map[string]any{"manage": false, "register": false, "speak": false}, public["viewerCan"])
	member := read(withToken(memberTok))
	require.Nil(t, member["attendance"])
	require.Equal(t, map[string]any{"manage": false, "register": false, "speak": true}, member["viewerCan"])
	staff := read(withToken(f.coord))
	require.Equal(t, []any{map[string]any{"mode": "IN_PERSON", "selfCheckedIn": true},
		map[string]any{"mode": "IN_PERSON", "selfCheckedIn": true}}, staff["attendance"])
	require.Equal(t, map[string]any{"manage": true, "register": false, "speak": false}, staff["viewerCan"])

	// A non-public body's meeting is not there for outsiders.
	secret := f.createBody(t, false)
	res = b.gql(t, sched, map[string]any{"in": map[string]any{"bodyId": secret, "meeting": in}}, withToken(f.coord))
	require.Empty(t, res.Errors)
	hidden := dig(res.Data, "scheduleBodyMeeting", "meeting", "id").(string)
	for _, opts := range [][]reqOpt{nil, {withToken(memberTok)}} {
		res = b.gql(t, `query($id: ID!) { bodyMeeting(id: $id) { id } node(id: $id) { id } }`, map[string]any{"id": hidden}, opts...)
		require.Empty(t, res.Errors)
		require.Nil(t, res.Data["bodyMeeting"])
		require.Nil(t, res.Data["node"])
	}
}
