package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("budget_voting.graphqls")

// TestBudgetVotingMutations_PermissionMatrix tries every voting-channel
// mutation with every kind of caller; a refused caller gets
// UNAUTHENTICATED, FORBIDDEN or NOT_FOUND, an allowed one never does.
// castBallotWithCode is anonymous: the code is the credential.
func TestBudgetVotingMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newVotingFixture(t)
	b := f.b
	otherOfficial := b.signUp(t, "urzedniczka.inna@example.org")
	res := b.gql(t, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Inny wydział", slug: "inny-wydzial"}) { organisation { id } } }`, nil, withToken(f.coord))
	require.Empty(t, res.Errors)
	otherUnit := res.Data["createOrganisation"].(map[string]any)["organisation"].(map[string]any)["id"].(string)
	require.Empty(t, b.gql(t, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) { accountId } }`,
		map[string]any{"a": b.accountID(t, otherOfficial), "o": otherUnit}, withToken(f.coord)).Errors)
	unconfirmed := b.signUp(t, "nowy@example.org")

	// State the cases need: alice's ballot, a voter on the roll, a code, a
	// mismatched sheet.
	require.Empty(t, b.gql(t, castBallotQ, map[string]any{"in": map[string]any{"editionId": f.edition, "ballotKey": "klucz-macierzy-0123456789",
		"picks": f.picks()}}, withToken(f.alice)).Errors)
	res = b.gql(t, `mutation($e: ID!) { registerBudgetVoter(input: {editionId: $e, identifierType: PASSPORT, identifier: "RV1234567", district: "podgorze"}) { voterId } }`,
		map[string]any{"e": f.edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	voter := res.Data["registerBudgetVoter"].(map[string]any)["voterId"].(string)
	res = b.gql(t, `mutation($e: ID!) { issueVotingCodes(input: {editionId: $e, voters: [{identifierType: PASSPORT, identifier: "CD1234567", district: "podgorze"}]}) {
		codes { code } } }`, map[string]any{"e": f.edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	code := res.Data["issueVotingCodes"].(map[string]any)["codes"].([]any)[0].(map[string]any)["code"].(string)
	enter := `mutation($in: EnterPaperBallotInput!) { enterPaperBallot(input: $in) { paperBallot { id } } }`
	person := map[string]any{"identifierType": "PASSPORT", "identifier": "MM1234567", "district": "podgorze"}
	require.Empty(t, b.gql(t, enter, map[string]any{"in": map[string]any{"votingPointId": f.point, "sheetNumber": "M", "voter": person, "picks": f.picks()}},
		withToken(f.officer)).Errors)
	res = b.gql(t, enter, map[string]any{"in": map[string]any{"votingPointId": f.point, "sheetNumber": "M", "voter": person, "picks": []any{}}},
		withToken(f.official))
	require.Empty(t, res.Errors)
	sheet := res.Data["enterPaperBallot"].(map[string]any)["paperBallot"].(map[string]any)["id"].(string)

	callers := map[string]string{"anonymous": "", "unconfirmed": unconfirmed, "resident": f.bob, "verified": f.alice,
		"official": f.official, "other_official": otherOfficial, "coordinator": f.coord, "officer": f.officer}
	staff := []string{"official", "coordinator"}
	all := []string{"anonymous", "unconfirmed", "resident", "verified", "official", "other_official", "coordinator", "officer"}
	cases := []struct {
		name    string
		query   string
		vars    map[string]any
		allowed []string
	}{
		{"createVotingPoint", `mutation($e: ID!) { createVotingPoint(input: {editionId: $e, name: "Punkt 2"}) { votingPoint { id } } }`,
			map[string]any{"e": f.edition}, staff},
		{"assignBallotOfficer", `mutation($p: ID!, $a: ID!) { assignBallotOfficer(input: {votingPointId: $p, accountId: $a}) { votingPoint { id } } }`,
			map[string]any{"p": f.point, "a": b.accountID(t, f.dan)}, staff},
		{"issueVotingCodes", `mutation($e: ID!) { issueVotingCodes(input: {editionId: $e, voters: [{identifierType: PASSPORT, identifier: "IC1234567", district: "podgorze"}]}) {
			codes { code } } }`, map[string]any{"e": f.edition}, append([]string{"officer"}, staff...)},
		{"issueVotingCode", `mutation($v: ID!) { issueVotingCode(input: {voterId: $v}) { code { code } } }`,
			map[string]any{"v": voter}, append([]string{"officer"}, staff...)},
		{"castBallotWithCode", `mutation($c: String!, $p: ID!, $x: ID!) { castBallotWithCode(input: {code: $c, ballotKey: "klucz-kodu-macierzy-0123456789",
			picks: [{poolId: $p, projectIds: [$x]}]}) { ballotId } }`, map[string]any{"c": code, "p": f.cityPool, "x": f.cityProject}, all},
		{"changeBallot", `mutation($e: ID!, $p: ID!, $x: ID!) { changeBallot(input: {editionId: $e, ballotKey: "klucz-macierzy-0123456789",
			newBallotKey: "nowy-klucz-macierzy-0123456789", picks: [{poolId: $p, projectIds: [$x]}]}) { ballotId } }`,
			map[string]any{"e": f.edition, "p": f.cityPool, "x": f.cityProject}, []string{"verified"}},
		{"enterPaperBallot", `mutation($p: ID!, $c: ID!, $x: ID!) { enterPaperBallot(input: {votingPointId: $p, sheetNumber: "N",
			voter: {identifierType: PASSPORT, identifier: "NN1234567", district: "podgorze"}, picks: [{poolId: $c, projectIds: [$x]}]}) { paperBallot { id } } }`,
			map[string]any{"p": f.point, "c": f.cityPool, "x": f.cityProject}, append([]string{"officer"}, staff...)},
		{"resolvePaperBallot", `mutation($s: ID!, $c: ID!, $x: ID!) { resolvePaperBallot(input: {sheetId: $s,
			voter: {identifierType: PASSPORT, identifier: "MM1234567", district: "podgorze"}, picks: [{poolId: $c, projectIds: [$x]}]}) { paperBallot { id } } }`,
			map[string]any{"s": sheet, "c": f.cityPool, "x": f.cityProject}, staff},
		{"registerChildVoter", `mutation($e: ID!) { registerChildVoter(input: {editionId: $e, identifierType: OTHER, identifier: "DZIECKO-M", district: "podgorze"}) { voterId } }`,
			map[string]any{"e": f.edition}, []string{"verified"}},
	}
	names := make([]string, 0, len(cases))
	for _, c := range cases {
		names = append(names, c.name)
	}
	requireMatrixCoversFile(t, "budget_voting.graphqls", names)
	for _, c := range cases {
		tryEveryCaller(t, b, callers, c.name, c.query, c.vars, c.allowed, nil, firstAllowedSucceeds)
	}
	// The officer's two codes count against their quota; the staff's do not.
	require.Equal(t, 2, f.count(t, `select coalesce(sum(issued), 0)::int from budget_code_issuers`))
}
