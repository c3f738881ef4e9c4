package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// dialogueFixture is the consultation fixture (a unit with its official, a
// coordinator, an NGO, residents) with a public advisory council.
type dialogueFixture struct {
	*consultationFixture
	body string
}

const bodyFields = `id kind status public name { text locale } mandate { text } unit { id }
	rules { quorum { numerator denominator } majority chairBreaksTies remoteAttendanceCounts votesChangeableBeforeClose documentsPublic }
	viewerCan { update dissolve manageMembers appointGuests }`

const memberFields = `id role votes active termStart termEnd endedAt endReason person { accountId displayName }
	organisation { id } delegates { accountId kind } viewerCanResign`

func newDialogueFixture(t *testing.T) *dialogueFixture {
	t.Helper()
	f := &dialogueFixture{consultationFixture: newConsultationFixture(t)}
	f.body = f.createBody(t, true)
	return f
}

func (f *dialogueFixture) createBody(t *testing.T, public bool) string {
	t.Helper()
	res := f.b.gql(t, `mutation($in: CreateBodyInput!) { createBody(input: $in) { body { id } } }`, map[string]any{"in": map[string]any{
		"unitId": f.unitID, "kind": "MIGRANTS_COUNCIL", "public": public,
		"name":    map[string]any{"locale": "PL", "text": "Rada ds. Cudzoziemców"},
		"mandate": map[string]any{"locale": "PL", "text": "Opiniuje politykę miasta wobec cudzoziemców."},
		"rules":   map[string]any{"quorum": map[string]any{"numerator": 2, "denominator": 3}, "majority": "ABSOLUTE"}}},
		withToken(f.coord))
	require.Empty(t, res.Errors)
	return dig(res.Data, "createBody", "body", "id").(string)
}

// appoint appoints a person (role, term end in days; 0: none) as the
// coordinator and returns the membership id.
func (f *dialogueFixture) appoint(t *testing.T, body, token, role string, days int) string {
	t.Helper()
	in := map[string]any{"bodyId": body, "accountId": f.b.accountID(t, token), "role": role}
	if days > 0 {
		in["termEnd"] = time.Now().AddDate(0, 0, days).Format(time.RFC3339)
	}
	res := f.b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
		map[string]any{"in": in}, withToken(f.coord))
	require.Empty(t, res.Errors)
	return dig(res.Data, "appointBodyMember", "member", "id").(string)
}

func (f *dialogueFixture) addToNGO(t *testing.T, token, role string) {
	t.Helper()
	res := f.b.gql(t, `mutation($o: ID!, $a: ID!, $r: MemberRole!) { addOrganisationMember(input: {organisationId: $o, accountId: $a, role: $r}) { member { role } } }`,
		map[string]any{"o": f.ngoID, "a": f.b.accountID(t, token), "r": role}, withToken(f.coord))
	require.Empty(t, res.Errors)
}

// members returns the body's members by id as the caller sees them.
func (f *dialogueFixture) members(t *testing.T, token string, includeEnded bool) (map[string]map[string]any, int) {
	t.Helper()
	var opts []reqOpt
	if token != "" {
		opts = append(opts, withToken(token))
	}
	res := f.b.gql(t, `query($id: ID!, $all: Boolean) { body(id: $id) { members(includeEnded: $all, first: 50) { totalCount
		edges { node { `+memberFields+` } } } } }`, map[string]any{"id": f.body, "all": includeEnded}, opts...)
	require.Empty(t, res.Errors)
	out := map[string]map[string]any{}
	for _, e := range dig(res.Data, "body", "members", "edges").([]any) {
		n := dig(e, "node").(map[string]any)
		out[n["id"].(string)] = n
	}
	return out, int(dig(res.Data, "body", "members", "totalCount").(float64))
}

