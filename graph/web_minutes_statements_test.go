package graph_test

import (
	"fmt"
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
func TestWebMinutesPage_StatementsDoNotGrowWithTheWork(t *testing.T) {
	t.Parallel()
	count := func(n int) []string {
		f := newMinutesFixture(t)
		b := f.b
		srv := b.webServer(t)
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
		before := int(b.queries.n.Load())
		body := page(t, srv, f.secretary, "/bodies/meetings/"+meeting.String()+"/minutes")
		stmts := b.queries.since(before)
		require.Equal(t, n, strings.Count(body, `comment-text">Uwaga numer `), "every comment is on the page")
		require.Equal(t, n, strings.Count(body, "<strong>Version "), "every version is on the page")
		require.NotContains(t, body, "0001", "each version's time")
		require.Equal(t, (n+1)/3, strings.Count(body, `/delete"`), "the secretary's own comments may be deleted")
		return stmts
	}
	two, ten := count(2), count(10)
	require.Equal(t, len(two), len(ten), "for 2:\n%s\nfor 10:\n%s", strings.Join(two, "\n---\n"), strings.Join(ten, "\n---\n"))
}
