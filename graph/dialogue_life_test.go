package graph_test

import (
	"encoding/json"
	"maps"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/notify"
)

// lifeClock is the dialogue service's clock in the life test: the wall
// clock moved by an offset the test sets. Jobs scheduled by the wall clock
// (a written vote's deadline) run for real while the offset is zero.
type lifeClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *lifeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *lifeClock) Set(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = d
}

const lifeActivityQuery = `subscription($id: ID!) { bodyMeetingActivity(meetingId: $id) { type itemId presentCount
	quorum { present members required reached } motionId vote { secret closed voters totals { yes no abstain } outcome } } }`

// lifeEvents reads c's meeting events until one satisfies last; it
// returns them all, in order.
func lifeEvents(t *testing.T, c *wsClient, last func(ev map[string]any) bool) []map[string]any {
	t.Helper()
	var out []map[string]any
	for {
		m := c.next()
		require.Equal(t, "next", m.Type, string(m.Payload))
		ev := payloadData(t, m, "bodyMeetingActivity")
		out = append(out, ev)
		if last(ev) {
			return out
		}
	}
}

// lifeMails waits for the e-mails of kind to reach n and returns each
// recipient's (locale, subject), by account id; one per recipient.
func lifeMails(t *testing.T, b *bundle, kind string, n int) map[string][2]string {
	t.Helper()
	var out map[string][2]string
	var count int
	require.Eventually(t, func() bool {
		rows, err := b.pool.Query(t.Context(), `select account_id, locale, subject from email_outbox where kind = $1`, kind)
		require.NoError(t, err)
		defer rows.Close()
		out, count = map[string][2]string{}, 0
		for rows.Next() {
			var id, locale, subject string
			require.NoError(t, rows.Scan(&id, &locale, &subject))
			out[id] = [2]string{locale, subject}
			count++
		}
		return count >= n
	}, 15*time.Second, 20*time.Millisecond, kind)
	require.Equal(t, n, count, "%s: one e-mail each", kind)
	return out
}

