package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// decideAmbassador takes an edition in its decision phase to a recorded
// Mayor's award through the API, as a jury would, so that tests of what
// follows (the audience vote, the announcement) can move on: per category
// with eligible nominations, the coordinator drafts a proposal naming the
// first of them laureate (justified in four languages) and opens its vote
// with jurors present; each votes for (a juror recused from it is refused
// and sits it out); the vote is adopted and the coordinator records the
// award as proposed in every category. Outside the decision phase, or with the award
// recorded, it does nothing.
func decideAmbassador(t *testing.T, b *bundle, coord, edition string, jurors ...string) {
	t.Helper()
	res := b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { phase awards { category }
		categories { id }
		nominations(filter: {status: ELIGIBLE}, first: 100) { edges { node { id category { id } } } } } }`,
		map[string]any{"e": edition}, withToken(coord))
	require.Empty(t, res.Errors)
	e := dig(res.Data, "ambassadorEdition").(map[string]any)
	if e["phase"] != "DECISION" || len(e["awards"].([]any)) > 0 {
		return
	}
	first := map[string]string{} // category → its first eligible nomination
	for _, edge := range dig(e, "nominations", "edges").([]any) {
		c := dig(edge, "node", "category", "id").(string)
		if first[c] == "" {
			first[c] = dig(edge, "node", "id").(string)
		}
	}
	present := make([]string, len(jurors))
	for i, j := range jurors {
		present[i] = b.accountID(t, j)
	}
	for _, c := range e["categories"].([]any) {
		category := dig(c, "id").(string)
		nomination := first[category]
		if nomination == "" {
			continue
		}
		res := b.gql(t, draftProposal, map[string]any{"e": edition, "c": category, "n": nomination}, withToken(coord))
		require.Empty(t, res.Errors)
		proposal := dig(res.Data, "draftAmbassadorProposal", "proposal", "id").(string)
		require.Empty(t, b.gql(t, `mutation($p: ID!, $r: [ID!]!) { openAmbassadorProposalVote(input: {proposalId: $p,
			presentJurorIds: $r}) { proposal { id } } }`, map[string]any{"p": proposal, "r": present}, withToken(coord)).Errors)
		for _, j := range jurors {
			res := b.gql(t, `mutation($p: ID!) { castAmbassadorProposalVote(input: {proposalId: $p, choice: YES}) { proposal { id } } }`,
				map[string]any{"p": proposal}, withToken(j))
			if len(res.Errors) > 0 {
				require.Contains(t, []string{"FORBIDDEN", "NOT_FOUND"}, res.code(), "only a recused juror sits the vote out")
			}
		}
		res = b.gql(t, `mutation($p: ID!) { closeAmbassadorProposalVote(input: {proposalId: $p}) { proposal { status } } }`,
			map[string]any{"p": proposal}, withToken(coord))
		require.Empty(t, res.Errors)
		require.Equal(t, "ADOPTED", dig(res.Data, "closeAmbassadorProposalVote", "proposal", "status"))
	}
	// The award, once every category has its adopted proposal.
	for category, nomination := range first {
		require.Empty(t, b.gql(t, `mutation($e: ID!, $c: ID!, $n: ID!) { recordAmbassadorAward(input: {editionId: $e, categoryId: $c,
			entries: [{nominationId: $n, rank: LAUREATE}]}) { award { category } } }`,
			map[string]any{"e": edition, "c": category, "n": nomination}, withToken(coord)).Errors)
	}
}
