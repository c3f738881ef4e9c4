package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// ambassadorPageQuery is an edition's page of nominations with every nested
// field a coordinator's or a juror's screen shows.
const ambassadorPageQuery = `query($e: ID!) { ambassadorEdition(id: $e) { nominations(first: 50) { totalCount edges { node {
	id status channel staffEntered nominatorName scanRef checkNote links receivedAt
	edition { year phase } category { kind titles }
	nominee { name email organisation { name } }
	justifications { criterion { code weight } text { text } textTranslations { locale } }
	consent { by channel scanRef }
	attachments { fileName }
	myReview { declaration conflict seesScores mayScore sheet { status weighted scores { points } } }
	scoreSheets { jurorNumber status weighted recused scores { points criterion { code } } }
	discussion { body staff recused jurorNumber }
	juryConflicts { displayName declaration conflict }
} } } } }`

// TestAmbassadorNominations_StatementsDoNotGrowWithThePage: a page of an
// edition's nominations with all their nested fields costs as many SQL
// statements for 3 nominations as for 12, for the coordinator and for a
// juror who has scored and commented each (an automatic conflict with one).
func TestAmbassadorNominations_StatementsDoNotGrowWithThePage(t *testing.T) {
	t.Parallel()
	cf := &callerFixture{consultationFixture: newConsultationFixture(t)}
	small := newScoringFixture(t, cf, 2025, "")
	large := newScoringFixture(t, cf, 2024, "")
	b := small.b
	nominator := small.account(t, "zglaszajacy.lista@example.org")
	juror := small.account(t, "juror.lista@example.org")
	fill := func(f *scoringFixture, n int) {
		f.grantJuror(t, juror, f.edition)
		var ids []string
		for i := range n {
			email := fmt.Sprintf("kandydat%d.%d@example.org", n, i)
			if i == 0 {
				email = "juror.lista@example.org" // the juror is this nominee: an automatic conflict
			}
			res := b.gql(t, `mutation($e: ID!, $c: ID!, $n: String!, $m: String!, $k: ID!, $o: ID!) { nominateForAmbassador(input: {editionId: $e,
				categoryId: $c, nominee: {name: $n, email: $m, organisationId: $o}, links: ["https://example.org"],
				justifications: [{criterionId: $k, text: {locale: PL, text: "Uzasadnienie"}}]}) { nomination { id } } }`,
				map[string]any{"e": f.edition, "c": f.cats["ORGANISATION"], "n": fmt.Sprintf("Kandydat %d", i), "m": email,
					"k": f.criteria[0], "o": f.ngoID}, withToken(nominator))
			require.Empty(t, res.Errors)
			ids = append(ids, dig(res.Data, "nominateForAmbassador", "nomination", "id").(string))
		}
		f.toScoring(t, ids...)
		for _, id := range ids[1:] {
			require.Empty(t, f.declare(t, juror, id, "NONE").Errors)
			require.Empty(t, f.score(t, juror, id, true, 7, 8, 9, 10).Errors)
			require.Empty(t, f.comment(t, juror, id, "Mocna kandydatura.").Errors)
		}
	}
	fill(small, 3)
	fill(large, 12)
	count := func(f *scoringFixture, token string, n int) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		res := b.gql(t, ambassadorPageQuery, map[string]any{"e": f.edition}, withToken(token))
		require.Empty(t, res.Errors)
		edges := dig(res.Data, "ambassadorEdition", "nominations", "edges").([]any)
		require.Len(t, edges, n)
		return b.queries.since(before)
	}
	for _, who := range []struct{ name, token string }{{"coordinator", small.coord}, {"juror", juror}} {
		three := fewestStatements(func() []string { return count(small, who.token, 3) })
		twelve := fewestStatements(func() []string { return count(large, who.token, 12) })
		require.Equal(t, len(three), len(twelve), "%s: for 3:\n%s\nfor 12:\n%s", who.name,
			strings.Join(three, "\n---\n"), strings.Join(twelve, "\n---\n"))
	}
	// What the juror sees stays what the rules allow: no contacts, her own
	// conflict's nomination without scores, the others' with them.
	res := b.gql(t, ambassadorPageQuery, map[string]any{"e": small.edition}, withToken(juror))
	require.Empty(t, res.Errors)
	seen := map[string]string{}
	for _, e := range dig(res.Data, "ambassadorEdition", "nominations", "edges").([]any) {
		n := dig(e, "node").(map[string]any)
		require.Nil(t, dig(n, "nominee", "email"))
		require.Nil(t, n["juryConflicts"])
		seen[dig(n, "nominee", "name").(string)] = fmt.Sprintf("%v %v %v", dig(n, "myReview", "conflict"), len(asList(n["scoreSheets"])),
			len(asList(n["discussion"])))
	}
	require.Equal(t, map[string]string{"Kandydat 0": "NOMINEE 0 0", "Kandydat 1": "<nil> 1 1", "Kandydat 2": "<nil> 1 1"}, seen)
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// TestAmbassadorEditions_StatementsDoNotGrowWithTheList: the list of
// editions with their categories, criteria, jury, phase history and the
// caller's permissions costs as many statements for 2 editions as for 6.
func TestAmbassadorEditions_StatementsDoNotGrowWithTheList(t *testing.T) {
	t.Parallel()
	cf := newCallerFixture(t)
	b := cf.b
	f := &ambassadorFixture{callerFixture: cf, tokens: cf.tokens}
	query := `{ ambassadorEditions(first: 50) { totalCount edges { node { id year phase status publishedAt announcedAt
		call { text } categories { kind titles } criteria { code name { text } weight }
		jurors { displayName chair } phaseChanges { from to } viewerCan { manage nominate voteAudience } } } } }`
	count := func(n int) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		res := b.gql(t, query, nil, withToken(f.coord))
		require.Empty(t, res.Errors)
		require.Len(t, dig(res.Data, "ambassadorEditions", "edges"), n)
		return b.queries.since(before)
	}
	for year := 2030; year < 2032; year++ {
		f.edition(t, year, false)
	}
	two := fewestStatements(func() []string { return count(2) })
	for year := 2032; year < 2036; year++ {
		f.edition(t, year, false)
	}
	six := fewestStatements(func() []string { return count(6) })
	require.Equal(t, len(two), len(six), "for 2:\n%s\nfor 6:\n%s", strings.Join(two, "\n---\n"), strings.Join(six, "\n---\n"))
}
