package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// outreachEdition creates an edition with one city pool of one project and
// opens its vote; it returns the edition, pool and project ids.
func outreachEdition(t *testing.T, f *consultationFixture) (edition, pool, project string) {
	t.Helper()
	b := f.b
	now := time.Now()
	res := b.gql(t, `mutation($u: ID!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u, year: 2027, votingOpensAt: $o, votingClosesAt: $c}) {
		edition { id } } }`, map[string]any{"u": f.unitID, "o": now.Add(-time.Hour).Format(time.RFC3339), "c": now.Add(5 * 24 * time.Hour).Format(time.RFC3339)}, withToken(f.official))
	require.Empty(t, res.Errors)
	edition = res.Data["createBudgetEdition"].(map[string]any)["edition"].(map[string]any)["id"].(string)
	res = b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Miasto", kind: CITY, budget: "100.00", rule: "greedy",
		pickMode: EXACTLY, pickCount: 1, ballotKind: RANKED, required: true}) { pool { id } } }`, map[string]any{"e": edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	pool = res.Data["createBudgetPool"].(map[string]any)["pool"].(map[string]any)["id"].(string)
	res = b.gql(t, `mutation($p: ID!) { createBudgetProject(input: {poolId: $p, code: "P1", title: "Projekt", cost: "50.00"}) { project { id } } }`,
		map[string]any{"p": pool}, withToken(f.official))
	require.Empty(t, res.Errors)
	project = res.Data["createBudgetProject"].(map[string]any)["project"].(map[string]any)["id"].(string)
	res = b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Stare Miasto", kind: DISTRICT, district: "stare-miasto",
		budget: "10.00", rule: "greedy", pickMode: EXACTLY, pickCount: 1, ballotKind: RANKED, required: false}) { pool { id } } }`, map[string]any{"e": edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	district := res.Data["createBudgetPool"].(map[string]any)["pool"].(map[string]any)["id"].(string)
	require.Empty(t, b.gql(t, `mutation($p: ID!) { createBudgetProject(input: {poolId: $p, code: "D1", title: "Skwer", cost: "5.00"}) { project { id } } }`,
		map[string]any{"p": district}, withToken(f.official)).Errors)
	require.Empty(t, b.gql(t, `mutation($e: ID!) { openBudgetVoting(input: {editionId: $e}) { edition { id } } }`,
		map[string]any{"e": edition}, withToken(f.official)).Errors)
	return edition, pool, project
}

const createSession = `mutation($e: ID!, $s: DateTime!, $end: DateTime!, $cap: Int) { createBudgetSession(input: {editionId: $e,
	title: "Як голосувати за громадський бюджет?", description: "Зустріч українською та польською.", locale: UK, languages: [UK, PL],
	startsAt: $s, endsAt: $end, place: "Centrum Obywatelskie, ul. Reymonta 20", capacity: $cap}) { session { id } } }`

