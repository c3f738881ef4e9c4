package graph_test

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

// TestWebMinutesPage_StatementsDoNotGrowWithTheWork: the minutes' page of a
// draft open for comments, read by its secretary (the versions, the
// comments, each one's right to change, every form), costs as many
// statements with 2 versions and 2 comments as with 10 of each.
// minutesAtWork is the fixture's meeting, ended, with a draft of n
// versions by the secretary, open for comments, and n comments by the
// member, the secretary and the chair in turn; it returns the minutes'
// page's path.
func minutesAtWork(t *testing.T, f *minutesFixture, n int) string {
	t.Helper()
	b := f.b
	f.at(3 * time.Hour) // the meeting is over
	f.ok(t, b.gql(t, `mutation($m: ID!) { draftBodyMinutes(input: {meetingId: $m}) { minutes { version } } }`,
		map[string]any{"m": f.meeting}, withToken(f.secretary)))
	for v := 2; v <= n; v++ {
		f.ok(t, b.gql(t, `mutation($m: ID!, $t: String!, $v: Int!) { editBodyMinutes(input: {meetingId: $m, text: $t, baseVersion: $v}) { minutes { version } } }`,
			map[string]any{"m": f.meeting, "t": fmt.Sprintf("# Protokół\n\nWersja %d", v), "v": v - 1}, withToken(f.secretary)))
	}
	f.ok(t, b.gql(t, `mutation($m: ID!) { openBodyMinutesForComments(input: {meetingId: $m}) { minutes { status } } }`,
		map[string]any{"m": f.meeting}, withToken(f.secretary)))
	authors := []string{f.member, f.secretary, f.chair}
	for i := range n {
		f.ok(t, b.gql(t, `mutation($m: ID!, $t: String!) { commentOnBodyMinutes(input: {meetingId: $m, text: $t}) { comment { id } } }`,
			map[string]any{"m": f.meeting, "t": fmt.Sprintf("Uwaga numer %d", i)}, withToken(authors[i%len(authors)])))
	}
	_, meeting, ok := gid.Decode(f.meeting)
	require.True(t, ok)
	return "/bodies/meetings/" + meeting.String() + "/minutes"
}

// TestWebMinutesPage_StatementsDoNotGrowWithTheWork: the minutes' page of a
// draft open for comments, read by its secretary (the versions, the
// comments, each one's right to change, every form), costs as many
// statements with 2 versions and 2 comments as with 10 of each.
func TestWebMinutesPage_StatementsDoNotGrowWithTheWork(t *testing.T) {
	t.Parallel()
	count := func(n int) []string {
		f := newMinutesFixture(t)
		b := f.b
		srv := b.webServer(t)
		path := minutesAtWork(t, f, n)
		before := int(b.queries.n.Load())
		body := page(t, srv, f.secretary, path)
		stmts := b.queries.since(before)
		require.Equal(t, n, strings.Count(body, `comment-text">Uwaga numer `), "every comment is on the page")
		require.Equal(t, n, strings.Count(body, "<strong>Version "), "every version is on the page")
		require.NotContains(t, body, "0001", "each version's time")
		require.Equal(t, (n+1)/3, strings.Count(body, `/delete"`), "the secretary's own comments may be deleted")
		return stmts
	}
	two := fewestStatements(func() []string { return count(2) })
	ten := fewestStatements(func() []string { return count(10) })
	require.Equal(t, len(two), len(ten), "for 2:\n%s\nfor 10:\n%s", strings.Join(two, "\n---\n"), strings.Join(ten, "\n---\n"))
}

// TestWebMinutesPage_CommentsAPageAtATime: 21 comments show 20 and a link
// to the next page, which shows the one left.
func TestWebMinutesPage_CommentsAPageAtATime(t *testing.T) {
	t.Parallel()
	f := newMinutesFixture(t)
	srv := f.b.webServer(t)
	comment := regexp.MustCompile(`comment-text">Uwaga numer (\d+)<`)
	body := page(t, srv, f.member, minutesAtWork(t, f, 21))
	first := comment.FindAllStringSubmatch(body, -1)
	require.Len(t, first, 20)
	require.Contains(t, body, "Усього зауважень: 21", "the member reads Ukrainian")
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
	require.Len(t, next, 2, "a link to the next page")
	rest := page(t, srv, f.member, html.UnescapeString(next[1]))
	last := comment.FindAllStringSubmatch(rest, -1)
	require.Len(t, last, 1)
	require.NotContains(t, rest, `rel="next"`)
	seen := map[string]bool{}
	for _, m := range append(first, last...) {
		seen[m[1]] = true
	}
	require.Len(t, seen, 21, "every comment once")
}
