package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/i18n"
)

// votingFixture is an open edition (ballot change allowed) with a
// city-wide pool (one pick) and an optional Podgórze pool, a voting point
// with an assigned ballot officer, and alice verified and enrolled.
type votingFixture struct {
	*consultationFixture
	edition, cityPool, cityProject, districtPool, districtProject, point, officer string
}

func newVotingFixture(t *testing.T) *votingFixture {
	t.Helper()
	f := &votingFixture{consultationFixture: newConsultationFixture(t)}
	b := f.b
	now := time.Now()
	data := func(res gqlResponse, path ...string) string {
		t.Helper()
		require.Empty(t, res.Errors)
		var v any = res.Data
		for _, p := range path {
			v = v.(map[string]any)[p]
		}
		return v.(string)
	}
	f.edition = data(b.gql(t, `mutation($u: ID!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u, year: 2028,
		votingOpensAt: $o, votingClosesAt: $c, allowBallotChange: true}) { edition { id } } }`,
		map[string]any{"u": f.unitID, "o": now.Add(-time.Hour).Format(time.RFC3339), "c": now.Add(time.Hour).Format(time.RFC3339)},
		withToken(f.official)), "createBudgetEdition", "edition", "id")
	f.cityPool = data(b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Miasto", kind: CITY, budget: "100.00",
		rule: "greedy", pickMode: EXACTLY, pickCount: 1, ballotKind: RANKED, required: true}) { pool { id } } }`,
		map[string]any{"e": f.edition}, withToken(f.official)), "createBudgetPool", "pool", "id")
	f.cityProject = data(b.gql(t, `mutation($p: ID!) { createBudgetProject(input: {poolId: $p, code: "P1", title: "Projekt", cost: "50.00"}) { project { id } } }`,
		map[string]any{"p": f.cityPool}, withToken(f.official)), "createBudgetProject", "project", "id")
	f.districtPool = data(b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Podgórze", kind: DISTRICT, district: "podgorze",
		budget: "10.00", rule: "greedy", pickMode: EXACTLY, pickCount: 1, ballotKind: RANKED, required: false}) { pool { id } } }`,
		map[string]any{"e": f.edition}, withToken(f.official)), "createBudgetPool", "pool", "id")
	f.districtProject = data(b.gql(t, `mutation($p: ID!) { createBudgetProject(input: {poolId: $p, code: "D1", title: "Dzielnica", cost: "5.00"}) { project { id } } }`,
		map[string]any{"p": f.districtPool}, withToken(f.official)), "createBudgetProject", "project", "id")
	data(b.gql(t, `mutation($e: ID!) { openBudgetVoting(input: {editionId: $e}) { edition { id } } }`, map[string]any{"e": f.edition},
		withToken(f.official)), "openBudgetVoting", "edition", "id")
	f.point = data(b.gql(t, `mutation($e: ID!) { createVotingPoint(input: {editionId: $e, name: "Urząd Podgórze", address: "ul. Wielicka 28a"}) {
		votingPoint { id } } }`, map[string]any{"e": f.edition}, withToken(f.official)), "createVotingPoint", "votingPoint", "id")
	f.officer = b.signUp(t, "komisja@example.org")
	data(b.gql(t, `mutation($p: ID!, $a: ID!) { assignBallotOfficer(input: {votingPointId: $p, accountId: $a}) { votingPoint { id } } }`,
		map[string]any{"p": f.point, "a": b.accountID(t, f.officer)}, withToken(f.official)), "assignBallotOfficer", "votingPoint", "id")
	require.Empty(t, b.gql(t, `mutation($a: ID!) { verifyResident(input: {accountId: $a, identifierType: PESEL, identifier: "44051401359"}) { verified } }`,
		map[string]any{"a": b.accountID(t, f.alice)}, withToken(f.official)).Errors)
	require.Empty(t, b.gql(t, `mutation($e: ID!) { enrolAsBudgetVoter(input: {editionId: $e, district: "podgorze"}) { voterId } }`,
		map[string]any{"e": f.edition}, withToken(f.alice)).Errors)
	return f
}