// TestDialogueBody_Life goes through a body's life: created with its rules,
// persons and an organisation with delegates appointed, roles changed,
// delegates changed, a guest resigns, a term ends by the clock, and the
// history stays public.
func TestDialogueBody_Life(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b

	res := b.gql(t, `query($id: ID!) { body(id: $id) { `+bodyFields+` } }`, map[string]any{"id": f.body})
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"id": f.body, "kind": "MIGRANTS_COUNCIL", "status": "ACTIVE", "public": true,
		"name":    map[string]any{"text": "Rada ds. Cudzoziemców", "locale": "PL"},
		"mandate": map[string]any{"text": "Opiniuje politykę miasta wobec cudzoziemców."}, "unit": map[string]any{"id": f.unitID},
		"rules": map[string]any{"quorum": map[string]any{"numerator": 2.0, "denominator": 3.0}, "majority": "ABSOLUTE",
			"chairBreaksTies": true, "remoteAttendanceCounts": true, "votesChangeableBeforeClose": false, "documentsPublic": true},
		"viewerCan": map[string]any{"update": false, "dissolve": false, "manageMembers": false, "appointGuests": false}},
		res.Data["body"], "anyone reads a public body")
	res = b.gql(t, `query($id: ID!) { node(id: $id) { ... on Body { viewerCan { update dissolve manageMembers appointGuests } } } }`,
		map[string]any{"id": f.body}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"update": true, "dissolve": false, "manageMembers": true, "appointGuests": true},
		dig(res.Data, "node", "viewerCan"))

	// Alice chairs, carol is a member for 30 days; the NGO sits with the
	// moderator as main delegate and dan as substitute.
	chair := f.appoint(t, f.body, f.alice, "CHAIR", 365)
	carol := f.appoint(t, f.body, f.carol, "MEMBER", 30)
	f.addToNGO(t, f.dan, "MEMBER")
	appointOrg := `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { body { id } member { ` + memberFields + ` } } }`
	orgIn := map[string]any{"bodyId": f.body, "organisationId": f.ngoID, "role": "MEMBER",
		"termEnd": time.Now().AddDate(2, 0, 0).Format(time.RFC3339),
		"delegates": []any{map[string]any{"accountId": b.accountID(t, f.moderator)},
			map[string]any{"accountId": b.accountID(t, f.dan), "substitute": true}}}
	res = b.gql(t, appointOrg, map[string]any{"in": orgIn}, withToken(f.official))
	require.Empty(t, res.Errors)
	ngo := dig(res.Data, "appointBodyMember", "member").(map[string]any)
	require.Nil(t, ngo["person"])
	require.Equal(t, map[string]any{"id": f.ngoID}, ngo["organisation"])
	require.Equal(t, []any{map[string]any{"accountId": b.accountID(t, f.moderator), "kind": "MAIN"},
		map[string]any{"accountId": b.accountID(t, f.dan), "kind": "SUBSTITUTE"}}, ngo["delegates"])
	require.Equal(t, true, ngo["votes"])
	require.Equal(t, true, ngo["active"])

	// Twice the same organisation, or a second chair: CONFLICT.
	require.Equal(t, "CONFLICT", b.gql(t, appointOrg, map[string]any{"in": orgIn}, withToken(f.official)).code())
	res = b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "accountId": b.accountID(t, f.bob), "role": "CHAIR",
			"termEnd": time.Now().AddDate(1, 0, 0).Format(time.RFC3339)}}, withToken(f.coord))
	require.Equal(t, "CONFLICT", res.code())

	// The chair invites bob as a guest (open-ended); a guest never votes.
	res = b.gql(t, `query($id: ID!) { body(id: $id) { viewerCan { manageMembers appointGuests } } }`, map[string]any{"id": f.body}, withToken(f.alice))
	require.Equal(t, map[string]any{"manageMembers": false, "appointGuests": true}, dig(res.Data, "body", "viewerCan"))
	res = b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id votes termEnd } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "accountId": b.accountID(t, f.bob), "role": "GUEST"}}, withToken(f.alice))
	require.Empty(t, res.Errors)
	guest := dig(res.Data, "appointBodyMember", "member", "id").(string)
	require.Equal(t, false, dig(res.Data, "appointBodyMember", "member", "votes"))
	require.Nil(t, dig(res.Data, "appointBodyMember", "member", "termEnd"))

	// Carol becomes secretary; the NGO's delegates change.
	res = b.gql(t, `mutation($m: ID!) { changeBodyMemberRole(input: {memberId: $m, role: SECRETARY}) { member { role } } }`,
		map[string]any{"m": carol}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, "SECRETARY", dig(res.Data, "changeBodyMemberRole", "member", "role"))
	res = b.gql(t, `mutation($m: ID!, $d: ID!) { setBodyMemberDelegates(input: {memberId: $m, delegates: [{accountId: $d}]}) {
		member { delegates { accountId kind } } } }`, map[string]any{"m": ngo["id"], "d": b.accountID(t, f.dan)}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, []any{map[string]any{"accountId": b.accountID(t, f.dan), "kind": "MAIN"}},
		dig(res.Data, "setBodyMemberDelegates", "member", "delegates"))

	// The guest resigns.
	res = b.gql(t, `query($id: ID!) { node(id: $id) { ... on BodyMember { viewerCanResign } } }`, map[string]any{"id": guest}, withToken(f.bob))
	require.Equal(t, true, dig(res.Data, "node", "viewerCanResign"))
	res = b.gql(t, `mutation($m: ID!) { resignFromBody(input: {memberId: $m}) { member { active endReason } } }`,
		map[string]any{"m": guest}, withToken(f.bob))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"active": false, "endReason": "RESIGNED"}, dig(res.Data, "resignFromBody", "member"))

	current, total := f.members(t, "", false)
	require.Equal(t, 3, total)
	require.Equal(t, "SECRETARY", current[carol]["role"])
	require.Equal(t, map[string]any{"accountId": b.accountID(t, f.alice), "displayName": "Tester"}, current[chair]["person"])

	// A month later carol's term is over: the clock alone ends it, and the
	// history keeps it, publicly.
	later := time.Now().AddDate(0, 0, 31)
	b.dialogue.SetClock(func() time.Time { return later })
	current, total = f.members(t, "", false)
	require.Equal(t, 2, total)
	require.NotContains(t, current, carol)
	all, total := f.members(t, "", true)
	require.Equal(t, 4, total)
	require.Equal(t, false, all[carol]["active"])
	require.Equal(t, "TERM_ENDED", all[carol]["endReason"])
	require.Equal(t, all[carol]["termEnd"], all[carol]["endedAt"])
	require.Equal(t, "RESIGNED", all[guest]["endReason"])
	res = b.gql(t, `mutation($m: ID!) { changeBodyMemberRole(input: {memberId: $m, role: MEMBER}) { member { role } } }`,
		map[string]any{"m": carol}, withToken(f.official))
	require.Equal(t, "PHASE_CLOSED", res.code())

	// Dissolution ends the rest and closes the body.
	res = b.gql(t, `mutation($id: ID!) { dissolveBody(input: {id: $id, reason: "Nowa rada od przyszłego roku"}) { body { status viewerCan { update } } } }`,
		map[string]any{"id": f.body}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"status": "DISSOLVED", "viewerCan": map[string]any{"update": false}}, dig(res.Data, "dissolveBody", "body"))
	current, total = f.members(t, "", false)
	require.Equal(t, 0, total)
	require.Empty(t, current)
	all, _ = f.members(t, "", true)
	require.Equal(t, "BODY_DISSOLVED", all[chair]["endReason"])
	res = b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "accountId": b.accountID(t, f.bob), "role": "GUEST"}}, withToken(f.coord))
	require.Equal(t, "PHASE_CLOSED", res.code())
}

