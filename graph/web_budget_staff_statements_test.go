package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

// TestWebBudgetVerification_StatementsDoNotGrowWithTheProjects: the
// officials' verification screen, a decide form per project, costs as many
// statements with 2 projects as with 10.
func TestWebBudgetVerification_StatementsDoNotGrowWithTheProjects(t *testing.T) {
	t.Parallel()
	count := func(n int) []string {
		f := newProjectsFixture(t, 0)
		b := f.b
		for k := range n {
			pool := f.city
			if k%2 == 1 {
				pool = f.district
			}
			in := f.submitInput(pool)
			in["title"] = fmt.Sprintf("Projekt %d", k)
			f.submit(t, f.alice, in)
		}
		f.advance(t, "VERIFICATION")
		_, edition, ok := gid.Decode(f.edition)
		require.True(t, ok)
		srv := b.webServer(t)
		before := int(b.queries.n.Load())
		body := page(t, srv, f.official, "/budget/"+edition.String()+"/verification")
		require.Equal(t, n, strings.Count(body, `name="action" value="verify"`), "a decide form per project")
		return b.queries.since(before)
	}
	two := fewestStatements(func() []string { return count(2) })
	ten := fewestStatements(func() []string { return count(10) })
	require.Equal(t, len(two), len(ten), "for 2:\n%s\nfor 10:\n%s", strings.Join(two, "\n---\n"), strings.Join(ten, "\n---\n"))
}