func (f *votingFixture) picks() []any {
	return []any{map[string]any{"poolId": f.cityPool, "projectIds": []any{f.cityProject}}}
}

func (f *votingFixture) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, f.b.pool.QueryRow(t.Context(), sql, args...).Scan(&n))
	return n
}

const castBallotQ = `mutation($in: CastBallotInput!) { castBallot(input: $in) { ballotId castOn surveyToken } }`

func TestBudgetVoting_AccountBallotAndItsChange(t *testing.T) {
	t.Parallel()
	f := newVotingFixture(t)
	b := f.b
	in := map[string]any{"editionId": f.edition, "ballotKey": "klucz-pierwszy-0123456789", "picks": f.picks()}
	res := b.gql(t, castBallotQ, map[string]any{"in": in}, withToken(f.alice))
	require.Empty(t, res.Errors)
	first := res.Data["castBallot"].(map[string]any)
	require.Equal(t, warsawMidnightToday(), first["castOn"], "the day, as the city's midnight")
	res = b.gql(t, castBallotQ, map[string]any{"in": in}, withToken(f.alice))
	require.Empty(t, res.Errors)
	require.Equal(t, first["ballotId"], res.Data["castBallot"].(map[string]any)["ballotId"])
	require.Nil(t, res.Data["castBallot"].(map[string]any)["surveyToken"], "a retry never returns a second survey token")

	change := `mutation($in: ChangeBallotInput!) { changeBallot(input: $in) { ballotId } }`
	ch := map[string]any{"editionId": f.edition, "ballotKey": "klucz-zly-0123456789", "newBallotKey": "klucz-drugi-0123456789",
		"picks": append(f.picks(), map[string]any{"poolId": f.districtPool, "projectIds": []any{f.districtProject}})}
	res = b.gql(t, change, map[string]any{"in": ch}, withToken(f.alice))
	require.Equal(t, "FORBIDDEN", res.code())
	ch["ballotKey"] = "klucz-pierwszy-0123456789"
	res = b.gql(t, change, map[string]any{"in": ch}, withToken(f.alice))
	require.Empty(t, res.Errors)
	require.NotEqual(t, first["ballotId"], res.Data["changeBallot"].(map[string]any)["ballotId"])
	require.Equal(t, 1, f.count(t, `select count(*) from budget_ballots`))
	require.Equal(t, 2, f.count(t, `select count(*) from budget_ballot_picks`))

	res = b.gql(t, `query($id: ID!) { budgetEdition(id: $id) { allowBallotChange codeQuota votingPoints { name address } } }`,
		map[string]any{"id": f.edition})
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"allowBallotChange": true, "codeQuota": float64(500),
		"votingPoints": []any{map[string]any{"name": "Urząd Podgórze", "address": "ul. Wielicka 28a"}}}, res.Data["budgetEdition"])
}