func TestBudgetOutreach_SessionsFollowingAndSurveyThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	edition, pool, project := outreachEdition(t, f)
	starts := time.Now().Add(72 * time.Hour).Truncate(time.Second)
	sv := map[string]any{"e": edition, "s": starts.Format(time.RFC3339), "end": starts.Add(2 * time.Hour).Format(time.RFC3339), "cap": 1}
	res := b.gql(t, createSession, sv, withToken(f.official))
	require.Empty(t, res.Errors)
	session := res.Data["createBudgetSession"].(map[string]any)["session"].(map[string]any)["id"].(string)

	// One seat: alice takes it, bob waits; alice leaves and bob moves up.
	reg := `mutation($s: ID!) { registerForBudgetSession(input: {sessionId: $s}) { session { registeredCount waitingCount viewerRegistration } } }`
	res = b.gql(t, reg, map[string]any{"s": session}, withToken(f.alice))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"registeredCount": float64(1), "waitingCount": float64(0), "viewerRegistration": "REGISTERED"},
		res.Data["registerForBudgetSession"].(map[string]any)["session"])
	res = b.gql(t, reg, map[string]any{"s": session}, withToken(f.bob))
	require.Equal(t, "WAITLISTED", res.Data["registerForBudgetSession"].(map[string]any)["session"].(map[string]any)["viewerRegistration"])
	res = b.gql(t, `mutation($s: ID!) { cancelBudgetSessionRegistration(input: {sessionId: $s}) { session { registeredCount waitingCount viewerRegistration } } }`,
		map[string]any{"s": session}, withToken(f.alice))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"registeredCount": float64(1), "waitingCount": float64(0), "viewerRegistration": "CANCELLED"},
		res.Data["cancelBudgetSessionRegistration"].(map[string]any)["session"])

	q := `query($id: ID!) { budgetEdition(id: $id) { followerCount viewerFollows surveyEnabled participationSurvey { respondentCount }
		sessions(first: 5) { totalCount edges { node { id title(locale: PL) { text locale isOriginal } languages place online capacity
		viewerRegistration viewerCan { register manage } } } } } }`
	res = b.gql(t, q, map[string]any{"id": edition}, withToken(f.bob))
	require.Empty(t, res.Errors)
	e := res.Data["budgetEdition"].(map[string]any)
	require.Equal(t, float64(0), e["followerCount"])
	require.Equal(t, true, e["surveyEnabled"])
	require.Nil(t, e["participationSurvey"], "residents see the survey once results are published")
	node := e["sessions"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)
	require.Equal(t, session, node["id"])
	require.Equal(t, map[string]any{"text": "Як голосувати за громадський бюджет?", "locale": "UK", "isOriginal": true}, node["title"])
	require.Equal(t, []any{"UK", "PL"}, node["languages"])
	require.Equal(t, "REGISTERED", node["viewerRegistration"])
	require.Equal(t, map[string]any{"register": true, "manage": false}, node["viewerCan"])
	res = b.gql(t, `query($id: ID!) { node(id: $id) { ... on BudgetSession { id registeredCount } } }`, map[string]any{"id": session})
	require.Equal(t, map[string]any{"id": session, "registeredCount": float64(1)}, res.Data["node"])

	res = b.gql(t, `mutation($e: ID!) { followBudgetEdition(input: {editionId: $e}) { edition { followerCount viewerFollows } } }`,
		map[string]any{"e": edition}, withToken(f.carol))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"followerCount": float64(1), "viewerFollows": true}, res.Data["followBudgetEdition"].(map[string]any)["edition"])

	// Voters get a survey token with the ballot and answer anonymously,
	// once, while the vote is open.
	token := outreachBallot(t, f, f.alice, "44051401359", edition, pool, project)
	late := outreachBallot(t, f, f.bob, "02070803628", edition, pool, project)
	answer := `mutation($t: String!) { answerParticipationSurvey(input: {token: $t, answers: {migrationExperience: YES, minorityMember: PREFER_NOT_TO_SAY,
		firstLanguage: UK, learnedFrom: SESSION}}) { answered } }`
	res = b.gql(t, answer, map[string]any{"t": token})
	require.Empty(t, res.Errors)
	require.Equal(t, true, res.Data["answerParticipationSurvey"].(map[string]any)["answered"])
	require.Equal(t, "CONFLICT", b.gql(t, answer, map[string]any{"t": token}).code())
	res = b.gql(t, answer, map[string]any{"t": "nieznany-token"})
	require.Equal(t, "FORBIDDEN", res.code())
	require.Equal(t, "Ten link do ankiety jest nieprawidłowy.", res.Errors[0].Message)

	var row string
	require.NoError(t, b.pool.QueryRow(t.Context(), `select concat_ws(',', migration_experience, minority_member, first_language, learned_from,
		coalesce(first_time_voter, '-')) from budget_survey_responses`).Scan(&row))
	require.Equal(t, "yes,prefer_not,uk,session,-", row)

	// While answers can arrive nobody reads the report, staff included:
	// two readings around one answer would give it away.
	survey := `query($id: ID!) { budgetEdition(id: $id) { participationSurvey { fewerThanMinimum minimumGroup respondentCount questions { question } indicator } } }`
	readSurvey := func(opts ...reqOpt) any {
		t.Helper()
		res := b.gql(t, survey, map[string]any{"id": edition}, opts...)
		require.Empty(t, res.Errors)
		return res.Data["budgetEdition"].(map[string]any)["participationSurvey"]
	}
	require.Nil(t, readSurvey(withToken(f.official)))
	require.Nil(t, readSurvey(withToken(f.coord)))

	// Cancelling the session needs a reason and tells the remaining people.
	res = b.gql(t, `mutation($s: ID!) { cancelBudgetSession(input: {sessionId: $s, reason: "Sala niedostępna z powodu remontu."}) { session { cancelled cancelReason } } }`,
		map[string]any{"s": session}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"cancelled": true, "cancelReason": "Sala niedostępna z powodu remontu."}, res.Data["cancelBudgetSession"].(map[string]any)["session"])
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, b.pool.QueryRow(t.Context(), `select count(*) from notifications where kind = 'budget_session_cancelled'`).Scan(&n))
		return n == 1
	}, 10*time.Second, 50*time.Millisecond)

	// The close takes the one final snapshot: staff read it; a late answer
	// is refused and its token is not spent.
	require.Empty(t, b.gql(t, `mutation($e: ID!) { closeBudgetVoting(input: {editionId: $e}) { edition { status } } }`,
		map[string]any{"e": edition}, withToken(f.official)).Errors)
	res = b.gql(t, answer, map[string]any{"t": late})
	require.Equal(t, "PHASE_CLOSED", res.code())
	require.Equal(t, "Ankieta jest otwarta tylko w czasie głosowania: odpowiedzi nie są już przyjmowane.", res.Errors[0].Message)
	var tokens, unused, answers int
	require.NoError(t, b.pool.QueryRow(t.Context(), `select count(*), count(*) filter (where not used),
		(select count(*) from budget_survey_responses) from budget_survey_tokens`).Scan(&tokens, &unused, &answers))
	require.Equal(t, []int{2, 1, 1}, []int{tokens, unused, answers})
	final := map[string]any{"fewerThanMinimum": true, "minimumGroup": float64(10), "respondentCount": nil, "questions": []any{}, "indicator": nil}
	require.Equal(t, final, readSurvey(withToken(f.official)))
	require.Equal(t, final, readSurvey(withToken(f.coord)))
	require.Nil(t, readSurvey(withToken(f.bob)), "residents see the survey once results are published")
	require.Nil(t, readSurvey())

	// Published results: everyone reads the same report.
	require.Empty(t, b.gql(t, `mutation($e: ID!) { computeBudgetResults(input: {editionId: $e}) { edition { id } } }`,
		map[string]any{"e": edition}, withToken(f.official)).Errors)
	for _, member := range []string{f.official, f.coord} {
		require.Empty(t, b.gql(t, `mutation($e: ID!) { certifyBudgetResults(input: {editionId: $e, invalidBallots: 0}) { certification { certified } } }`,
			map[string]any{"e": edition}, withToken(member)).Errors)
	}
	require.Empty(t, b.gql(t, `mutation($e: ID!) { publishBudgetResults(input: {editionId: $e}) { edition { status } } }`,
		map[string]any{"e": edition}, withToken(f.official)).Errors)
	require.Equal(t, final, readSurvey(withToken(f.bob)))
	require.Equal(t, final, readSurvey())
}

