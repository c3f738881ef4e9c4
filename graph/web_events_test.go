package graph_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

// TestWebEventsCalendar_StatementsDoNotGrowWithTheEvents: the public
// calendar with 2 events costs as many statements as with 12, for the
// anonymous and for a member of the organiser (who also sees submitted ones).
func TestWebEventsCalendar_StatementsDoNotGrowWithTheEvents(t *testing.T) {
	t.Parallel()
	f := eventFixture{newCallerFixture(t)}
	b := f.b
	srv := b.webServer(t)
	add := func(n int) {
		for i := range n {
			res := b.gql(t, `mutation($o: ID!, $t: String!, $s: DateTime!, $e: DateTime!) { submitEvent(input: {organisationId: $o,
				title: [{locale: PL, text: $t}], description: [{locale: UK, text: "Опис"}], accessibility: [{locale: PL, text: "Winda"}],
				category: CULTURE, startsAt: $s, endsAt: $e, place: "Kraków", languages: ["pl", "uk"]}) { event { id } } }`,
				map[string]any{"o": f.ngoID, "t": fmt.Sprintf("Koncert %d", i), "s": fmt.Sprintf("2031-0%d-01T18:00:00+02:00", 4+i%5),
					"e": fmt.Sprintf("2031-0%d-01T20:00:00+02:00", 4+i%5)}, withToken(f.tokens[map[bool]string{true: callerCoordinator, false: callerNGOMember}[i%3 != 0]]))
			require.Empty(t, res.Errors)
		}
	}
	count := func(token string, want int) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		body := page(t, srv, token, "/events")
		require.Equal(t, want, strings.Count(body, `<li class="card event`), body)
		return b.queries.since(before)
	}
	add(2) // one submitted, one approved
	anonTwo := fewestStatements(func() []string { return count("", 1) })
	memberTwo := fewestStatements(func() []string { return count(f.tokens[callerNGOMember], 2) })
	add(10)
	anonMany := fewestStatements(func() []string { return count("", 7) })
	memberMany := fewestStatements(func() []string { return count(f.tokens[callerNGOMember], 12) })
	require.Equal(t, len(anonTwo), len(anonMany), "for 2:\n%s\nfor 12:\n%s", strings.Join(anonTwo, "\n---\n"), strings.Join(anonMany, "\n---\n"))
	require.Equal(t, len(memberTwo), len(memberMany))
}

// TestWebEvents_PageFeedAndSingleICS: an approved event's page shows its
// time in Warsaw, its languages marked with lang and the .ics links; the
// feed and the single .ics are iCalendar; a submitted event is not found
// for the anonymous, on its page or as .ics.
func TestWebEvents_PageFeedAndSingleICS(t *testing.T) {
	t.Parallel()
	f := eventFixture{newCallerFixture(t)}
	b := f.b
	srv := b.webServer(t)
	approved, submitted := f.approved(t), f.submitted(t)
	key := func(id string) string {
		_, k, ok := gid.Decode(id)
		require.True(t, ok)
		return k.String()
	}
	body := page(t, srv, "", "/events/"+key(approved))
	require.Contains(t, body, `<time datetime="2030-03-14T17:00:00Z">2030-03-14 18:00–20:00</time>`)
	require.Contains(t, body, `<li lang="uk">Українська</li>`)
	require.Contains(t, body, `<li lang="pl">Polski</li>`)
	require.Contains(t, body, `href="/events/`+key(approved)+`.ics?lang=pl"`)
	require.Contains(t, body, `href="/events.ics?lang=pl"`)

	get := func(path string) (int, string, string) {
		res, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, res.Header.Get("Content-Type"), string(b)
	}
	code, typ, feed := get("/events.ics?lang=uk")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "text/calendar; charset=utf-8", typ)
	require.True(t, strings.HasPrefix(feed, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), feed)
	require.Equal(t, 1, strings.Count(feed, "BEGIN:VEVENT"))
	require.Contains(t, feed, "\r\nUID:event-"+key(approved)+"@otwarty\r\n")
	require.Contains(t, feed, "\r\nSUMMARY:Розмовний клуб\r\n")
	code, _, one := get("/events/" + key(approved) + ".ics?lang=pl")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, one, "\r\nSUMMARY;LANGUAGE=uk:Розмовний клуб\r\n")
	code, _, _ = get("/events.ics?lang=de")
	require.Equal(t, http.StatusBadRequest, code)
	code, _, _ = get("/events/" + key(submitted))
	require.Equal(t, http.StatusNotFound, code)
	code, _, _ = get("/events/" + key(submitted) + ".ics")
	require.Equal(t, http.StatusNotFound, code)
}
