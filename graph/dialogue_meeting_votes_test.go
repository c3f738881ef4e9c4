package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// meetingVotesFixture is a public council with the Polish default rules:
// a chair and a member in person, an NGO represented by two delegates, a
// guest and an observer, and a meeting scheduled to start in 20 minutes
// with one agenda item. inProgress moves the service's clock into it.
type meetingVotesFixture struct {
	*dialogueFixture
	chair, alice, guest, observer string
	delegate, substitute          string
	meeting, item                 string
}

func newMeetingVotesFixture(t *testing.T, public bool) *meetingVotesFixture {
	t.Helper()
	f := &meetingVotesFixture{dialogueFixture: &dialogueFixture{consultationFixture: newConsultationFixture(t)}}
	b := f.b
	res := b.gql(t, `mutation($u: ID!, $p: Boolean!) { createBody(input: {unitId: $u, kind: DIALOGUE_COMMISSION, public: $p,
		name: {locale: PL, text: "Komisja Dialogu Obywatelskiego"}}) { body { id } } }`,
		map[string]any{"u": f.unitID, "p": public}, withToken(f.coord))
	require.Empty(t, res.Errors)
	f.body = dig(res.Data, "createBody", "body", "id").(string)
	for _, p := range []struct {
		tok   *string
		email string
		role  string
	}{{&f.chair, "przewodniczaca-obrad@example.org", "CHAIR"}, {&f.alice, "alicja-obrady@example.org", "MEMBER"},
		{&f.guest, "gosc-obrad@example.org", "GUEST"}, {&f.observer, "obserwator-obrad@example.org", "OBSERVER"}} {
		*p.tok = b.signUp(t, p.email)
		b.confirm(t, p.email)
		days := 365
		if p.role == "GUEST" || p.role == "OBSERVER" {
			days = 0
		}
		f.appoint(t, f.body, *p.tok, p.role, days)
	}
	f.delegate, f.substitute = f.moderator, b.signUp(t, "zastepczyni-obrady@example.org")
	b.confirm(t, "zastepczyni-obrady@example.org")
	f.addToNGO(t, f.substitute, "MEMBER")
	res = b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "organisationId": f.ngoID, "role": "MEMBER",
			"termEnd": time.Now().AddDate(1, 0, 0).Format(time.RFC3339), "delegates": []any{
				map[string]any{"accountId": b.accountID(t, f.delegate)},
				map[string]any{"accountId": b.accountID(t, f.substitute), "substitute": true}}}},
		withToken(f.coord))
	require.Empty(t, res.Errors)
	f.meeting = f.schedule(t)
	res = b.gql(t, `mutation($m: ID!) { addAgendaItem(input: {meetingId: $m, item: {title: {locale: PL, text: "Opinia o programie"},
		description: {locale: PL, text: "Projekt opinii komisji"}}}) { item { id } } }`, map[string]any{"m": f.meeting}, withToken(f.coord))
	require.Empty(t, res.Errors)
	f.item = dig(res.Data, "addAgendaItem", "item", "id").(string)
	return f
}

