package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const opinionRequestFields = `id status dueAt late requestedAt withdrawnAt answeredAt note { text locale }
	requestedBy { accountId displayName } consultation { id } body { id }
	opinion { title { text } requested votes { members present voters yes no abstain } }
	viewerCan { withdraw }`

const bodyOpinionFields = `bodyName { text } body { id } motion { id } title { text } text { text locale } adoptedAt
	requested dueAt request { id } votes { members present voters yes no abstain }`

// opinionFixture is an open consultation of the unit and bodies with a
// chair and a member who vote.
type opinionFixture struct {
	*dialogueFixture
	consultation string
}

func newOpinionFixture(t *testing.T) *opinionFixture {
	t.Helper()
	f := &opinionFixture{dialogueFixture: &dialogueFixture{consultationFixture: newConsultationFixture(t)}}
	f.consultation = f.openConsultation(t)
	return f
}

// request asks body for its opinion as token (dueIn 0: no due date).
func (f *opinionFixture) request(t *testing.T, token, body string, dueIn time.Duration) gqlResponse {
	t.Helper()
	in := map[string]any{"consultationId": f.consultation, "bodyId": body,
		"note": map[string]any{"locale": "PL", "text": "Prosimy o opinię o celach programu."}}
	if dueIn != 0 {
		in["dueAt"] = time.Now().Add(dueIn).Format(time.RFC3339)
	}
	return f.b.gql(t, `mutation($in: RequestBodyOpinionInput!) { requestBodyOpinion(input: $in) { request { `+opinionRequestFields+` } } }`,
		map[string]any{"in": in}, withToken(token))
}

// adopt tables an opinion on the consultation as tabler and has it adopted
// by a written vote of the voters (the first one manages the vote).
func (f *opinionFixture) adopt(t *testing.T, body, title, text string, chair string, voters ...string) string {
	t.Helper()
	b := f.b
	res := b.gql(t, `mutation($in: TableMotionInput!) { tableMotion(input: $in) { motion { id } } }`, map[string]any{"in": map[string]any{
		"bodyId": body, "kind": "OPINION", "consultationId": f.consultation,
		"title": map[string]any{"locale": "PL", "text": title}, "text": map[string]any{"locale": "PL", "text": text}}}, withToken(chair))
	require.Empty(t, res.Errors)
	motion := dig(res.Data, "tableMotion", "motion", "id").(string)
	require.Empty(t, b.gql(t, `mutation($m: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $m, written: {deadline: $d}}) { motion { id } } }`,
		map[string]any{"m": motion, "d": time.Now().Add(time.Hour).Format(time.RFC3339)}, withToken(chair)).Errors)
	for _, v := range append([]string{chair}, voters...) {
		require.Empty(t, b.gql(t, `mutation($m: ID!) { castMotionVote(input: {motionId: $m, choice: YES}) { changed } }`,
			map[string]any{"m": motion}, withToken(v)).Errors)
	}
	res = b.gql(t, `mutation($m: ID!) { closeMotionVote(input: {motionId: $m}) { motion { status } } }`, map[string]any{"m": motion}, withToken(chair))
	require.Empty(t, res.Errors)
	require.Equal(t, "ADOPTED", dig(res.Data, "closeMotionVote", "motion", "status"))
	return motion
}

func (f *opinionFixture) setLocale(t *testing.T, token, locale string) {
	t.Helper()
	_, err := f.b.pool.Exec(t.Context(), `update accounts set locale = $2 where id = $1`, rawID(t, f.b.accountID(t, token)), locale)
	require.NoError(t, err)
}

// outbox waits for n e-mails of kind and returns each recipient's locale
// and subject, by account id.
func (f *opinionFixture) outbox(t *testing.T, kind string, n int) map[string][2]string {
	t.Helper()
	var out map[string][2]string
	require.Eventually(t, func() bool {
		rows, err := f.b.pool.Query(t.Context(), `select account_id, locale, subject from email_outbox where kind = $1`, kind)
		require.NoError(t, err)
		defer rows.Close()
		out = map[string][2]string{}
		for rows.Next() {
			var id, locale, subject string
			require.NoError(t, rows.Scan(&id, &locale, &subject))
			out[id] = [2]string{locale, subject}
		}
		return len(out) >= n
	}, 10*time.Second, 20*time.Millisecond)
	return out
}