func TestDialogueBody_NonPublicListedOnlyToWhoMaySeeIt(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	secret := f.createBody(t, false)
	f.appoint(t, secret, f.alice, "MEMBER", 30)
	list := `{ bodies(first: 10) { totalCount edges { node { id } } } }`
	ids := func(token string) []any {
		t.Helper()
		var opts []reqOpt
		if token != "" {
			opts = append(opts, withToken(token))
		}
		res := b.gql(t, list, nil, opts...)
		require.Empty(t, res.Errors)
		var out []any
		for _, e := range dig(res.Data, "bodies", "edges").([]any) {
			out = append(out, dig(e, "node", "id"))
		}
		require.Equal(t, float64(len(out)), dig(res.Data, "bodies", "totalCount"))
		return out
	}
	require.Equal(t, []any{f.body}, ids(""))
	require.Equal(t, []any{f.body}, ids(f.bob))
	require.ElementsMatch(t, []any{f.body, secret}, ids(f.alice))
	require.ElementsMatch(t, []any{f.body, secret}, ids(f.official))
	res := b.gql(t, `query($id: ID!) { body(id: $id) { id } node(id: $id) { id } }`, map[string]any{"id": secret}, withToken(f.bob))
	require.Empty(t, res.Errors)
	require.Nil(t, res.Data["body"])
	require.Nil(t, res.Data["node"])
	res = b.gql(t, `mutation($id: ID!) { updateBody(input: {id: $id, public: true}) { body { id } } }`, map[string]any{"id": secret}, withToken(f.bob))
	require.Equal(t, "NOT_FOUND", res.code())
}

