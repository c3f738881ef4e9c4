package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

const motionFields = `id status kind majority title { text } text { text } originalText { text } amendedBy { id }
	tabledBy { accountId } tabledFor { person { accountId } organisation { id } }
	vote { format closed changeable voters totals { yes no abstain }
		result { outcome members present voters yes no abstain quorum base needed byCastingVote }
		rollCall { voter { person { accountId } organisation { id } } choice castBy { accountId } } }
	viewerCan { withdraw proposeAmendment openVote closeVote castVote }`

// TestMotion_LifeThroughTheAPI: a member tables a motion, an organisation's
// delegate amends it, the amendment is decided first, then a written vote
// in which the delegate votes for the organisation; the result and the
// full roll call are published with the motion, to anyone who sees the
// body.
func TestMotion_LifeThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	d := &dialogueFixture{consultationFixture: f}
	res := b.gql(t, `mutation($u: ID!) { createBody(input: {unitId: $u, kind: DIALOGUE_COMMISSION, name: {locale: PL, text: "Komisja"}}) {
		body { id } } }`, map[string]any{"u": f.unitID}, withToken(f.coord))
	require.Empty(t, res.Errors)
	body := dig(res.Data, "createBody", "body", "id").(string)
	chair, alice := b.signUp(t, "przewodniczaca@example.org"), b.signUp(t, "alicja@example.org")
	b.confirm(t, "przewodniczaca@example.org")
	b.confirm(t, "alicja@example.org")
	d.appoint(t, body, chair, "CHAIR", 365)
	d.appoint(t, body, alice, "MEMBER", 365)
	delegate := f.moderator // a member of the NGO
	res = b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": body, "organisationId": f.ngoID, "role": "MEMBER",
			"termEnd": time.Now().AddDate(1, 0, 0).Format(time.RFC3339), "delegates": []any{map[string]any{"accountId": b.accountID(t, delegate)}}}},
		withToken(f.coord))
	require.Empty(t, res.Errors)
	motion := func(id, token string) map[string]any {
		t.Helper()
		var opts []reqOpt
		if token != "" {
			opts = append(opts, withToken(token))
		}
		res := b.gql(t, `query($id: ID!) { motion(id: $id) { `+motionFields+` } }`, map[string]any{"id": id}, opts...)
		require.Empty(t, res.Errors)
		return res.Data["motion"].(map[string]any)
	}

	// Tabling: an unknown consultation is refused on its field.
	table := `mutation($in: TableMotionInput!) { tableMotion(input: $in) { motion { id } } }`
	in := map[string]any{"bodyId": body, "kind": "OPINION", "title": map[string]any{"locale": "PL", "text": "Opinia o konsultacjach"},
		"text": map[string]any{"locale": "PL", "text": "Komisja opiniuje pozytywnie."}, "consultationId": body}
	res = b.gql(t, table, map[string]any{"in": in}, withToken(alice))
	require.Equal(t, "INVALID_INPUT", res.code())
	delete(in, "consultationId")
	res = b.gql(t, table, map[string]any{"in": in}, withToken(alice))
	require.Empty(t, res.Errors)
	id := dig(res.Data, "tableMotion", "motion", "id").(string)
	m := motion(id, alice)
	require.Equal(t, "TABLED", m["status"])
	require.Nil(t, m["vote"])
	require.Equal(t, map[string]any{"withdraw": true, "proposeAmendment": true, "openVote": false, "closeVote": false, "castVote": false}, m["viewerCan"])
	require.Equal(t, true, dig(motion(id, chair), "viewerCan", "openVote"))

	res = b.gql(t, `mutation($m: ID!, $o: ID!) { proposeAmendment(input: {motionId: $m, title: {locale: PL, text: "Poprawka"},
		text: {locale: PL, text: "Komisja opiniuje pozytywnie, z uwagami."}, as: {organisationId: $o}}) { amendment { id tabledFor { organisation { id } } } } }`,
		map[string]any{"m": id, "o": f.ngoID}, withToken(delegate))
	require.Empty(t, res.Errors)
	amendment := dig(res.Data, "proposeAmendment", "amendment", "id").(string)
	require.Equal(t, f.ngoID, dig(res.Data, "proposeAmendment", "amendment", "tabledFor", "organisation", "id"))

	open := `mutation($m: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $m, written: {deadline: $d}}) { motion { status } } }`
	deadline := time.Now().Add(time.Hour).Format(time.RFC3339)
	res = b.gql(t, open, map[string]any{"m": id, "d": deadline}, withToken(chair))
	require.Equal(t, "CONFLICT", res.code(), "the amendment is decided first")
	require.Empty(t, b.gql(t, open, map[string]any{"m": amendment, "d": deadline}, withToken(chair)).Errors)
	cast := `mutation($m: ID!, $c: VoteChoice!, $as: BodyVoterInput) { castMotionVote(input: {motionId: $m, choice: $c, as: $as}) {
		voter { person { accountId } organisation { id } } changed } }`
	for _, tok := range []string{chair, alice, delegate} {
		require.Empty(t, b.gql(t, cast, map[string]any{"m": amendment, "c": "YES"}, withToken(tok)).Errors)
	}
	close := `mutation($m: ID!) { closeMotionVote(input: {motionId: $m}) { motion { status } } }`
	res = b.gql(t, close, map[string]any{"m": amendment}, withToken(chair))
	require.Empty(t, res.Errors)
	require.Equal(t, "ADOPTED", dig(res.Data, "closeMotionVote", "motion", "status"))
	m = motion(id, "")
	require.Equal(t, "Komisja opiniuje pozytywnie, z uwagami.", dig(m, "text", "text"))
	require.Equal(t, "Komisja opiniuje pozytywnie.", dig(m, "originalText", "text"))
	require.Equal(t, amendment, dig(m, "amendedBy", "id"))

	// The written vote on the motion.
	require.Empty(t, b.gql(t, open, map[string]any{"m": id, "d": deadline}, withToken(f.coord)).Errors)
	res = b.gql(t, cast, map[string]any{"m": id, "c": "YES", "as": map[string]any{"organisationId": f.ngoID}}, withToken(delegate))
	require.Empty(t, res.Errors)
	require.Equal(t, f.ngoID, dig(res.Data, "castMotionVote", "voter", "organisation", "id"))
	require.Empty(t, b.gql(t, cast, map[string]any{"m": id, "c": "NO"}, withToken(alice)).Errors)
	res = b.gql(t, cast, map[string]any{"m": id, "c": "YES"}, withToken(alice))
	require.Equal(t, "CONFLICT", res.code(), "votes are final under the default rules")
	require.Empty(t, b.gql(t, cast, map[string]any{"m": id, "c": "YES"}, withToken(chair)).Errors)
	m = motion(id, alice)
	require.Equal(t, "VOTING", m["status"])
	require.Equal(t, map[string]any{"yes": float64(2), "no": float64(1), "abstain": float64(0)}, dig(m, "vote", "totals"))
	require.Nil(t, dig(m, "vote", "rollCall"), "the roll call comes with the result")
	require.Nil(t, dig(m, "vote", "result"))
	require.Equal(t, false, dig(m, "viewerCan", "castVote"), "alice has voted, and votes are final")
	require.Equal(t, "FORBIDDEN", b.gql(t, close, map[string]any{"m": id}, withToken(alice)).code())
	require.Empty(t, b.gql(t, close, map[string]any{"m": id}, withToken(chair)).Errors)

	m = motion(id, "")
	require.Equal(t, "ADOPTED", m["status"])
	require.Equal(t, map[string]any{"outcome": "ADOPTED", "members": float64(3), "present": float64(3), "voters": float64(3),
		"yes": float64(2), "no": float64(1), "abstain": float64(0), "quorum": float64(2), "base": float64(3), "needed": float64(2),
		"byCastingVote": false}, dig(m, "vote", "result"))
	roll := map[string]string{}
	for _, e := range dig(m, "vote", "rollCall").([]any) {
		who, _ := dig(e, "voter", "person", "accountId").(string)
		if org, ok := dig(e, "voter", "organisation", "id").(string); ok {
			who = org
			require.Equal(t, b.accountID(t, delegate), dig(e, "castBy", "accountId"), "cast by the delegate")
		}
		roll[who] = dig(e, "choice").(string)
	}
	require.Equal(t, map[string]string{b.accountID(t, chair): "YES", b.accountID(t, alice): "NO", f.ngoID: "YES"}, roll)
	require.Equal(t, "PHASE_CLOSED", b.gql(t, cast, map[string]any{"m": id, "c": "YES"}, withToken(chair)).code())

	// The body lists it; its tabler's export has it.
	res = b.gql(t, `query($b: ID!) { body(id: $b) { motions { totalCount edges { node { id amendments { totalCount } } } } } }`,
		map[string]any{"b": body}, nil...)
	require.Empty(t, res.Errors)
	require.Equal(t, float64(1), dig(res.Data, "body", "motions", "totalCount"))
	res = b.gql(t, `{ me { dataExport } }`, nil, withToken(alice))
	require.Empty(t, res.Errors)
	raw := dig(res.Data, "me", "dataExport").(string)
	var export map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &export))
	tabled := dig(export, "domains", "dialogueMotions", "tabled").([]any)
	require.Len(t, tabled, 1)
	require.Equal(t, "adopted", dig(tabled[0], "status"))
	require.False(t, strings.Contains(raw, `"choice"`), "votes are the body's roll call, not the voter's export")

	// A non-public body's motions are not there for outsiders.
	require.Empty(t, b.gql(t, `mutation($b: ID!) { updateBody(input: {id: $b, public: false}) { body { id } } }`,
		map[string]any{"b": body}, withToken(f.coord)).Errors)
	outsider := b.signUp(t, "obcy@example.org")
	res = b.gql(t, `query($id: ID!) { motion(id: $id) { id } node(id: $id) { id } }`, map[string]any{"id": id}, withToken(outsider))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"motion": nil, "node": nil}, res.Data)
	require.Equal(t, "NOT_FOUND", b.gql(t, `mutation($m: ID!) { withdrawMotion(input: {motionId: $m}) { motion { id } } }`,
		map[string]any{"m": id}, withToken(outsider)).code())
	require.Equal(t, id, dig(motion(id, alice), "id"), "its members still see it")
}

