package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// consultationFixture: a city unit, an official of it, an NGO whose moderator
// member moderates, and confirmed residents.
type consultationFixture struct {
	b                      *bundle
	unitID, ngoID          string
	official, coord        string
	moderator, ngoManager  string
	alice, bob, carol, dan string
}

func (b *bundle) confirm(t testing.TB, email string) {
	t.Helper()
	_, err := b.pool.Exec(context.Background(), `update accounts set email_confirmed_at = now() - interval '3 days',
		created_at = now() - interval '3 days' where email = $1`, email)
	require.NoError(t, err)
}

func (b *bundle) accountID(t testing.TB, token string) string {
	t.Helper()
	res := b.gql(t, `{ me { id } }`, nil, withToken(token))
	require.Empty(t, res.Errors)
	return res.Data["me"].(map[string]any)["id"].(string)
}

func newConsultationFixture(t testing.TB, opts ...func(*setupOpts)) *consultationFixture {
	b := setup(t, opts...)
	f := &consultationFixture{b: b}
	f.coord = b.coordinator(t, "koordynatorka@example.org")
	res := b.gql(t, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Wydział Polityki Społecznej", slug: "wps"}) { organisation { id } } }`, nil, withToken(f.coord))
	require.Empty(t, res.Errors)
	f.unitID = res.Data["createOrganisation"].(map[string]any)["organisation"].(map[string]any)["id"].(string)
	f.ngoID = b.createOrg(t, f.coord, "fundacja")

	f.official = b.signUp(t, "urzednik@example.org")
	res = b.gql(t, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) { accountId } }`,
		map[string]any{"a": b.accountID(t, f.official), "o": f.unitID}, withToken(f.coord))
	require.Empty(t, res.Errors)

	f.moderator = b.signUp(t, "moderatorka@example.org")
	res = b.gql(t, `mutation($o: ID!, $a: ID!) { addOrganisationMember(input: {organisationId: $o, accountId: $a, role: MODERATOR}) { member { role } } }`,
		map[string]any{"o": f.ngoID, "a": b.accountID(t, f.moderator)}, withToken(f.coord))
	require.Empty(t, res.Errors)

	for i, tok := range []*string{&f.alice, &f.bob, &f.carol, &f.dan} {
		email := fmt.Sprintf("mieszkaniec%d@example.org", i)
		*tok = b.signUp(t, email)
		b.confirm(t, email)
	}
	return f
}

const createConsultation = `mutation($in: CreateConsultationInput!) { createConsultation(input: $in) { consultation { id status
	sections { edges { node { id } } } publicationCheck { rule ok overridable message } } } }`

func (f *consultationFixture) draft(t *testing.T, opensIn, openDays int, forms []string) (id, sectionID string, check []any) {
	t.Helper()
	now := time.Now()
	day := 24 * time.Hour
	opens := now.Add(time.Duration(opensIn) * day)
	res := f.b.gql(t, createConsultation, map[string]any{"in": map[string]any{
		"unitId":  f.unitID,
		"title":   map[string]any{"locale": "PL", "text": "Program Otwarty Kraków 2026"},
		"summary": map[string]any{"locale": "PL", "text": "Jak miasto ma wspierać mieszkańców z doświadczeniem migracji?"},
		"tags":    []string{"migracja"}, "districts": []string{"stare-miasto"}, "forms": forms,
		"announceAt": now.Add(time.Minute).Format(time.RFC3339), "opensAt": opens.Format(time.RFC3339),
		"closesAt": opens.Add(time.Duration(openDays) * day).Format(time.RFC3339),
		"sections": []any{map[string]any{"heading": map[string]any{"locale": "PL", "text": "Cele"}, "body": map[string]any{"locale": "PL", "text": "Treść celów"}}},
	}}, withToken(f.official))
	require.Empty(t, res.Errors)
	c := res.Data["createConsultation"].(map[string]any)["consultation"].(map[string]any)
	require.Equal(t, "DRAFT", c["status"])
	edges := c["sections"].(map[string]any)["edges"].([]any)
	return c["id"].(string), edges[0].(map[string]any)["node"].(map[string]any)["id"].(string), c["publicationCheck"].([]any)
}

func failingRules(check []any) []string {
	var out []string
	for _, r := range check {
		r := r.(map[string]any)
		if r["ok"] == false {
			out = append(out, r["rule"].(string))
		}
	}
	return out
}

func TestConsultation_WholeSliceThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b

	// A draft that breaks the notice, duration and forms rules.
	id, sectionID, check := f.draft(t, 3, 10, []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS"})
	require.Equal(t, []string{"notice_period", "minimum_duration", "forms_count", "open_meeting"}, failingRules(check))
	for _, r := range check {
		require.NotContains(t, r.(map[string]any)["message"], "consultation.rule", "rule messages are words, not keys")
	}

	// Drafts are invisible to residents, anonymous callers and other units.
	q := `query($id: ID!) { consultation(id: $id) { id status overrides { rule justification } } }`
	require.Nil(t, b.gql(t, q, map[string]any{"id": id}, withToken(f.alice)).Data["consultation"])
	require.Nil(t, b.gql(t, q, map[string]any{"id": id}).Data["consultation"])

	publish := `mutation($id: ID!, $o: [RuleOverrideInput!]) { publishConsultation(input: {consultationId: $id, overrides: $o}) { consultation { status } } }`
	res := b.gql(t, publish, map[string]any{"id": id}, withToken(f.official))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "overrides", res.Errors[0].Extensions["field"])
	for _, rule := range []string{"notice_period", "minimum_duration", "forms_count", "open_meeting"} {
		require.Contains(t, res.Errors[0].Message, rule)
	}
	require.Equal(t, "NOT_FOUND", b.gql(t, publish, map[string]any{"id": id}, withToken(f.alice)).code())

	overrides := []any{}
	for _, rule := range []string{"notice_period", "minimum_duration", "forms_count", "open_meeting"} {
		overrides = append(overrides, map[string]any{"rule": rule, "justification": "Pilna konsultacja przed sesją Rady Miasta (" + rule + ")"})
	}
	res = b.gql(t, publish, map[string]any{"id": id, "o": overrides}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, "ANNOUNCED", res.Data["publishConsultation"].(map[string]any)["consultation"].(map[string]any)["status"])
	pub := b.gql(t, q, map[string]any{"id": id}).Data["consultation"].(map[string]any)
	require.Len(t, pub["overrides"], 4, "overrides and their justifications are public")

	// Nobody submits before the opening.
	submit := `mutation($in: CreateSubmissionInput!) { createSubmission(input: $in) { submission { id status supportCount authorName } } }`
	postulate := map[string]any{"consultationId": id, "kind": "POSTULATE", "locale": "UK", "text": "Потрібні консультації українською мовою в районних центрах."}
	require.Equal(t, "PHASE_CLOSED", b.gql(t, submit, map[string]any{"in": postulate}, withToken(f.alice)).code())

	phase := `mutation($id: ID!, $s: ConsultationStatus!, $r: String!) { changeConsultationPhase(input: {consultationId: $id, status: $s, reason: $r}) { consultation { status } } }`
	res = b.gql(t, phase, map[string]any{"id": id, "s": "OPEN", "r": "Otwarcie zgodnie z decyzją Prezydenta"}, withToken(f.official))
	require.Empty(t, res.Errors)

	// The NGO moderates.
	res = b.gql(t, `mutation($id: ID!, $o: ID!) { assignConsultationModerator(input: {consultationId: $id, organisationId: $o}) {
		consultation { moderatingOrganisations { id } } } }`, map[string]any{"id": id, "o": f.ngoID}, withToken(f.official))
	require.Empty(t, res.Errors)

	res = b.gql(t, submit, map[string]any{"in": postulate}, withToken(f.alice))
	require.Empty(t, res.Errors)
	sub := res.Data["createSubmission"].(map[string]any)["submission"].(map[string]any)
	subID := sub["id"].(string)
	require.Equal(t, "Tester", sub["authorName"])
	comment := map[string]any{"consultationId": id, "kind": "COMMENT", "sectionId": sectionID, "locale": "PL", "text": "Cele są zbyt ogólne."}
	require.Empty(t, b.gql(t, submit, map[string]any{"in": comment}, withToken(f.bob)).Errors)
	unconfirmed := b.signUp(t, "niepotwierdzony@example.org")
	require.Equal(t, "FORBIDDEN", b.gql(t, submit, map[string]any{"in": postulate}, withToken(unconfirmed)).code())

	// Supporting twice counts once; withdrawing the support works.
	support := `mutation($id: ID!) { supportSubmission(input: {submissionId: $id}) { submission { supportCount viewerHasSupported } } }`
	for range 2 {
		res = b.gql(t, support, map[string]any{"id": subID}, withToken(f.bob))
		require.Empty(t, res.Errors)
		require.Equal(t, map[string]any{"supportCount": float64(1), "viewerHasSupported": true}, res.Data["supportSubmission"].(map[string]any)["submission"])
	}

	// Another consultation's moderator has no power here; the NGO's moderator does.
	hide := `mutation($id: ID!) { hideSubmission(input: {submissionId: $id, reason: OFFENSIVE, note: "Język nienawiści"}) { submission { status } } }`
	require.Equal(t, "FORBIDDEN", b.gql(t, hide, map[string]any{"id": subID}, withToken(f.carol)).code())
	res = b.gql(t, hide, map[string]any{"id": subID}, withToken(f.moderator))
	require.Empty(t, res.Errors)
	require.Equal(t, "HIDDEN", res.Data["hideSubmission"].(map[string]any)["submission"].(map[string]any)["status"])

	// Hidden: invisible to others on every path, visible to its author and staff.
	list := `query($id: ID!) { consultation(id: $id) { submissions(first: 10) { totalCount edges { node { id } } }
		moderationLog { totalCount edges { node { action reason note submissionId } } } } }`
	node := `query($id: ID!) { node(id: $id) { id } }`
	for _, tok := range []string{f.carol, ""} {
		opts := []reqOpt{}
		if tok != "" {
			opts = append(opts, withToken(tok))
		}
		c := b.gql(t, list, map[string]any{"id": id}, opts...).Data["consultation"].(map[string]any)
		require.Equal(t, float64(1), c["submissions"].(map[string]any)["totalCount"], "only bob's comment")
		require.Nil(t, b.gql(t, node, map[string]any{"id": subID}, opts...).Data["node"])
		log := c["moderationLog"].(map[string]any)
		require.Equal(t, float64(1), log["totalCount"])
		require.Equal(t, map[string]any{"action": "HIDE", "reason": "OFFENSIVE", "note": "Język nienawiści", "submissionId": subID},
			log["edges"].([]any)[0].(map[string]any)["node"])
	}
	for _, tok := range []string{f.alice, f.moderator, f.official} {
		c := b.gql(t, list, map[string]any{"id": id}, withToken(tok)).Data["consultation"].(map[string]any)
		require.Equal(t, float64(2), c["submissions"].(map[string]any)["totalCount"])
		require.Equal(t, subID, b.gql(t, node, map[string]any{"id": subID}, withToken(tok)).Data["node"].(map[string]any)["id"])
	}

	// Three flags from distinct, established accounts hide an item pending review.
	res = b.gql(t, submit, map[string]any{"in": map[string]any{"consultationId": id, "kind": "POSTULATE", "locale": "PL", "text": "Reklama: tanie kredyty!"}}, withToken(f.dan))
	require.Empty(t, res.Errors)
	spam := res.Data["createSubmission"].(map[string]any)["submission"].(map[string]any)["id"].(string)
	flag := `mutation($id: ID!) { flagSubmission(input: {submissionId: $id, reason: SPAM}) { submissionId } }`
	for _, tok := range []string{f.alice, f.bob, f.bob, f.carol} {
		require.Empty(t, b.gql(t, flag, map[string]any{"id": spam}, withToken(tok)).Errors, "flagging again changes nothing")
	}
	require.Nil(t, b.gql(t, node, map[string]any{"id": spam}, withToken(f.alice)).Data["node"], "hidden pending review")
	res = b.gql(t, `query($id: ID!) { consultation(id: $id) { moderationLog { edges { node { action reason submissionId } } }
		flagQueue { totalCount } } }`, map[string]any{"id": id}, withToken(f.moderator))
	c := res.Data["consultation"].(map[string]any)
	require.Equal(t, map[string]any{"action": "AUTO_HIDE", "reason": "FLAGS_THRESHOLD", "submissionId": spam},
		c["moderationLog"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"])
	require.Equal(t, float64(1), c["flagQueue"].(map[string]any)["totalCount"])
	require.Nil(t, b.gql(t, `query($id: ID!) { consultation(id: $id) { flagQueue { totalCount } } }`, map[string]any{"id": id}, withToken(f.alice)).Data["consultation"].(map[string]any)["flagQueue"])

	// Officials cannot put words in residents' mouths.
	edit := `mutation($id: ID!) { editSubmission(input: {submissionId: $id, locale: PL, text: "Zmieniona treść"}) { submission { id } } }`
	require.Equal(t, "FORBIDDEN", b.gql(t, edit, map[string]any{"id": subID}, withToken(f.official)).code())

	// After the close nothing more is submitted or supported.
	res = b.gql(t, phase, map[string]any{"id": id, "s": "CLOSED", "r": "Zamknięcie zgodnie z harmonogramem"}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, "PHASE_CLOSED", b.gql(t, submit, map[string]any{"in": comment}, withToken(f.dan)).code())

	c = b.gql(t, `query($id: ID!) { consultation(id: $id) { status phaseChanges { from to scheduled reason } } }`, map[string]any{"id": id}).Data["consultation"].(map[string]any)
	require.Equal(t, "CLOSED", c["status"])
	require.Equal(t, []any{
		map[string]any{"from": "DRAFT", "to": "ANNOUNCED", "scheduled": false, "reason": ""},
		map[string]any{"from": "ANNOUNCED", "to": "OPEN", "scheduled": false, "reason": "Otwarcie zgodnie z decyzją Prezydenta"},
		map[string]any{"from": "OPEN", "to": "CLOSED", "scheduled": false, "reason": "Zamknięcie zgodnie z harmonogramem"},
	}, c["phaseChanges"])
}

func TestConsultation_PageStatementCountIsFixed(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	id, _, _ := f.draft(t, 10, 30, []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING"})
	res := b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { status } } }`, map[string]any{"id": id}, withToken(f.official))
	require.Empty(t, res.Errors)
	res = b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwieramy wcześniej"}) { consultation { status } } }`,
		map[string]any{"id": id}, withToken(f.official))
	require.Empty(t, res.Errors)
	authors := []string{f.alice, f.bob, f.carol, f.dan}
	for i := range 50 {
		res := b.gql(t, `mutation($in: CreateSubmissionInput!) { createSubmission(input: $in) { submission { id } } }`, map[string]any{"in": map[string]any{
			"consultationId": id, "kind": "POSTULATE", "locale": "PL", "text": fmt.Sprintf("Postulat numer %d", i)}}, withToken(authors[i%4]))
		require.Empty(t, res.Errors)
		if i%3 == 0 {
			sid := res.Data["createSubmission"].(map[string]any)["submission"].(map[string]any)["id"].(string)
			require.Empty(t, b.gql(t, `mutation($id: ID!) { supportSubmission(input: {submissionId: $id}) { submission { id } } }`,
				map[string]any{"id": sid}, withToken(authors[(i+1)%4])).Errors)
		}
	}
	q := `query($id: ID!, $n: Int) { consultation(id: $id) { title { text } unit { name } submissions(first: $n) { totalCount edges { node {
		id authorName supportCount replyCount viewerHasSupported text(locale: EN) { text isOriginal } consultation { id }
		viewerCan { edit support flag moderate } } } } } }`
	count := func(n int) []string {
		before := int(b.queries.n.Load())
		res := b.gql(t, q, map[string]any{"id": id, "n": n}, withToken(f.bob))
		require.Empty(t, res.Errors)
		require.Len(t, res.Data["consultation"].(map[string]any)["submissions"].(map[string]any)["edges"], n)
		return b.queries.since(before)
	}
	five := fewestStatements(func() []string { return count(5) })
	fifty := fewestStatements(func() []string { return count(50) })
	require.Equal(t, len(five), len(fifty), "statements for 5:\n%s\nfor 50:\n%s", strings.Join(five, "\n---\n"), strings.Join(fifty, "\n---\n"))

	// With answers, after the close.
	require.Empty(t, b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: CLOSED, reason: "Koniec konsultacji"}) { consultation { id } } }`,
		map[string]any{"id": id}, withToken(f.official)).Errors)
	res = b.gql(t, `query($id: ID!) { consultation(id: $id) { submissions(first: 50) { edges { node { id } } } } }`, map[string]any{"id": id}, withToken(f.official))
	for _, e := range res.Data["consultation"].(map[string]any)["submissions"].(map[string]any)["edges"].([]any) {
		sid := e.(map[string]any)["node"].(map[string]any)["id"].(string)
		require.Empty(t, b.gql(t, `mutation($id: ID!) { draftAnswer(input: {submissionId: $id, status: PARTLY_ACCEPTED, reason: {locale: PL, text: "Uwzględnimy częściowo w programie"}}) { submission { id } } }`,
			map[string]any{"id": sid}, withToken(f.official)).Errors)
	}
	res = b.gql(t, `mutation($id: ID!) { publishAnswers(input: {consultationId: $id}) { publishedCount } }`, map[string]any{"id": id}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, float64(50), res.Data["publishAnswers"].(map[string]any)["publishedCount"])
	q = strings.Replace(q, "viewerCan { edit support flag moderate }", "viewerCan { edit support flag moderate } answer { status reason(locale: UK) { text locale } }", 1)
	five = fewestStatements(func() []string { return count(5) })
	fifty = fewestStatements(func() []string { return count(50) })
	require.Equal(t, len(five), len(fifty), "with answers, statements for 5:\n%s\nfor 50:\n%s", strings.Join(five, "\n---\n"), strings.Join(fifty, "\n---\n"))
}

func TestConsultationActivity_StreamsSubmissionsAndSupports(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	id, _, _ := f.draft(t, 10, 30, []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING"})
	require.Empty(t, b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { status } } }`, map[string]any{"id": id}, withToken(f.official)).Errors)

	conn := wsDial(t, b, f.official)
	_, err := wsNext(t, conn, "connection_ack")
	require.NoError(t, err)
	require.NoError(t, conn.WriteJSON(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query":     "subscription($id: ID!) { consultationActivity(consultationId: $id) { type submissionId supportCount status } }",
		"variables": map[string]any{"id": id}}}))
	// One goroutine reads the socket; the test waits on its channel.
	msgs := make(chan map[string]any, 64)
	go func() {
		defer close(msgs)
		for {
			var m wsMsg
			if err := conn.ReadJSON(&m); err != nil {
				return
			}
			if m.Type == "ping" {
				_ = conn.WriteJSON(map[string]any{"type": "pong"})
			}
			if m.Type != "next" {
				continue
			}
			var p struct {
				Data struct {
					ConsultationActivity map[string]any `json:"consultationActivity"`
				} `json:"data"`
			}
			if json.Unmarshal(m.Payload, &p) == nil {
				msgs <- p.Data.ConsultationActivity
			}
		}
	}()
	// The subscription starts asynchronously: create meetings (each one an
	// event) until one arrives, so that nothing later can be missed.
	start := time.Now().Add(72 * time.Hour)
	synced := false
	for attempt := 0; attempt < 50 && !synced; attempt++ {
		require.Empty(t, b.gql(t, `mutation($id: ID!, $s: DateTime!, $e: DateTime!) { createMeeting(input: {consultationId: $id, kind: MEETING,
			title: {locale: PL, text: "Spotkanie"}, startsAt: $s, endsAt: $e, place: "Urząd", languages: [PL]}) { meeting { id } } }`,
			map[string]any{"id": id, "s": start.Format(time.RFC3339), "e": start.Add(time.Hour).Format(time.RFC3339)}, withToken(f.official)).Errors)
		deadline := time.After(300 * time.Millisecond)
	wait:
		for {
			select {
			case ev := <-msgs:
				if ev["type"] == "meeting_changed" {
					synced = true
					break wait
				}
			case <-deadline:
				break wait
			}
		}
	}
	require.True(t, synced, "the subscription never delivered an event")

	next := func() map[string]any {
		t.Helper()
		for {
			select {
			case ev, ok := <-msgs:
				require.True(t, ok, "the socket closed")
				// Earlier events (the publication, further meetings) may still
				// be in flight; they are not what the test waits for.
				if ev["status"] == "ANNOUNCED" || ev["type"] == "meeting_changed" {
					continue
				}
				return ev
			case <-time.After(15 * time.Second):
				require.FailNow(t, "no event within 15 s")
			}
		}
	}

	res := b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwieramy konsultacje"}) { consultation { status } } }`,
		map[string]any{"id": id}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"type": "phase_changed", "submissionId": nil, "supportCount": nil, "status": "OPEN"}, next())

	res = b.gql(t, `mutation($id: ID!) { createSubmission(input: {consultationId: $id, kind: POSTULATE, locale: PL, text: "Więcej tłumaczy w urzędzie"}) { submission { id } } }`,
		map[string]any{"id": id}, withToken(f.alice))
	require.Empty(t, res.Errors)
	sid := res.Data["createSubmission"].(map[string]any)["submission"].(map[string]any)["id"].(string)
	ev := next()
	require.Equal(t, "submission_added", ev["type"])
	require.Equal(t, sid, ev["submissionId"])

	require.Empty(t, b.gql(t, `mutation($id: ID!) { supportSubmission(input: {submissionId: $id}) { submission { id } } }`, map[string]any{"id": sid}, withToken(f.bob)).Errors)
	require.Equal(t, map[string]any{"type": "support_changed", "submissionId": sid, "supportCount": float64(1), "status": nil}, next())

	// The moderation queue is for moderators and staff only.
	anon := wsDial(t, b, f.carol)
	_, err = wsNext(t, anon, "connection_ack")
	require.NoError(t, err)
	require.NoError(t, anon.WriteJSON(map[string]any{"id": "2", "type": "subscribe", "payload": map[string]any{
		"query": "subscription($id: ID!) { moderationQueue(consultationId: $id) { type } }", "variables": map[string]any{"id": id}}}))
	m, err := wsNext(t, anon, "error", "next")
	require.NoError(t, err)
	require.Contains(t, string(m.Payload), "FORBIDDEN")
}

func TestConsultation_MeetingAnswersAndReportThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	id, _, _ := f.draft(t, 10, 30, []string{"ONLINE_SUBMISSIONS", "MEETING", "STAFF_INTAKE"})
	require.Empty(t, b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { status } } }`, map[string]any{"id": id}, withToken(f.official)).Errors)

	// A meeting with one seat: the second person waits, and moves up.
	start := time.Now().Add(2 * time.Second)
	res := b.gql(t, `mutation($in: MeetingInput!) { createMeeting(input: $in) { meeting { id capacity languages } } }`, map[string]any{"in": map[string]any{
		"consultationId": id, "kind": "WORKSHOP", "title": map[string]any{"locale": "PL", "text": "Warsztat w Domu Wielokulturowym"},
		"startsAt": start.Format(time.RFC3339Nano), "endsAt": start.Add(time.Second).Format(time.RFC3339Nano),
		"place": "ul. Krakowska 1", "languages": []string{"PL", "UK"}, "capacity": 1}}, withToken(f.official))
	require.Empty(t, res.Errors)
	meetingID := res.Data["createMeeting"].(map[string]any)["meeting"].(map[string]any)["id"].(string)
	register := `mutation($id: ID!) { registerForMeeting(input: {meetingId: $id}) { meeting { registeredCount waitlistedCount viewerRegistration } } }`
	res = b.gql(t, register, map[string]any{"id": meetingID}, withToken(f.alice))
	require.Equal(t, map[string]any{"registeredCount": float64(1), "waitlistedCount": float64(0), "viewerRegistration": "REGISTERED"}, res.Data["registerForMeeting"].(map[string]any)["meeting"])
	res = b.gql(t, register, map[string]any{"id": meetingID}, withToken(f.bob))
	require.Equal(t, map[string]any{"registeredCount": float64(1), "waitlistedCount": float64(1), "viewerRegistration": "WAITLISTED"}, res.Data["registerForMeeting"].(map[string]any)["meeting"])
	res = b.gql(t, `mutation($id: ID!) { unregisterFromMeeting(input: {meetingId: $id}) { meeting { registeredCount waitlistedCount } } }`, map[string]any{"id": meetingID}, withToken(f.alice))
	require.Equal(t, map[string]any{"registeredCount": float64(1), "waitlistedCount": float64(0)}, res.Data["unregisterFromMeeting"].(map[string]any)["meeting"])
	q := `query($id: ID!) { node(id: $id) { ... on Meeting { viewerRegistration registrations { status } } } }`
	require.Equal(t, map[string]any{"viewerRegistration": "REGISTERED", "registrations": nil}, b.gql(t, q, map[string]any{"id": meetingID}, withToken(f.bob)).Data["node"])

	// Attendance once the meeting has started.
	bobID := b.accountID(t, f.bob)
	attend := `mutation($id: ID!, $a: [ID!]!) { recordAttendance(input: {meetingId: $id, attendedAccountIds: $a}) { meeting { attendedCount } } }`
	require.Equal(t, "FORBIDDEN", b.gql(t, attend, map[string]any{"id": meetingID, "a": []string{bobID}}, withToken(f.bob)).code())
	require.Eventually(t, func() bool {
		return len(b.gql(t, attend, map[string]any{"id": meetingID, "a": []string{bobID}}, withToken(f.official)).Errors) == 0
	}, 15*time.Second, 200*time.Millisecond)

	// Open, submit, close, answer, report.
	phase := `mutation($id: ID!, $s: ConsultationStatus!) { changeConsultationPhase(input: {consultationId: $id, status: $s, reason: "Zmiana fazy w teście"}) { consultation { status } } }`
	require.Empty(t, b.gql(t, phase, map[string]any{"id": id, "s": "OPEN"}, withToken(f.official)).Errors)
	var subs []string
	for _, tok := range []string{f.alice, f.bob} {
		res := b.gql(t, `mutation($id: ID!) { createSubmission(input: {consultationId: $id, kind: POSTULATE, locale: PL, text: "Postulat mieszkańca"}) { submission { id } } }`,
			map[string]any{"id": id}, withToken(tok))
		require.Empty(t, res.Errors)
		subs = append(subs, res.Data["createSubmission"].(map[string]any)["submission"].(map[string]any)["id"].(string))
	}
	draft := `mutation($id: ID!, $s: AnswerStatus!) { draftAnswer(input: {submissionId: $id, status: $s, reason: {locale: PL, text: "Uzasadnienie odpowiedzi"}}) { submission { answer { status publishedAt } } } }`
	require.Equal(t, "PHASE_CLOSED", b.gql(t, draft, map[string]any{"id": subs[0], "s": "ACCEPTED"}, withToken(f.official)).code())
	require.Empty(t, b.gql(t, phase, map[string]any{"id": id, "s": "CLOSED"}, withToken(f.official)).Errors)
	require.Equal(t, "FORBIDDEN", b.gql(t, draft, map[string]any{"id": subs[0], "s": "ACCEPTED"}, withToken(f.moderator)).code())
	res = b.gql(t, draft, map[string]any{"id": subs[0], "s": "ACCEPTED"}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"status": "ACCEPTED", "publishedAt": nil}, res.Data["draftAnswer"].(map[string]any)["submission"].(map[string]any)["answer"])
	require.Nil(t, b.gql(t, `query($id: ID!) { node(id: $id) { ... on Submission { answer { status } } } }`, map[string]any{"id": subs[0]}, withToken(f.carol)).Data["node"].(map[string]any)["answer"],
		"drafts are for staff only")
	publishAnswers := `mutation($id: ID!) { publishAnswers(input: {consultationId: $id}) { publishedCount consultation { unansweredCount } } }`
	res = b.gql(t, publishAnswers, map[string]any{"id": id}, withToken(f.official))
	require.Equal(t, map[string]any{"publishedCount": float64(1), "consultation": map[string]any{"unansweredCount": float64(1)}}, res.Data["publishAnswers"])

	report := `mutation($id: ID!) { publishReport(input: {consultationId: $id}) { consultation { status } } }`
	res = b.gql(t, report, map[string]any{"id": id}, withToken(f.official))
	require.Equal(t, "CONFLICT", res.code(), "one submission has no published answer")
	require.Empty(t, b.gql(t, draft, map[string]any{"id": subs[1], "s": "NOT_ACCEPTED"}, withToken(f.official)).Errors)
	require.Empty(t, b.gql(t, publishAnswers, map[string]any{"id": id}, withToken(f.official)).Errors)
	res = b.gql(t, report, map[string]any{"id": id}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, "REPORTED", res.Data["publishReport"].(map[string]any)["consultation"].(map[string]any)["status"])

	res = b.gql(t, `query($id: ID!) { consultation(id: $id) { report { submissionCount participantCount meetingCount attendeeCount
		answersByStatus { status count } csv: export(format: CSV) } } }`, map[string]any{"id": id})
	require.Empty(t, res.Errors)
	rep := res.Data["consultation"].(map[string]any)["report"].(map[string]any)
	require.Equal(t, float64(2), rep["submissionCount"])
	require.Equal(t, float64(2), rep["participantCount"])
	require.Equal(t, float64(1), rep["meetingCount"])
	require.Equal(t, float64(1), rep["attendeeCount"])
	require.Equal(t, []any{
		map[string]any{"status": "ACCEPTED", "count": float64(1)}, map[string]any{"status": "PARTLY_ACCEPTED", "count": float64(0)},
		map[string]any{"status": "NOT_ACCEPTED", "count": float64(1)}, map[string]any{"status": "NOT_APPLICABLE", "count": float64(0)},
	}, rep["answersByStatus"])
	lines := strings.Split(strings.TrimSpace(rep["csv"].(string)), "\n")
	require.Len(t, lines, 3, "a header and one row per submission")

	// What each step told people, read from their in-app notifications.
	kinds := func(token string) map[string]int {
		res := b.gql(t, `{ me { notifications(first: 50) { edges { node { kind } } } } }`, nil, withToken(token))
		require.Empty(t, res.Errors)
		out := map[string]int{}
		for _, e := range res.Data["me"].(map[string]any)["notifications"].(map[string]any)["edges"].([]any) {
			out[e.(map[string]any)["node"].(map[string]any)["kind"].(string)]++
		}
		return out
	}
	require.Eventually(t, func() bool {
		a, bo := kinds(f.alice), kinds(f.bob)
		return a["submission_answered"] == 1 && a["consultation_report"] == 1 &&
			bo["meeting_promoted"] == 1 && bo["submission_answered"] == 1
	}, 15*time.Second, 100*time.Millisecond, "alice: %v, bob: %v", kinds(f.alice), kinds(f.bob))
}

func TestUpdateConsultation_EditsDraftsOnly(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	id, _, check := f.draft(t, 10, 30, []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS"})
	require.Equal(t, []string{"forms_count", "open_meeting"}, failingRules(check))
	update := `mutation($id: ID!, $forms: [ParticipationForm!]) { updateConsultation(input: {consultationId: $id, forms: $forms,
		title: {locale: PL, text: "Nowy tytuł"}}) { consultation { forms title { text } publicationCheck { rule ok } } } }`
	res := b.gql(t, update, map[string]any{"id": id, "forms": []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING"}}, withToken(f.official))
	require.Empty(t, res.Errors)
	c := res.Data["updateConsultation"].(map[string]any)["consultation"].(map[string]any)
	require.Equal(t, "Nowy tytuł", c["title"].(map[string]any)["text"])
	require.Equal(t, []any{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING"}, c["forms"])
	require.Empty(t, failingRules(c["publicationCheck"].([]any)))
	require.Empty(t, b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { id } } }`, map[string]any{"id": id}, withToken(f.official)).Errors)
	require.Equal(t, "PHASE_CLOSED", b.gql(t, update, map[string]any{"id": id}, withToken(f.official)).code(), "a published consultation is no draft")
}

