package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("dialogue.graphqls")

// Callers of the dialogue matrices beyond the fixture's: a member, the
// chair, the secretary, a guest and an observer of the body, and a member
// and the chair of another body of the same unit.
const (
	callerBodyMember      = "body_member"
	callerBodyChair       = "body_chair"
	callerBodySecretary   = "body_secretary"
	callerBodyGuest       = "body_guest"
	callerBodyObserver    = "body_observer"
	callerOtherBodyMember = "other_body_member"
	callerOtherBodyChair  = "other_body_chair"
)

// bodySeat is where a kind of caller sits: a body and a role on it.
type bodySeat struct{ body, role string }

// seatCallers signs up and confirms one account per kind of caller in
// seats (emails by prefix, to keep each test's apart), appoints it (a
// year's term; guests and observers have none) and adds its token to
// tokens.
func (f *dialogueFixture) seatCallers(t *testing.T, tokens map[string]string, prefix string, seats map[string]bodySeat) {
	t.Helper()
	for kind, at := range seats {
		email := perCaller(prefix, kind)
		tokens[kind] = f.b.signUp(t, email)
		f.b.confirm(t, email)
		days := 365
		if at.role == "GUEST" || at.role == "OBSERVER" {
			days = 0
		}
		f.appoint(t, at.body, tokens[kind], at.role, days)
	}
}