func TestDialogueBody_BadInputRefusedWithCodes(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	create := `mutation($in: CreateBodyInput!) { createBody(input: $in) { body { id } } }`
	appoint := `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`
	name := map[string]any{"locale": "PL", "text": "Zespół"}
	year := time.Now().AddDate(1, 0, 0).Format(time.RFC3339)
	for _, c := range []struct {
		query string
		in    map[string]any
		field string
	}{
		{create, map[string]any{"unitId": f.ngoID, "kind": "WORKING_GROUP", "name": name}, "unitId"},
		{create, map[string]any{"unitId": f.unitID, "kind": "WORKING_GROUP", "name": map[string]any{"locale": "PL", "text": " "}}, "name"},
		{create, map[string]any{"unitId": f.unitID, "kind": "WORKING_GROUP", "name": name,
			"rules": map[string]any{"quorum": map[string]any{"numerator": 0, "denominator": 2}}}, "quorum"},
		{create, map[string]any{"unitId": "garbage", "kind": "WORKING_GROUP", "name": name}, "unitId"},
		{appoint, map[string]any{"bodyId": f.body, "accountId": b.accountID(t, f.bob), "role": "MEMBER"}, "termEnd"},
		{appoint, map[string]any{"bodyId": f.body, "role": "GUEST"}, "accountId"},
		{appoint, map[string]any{"bodyId": f.body, "organisationId": f.ngoID, "role": "MEMBER", "termEnd": year,
			"delegates": []any{map[string]any{"accountId": b.accountID(t, f.bob)}}}, "delegates"},
		{appoint, map[string]any{"bodyId": f.body, "organisationId": f.ngoID, "role": "MEMBER", "termEnd": year}, "delegates"},
		{appoint, map[string]any{"bodyId": f.body, "accountId": b.accountID(t, f.bob), "role": "MEMBER",
			"termEnd": time.Now().Add(-time.Hour).Format(time.RFC3339)}, "termEnd"},
	} {
		res := b.gql(t, c.query, map[string]any{"in": c.in}, withToken(f.coord))
		require.Equal(t, "INVALID_INPUT", res.code(), "%v", c.in)
		require.Equal(t, c.field, res.Errors[0].Extensions["field"], "%v", c.in)
		require.NotEmpty(t, res.Errors[0].Message)
	}
	res := b.gql(t, `mutation($id: ID!) { dissolveBody(input: {id: $id, reason: ""}) { body { id } } }`, map[string]any{"id": f.body},
		withToken(f.coord))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "reason", res.Errors[0].Extensions["field"])
	res = b.gql(t, `mutation($id: ID!) { dissolveBody(input: {id: $id, reason: "koniec"}) { body { id } } }`, map[string]any{"id": f.body},
		withToken(f.coord))
	require.Empty(t, res.Errors)
	res = b.gql(t, `mutation($id: ID!) { updateBody(input: {id: $id, public: false}) { body { id } } }`, map[string]any{"id": f.body},
		withToken(f.official))
	require.Equal(t, "PHASE_CLOSED", res.code())
	require.Equal(t, "This dialogue body has been dissolved: nothing in it can change any more.", res.Errors[0].Message,
		"in the caller's language (the account's: English)")
}