// outreachBallot verifies the account, puts it on the Stare Miasto roll,
// casts its ballot and returns the survey token handed out with it.
func outreachBallot(t *testing.T, f *consultationFixture, account, pesel, edition, pool, project string) string {
	t.Helper()
	b := f.b
	require.Empty(t, b.gql(t, `mutation($a: ID!, $i: String!) { verifyResident(input: {accountId: $a, identifierType: PESEL, identifier: $i}) { verified } }`,
		map[string]any{"a": b.accountID(t, account), "i": pesel}, withToken(f.official)).Errors)
	require.Empty(t, b.gql(t, `mutation($e: ID!) { enrolAsBudgetVoter(input: {editionId: $e, district: "stare-miasto"}) { voterId } }`,
		map[string]any{"e": edition}, withToken(account)).Errors)
	res := b.gql(t, `mutation($e: ID!, $p: ID!, $x: ID!, $k: String!) { castBallot(input: {editionId: $e, ballotKey: $k, picks: [{poolId: $p, projectIds: [$x]}]}) { surveyToken } }`,
		map[string]any{"e": edition, "p": pool, "x": project, "k": "klucz-ankiety-" + pesel}, withToken(account))
	require.Empty(t, res.Errors)
	token, _ := res.Data["castBallot"].(map[string]any)["surveyToken"].(string)
	require.NotEmpty(t, token)
	return token
}
