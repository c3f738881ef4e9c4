package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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
	require.Equal(t, true, dig(m, "viewerCan", "castVote"))
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
}