// schedule schedules a meeting of the body starting in 20 minutes.
func (f *meetingVotesFixture) schedule(t *testing.T) string {
	t.Helper()
	start := time.Now().Add(20 * time.Minute).UTC().Truncate(time.Second)
	res := f.b.gql(t, `mutation($in: ScheduleBodyMeetingInput!) { scheduleBodyMeeting(input: $in) { meeting { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "meeting": map[string]any{
			"title": map[string]any{"locale": "PL", "text": "Posiedzenie komisji"}, "startsAt": start.Format(time.RFC3339),
			"endsAt": start.Add(2 * time.Hour).Format(time.RFC3339), "place": "Urząd Miasta Krakowa", "languages": []any{"PL", "UK"}}}},
		withToken(f.coord))
	require.Empty(t, res.Errors)
	return dig(res.Data, "scheduleBodyMeeting", "meeting", "id").(string)
}

// inProgress moves the dialogue service's clock half an hour ahead: the
// meetings scheduled by schedule have started.
func (f *meetingVotesFixture) inProgress() {
	f.b.dialogue.SetClock(func() time.Time { return time.Now().Add(30 * time.Minute) })
}

// present records the accounts of tokens present at meeting (staff).
func (f *meetingVotesFixture) present(t *testing.T, meeting, mode string, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		res := f.b.gql(t, `mutation($m: ID!, $a: ID!, $mode: AttendanceMode!) { recordBodyMeetingAttendance(input: {meetingId: $m,
			accountId: $a, mode: $mode}) { meeting { id } } }`, map[string]any{"m": meeting, "a": f.b.accountID(t, tok), "mode": mode},
			withToken(f.coord))
		require.Empty(t, res.Errors)
	}
}

func (f *meetingVotesFixture) table(t *testing.T, title string) string {
	t.Helper()
	res := f.b.gql(t, `mutation($b: ID!, $t: String!) { tableMotion(input: {bodyId: $b, kind: RESOLUTION,
		title: {locale: PL, text: $t}, text: {locale: PL, text: "Treść uchwały"}}) { motion { id } } }`,
		map[string]any{"b": f.body, "t": title}, withToken(f.alice))
	require.Empty(t, res.Errors)
	return dig(res.Data, "tableMotion", "motion", "id").(string)
}

const openInMeeting = `mutation($m: ID!, $g: ID!, $i: ID, $s: Boolean!) { openMotionVote(input: {motionId: $m,
	meeting: {meetingId: $g, agendaItemId: $i, secret: $s}}) { motion { status } } }`

const castVote = `mutation($m: ID!, $c: VoteChoice!, $as: BodyVoterInput) { castMotionVote(input: {motionId: $m, choice: $c, as: $as}) {
	voter { person { accountId } organisation { id } } changed } }`

const closeVote = `mutation($m: ID!) { closeMotionVote(input: {motionId: $m}) { motion { status } } }`

// TestMeetingVotes_LifeThroughTheAPI: at the start of a meeting the chair
// puts the agenda to a vote and the body adopts it; a motion is voted by
// roll call under an agenda item among those present (the NGO once,
// whichever delegate, even when both press at once); a secret vote shows
// only totals; the meeting lists its votes; the result and roll call are
// published with the motion.
func TestMeetingVotes_LifeThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newMeetingVotesFixture(t, true)
	b := f.b
	motion := f.table(t, "Uchwała w sprawie opinii")

	// Before the meeting starts nothing is voted in it.
	res := b.gql(t, openInMeeting, map[string]any{"m": motion, "g": f.meeting, "s": false}, withToken(f.chair))
	require.Equal(t, "PHASE_CLOSED", res.code())
	res = b.gql(t, `mutation($g: ID!) { putAgendaToVote(input: {meetingId: $g}) { motion { id } } }`,
		map[string]any{"g": f.meeting}, withToken(f.chair))
	require.Equal(t, "PHASE_CLOSED", res.code())
	f.present(t, f.meeting, "IN_PERSON", f.chair, f.alice, f.delegate, f.substitute, f.guest, f.observer)
	f.inProgress()

	// The agenda, by a roll call: titled in the reader's language.
	res = b.gql(t, `mutation($g: ID!) { putAgendaToVote(input: {meetingId: $g}) { motion { id status kind adoptsAgendaOf { id }
		title(locale: UK) { text locale } text(locale: EN) { text } vote { format secret meeting { id } } }
		meeting { agenda { status } } } }`, map[string]any{"g": f.meeting}, withToken(f.chair))
	require.Empty(t, res.Errors)
	agendaMotion := dig(res.Data, "putAgendaToVote", "motion").(map[string]any)
	require.Equal(t, "VOTING", agendaMotion["status"])
	require.Equal(t, "PROCEDURAL", agendaMotion["kind"])
	require.Equal(t, f.meeting, dig(agendaMotion, "adoptsAgendaOf", "id"))
	require.Equal(t, map[string]any{"text": "Затвердження порядку денного", "locale": "UK"}, agendaMotion["title"])
	require.Equal(t, "The following agenda of the meeting “Posiedzenie komisji” is adopted:\n1. Opinia o programie",
		dig(agendaMotion, "text", "text"))
	require.Equal(t, map[string]any{"format": "MEETING", "secret": false, "meeting": map[string]any{"id": f.meeting}}, agendaMotion["vote"])
	require.Equal(t, "DRAFT", dig(res.Data, "putAgendaToVote", "meeting", "agenda", "status"))
	agendaID := agendaMotion["id"].(string)
	for _, tok := range []string{f.chair, f.alice, f.delegate} {
		require.Empty(t, b.gql(t, castVote, map[string]any{"m": agendaID, "c": "YES"}, withToken(tok)).Errors)
	}
	require.Equal(t, "ADOPTED", dig(b.gql(t, closeVote, map[string]any{"m": agendaID}, withToken(f.chair)).Data,
		"closeMotionVote", "motion", "status"))
	res = b.gql(t, `query($g: ID!) { bodyMeeting(id: $g) { agenda { status adoptedAt } } }`, map[string]any{"g": f.meeting})
	require.Empty(t, res.Errors)
	require.Equal(t, "ADOPTED", dig(res.Data, "bodyMeeting", "agenda", "status"))

	// Exactly one form of vote.
	res = b.gql(t, `mutation($m: ID!) { openMotionVote(input: {motionId: $m}) { motion { id } } }`, map[string]any{"m": motion},
		withToken(f.chair))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "written", res.Errors[0].Extensions["field"])
	res = b.gql(t, openInMeeting, map[string]any{"m": motion, "g": f.meeting, "i": f.meeting, "s": false}, withToken(f.chair))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "agendaItemId", res.Errors[0].Extensions["field"])

	// The motion, by a roll call under the agenda item.
	res = b.gql(t, openInMeeting, map[string]any{"m": motion, "g": f.meeting, "i": f.item, "s": false}, withToken(f.chair))
	require.Empty(t, res.Errors)
	require.Equal(t, "FORBIDDEN", b.gql(t, castVote, map[string]any{"m": motion, "c": "YES"}, withToken(f.guest)).code())
	require.Equal(t, "FORBIDDEN", b.gql(t, castVote, map[string]any{"m": motion, "c": "YES"}, withToken(f.observer)).code())
	both := []string{f.delegate, f.substitute}
	choices := []string{"YES", "NO"}
	results, _ := pgtest.AtOnce(10, func(i int) (gqlResponse, error) {
		return b.gql(t, castVote, map[string]any{"m": motion, "c": choices[i%2]}, withToken(both[i%2])), nil
	})
	ok := map[string]int{}
	for i, r := range results {
		if len(r.Errors) == 0 {
			ok[choices[i%2]]++
			require.Equal(t, f.ngoID, dig(r.Data, "castMotionVote", "voter", "organisation", "id"))
		} else {
			require.Equal(t, "CONFLICT", r.code())
		}
	}
	require.Len(t, ok, 1, "the NGO votes once, whichever delegate")
	ngoChoice := "NO"
	if ok["YES"] > 0 {
		ngoChoice = "YES"
	}
	require.Empty(t, b.gql(t, castVote, map[string]any{"m": motion, "c": "YES"}, withToken(f.alice)).Errors)
	require.Empty(t, b.gql(t, castVote, map[string]any{"m": motion, "c": "ABSTAIN"}, withToken(f.chair)).Errors)
	view := `query($m: ID!) { motion(id: $m) { status vote { format secret deadline meeting { id } agendaItem { id } voters
		totals { yes no abstain } rollCall { choice } result { outcome members present quorum } } viewerCan { castVote closeVote } } }`
	res = b.gql(t, view, map[string]any{"m": motion}, withToken(f.alice))
	require.Empty(t, res.Errors)
	vote := dig(res.Data, "motion", "vote").(map[string]any)
	require.Equal(t, f.item, dig(vote, "agendaItem", "id"))
	require.Equal(t, float64(3), vote["voters"])
	require.NotNil(t, vote["deadline"], "the meeting's end")
	require.Nil(t, vote["rollCall"])
	require.Equal(t, map[string]any{"castVote": false, "closeVote": false}, dig(res.Data, "motion", "viewerCan"))
	res = b.gql(t, closeVote, map[string]any{"m": motion}, withToken(f.chair))
	require.Empty(t, res.Errors)
	res = b.gql(t, view, map[string]any{"m": motion})
	require.Empty(t, res.Errors)
	vote = dig(res.Data, "motion", "vote").(map[string]any)
	require.Equal(t, map[string]any{"outcome": dig(res.Data, "motion", "status"), "members": float64(3), "present": float64(3),
		"quorum": float64(2)}, vote["result"])
	require.Len(t, vote["rollCall"], 3)
	if ngoChoice == "YES" {
		require.Equal(t, "ADOPTED", dig(res.Data, "motion", "status"))
	} else {
		require.Equal(t, "REJECTED", dig(res.Data, "motion", "status"), "a tie; the chair abstained")
	}
	require.Equal(t, "PHASE_CLOSED", b.gql(t, closeVote, map[string]any{"m": motion}, withToken(f.chair)).code(), "no reopening")

	// A secret vote: how many voted while open, then totals, never a roll call.
	secret := f.table(t, "Sprawa osobowa")
	require.Empty(t, b.gql(t, openInMeeting, map[string]any{"m": secret, "g": f.meeting, "s": true}, withToken(f.coord)).Errors)
	for _, tok := range []string{f.chair, f.alice} {
		require.Empty(t, b.gql(t, castVote, map[string]any{"m": secret, "c": "NO"}, withToken(tok)).Errors)
	}
	res = b.gql(t, view, map[string]any{"m": secret})
	require.Empty(t, res.Errors)
	vote = dig(res.Data, "motion", "vote").(map[string]any)
	require.Equal(t, true, vote["secret"])
	require.Equal(t, float64(2), vote["voters"])
	require.Equal(t, map[string]any{"yes": float64(0), "no": float64(0), "abstain": float64(0)}, vote["totals"])
	require.Empty(t, b.gql(t, closeVote, map[string]any{"m": secret}, withToken(f.chair)).Errors)
	res = b.gql(t, view, map[string]any{"m": secret})
	require.Empty(t, res.Errors)
	vote = dig(res.Data, "motion", "vote").(map[string]any)
	require.Equal(t, "REJECTED", dig(res.Data, "motion", "status"))
	require.Equal(t, map[string]any{"yes": float64(0), "no": float64(2), "abstain": float64(0)}, vote["totals"])
	require.Nil(t, vote["rollCall"])

	// The meeting lists what it voted, in order.
	res = b.gql(t, `query($g: ID!) { bodyMeeting(id: $g) { votedMotions { id } } }`, map[string]any{"g": f.meeting})
	require.Empty(t, res.Errors)
	require.Equal(t, []any{map[string]any{"id": agendaID}, map[string]any{"id": motion}, map[string]any{"id": secret}},
		dig(res.Data, "bodyMeeting", "votedMotions"))
}

// TestMeetingVotes_NonPublicBodyIsNotThere: outsiders get NOT_FOUND for a
// non-public body's meeting votes; members see them.
func TestMeetingVotes_NonPublicBodyIsNotThere(t *testing.T) {
	t.Parallel()
	f := newMeetingVotesFixture(t, false)
	b := f.b
	motion := f.table(t, "Uchwała niejawnego ciała")
	f.present(t, f.meeting, "IN_PERSON", f.chair, f.alice)
	f.inProgress()
	outsider := b.signUp(t, "obcy-obrady@example.org")
	b.confirm(t, "obcy-obrady@example.org")
	require.Equal(t, "NOT_FOUND", b.gql(t, `mutation($g: ID!) { putAgendaToVote(input: {meetingId: $g}) { motion { id } } }`,
		map[string]any{"g": f.meeting}, withToken(outsider)).code())
	require.Equal(t, "NOT_FOUND", b.gql(t, openInMeeting, map[string]any{"m": motion, "g": f.meeting, "s": false},
		withToken(outsider)).code())
	require.Empty(t, b.gql(t, openInMeeting, map[string]any{"m": motion, "g": f.meeting, "s": false}, withToken(f.chair)).Errors)
	require.Equal(t, "NOT_FOUND", b.gql(t, castVote, map[string]any{"m": motion, "c": "YES"}, withToken(outsider)).code())
	res := b.gql(t, `query($g: ID!) { bodyMeeting(id: $g) { votedMotions { id } } }`, map[string]any{"g": f.meeting}, withToken(outsider))
	require.Empty(t, res.Errors)
	require.Nil(t, res.Data["bodyMeeting"])
	res = b.gql(t, `query($g: ID!) { bodyMeeting(id: $g) { votedMotions { id } } }`, map[string]any{"g": f.meeting}, withToken(f.alice))
	require.Empty(t, res.Errors)
	require.Equal(t, []any{map[string]any{"id": motion}}, dig(res.Data, "bodyMeeting", "votedMotions"))
}
