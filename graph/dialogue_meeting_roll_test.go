package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// scheduleIn schedules a meeting of body starting in d (capacity nil for
// unlimited public seats) as the coordinator.
func (f *dialogueFixture) scheduleIn(t *testing.T, body string, d time.Duration, capacity any) string {
	t.Helper()
	start := time.Now().Add(d).UTC().Truncate(time.Second)
	res := f.b.gql(t, `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": body, "meeting": map[string]any{
			"title": map[string]any{"locale": "PL", "text": "Posiedzenie"}, "startsAt": start.Format(time.RFC3339),
			"endsAt": start.Add(2 * time.Hour).Format(time.RFC3339), "place": "Urząd Miasta Krakowa", "languages": []any{"PL"},
			"capacity": capacity}}},
		withToken(f.coord))
	require.Empty(t, res.Errors)
	return dig(res.Data, "scheduleBodyMeeting", "meeting", "id").(string)
}

// member signs up a confirmed account, appoints it with role for a year
// (guests and observers open-ended) and returns its token.
func (f *dialogueFixture) member(t *testing.T, body, email, role string) string {
	t.Helper()
	tok := f.b.signUp(t, email)
	f.b.confirm(t, email)
	days := 365
	if role == "GUEST" || role == "OBSERVER" {
		days = 0
	}
	f.appoint(t, body, tok, role, days)
	return tok
}

// noticeKinds counts the caller's in-app notifications by kind.
func (b *bundle) noticeKinds(t *testing.T, token string) map[string]int {
	t.Helper()
	res := b.gql(t, `{ me { notifications(first: 50) { edges { node { kind } } } } }`, nil, withToken(token))
	require.Empty(t, res.Errors)
	out := map[string]int{}
	for _, e := range dig(res.Data, "me", "notifications", "edges").([]any) {
		out[dig(e, "node", "kind").(string)]++
	}
	return out
}

// TestBodyMeetingRegistration_SeatsWaitingListAndWhoSeesWhat: a public
// body's meeting with one public seat. The public registers and waits in
// order and sees counts and its own place only; staff see who registered,
// who is invited and the check-in code; a withdrawal promotes the next
// person, who is told; a registrant checks in, counts for nothing and
// cannot ask to speak; members cannot take a seat.
func TestBodyMeetingRegistration_SeatsWaitingListAndWhoSeesWhat(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	memberTok := f.member(t, f.body, "czlonek-miejsca@example.org", "MEMBER")
	observerTok := f.member(t, f.body, "obserwator-miejsca@example.org", "OBSERVER")
	meeting := f.scheduleIn(t, f.body, 20*time.Minute, 1)
	res := b.gql(t, `mutation($m: ID!) { addAgendaItem(input: {meetingId: $m, item: {title: {locale: PL, text: "Opinia"}}}) { item { id } } }`,
		map[string]any{"m": meeting}, withToken(f.coord))
	require.Empty(t, res.Errors)
	item := dig(res.Data, "addAgendaItem", "item", "id").(string)

	register := `mutation($m: ID!) { registerForBodyMeeting(input: {meetingId: $m}) { registration { status queuePosition }
		meeting { registeredCount waitlistedCount seatsLeft viewerCan { register } } } }`
	res = b.gql(t, register, map[string]any{"m": meeting}, withToken(f.alice))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"status": "REGISTERED", "queuePosition": nil}, dig(res.Data, "registerForBodyMeeting", "registration"))
	res = b.gql(t, register, map[string]any{"m": meeting}, withToken(f.bob))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"status": "WAITLISTED", "queuePosition": float64(1)}, dig(res.Data, "registerForBodyMeeting", "registration"))
	require.Equal(t, map[string]any{"registeredCount": float64(1), "waitlistedCount": float64(1), "seatsLeft": float64(0),
		"viewerCan": map[string]any{"register": true}}, dig(res.Data, "registerForBodyMeeting", "meeting"))
	res = b.gql(t, register, map[string]any{"m": meeting}, withToken(f.bob))
	require.Empty(t, res.Errors, "registering again is idempotent")
	require.Equal(t, float64(1), dig(res.Data, "registerForBodyMeeting", "meeting", "waitlistedCount"))
	res = b.gql(t, register, map[string]any{"m": meeting}, withToken(memberTok))
	require.Equal(t, "CONFLICT", res.code(), "a member is on the roll already")

	res = b.gql(t, `mutation($m: ID!) { issueBodyMeetingCheckinCode(input: {meetingId: $m}) { code } }`,
		map[string]any{"m": meeting}, withToken(f.coord))
	require.Empty(t, res.Errors)
	code := dig(res.Data, "issueBodyMeetingCheckinCode", "code").(string)

	q := `query($m: ID!) { bodyMeeting(id: $m) { registeredCount waitlistedCount seatsLeft invitedCount
		viewerRegistration { status queuePosition } registrations { displayName status queuePosition }
		invitations { guest } checkinCode { code } } }`
	read := func(opts ...reqOpt) map[string]any {
		t.Helper()
		res := b.gql(t, q, map[string]any{"m": meeting}, opts...)
		require.Empty(t, res.Errors)
		return res.Data["bodyMeeting"].(map[string]any)
	}
	public := map[string]any{"registeredCount": float64(1), "waitlistedCount": float64(1), "seatsLeft": float64(0), "invitedCount": float64(2),
		"viewerRegistration": nil, "registrations": nil, "invitations": nil, "checkinCode": nil}
	require.Equal(t, public, read(), "the public sees the counts")
	for _, tok := range []string{memberTok, observerTok, f.carol} {
		require.Equal(t, public, read(withToken(tok)), "members, observers and residents see the counts")
	}
	mine := read(withToken(f.bob))
	require.Equal(t, map[string]any{"status": "WAITLISTED", "queuePosition": float64(1)}, mine["viewerRegistration"])
	require.Nil(t, mine["registrations"])
	require.Nil(t, mine["checkinCode"])
	staff := read(withToken(f.official))
	require.Equal(t, []any{map[string]any{"displayName": "Tester", "status": "REGISTERED", "queuePosition": nil},
		map[string]any{"displayName": "Tester", "status": "WAITLISTED", "queuePosition": float64(1)}}, staff["registrations"])
	require.Equal(t, []any{map[string]any{"guest": false}, map[string]any{"guest": false}}, staff["invitations"])
	require.Equal(t, map[string]any{"code": code}, staff["checkinCode"])

	// Alice withdraws: Bob takes the seat and is told.
	res = b.gql(t, `mutation($m: ID!) { unregisterFromBodyMeeting(input: {meetingId: $m}) { meeting { registeredCount waitlistedCount
		viewerRegistration { status } } } }`, map[string]any{"m": meeting}, withToken(f.alice))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"registeredCount": float64(1), "waitlistedCount": float64(0),
		"viewerRegistration": map[string]any{"status": "CANCELLED"}}, dig(res.Data, "unregisterFromBodyMeeting", "meeting"))
	require.Equal(t, map[string]any{"status": "REGISTERED", "queuePosition": nil}, read(withToken(f.bob))["viewerRegistration"])
	require.Eventually(t, func() bool { return b.noticeKinds(t, f.bob)["dialogue_meeting_promoted"] == 1 },
		15*time.Second, 100*time.Millisecond)

	// In the room: Bob checks in and counts for nothing; he cannot ask to
	// speak.
	res = b.gql(t, `mutation($m: ID!, $c: String!) { checkInToBodyMeeting(input: {meetingId: $m, code: $c}) { meeting {
		presentCount quorum { present } } } }`, map[string]any{"m": meeting, "c": code}, withToken(f.bob))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"presentCount": float64(1), "quorum": map[string]any{"present": float64(0)}},
		dig(res.Data, "checkInToBodyMeeting", "meeting"))
	res = b.gql(t, `mutation($i: ID!) { requestToSpeak(input: {itemId: $i}) { item { id } } }`, map[string]any{"i": item}, withToken(f.bob))
	require.Equal(t, "FORBIDDEN", res.code())

	// A non-public body's meeting takes no registrations and is not there
	// for outsiders.
	secret := f.createBody(t, false)
	hidden := f.scheduleIn(t, secret, 20*time.Minute, nil)
	res = b.gql(t, register, map[string]any{"m": hidden}, withToken(f.carol))
	require.Equal(t, "NOT_FOUND", res.code())
}

// TestBodyMeetingGuest_AnExpertAtANonPublicBodysMeeting: the chair invites
// an expert to one meeting of a non-public body. The expert is told in
// their language, sees the meeting (not the body's members), asks to
// speak, follows the meeting live, and loses all of it when the
// invitation is withdrawn, with a notice.
func TestBodyMeetingGuest_AnExpertAtANonPublicBodysMeeting(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	secret := f.createBody(t, false)
	chairTok := f.member(t, secret, "przewodniczaca-gosc@example.org", "CHAIR")
	f.member(t, secret, "czlonkini-gosc@example.org", "MEMBER")
	meeting := f.scheduleIn(t, secret, 20*time.Minute, nil)
	other := f.scheduleIn(t, secret, 48*time.Hour, nil)
	res := b.gql(t, `mutation($m: ID!) { addAgendaItem(input: {meetingId: $m, item: {title: {locale: PL, text: "Mieszkania dla cudzoziemców"}}}) { item { id } } }`,
		map[string]any{"m": meeting}, withToken(chairTok))
	require.Empty(t, res.Errors)
	item := dig(res.Data, "addAgendaItem", "item", "id").(string)
	expertTok := b.signUp(t, "ekspertka@example.org")
	b.confirm(t, "ekspertka@example.org")
	expert := b.accountID(t, expertTok)
	_, err := b.pool.Exec(t.Context(), `update accounts set locale = 'uk' where email = 'ekspertka@example.org'`)
	require.NoError(t, err)

	see := `query($m: ID!) { bodyMeeting(id: $m) { id viewerInvited viewerCan { manage register speak } body { id } } }`
	res = b.gql(t, see, map[string]any{"m": meeting}, withToken(expertTok))
	require.Empty(t, res.Errors)
	require.Nil(t, res.Data["bodyMeeting"], "not before the invitation")

	invite := `mutation($m: ID!, $a: ID!) { inviteToBodyMeeting(input: {meetingId: $m, accountId: $a}) { meeting { invitedCount
		invitations { accountId guest } } } }`
	res = b.gql(t, invite, map[string]any{"m": meeting, "a": "nie-ma-takiego"}, withToken(chairTok))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "accountId", res.Errors[0].Extensions["field"])
	res = b.gql(t, invite, map[string]any{"m": meeting, "a": expert}, withToken(chairTok))
	require.Empty(t, res.Errors)
	require.Equal(t, float64(3), dig(res.Data, "inviteToBodyMeeting", "meeting", "invitedCount"))
	invs := dig(res.Data, "inviteToBodyMeeting", "meeting", "invitations").([]any)
	require.Equal(t, map[string]any{"accountId": expert, "guest": true}, invs[len(invs)-1])
	var locale, subject string
	require.Eventually(t, func() bool {
		return b.pool.QueryRow(t.Context(), `select locale, subject from email_outbox where kind = 'dialogue_meeting_guest_invited'
			and to_address = 'ekspertka@example.org'`).Scan(&locale, &subject) == nil
	}, 15*time.Second, 100*time.Millisecond)
	require.Equal(t, "uk", locale)
	require.True(t, strings.HasPrefix(subject, "Запрошення на засідання органу діалогу"), subject)

	// The expert sees this meeting (and its body's name), not the body's
	// members nor its other meetings, and may speak.
	res = b.gql(t, see, map[string]any{"m": meeting}, withToken(expertTok))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"id": meeting, "viewerInvited": true,
		"viewerCan": map[string]any{"manage": false, "register": false, "speak": true}, "body": map[string]any{"id": secret}},
		res.Data["bodyMeeting"])
	res = b.gql(t, `query($m: ID!, $o: ID!, $b: ID!) { node(id: $m) { id } other: bodyMeeting(id: $o) { id } body(id: $b) { id } }`,
		map[string]any{"m": meeting, "o": other, "b": secret}, withToken(expertTok))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"node": map[string]any{"id": meeting}, "other": nil, "body": nil}, res.Data)
	res = b.gql(t, `mutation($i: ID!) { requestToSpeak(input: {itemId: $i}) { item { speakers { accountId status } } } }`,
		map[string]any{"i": item}, withToken(expertTok))
	require.Empty(t, res.Errors)
	require.Equal(t, []any{map[string]any{"accountId": expert, "status": "WAITING"}}, dig(res.Data, "requestToSpeak", "item", "speakers"))

	live := dialLive(t, b, expertTok)
	live.ack()
	live.subscribe("m", meetingActivityQuery, map[string]any{"id": meeting})
	waitUntil(t, "the guest's stream", func() bool { return b.resolver.LiveSubscriptions() == 1 })

	// Withdrawn: told, and the meeting is gone for them, live too.
	res = b.gql(t, `mutation($m: ID!, $a: ID!) { withdrawBodyMeetingInvitation(input: {meetingId: $m, accountId: $a}) { meeting { invitedCount } } }`,
		map[string]any{"m": meeting, "a": expert}, withToken(chairTok))
	require.Empty(t, res.Errors)
	require.Equal(t, float64(2), dig(res.Data, "withdrawBodyMeetingInvitation", "meeting", "invitedCount"))
	var m wsMsg
	for m = live.next(); m.Type == "next"; m = live.next() {
	}
	require.Equal(t, "FORBIDDEN", errorCode(t, m))
	res = b.gql(t, see, map[string]any{"m": meeting}, withToken(expertTok))
	require.Empty(t, res.Errors)
	require.Nil(t, res.Data["bodyMeeting"])
	require.Eventually(t, func() bool { return b.noticeKinds(t, expertTok)["dialogue_meeting_guest_withdrawn"] == 1 },
		15*time.Second, 100*time.Millisecond)
}

// TestBodyMeetings_DissolutionAndWithdrawalKeepTheRollTrue: an
// organisation's withdrawal takes its delegates off the roll of meetings to
// come; dissolving the body cancels them, telling everyone on their rolls.
func TestBodyMeetings_DissolutionAndWithdrawalKeepTheRollTrue(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	memberTok := f.member(t, f.body, "czlonek-rozwiazanie@example.org", "MEMBER")
	f.addToNGO(t, f.dan, "MEMBER")
	res := b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "organisationId": f.ngoID, "role": "MEMBER",
			"termEnd":   time.Now().AddDate(1, 0, 0).Format(time.RFC3339),
			"delegates": []any{map[string]any{"accountId": b.accountID(t, f.dan)}, map[string]any{"accountId": b.accountID(t, f.moderator), "substitute": true}}}},
		withToken(f.coord))
	require.Empty(t, res.Errors)
	orgMember := dig(res.Data, "appointBodyMember", "member", "id").(string)
	first, second := f.scheduleIn(t, f.body, 24*time.Hour, nil), f.scheduleIn(t, f.body, 48*time.Hour, nil)
	invited := func(id string) float64 {
		t.Helper()
		res := b.gql(t, `query($m: ID!) { bodyMeeting(id: $m) { invitedCount cancelled cancelReason } }`, map[string]any{"m": id})
		require.Empty(t, res.Errors)
		return dig(res.Data, "bodyMeeting", "invitedCount").(float64)
	}
	require.Equal(t, float64(3), invited(first))

	// The NGO's manager withdraws it from the body.
	managerTok := b.signUp(t, "menedzerka-rozwiazanie@example.org")
	b.confirm(t, "menedzerka-rozwiazanie@example.org")
	f.addToNGO(t, managerTok, "MANAGER")
	res = b.gql(t, `mutation($m: ID!) { resignFromBody(input: {memberId: $m}) { member { endReason } } }`,
		map[string]any{"m": orgMember}, withToken(managerTok))
	require.Empty(t, res.Errors)
	require.Equal(t, float64(1), invited(first))
	require.Equal(t, float64(1), invited(second))

	res = b.gql(t, `mutation($id: ID!) { dissolveBody(input: {id: $id, reason: "Nowa rada od przyszłego roku"}) { body { status } } }`,
		map[string]any{"id": f.body}, withToken(f.coord))
	require.Empty(t, res.Errors)
	for _, id := range []string{first, second} {
		res := b.gql(t, `query($m: ID!) { bodyMeeting(id: $m) { cancelled cancelReason invitedCount viewerCan { register } } }`, map[string]any{"m": id})
		require.Empty(t, res.Errors)
		require.Equal(t, map[string]any{"cancelled": true, "cancelReason": "Nowa rada od przyszłego roku", "invitedCount": float64(1),
			"viewerCan": map[string]any{"register": false}}, res.Data["bodyMeeting"])
	}
	require.Eventually(t, func() bool { return b.noticeKinds(t, memberTok)["dialogue_meeting_cancelled"] == 2 },
		15*time.Second, 100*time.Millisecond)
}

// TestBodyMeetings_PageStatementsDoNotGrowWithThePage: a page of a body's
// meetings with their quorums costs as many statements for 2 meetings as
// for 6.
func TestBodyMeetings_PageStatementsDoNotGrowWithThePage(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	f.member(t, f.body, "czlonek-strony@example.org", "MEMBER")
	f.member(t, f.body, "przewodniczacy-strony@example.org", "CHAIR")
	for i := range 6 {
		f.scheduleIn(t, f.body, time.Duration(i+1)*time.Hour, nil)
	}
	count := func(n int) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		res := b.gql(t, `query($id: ID!, $n: Int) { body(id: $id) { meetings(first: $n) { totalCount edges { node { id
			invitedCount registeredCount waitlistedCount seatsLeft quorum { present members required reached } } } } } }`,
			map[string]any{"id": f.body, "n": n}, withToken(f.official))
		require.Empty(t, res.Errors)
		edges := dig(res.Data, "body", "meetings", "edges").([]any)
		require.Len(t, edges, n)
		require.Equal(t, map[string]any{"present": float64(0), "members": float64(2), "required": float64(2), "reached": false},
			dig(edges[0], "node", "quorum"))
		return b.queries.since(before)
	}
	two := fewestStatements(func() []string { return count(2) })
	six := fewestStatements(func() []string { return count(6) })
	require.Equal(t, len(two), len(six), "for 2:\n%s\nfor 6:\n%s", strings.Join(two, "\n---\n"), strings.Join(six, "\n---\n"))
}
