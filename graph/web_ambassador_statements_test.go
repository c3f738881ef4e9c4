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
	forTwo := fewestStatements(func() []string { return count(two, 2) })
	forEight := fewestStatements(func() []string { return count(eight, 8) })
	require.Equal(t, len(forTwo), len(forEight), "for 2:\n%s\nfor 8:\n%s", strings.Join(forTwo, "\n---\n"), strings.Join(forEight, "\n---\n"))
}

// TestWebAmbassadorJury_StatementsDoNotGrowWithTheNominations: the jury's
// screen in the scoring — each eligible nomination with the juror's
// declaration, score sheet, the sheets and the discussion — costs as many
// statements for 2 nominations as for 6, for a juror and for the
// coordinator.
func TestWebAmbassadorJury_StatementsDoNotGrowWithTheNominations(t *testing.T) {
	t.Parallel()
	cf := &callerFixture{consultationFixture: newConsultationFixture(t)}
	small := newScoringFixture(t, cf, 2043, "")
	large := newScoringFixture(t, cf, 2044, "")
	b := small.b
	srv := b.webServer(t)
	nominator := small.account(t, "zglaszajacy.jury@example.org")
	juror := small.account(t, "juror.strony@example.org")
	fill := func(f *scoringFixture, n int) string {
		f.grantJuror(t, juror, f.edition)
		var ns []string
		for i := range n {
			ns = append(ns, f.nominateAs(t, nominator, "INDIVIDUAL", fmt.Sprintf("Kandydat %d", i), fmt.Sprintf("kandydat%d.%d@example.org", n, i)))
		}
		f.toScoring(t, ns...)
		for i, id := range ns { // every nomination declared, half scored and discussed
			f.ok(t, f.declare(t, juror, id, "NONE"))
			if i%2 == 0 {
				f.ok(t, f.score(t, juror, id, true, 3, 3, 3, 3))
				f.ok(t, f.comment(t, juror, id, "Uwaga do kandydatury"))
			}
		}
		_, key, ok := gid.Decode(f.edition)
		require.True(t, ok)
		return "/ambassador/" + key.String() + "/jury"
	}
	two, six := fill(small, 2), fill(large, 6)
	count := func(token, path string, n int) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		body := page(t, srv, token, path)
		require.Equal(t, n, strings.Count(body, `<li id="j-`), "every nomination is on the screen")
		require.Equal(t, n/2, strings.Count(body, "Uwaga do kandydatury"), "with its discussion")
		return b.queries.since(before)
	}
	for who, token := range map[string]string{"juror": juror, "coordinator": small.coord} {
		forTwo := fewestStatements(func() []string { return count(token, two, 2) })
		forSix := fewestStatements(func() []string { return count(token, six, 6) })
		require.Equal(t, len(forTwo), len(forSix), "%s, for 2:\n%s\nfor 6:\n%s", who, strings.Join(forTwo, "\n---\n"), strings.Join(forSix, "\n---\n"))
	}
}
