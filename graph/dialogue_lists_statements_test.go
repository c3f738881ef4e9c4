package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBodyElections_StatementsDoNotGrowWithTheList: a body's elections with
// their voters, result, candidates and what the viewer can do cost as many
// SQL statements for 3 elections as for 12 (each on the ballot, the first
// closed).
func TestBodyElections_StatementsDoNotGrowWithTheList(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	small, large := f.body, f.createBody(t, true)
	member := f.member(t, small, "czlonek-wybory@example.org", "MEMBER")
	f.appoint(t, large, member, "MEMBER", 365)
	deadline := time.Now().Add(time.Hour).Format(time.RFC3339)
	fill := func(body string, n int) {
		for i := range n {
			res := b.gql(t, `mutation($b: ID!) { openElection(input: {bodyId: $b, title: {locale: PL, text: "Wybór przedstawiciela"},
				seats: 1, picks: 1}) { election { id } } }`, map[string]any{"b": body}, withToken(f.coord))
			require.Empty(t, res.Errors)
			el := dig(res.Data, "openElection", "election", "id").(string)
			require.Empty(t, b.gql(t, `mutation($e: ID!) { standForElection(input: {electionId: $e}) { candidate { id } } }`,
				map[string]any{"e": el}, withToken(f.carol)).Errors)
			require.Empty(t, b.gql(t, `mutation($e: ID!, $d: DateTime!) { openElectionBallot(input: {electionId: $e, deadline: $d}) { election { id } } }`,
				map[string]any{"e": el, "d": deadline}, withToken(f.coord)).Errors)
			if i == 0 {
				require.Empty(t, b.gql(t, `mutation($e: ID!) { closeElection(input: {electionId: $e}) { election { id } } }`,
					map[string]any{"e": el}, withToken(f.coord)).Errors)
			}
		}
	}
	fill(small, 3)
	fill(large, 12)
	count := func(body string, n int) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		res := b.gql(t, `query($id: ID!) { body(id: $id) { elections { id status voters
			result { outcome voters standings { votes } } candidates { id endorsements }
			viewerCan { stand endorse openBallot castBallot close } } } }`, map[string]any{"id": body}, withToken(member))
		require.Empty(t, res.Errors)
		els := dig(res.Data, "body", "elections").([]any)
		require.Len(t, els, n)
		require.NotNil(t, dig(els[0], "result"))
		require.Nil(t, dig(els[1], "result"))
		require.Equal(t, map[string]any{"stand": false, "endorse": false, "openBallot": false, "castBallot": true, "close": false},
			dig(els[1], "viewerCan"))
		require.Len(t, dig(els[1], "candidates"), 1)
		return b.queries.since(before)
	}
	three := fewestStatements(func() []string { return count(small, 3) })
	twelve := fewestStatements(func() []string { return count(large, 12) })
	require.Equal(t, len(three), len(twelve), "for 3:\n%s\nfor 12:\n%s", strings.Join(three, "\n---\n"), strings.Join(twelve, "\n---\n"))
}

// TestBodyMotions_StatementsDoNotGrowWithThePage: a page of a body's
// motions with their vote, totals, result and what the viewer can do costs
// as many statements for 3 motions as for 12 (each under a written vote,
// the first closed).
func TestBodyMotions_StatementsDoNotGrowWithThePage(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	small, large := f.body, f.createBody(t, true)
	member := f.member(t, small, "czlonek-wnioski@example.org", "MEMBER")
	f.appoint(t, large, member, "MEMBER", 365)
	deadline := time.Now().Add(time.Hour).Format(time.RFC3339)
	fill := func(body string, n int) {
		for i := range n {
			res := b.gql(t, `mutation($b: ID!) { tableMotion(input: {bodyId: $b, kind: OPINION, title: {locale: PL, text: "Wniosek"},
				text: {locale: PL, text: "Komisja opiniuje."}}) { motion { id } } }`, map[string]any{"b": body}, withToken(member))
			require.Empty(t, res.Errors)
			m := dig(res.Data, "tableMotion", "motion", "id").(string)
			require.Empty(t, b.gql(t, `mutation($m: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $m, written: {deadline: $d}}) {
				motion { id } } }`, map[string]any{"m": m, "d": deadline}, withToken(f.coord)).Errors)
			require.Empty(t, b.gql(t, `mutation($m: ID!) { castMotionVote(input: {motionId: $m, choice: YES}) { changed } }`,
				map[string]any{"m": m}, withToken(member)).Errors)
			if i == 0 {
				require.Empty(t, b.gql(t, `mutation($m: ID!) { closeMotionVote(input: {motionId: $m}) { motion { id } } }`,
					map[string]any{"m": m}, withToken(f.coord)).Errors)
			}
		}
	}
	fill(small, 3)
	fill(large, 12)
	count := func(body string, n int) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		res := b.gql(t, `query($id: ID!) { body(id: $id) { motions(first: 20) { totalCount edges { node { id status
			title { text } tabledBy { displayName } amendments { totalCount }
			vote { closed voters totals { yes no abstain } result { outcome yes } }
			viewerCan { withdraw proposeAmendment openVote closeVote castVote } } } } } }`, map[string]any{"id": body}, withToken(member))
		require.Empty(t, res.Errors)
		edges := dig(res.Data, "body", "motions", "edges").([]any)
		require.Len(t, edges, n)
		return b.queries.since(before)
	}
	three := fewestStatements(func() []string { return count(small, 3) })
	twelve := fewestStatements(func() []string { return count(large, 12) })
	require.Equal(t, len(three), len(twelve), "for 3:\n%s\nfor 12:\n%s", strings.Join(three, "\n---\n"), strings.Join(twelve, "\n---\n"))
}
