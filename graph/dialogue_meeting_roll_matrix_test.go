package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("dialogue_meeting_roll.graphqls")

// TestDialogueMeetingRollMutations_PermissionMatrix tries every mutation of
// dialogue_meeting_roll.graphqls with every kind of caller, including the
// body's member, chair, secretary, guest and observer, a member and the
// chair of another body, and an official of another unit. Any confirmed
// account not on the roll takes a public seat; who is on the roll is
// CONFLICT; anyone signed in withdraws their own registration. Only the
// chair, the secretary, the unit's officials, coordinators and admins
// invite a guest and withdraw the invitation; outsiders do not even see a
// non-public body's meeting.
func TestDialogueMeetingRollMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	d := &dialogueFixture{consultationFixture: f.consultationFixture}
	body, other, closed := d.createBody(t, true), d.createBody(t, true), d.createBody(t, false)
	tokens := map[string]string{}
	for k, v := range f.tokens {
		tokens[k] = v
	}
	seats := map[string]bodySeat{
		callerBodyMember: {body, "MEMBER"}, callerBodyChair: {body, "CHAIR"}, callerBodySecretary: {body, "SECRETARY"},
		callerBodyGuest: {body, "GUEST"}, callerBodyObserver: {body, "OBSERVER"},
		callerOtherBodyMember: {other, "MEMBER"}, callerOtherBodyChair: {other, "CHAIR"},
	}
	d.seatCallers(t, tokens, "lista", seats)
	onRoll := map[string]string{}
	for kind, at := range seats {
		if at.body == body {
			onRoll[kind] = tokens[kind]
		}
	}
	d.appoint(t, closed, tokens[callerBodyChair], "CHAIR", 365)
	confirmed := []string{callerResident, callerVerified, callerNGOMember, callerNGOModerator, callerNGOManager, callerOfficial,
		callerOtherOfficial, callerBallotOfficer, callerCoordinator, callerAdmin, callerOtherBodyMember, callerOtherBodyChair}
	offRoll := map[string]string{}
	for k, v := range tokens {
		if _, ok := onRoll[k]; !ok {
			offRoll[k] = v
		}
	}
	var signedIn []string
	for k, v := range tokens {
		if v != "" {
			signedIn = append(signedIn, k)
		}
	}
	keepers := []string{callerBodyChair, callerBodySecretary, callerOfficial, callerCoordinator, callerAdmin}

	start := time.Now().Add(20 * time.Minute).UTC().Truncate(time.Second)
	meetingIn := map[string]any{"title": map[string]any{"locale": "PL", "text": "Posiedzenie"},
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(2 * time.Hour).Format(time.RFC3339),
		"place": "Urząd Miasta Krakowa", "languages": []any{"PL"}}
	schedule := func(body string) string {
		res := b.gql(t, `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id } } }`,
			map[string]any{"in": map[string]any{"bodyId": body, "meeting": meetingIn}}, withToken(f.coord))
		require.Empty(t, res.Errors)
		return dig(res.Data, "scheduleBodyMeeting", "meeting", "id").(string)
	}
	meeting, hidden := schedule(body), schedule(closed)
	expertTok := b.signUp(t, "ekspertka.lista@example.org")
	expert := b.accountID(t, expertTok)
	counts := func(t *testing.T) map[string]any {
		res := b.gql(t, `query($m: ID!) { bodyMeeting(id: $m) { invitedCount registeredCount } }`, map[string]any{"m": meeting}, withToken(f.coord))
		require.Empty(t, res.Errors)
		return res.Data["bodyMeeting"].(map[string]any)
	}

	tries := []matrixTry{
		{name: "registerForBodyMeeting", label: "off the roll",
			query: `mutation($m: ID!) { registerForBodyMeeting(input: {meetingId: $m}) { registration { status } meeting { viewerRegistration { status } } } }`,
			vars:  fixedVars(map[string]any{"m": meeting}), allowed: confirmed, tokens: offRoll,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, "REGISTERED", dig(res.Data, "registerForBodyMeeting", "registration", "status"), c)
				}
				require.Equal(t, map[string]any{"invitedCount": float64(5), "registeredCount": float64(len(confirmed))}, counts(t))
			}},
		{name: "registerForBodyMeeting", label: "on the roll", refused: "CONFLICT",
			query: `mutation($m: ID!) { registerForBodyMeeting(input: {meetingId: $m}) { registration { status } } }`,
			vars:  fixedVars(map[string]any{"m": meeting}), tokens: onRoll},
		{name: "unregisterFromBodyMeeting",
			query: `mutation($m: ID!) { unregisterFromBodyMeeting(input: {meetingId: $m}) { meeting { viewerRegistration { status } } } }`,
			vars:  fixedVars(map[string]any{"m": meeting}), allowed: signedIn,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for _, c := range confirmed {
					require.Equal(t, "CANCELLED", dig(got[c].Data, "unregisterFromBodyMeeting", "meeting", "viewerRegistration", "status"), c)
				}
				require.Nil(t, dig(got[callerBodyMember].Data, "unregisterFromBodyMeeting", "meeting", "viewerRegistration"))
				require.Equal(t, float64(0), counts(t)["registeredCount"])
			}},
		{name: "inviteToBodyMeeting", query: `mutation($m: ID!, $a: ID!) { inviteToBodyMeeting(input: {meetingId: $m, accountId: $a}) { meeting { invitedCount } } }`,
			vars: fixedVars(map[string]any{"m": meeting, "a": expert}), allowed: keepers,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, float64(6), dig(res.Data, "inviteToBodyMeeting", "meeting", "invitedCount"), c)
				}
			}},
		{name: "inviteToBodyMeeting", label: "a non-public body's meeting, outsiders", refused: "NOT_FOUND",
			query: `mutation($m: ID!, $a: ID!) { inviteToBodyMeeting(input: {meetingId: $m, accountId: $a}) { meeting { invitedCount } } }`,
			vars:  fixedVars(map[string]any{"m": hidden, "a": expert}), allowed: []string{callerBodyChair, callerCoordinator},
			tokens: map[string]string{callerAnonymous: "", callerResident: tokens[callerResident], callerOtherOfficial: tokens[callerOtherOfficial],
				callerOtherBodyChair: tokens[callerOtherBodyChair], callerBodyChair: tokens[callerBodyChair], callerCoordinator: f.coord}},
		{name: "withdrawBodyMeetingInvitation", query: `mutation($m: ID!, $a: ID!) { withdrawBodyMeetingInvitation(input: {meetingId: $m, accountId: $a}) { meeting { invitedCount } } }`,
			vars: fixedVars(map[string]any{"m": meeting, "a": expert}), allowed: keepers,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, float64(5), dig(res.Data, "withdrawBodyMeetingInvitation", "meeting", "invitedCount"), c)
				}
			}},
	}
	runMatrix(t, b, tokens, "dialogue_meeting_roll.graphqls", tries)
}
