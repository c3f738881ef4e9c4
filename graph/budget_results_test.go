package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/pb"
)

// resultsEdition makes an open edition with one district pool of three
// projects (costs 600, 500, 400; budget 1000; two ranked picks).
func resultsEdition(t *testing.T, f *consultationFixture, closes time.Time) (edition, pool string, projects []string) {
	t.Helper()
	b := f.b
	res := b.gql(t, `mutation($u: ID!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u, year: 2027, votingOpensAt: $o, votingClosesAt: $c}) {
		edition { id } } }`, map[string]any{"u": f.unitID, "o": time.Now().Add(-time.Hour).Format(time.RFC3339Nano), "c": closes.Format(time.RFC3339Nano)}, withToken(f.official))
	require.Empty(t, res.Errors)
	edition = res.Data["createBudgetEdition"].(map[string]any)["edition"].(map[string]any)["id"].(string)
	res = b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Stare Miasto", kind: DISTRICT, district: "stare-miasto",
		budget: "1000.00", rule: "greedy", pickMode: EXACTLY, pickCount: 2, ballotKind: RANKED, required: true}) { pool { id } } }`,
		map[string]any{"e": edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	pool = res.Data["createBudgetPool"].(map[string]any)["pool"].(map[string]any)["id"].(string)
	for i, cost := range []string{"600.00", "500.00", "400.00"} {
		res := b.gql(t, `mutation($p: ID!, $code: String!, $cost: Money!) { createBudgetProject(input: {poolId: $p, code: $code, title: "Projekt", cost: $cost}) { project { id } } }`,
			map[string]any{"p": pool, "code": fmt.Sprintf("BO.D1.%d/27", i+1), "cost": cost}, withToken(f.official))
		require.Empty(t, res.Errors)
		projects = append(projects, res.Data["createBudgetProject"].(map[string]any)["project"].(map[string]any)["id"].(string))
	}
	require.Empty(t, b.gql(t, `mutation($e: ID!) { openBudgetVoting(input: {editionId: $e}) { edition { id } } }`, map[string]any{"e": edition}, withToken(f.official)).Errors)
	return edition, pool, projects
}

// The vote closes on schedule, the job computes, the commission signs, the
// results are published with their certification and Pabulib files; the
// turnout streams over WebSocket.
func TestBudgetResults_ScheduleCertifyPublishAndTurnout(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	edition, pool, projects := resultsEdition(t, f, time.Now().Add(time.Hour))

	conn := wsDial(t, b, f.alice)
	_, err := wsNext(t, conn, "connection_ack")
	require.NoError(t, err)
	require.NoError(t, conn.WriteJSON(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription($e: ID!) { ballotTurnout(editionId: $e) { editionId ballots at standings { withheld } } }`, "variables": map[string]any{"e": edition}}}))
	m, err := wsNext(t, conn, "next", "error")
	require.NoError(t, err)
	require.Equal(t, "next", m.Type, string(m.Payload))
	var ev struct {
		Data struct {
			BallotTurnout struct {
				EditionID string `json:"editionId"`
				Ballots   int    `json:"ballots"`
				Standings []any  `json:"standings"`
			} `json:"ballotTurnout"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(m.Payload, &ev))
	require.Equal(t, edition, ev.Data.BallotTurnout.EditionID)
	require.Equal(t, 0, ev.Data.BallotTurnout.Ballots)
	require.Nil(t, ev.Data.BallotTurnout.Standings, "live results are off")

	require.Empty(t, b.gql(t, `mutation($a: ID!) { verifyResident(input: {accountId: $a, identifierType: PESEL, identifier: "44051401359"}) { verified } }`,
		map[string]any{"a": b.accountID(t, f.bob)}, withToken(f.official)).Errors)
	require.Empty(t, b.gql(t, `mutation($e: ID!) { enrolAsBudgetVoter(input: {editionId: $e, district: "stare-miasto"}) { voterId } }`, map[string]any{"e": edition}, withToken(f.bob)).Errors)
	require.Empty(t, b.gql(t, `mutation($e: ID!, $p: ID!, $picks: [ID!]!) { castBallot(input: {editionId: $e, ballotKey: "klucz-kartki-bob-0123456789",
		picks: [{poolId: $p, projectIds: $picks}]}) { ballotId } }`, map[string]any{"e": edition, "p": pool, "picks": projects[:2]}, withToken(f.bob)).Errors)
	m, err = wsNext(t, conn, "next")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(m.Payload, &ev))
	require.Equal(t, 1, ev.Data.BallotTurnout.Ballots)

	// The end of the window comes; the close job and the results job run on
	// their own.
	b.runScheduledNow(t, budget.JobCloseVoting, edition)
	q := `query($id: ID!) { budgetEdition(id: $id) { status resultsComputedAt resultsViewerCan { certify updateSettings }
		results { ballots tieBreaks { score } pabulib } certification { certified invalidBallots signatures { name } } } }`
	// Wait until the edition shows the close and its results (read at two
	// moments of one response, they may briefly disagree), then read it all.
	deadline := time.Now().Add(20 * time.Second)
	for {
		res := b.gql(t, `query($id: ID!) { budgetEdition(id: $id) { status resultsComputedAt } }`,
			map[string]any{"id": edition}, withToken(f.official))
		require.Empty(t, res.Errors)
		st := res.Data["budgetEdition"].(map[string]any)
		if st["resultsComputedAt"] != nil && st["status"] == "CLOSED" {
			break
		}
		require.True(t, time.Now().Before(deadline), "results not computed")
		time.Sleep(100 * time.Millisecond)
	}
	res := b.gql(t, q, map[string]any{"id": edition}, withToken(f.official))
	require.Empty(t, res.Errors)
	e := res.Data["budgetEdition"].(map[string]any)
	require.Equal(t, "CLOSED", e["status"])
	require.Equal(t, map[string]any{"certify": true, "updateSettings": true}, e["resultsViewerCan"])
	require.Nil(t, e["certification"])

	certify := `mutation($e: ID!) { certifyBudgetResults(input: {editionId: $e, invalidBallots: 1, note: "Jedna karta przedarta."}) { certification { certified signatures { name } } } }`
	publish := `mutation($e: ID!) { publishBudgetResults(input: {editionId: $e}) { edition { status } } }`
	require.Empty(t, b.gql(t, certify, map[string]any{"e": edition}, withToken(f.official)).Errors)
	// viewerCan follows the service: who signed may not sign again, the
	// other member still may.
	can := func(token string) any {
		res := b.gql(t, `query($id: ID!) { budgetEdition(id: $id) { resultsViewerCan { certify updateSettings } } }`,
			map[string]any{"id": edition}, withToken(token))
		require.Empty(t, res.Errors)
		return res.Data["budgetEdition"].(map[string]any)["resultsViewerCan"]
	}
	require.Equal(t, map[string]any{"certify": false, "updateSettings": true}, can(f.official))
	require.Equal(t, "CONFLICT", b.gql(t, certify, map[string]any{"e": edition}, withToken(f.official)).code())
	require.Equal(t, map[string]any{"certify": true, "updateSettings": true}, can(f.coord))
	require.Equal(t, "CONFLICT", b.gql(t, publish, map[string]any{"e": edition}, withToken(f.official)).code())
	res = b.gql(t, certify, map[string]any{"e": edition}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, true, res.Data["certifyBudgetResults"].(map[string]any)["certification"].(map[string]any)["certified"])
	require.Empty(t, b.gql(t, publish, map[string]any{"e": edition}, withToken(f.official)).Errors)

	res = b.gql(t, q, map[string]any{"id": edition})
	require.Empty(t, res.Errors)
	e = res.Data["budgetEdition"].(map[string]any)
	c := e["certification"].(map[string]any)
	require.Equal(t, true, c["certified"])
	require.Equal(t, float64(1), c["invalidBallots"])
	require.Len(t, c["signatures"], 2)
	r := e["results"].([]any)[0].(map[string]any)
	require.Equal(t, []any{}, r["tieBreaks"])
	in, err := pb.Read(strings.NewReader(r["pabulib"].(string)))
	require.NoError(t, err)
	require.Len(t, in.Votes, 1)
	require.Equal(t, "1", in.Votes[0].VoterID)
	require.Equal(t, []string{"BO.D1.1/27", "BO.D1.2/27"}, in.Votes[0].Projects)
}