func TestBudgetVoting_CodesIssuedByAnOfficerAndRedeemedAnonymously(t *testing.T) {
	t.Parallel()
	f := newVotingFixture(t)
	b := f.b
	res := b.gql(t, `mutation($e: ID!) { issueVotingCodes(input: {editionId: $e, voters: [
		{identifierType: PASSPORT, identifier: "AB1234567", district: "podgorze"},
		{identifierType: RESIDENCE_CARD, identifier: "RC7654321", district: "podgorze"}]}) { codes { voterId code } } }`,
		map[string]any{"e": f.edition}, withToken(f.officer))
	require.Empty(t, res.Errors)
	codes := res.Data["issueVotingCodes"].(map[string]any)["codes"].([]any)
	require.Len(t, codes, 2)
	code := codes[0].(map[string]any)["code"].(string)
	require.Regexp(t, `^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$`, code)

	res = b.gql(t, `mutation($e: ID!) { issueVotingCodes(input: {editionId: $e, voters: [
		{identifierType: PASSPORT, identifier: "XY0000001", district: "podgorze"},
		{identifierType: PASSPORT, identifier: "ab 123 4567", district: "podgorze"}]}) { codes { code } } }`,
		map[string]any{"e": f.edition}, withToken(f.officer))
	require.Equal(t, "CONFLICT", res.code())
	require.Equal(t, "voters.1.identifier", res.Errors[0].Extensions["field"])

	redeem := `mutation($in: CastBallotWithCodeInput!) { castBallotWithCode(input: $in) { ballotId castOn surveyToken } }`
	in := map[string]any{"code": code, "ballotKey": "klucz-kodu-0123456789", "picks": f.picks()}
	res = b.gql(t, redeem, map[string]any{"in": in}) // anonymous
	require.Empty(t, res.Errors)
	res = b.gql(t, redeem, map[string]any{"in": in})
	require.Empty(t, res.Errors, "retry")
	require.Nil(t, res.Data["castBallotWithCode"].(map[string]any)["surveyToken"])
	in["ballotKey"] = "inny-klucz-kodu-0123456789"
	require.Equal(t, "CONFLICT", b.gql(t, redeem, map[string]any{"in": in}).code())
	in["code"] = "0000-0000-0000-0000"
	require.Equal(t, "FORBIDDEN", b.gql(t, redeem, map[string]any{"in": in}).code())

	// Re-issue to the second person revokes their first code.
	res = b.gql(t, `mutation($v: ID!) { issueVotingCode(input: {voterId: $v}) { code { code } } }`,
		map[string]any{"v": codes[1].(map[string]any)["voterId"]}, withToken(f.official))
	require.Empty(t, res.Errors)
	in = map[string]any{"code": codes[1].(map[string]any)["code"], "ballotKey": "klucz-trzeci-0123456789", "picks": f.picks()}
	require.Equal(t, "FORBIDDEN", b.gql(t, redeem, map[string]any{"in": in}).code())
	require.Equal(t, 1, f.count(t, `select count(*) from budget_ballot_markers where channel = 'code'`))
}

