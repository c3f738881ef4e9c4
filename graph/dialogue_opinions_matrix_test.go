package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("dialogue_opinions.graphqls")

// TestDialogueOpinionMutations_PermissionMatrix tries every mutation of
// dialogue_opinions.graphqls with every kind of caller, including a member,
// the chair, a guest and an observer of the body, and a member and the chair
// of another body. Who runs the consultation (the officials of its unit,
// coordinators, admins) asks bodies and withdraws requests; nobody in a
// body does, whatever their role; an official of another unit does not.
// A non-public body is not there (NOT_FOUND) for who may not see it.
func TestDialogueOpinionMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	d := &dialogueFixture{consultationFixture: f.consultationFixture}
	cid := f.openConsultation(t)
	body, other, secret := d.createBody(t, true), d.createBody(t, true), d.createBody(t, false)
	tokens := map[string]string{}
	for k, v := range f.tokens {
		tokens[k] = v
	}
	d.seatCallers(t, tokens, "opinie", map[string]bodySeat{
		callerBodyMember: {body, "MEMBER"}, callerBodyChair: {body, "CHAIR"},
		callerBodyGuest: {body, "GUEST"}, callerBodyObserver: {body, "OBSERVER"},
		callerOtherBodyMember: {other, "MEMBER"}, callerOtherBodyChair: {other, "CHAIR"},
	})
	staff := []string{callerOfficial, callerCoordinator, callerAdmin}

	// One body per allowed caller where a call uses it up (one open request
	// per body).
	bodies := map[string]string{}
	for _, c := range staff {
		bodies[c] = d.createBody(t, true)
	}
	request := func(token, body, consultation string) string {
		res := b.gql(t, `mutation($c: ID!, $b: ID!) { requestBodyOpinion(input: {consultationId: $c, bodyId: $b}) { request { id } } }`,
			map[string]any{"c": consultation, "b": body}, withToken(token))
		require.Empty(t, res.Errors)
		return dig(res.Data, "requestBodyOpinion", "request", "id").(string)
	}
	toWithdraw := map[string]string{}
	for _, c := range staff {
		toWithdraw[c] = request(f.coord, d.createBody(t, true), cid)
	}
	secretRequest := request(f.coord, secret, cid)

	// A consultation of another unit, run by its official, who cannot see
	// the non-public body of this unit.
	otherConsultation := f.otherUnitConsultation(t, tokens[callerOtherOfficial])
	// Who may not see the non-public body.
	outsiders := map[string]string{}
	for k, v := range tokens {
		switch k {
		case callerOfficial, callerCoordinator, callerAdmin:
		default:
			outsiders[k] = v
		}
	}
	outsiders[callerCoordinator] = tokens[callerCoordinator]

	requestQuery := `mutation($c: ID!, $b: ID!) { requestBodyOpinion(input: {consultationId: $c, bodyId: $b,
		note: {locale: PL, text: "Prosimy o opinię."}}) { request { status body { id } } } }`
	withdrawQuery := `mutation($r: ID!) { withdrawBodyOpinionRequest(input: {requestId: $r}) { request { status } } }`
	runMatrix(t, b, tokens, "dialogue_opinions.graphqls", []matrixTry{
		{name: "requestBodyOpinion", label: "public body", query: requestQuery, allowed: staff,
			vars: func(c string) map[string]any {
				target, ok := bodies[c]
				if !ok {
					target = body
				}
				return map[string]any{"c": cid, "b": target}
			},
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, map[string]any{"status": "OPEN", "body": map[string]any{"id": bodies[c]}},
						dig(res.Data, "requestBodyOpinion", "request"), c)
				}
			}},
		{name: "requestBodyOpinion", label: "another unit's consultation, a non-public body", query: requestQuery,
			tokens:  map[string]string{callerOtherOfficial: tokens[callerOtherOfficial], callerCoordinator: tokens[callerCoordinator]},
			allowed: []string{callerCoordinator}, refused: "NOT_FOUND",
			vars: fixedVars(map[string]any{"c": otherConsultation, "b": secret})},
		{name: "withdrawBodyOpinionRequest", label: "public body", query: withdrawQuery, allowed: staff,
			vars: func(c string) map[string]any {
				r, ok := toWithdraw[c]
				if !ok {
					r = toWithdraw[staff[0]]
				}
				return map[string]any{"r": r}
			},
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, "WITHDRAWN", dig(res.Data, "withdrawBodyOpinionRequest", "request", "status"), c)
				}
			}},
		{name: "withdrawBodyOpinionRequest", label: "non-public body", query: withdrawQuery, tokens: outsiders,
			allowed: []string{callerCoordinator}, refused: "NOT_FOUND", vars: fixedVars(map[string]any{"r": secretRequest})},
	})
}

// otherUnitConsultation is an announced consultation of the fixture's other
// unit, drafted and published by its official (token).
func (f *callerFixture) otherUnitConsultation(t *testing.T, token string) string {
	t.Helper()
	now := time.Now()
	opens := now.AddDate(0, 0, 10)
	res := f.b.gql(t, createConsultation, map[string]any{"in": map[string]any{
		"unitId": f.otherUnitID, "title": map[string]any{"locale": "PL", "text": "Konsultacje innego wydziału"},
		"forms":      []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING"},
		"announceAt": now.Add(time.Minute).Format(time.RFC3339), "opensAt": opens.Format(time.RFC3339),
		"closesAt": opens.AddDate(0, 0, 30).Format(time.RFC3339),
	}}, withToken(token))
	require.Empty(t, res.Errors)
	id := dig(res.Data, "createConsultation", "consultation", "id").(string)
	require.Empty(t, f.b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { status } } }`,
		map[string]any{"id": id}, withToken(token)).Errors)
	return id
}
