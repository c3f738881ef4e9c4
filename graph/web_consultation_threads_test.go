package graph_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

// openForPages drafts, publishes and opens a consultation with
// postulates and section comments; it returns its id and its page's path.
func (f *consultationFixture) openForPages(t *testing.T) (id, section, path string) {
	t.Helper()
	b := f.b
	id, section, _ = f.draft(t, 10, 30, []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING"})
	require.Empty(t, b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { status } } }`,
		map[string]any{"id": id}, withToken(f.official)).Errors)
	require.Empty(t, b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwieramy wcześniej"}) { consultation { status } } }`,
		map[string]any{"id": id}, withToken(f.official)).Errors)
	_, uid, ok := gid.Decode(id)
	require.True(t, ok)
	return id, section, "/consultations/" + uid.String()
}

// submitAs writes a submission through the API and returns its id.
func (f *consultationFixture) submitAs(t *testing.T, who, consultation string, in map[string]any) string {
	t.Helper()
	in["consultationId"], in["locale"] = consultation, "PL"
	res := f.b.gql(t, `mutation($in: CreateSubmissionInput!) { createSubmission(input: $in) { submission { id } } }`, map[string]any{"in": in}, withToken(who))
	require.Empty(t, res.Errors)
	return dig(res.Data, "createSubmission", "submission", "id").(string)
}

var hrefRe = regexp.MustCompile(`<a href="([^"]*)">([^<]*)</a>`)

// linkTo is the address of the page's link with text, "" when there is none.
func linkTo(body, text string) string {
	for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
		if m[2] == text {
			return strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	return ""
}

// TestWebConsultationThread_AllRepliesPaged: a postulate with 55 replies
// shows 20 on the consultation's page and a link to its thread, which
// shows them 50 at a time, oldest first, with the reply form; the thread's
// statements do not grow with the replies, and a thread of a reply, of
// another consultation or of an unknown item is not found.
func TestWebConsultationThread_AllRepliesPaged(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	srv := b.webServer(t)
	authors := []string{f.alice, f.bob, f.carol, f.dan}
	id, _, path := f.openForPages(t)
	long := f.submitAs(t, f.alice, id, map[string]any{"kind": "POSTULATE", "text": "Postulat z długą dyskusją"})
	var replies []string
	for i := range 55 {
		replies = append(replies, f.submitAs(t, authors[(i+1)%4], id, map[string]any{"kind": "POSTULATE", "parentId": long, "text": fmt.Sprintf("Odpowiedź nr %02d", i)}))
	}
	short := f.submitAs(t, f.bob, id, map[string]any{"kind": "POSTULATE", "text": "Postulat z krótką dyskusją"})
	for i := range 3 {
		f.submitAs(t, authors[i%4], id, map[string]any{"kind": "POSTULATE", "parentId": short, "text": fmt.Sprintf("Krótka odpowiedź %d", i)})
	}

	body := page(t, srv, f.carol, path)
	require.Equal(t, 20, shown(body, "Odpowiedź nr "), "20 replies under the item")
	thread := linkTo(body, "All replies (number: 55)")
	require.Equal(t, path+"/thread/"+rawID(t, long), thread)
	require.Empty(t, linkTo(body, "All replies (number: 3)"), "a short thread is shown whole")

	first := page(t, srv, f.carol, thread)
	require.Equal(t, 50, shown(first, "Odpowiedź nr "))
	require.Equal(t, 1, shown(first, "Odpowiedź nr 00"))
	require.Equal(t, 1, shown(first, "Odpowiedź nr 49"))
	require.Contains(t, first, `name="parent" value="`+rawID(t, long)+`"`, "the reply form")
	require.Contains(t, first, `name="back" value="`+thread+`"`, "which returns to the thread")
	next := linkTo(first, "Next replies")
	require.NotEmpty(t, next)
	second := page(t, srv, "", next)
	require.Equal(t, 5, shown(second, "Odpowiedź nr "))
	require.Equal(t, 1, shown(second, "Odpowiedź nr 54"))
	require.Empty(t, linkTo(second, "Next replies"))

	count := func(p string) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		page(t, srv, f.carol, p)
		return b.queries.since(before)
	}
	few, many := count(path+"/thread/"+rawID(t, short)), count(thread)
	require.Equal(t, len(few), len(many), "for 3:\n%s\nfor 50:\n%s", strings.Join(few, "\n---\n"), strings.Join(many, "\n---\n"))

	other, _, otherPath := f.openForPages(t)
	elsewhere := f.submitAs(t, f.alice, other, map[string]any{"kind": "POSTULATE", "text": "Gdzie indziej"})
	for _, p := range []string{path + "/thread/" + rawID(t, replies[0]), path + "/thread/" + rawID(t, elsewhere),
		otherPath + "/thread/" + rawID(t, long), path + "/thread/00000000-0000-0000-0000-000000000000"} {
		require.Equal(t, 404, status(t, srv, f.carol, p), p)
	}
}