// TestDialogueMutations_PermissionMatrix tries every mutation of
// dialogue.graphqls with every kind of caller, including a member and a chair
// of the body and of another body. Coordinators and admins create and
// dissolve bodies; the unit's officials with them keep a body and its
// members; a chair appoints and removes guests and observers of their own
// body only; a person resigns themself and an organisation's managers
// withdraw it. A non-public body is not there (NOT_FOUND) for outsiders.
func TestDialogueMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	d := &dialogueFixture{consultationFixture: f.consultationFixture}
	body, other, secret := d.createBody(t, true), d.createBody(t, true), d.createBody(t, false)
	tokens := map[string]string{}
	for k, v := range f.tokens {
		tokens[k] = v
	}
	d.seatCallers(t, tokens, "cialo", map[string]bodySeat{
		callerBodyMember: {body, "MEMBER"}, callerBodyChair: {body, "CHAIR"},
		callerOtherBodyMember: {other, "MEMBER"}, callerOtherBodyChair: {other, "CHAIR"},
	})
	staff := []string{callerOfficial, callerCoordinator, callerAdmin}
	withChair := append([]string{callerBodyChair}, staff...)
	global := []string{callerCoordinator, callerAdmin}
	year := time.Now().AddDate(1, 0, 0).Format(time.RFC3339)

	// One fresh account per allowed caller and case, for appointments.
	fresh := func(label string, allowed []string) map[string]string {
		out := map[string]string{}
		for _, c := range allowed {
			email := perCaller("nowy-"+label, c)
			tok := b.signUp(t, email)
			out[c] = b.accountID(t, tok)
		}
		return out
	}
	appointees := map[string]map[string]string{"member": fresh("czlonek", staff), "guest": fresh("gosc", withChair)}
	appointVars := func(kind, role string, allowed []string) func(string) map[string]any {
		return func(c string) map[string]any {
			acc := appointees[kind][allowed[0]]
			if a, ok := appointees[kind][c]; ok {
				acc = a
			}
			in := map[string]any{"bodyId": body, "accountId": acc, "role": role}
			if role == "MEMBER" {
				in["termEnd"] = year
			}
			return map[string]any{"in": in}
		}
	}
	// Memberships to remove: one per allowed caller.
	removable := func(label, role string, allowed []string) map[string]string {
		out := map[string]string{}
		days := 0
		if role == "MEMBER" {
			days = 365
		}
		for _, c := range allowed {
			email := perCaller("odchodzi-"+label, c)
			tok := b.signUp(t, email)
			out[c] = d.appoint(t, body, tok, role, days)
		}
		return out
	}
	toRemove := map[string]map[string]string{"member": removable("czlonek", "MEMBER", staff), "guest": removable("gosc", "GUEST", withChair)}
	removeVars := func(kind string, allowed []string) func(string) map[string]any {
		return func(c string) map[string]any {
			m, ok := toRemove[kind][c]
			if !ok {
				m = toRemove[kind][allowed[0]]
			}
			return map[string]any{"m": m, "r": "nieobecności na posiedzeniach"}
		}
	}
	// Bodies to dissolve: one per allowed caller.
	toDissolve := map[string]string{}
	for _, c := range global {
		toDissolve[c] = d.createBody(t, true)
	}
	// A plain member and a guest whose roles are changed, and the NGO with
	// its member as delegate (the NGO's manager may withdraw it).
	plain := d.appoint(t, body, f.tokens[callerResident], "MEMBER", 365)
	guest := d.appoint(t, body, f.tokens[callerVerified], "GUEST", 0)
	ngoMember := b.accountID(t, tokens[callerNGOMember])
	res := b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": body, "organisationId": f.ngoID, "role": "MEMBER", "termEnd": year,
			"delegates": []any{map[string]any{"accountId": ngoMember}}}}, withToken(f.coord))
	require.Empty(t, res.Errors)
	ngoSeat := dig(res.Data, "appointBodyMember", "member", "id").(string)
	var ownSeat string
	members, _ := (&dialogueFixture{consultationFixture: f.consultationFixture, body: body}).members(t, f.coord, false)
	bodyMemberID := b.accountID(t, tokens[callerBodyMember])
	for id, m := range members {
		if dig(m, "person", "accountId") == bodyMemberID {
			ownSeat = id
		}
	}
	require.NotEmpty(t, ownSeat)

	update := `mutation($id: ID!) { updateBody(input: {id: $id, rules: {documentsPublic: false}}) { body { rules { documentsPublic } } } }`
	appoint := `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id role } } }`
	role := `mutation($m: ID!, $r: BodyRole!) { changeBodyMemberRole(input: {memberId: $m, role: $r}) { member { role } } }`
	remove := `mutation($m: ID!, $r: String!) { removeBodyMember(input: {memberId: $m, reason: $r}) { member { endReason } } }`
	resign := `mutation($m: ID!) { resignFromBody(input: {memberId: $m}) { member { endReason } } }`
	rulesOf := func(id string) any {
		res := b.gql(t, `query($id: ID!) { body(id: $id) { rules { documentsPublic } } }`, map[string]any{"id": id}, withToken(f.coord))
		require.Empty(t, res.Errors)
		return dig(res.Data, "body", "rules", "documentsPublic")
	}
	memberState := func(id string) map[string]any {
		res := b.gql(t, `query($id: ID!) { node(id: $id) { ... on BodyMember { role endReason } } }`, map[string]any{"id": id}, withToken(f.coord))
		require.Empty(t, res.Errors)
		return res.Data["node"].(map[string]any)
	}

	tries := []matrixTry{
		{name: "createBody", query: `mutation($u: ID!) { createBody(input: {unitId: $u, kind: WORKING_GROUP, name: {locale: PL, text: "Zespół"}}) { body { id } } }`,
			vars: fixedVars(map[string]any{"u": f.unitID}), allowed: global},
		{name: "updateBody", label: "a public body", query: update, vars: fixedVars(map[string]any{"id": body}), allowed: staff,
			effect: func(t *testing.T, _ map[string]gqlResponse) { require.Equal(t, false, rulesOf(body)) }},
		{name: "updateBody", label: "a non-public body", query: update, vars: fixedVars(map[string]any{"id": secret}), allowed: staff,
			refused: "NOT_FOUND"},
		{name: "dissolveBody", query: `mutation($id: ID!) { dissolveBody(input: {id: $id, reason: "reorganizacja"}) { body { status } } }`,
			vars: func(c string) map[string]any {
				id, ok := toDissolve[c]
				if !ok {
					id = toDissolve[global[0]]
				}
				return map[string]any{"id": id}
			}, allowed: global,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, "DISSOLVED", dig(res.Data, "dissolveBody", "body", "status"), c)
				}
			}},
		{name: "appointBodyMember", label: "a voting member", query: appoint, vars: appointVars("member", "MEMBER", staff), allowed: staff},
		{name: "appointBodyMember", label: "a guest", query: appoint, vars: appointVars("guest", "GUEST", withChair), allowed: withChair},
		{name: "appointBodyMember", label: "a guest of a non-public body", query: appoint, refused: "NOT_FOUND",
			vars: func(c string) map[string]any {
				acc := appointees["guest"][callerOfficial]
				if c == callerCoordinator || c == callerAdmin {
					acc = appointees["guest"][c]
				}
				return map[string]any{"in": map[string]any{"bodyId": secret, "accountId": acc, "role": "GUEST"}}
			}, allowed: staff},
		{name: "changeBodyMemberRole", label: "a voting member", query: role,
			vars: fixedVars(map[string]any{"m": plain, "r": "DEPUTY_CHAIR"}), allowed: staff,
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				require.Equal(t, "DEPUTY_CHAIR", memberState(plain)["role"])
			}},
		{name: "changeBodyMemberRole", label: "a guest to observer", query: role,
			vars: fixedVars(map[string]any{"m": guest, "r": "OBSERVER"}), allowed: withChair,
			effect: func(t *testing.T, _ map[string]gqlResponse) { require.Equal(t, "OBSERVER", memberState(guest)["role"]) }},
		{name: "setBodyMemberDelegates", query: `mutation($m: ID!, $d: ID!) { setBodyMemberDelegates(input: {memberId: $m, delegates: [{accountId: $d}]}) {
			member { delegates { accountId } } } }`, vars: fixedVars(map[string]any{"m": ngoSeat, "d": ngoMember}), allowed: staff},
		{name: "removeBodyMember", label: "a voting member", query: remove, vars: removeVars("member", staff), allowed: staff,
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				for _, m := range toRemove["member"] {
					require.Equal(t, "REMOVED", memberState(m)["endReason"])
				}
			}},
		{name: "removeBodyMember", label: "a guest", query: remove, vars: removeVars("guest", withChair), allowed: withChair},
		{name: "resignFromBody", label: "an organisation, by its manager", query: resign, vars: fixedVars(map[string]any{"m": ngoSeat}),
			allowed: []string{callerNGOManager},
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				require.Equal(t, "RESIGNED", memberState(ngoSeat)["endReason"])
			}},
		{name: "resignFromBody", label: "oneself", query: resign, vars: fixedVars(map[string]any{"m": ownSeat}),
			allowed: []string{callerBodyMember},
			effect: func(t *testing.T, _ map[string]gqlResponse) {
				require.Equal(t, "RESIGNED", memberState(ownSeat)["endReason"])
			}},
	}
	runMatrix(t, b, tokens, "dialogue.graphqls", tries)
}
