package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

// TestWebAmbassadorNominations_StatementsDoNotGrowWithTheNominations: the
// coordinator's screen of an edition's nominations in the formal check —
// each nomination with its justification, consent and check form — costs
// as many statements for 2 nominations as for 8.
func TestWebAmbassadorNominations_StatementsDoNotGrowWithTheNominations(t *testing.T) {
	t.Parallel()
	cf := &callerFixture{consultationFixture: newConsultationFixture(t)}
	small := newScoringFixture(t, cf, 2041, "")
	large := newScoringFixture(t, cf, 2042, "")
	b := small.b
	srv := b.webServer(t)
	nominator := small.account(t, "zglaszajaca.strona@example.org")
	fill := func(f *scoringFixture, n int) string {
		for i := range n {
			res := b.gql(t, `mutation($e: ID!, $c: ID!, $n: String!, $m: String!, $k: ID!) { nominateForAmbassador(input: {editionId: $e,
				categoryId: $c, nominee: {name: $n, email: $m}, links: ["https://example.org/projekt"],
				justifications: [{criterionId: $k, text: {locale: PL, text: "Uzasadnienie kandydatury"}}]}) { nomination { id } } }`,
				map[string]any{"e": f.edition, "c": f.cats["INDIVIDUAL"], "n": fmt.Sprintf("Kandydatka %d", i),
					"m": fmt.Sprintf("kandydatka%d.%d@example.org", n, i), "k": f.criteria[0]}, withToken(nominator))
			require.Empty(t, res.Errors)
			id := dig(res.Data, "nominateForAmbassador", "nomination", "id").(string)
			if i%2 == 0 { // half with a consent on paper, half still waiting
				f.ok(t, b.gql(t, `mutation($n: ID!) { recordAmbassadorConsent(input: {nominationId: $n, scanRef: "KD-1/AMB"}) { nomination { id } } }`,
					map[string]any{"n": id}, withToken(f.coord)))
			}
		}
		f.move(t, "FORMAL_CHECK")
		_, key, ok := gid.Decode(f.edition)
		require.True(t, ok)
		return "/ambassador/" + key.String() + "/nominations"
	}
	two, eight := fill(small, 2), fill(large, 8)
	count := func(path string, n int) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		body := page(t, srv, small.coord, path)
		require.Equal(t, n, strings.Count(body, `<li id="n-`), "every nomination is on the screen")
		require.Equal(t, n, strings.Count(body, "Uzasadnienie kandydatury"), "with its justification")
		require.Equal(t, n, strings.Count(body, `/check"`), "and its check form")
		require.Equal(t, n/2, strings.Count(body, `/consent"`), "the consent forms of those without one")
		return b.queries.since(before)
	}
	forTwo, forEight := count(two, 2), count(eight, 8)
	require.Equal(t, len(forTwo), len(forEight), "for 2:\n%s\nfor 8:\n%s", strings.Join(forTwo, "\n---\n"), strings.Join(forEight, "\n---\n"))
}