// TestDialogueBody_GDPRExportAndErasure: a member's export holds their
// memberships and delegations; deleting the account ends them, and the
// public history shows a deleted account.
func TestDialogueBody_GDPRExportAndErasure(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	member := f.appoint(t, f.body, f.alice, "MEMBER", 365)
	f.addToNGO(t, f.alice, "MEMBER")
	res := b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "organisationId": f.ngoID, "role": "MEMBER",
			"termEnd":   time.Now().AddDate(1, 0, 0).Format(time.RFC3339),
			"delegates": []any{map[string]any{"accountId": b.accountID(t, f.alice)}}}}, withToken(f.coord))
	require.Empty(t, res.Errors)
	orgMember := dig(res.Data, "appointBodyMember", "member", "id").(string)

	res = b.gql(t, `{ me { dataExport } }`, nil, withToken(f.alice))
	require.Empty(t, res.Errors)
	var export map[string]any
	require.NoError(t, json.Unmarshal([]byte(dig(res.Data, "me", "dataExport").(string)), &export))
	section := dig(export, "domains", "dialogueBodies").(map[string]any)
	memberships := section["memberships"].([]any)
	require.Len(t, memberships, 1)
	require.Equal(t, "member", dig(memberships[0], "role"))
	require.Nil(t, dig(memberships[0], "endReason"))
	delegations := section["delegations"].([]any)
	require.Len(t, delegations, 1)
	require.Equal(t, "main", dig(delegations[0], "kind"))

	res = b.gql(t, `mutation { deleteAccount(input: {password: "correct horse battery"}) { deletedAccountId } }`, nil, withToken(f.alice))
	require.Empty(t, res.Errors)
	all, total := f.members(t, "", true)
	require.Equal(t, 2, total, "the history stays")
	require.Nil(t, dig(all[member], "person", "displayName"), "shown as a deleted account")
	require.Equal(t, "ACCOUNT_DELETED", all[member]["endReason"])
	require.Equal(t, true, all[orgMember]["active"], "the organisation keeps its seat")
	require.Equal(t, []any{}, all[orgMember]["delegates"], "without the deleted delegate")
}

// TestDialogueBody_PageStatementsDoNotGrowWithThePage: a page of bodies
// (names, units, rules, viewerCan) and a page of members (people,
// organisations with delegates) cost as many statements for 2 items as for
// 6.
func TestDialogueBody_PageStatementsDoNotGrowWithThePage(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	for range 5 {
		f.createBody(t, false)
	}
	// The organisation first, so that both pages hold one.
	f.addToNGO(t, f.dan, "MEMBER")
	res := b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "organisationId": f.ngoID, "role": "MEMBER",
			"termEnd":   time.Now().AddDate(1, 0, 0).Format(time.RFC3339),
			"delegates": []any{map[string]any{"accountId": b.accountID(t, f.dan)}, map[string]any{"accountId": b.accountID(t, f.moderator), "substitute": true}}}},
		withToken(f.coord))
	require.Empty(t, res.Errors)
	f.appoint(t, f.body, f.alice, "CHAIR", 365)
	f.appoint(t, f.body, f.bob, "MEMBER", 365)
	f.appoint(t, f.body, f.carol, "GUEST", 0)
	f.createBody(t, true)
	f.createBody(t, true)

	count := func(q string, n int, path ...string) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		res := b.gql(t, q, map[string]any{"id": f.body, "n": n}, withToken(f.official))
		require.Empty(t, res.Errors)
		require.Len(t, dig(res.Data, path...), n)
		return b.queries.since(before)
	}
	bodies := `query($n: Int) { bodies(first: $n) { totalCount edges { node { id kind name { text } mandate { text } unit { name }
		rules { majority } viewerCan { update manageMembers appointGuests } } } } }`
	two := fewestStatements(func() []string { return count(bodies, 2, "bodies", "edges") })
	six := fewestStatements(func() []string { return count(bodies, 6, "bodies", "edges") })
	require.Equal(t, len(two), len(six), "bodies: for 2:\n%s\nfor 6:\n%s", strings.Join(two, "\n---\n"), strings.Join(six, "\n---\n"))

	members := `query($id: ID!, $n: Int) { body(id: $id) { members(first: $n) { edges { node { id role active person { displayName }
		organisation { name } delegates { accountId kind } viewerCanResign } } } } }`
	two = fewestStatements(func() []string { return count(members, 2, "body", "members", "edges") })
	four := fewestStatements(func() []string { return count(members, 4, "body", "members", "edges") })
	require.Equal(t, len(two), len(four), "members: for 2:\n%s\nfor 4:\n%s", strings.Join(two, "\n---\n"), strings.Join(four, "\n---\n"))
}