// TestBodyOpinion_LifeThroughTheAPI: the consultation's official asks a
// non-public body for its opinion; its voting members are told in their
// language; the body adopts an opinion, which answers the request, tells
// the officials, and is public record on the consultation and in its
// report (name, text, date, totals; never the roll call), while the
// request stays with who sees the body. A public body's opinion given
// unasked counts too; a request withdrawn, and one left open at the close,
// lapse; nothing counts after the close.
func TestBodyOpinion_LifeThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newOpinionFixture(t)
	b := f.b
	council, commission := f.createBody(t, false), f.createBody(t, true)
	chair, member, guest := b.signUp(t, "przewodniczacy@example.org"), b.signUp(t, "czlonkini@example.org"), b.signUp(t, "gosc@example.org")
	for _, e := range []string{"przewodniczacy@example.org", "czlonkini@example.org", "gosc@example.org"} {
		b.confirm(t, e)
	}
	f.setLocale(t, chair, "uk")
	f.setLocale(t, member, "pl")
	f.appoint(t, council, chair, "CHAIR", 365)
	f.appoint(t, council, member, "MEMBER", 365)
	f.appoint(t, council, guest, "GUEST", 0)
	f.appoint(t, commission, chair, "CHAIR", 365)
	f.appoint(t, commission, member, "MEMBER", 365)

	// Bad input is refused on its field; nothing is written.
	require.Equal(t, "INVALID_INPUT", f.request(t, f.official, council, -time.Hour).code())
	res := f.request(t, f.official, council, 60*24*time.Hour)
	require.Equal(t, "INVALID_INPUT", res.code(), "after the consultation's close")
	require.Equal(t, "dueAt", res.Errors[0].Extensions["field"])
	draft, _, _ := f.draft(t, 10, 30, []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING"})
	res = b.gql(t, `mutation($c: ID!, $b: ID!) { requestBodyOpinion(input: {consultationId: $c, bodyId: $b}) { request { id } } }`,
		map[string]any{"c": draft, "b": council}, withToken(f.official))
	require.Equal(t, "PHASE_CLOSED", res.code(), "a draft takes no opinions")

	res = f.request(t, f.official, council, 20*24*time.Hour)
	require.Empty(t, res.Errors)
	req := dig(res.Data, "requestBodyOpinion", "request").(map[string]any)
	requestID := req["id"].(string)
	require.Equal(t, "OPEN", req["status"])
	require.Equal(t, map[string]any{"text": "Prosimy o opinię o celach programu.", "locale": "PL"}, req["note"])
	require.Equal(t, b.accountID(t, f.official), dig(req, "requestedBy", "accountId"))
	require.Equal(t, map[string]any{"withdraw": true}, req["viewerCan"])
	require.Equal(t, "CONFLICT", f.request(t, f.coord, council, 0).code(), "one open request per body")

	// The voting members are told in their language; the guest is not.
	sent := f.outbox(t, "dialogue_opinion_requested", 2)
	require.Equal(t, map[string][2]string{
		rawID(t, b.accountID(t, chair)):  {"uk", "Прохання про висновок: Program Otwarty Kraków 2026"},
		rawID(t, b.accountID(t, member)): {"pl", "Prośba o opinię: Program Otwarty Kraków 2026"},
	}, sent)

	// The request is seen where the body is seen.
	q := `query($c: ID!, $b: ID!, $r: ID!) { consultation(id: $c) { bodyOpinionRequests { totalCount edges { node { id } } }
		viewerCanRequestBodyOpinion } body(id: $b) { opinionRequests { totalCount edges { node { id status } } } } node(id: $r) { id } }`
	vars := map[string]any{"c": f.consultation, "b": council, "r": requestID}
	for _, tok := range []string{member, guest, f.official, f.coord} {
		res := b.gql(t, q, vars, withToken(tok))
		require.Empty(t, res.Errors)
		require.Equal(t, float64(1), dig(res.Data, "consultation", "bodyOpinionRequests", "totalCount"))
		require.Equal(t, float64(1), dig(res.Data, "body", "opinionRequests", "totalCount"))
		require.Equal(t, requestID, dig(res.Data, "node", "id"))
	}
	for _, tok := range []string{"", f.bob} {
		var opts []reqOpt
		if tok != "" {
			opts = append(opts, withToken(tok))
		}
		res := b.gql(t, q, vars, opts...)
		require.Empty(t, res.Errors)
		require.Equal(t, map[string]any{"totalCount": float64(0), "edges": []any{}}, dig(res.Data, "consultation", "bodyOpinionRequests"))
		require.Equal(t, false, dig(res.Data, "consultation", "viewerCanRequestBodyOpinion"))
		require.Nil(t, res.Data["body"])
		require.Nil(t, res.Data["node"])
	}
	require.Equal(t, true, dig(b.gql(t, q, vars, withToken(f.official)).Data, "consultation", "viewerCanRequestBodyOpinion"))

	// The council adopts its opinion: it answers the request.
	opinion := f.adopt(t, council, "Opinia Rady", "Rada popiera cele programu.", chair, member)
	res = b.gql(t, `query($r: ID!) { node(id: $r) { ... on BodyOpinionRequest { `+opinionRequestFields+` } } }`,
		map[string]any{"r": requestID}, withToken(member))
	require.Empty(t, res.Errors)
	req = res.Data["node"].(map[string]any)
	require.Equal(t, "ANSWERED", req["status"])
	require.NotNil(t, req["answeredAt"])
	require.Equal(t, false, req["late"])
	require.Equal(t, map[string]any{"title": map[string]any{"text": "Opinia Rady"}, "requested": true,
		"votes": map[string]any{"members": float64(2), "present": float64(2), "voters": float64(2), "yes": float64(2), "no": float64(0),
			"abstain": float64(0)}}, req["opinion"])
	require.Equal(t, map[string]any{"withdraw": false}, req["viewerCan"])
	given := f.outbox(t, "dialogue_opinion_given", 1)
	require.Equal(t, map[string][2]string{
		rawID(t, b.accountID(t, f.official)): {"en", "A dialogue body's opinion on: Program Otwarty Kraków 2026"},
	}, given, "the unit's official, who also asked")

	// The commission is asked and the request withdrawn (its voting
	// members are told); asked again, it leaves that request open.
	res = f.request(t, f.coord, commission, 0)
	require.Empty(t, res.Errors)
	withdrawn := dig(res.Data, "requestBodyOpinion", "request", "id").(string)
	withdraw := `mutation($r: ID!) { withdrawBodyOpinionRequest(input: {requestId: $r}) { request { status withdrawnAt viewerCan { withdraw } } } }`
	res = b.gql(t, withdraw, map[string]any{"r": withdrawn}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, "WITHDRAWN", dig(res.Data, "withdrawBodyOpinionRequest", "request", "status"))
	require.Equal(t, false, dig(res.Data, "withdrawBodyOpinionRequest", "request", "viewerCan", "withdraw"))
	require.Equal(t, "PHASE_CLOSED", b.gql(t, withdraw, map[string]any{"r": withdrawn}, withToken(f.official)).code())
	require.Len(t, f.outbox(t, "dialogue_opinion_request_withdrawn", 2), 2, "the commission's voting members are told")
	res = f.request(t, f.official, commission, 0)
	require.Empty(t, res.Errors, "asked again once withdrawn")
	lapsing := dig(res.Data, "requestBodyOpinion", "request", "id").(string)

	// A third, public body gives its opinion unasked.
	team := f.createBody(t, true)
	f.appoint(t, team, chair, "CHAIR", 365)
	f.adopt(t, team, "Opinia zespołu", "Zespół proponuje zmiany.", chair)

	// The consultation shows both opinions to everyone: the council's name
	// and words are public record, its body and motion are not.
	res = b.gql(t, `query($c: ID!) { consultation(id: $c) { bodyOpinions { `+bodyOpinionFields+` } } }`, map[string]any{"c": f.consultation})
	require.Empty(t, res.Errors)
	ops := dig(res.Data, "consultation", "bodyOpinions").([]any)
	require.Len(t, ops, 2)
	first := ops[0].(map[string]any)
	require.Equal(t, "Rada ds. Cudzoziemców", dig(first, "bodyName", "text"))
	require.Nil(t, first["body"], "a non-public body")
	require.Nil(t, first["motion"])
	require.Nil(t, first["request"])
	require.Equal(t, "Opinia Rady", dig(first, "title", "text"))
	require.Equal(t, map[string]any{"text": "Rada popiera cele programu.", "locale": "PL"}, first["text"])
	require.Equal(t, true, first["requested"])
	require.NotNil(t, first["dueAt"])
	second := ops[1].(map[string]any)
	require.Equal(t, team, dig(second, "body", "id"))
	require.NotNil(t, second["motion"])
	require.Equal(t, false, second["requested"])
	require.Nil(t, second["dueAt"])
	require.Equal(t, map[string]any{"members": float64(1), "present": float64(1), "voters": float64(1), "yes": float64(1),
		"no": float64(0), "abstain": float64(0)}, second["votes"])
	res = b.gql(t, `query($c: ID!) { consultation(id: $c) { bodyOpinions { body { id } motion { id } request { id } } } }`,
		map[string]any{"c": f.consultation}, withToken(member))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"body": map[string]any{"id": council}, "motion": map[string]any{"id": opinion},
		"request": map[string]any{"id": requestID}}, dig(res.Data, "consultation", "bodyOpinions").([]any)[0], "a member sees them")

	// The close: the commission's open request lapses; nothing is asked or
	// given after.
	require.Empty(t, b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: CLOSED, reason: "Koniec konsultacji"}) {
		consultation { id } } }`, map[string]any{"id": f.consultation}, withToken(f.official)).Errors)
	res = b.gql(t, `query($r: ID!) { node(id: $r) { ... on BodyOpinionRequest { status viewerCan { withdraw } } } }`,
		map[string]any{"r": lapsing}, withToken(f.official))
	require.Equal(t, map[string]any{"status": "LAPSED", "viewerCan": map[string]any{"withdraw": false}}, res.Data["node"])
	require.Equal(t, "PHASE_CLOSED", b.gql(t, withdraw, map[string]any{"r": lapsing}, withToken(f.official)).code())
	require.Equal(t, "PHASE_CLOSED", f.request(t, f.official, team, 0).code())
	f.adopt(t, commission, "Spóźniona opinia", "Po terminie.", chair, member)

	// The report shows the two opinions given while it was open.
	res = b.gql(t, `mutation($id: ID!) { publishReport(input: {consultationId: $id}) { consultation { id } } }`,
		map[string]any{"id": f.consultation}, withToken(f.official))
	require.Empty(t, res.Errors)
	res = b.gql(t, `query($c: ID!) { consultation(id: $c) { report { bodyOpinions { title { text } requested }
		md: export(format: MARKDOWN, locale: EN) json: export(format: JSON, locale: UK) } } }`, map[string]any{"c": f.consultation})
	require.Empty(t, res.Errors)
	require.Equal(t, []any{
		map[string]any{"title": map[string]any{"text": "Opinia Rady"}, "requested": true},
		map[string]any{"title": map[string]any{"text": "Opinia zespołu"}, "requested": false},
	}, dig(res.Data, "consultation", "report", "bodyOpinions"))
	md := dig(res.Data, "consultation", "report", "md").(string)
	require.Contains(t, md, "## Opinions of dialogue bodies\n\n### 1. Rada ds. Cudzoziemców — Opinia Rady\n\nAdopted: ")
	require.Contains(t, md, " · requested by the city (due ")
	require.Contains(t, md, "votes: for 2, against 0, abstaining 0; voting members: 2\n\n> Rada popiera cele programu.\n")
	require.Contains(t, md, "### 2. Rada ds. Cudzoziemców — Opinia zespołu")
	require.Contains(t, md, " · given unasked · ")
	require.NotContains(t, md, "Spóźniona")
	var report map[string]any
	require.NoError(t, json.Unmarshal([]byte(dig(res.Data, "consultation", "report", "json").(string)), &report))
	opinions := report["bodyOpinions"].([]any)
	require.Len(t, opinions, 2)
	require.Equal(t, "Rada popiera cele programu.", dig(opinions[0], "text"))
	require.Equal(t, float64(2), dig(opinions[0], "yes"))
	raw := dig(res.Data, "consultation", "report", "json").(string)
	for _, secret := range []string{"rollCall", "choice", rawID(t, b.accountID(t, member))} {
		require.False(t, strings.Contains(raw, secret), "the report carries no roll call: %s", secret)
	}
}

// TestBodyOpinion_GDPRExportAndErasure: an official's requests are in their
// export; erasure keeps them (the city's act) without the name.
func TestBodyOpinion_GDPRExportAndErasure(t *testing.T) {
	t.Parallel()
	f := newOpinionFixture(t)
	b := f.b
	body := f.createBody(t, true)
	res := f.request(t, f.official, body, 0)
	require.Empty(t, res.Errors)
	id := dig(res.Data, "requestBodyOpinion", "request", "id").(string)
	require.Empty(t, b.gql(t, `mutation($r: ID!) { withdrawBodyOpinionRequest(input: {requestId: $r}) { request { id } } }`,
		map[string]any{"r": id}, withToken(f.coord)).Errors)

	res = b.gql(t, `{ me { dataExport } }`, nil, withToken(f.official))
	require.Empty(t, res.Errors)
	var export map[string]any
	require.NoError(t, json.Unmarshal([]byte(dig(res.Data, "me", "dataExport").(string)), &export))
	requests := dig(export, "domains", "dialogueOpinionRequests", "requests").([]any)
	require.Len(t, requests, 1)
	require.Equal(t, rawID(t, id), dig(requests[0], "requestId"))
	require.NotNil(t, dig(requests[0], "requestedAt"))
	require.Nil(t, dig(requests[0], "withdrawnAt"), "withdrawn by someone else")

	require.Empty(t, b.gql(t, `mutation { deleteAccount(input: {password: "correct horse battery"}) { deletedAccountId } }`, nil,
		withToken(f.official)).Errors)
	res = b.gql(t, `query($r: ID!) { node(id: $r) { ... on BodyOpinionRequest { status requestedBy { accountId displayName } } } }`,
		map[string]any{"r": id}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, "WITHDRAWN", dig(res.Data, "node", "status"))
	require.Nil(t, dig(res.Data, "node", "requestedBy", "displayName"), "kept, shown as a deleted account")
}