// TestWebConsultationAnswers_Paged: the officials' answers page shows one
// kind of submission 50 at a time with each kind's total, the counts of
// the whole consultation, and the same statements on every page (in
// English: the official has no language set and sends no Accept-Language).
func TestWebConsultationAnswers_Paged(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	srv := b.webServer(t)
	authors := []string{f.alice, f.bob, f.carol, f.dan}
	id, section, path := f.openForPages(t)
	for i := range 52 {
		f.submitAs(t, authors[i%4], id, map[string]any{"kind": "POSTULATE", "text": fmt.Sprintf("Postulat nr %02d", i)})
	}
	f.submitAs(t, f.alice, id, map[string]any{"kind": "COMMENT", "sectionId": section, "text": "Komentarz jedyny"})

	count := func(p string) (string, []string) {
		t.Helper()
		before := int(b.queries.n.Load())
		body := page(t, srv, f.official, p)
		return body, b.queries.since(before)
	}
	first, firstQ := count(path + "/answers")
	require.Equal(t, 50, strings.Count(first, ">Postulat nr "))
	require.Contains(t, first, ">Postulat nr 00<")
	require.Contains(t, first, `<dd id="unanswered">53</dd>`, "the whole consultation's count")
	require.Equal(t, path+"/answers?kind=comment", linkTo(first, "Section comments: 1"))
	require.Contains(t, first, `aria-current="page"><strong>Postulates: 52</strong>`)
	next := linkTo(first, "Next submissions")
	require.True(t, strings.HasPrefix(next, path+"/answers?after="), next)
	second, secondQ := count(next)
	require.Equal(t, 2, strings.Count(second, ">Postulat nr "))
	require.Contains(t, second, ">Postulat nr 51<")
	require.Empty(t, linkTo(second, "Next submissions"))
	after := strings.TrimPrefix(next, path+"/answers?after=")
	require.Contains(t, second, `name="page_after" value="`, "each answer form returns to its page")
	require.Equal(t, len(firstQ), len(secondQ), "page 1:\n%s\npage 2:\n%s", strings.Join(firstQ, "\n---\n"), strings.Join(secondQ, "\n---\n"))
	require.NotEmpty(t, after)
	comments := page(t, srv, f.official, path+"/answers?kind=comment")
	require.Equal(t, 0, strings.Count(comments, ">Postulat nr "))
	require.Equal(t, 1, strings.Count(comments, ">Komentarz jedyny<"))
	require.Equal(t, 403, status(t, srv, f.alice, path+"/answers"), "a resident may not answer")
}

// shown counts the submission texts beginning with prefix that a page
// shows (in the page's language or marked as Polish; not the author's
// edit forms).
func shown(body, prefix string) int {
	return len(regexp.MustCompile(`<span(?: lang="pl")?>`+regexp.QuoteMeta(prefix)).FindAllString(body, -1))
}

// status GETs path as page does and returns the response's status.
func status(t *testing.T, srv *httptest.Server, token, path string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "otwarty_session", Value: token})
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	return res.StatusCode
}