func TestConsultationInterests_ThroughTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token := b.signUp(t, "zainteresowana@example.org")
	set := `mutation($d: [String!]!, $t: [String!]!) { setConsultationInterests(input: {districts: $d, tags: $t}) { interests { districts tags } } }`
	res := b.gql(t, set, map[string]any{"d": []string{"podgorze", "nowa-huta"}, "t": []string{"migracja"}}, withToken(token))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"districts": []any{"nowa-huta", "podgorze"}, "tags": []any{"migracja"}},
		res.Data["setConsultationInterests"].(map[string]any)["interests"])
	res = b.gql(t, `{ me { consultationInterests { districts tags } } }`, nil, withToken(token))
	require.Equal(t, map[string]any{"districts": []any{"nowa-huta", "podgorze"}, "tags": []any{"migracja"}},
		res.Data["me"].(map[string]any)["consultationInterests"])
	res = b.gql(t, set, map[string]any{"d": []string{"mordor"}, "t": []string{}}, withToken(token))
	require.Equal(t, "INVALID_INPUT", res.code())
}

func TestSurvey_AnswersThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	now := time.Now()
	res := b.gql(t, createConsultation, map[string]any{"in": map[string]any{
		"unitId": f.unitID, "title": map[string]any{"locale": "PL", "text": "Ankieta o punktach informacyjnych"},
		"forms": []string{"ONLINE_SUBMISSIONS", "SURVEY", "MEETING"}, "announceAt": now.Add(time.Minute).Format(time.RFC3339),
		"opensAt": now.Add(10 * 24 * time.Hour).Format(time.RFC3339), "closesAt": now.Add(40 * 24 * time.Hour).Format(time.RFC3339),
		"questions": []any{map[string]any{"locale": "PL", "text": "Gdzie powinien działać punkt?"}, map[string]any{"locale": "PL", "text": "W jakich godzinach?"}},
	}}, withToken(f.official))
	require.Empty(t, res.Errors)
	id := res.Data["createConsultation"].(map[string]any)["consultation"].(map[string]any)["id"].(string)
	require.Empty(t, b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { id } } }`, map[string]any{"id": id}, withToken(f.official)).Errors)
	require.Empty(t, b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwieramy ankietę"}) { consultation { id } } }`, map[string]any{"id": id}, withToken(f.official)).Errors)
	res = b.gql(t, `query($id: ID!) { consultation(id: $id) { questions { id } } }`, map[string]any{"id": id})
	qs := res.Data["consultation"].(map[string]any)["questions"].([]any)
	q1, q2 := qs[0].(map[string]any)["id"].(string), qs[1].(map[string]any)["id"].(string)

	answer := `mutation($id: ID!, $a: [SurveyAnswerInput!]!) { answerSurvey(input: {consultationId: $id, answers: $a}) { consultation {
		surveyResults { respondents } mySurveyAnswers { text { text } } } } }`
	res = b.gql(t, answer, map[string]any{"id": id, "a": []any{map[string]any{"questionId": q1, "locale": "UK", "text": "У Новій Гуті"},
		map[string]any{"questionId": q2, "locale": "UK", "text": "Увечері"}}}, withToken(f.alice))
	require.Empty(t, res.Errors)
	res = b.gql(t, answer, map[string]any{"id": id, "a": []any{map[string]any{"questionId": q1, "locale": "PL", "text": "W Podgórzu"}}}, withToken(f.bob))
	require.Empty(t, res.Errors)
	c := res.Data["answerSurvey"].(map[string]any)["consultation"].(map[string]any)
	require.Equal(t, []any{map[string]any{"respondents": float64(2)}, map[string]any{"respondents": float64(1)}}, c["surveyResults"])
	require.Equal(t, []any{map[string]any{"text": map[string]any{"text": "W Podgórzu"}}}, c["mySurveyAnswers"])

	list := `query($id: ID!, $q: ID!) { consultation(id: $id) { surveyAnswers(questionId: $q) { totalCount edges { node { text } } } } }`
	require.Nil(t, b.gql(t, list, map[string]any{"id": id, "q": q1}, withToken(f.carol)).Data["consultation"].(map[string]any)["surveyAnswers"],
		"answers are for staff until the report")
	res = b.gql(t, list, map[string]any{"id": id, "q": q1}, withToken(f.official))
	require.Equal(t, float64(2), res.Data["consultation"].(map[string]any)["surveyAnswers"].(map[string]any)["totalCount"])
}

