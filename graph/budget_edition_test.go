package graph_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

const updateEdition = `mutation($in: UpdateBudgetEditionInput!) { updateBudgetEdition(input: $in) { edition { id year status
	submissionOpensAt submissionClosesAt verificationEndsAt appealsCloseAt votingOpensAt votingClosesAt resultsDueAt
	allowBallotChange codeQuota } } }`

const editionSettings = `query($e: ID!) { budgetEdition(id: $e) { id year status submissionOpensAt submissionClosesAt
	verificationEndsAt appealsCloseAt votingOpensAt votingClosesAt resultsDueAt allowBallotChange codeQuota } }`

// editionKey decodes an edition's global id.
func editionKey(t *testing.T, id string) uuid.UUID {
	t.Helper()
	typ, key, ok := gid.Decode(id)
	require.True(t, ok)
	require.Equal(t, "BudgetEdition", typ)
	return key
}

// editionUpdates returns the "changed" lists of an edition's audited
// updates, oldest first.
func editionUpdates(t *testing.T, b *bundle, editionID string) [][]string {
	t.Helper()
	rows, err := b.pool.Query(context.Background(), `select data->'changed' from audit_log
		where action = 'budget.edition_update' and object_type = 'budget_edition' and object_id = $1
		order by created_at`, editionKey(t, editionID).String())
	require.NoError(t, err)
	defer rows.Close()
	out := [][]string{}
	for rows.Next() {
		var raw []byte
		require.NoError(t, rows.Scan(&raw))
		var changed []string
		require.NoError(t, json.Unmarshal(raw, &changed))
		out = append(out, changed)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestBudgetEdition_UpdateSettingsUntilVotingOpens(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	res := b.gql(t, `mutation($u: ID!) { createBudgetEdition(input: {unitId: $u, year: 2027}) { edition { id codeQuota allowBallotChange } } }`,
		map[string]any{"u": f.unitID}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, float64(500), dig(res.Data, "createBudgetEdition", "edition", "codeQuota"))
	ed := dig(res.Data, "createBudgetEdition", "edition", "id").(string)

	loc := warsaw(t)
	base := time.Date(2027, 3, 1, 9, 0, 0, 0, loc)
	at := func(days int) string { return base.AddDate(0, 0, days).Format(time.RFC3339) }
	in := map[string]any{"editionId": ed, "year": 2028, "submissionOpensAt": at(0), "submissionClosesAt": at(30),
		"verificationEndsAt": at(60), "appealsCloseAt": at(75), "votingOpensAt": at(90), "votingClosesAt": at(100),
		"resultsDueAt": at(110), "allowBallotChange": true, "codeQuota": 42}
	want := map[string]any{"id": ed, "year": float64(2028), "status": "DRAFT", "submissionOpensAt": at(0), "submissionClosesAt": at(30),
		"verificationEndsAt": at(60), "appealsCloseAt": at(75), "votingOpensAt": at(90), "votingClosesAt": at(100),
		"resultsDueAt": at(110), "allowBallotChange": true, "codeQuota": float64(42)}

	// Refused callers change nothing.
	require.Equal(t, "UNAUTHENTICATED", b.gql(t, updateEdition, map[string]any{"in": in}).code())
	require.Equal(t, "NOT_FOUND", b.gql(t, updateEdition, map[string]any{"in": in}, withToken(f.bob)).code(), "a draft is hidden from residents")

	// Stored and returned.
	res = b.gql(t, updateEdition, map[string]any{"in": in}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, want, dig(res.Data, "updateBudgetEdition", "edition"))
	res = b.gql(t, editionSettings, map[string]any{"e": ed}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, want, dig(res.Data, "budgetEdition"))
	var (
		year, quota   int
		change        bool
		opens, closes time.Time
	)
	require.NoError(t, b.pool.QueryRow(context.Background(), `select year, code_quota, allow_ballot_change, voting_opens_at, voting_closes_at
		from budget_editions where id = $1`, editionKey(t, ed)).Scan(&year, &quota, &change, &opens, &closes))
	require.Equal(t, 2028, year)
	require.Equal(t, 42, quota)
	require.True(t, change)
	require.True(t, opens.Equal(base.AddDate(0, 0, 90)))
	require.True(t, closes.Equal(base.AddDate(0, 0, 100)))
	require.Equal(t, [][]string{{"year", "submissionOpensAt", "submissionClosesAt", "verificationEndsAt", "appealsCloseAt",
		"votingOpensAt", "votingClosesAt", "resultsDueAt", "allowBallotChange", "codeQuota"}}, editionUpdates(t, b, ed))

	// Input is checked as at creation, with the field at fault.
	invalid := func(field string, change map[string]any) {
		t.Helper()
		bad := map[string]any{}
		for k, v := range in {
			bad[k] = v
		}
		for k, v := range change {
			bad[k] = v
		}
		res := b.gql(t, updateEdition, map[string]any{"in": bad}, withToken(f.official))
		require.Equal(t, "INVALID_INPUT", res.code(), field)
		require.Equal(t, field, res.Errors[0].Extensions["field"])
	}
	invalid("votingClosesAt", map[string]any{"votingClosesAt": at(90)})
	invalid("submissionClosesAt", map[string]any{"submissionClosesAt": at(-1)})
	invalid("votingOpensAt", map[string]any{"votingOpensAt": at(70)})
	invalid("resultsDueAt", map[string]any{"resultsDueAt": at(95)})
	invalid("year", map[string]any{"year": 1999})
	invalid("codeQuota", map[string]any{"codeQuota": -1})
	invalid("codeQuota", map[string]any{"codeQuota": 100001})
	res = b.gql(t, editionSettings, map[string]any{"e": ed}, withToken(f.official))
	require.Equal(t, want, dig(res.Data, "budgetEdition"), "refused updates change nothing")
	require.Len(t, editionUpdates(t, b, ed), 1)

	// A coordinator may too; a quota left out stays, a date left out is cleared.
	delete(in, "codeQuota")
	delete(in, "resultsDueAt")
	in["allowBallotChange"] = false
	res = b.gql(t, updateEdition, map[string]any{"in": in}, withToken(f.coord))
	require.Empty(t, res.Errors)
	want["allowBallotChange"], want["resultsDueAt"] = false, nil
	require.Equal(t, want, dig(res.Data, "updateBudgetEdition", "edition"))
	require.Equal(t, []string{"resultsDueAt", "allowBallotChange"}, editionUpdates(t, b, ed)[1])

	// Once submission opens the schedule still moves, the year does not.
	require.Empty(t, b.gql(t, `mutation($e: ID!) { advanceBudgetEdition(input: {editionId: $e, to: SUBMISSION}) { edition { id } } }`,
		map[string]any{"e": ed}, withToken(f.official)).Errors)
	require.Equal(t, "FORBIDDEN", b.gql(t, updateEdition, map[string]any{"in": in}, withToken(f.bob)).code(), "a resident sees the edition now")
	in["year"] = 2029
	res = b.gql(t, updateEdition, map[string]any{"in": in}, withToken(f.official), withLanguage("en"))
	require.Equal(t, "PHASE_CLOSED", res.code())
	require.Equal(t, "The edition's year can only be changed before project submission opens: it is part of the projects' numbers.", res.Errors[0].Message)
	in["year"], in["submissionClosesAt"], in["codeQuota"] = 2028, at(40), 7
	res = b.gql(t, updateEdition, map[string]any{"in": in}, withToken(f.official))
	require.Empty(t, res.Errors)
	want["status"], want["submissionClosesAt"], want["codeQuota"] = "SUBMISSION", at(40), float64(7)
	require.Equal(t, want, dig(res.Data, "updateBudgetEdition", "edition"))
	require.Equal(t, [][]string{
		{"year", "submissionOpensAt", "submissionClosesAt", "verificationEndsAt", "appealsCloseAt", "votingOpensAt", "votingClosesAt",
			"resultsDueAt", "allowBallotChange", "codeQuota"},
		{"resultsDueAt", "allowBallotChange"},
		{"submissionClosesAt", "codeQuota"},
	}, editionUpdates(t, b, ed))
}

func TestBudgetEdition_UpdateRefusedOnceVotingOpened(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	loc := warsaw(t)
	now := time.Now().In(loc).Truncate(time.Second)
	opens, closes := now.Add(-time.Hour).Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339)
	res := b.gql(t, `mutation($u: ID!, $o: DateTime!, $c: DateTime!) { createBudgetEdition(input: {unitId: $u, year: 2027,
		votingOpensAt: $o, votingClosesAt: $c}) { edition { id } } }`, map[string]any{"u": f.unitID, "o": opens, "c": closes}, withToken(f.official))
	require.Empty(t, res.Errors)
	ed := dig(res.Data, "createBudgetEdition", "edition", "id").(string)
	res = b.gql(t, `mutation($e: ID!) { createBudgetPool(input: {editionId: $e, name: "Miasto", kind: CITY, budget: "100.00", rule: "greedy",
		pickMode: EXACTLY, pickCount: 1, ballotKind: RANKED, required: true}) { pool { id } } }`, map[string]any{"e": ed}, withToken(f.official))
	require.Empty(t, res.Errors)
	pool := dig(res.Data, "createBudgetPool", "pool", "id").(string)
	require.Empty(t, b.gql(t, `mutation($p: ID!) { createBudgetProject(input: {poolId: $p, code: "P1", title: "Ławki", cost: "50.00"}) { project { id } } }`,
		map[string]any{"p": pool}, withToken(f.official)).Errors)
	res = b.gql(t, `mutation($e: ID!) { openBudgetVoting(input: {editionId: $e}) { edition { status } } }`, map[string]any{"e": ed}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, "VOTING", dig(res.Data, "openBudgetVoting", "edition", "status"))

	for _, in := range []map[string]any{
		// The window, ballot change, or even only the quota: nothing changes any more.
		{"editionId": ed, "year": 2027, "votingOpensAt": opens, "votingClosesAt": now.Add(48 * time.Hour).Format(time.RFC3339), "allowBallotChange": false},
		{"editionId": ed, "year": 2027, "votingOpensAt": opens, "votingClosesAt": closes, "allowBallotChange": true},
		{"editionId": ed, "year": 2027, "votingOpensAt": opens, "votingClosesAt": closes, "allowBallotChange": false, "codeQuota": 10},
	} {
		for _, tok := range []string{f.official, f.coord} {
			res := b.gql(t, updateEdition, map[string]any{"in": in}, withToken(tok), withLanguage("en"))
			require.Equal(t, "PHASE_CLOSED", res.code())
			require.Equal(t, "The edition, its pools and projects can only be changed before voting starts.", res.Errors[0].Message)
		}
		require.Equal(t, "FORBIDDEN", b.gql(t, updateEdition, map[string]any{"in": in}, withToken(f.bob)).code())
		require.Equal(t, "UNAUTHENTICATED", b.gql(t, updateEdition, map[string]any{"in": in}).code())
	}
	res = b.gql(t, editionSettings, map[string]any{"e": ed}, withToken(f.official))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"id": ed, "year": float64(2027), "status": "VOTING", "submissionOpensAt": nil, "submissionClosesAt": nil,
		"verificationEndsAt": nil, "appealsCloseAt": nil, "votingOpensAt": opens, "votingClosesAt": closes, "resultsDueAt": nil,
		"allowBallotChange": false, "codeQuota": float64(500)}, dig(res.Data, "budgetEdition"))
	require.Empty(t, editionUpdates(t, b, ed))
}