// TestDialogueLife_ABodyFromCreationToTheEndOfItsTerm is issue 9's
// acceptance test: the whole life of a public council through the GraphQL
// API only. The coordinator creates it and appoints a chair, a secretary,
// members speaking Polish, Ukrainian and English, an NGO (a delegate and a
// substitute), a guest and an observer; a meeting is scheduled (everyone
// invited); the city asks the council's opinion on a consultation and the
// council gives it by a written vote closed by its deadline's job; in the
// meeting, people check in with the room's code or are recorded, the
// quorum moves exactly, members and the guest ask to speak and the chair
// gives the floor, the agenda is adopted by vote, an amendment is decided
// before its motion (whose text it becomes), the motion passes by roll
// call, a personal matter is decided by secret vote — all seen live by a
// member, the observer and an anonymous client, who see totals only for
// the secret vote; the minutes are drafted, commented, approved,
// published and exported; an election with endorsements fills 2 seats of
// 3 candidates by secret ballot; the opinion is in the consultation's
// report; everyone was told, each in their language; the term ends and
// the ended members can no longer table or vote; a member's GDPR export
// holds their share, and their erasure anonymises their record while
// secret ballots stay unlinkable.
func TestDialogueLife_ABodyFromCreationToTheEndOfItsTerm(t *testing.T) {
	t.Parallel()
	f := &dialogueFixture{consultationFixture: newConsultationFixture(t)}
	b := f.b
	clock := &lifeClock{}
	b.dialogue.SetClock(clock.Now)
	ok := func(res gqlResponse) gqlResponse {
		t.Helper()
		require.Empty(t, res.Errors)
		return res
	}
	as := func(tok string) reqOpt { return withToken(tok) }
	id := func(tok string) string { return b.accountID(t, tok) }
	raw := func(tok string) string { return rawID(t, b.accountID(t, tok)) }

	// The people, each in their language.
	person := func(email, name, locale string) string {
		tok := b.signUp(t, email)
		b.confirm(t, email)
		ok(b.gql(t, `mutation($in: UpdateProfileInput!) { updateProfile(input: $in) { account { id } } }`,
			map[string]any{"in": map[string]any{"displayName": name, "locale": locale}}, as(tok)))
		return tok
	}
	chair := person("anna.kowalska@example.org", "Anna Kowalska", "PL")
	secretary := person("maria.nowak@example.org", "Maria Nowak", "PL")
	bohdan := person("bohdan.shevchenko@example.org", "Bohdan Shevchenko", "UK")
	john := person("john.smith@example.org", "John Smith", "EN")
	guest := person("dawid.gosc@example.org", "Dawid Gość", "PL")
	observer := person("olivia.observer@example.org", "Olivia Observer", "EN")
	delegate := f.moderator // a moderator of the NGO
	ok(b.gql(t, `mutation($in: UpdateProfileInput!) { updateProfile(input: $in) { account { id } } }`,
		map[string]any{"in": map[string]any{"displayName": "Olena Kravets", "locale": "UK"}}, as(delegate)))
	substitute := person("piotr.zastepca@example.org", "Piotr Zastępca", "PL")
	f.addToNGO(t, substitute, "MEMBER")

	// Created by the coordinator with the Polish default rules.
	res := ok(b.gql(t, `mutation($u: ID!) { createBody(input: {unitId: $u, kind: MIGRANTS_COUNCIL, public: true,
		name: {locale: PL, text: "Rada ds. Cudzoziemców"}, mandate: {locale: PL, text: "Opiniuje politykę miasta wobec cudzoziemców."}}) {
		body { id status rules { quorum { numerator denominator } majority chairBreaksTies } } } }`,
		map[string]any{"u": f.unitID}, as(f.coord)))
	f.body = dig(res.Data, "createBody", "body", "id").(string)
	require.Equal(t, map[string]any{"quorum": map[string]any{"numerator": 1.0, "denominator": 2.0}, "majority": "SIMPLE",
		"chairBreaksTies": true}, dig(res.Data, "createBody", "body", "rules"))

	// Appointed: the chair for a year, the others for a 30-day term.
	f.appoint(t, f.body, chair, "CHAIR", 365)
	f.appoint(t, f.body, secretary, "SECRETARY", 30)
	bohdanSeat := f.appoint(t, f.body, bohdan, "MEMBER", 30)
	f.appoint(t, f.body, john, "MEMBER", 30)
	f.appoint(t, f.body, guest, "GUEST", 0)
	f.appoint(t, f.body, observer, "OBSERVER", 0)
	res = ok(b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id delegates { accountId kind } } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "organisationId": f.ngoID, "role": "MEMBER",
			"termEnd": time.Now().AddDate(0, 0, 30).Format(time.RFC3339), "delegates": []any{
				map[string]any{"accountId": id(delegate)}, map[string]any{"accountId": id(substitute), "substitute": true}}}}, as(f.coord)))
	require.Equal(t, []any{map[string]any{"accountId": id(delegate), "kind": "MAIN"}, map[string]any{"accountId": id(substitute), "kind": "SUBSTITUTE"}},
		dig(res.Data, "appointBodyMember", "member", "delegates"))
	members, total := f.members(t, "", false)
	require.Equal(t, 7, total)
	require.Equal(t, "MEMBER", members[bohdanSeat]["role"])

	// A meeting in 20 minutes (the clock's), with two agenda items: the
	// whole roll is invited.
	start := time.Now().Add(20 * time.Minute).UTC().Truncate(time.Second)
	res = ok(b.gql(t, `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id invitedCount } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "meeting": map[string]any{
			"title": map[string]any{"locale": "PL", "text": "Posiedzenie grudniowe"}, "startsAt": start.Format(time.RFC3339),
			"endsAt": start.Add(2 * time.Hour).Format(time.RFC3339), "place": "Urząd Miasta Krakowa",
			"languages": []any{"PL", "UK", "EN"}}}}, as(f.coord)))
	meeting := dig(res.Data, "scheduleBodyMeeting", "meeting", "id").(string)
	require.Equal(t, float64(8), dig(res.Data, "scheduleBodyMeeting", "meeting", "invitedCount"),
		"chair, secretary, two members, both delegates, the guest and the observer")
	// The reminder is due at once (the meeting is less than a day away).
	// Scheduling and inviting are two transactions, so it tells either
	// nobody (it ran in between) or the whole roll, once each: which one is
	// read from the notices it enqueued, and expected below.
	waitUntil(t, "the meeting's reminder job", func() bool {
		var done bool
		require.NoError(t, b.pool.QueryRow(t.Context(), `select exists (select 1 from river_job where kind = $1 and state = 'completed')`,
			dialogue.JobMeetingReminder).Scan(&done))
		return done
	})
	var reminded int
	require.NoError(t, b.pool.QueryRow(t.Context(), `select count(*) from river_job where kind = $1 and args->>'kind' = $2`,
		notify.JobDeliver, dialogue.NoticeMeetingReminder).Scan(&reminded))
	require.Contains(t, []int{0, 8}, reminded, "nobody or the whole roll")
	item := func(title string) string {
		res := ok(b.gql(t, `mutation($m: ID!, $t: String!) { addAgendaItem(input: {meetingId: $m, item: {title: {locale: PL, text: $t}}}) { item { id } } }`,
			map[string]any{"m": meeting, "t": title}, as(secretary)))
		return dig(res.Data, "addAgendaItem", "item", "id").(string)
	}
	item1, item2 := item("Tłumaczenia w urzędzie"), item("Sprawy osobowe")

	// Between meetings: the city asks the council's opinion on an open
	// consultation; the council adopts it by a written vote that its
	// deadline's job closes (the clock is the wall's here, so the job runs).
	consultation := f.openConsultation(t)
	res = ok(b.gql(t, `mutation($c: ID!, $b: ID!) { requestBodyOpinion(input: {consultationId: $c, bodyId: $b,
		note: {locale: PL, text: "Prosimy o opinię."}}) { request { id status } } }`, map[string]any{"c": consultation, "b": f.body}, as(f.official)))
	request := dig(res.Data, "requestBodyOpinion", "request", "id").(string)
	res = ok(b.gql(t, `mutation($in: TableMotionInput!) { tableMotion(input: $in) { motion { id } } }`, map[string]any{"in": map[string]any{
		"bodyId": f.body, "kind": "OPINION", "consultationId": consultation, "title": map[string]any{"locale": "PL", "text": "Opinia Rady o programie"},
		"text": map[string]any{"locale": "PL", "text": "Rada popiera program i prosi o tłumaczenia na ukraiński."}}}, as(chair)))
	opinion := dig(res.Data, "tableMotion", "motion", "id").(string)
	// Long enough for the votes below even on a loaded machine.
	deadline := time.Now().Add(20 * time.Second)
	ok(b.gql(t, `mutation($m: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $m, written: {deadline: $d}}) { motion { status } } }`,
		map[string]any{"m": opinion, "d": deadline.Format(time.RFC3339Nano)}, as(chair)))
	for tok, choice := range map[string]string{chair: "YES", secretary: "YES", bohdan: "YES", john: "NO"} {
		ok(b.gql(t, castVote, map[string]any{"m": opinion, "c": choice}, as(tok)))
	}
	ok(b.gql(t, castVote, map[string]any{"m": opinion, "c": "YES", "as": map[string]any{"organisationId": f.ngoID}}, as(substitute)))
	require.Equal(t, "FORBIDDEN", b.gql(t, castVote, map[string]any{"m": opinion, "c": "YES"}, as(guest)).code(), "guests do not vote")
	require.Equal(t, "FORBIDDEN", b.gql(t, castVote, map[string]any{"m": opinion, "c": "YES"}, as(observer)).code())
	writtenView := `query($m: ID!) { motion(id: $m) { status vote { format closed result { outcome members voters yes no abstain } } } }`
	for end := deadline.Add(30 * time.Second); dig(ok(b.gql(t, writtenView, map[string]any{"m": opinion})).Data, "motion", "vote", "closed") != true; {
		require.True(t, time.Now().Before(end), "the deadline's job closes the written vote")
		time.Sleep(50 * time.Millisecond)
	}
	require.Equal(t, map[string]any{"status": "ADOPTED", "vote": map[string]any{"format": "WRITTEN", "closed": true,
		"result": map[string]any{"outcome": "ADOPTED", "members": 5.0, "voters": 5.0, "yes": 4.0, "no": 1.0, "abstain": 0.0}}},
		ok(b.gql(t, writtenView, map[string]any{"m": opinion})).Data["motion"])
	require.Equal(t, "PHASE_CLOSED", b.gql(t, castVote, map[string]any{"m": opinion, "c": "YES"}, as(chair)).code())
	res = ok(b.gql(t, `query($r: ID!) { node(id: $r) { ... on BodyOpinionRequest { status opinion { title { text } requested } } } }`,
		map[string]any{"r": request}))
	require.Equal(t, map[string]any{"status": "ANSWERED", "opinion": map[string]any{"title": map[string]any{"text": "Opinia Rady o programie"},
		"requested": true}}, res.Data["node"])

	// The meeting, live for a member, the observer and an anonymous client.
	var clients []*wsClient
	for _, tok := range []string{bohdan, observer, ""} {
		c := dialLive(t, b, tok)
		c.ack()
		c.subscribe("m", lifeActivityQuery, map[string]any{"id": meeting})
		clients = append(clients, c)
	}
	waitUntil(t, "three streams", func() bool { return b.resolver.LiveSubscriptions() == 3 })
	clock.Set(25 * time.Minute)

	// Attendance: the room's code, and staff recording; the quorum exact.
	code := dig(ok(b.gql(t, `mutation($m: ID!) { issueBodyMeetingCheckinCode(input: {meetingId: $m}) { code } }`,
		map[string]any{"m": meeting}, as(secretary))).Data, "issueBodyMeetingCheckinCode", "code").(string)
	checkIn := func(tok string) {
		ok(b.gql(t, `mutation($m: ID!, $c: String!) { checkInToBodyMeeting(input: {meetingId: $m, code: $c}) { meeting { id } } }`,
			map[string]any{"m": meeting, "c": code}, as(tok)))
	}
	record := func(tok, mode string) {
		ok(b.gql(t, `mutation($m: ID!, $a: ID!, $mode: AttendanceMode!) { recordBodyMeetingAttendance(input: {meetingId: $m, accountId: $a, mode: $mode}) {
			meeting { id } } }`, map[string]any{"m": meeting, "a": id(tok), "mode": mode}, as(secretary)))
	}
	require.Equal(t, "INVALID_INPUT", b.gql(t, `mutation($m: ID!) { checkInToBodyMeeting(input: {meetingId: $m, code: "000000x"}) { meeting { id } } }`,
		map[string]any{"m": meeting}, as(john)).code())
	record(chair, "IN_PERSON")
	record(secretary, "IN_PERSON")
	quorumQ := `query($m: ID!) { bodyMeeting(id: $m) { presentCount quorum { present members required reached } } }`
	require.Equal(t, map[string]any{"presentCount": 2.0, "quorum": map[string]any{"present": 2.0, "members": 5.0, "required": 3.0, "reached": false}},
		ok(b.gql(t, quorumQ, map[string]any{"m": meeting})).Data["bodyMeeting"])
	checkIn(bohdan)
	record(delegate, "IN_PERSON")
	record(substitute, "IN_PERSON")
	checkIn(guest)
	record(john, "REMOTE")
	require.Equal(t, map[string]any{"presentCount": 7.0, "quorum": map[string]any{"present": 5.0, "members": 5.0, "required": 3.0, "reached": true}},
		ok(b.gql(t, quorumQ, map[string]any{"m": meeting})).Data["bodyMeeting"], "the NGO counts once; the guest never")
	res = ok(b.gql(t, `query($m: ID!) { bodyMeeting(id: $m) { attendance { accountId mode selfCheckedIn } } }`, map[string]any{"m": meeting}, as(secretary)))
	require.Equal(t, []any{
		map[string]any{"accountId": id(chair), "mode": "IN_PERSON", "selfCheckedIn": false},
		map[string]any{"accountId": id(secretary), "mode": "IN_PERSON", "selfCheckedIn": false},
		map[string]any{"accountId": id(bohdan), "mode": "IN_PERSON", "selfCheckedIn": true},
		map[string]any{"accountId": id(delegate), "mode": "IN_PERSON", "selfCheckedIn": false},
		map[string]any{"accountId": id(substitute), "mode": "IN_PERSON", "selfCheckedIn": false},
		map[string]any{"accountId": id(guest), "mode": "IN_PERSON", "selfCheckedIn": true},
		map[string]any{"accountId": id(john), "mode": "REMOTE", "selfCheckedIn": false},
	}, dig(res.Data, "bodyMeeting", "attendance"))
	require.Nil(t, dig(ok(b.gql(t, `query($m: ID!) { bodyMeeting(id: $m) { attendance { accountId } } }`, map[string]any{"m": meeting}, as(bohdan))).Data,
		"bodyMeeting", "attendance"), "the roll of who is present is for staff")

	// Speakers: two members and the guest ask; the chair gives the floor
	// to the guest first, then to the first one waiting.
	for _, tok := range []string{bohdan, guest, john} {
		ok(b.gql(t, `mutation($i: ID!) { requestToSpeak(input: {itemId: $i}) { item { id } } }`, map[string]any{"i": item1}, as(tok)))
	}
	require.Equal(t, "FORBIDDEN", b.gql(t, `mutation($i: ID!) { requestToSpeak(input: {itemId: $i}) { item { id } } }`,
		map[string]any{"i": item1}, as(observer)).code())
	require.Equal(t, "FORBIDDEN", b.gql(t, `mutation($i: ID!, $a: ID) { giveFloor(input: {itemId: $i, accountId: $a}) { item { id } } }`,
		map[string]any{"i": item1, "a": id(guest)}, as(bohdan)).code())
	ok(b.gql(t, `mutation($i: ID!, $a: ID) { giveFloor(input: {itemId: $i, accountId: $a}) { item { id } } }`,
		map[string]any{"i": item1, "a": id(guest)}, as(chair)))
	res = ok(b.gql(t, `mutation($i: ID!) { giveFloor(input: {itemId: $i}) { item { speakers { displayName position status } } } }`,
		map[string]any{"i": item1}, as(chair)))
	require.Equal(t, []any{
		map[string]any{"displayName": "Bohdan Shevchenko", "position": 1.0, "status": "SPEAKING"},
		map[string]any{"displayName": "John Smith", "position": 3.0, "status": "WAITING"},
		map[string]any{"displayName": "Dawid Gość", "position": 2.0, "status": "DONE"},
	}, dig(res.Data, "giveFloor", "item", "speakers"))

	// The agenda, adopted by vote.
	res = ok(b.gql(t, `mutation($g: ID!) { putAgendaToVote(input: {meetingId: $g}) { motion { id kind } } }`, map[string]any{"g": meeting}, as(chair)))
	agendaMotion := dig(res.Data, "putAgendaToVote", "motion", "id").(string)
	for _, tok := range []string{chair, secretary, bohdan, john, delegate} {
		ok(b.gql(t, castVote, map[string]any{"m": agendaMotion, "c": "YES"}, as(tok)))
	}
	require.Equal(t, "ADOPTED", dig(ok(b.gql(t, closeVote, map[string]any{"m": agendaMotion}, as(chair))).Data, "closeMotionVote", "motion", "status"))
	require.Equal(t, "ADOPTED", dig(ok(b.gql(t, `query($g: ID!) { bodyMeeting(id: $g) { agenda { status } } }`, map[string]any{"g": meeting})).Data,
		"bodyMeeting", "agenda", "status"))

	// A motion and its amendment: the amendment is decided first, by roll
	// call, and its text becomes the motion's.
	res = ok(b.gql(t, `mutation($b: ID!) { tableMotion(input: {bodyId: $b, kind: RESOLUTION, title: {locale: EN, text: "Interpreters at the city hall"},
		text: {locale: EN, text: "The council asks for interpreters."}}) { motion { id } } }`, map[string]any{"b": f.body}, as(john)))
	motion := dig(res.Data, "tableMotion", "motion", "id").(string)
	res = ok(b.gql(t, `mutation($m: ID!, $o: ID!) { proposeAmendment(input: {motionId: $m, title: {locale: PL, text: "Poprawka NGO"},
		text: {locale: EN, text: "The council asks for Ukrainian and English interpreters."}, as: {organisationId: $o}}) { amendment { id } } }`,
		map[string]any{"m": motion, "o": f.ngoID}, as(delegate)))
	amendment := dig(res.Data, "proposeAmendment", "amendment", "id").(string)
	require.Equal(t, "CONFLICT", b.gql(t, openInMeeting, map[string]any{"m": motion, "g": meeting, "i": item1, "s": false}, as(chair)).code(),
		"the amendment first")
	ok(b.gql(t, openInMeeting, map[string]any{"m": amendment, "g": meeting, "i": item1, "s": false}, as(chair)))
	for tok, choice := range map[string]string{chair: "YES", secretary: "YES", bohdan: "NO", john: "ABSTAIN", substitute: "YES"} {
		ok(b.gql(t, castVote, map[string]any{"m": amendment, "c": choice}, as(tok)))
	}
	require.Equal(t, "CONFLICT", b.gql(t, castVote, map[string]any{"m": amendment, "c": "NO"}, as(delegate)).code(), "the NGO has voted")
	require.Equal(t, "FORBIDDEN", b.gql(t, castVote, map[string]any{"m": amendment, "c": "NO"}, as(guest)).code())
	require.Equal(t, "ADOPTED", dig(ok(b.gql(t, closeVote, map[string]any{"m": amendment}, as(chair))).Data, "closeMotionVote", "motion", "status"))
	res = ok(b.gql(t, `query($m: ID!) { motion(id: $m) { text { text } originalText { text } amendedBy { id } } }`, map[string]any{"m": motion}))
	require.Equal(t, map[string]any{"text": map[string]any{"text": "The council asks for Ukrainian and English interpreters."},
		"originalText": map[string]any{"text": "The council asks for interpreters."}, "amendedBy": map[string]any{"id": amendment}}, res.Data["motion"])

	// The motion by roll call.
	ok(b.gql(t, openInMeeting, map[string]any{"m": motion, "g": meeting, "i": item1, "s": false}, as(chair)))
	for tok, choice := range map[string]string{chair: "YES", secretary: "YES", bohdan: "YES", john: "NO", delegate: "YES"} {
		ok(b.gql(t, castVote, map[string]any{"m": motion, "c": choice}, as(tok)))
	}
	ok(b.gql(t, closeVote, map[string]any{"m": motion}, as(chair)))
	rollView := `query($m: ID!) { motion(id: $m) { status vote { format secret result { outcome members present voters yes no abstain quorum needed }
		rollCall { voter { person { accountId displayName } organisation { id } } choice castBy { accountId } } } } }`
	res = ok(b.gql(t, rollView, map[string]any{"m": motion}))
	require.Equal(t, "ADOPTED", dig(res.Data, "motion", "status"))
	require.Equal(t, map[string]any{"outcome": "ADOPTED", "members": 5.0, "present": 5.0, "voters": 5.0, "yes": 4.0, "no": 1.0, "abstain": 0.0,
		"quorum": 3.0, "needed": 2.0}, dig(res.Data, "motion", "vote", "result"))
	rollCall := func(res gqlResponse) map[string]string {
		out := map[string]string{}
		for _, e := range dig(res.Data, "motion", "vote", "rollCall").([]any) {
			who, named := dig(e, "voter", "person", "displayName").(string)
			if org, ok := dig(e, "voter", "organisation", "id").(string); ok {
				who = org + " by " + dig(e, "castBy", "accountId").(string)
			} else if !named {
				who = "(deleted account)"
			}
			out[who] = dig(e, "choice").(string)
		}
		return out
	}
	require.Equal(t, map[string]string{"Anna Kowalska": "YES", "Maria Nowak": "YES", "Bohdan Shevchenko": "YES", "John Smith": "NO",
		f.ngoID + " by " + id(delegate): "YES"}, rollCall(res))

	// A personal matter by secret vote, under the second item.
	res = ok(b.gql(t, `mutation($b: ID!) { tableMotion(input: {bodyId: $b, kind: RESOLUTION, title: {locale: PL, text: "Wniosek o odwołanie sekretarza"},
		text: {locale: PL, text: "Rada odwołuje sekretarza."}}) { motion { id } } }`, map[string]any{"b": f.body}, as(bohdan)))
	secret := dig(res.Data, "tableMotion", "motion", "id").(string)
	ok(b.gql(t, openInMeeting, map[string]any{"m": secret, "g": meeting, "i": item2, "s": true}, as(chair)))
	for tok, choice := range map[string]string{chair: "NO", secretary: "NO", bohdan: "YES", john: "NO"} {
		ok(b.gql(t, castVote, map[string]any{"m": secret, "c": choice}, as(tok)))
	}
	ok(b.gql(t, closeVote, map[string]any{"m": secret}, as(chair)))
	secretView := `query($m: ID!) { motion(id: $m) { status vote { secret voters totals { yes no abstain } rollCall { choice } } } }`
	for _, tok := range []string{"", observer, bohdan, chair} {
		var opts []reqOpt
		if tok != "" {
			opts = append(opts, as(tok))
		}
		require.Equal(t, map[string]any{"status": "REJECTED", "vote": map[string]any{"secret": true, "voters": 4.0,
			"totals": map[string]any{"yes": 1.0, "no": 3.0, "abstain": 0.0}, "rollCall": nil}},
			ok(b.gql(t, secretView, map[string]any{"m": secret}, opts...)).Data["motion"], "totals only, for anyone")
	}
	res = ok(b.gql(t, `query($g: ID!) { bodyMeeting(id: $g) { votedMotions { id } } }`, map[string]any{"g": meeting}))
	require.Equal(t, []any{map[string]any{"id": agendaMotion}, map[string]any{"id": amendment}, map[string]any{"id": motion},
		map[string]any{"id": secret}}, dig(res.Data, "bodyMeeting", "votedMotions"))

	// What each client saw live, up to the secret vote's close.
	lifeSummary := func(events []map[string]any) map[string]any {
		var attendance, speakers []any
		votes := map[string][]any{}
		for _, ev := range events {
			switch ev["type"] {
			case "attendance_changed":
				attendance = append(attendance, []any{ev["presentCount"], dig(ev, "quorum", "present"), dig(ev, "quorum", "reached")})
			case "speakers_changed":
				speakers = append(speakers, ev["itemId"])
			case "vote_opened", "vote_changed", "vote_closed":
				m := ev["motionId"].(string)
				votes[m] = append(votes[m], []any{ev["type"], dig(ev, "vote", "voters"), dig(ev, "vote", "totals"), dig(ev, "vote", "outcome")})
			}
		}
		return map[string]any{"attendance": attendance, "speakers": speakers, "votes": votes}
	}
	var seen []map[string]any
	for _, c := range clients {
		events := lifeEvents(t, c, func(ev map[string]any) bool { return ev["type"] == "vote_closed" && ev["motionId"] == secret })
		seen = append(seen, lifeSummary(events))
	}
	tot := func(y, n, a float64) map[string]any { return map[string]any{"yes": y, "no": n, "abstain": a} }
	require.Equal(t, []any{
		[]any{1.0, 1.0, false}, []any{2.0, 2.0, false}, []any{3.0, 3.0, true}, []any{4.0, 4.0, true},
		[]any{5.0, 4.0, true}, []any{6.0, 4.0, true}, []any{7.0, 5.0, true},
	}, seen[0]["attendance"], "one event per arrival: the NGO's substitute and the guest add no vote")
	require.Equal(t, []any{item1, item1, item1, item1, item1}, seen[0]["speakers"], "three requests, two floors given")
	votes := seen[0]["votes"].(map[string][]any)
	require.Equal(t, []any{
		[]any{"vote_opened", 0.0, nil, nil},
		[]any{"vote_changed", 1.0, nil, nil}, []any{"vote_changed", 2.0, nil, nil}, []any{"vote_changed", 3.0, nil, nil},
		[]any{"vote_changed", 4.0, nil, nil},
		[]any{"vote_closed", 4.0, tot(1, 3, 0), "REJECTED"},
	}, votes[secret], "a secret vote: how many voted, then totals")
	require.Equal(t, []any{"vote_closed", 5.0, tot(4, 1, 0), "ADOPTED"}, votes[motion][len(votes[motion])-1])
	require.Len(t, votes[motion], 7, "opened, five votes, closed")
	require.Equal(t, seen[0], seen[1], "the observer sees what the member sees")
	require.Equal(t, seen[0], seen[2], "and so does the public")

	// After the meeting: the minutes, drafted by the secretary, commented
	// by a member, approved by the chair, published and exported.
	clock.Set(20*time.Minute + 2*time.Hour + 10*time.Minute)
	res = ok(b.gql(t, `mutation($m: ID!) { draftBodyMinutes(input: {meetingId: $m}) { minutes { status version body } } }`,
		map[string]any{"m": meeting}, as(secretary)))
	draft := dig(res.Data, "draftBodyMinutes", "minutes", "body").(string)
	for _, want := range []string{"Porządek obrad został przyjęty w głosowaniu",
		"Kworum na rozpoczęcie (", "): obecnych 0 z 5 głosów, wymagane 3 — brak kworum.", // everyone came 5 minutes late
		"- Org fundacja (członek(-ini)), reprezentowana przez: Olena Kravets — osobiście ",
		"Głos zabierali (w kolejności udzielenia głosu): 1) Dawid Gość, 2) Bohdan Shevchenko",
		"### Poprawka NGO (poprawka; uchwała)\n\nWynik: przyjęto. Za: 3, przeciw: 1, wstrzymało się: 1; głosowało 5 z 5 uprawnionych",
		"- Org fundacja (głos oddał(a): Piotr Zastępca): za",
		"### Interpreters at the city hall (uchwała)\n\nWynik: przyjęto. Za: 4, przeciw: 1, wstrzymało się: 0; głosowało 5 z 5 uprawnionych"} {
		require.Contains(t, draft, want)
	}
	require.True(t, strings.HasSuffix(draft, "### Wniosek o odwołanie sekretarza (uchwała)\n\nWynik: odrzucono. Za: 1, przeciw: 3, "+
		"wstrzymało się: 0; głosowało 4 z 5 uprawnionych; do przyjęcia potrzeba było 4.\n\nGłosowanie tajne: podaje się tylko wyniki."),
		"the secret vote's totals, no roll call")
	ok(b.gql(t, `mutation($m: ID!) { openBodyMinutesForComments(input: {meetingId: $m}) { minutes { status } } }`, map[string]any{"m": meeting}, as(secretary)))
	res = ok(b.gql(t, `mutation($m: ID!) { commentOnBodyMinutes(input: {meetingId: $m, text: "Прошу додати мій окремий голос."}) { comment { id } } }`,
		map[string]any{"m": meeting}, as(bohdan)))
	comment := dig(res.Data, "commentOnBodyMinutes", "comment", "id").(string)
	require.Equal(t, "FORBIDDEN", b.gql(t, `mutation($m: ID!, $v: Int!) { approveBodyMinutes(input: {meetingId: $m, version: $v}) { minutes { id } } }`,
		map[string]any{"m": meeting, "v": 1}, as(secretary)).code())
	res = ok(b.gql(t, `mutation($m: ID!, $v: Int!) { approveBodyMinutes(input: {meetingId: $m, version: $v}) { minutes { status approvedByName } } }`,
		map[string]any{"m": meeting, "v": 1}, as(chair)))
	require.Equal(t, map[string]any{"status": "APPROVED", "approvedByName": "Anna Kowalska"}, dig(res.Data, "approveBodyMinutes", "minutes"))
	res = ok(b.gql(t, `query($id: ID!) { bodyMeeting(id: $id) { minutes { status text { text locale }
		export(format: MARKDOWN, locale: PL) { contentType content } } } }`, map[string]any{"id": meeting}))
	published := dig(res.Data, "bodyMeeting", "minutes").(map[string]any)
	require.Equal(t, "APPROVED", published["status"])
	require.Equal(t, map[string]any{"text": draft, "locale": "PL"}, published["text"])
	require.Equal(t, "text/markdown; charset=utf-8", dig(published, "export", "contentType"))
	require.True(t, strings.HasPrefix(dig(published, "export", "content").(string), draft+"\n\n---\n\n*Protokół zatwierdził(a): Anna Kowalska, "))

	// An election run by the coordinator: 2 seats, 3 candidates, each
	// needing 2 endorsements.
	res = ok(b.gql(t, `mutation($b: ID!) { openElection(input: {bodyId: $b, title: {locale: PL, text: "Wybór przedstawicieli do Rady Miasta"},
		seats: 2, picks: 2, endorsementsNeeded: 2}) { election { id status } } }`, map[string]any{"b": f.body}, as(f.coord)))
	election := dig(res.Data, "openElection", "election", "id").(string)
	stand := func(tok string) string {
		res := ok(b.gql(t, `mutation($e: ID!) { standForElection(input: {electionId: $e}) { candidate { id } } }`, map[string]any{"e": election}, as(tok)))
		return dig(res.Data, "standForElection", "candidate", "id").(string)
	}
	candBohdan, candJohn, candMaria := stand(bohdan), stand(john), stand(secretary)
	endorse := func(cand, tok string, as map[string]any) {
		ok(b.gql(t, `mutation($c: ID!, $as: BodyVoterInput) { endorseCandidate(input: {candidateId: $c, as: $as}) { candidate { id } } }`,
			map[string]any{"c": cand, "as": as}, withToken(tok)))
	}
	endorse(candBohdan, chair, nil)
	endorse(candBohdan, delegate, map[string]any{"organisationId": f.ngoID})
	endorse(candJohn, chair, nil)
	endorse(candJohn, bohdan, nil)
	endorse(candMaria, john, nil)
	endorse(candMaria, secretary, nil)
	require.Equal(t, "FORBIDDEN", b.gql(t, `mutation($c: ID!) { endorseCandidate(input: {candidateId: $c}) { candidate { id } } }`,
		map[string]any{"c": candMaria}, as(guest)).code())
	ok(b.gql(t, `mutation($e: ID!, $d: DateTime!) { openElectionBallot(input: {electionId: $e, deadline: $d}) { election { id } } }`,
		map[string]any{"e": election, "d": clock.Now().Add(time.Hour).Format(time.RFC3339)}, as(f.coord)))
	ballot := func(tok string, picks ...string) {
		ok(b.gql(t, `mutation($e: ID!, $p: [ID!]!) { castElectionBallot(input: {electionId: $e, picks: $p}) { election { id } } }`,
			map[string]any{"e": election, "p": picks}, as(tok)))
	}
	ballot(chair, candBohdan, candJohn)
	ballot(secretary, candMaria, candJohn)
	ballot(bohdan, candBohdan, candJohn)
	ballot(john, candMaria, candBohdan)
	ballot(substitute, candBohdan)
	res = ok(b.gql(t, `query($e: ID!) { election(id: $e) { voters result { outcome } } }`, map[string]any{"e": election}))
	require.Equal(t, map[string]any{"voters": 5.0, "result": nil}, res.Data["election"], "no standings while open")
	res = ok(b.gql(t, `mutation($e: ID!) { closeElection(input: {electionId: $e}) { election { status result { outcome voters blank
		standings { candidateId votes elected tied } } } } }`, map[string]any{"e": election}, as(f.coord)))
	require.Equal(t, map[string]any{"outcome": "ELECTED", "voters": 5.0, "blank": 0.0, "standings": []any{
		map[string]any{"candidateId": candBohdan, "votes": 4.0, "elected": true, "tied": false},
		map[string]any{"candidateId": candJohn, "votes": 3.0, "elected": true, "tied": false},
		map[string]any{"candidateId": candMaria, "votes": 2.0, "elected": false, "tied": false},
	}}, dig(res.Data, "closeElection", "election", "result"))

	// The council's opinion is in the consultation's report.
	ok(b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: CLOSED, reason: "Koniec konsultacji"}) {
		consultation { id } } }`, map[string]any{"id": consultation}, as(f.official)))
	ok(b.gql(t, `mutation($id: ID!) { publishReport(input: {consultationId: $id}) { consultation { id } } }`, map[string]any{"id": consultation}, as(f.official)))
	res = ok(b.gql(t, `query($c: ID!) { consultation(id: $c) { report { bodyOpinions { bodyName { text } title { text } text { text } requested
		votes { members voters yes no abstain } } md: export(format: MARKDOWN, locale: EN) } } }`, map[string]any{"c": consultation}))
	require.Equal(t, []any{map[string]any{"bodyName": map[string]any{"text": "Rada ds. Cudzoziemców"}, "title": map[string]any{"text": "Opinia Rady o programie"},
		"text": map[string]any{"text": "Rada popiera program i prosi o tłumaczenia na ukraiński."}, "requested": true,
		"votes": map[string]any{"members": 5.0, "voters": 5.0, "yes": 4.0, "no": 1.0, "abstain": 0.0}}},
		dig(res.Data, "consultation", "report", "bodyOpinions"))
	require.Contains(t, dig(res.Data, "consultation", "report", "md"), "### 1. Rada ds. Cudzoziemców — Opinia Rady o programie")

	// Everyone was told, in their language: in the app by kind, and by
	// e-mail rendered in the recipient's locale.
	kinds := func(tok string, want map[string]int) {
		t.Helper()
		got := b.noticeKinds(t, tok)
		for end := time.Now().Add(15 * time.Second); !maps.Equal(got, want) && time.Now().Before(end); got = b.noticeKinds(t, tok) {
			time.Sleep(20 * time.Millisecond) // the notices' jobs run after their commits
		}
		require.Equal(t, want, got)
	}
	member := map[string]int{"welcome": 1, "dialogue_member_appointed": 1, "dialogue_meeting_invited": 1, "dialogue_opinion_requested": 1,
		"dialogue_vote_opened": 1, "dialogue_vote_decided": 2, "dialogue_minutes_open": 1, "dialogue_minutes_approved": 1,
		"dialogue_election_nominating": 1, "dialogue_election_ballot_opened": 1, "dialogue_election_result": 1}
	if reminded > 0 {
		member["dialogue_meeting_reminder"] = 1
	}
	kinds(bohdan, member) // his secret motion's result, and the written vote's
	kinds(john, member)   // his motion's result, and the written vote's
	roll := map[string]int{"welcome": 1, "dialogue_member_appointed": 1, "dialogue_meeting_invited": 1, "dialogue_minutes_open": 1,
		"dialogue_minutes_approved": 1}
	if reminded > 0 {
		roll["dialogue_meeting_reminder"] = 1
	}
	kinds(guest, roll) // no votes, elections or opinions: a guest does not vote
	kinds(observer, roll)
	locale := map[string]string{chair: "pl", secretary: "pl", bohdan: "uk", john: "en", delegate: "uk", substitute: "pl", guest: "pl", observer: "en"}
	mails := func(kind string, subjects map[string]string, to ...string) {
		t.Helper()
		want := map[string][2]string{}
		for _, tok := range to {
			want[raw(tok)] = [2]string{locale[tok], subjects[locale[tok]]}
		}
		require.Equal(t, want, lifeMails(t, b, kind, len(to)), kind)
	}
	voting := []string{chair, secretary, bohdan, john, delegate, substitute}
	everyone := append([]string{guest, observer}, voting...)
	mails("dialogue_meeting_invited", map[string]string{"pl": "Zaproszenie na posiedzenie ciała dialogu",
		"uk": "Запрошення на засідання органу діалогу", "en": "Invitation to a dialogue body meeting"}, everyone...)
	mails("dialogue_vote_opened", map[string]string{"pl": "Głosowanie pisemne: Opinia Rady o programie",
		"uk": "Письмове голосування: Opinia Rady o programie", "en": "Written vote: Opinia Rady o programie"}, voting...)
	mails("dialogue_minutes_approved", map[string]string{"pl": "Protokół zatwierdzony: Posiedzenie grudniowe",
		"uk": "Протокол затверджено: Posiedzenie grudniowe", "en": "Minutes approved: Posiedzenie grudniowe"}, everyone...)
	mails("dialogue_election_result", map[string]string{"pl": "Wynik wyborów: Wybór przedstawicieli do Rady Miasta",
		"uk": "Результат виборів: Wybór przedstawicieli do Rady Miasta", "en": "Election result: Wybór przedstawicieli do Rady Miasta"}, voting...)

	// The term ends: the clock passes it and the term-end job's work runs.
	// The chair (appointed for a year) stays; the ended members no longer
	// table or vote.
	clock.Set(31 * 24 * time.Hour)
	n, err := b.dialogue.EndDueTerms(t.Context(), nil)
	require.NoError(t, err)
	require.Equal(t, 4, n, "the secretary, two members and the NGO")
	all, total := f.members(t, "", true)
	require.Equal(t, 7, total)
	require.Equal(t, "TERM_ENDED", all[bohdanSeat]["endReason"])
	_, total = f.members(t, "", false)
	require.Equal(t, 3, total, "the chair, the guest and the observer")
	require.Equal(t, "FORBIDDEN", b.gql(t, `mutation($b: ID!) { tableMotion(input: {bodyId: $b, kind: RESOLUTION, title: {locale: EN, text: "Late"},
		text: {locale: EN, text: "Too late."}}) { motion { id } } }`, map[string]any{"b": f.body}, as(john)).code())
	res = ok(b.gql(t, `mutation($b: ID!) { tableMotion(input: {bodyId: $b, kind: RESOLUTION, title: {locale: PL, text: "Podziękowanie"},
		text: {locale: PL, text: "Rada dziękuje członkom za kadencję."}}) { motion { id } } }`, map[string]any{"b": f.body}, as(chair)))
	thanks := dig(res.Data, "tableMotion", "motion", "id").(string)
	ok(b.gql(t, `mutation($m: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $m, written: {deadline: $d}}) { motion { status } } }`,
		map[string]any{"m": thanks, "d": clock.Now().Add(time.Hour).Format(time.RFC3339)}, as(chair)))
	for _, tok := range []string{bohdan, john, secretary, delegate} {
		require.Equal(t, "FORBIDDEN", b.gql(t, castVote, map[string]any{"m": thanks, "c": "YES"}, as(tok)).code())
	}
	ok(b.gql(t, castVote, map[string]any{"m": thanks, "c": "YES"}, as(chair)))

	// Bohdan's GDPR export: his memberships, presence, requests to speak,
	// comment on the minutes, candidacy and endorsement; no vote (open
	// votes are the body's roll call, secret ballots are nobody's).
	bohdanKey := raw(bohdan)
	secretPoll := func() (votes int, ballots []string) {
		t.Helper()
		require.NoError(t, b.pool.QueryRow(t.Context(), `select count(*) from poll_votes v join polls p on p.id = v.poll_id
			where p.owner_id = $1`, rawID(t, secret)).Scan(&votes))
		rows, err := b.pool.Query(t.Context(), `select coalesce(x.choice, '') || ':' || row_to_json(x)::text from poll_ballots x
			join polls p on p.id = x.poll_id where p.owner_id = $1`, rawID(t, secret))
		require.NoError(t, err)
		defer rows.Close()
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			require.NotContains(t, s, bohdanKey)
			ballots = append(ballots, s)
		}
		sort.Strings(ballots)
		return votes, ballots
	}
	votesBefore, ballotsBefore := secretPoll()
	require.Equal(t, 0, votesBefore, "a secret vote records no choice under anyone's key")
	require.Len(t, ballotsBefore, 4)
	res = ok(b.gql(t, `{ me { dataExport } }`, nil, as(bohdan)))
	rawExport := dig(res.Data, "me", "dataExport").(string)
	var export map[string]any
	require.NoError(t, json.Unmarshal([]byte(rawExport), &export))
	domains := export["domains"].(map[string]any)
	memberships := dig(domains, "dialogueBodies", "memberships").([]any)
	require.Len(t, memberships, 1)
	require.Equal(t, "term_ended", dig(memberships[0], "endReason"))
	speaking := dig(domains, "dialogueMeetings", "speaking").([]any)
	require.Len(t, speaking, 1)
	require.Equal(t, rawID(t, item1), dig(speaking[0], "itemId"))
	require.Len(t, dig(domains, "dialogueMeetings", "presence"), 1)
	comments := dig(domains, "dialogueMinutes", "comments").([]any)
	require.Len(t, comments, 1)
	require.Equal(t, "Прошу додати мій окремий голос.", dig(comments[0], "text"))
	candidacies := dig(domains, "dialogueElections", "candidacies").([]any)
	require.Len(t, candidacies, 1)
	require.Equal(t, rawID(t, election), dig(candidacies[0], "electionId"))
	require.Len(t, dig(domains, "dialogueElections", "endorsements"), 1)
	require.Len(t, dig(domains, "dialogueMotions", "tabled"), 1)
	require.NotContains(t, rawExport, `"choice"`)
	require.NotContains(t, rawExport, "picks")

	// His erasure: the roll calls keep his votes without his name, his
	// comment on the approved minutes stays without its author, his secret
	// ballot is still nobody's.
	ok(b.gql(t, `mutation { deleteAccount(input: {password: "correct horse battery"}) { deletedAccountId } }`, nil, as(bohdan)))
	require.Equal(t, map[string]string{"Anna Kowalska": "YES", "Maria Nowak": "YES", "(deleted account)": "YES", "John Smith": "NO",
		f.ngoID + " by " + id(delegate): "YES"}, rollCall(ok(b.gql(t, rollView, map[string]any{"m": motion}))))
	res = ok(b.gql(t, `query($id: ID!) { bodyMeeting(id: $id) { minutes { comments { edges { node { id text authorName } } } } } }`,
		map[string]any{"id": meeting}, as(chair)))
	require.Equal(t, []any{map[string]any{"node": map[string]any{"id": comment, "text": "Прошу додати мій окремий голос.", "authorName": nil}}},
		dig(res.Data, "bodyMeeting", "minutes", "comments", "edges"))
	res = ok(b.gql(t, `query($g: ID!) { bodyMeeting(id: $g) { agenda { items { speakers { displayName status } } } } }`, map[string]any{"g": meeting}))
	require.Equal(t, []any{map[string]any{"displayName": "John Smith", "status": "WAITING"}, map[string]any{"displayName": "Dawid Gość", "status": "DONE"}},
		dig(dig(res.Data, "bodyMeeting", "agenda", "items").([]any)[0], "speakers"), "his request to speak is forgotten")
	votesAfter, ballotsAfter := secretPoll()
	require.Equal(t, 0, votesAfter)
	require.Equal(t, ballotsBefore, ballotsAfter, "the ballots are untouched: they were never his")
	res = ok(b.gql(t, `query($e: ID!) { election(id: $e) { result { standings { candidateId votes } } } }`, map[string]any{"e": election}))
	require.Equal(t, 4.0, dig(dig(res.Data, "election", "result", "standings").([]any)[0], "votes"), "the result stands")
}