func TestGDPR_ConsultationDataIsExportedAndErased(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	id, _, _ := f.draft(t, 10, 30, []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING"})
	require.Empty(t, b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { id } } }`, map[string]any{"id": id}, withToken(f.official)).Errors)
	require.Empty(t, b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwieramy konsultacje"}) { consultation { id } } }`, map[string]any{"id": id}, withToken(f.official)).Errors)
	res := b.gql(t, `mutation($id: ID!) { createSubmission(input: {consultationId: $id, kind: POSTULATE, locale: PL, text: "Postulat Alicji"}) { submission { id } } }`,
		map[string]any{"id": id}, withToken(f.alice))
	sid := res.Data["createSubmission"].(map[string]any)["submission"].(map[string]any)["id"].(string)
	require.Empty(t, b.gql(t, `mutation($id: ID!) { followConsultation(input: {consultationId: $id}) { consultation { id } } }`, map[string]any{"id": id}, withToken(f.bob)).Errors)
	require.Empty(t, b.gql(t, `mutation($id: ID!) { supportSubmission(input: {submissionId: $id}) { submission { id } } }`, map[string]any{"id": sid}, withToken(f.bob)).Errors)
	require.Empty(t, b.gql(t, `mutation { setConsultationInterests(input: {districts: ["podgorze"], tags: []}) { interests { tags } } }`, nil, withToken(f.bob)).Errors)

	res = b.gql(t, `{ me { dataExport } }`, nil, withToken(f.bob))
	require.Empty(t, res.Errors)
	var export struct {
		Domains struct {
			Consultations struct {
				Follows   []map[string]any `json:"follows"`
				Supports  []map[string]any `json:"supports"`
				Interests struct {
					Districts []string `json:"districts"`
				} `json:"interests"`
			} `json:"consultations"`
		} `json:"domains"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.Data["me"].(map[string]any)["dataExport"].(string)), &export))
	require.Len(t, export.Domains.Consultations.Follows, 1)
	require.Len(t, export.Domains.Consultations.Supports, 1)
	require.Equal(t, []string{"podgorze"}, export.Domains.Consultations.Interests.Districts)

	require.Empty(t, b.gql(t, `mutation { deleteAccount(input: {password: "correct horse battery"}) { deletedAccountId } }`, nil, withToken(f.bob)).Errors)
	var left int
	require.NoError(t, b.pool.QueryRow(context.Background(), `select
		(select count(*) from follows where kind = 'consultation') + (select count(*) from supports where kind = 'submission') + (select count(*) from consultation_interests)`).Scan(&left))
	require.Zero(t, left, "the deleted account's follows, supports and interests are gone")
	res = b.gql(t, `query($id: ID!) { node(id: $id) { ... on Submission { supportCount authorName } } }`, map[string]any{"id": sid})
	require.Equal(t, map[string]any{"supportCount": float64(1), "authorName": "Tester"}, res.Data["node"], "the public count and others' contributions stay")
}

func TestConsultationSections_PageWithCursors(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	sections := []any{}
	for i := range 5 {
		sections = append(sections, map[string]any{"heading": map[string]any{"locale": "PL", "text": fmt.Sprintf("Rozdział %d", i+1)},
			"body": map[string]any{"locale": "PL", "text": strings.Repeat("Długi tekst dokumentu. ", 200)}})
	}
	in := map[string]any{"unitId": f.unitID, "title": map[string]any{"locale": "PL", "text": "Dokument"}, "sections": sections}
	res := b.gql(t, `mutation($in: CreateConsultationInput!) { createConsultation(input: $in) { consultation { id } } }`, map[string]any{"in": in}, withToken(f.official))
	require.Empty(t, res.Errors)
	id := res.Data["createConsultation"].(map[string]any)["consultation"].(map[string]any)["id"].(string)

	q := `query($id: ID!, $after: String) { consultation(id: $id) { sections(first: 2, after: $after) { totalCount
		edges { node { position heading { text } } } pageInfo { hasNextPage endCursor } } } }`
	var headings []string
	var after any
	for range 3 {
		res := b.gql(t, q, map[string]any{"id": id, "after": after}, withToken(f.official))
		require.Empty(t, res.Errors)
		page := res.Data["consultation"].(map[string]any)["sections"].(map[string]any)
		require.Equal(t, float64(5), page["totalCount"])
		for _, e := range page["edges"].([]any) {
			headings = append(headings, e.(map[string]any)["node"].(map[string]any)["heading"].(map[string]any)["text"].(string))
		}
		after = page["pageInfo"].(map[string]any)["endCursor"]
		if page["pageInfo"].(map[string]any)["hasNextPage"] == false {
			break
		}
	}
	require.Equal(t, []string{"Rozdział 1", "Rozdział 2", "Rozdział 3", "Rozdział 4", "Rozdział 5"}, headings)

	tooMany := make([]any, 301)
	for i := range tooMany {
		tooMany[i] = map[string]any{"heading": map[string]any{"locale": "PL", "text": "R"}, "body": map[string]any{"locale": "PL", "text": "T"}}
	}
	in["sections"] = tooMany
	res = b.gql(t, `mutation($in: CreateConsultationInput!) { createConsultation(input: $in) { consultation { id } } }`, map[string]any{"in": in}, withToken(f.official))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "sections", res.Errors[0].Extensions["field"])
}
