package graph_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/testclock"
)

// minutesFixture is a public body with a chair, a secretary, a member
// (Ukrainian-speaking), an NGO represented by its delegate, a guest and an
// absent member, on the clock of 10 June 2031, and a meeting of it from
// 17:00 to 19:00 (Warsaw) with two agenda items.
type minutesFixture struct {
	*dialogueFixture
	clock                                  *testclock.Clock
	chair, secretary, member, guest, olga  string
	delegate                               string
	meeting, item1, item2                  string
	start                                  time.Time
	chairID, memberID, delegateID, guestID string
}

const minutesFields = `id status locale version body source openedAt approvedAt approvedByName
	text { text locale isOriginal } versions { version source authorName }
	comments { totalCount edges { node { id text authorName version viewerCanChange } } }
	viewerCan { edit open comment approve translate }`

func (f *minutesFixture) ok(t *testing.T, res gqlResponse) gqlResponse {
	t.Helper()
	require.Empty(t, res.Errors)
	return res
}

func newMinutesFixture(t *testing.T) *minutesFixture {
	t.Helper()
	f := &minutesFixture{dialogueFixture: newDialogueFixture(t), clock: testclock.New(time.Date(2031, 6, 10, 14, 40, 0, 0, time.UTC))}
	b := f.b
	b.dialogue.SetClock(f.clock.Now)
	f.start = time.Date(2031, 6, 10, 15, 0, 0, 0, time.UTC)
	f.olga = b.signUp(t, "olga@example.org")
	b.confirm(t, "olga@example.org")
	f.chair, f.secretary, f.member, f.guest, f.delegate = f.alice, f.carol, f.bob, f.dan, f.moderator
	for tok, name := range map[string]string{f.chair: "Anna Kowalska", f.secretary: "Maria Nowak", f.member: "Bohdan Shevchenko",
		f.guest: "Dawid <script>alert(1)</script>", f.delegate: "Olena Kravets", f.olga: "Olga Petrenko"} {
		in := map[string]any{"displayName": name}
		if tok == f.member {
			in["locale"] = "UK"
		}
		f.ok(t, b.gql(t, `mutation($in: UpdateProfileInput!) { updateProfile(input: $in) { account { id } } }`,
			map[string]any{"in": in}, withToken(tok)))
	}
	termEnd := f.clock.Now().AddDate(1, 0, 0).Format(time.RFC3339)
	appoint := func(in map[string]any) {
		in["bodyId"] = f.body
		if in["role"] != "GUEST" {
			in["termEnd"] = termEnd
		}
		f.ok(t, b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
			map[string]any{"in": in}, withToken(f.coord)))
	}
	f.chairID, f.memberID, f.delegateID, f.guestID = b.accountID(t, f.chair), b.accountID(t, f.member),
		b.accountID(t, f.delegate), b.accountID(t, f.guest)
	appoint(map[string]any{"accountId": f.chairID, "role": "CHAIR"})
	appoint(map[string]any{"accountId": b.accountID(t, f.secretary), "role": "SECRETARY"})
	appoint(map[string]any{"accountId": f.memberID, "role": "MEMBER"})
	appoint(map[string]any{"organisationId": f.ngoID, "role": "MEMBER", "delegates": []any{map[string]any{"accountId": f.delegateID}}})
	appoint(map[string]any{"accountId": f.guestID, "role": "GUEST"})
	appoint(map[string]any{"accountId": b.accountID(t, f.olga), "role": "MEMBER"})

	res := f.ok(t, b.gql(t, `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id invitedCount } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "meeting": map[string]any{
			"title": map[string]any{"locale": "PL", "text": "Posiedzenie czerwcowe"}, "startsAt": f.start.Format(time.RFC3339),
			"endsAt": f.start.Add(2 * time.Hour).Format(time.RFC3339), "place": "Urząd Miasta Krakowa, pl. Wszystkich Świętych 3-4",
			"languages": []any{"PL", "UK"}}}}, withToken(f.coord)))
	f.meeting = dig(res.Data, "scheduleBodyMeeting", "meeting", "id").(string)
	require.Equal(t, float64(6), dig(res.Data, "scheduleBodyMeeting", "meeting", "invitedCount"))
	add := func(title string) string {
		res := f.ok(t, b.gql(t, `mutation($m: ID!, $t: String!) { addAgendaItem(input: {meetingId: $m, item: {title: {locale: PL, text: $t}}}) { item { id } } }`,
			map[string]any{"m": f.meeting, "t": title}, withToken(f.secretary)))
		return dig(res.Data, "addAgendaItem", "item", "id").(string)
	}
	f.item1, f.item2 = add("Otwarcie posiedzenia"), add("Opinia o programie *Otwarty Kraków*")
	return f
}

// at moves the clock to the meeting's start plus d.
func (f *minutesFixture) at(d time.Duration) { f.clock.Set(f.start.Add(d)) }

func (f *minutesFixture) minutes(t *testing.T, token string) any {
	t.Helper()
	var opts []reqOpt
	if token != "" {
		opts = append(opts, withToken(token))
	}
	res := f.ok(t, f.b.gql(t, `query($id: ID!) { bodyMeeting(id: $id) { minutes { `+minutesFields+` } } }`,
		map[string]any{"id": f.meeting}, opts...))
	return dig(res.Data, "bodyMeeting", "minutes")
}

// hold runs the meeting: attendance (one member remote, who leaves early;
// the guest and an expert invited by hand to this meeting; the NGO through its delegate; one member absent), two
// speakers given the floor in another order than they asked, and a motion
// decided by a roll call in the meeting, under the second agenda item.
func (f *minutesFixture) hold(t *testing.T) {
	t.Helper()
	b := f.b
	record := func(account, mode string) {
		f.ok(t, b.gql(t, `mutation($m: ID!, $a: ID!, $mode: AttendanceMode!) { recordBodyMeetingAttendance(input: {meetingId: $m, accountId: $a, mode: $mode}) { meeting { id } } }`,
			map[string]any{"m": f.meeting, "a": account, "mode": mode}, withToken(f.secretary)))
	}
	// An expert invited by hand to this meeting alone: a guest, not the public.
	expert := b.signUp(t, "ekspertka@example.org")
	b.confirm(t, "ekspertka@example.org")
	f.ok(t, b.gql(t, `mutation($in: UpdateProfileInput!) { updateProfile(input: $in) { account { id } } }`,
		map[string]any{"in": map[string]any{"displayName": "Ewa Ekspertka"}}, withToken(expert)))
	f.ok(t, b.gql(t, `mutation($m: ID!, $a: ID!) { inviteToBodyMeeting(input: {meetingId: $m, accountId: $a}) { meeting { id } } }`,
		map[string]any{"m": f.meeting, "a": b.accountID(t, expert)}, withToken(f.secretary)))
	for _, tok := range []string{f.chair, f.secretary, f.delegate, f.guest, expert} {
		record(b.accountID(t, tok), "IN_PERSON")
	}
	record(f.memberID, "REMOTE")

	f.at(10 * time.Minute)
	for _, tok := range []string{f.delegate, f.member} {
		f.ok(t, b.gql(t, `mutation($i: ID!) { requestToSpeak(input: {itemId: $i}) { item { id } } }`, map[string]any{"i": f.item2}, withToken(tok)))
	}
	f.ok(t, b.gql(t, `mutation($i: ID!, $a: ID) { giveFloor(input: {itemId: $i, accountId: $a}) { item { id } } }`,
		map[string]any{"i": f.item2, "a": f.memberID}, withToken(f.chair)))
	f.at(20 * time.Minute)
	f.ok(t, b.gql(t, `mutation($i: ID!) { giveFloor(input: {itemId: $i}) { item { id } } }`, map[string]any{"i": f.item2}, withToken(f.chair)))

	f.at(22 * time.Minute)
	res := f.ok(t, b.gql(t, `mutation($in: TableMotionInput!) { tableMotion(input: $in) { motion { id } } }`, map[string]any{"in": map[string]any{
		"bodyId": f.body, "kind": "OPINION", "title": map[string]any{"locale": "PL", "text": "Opinia o programie"},
		"text": map[string]any{"locale": "PL", "text": "Rada opiniuje program pozytywnie."}}}, withToken(f.chair)))
	motion := dig(res.Data, "tableMotion", "motion", "id").(string)
	f.ok(t, b.gql(t, `mutation($m: ID!, $mt: ID!, $i: ID!) { openMotionVote(input: {motionId: $m, meeting: {meetingId: $mt, agendaItemId: $i}}) { motion { id } } }`,
		map[string]any{"m": motion, "mt": f.meeting, "i": f.item2}, withToken(f.chair)))
	for tok, choice := range map[string]string{f.chair: "YES", f.secretary: "YES", f.delegate: "YES", f.member: "NO"} {
		f.ok(t, b.gql(t, `mutation($m: ID!, $c: VoteChoice!) { castMotionVote(input: {motionId: $m, choice: $c}) { changed } }`,
			map[string]any{"m": motion, "c": choice}, withToken(tok)))
	}
	f.at(25 * time.Minute)
	f.ok(t, b.gql(t, `mutation($m: ID!) { closeMotionVote(input: {motionId: $m}) { motion { status } } }`, map[string]any{"m": motion}, withToken(f.chair)))

	f.at(30 * time.Minute)
	f.ok(t, b.gql(t, `mutation($m: ID!, $a: ID!) { recordBodyMeetingDeparture(input: {meetingId: $m, accountId: $a}) { meeting { id } } }`,
		map[string]any{"m": f.meeting, "a": f.memberID}, withToken(f.secretary)))
}

// The draft the fixture's meeting gives at 17:50 (Warsaw), in Polish.
const minutesDraftPL = `# Protokół z posiedzenia ciała dialogu „Rada ds. Cudzoziemców”

## Posiedzenie czerwcowe

- **Termin:** 2031-06-10, 17:00–19:00
- **Miejsce:** Urząd Miasta Krakowa, pl. Wszystkich Świętych 3-4
- **Języki:** PL, UK

## Porządek obrad

Porządek obrad nie został przyjęty w głosowaniu.

1. Otwarcie posiedzenia
2. Opinia o programie \*Otwarty Kraków\*

## Obecność

Kworum na rozpoczęcie (17:00): obecnych 4 z 5 głosów, wymagane 4 — kworum jest.

### Obecni członkowie z prawem głosu

- Anna Kowalska (przewodniczący(-a)): osobiście od 16:40
- Maria Nowak (sekretarz): osobiście od 16:40
- Bohdan Shevchenko (członek(-ini)): zdalnie 16:40–17:30
- Org fundacja (członek(-ini)), reprezentowana przez: Olena Kravets — osobiście od 16:40

### Obecni goście i obserwatorzy

- Dawid \<script\>alert(1)\</script\> (gość (bez prawa głosu)): osobiście od 16:40
- Ewa Ekspertka (gość (bez prawa głosu)): osobiście od 16:40

Osoby z publiczności: 0.

### Nieobecni członkowie z prawem głosu

- Olga Petrenko (członek(-ini))

## Przebieg obrad

### 1. Otwarcie posiedzenia

Nikt nie zabierał głosu.

### 2. Opinia o programie \*Otwarty Kraków\*

Głos zabierali (w kolejności udzielenia głosu): 1) Bohdan Shevchenko, 2) Olena Kravets