// TestElection_BallotsAreUnlinkableThroughTheAPI: two voters picking
// different candidates get the same answers from the API; neither the
// audit log nor their GDPR export holds a choice; only totals come out.
func TestElection_BallotsAreUnlinkableThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	d := &dialogueFixture{consultationFixture: f}
	res := b.gql(t, `mutation($u: ID!) { createBody(input: {unitId: $u, kind: ADVISORY_COUNCIL, name: {locale: PL, text: "Rada"}}) {
		body { id } } }`, map[string]any{"u": f.unitID}, withToken(f.coord))
	require.Empty(t, res.Errors)
	body := dig(res.Data, "createBody", "body", "id").(string)
	voters := map[string]string{}
	for _, name := range []string{"ala", "ola", "ela"} {
		email := name + "@example.org"
		voters[name] = b.signUp(t, email)
		b.confirm(t, email)
		d.appoint(t, body, voters[name], "MEMBER", 365)
	}
	v := &votesFixture{b: b, body: body, manager: f.coord}
	e := v.election(t, 1)
	c1, c2 := v.stand(t, e, "kandydatka-1"), v.stand(t, e, "kandydatka-2")
	v.openBallot(t, e)

	cast := `mutation($e: ID!, $p: [ID!]!) { castElectionBallot(input: {electionId: $e, picks: $p}) {
		election { status voters result { outcome } candidates { id endorsements } } } }`
	r1 := b.gql(t, cast, map[string]any{"e": e, "p": []string{c1}}, withToken(voters["ala"]))
	r2 := b.gql(t, cast, map[string]any{"e": e, "p": []string{c2}}, withToken(voters["ola"]))
	require.Empty(t, r1.Errors)
	require.Empty(t, r2.Errors)
	require.Nil(t, dig(r2.Data, "castElectionBallot", "election", "result"), "no result, no standings while open")
	res = b.gql(t, cast, map[string]any{"e": e, "p": []string{c1, c2}}, withToken(voters["ela"]))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "picks", res.Errors[0].Extensions["field"])
	require.Empty(t, b.gql(t, cast, map[string]any{"e": e, "p": []string{}}, withToken(voters["ela"])).Errors, "a blank ballot")
	view := `query($e: ID!) { election(id: $e) { status voters result { outcome } candidates { id } viewerCan { castBallot } } }`
	seen := b.gql(t, view, map[string]any{"e": e}, withToken(voters["ala"]))
	require.Empty(t, seen.Errors)
	require.Equal(t, seen.Data, b.gql(t, view, map[string]any{"e": e}, withToken(voters["ola"])).Data,
		"voters who chose differently see the same")

	res = b.gql(t, `mutation($e: ID!) { closeElection(input: {electionId: $e}) { election { result { outcome voters blank
		standings { candidateId votes elected tied } } } } }`, map[string]any{"e": e}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"outcome": "TIED", "voters": float64(3), "blank": float64(1), "standings": []any{
		map[string]any{"candidateId": c1, "votes": float64(1), "elected": false, "tied": true},
		map[string]any{"candidateId": c2, "votes": float64(1), "elected": false, "tied": true},
	}}, dig(res.Data, "closeElection", "election", "result"))

	// Neither the audit log nor a voter's export holds a choice.
	var audited int
	require.NoError(t, b.pool.QueryRow(context.Background(), `select count(*) from audit_log
		where data::text ~ $1 or data::text ~ $2 or object_id ~ $1 or object_id ~ $2`,
		rawID(t, c1), rawID(t, c2)).Scan(&audited))
	require.Equal(t, 0, audited)
	for name, tok := range voters {
		res := b.gql(t, `{ me { dataExport } }`, nil, withToken(tok))
		require.Empty(t, res.Errors)
		raw := dig(res.Data, "me", "dataExport").(string)
		require.NotContains(t, raw, rawID(t, c1), name)
		require.NotContains(t, raw, rawID(t, c2), name)
		require.NotContains(t, raw, "picks", name)
	}
}

// rawID is the UUID inside a global id.
func rawID(t *testing.T, id string) string {
	t.Helper()
	_, key, ok := gid.Decode(id)
	require.True(t, ok)
	return key.String()
}
