package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pb"
)

// TestBudgetEdition_WholeEditionThroughTheAPI is the civic budget's
// acceptance test: one edition from the residents' projects to the
// published, re-countable result, through the GraphQL API only.
//
// Projects are submitted, supported, verified (one found ineligible), the
// ineligible one appealed and reinstated; then voters vote through every
// channel — their accounts (an invalid ballot refused with its reason
// first), one-time codes without an account, and paper entered twice at a
// voting point (one sheet valid, one breaking the rules) — the vote closes,
// the results job counts it, two officials certify, the results are
// published, and each pool's Pabulib export counted again gives exactly the
// published selection.
func TestBudgetEdition_WholeEditionThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	ok := func(res gqlResponse, what string) map[string]any {
		t.Helper()
		require.Empty(t, res.Errors, what)
		return res.Data
	}
	official, coord := withToken(f.official), withToken(f.coord)

	// The edition: a city-wide pool (exactly 2 ranked picks, 2/1 points,
	// supports needed) and Stare Miasto's (at most 1 pick, optional).
	now := time.Now()
	d := ok(b.gql(t, `mutation($u: ID!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u, year: 2026,
		votingOpensAt: $o, votingClosesAt: $c}) { edition { id status } } }`, map[string]any{"u": f.unitID,
		"o": now.Add(-time.Minute).Format(time.RFC3339), "c": now.Add(time.Hour).Format(time.RFC3339)}, official), "create edition")
	edition := dig(d, "createBudgetEdition", "edition", "id").(string)
	pool := func(kind, district, budget, mode string, count, supports int, required bool) string {
		d := ok(b.gql(t, `mutation($e: ID!, $k: BudgetPoolKind!, $d: String, $b: Money!, $m: BallotPickMode!, $n: Int!, $s: Int, $r: Boolean!) {
			createBudgetPool(input: {editionId: $e, name: "Pula", kind: $k, district: $d, budget: $b, rule: "greedy", pickMode: $m,
			pickCount: $n, ballotKind: RANKED, required: $r, minProjectCost: "50.00", maxProjectCost: "200.00", supportsRequired: $s}) {
			pool { id points } } }`, map[string]any{"e": edition, "k": kind, "d": district, "b": budget, "m": mode, "n": count,
			"s": supports, "r": required}, official), "create pool")
		return dig(d, "createBudgetPool", "pool", "id").(string)
	}
	city := pool("CITY", "", "300.00", "EXACTLY", 2, 1, true)
	stare := pool("DISTRICT", "stare-miasto", "200.00", "AT_MOST", 1, 0, false)
	advance := func(to string) {
		t.Helper()
		d := ok(b.gql(t, `mutation($e: ID!, $to: BudgetEditionStatus!) { advanceBudgetEdition(input: {editionId: $e, to: $to}) {
			edition { status } } }`, map[string]any{"e": edition, "to": to}, official), "advance to "+to)
		require.Equal(t, to, dig(d, "advanceBudgetEdition", "edition", "status"))
	}
	advance("SUBMISSION")

	// Submission: three city-wide and two district projects.
	submit := func(tok, poolID, title, cost string) (id, code string) {
		t.Helper()
		d := ok(b.gql(t, `mutation($in: SubmitBudgetProjectInput!) { submitBudgetProject(input: $in) { project { id code status } } }`,
			map[string]any{"in": map[string]any{"editionId": edition, "poolId": poolID, "title": title, "description": "Opis: " + title,
				"locale": "PL", "costEstimate": cost, "location": "Kraków", "proposerBirthDate": "1990-05-01"}}, withToken(tok)), "submit "+title)
		require.Equal(t, "SUBMITTED", dig(d, "submitBudgetProject", "project", "status"))
		return dig(d, "submitBudgetProject", "project", "id").(string), dig(d, "submitBudgetProject", "project", "code").(string)
	}
	p1, c1 := submit(f.alice, city, "Park kieszonkowy", "150.00")
	p2, c2 := submit(f.bob, city, "Stojaki rowerowe", "100.00")
	p3, c3 := submit(f.carol, city, "Kurs polskiego dla dorosłych", "120.00")
	d1, cd1 := submit(f.alice, stare, "Ławki na Plantach", "80.00")
	d2, cd2 := submit(f.bob, stare, "Mural wielojęzyczny", "150.00")
	require.Equal(t, []string{"BO.1.1/26", "BO.1.2/26", "BO.1.3/26", "BO.2.1/26", "BO.2.2/26"}, []string{c1, c2, c3, cd1, cd2})

	// Support: each city-wide project needs one supporter besides its author.
	for _, p := range []string{p1, p2, p3} {
		d := ok(b.gql(t, `mutation($p: ID!) { supportBudgetProject(input: {projectId: $p}) { project { supportCount } } }`,
			map[string]any{"p": p}, withToken(f.dan)), "support")
		require.Equal(t, float64(1), dig(d, "supportBudgetProject", "project", "supportCount"))
	}

	// Verification: the course is found ineligible, with a reason.
	advance("VERIFICATION")
	verify := `mutation($p: ID!, $ok: Boolean!, $r: String) { verifyBudgetProject(input: {projectId: $p, eligible: $ok, reason: $r}) {
		project { status } } }`
	for _, p := range []string{p1, p2, d1, d2} {
		ok(b.gql(t, verify, map[string]any{"p": p, "ok": true}, official), "verify")
	}
	d = ok(b.gql(t, verify, map[string]any{"p": p3, "ok": false, "r": "Zadanie należy do zadań własnych szkół."}, official), "verify p3")
	require.Equal(t, "INELIGIBLE", dig(d, "verifyBudgetProject", "project", "status"))

	// Appeal: Carol appeals and the official reinstates the course; voting
	// cannot open while the appeal is pending.
	advance("APPEALS")
	ok(b.gql(t, `mutation($p: ID!) { appealBudgetProjectDecision(input: {projectId: $p, reason: "Kurs jest otwarty dla wszystkich dorosłych."}) {
		project { appeal { status } } } }`, map[string]any{"p": p3}, withToken(f.carol)), "appeal")
	open := `mutation($e: ID!) { openBudgetVoting(input: {editionId: $e}) { edition { status } } }`
	require.Equal(t, "CONFLICT", b.gql(t, open, map[string]any{"e": edition}, official).code())
	d = ok(b.gql(t, `mutation($p: ID!) { decideBudgetAppeal(input: {projectId: $p, upheld: true, reason: "Kurs prowadzi organizacja pozarządowa."}) {
		project { status appeal { status } } } }`, map[string]any{"p": p3}, official), "decide appeal")
	require.Equal(t, map[string]any{"status": "ELIGIBLE", "appeal": map[string]any{"status": "UPHELD"}}, dig(d, "decideBudgetAppeal", "project"))
	d = ok(b.gql(t, open, map[string]any{"e": edition}, official), "open voting")
	require.Equal(t, "VOTING", dig(d, "openBudgetVoting", "edition", "status"))

	picks := func(cityPicks []string, district ...string) []map[string]any {
		out := []map[string]any{{"poolId": city, "projectIds": cityPicks}}
		if len(district) > 0 {
			out = append(out, map[string]any{"poolId": stare, "projectIds": district})
		}
		return out
	}

	// Account voters: verified by the official, enrolled in Stare Miasto.
	cast := `mutation($e: ID!, $k: String!, $p: [PoolPicksInput!]!) { castBallot(input: {editionId: $e, ballotKey: $k, picks: $p}) { ballotId } }`
	for i, voter := range []struct {
		tok   string
		picks []map[string]any
	}{{f.alice, picks([]string{p3, p1}, d2)}, {f.bob, picks([]string{p3, p2}, d1)}} {
		ok(b.gql(t, `mutation($a: ID!, $id: String!) { verifyResident(input: {accountId: $a, identifierType: PASSPORT, identifier: $id}) { verified } }`,
			map[string]any{"a": b.accountID(t, voter.tok), "id": fmt.Sprintf("AA100000%d", i)}, official), "verify resident")
		ok(b.gql(t, `mutation($e: ID!) { enrolAsBudgetVoter(input: {editionId: $e, district: "stare-miasto"}) { voterId } }`,
			map[string]any{"e": edition}, withToken(voter.tok)), "enrol")
		if i == 1 {
			// One city-wide pick where exactly two are required: refused
			// with the reason, and nothing is stored.
			res := b.gql(t, cast, map[string]any{"e": edition, "k": "klucz-bledny-0123456789", "p": picks([]string{p3})}, withToken(voter.tok))
			require.Equal(t, "INVALID_INPUT", res.code())
			require.Equal(t, "picks", res.Errors[0].Extensions["field"])
		}
		ok(b.gql(t, cast, map[string]any{"e": edition, "k": fmt.Sprintf("klucz-konta-%d-0123456789", i), "p": voter.picks},
			withToken(voter.tok)), "cast")
	}

	// Three residents without accounts get one-time codes and vote anonymously.
	d = ok(b.gql(t, `mutation($e: ID!, $v: [VoterInput!]!) { issueVotingCodes(input: {editionId: $e, voters: $v}) { codes { code } } }`,
		map[string]any{"e": edition, "v": []map[string]any{
			{"identifierType": "RESIDENCE_CARD", "identifier": "RC0000001", "district": "stare-miasto"},
			{"identifierType": "RESIDENCE_CARD", "identifier": "RC0000002", "district": "stare-miasto"},
			{"identifierType": "PASSPORT", "identifier": "UA0000003", "district": "stare-miasto"},
		}}, official), "issue codes")
	codes := dig(d, "issueVotingCodes", "codes").([]any)
	require.Len(t, codes, 3)
	withCode := `mutation($c: String!, $k: String!, $p: [PoolPicksInput!]!) { castBallotWithCode(input: {code: $c, ballotKey: $k, picks: $p}) { ballotId } }`
	for i, p := range [][]map[string]any{picks([]string{p1, p3}), picks([]string{p3, p2}, d2), picks([]string{p2, p1}, d2)} {
		code := codes[i].(map[string]any)["code"].(string)
		ok(b.gql(t, withCode, map[string]any{"c": code, "k": fmt.Sprintf("klucz-kodu-%d-0123456789", i), "p": p}), "cast with code")
		// The code is spent: another ballot under it is refused.
		require.Equal(t, "CONFLICT", b.gql(t, withCode, map[string]any{"c": code, "k": fmt.Sprintf("inny-klucz-%d-0123456789", i), "p": p}).code())
	}

	// Paper: two sheets at a voting point, each entered by two people.
	d = ok(b.gql(t, `mutation($e: ID!) { createVotingPoint(input: {editionId: $e, name: "Urząd, os. Zgody 2", address: "os. Zgody 2"}) {
		votingPoint { id } } }`, map[string]any{"e": edition}, official), "voting point")
	point := dig(d, "createVotingPoint", "votingPoint", "id").(string)
	paper := `mutation($pt: ID!, $s: String!, $v: VoterInput!, $p: [PoolPicksInput!]!) { enterPaperBallot(input: {votingPointId: $pt,
		sheetNumber: $s, voter: $v, picks: $p}) { paperBallot { status entries reason } } }`
	enter := func(tok reqOpt, sheet, id string, p []map[string]any) map[string]any {
		t.Helper()
		d := ok(b.gql(t, paper, map[string]any{"pt": point, "s": sheet, "v": map[string]any{"identifierType": "PESEL", "identifier": id,
			"district": "stare-miasto"}, "p": p}, tok), "paper "+sheet)
		return dig(d, "enterPaperBallot", "paperBallot").(map[string]any)
	}
	valid, invalid := picks([]string{p3, p1}, d1), picks([]string{p1})
	require.Equal(t, "PENDING", enter(official, "K-001", "44051401359", valid)["status"])
	require.Equal(t, "COUNTED", enter(coord, "K-001", "44051401359", valid)["status"])
	require.Equal(t, "PENDING", enter(official, "K-002", "02070803628", invalid)["status"])
	second := enter(coord, "K-002", "02070803628", invalid)
	require.Equal(t, "INVALID", second["status"])
	require.NotEmpty(t, second["reason"])

	// Close: the results job counts; two officials certify; publish.
	ok(b.gql(t, `mutation($e: ID!) { closeBudgetVoting(input: {editionId: $e}) { edition { status } } }`, map[string]any{"e": edition}, official), "close")
	computed := `query($e: ID!) { budgetEdition(id: $e) { resultsComputedAt } }`
	require.Eventually(t, func() bool {
		return dig(ok(b.gql(t, computed, map[string]any{"e": edition}, official), "computed"), "budgetEdition", "resultsComputedAt") != nil
	}, 30*time.Second, 50*time.Millisecond, "the results job never ran")
	certify := `mutation($e: ID!) { certifyBudgetResults(input: {editionId: $e, invalidBallots: 1, note: "Jedna karta papierowa nieważna."}) {
		certification { certified paperInvalidBallots invalidBallots } } }`
	publish := `mutation($e: ID!) { publishBudgetResults(input: {editionId: $e}) { edition { status } } }`
	d = ok(b.gql(t, certify, map[string]any{"e": edition}, official), "certify 1")
	require.Equal(t, map[string]any{"certified": false, "paperInvalidBallots": float64(1), "invalidBallots": float64(1)},
		dig(d, "certifyBudgetResults", "certification"))
	require.Equal(t, "CONFLICT", b.gql(t, publish, map[string]any{"e": edition}, official).code())
	d = ok(b.gql(t, certify, map[string]any{"e": edition}, coord), "certify 2")
	require.Equal(t, true, dig(d, "certifyBudgetResults", "certification", "certified"))
	d = ok(b.gql(t, publish, map[string]any{"e": edition}, official), "publish")
	require.Equal(t, "RESULTS_PUBLISHED", dig(d, "publishBudgetResults", "edition", "status"))

	// The published result, read anonymously. City-wide points (2/1):
	// course 2+2+1+2+2 = 9, park 1+2+1+1 = 5, racks 1+1+2 = 4; 300.00 buys
	// the course (120.00) and the park (150.00), not the racks. Stare
	// Miasto: the mural 3, the benches 2; 200.00 buys only the mural.
	d = ok(b.gql(t, `query($e: ID!) { budgetEdition(id: $e) { results { pool { id } rule ballots cost selected { code }
		projects { project { code } votes score position } pabulib } } }`, map[string]any{"e": edition}), "results")
	results := dig(d, "budgetEdition", "results").([]any)
	require.Len(t, results, 2)
	codesOf := func(v any) []string {
		var out []string
		for _, p := range v.([]any) {
			out = append(out, p.(map[string]any)["code"].(string))
		}
		return out
	}
	cityRes, stareRes := results[0].(map[string]any), results[1].(map[string]any)
	require.Equal(t, city, dig(cityRes, "pool", "id"))
	require.Equal(t, float64(6), cityRes["ballots"])
	require.Equal(t, "270.00", cityRes["cost"])
	require.Equal(t, []string{c3, c1}, codesOf(cityRes["selected"]))
	require.Equal(t, []any{
		map[string]any{"project": map[string]any{"code": c3}, "votes": float64(5), "score": float64(9), "position": float64(1)},
		map[string]any{"project": map[string]any{"code": c1}, "votes": float64(4), "score": float64(5), "position": float64(2)},
		map[string]any{"project": map[string]any{"code": c2}, "votes": float64(3), "score": float64(4), "position": float64(0)},
	}, cityRes["projects"])
	require.Equal(t, float64(5), stareRes["ballots"])
	require.Equal(t, "150.00", stareRes["cost"])
	require.Equal(t, []string{cd2}, codesOf(stareRes["selected"]))

	// Anyone can count the exports again and get the same selection; the
	// files carry no names of voters and no times.
	for _, r := range []map[string]any{cityRes, stareRes} {
		file := r["pabulib"].(string)
		in, err := pb.Read(strings.NewReader(file))
		require.NoError(t, err)
		recount := pb.Greedy(in, nil, true, pb.TieCostThenID)
		require.Equal(t, codesOf(r["selected"]), recount.Selected)
		require.Equal(t, r["cost"], pb.FormatAmount(recount.Cost))
		require.Len(t, in.Votes, int(r["ballots"].(float64)))
		for _, v := range in.Votes {
			require.NotContains(t, file, "2026-", "no dates in the export")
			require.NotContains(t, v.VoterID, "-", "voter ids are plain numbers, not account or ballot ids")
		}
	}
}