## Głosowania

### Opinia o programie (opinia)

Wynik: przyjęto. Za: 3, przeciw: 1, wstrzymało się: 0; głosowało 4 z 5 uprawnionych; do przyjęcia potrzeba było 3.

Głosowanie imienne:

- Anna Kowalska: za
- Bohdan Shevchenko: przeciw
- Maria Nowak: za
- Org fundacja (głos oddał(a): Olena Kravets): za
`

// TestBodyMinutes_LifeThroughTheAPI: the secretary drafts the minutes of
// a meeting from its record once it has started; edits are versions and a
// regeneration does not throw them away; the draft is open for comments
// of the roll (not the public), whose authors alone change their comments;
// the chair (not the secretary, not staff) approves the version read once
// the meeting is over; the text is frozen, published to the public and
// shown by the meeting; the roll is told in each one's language; the
// secretary adds a translation; the exports are escaped documents; a
// non-public body's minutes are for who sees it.
func TestBodyMinutes_LifeThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newMinutesFixture(t)
	b := f.b
	draft := `mutation($in: DraftBodyMinutesInput!) { draftBodyMinutes(input: $in) { minutes { ` + minutesFields + ` } } }`
	in := map[string]any{"meetingId": f.meeting}

	// Not before the meeting starts.
	require.Equal(t, "PHASE_CLOSED", b.gql(t, draft, map[string]any{"in": in}, withToken(f.secretary)).code())
	f.hold(t)
	f.at(50 * time.Minute)
	require.Equal(t, "UNAUTHENTICATED", b.gql(t, draft, map[string]any{"in": in}).code())
	require.Equal(t, "FORBIDDEN", b.gql(t, draft, map[string]any{"in": in}, withToken(f.member)).code())
	require.Equal(t, "INVALID_INPUT", b.gql(t, draft, map[string]any{"in": map[string]any{"meetingId": f.body}}, withToken(f.secretary)).code())
	res := f.ok(t, b.gql(t, draft, map[string]any{"in": in}, withToken(f.secretary)))
	m := dig(res.Data, "draftBodyMinutes", "minutes").(map[string]any)
	require.Equal(t, "DRAFT", m["status"])
	require.Equal(t, "PL", m["locale"])
	require.Equal(t, float64(1), m["version"])
	require.Equal(t, "GENERATED", m["source"])
	require.Equal(t, strings.TrimSpace(minutesDraftPL), m["body"])
	require.Nil(t, m["text"])
	require.Equal(t, map[string]any{"edit": true, "open": true, "comment": false, "approve": false, "translate": false}, m["viewerCan"])

	// The draft is the keepers' until it is open: the roll and the public
	// do not see it.
	require.Nil(t, f.minutes(t, f.member))
	require.Nil(t, f.minutes(t, ""))
	require.NotNil(t, f.minutes(t, f.official))

	// Edits are versions made on the current one; a regeneration over an
	// edit needs to be asked for, and the edit stays.
	edit := `mutation($in: EditBodyMinutesInput!) { editBodyMinutes(input: $in) { minutes { version source body } } }`
	edited := strings.Replace(strings.TrimSpace(minutesDraftPL), "Nikt nie zabierał głosu.", "Przewodnicząca otworzyła posiedzenie.", 1)
	res = f.ok(t, b.gql(t, edit, map[string]any{"in": map[string]any{"meetingId": f.meeting, "text": edited, "baseVersion": 1}}, withToken(f.coord)))
	require.Equal(t, map[string]any{"version": float64(2), "source": "EDITED", "body": edited}, dig(res.Data, "editBodyMinutes", "minutes"))
	res = b.gql(t, edit, map[string]any{"in": map[string]any{"meetingId": f.meeting, "text": "Inny tekst", "baseVersion": 1}}, withToken(f.secretary))
	require.Equal(t, "CONFLICT", res.code())
	require.Equal(t, "A newer version of the minutes (2) has been made in the meantime. Reload and try again.", res.Errors[0].Message)
	res = b.gql(t, edit, map[string]any{"in": map[string]any{"meetingId": f.meeting, "text": "  ", "baseVersion": 2}}, withToken(f.secretary))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "text", res.Errors[0].Extensions["field"])
	res = b.gql(t, edit, map[string]any{"in": map[string]any{"meetingId": f.meeting, "text": strings.Repeat("x", 20001), "baseVersion": 2}}, withToken(f.secretary))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "CONFLICT", b.gql(t, draft, map[string]any{"in": in}, withToken(f.secretary)).code())
	res = f.ok(t, b.gql(t, draft, map[string]any{"in": map[string]any{"meetingId": f.meeting, "replaceEdits": true}}, withToken(f.secretary)))
	m = dig(res.Data, "draftBodyMinutes", "minutes").(map[string]any)
	require.Equal(t, strings.TrimSpace(minutesDraftPL), m["body"])
	require.Equal(t, []any{
		map[string]any{"version": float64(1), "source": "GENERATED", "authorName": "Maria Nowak"},
		map[string]any{"version": float64(2), "source": "EDITED", "authorName": "Tester"},
		map[string]any{"version": float64(3), "source": "GENERATED", "authorName": "Maria Nowak"}}, m["versions"])
	withProbe := minutesDraftPL + "\nUwagi: <img src=x onerror=alert(1)> [klik](javascript:alert(1)) <script>alert(2)</script>\n"
	f.ok(t, b.gql(t, edit, map[string]any{"in": map[string]any{"meetingId": f.meeting, "text": withProbe, "baseVersion": 3}}, withToken(f.secretary)))

	// Approval needs a draft that was open for comments.
	approve := `mutation($m: ID!, $v: Int!) { approveBodyMinutes(input: {meetingId: $m, version: $v}) { minutes { status approvedByName text { text locale } } } }`
	require.Equal(t, "PHASE_CLOSED", b.gql(t, approve, map[string]any{"m": f.meeting, "v": 4}, withToken(f.chair)).code())
	open := `mutation($m: ID!) { openBodyMinutesForComments(input: {meetingId: $m}) { minutes { status viewerCan { open comment } } } }`
	require.Equal(t, "FORBIDDEN", b.gql(t, open, map[string]any{"m": f.meeting}, withToken(f.member)).code())
	res = f.ok(t, b.gql(t, open, map[string]any{"m": f.meeting}, withToken(f.secretary)))
	require.Equal(t, map[string]any{"status": "OPEN", "viewerCan": map[string]any{"open": false, "comment": true}},
		dig(res.Data, "openBodyMinutesForComments", "minutes"))
	f.ok(t, b.gql(t, open, map[string]any{"m": f.meeting}, withToken(f.secretary))) // again: nothing new
	f.requireNotices(t, "dialogue_minutes_open", "Проєкт протоколу для зауважень: Posiedzenie czerwcowe")

	// The roll and staff read and comment; the public does not.
	require.Nil(t, f.minutes(t, ""))
	require.Nil(t, f.minutes(t, f.b.signUp(t, "sasiadka@example.org")))
	guestView := f.minutes(t, f.guest).(map[string]any)
	require.Equal(t, "OPEN", guestView["status"])
	require.Equal(t, map[string]any{"edit": false, "open": false, "comment": true, "approve": false, "translate": false}, guestView["viewerCan"])
	comment := `mutation($m: ID!, $t: String!) { commentOnBodyMinutes(input: {meetingId: $m, text: $t}) { comment { id version authorName viewerCanChange } } }`
	res = f.ok(t, b.gql(t, comment, map[string]any{"m": f.meeting, "t": "Proszę dopisać mój głos odrębny."}, withToken(f.member)))
	require.Equal(t, float64(4), dig(res.Data, "commentOnBodyMinutes", "comment", "version"))
	require.Equal(t, true, dig(res.Data, "commentOnBodyMinutes", "comment", "viewerCanChange"))
	memberComment := dig(res.Data, "commentOnBodyMinutes", "comment", "id").(string)
	res = f.ok(t, b.gql(t, comment, map[string]any{"m": f.meeting, "t": "Brak uwag."}, withToken(f.guest)))
	guestComment := dig(res.Data, "commentOnBodyMinutes", "comment", "id").(string)
	require.Equal(t, "INVALID_INPUT", b.gql(t, comment, map[string]any{"m": f.meeting, "t": " "}, withToken(f.guest)).code())
	outsider := f.b.signUp(t, "obca@example.org")
	f.b.confirm(t, "obca@example.org")
	require.Equal(t, "FORBIDDEN", b.gql(t, comment, map[string]any{"m": f.meeting, "t": "Uwaga z zewnątrz"}, withToken(outsider)).code())
	editComment := `mutation($c: ID!, $t: String!) { editBodyMinutesComment(input: {commentId: $c, text: $t}) { comment { text } } }`
	deleteComment := `mutation($c: ID!) { deleteBodyMinutesComment(input: {commentId: $c}) { minutes { comments { totalCount } } } }`
	res = b.gql(t, editComment, map[string]any{"c": memberComment, "t": "Cudza zmiana"}, withToken(f.guest))
	require.Equal(t, "FORBIDDEN", res.code())
	require.Equal(t, "FORBIDDEN", b.gql(t, deleteComment, map[string]any{"c": memberComment}, withToken(f.chair)).code())
	require.Equal(t, "NOT_FOUND", b.gql(t, deleteComment, map[string]any{"c": memberComment}, withToken(outsider)).code())
	res = f.ok(t, b.gql(t, editComment, map[string]any{"c": memberComment, "t": "Proszę dopisać mój głos odrębny w pkt 2."}, withToken(f.member)))
	require.Equal(t, "Proszę dopisać mój głos odrębny w pkt 2.", dig(res.Data, "editBodyMinutesComment", "comment", "text"))
	res = f.ok(t, b.gql(t, deleteComment, map[string]any{"c": guestComment}, withToken(f.guest)))
	require.Equal(t, float64(1), dig(res.Data, "deleteBodyMinutesComment", "minutes", "comments", "totalCount"))

	// The chair approves the version read, once the meeting is over;
	// neither the secretary nor staff may.
	res = b.gql(t, approve, map[string]any{"m": f.meeting, "v": 4}, withToken(f.chair))
	require.Equal(t, "PHASE_CLOSED", res.code())
	require.Equal(t, "Minutes can be approved only once the meeting has ended.", res.Errors[0].Message)
	f.at(150 * time.Minute)
	for _, tok := range []string{f.secretary, f.coord, f.official, f.member} {
		require.Equal(t, "FORBIDDEN", b.gql(t, approve, map[string]any{"m": f.meeting, "v": 4}, withToken(tok)).code())
	}
	require.Equal(t, "CONFLICT", b.gql(t, approve, map[string]any{"m": f.meeting, "v": 3}, withToken(f.chair)).code())
	require.Equal(t, true, dig(f.minutes(t, f.chair), "viewerCan", "approve"))
	res = f.ok(t, b.gql(t, approve, map[string]any{"m": f.meeting, "v": 4}, withToken(f.chair)))
	require.Equal(t, map[string]any{"status": "APPROVED", "approvedByName": "Anna Kowalska",
		"text": map[string]any{"text": strings.TrimSpace(withProbe), "locale": "PL"}}, dig(res.Data, "approveBodyMinutes", "minutes"))
	f.requireNotices(t, "dialogue_minutes_approved", "Протокол затверджено: Posiedzenie czerwcowe")
	var shown bool
	require.NoError(t, b.pool.QueryRow(t.Context(), `select minutes_text_id is not null and minutes_published_at is not null
		from gatherings where id = $1`, rawID(t, f.meeting)).Scan(&shown))
	require.True(t, shown, "the meeting's minutes in the gathering mechanism")

	// Frozen.
	require.Equal(t, "PHASE_CLOSED", b.gql(t, edit, map[string]any{"in": map[string]any{"meetingId": f.meeting, "text": "Zmiana", "baseVersion": 4}}, withToken(f.secretary)).code())
	require.Equal(t, "PHASE_CLOSED", b.gql(t, draft, map[string]any{"in": map[string]any{"meetingId": f.meeting, "replaceEdits": true}}, withToken(f.secretary)).code())
	require.Equal(t, "PHASE_CLOSED", b.gql(t, comment, map[string]any{"m": f.meeting, "t": "Spóźniona uwaga"}, withToken(f.member)).code())
	require.Equal(t, "PHASE_CLOSED", b.gql(t, editComment, map[string]any{"c": memberComment, "t": "Zmiana"}, withToken(f.member)).code())
	require.Equal(t, "PHASE_CLOSED", b.gql(t, deleteComment, map[string]any{"c": memberComment}, withToken(f.member)).code())
	require.Equal(t, "PHASE_CLOSED", b.gql(t, approve, map[string]any{"m": f.meeting, "v": 4}, withToken(f.chair)).code())

	// Published: the public reads the text, not the work on it.
	public := f.minutes(t, "").(map[string]any)
	require.Equal(t, "APPROVED", public["status"])
	require.Nil(t, public["versions"])
	require.Equal(t, map[string]any{"totalCount": float64(0), "edges": []any{}}, public["comments"])
	require.Equal(t, float64(1), dig(f.minutes(t, f.guest), "comments", "totalCount"))
	res = f.ok(t, b.gql(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": memberComment}))
	require.Nil(t, res.Data["node"], "comments are never public")

	// Translations: the secretary's, credited; the original never changes.
	translate := `mutation($m: ID!, $l: Locale!, $t: String!) { addBodyMinutesTranslation(input: {meetingId: $m, locale: $l, text: $t}) {
		minutes { text(locale: UK) { text locale isOriginal } textTranslations { locale isOriginal authorName } } } }`
	uk := "# Протокол засідання\n\nГість: Dawid \\<script\\>alert(1)\\</script\\>\n"
	require.Equal(t, "FORBIDDEN", b.gql(t, translate, map[string]any{"m": f.meeting, "l": "UK", "t": uk}, withToken(f.member)).code())
	require.Equal(t, "CONFLICT", b.gql(t, translate, map[string]any{"m": f.meeting, "l": "PL", "t": "Nowy tekst"}, withToken(f.secretary)).code())
	res = f.ok(t, b.gql(t, translate, map[string]any{"m": f.meeting, "l": "UK", "t": uk}, withToken(f.secretary)))
	require.Equal(t, map[string]any{"text": strings.TrimSpace(uk), "locale": "UK", "isOriginal": false},
		dig(res.Data, "addBodyMinutesTranslation", "minutes", "text"))
	require.Equal(t, []any{map[string]any{"locale": "PL", "isOriginal": true, "authorName": nil},
		map[string]any{"locale": "UK", "isOriginal": false, "authorName": "Maria Nowak"}},
		dig(res.Data, "addBodyMinutesTranslation", "minutes", "textTranslations"))

	// Exports: Markdown as published, HTML a standalone escaped document.
	export := `query($id: ID!, $f: BodyMinutesFormat!, $l: Locale) { bodyMeeting(id: $id) { minutes { export(format: $f, locale: $l) {
		format locale contentType filename content } } } }`
	res = f.ok(t, b.gql(t, export, map[string]any{"id": f.meeting, "f": "MARKDOWN", "l": "PL"}))
	md := dig(res.Data, "bodyMeeting", "minutes", "export").(map[string]any)
	require.Equal(t, "text/markdown; charset=utf-8", md["contentType"])
	require.Equal(t, "minutes-2031-06-10-"+rawID(t, f.meeting)[:8]+"-pl.md", md["filename"])
	require.Equal(t, strings.TrimSpace(withProbe)+"\n\n---\n\n*Protokół zatwierdził(a): Anna Kowalska, 2031-06-10 19:30.*\n", md["content"])
	res = f.ok(t, b.gql(t, export, map[string]any{"id": f.meeting, "f": "HTML", "l": "PL"}))
	doc := dig(res.Data, "bodyMeeting", "minutes", "export", "content").(string)
	require.True(t, strings.HasPrefix(doc, "<!DOCTYPE html>\n<html lang=\"pl\">\n<head>\n<meta charset=\"utf-8\">\n"), doc[:200])
	require.Contains(t, doc, "<title>Protokół: Posiedzenie czerwcowe (2031-06-10)</title>")
	require.Contains(t, doc, "@page { size: A4;")
	require.Contains(t, doc, "<h1>Protokół z posiedzenia ciała dialogu „Rada ds. Cudzoziemców”</h1>")
	require.Contains(t, doc, "<li>Dawid &lt;script&gt;alert(1)&lt;/script&gt; (gość (bez prawa głosu)): osobiście od 16:40</li>")
	require.Contains(t, doc, "<p>Protokół zatwierdził(a): Anna Kowalska, 2031-06-10 19:30.</p>")
	for _, bad := range []string{"<script", "onerror", "javascript:", "<img"} {
		require.NotContains(t, strings.ToLower(doc), bad, "member-entered text cannot run in the reader's browser")
	}
	res = f.ok(t, b.gql(t, export, map[string]any{"id": f.meeting, "f": "HTML", "l": "UK"}))
	ukDoc := dig(res.Data, "bodyMeeting", "minutes", "export").(map[string]any)
	require.Equal(t, "UK", ukDoc["locale"])
	require.Contains(t, ukDoc["content"], "<html lang=\"uk\">")
	require.Contains(t, ukDoc["content"], "<p>Інформаційний переклад; вирішальним є оригінальний текст (PL).</p>")
	require.NotContains(t, ukDoc["content"], "<script")
	res = f.ok(t, b.gql(t, export, map[string]any{"id": f.meeting, "f": "HTML", "l": "RU"}))
	require.Equal(t, "PL", dig(res.Data, "bodyMeeting", "minutes", "export", "locale"), "no Russian version: the original")

	// The same files over HTTP, with the same visibility.
	srv := httptest.NewServer(f.minutesHandler())
	t.Cleanup(srv.Close)
	get := func(path, token string) (int, string, string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
	}
	status, ctype, body := get("/minutes/"+f.meeting+"?format=html&locale=pl", "")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "text/html; charset=utf-8", ctype)
	require.Equal(t, doc, body)
	status, _, body = get("/minutes/"+f.meeting+"?format=pdf", "")
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body, `"field":"format"`)

	// A non-public body's minutes are for who sees the body.
	f.ok(t, b.gql(t, `mutation($b: ID!) { updateBody(input: {id: $b, public: false}) { body { id } } }`, map[string]any{"b": f.body}, withToken(f.coord)))
	require.Nil(t, f.minutes(t, f.b.signUp(t, "sasiad@example.org")))
	require.Equal(t, "APPROVED", dig(f.minutes(t, f.guest), "status"))
	status, _, _ = get("/minutes/"+f.meeting+"?format=markdown", "")
	require.Equal(t, http.StatusNotFound, status)
	status, _, _ = get("/minutes/"+f.meeting+"?format=markdown", f.guest)
	require.Equal(t, http.StatusOK, status)
	res = f.ok(t, b.gql(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": dig(f.minutes(t, f.guest), "id")}))
	require.Nil(t, res.Data["node"], "not for the public")
}

// requireNotices waits for the notices of kind to everyone on the roll and
// checks the Ukrainian-speaking member's e-mail subject.
func (f *minutesFixture) requireNotices(t *testing.T, kind, memberSubject string) {
	t.Helper()
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, f.b.pool.QueryRow(t.Context(), `select count(*) from notifications where kind = $1`, kind).Scan(&n))
		return n == 6
	}, 10*time.Second, 50*time.Millisecond, "everyone on the roll: the chair, the secretary, two members, the delegate, the guest")
	require.Eventually(t, func() bool {
		var subject string
		err := f.b.pool.QueryRow(t.Context(), `select o.subject from email_outbox o join accounts a on a.id = o.account_id
			where a.email = 'mieszkaniec1@example.org' and o.subject = $1`, memberSubject).Scan(&subject)
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "in the member's language")
}

// minutesHandler serves GET /minutes/{meetingId} as otwarty serve does.
func (f *minutesFixture) minutesHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /minutes/{meetingId}", f.b.resolver.MinutesExportHandler())
	return mux
}

// TestBodyMinutes_GDPRExportAndErasure: a member's comments are in their
// data export; erasing the account deletes comments on drafts and
// anonymises those on approved minutes.
func TestBodyMinutes_GDPRExportAndErasure(t *testing.T) {
	t.Parallel()
	f := newMinutesFixture(t)
	b := f.b
	f.at(time.Hour)
	f.ok(t, b.gql(t, `mutation($m: ID!) { draftBodyMinutes(input: {meetingId: $m}) { minutes { id } } }`, map[string]any{"m": f.meeting}, withToken(f.secretary)))
	f.ok(t, b.gql(t, `mutation($m: ID!) { openBodyMinutesForComments(input: {meetingId: $m}) { minutes { id } } }`, map[string]any{"m": f.meeting}, withToken(f.secretary)))
	for i, text := range []string{"Pierwsza uwaga.", "Druga uwaga."} {
		f.at(time.Hour + time.Duration(i)*time.Minute)
		f.ok(t, b.gql(t, `mutation($m: ID!, $t: String!) { commentOnBodyMinutes(input: {meetingId: $m, text: $t}) { comment { id } } }`,
			map[string]any{"m": f.meeting, "t": text}, withToken(f.member)))
	}
	res := f.ok(t, b.gql(t, `{ me { dataExport } }`, nil, withToken(f.member)))
	var export map[string]any
	require.NoError(t, json.Unmarshal([]byte(dig(res.Data, "me", "dataExport").(string)), &export))
	comments := dig(export, "domains", "dialogueMinutes", "comments").([]any)
	require.Len(t, comments, 2)
	require.Equal(t, "Pierwsza uwaga.", dig(comments[0], "text"))
	require.Equal(t, float64(1), dig(comments[0], "version"))

	// These are on approved minutes by the time the account goes; a
	// comment on a later meeting's draft is deleted with it.
	f.at(3 * time.Hour)
	f.ok(t, b.gql(t, `mutation($m: ID!) { approveBodyMinutes(input: {meetingId: $m, version: 1}) { minutes { id } } }`, map[string]any{"m": f.meeting}, withToken(f.chair)))
	res = f.ok(t, b.gql(t, `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "meeting": map[string]any{
			"title": map[string]any{"locale": "PL", "text": "Posiedzenie lipcowe"}, "startsAt": f.start.Add(4 * time.Hour).Format(time.RFC3339),
			"endsAt": f.start.Add(5 * time.Hour).Format(time.RFC3339), "place": "Urząd Miasta Krakowa", "languages": []any{"PL"}}}}, withToken(f.coord)))
	second := dig(res.Data, "scheduleBodyMeeting", "meeting", "id").(string)
	f.at(4*time.Hour + 10*time.Minute)
	f.ok(t, b.gql(t, `mutation($m: ID!) { draftBodyMinutes(input: {meetingId: $m}) { minutes { id } } }`, map[string]any{"m": second}, withToken(f.secretary)))
	f.ok(t, b.gql(t, `mutation($m: ID!) { openBodyMinutesForComments(input: {meetingId: $m}) { minutes { id } } }`, map[string]any{"m": second}, withToken(f.secretary)))
	f.ok(t, b.gql(t, `mutation($m: ID!) { commentOnBodyMinutes(input: {meetingId: $m, text: "Trzecia uwaga."}) { comment { id } } }`,
		map[string]any{"m": second}, withToken(f.member)))
	f.ok(t, b.gql(t, `mutation { deleteAccount(input: {password: "correct horse battery"}) { deletedAccountId } }`, nil, withToken(f.member)))
	var n, anonymous int
	require.NoError(t, b.pool.QueryRow(context.Background(), `select count(*), count(*) filter (where author_id is null)
		from dialogue_minutes_comments`).Scan(&n, &anonymous))
	require.Equal(t, 2, n, "the comment on the draft is gone")
	require.Equal(t, 2, anonymous, "comments on approved minutes stay without their author")
	edges := dig(f.minutes(t, f.chair), "comments", "edges").([]any)
	require.Nil(t, dig(edges[0], "node", "authorName"))
}

