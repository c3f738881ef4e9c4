package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("budget_outreach.graphqls")

// TestBudgetOutreachMutations_PermissionMatrix tries every outreach
// mutation with every kind of caller; a refused caller gets
// UNAUTHENTICATED, FORBIDDEN or NOT_FOUND (anonymous: UNAUTHENTICATED,
// except the survey answer, which is anonymous by design), an allowed one
// never does.
func TestBudgetOutreachMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	edition, pool, project := outreachEdition(t, f)
	res := b.gql(t, `mutation($u: ID!) { createBudgetEdition(input: {unitId: $u, year: 2030}) { edition { id } } }`, map[string]any{"u": f.unitID}, withToken(f.official))
	require.Empty(t, res.Errors)
	draft := res.Data["createBudgetEdition"].(map[string]any)["edition"].(map[string]any)["id"].(string)

	starts := time.Now().Add(72 * time.Hour).Truncate(time.Second)
	sv := map[string]any{"e": edition, "s": starts.Format(time.RFC3339), "end": starts.Add(2 * time.Hour).Format(time.RFC3339), "cap": 5}
	res = b.gql(t, createSession, sv, withToken(f.official))
	require.Empty(t, res.Errors)
	session := res.Data["createBudgetSession"].(map[string]any)["session"].(map[string]any)["id"].(string)
	dv := map[string]any{"e": draft, "s": sv["s"], "end": sv["end"], "cap": 5}
	res = b.gql(t, createSession, dv, withToken(f.official))
	require.Empty(t, res.Errors)
	draftSession := res.Data["createBudgetSession"].(map[string]any)["session"].(map[string]any)["id"].(string)

	verified := f.alice
	require.Empty(t, b.gql(t, `mutation($a: ID!) { verifyResident(input: {accountId: $a, identifierType: PESEL, identifier: "44051401359"}) { verified } }`,
		map[string]any{"a": b.accountID(t, verified)}, withToken(f.official)).Errors)
	require.Empty(t, b.gql(t, `mutation($e: ID!) { enrolAsBudgetVoter(input: {editionId: $e, district: "stare-miasto"}) { voterId } }`,
		map[string]any{"e": edition}, withToken(verified)).Errors)
	res = b.gql(t, `mutation($e: ID!, $p: ID!, $x: ID!) { castBallot(input: {editionId: $e, ballotKey: "klucz-macierzy-0123456789", picks: [{poolId: $p, projectIds: [$x]}]}) { surveyToken } }`,
		map[string]any{"e": edition, "p": pool, "x": project}, withToken(verified))
	require.Empty(t, res.Errors)
	token := res.Data["castBallot"].(map[string]any)["surveyToken"].(string)

	otherOfficial := b.signUp(t, "urzedniczka.inna@example.org")
	res = b.gql(t, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Inny wydział", slug: "inny-wydzial"}) { organisation { id } } }`, nil, withToken(f.coord))
	otherUnit := res.Data["createOrganisation"].(map[string]any)["organisation"].(map[string]any)["id"].(string)
	require.Empty(t, b.gql(t, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) { accountId } }`,
		map[string]any{"a": b.accountID(t, otherOfficial), "o": otherUnit}, withToken(f.coord)).Errors)
	unconfirmed := b.signUp(t, "nowy@example.org")

	callers := map[string]string{"anonymous": "", "unconfirmed": unconfirmed, "resident": f.bob, "verified": verified,
		"official": f.official, "other_official": otherOfficial, "coordinator": f.coord}
	staff := []string{"official", "coordinator"}
	signedIn := []string{"unconfirmed", "resident", "verified", "official", "other_official", "coordinator"}
	confirmed := []string{"resident", "verified", "official", "other_official", "coordinator"}
	everyone := append([]string{"anonymous"}, signedIn...)
	sVars := map[string]any{"s": session}
	update := `mutation($s: ID!, $at: DateTime!, $end: DateTime!) { updateBudgetSession(input: {sessionId: $s, title: "Jak głosować?", locale: PL,
		languages: [PL, UK], startsAt: $at, endsAt: $end, place: "Urząd Miasta", online: false, capacity: 10}) { session { id } } }`
	cases := []struct {
		name    string
		query   string
		vars    map[string]any
		allowed []string
	}{
		{"createBudgetSession", createSession, sv, staff},
		{"updateBudgetSession", update, map[string]any{"s": session, "at": sv["s"], "end": sv["end"]}, staff},
		{"registerForBudgetSession", `mutation($s: ID!) { registerForBudgetSession(input: {sessionId: $s}) { session { id } } }`, sVars, confirmed},
		{"cancelBudgetSessionRegistration", `mutation($s: ID!) { cancelBudgetSessionRegistration(input: {sessionId: $s}) { session { id } } }`, sVars, signedIn},
		{"followBudgetEdition", `mutation($e: ID!) { followBudgetEdition(input: {editionId: $e}) { edition { id } } }`, map[string]any{"e": edition}, signedIn},
		{"unfollowBudgetEdition", `mutation($e: ID!) { unfollowBudgetEdition(input: {editionId: $e}) { edition { id } } }`, map[string]any{"e": edition}, signedIn},
		{"setBudgetSurveyEnabled", `mutation($e: ID!) { setBudgetSurveyEnabled(input: {editionId: $e, enabled: false}) { edition { surveyEnabled } } }`,
			map[string]any{"e": edition}, staff},
		{"answerParticipationSurvey", `mutation($t: String!) { answerParticipationSurvey(input: {token: $t, answers: {firstTimeVoter: NO}}) { answered } }`,
			map[string]any{"t": token}, everyone},
		{"cancelBudgetSession", `mutation($s: ID!) { cancelBudgetSession(input: {sessionId: $s, reason: "Prelegent zachorował, nowy termin wkrótce."}) { session { id } } }`,
			sVars, staff},
	}
	names := make([]string, 0, len(cases))
	for _, c := range cases {
		names = append(names, c.name)
	}
	requireMatrixCoversFile(t, "budget_outreach.graphqls", names)
	for _, c := range cases {
		tryEveryCaller(t, b, callers, c.name, c.query, c.vars, c.allowed, nil, firstAllowedSucceeds)
	}

	// A draft's sessions do not exist for residents; staff of another unit
	// may see nothing of it either.
	for _, name := range []string{"resident", "verified", "other_official"} {
		res := b.gql(t, `mutation($s: ID!) { registerForBudgetSession(input: {sessionId: $s}) { session { id } } }`,
			map[string]any{"s": draftSession}, withToken(callers[name]))
		require.Equal(t, "NOT_FOUND", res.code(), name)
		res = b.gql(t, `mutation($e: ID!) { followBudgetEdition(input: {editionId: $e}) { edition { id } } }`,
			map[string]any{"e": draft}, withToken(callers[name]))
		require.Equal(t, "NOT_FOUND", res.code(), name)
	}
}