func TestBudgetVoting_PaperDoubleEntryAndList(t *testing.T) {
	t.Parallel()
	f := newVotingFixture(t)
	b := f.b
	enter := `mutation($in: EnterPaperBallotInput!) { enterPaperBallot(input: $in) { paperBallot { id sheetNumber status reason entries votingPoint { name } } } }`
	in := map[string]any{"votingPointId": f.point, "sheetNumber": "A-1", "picks": f.picks(),
		"voter": map[string]any{"identifierType": "PASSPORT", "identifier": "PP1111111", "district": "podgorze"}}
	res := b.gql(t, enter, map[string]any{"in": in}, withToken(f.officer))
	require.Empty(t, res.Errors)
	require.Equal(t, "PENDING", res.Data["enterPaperBallot"].(map[string]any)["paperBallot"].(map[string]any)["status"])
	// The same entry again (its answer lost): the same answer; the same
	// person with other picks: CONFLICT.
	first := res.Data
	res = b.gql(t, enter, map[string]any{"in": in}, withToken(f.officer))
	require.Empty(t, res.Errors)
	require.Equal(t, first, res.Data)
	changed := map[string]any{"votingPointId": f.point, "sheetNumber": "A-1", "picks": []any{}, "voter": in["voter"]}
	res = b.gql(t, enter, map[string]any{"in": changed}, withToken(f.officer), withLanguage("en"))
	require.Equal(t, "CONFLICT", res.code())
	res = b.gql(t, enter, map[string]any{"in": in}, withToken(f.official))
	require.Empty(t, res.Errors)
	counted := map[string]any{"id": res.Data["enterPaperBallot"].(map[string]any)["paperBallot"].(map[string]any)["id"], "sheetNumber": "A-1",
		"status": "COUNTED", "reason": nil, "entries": float64(2), "votingPoint": map[string]any{"name": "Urząd Podgórze"}}
	require.Equal(t, counted, res.Data["enterPaperBallot"].(map[string]any)["paperBallot"])
	res = b.gql(t, enter, map[string]any{"in": in}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, counted, res.Data["enterPaperBallot"].(map[string]any)["paperBallot"], "the deciding entry again")
	require.Equal(t, "CONFLICT", b.gql(t, enter, map[string]any{"in": changed}, withToken(f.official)).code())
	require.Equal(t, 1, f.count(t, `select count(*) from budget_ballot_markers where channel = 'paper'`))
	require.Equal(t, 2, f.count(t, `select count(*) from budget_paper_entries`))

	// A mismatch, resolved by the commission.
	in["sheetNumber"] = "A-2"
	in["voter"] = map[string]any{"identifierType": "PASSPORT", "identifier": "PP2222222", "district": "podgorze"}
	require.Empty(t, b.gql(t, enter, map[string]any{"in": in}, withToken(f.officer)).Errors)
	other := map[string]any{"votingPointId": f.point, "sheetNumber": "A-2", "picks": []any{},
		"voter": in["voter"]}
	res = b.gql(t, enter, map[string]any{"in": other}, withToken(f.official))
	require.Empty(t, res.Errors)
	sheet := res.Data["enterPaperBallot"].(map[string]any)["paperBallot"].(map[string]any)
	require.Equal(t, "MISMATCH", sheet["status"])
	resolve := `mutation($in: ResolvePaperBallotInput!) { resolvePaperBallot(input: $in) { paperBallot { status } } }`
	rin := map[string]any{"sheetId": sheet["id"], "voter": in["voter"], "picks": f.picks()}
	require.Equal(t, "FORBIDDEN", b.gql(t, resolve, map[string]any{"in": rin}, withToken(f.officer)).code())
	res = b.gql(t, resolve, map[string]any{"in": rin}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, "COUNTED", res.Data["resolvePaperBallot"].(map[string]any)["paperBallot"].(map[string]any)["status"])

	list := `query($id: ID!, $s: PaperBallotStatus) { budgetEdition(id: $id) { paperBallots(status: $s, first: 1) {
		totalCount edges { node { sheetNumber status } } pageInfo { hasNextPage } } } }`
	res = b.gql(t, list, map[string]any{"id": f.edition, "s": "COUNTED"}, withToken(f.officer))
	require.Empty(t, res.Errors)
	conn := res.Data["budgetEdition"].(map[string]any)["paperBallots"].(map[string]any)
	require.Equal(t, float64(2), conn["totalCount"])
	require.Equal(t, true, conn["pageInfo"].(map[string]any)["hasNextPage"])
	require.Equal(t, "A-1", conn["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["sheetNumber"])
	res = b.gql(t, list, map[string]any{"id": f.edition}, withToken(f.bob))
	require.Empty(t, res.Errors)
	require.Nil(t, res.Data["budgetEdition"].(map[string]any)["paperBallots"], "residents do not see paper sheets")
}

func TestBudgetVoting_GuardianCastsTheChildsBallot(t *testing.T) {
	t.Parallel()
	f := newVotingFixture(t)
	b := f.b
	res := b.gql(t, `mutation($e: ID!) { registerChildVoter(input: {editionId: $e, identifierType: OTHER, identifier: "DZIECKO-1", district: "podgorze"}) { voterId } }`,
		map[string]any{"e": f.edition}, withToken(f.alice))
	require.Empty(t, res.Errors)
	child := res.Data["registerChildVoter"].(map[string]any)["voterId"]
	in := map[string]any{"editionId": f.edition, "ballotKey": "klucz-dziecka-0123456789", "picks": f.picks(), "childVoterId": child}
	require.Equal(t, "FORBIDDEN", b.gql(t, castBallotQ, map[string]any{"in": in}, withToken(f.official)).code(), "staff vote as residents")
	require.Empty(t, b.gql(t, castBallotQ, map[string]any{"in": in}, withToken(f.alice)).Errors)
	in = map[string]any{"editionId": f.edition, "ballotKey": "klucz-opiekuna-0123456789", "picks": f.picks()}
	require.Empty(t, b.gql(t, castBallotQ, map[string]any{"in": in}, withToken(f.alice)).Errors, "the guardian's own vote is separate")
	require.Equal(t, 2, f.count(t, `select count(*) from budget_ballots`))
	require.Equal(t, 1, f.count(t, `select count(*) from budget_ballot_markers where cast_by_guardian`))
}

// warsawMidnightToday is today's castOn: the Warsaw day at its midnight.
func warsawMidnightToday() string {
	y, m, d := time.Now().In(i18n.Warsaw).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, i18n.Warsaw).Format(time.RFC3339)
}