// TestBodyViewerCan_AgreesWithTheMutations: for each kind of caller, what
// Body.viewerCan and BodyMember.viewerCanResign promise is exactly what the
// mutations let them do.
func TestBodyViewerCan_AgreesWithTheMutations(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	chair, member := b.signUp(t, "przewodniczaca@example.org"), b.signUp(t, "czlonkini@example.org")
	f.appoint(t, f.body, chair, "CHAIR", 365)
	seat := f.appoint(t, f.body, member, "MEMBER", 365)
	callers := map[string]string{"official": f.official, "coordinator": f.coord, "chair": chair, "member": member, "resident": f.bob}
	ok := func(res gqlResponse) bool {
		t.Helper()
		if len(res.Errors) > 0 {
			require.Contains(t, []string{"FORBIDDEN", "NOT_FOUND"}, res.code(), "%+v", res.Errors)
			return false
		}
		return true
	}
	for name, token := range callers {
		body := f.createBody(t, true) // each caller's own, so that dissolving it harms no other
		f.appoint(t, body, chair, "CHAIR", 365)
		f.appoint(t, body, member, "MEMBER", 365)
		res := b.gql(t, `query($id: ID!) { body(id: $id) { viewerCan { update dissolve manageMembers appointGuests } } }`,
			map[string]any{"id": body}, withToken(token))
		require.Empty(t, res.Errors)
		can := dig(res.Data, "body", "viewerCan").(map[string]any)
		newcomer := func(role string) map[string]any {
			email := perCaller("nowa-"+strings.ToLower(role)+"-"+body[len(body)-6:], name)
			in := map[string]any{"bodyId": body, "accountId": b.accountID(t, b.signUp(t, email)), "role": role}
			if role == "MEMBER" {
				in["termEnd"] = time.Now().AddDate(1, 0, 0).Format(time.RFC3339)
			}
			return map[string]any{"in": in}
		}
		appoint := `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`
		got := map[string]any{
			"update": ok(b.gql(t, `mutation($id: ID!) { updateBody(input: {id: $id, public: true}) { body { id } } }`,
				map[string]any{"id": body}, withToken(token))),
			"appointGuests": ok(b.gql(t, appoint, newcomer("GUEST"), withToken(token))),
			"manageMembers": ok(b.gql(t, appoint, newcomer("MEMBER"), withToken(token))),
		}
		got["dissolve"] = ok(b.gql(t, `mutation($id: ID!) { dissolveBody(input: {id: $id, reason: "próba uprawnień"}) { body { id } } }`,
			map[string]any{"id": body}, withToken(token)))
		require.Equal(t, can, got, name)
	}
	want := map[string]bool{"member": true}
	for name, token := range callers {
		res := b.gql(t, `query($id: ID!) { node(id: $id) { ... on BodyMember { viewerCanResign } } }`, map[string]any{"id": seat}, withToken(token))
		require.Empty(t, res.Errors)
		require.Equal(t, want[name], dig(res.Data, "node", "viewerCanResign"), name)
	}
	for _, name := range []string{"chair", "official", "coordinator", "resident", "member"} {
		res := b.gql(t, `mutation($m: ID!) { resignFromBody(input: {memberId: $m}) { member { id } } }`, map[string]any{"m": seat},
			withToken(callers[name]))
		require.Equal(t, want[name], ok(res), name)
	}
}