// TestBodyMinutesViewerCan_AgreesWithTheMutations: for each kind of caller
// and state, what viewerCan promises succeeds and what it does not is
// refused (opening is idempotent, so only its promise is checked).
func TestBodyMinutesViewerCan_AgreesWithTheMutations(t *testing.T) {
	t.Parallel()
	f := newMinutesFixture(t)
	b := f.b
	resident := b.signUp(t, "mieszkanka-protokol@example.org")
	b.confirm(t, "mieszkanka-protokol@example.org")
	f.at(150 * time.Minute)
	f.ok(t, b.gql(t, `mutation($m: ID!) { draftBodyMinutes(input: {meetingId: $m}) { minutes { id } } }`, map[string]any{"m": f.meeting}, withToken(f.secretary)))
	callers := map[string]string{"chair": f.chair, "secretary": f.secretary, "member": f.member, "guest": f.guest,
		"resident": resident, "official": f.official, "coordinator": f.coord}
	can := func(token string) map[string]any {
		t.Helper()
		m := f.minutes(t, token)
		if m == nil {
			return map[string]any{"edit": false, "open": false, "comment": false, "approve": false, "translate": false}
		}
		return m.(map[string]any)["viewerCan"].(map[string]any)
	}
	version := func() int {
		var v int
		require.NoError(t, b.pool.QueryRow(t.Context(), `select version from dialogue_minutes where meeting_id = $1`, rawID(t, f.meeting)).Scan(&v))
		return v
	}
	try := func(action, token, who string) bool {
		t.Helper()
		var res gqlResponse
		switch action {
		case "edit":
			res = b.gql(t, `mutation($m: ID!, $t: String!, $v: Int!) { editBodyMinutes(input: {meetingId: $m, text: $t, baseVersion: $v}) { minutes { id } } }`,
				map[string]any{"m": f.meeting, "t": "Tekst od " + who, "v": version()}, withToken(token))
		case "comment":
			res = b.gql(t, `mutation($m: ID!) { commentOnBodyMinutes(input: {meetingId: $m, text: "Uwaga"}) { comment { id } } }`,
				map[string]any{"m": f.meeting}, withToken(token))
		case "approve":
			res = b.gql(t, `mutation($m: ID!, $v: Int!) { approveBodyMinutes(input: {meetingId: $m, version: $v}) { minutes { id } } }`,
				map[string]any{"m": f.meeting, "v": version()}, withToken(token))
		case "translate":
			res = b.gql(t, `mutation($m: ID!, $t: String!) { addBodyMinutesTranslation(input: {meetingId: $m, locale: EN, text: $t}) { minutes { id } } }`,
				map[string]any{"m": f.meeting, "t": "Minutes by " + who}, withToken(token))
		}
		return len(res.Errors) == 0
	}
	agree := func(state string, actions ...string) {
		t.Helper()
		for _, who := range []string{"resident", "guest", "member", "official", "coordinator", "secretary", "chair"} {
			promised := can(callers[who])
			for _, action := range actions {
				require.Equal(t, promised[action], try(action, callers[who], who), "%s, %s: viewerCan.%s", state, who, action)
			}
		}
	}
	require.Equal(t, map[string]any{"edit": true, "open": true, "comment": false, "approve": false, "translate": false}, can(f.chair))
	agree("draft", "edit", "comment", "approve", "translate")
	f.ok(t, b.gql(t, `mutation($m: ID!) { openBodyMinutesForComments(input: {meetingId: $m}) { minutes { id } } }`, map[string]any{"m": f.meeting}, withToken(f.secretary)))
	require.Equal(t, map[string]any{"edit": true, "open": false, "comment": true, "approve": true, "translate": false}, can(f.chair))
	agree("open", "edit", "comment", "translate", "approve") // the chair approves last
	require.Equal(t, "APPROVED", dig(f.minutes(t, ""), "status"))
	agree("approved", "edit", "comment", "approve", "translate")
}
