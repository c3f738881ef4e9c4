package graph_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph"
	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/web"
)

// The web pages live in web/; their statement counts are checked here,
// where the API's harness counts the statements of its pool.

// webServer serves the pages on the bundle's services.
func (b *bundle) webServer(t *testing.T) *httptest.Server {
	t.Helper()
	site := web.New(web.Services{Identity: b.identity, Consultations: b.consult, Orgs: b.resolver.Orgs, Notify: b.resolver.Notify, Dialogue: b.dialogue, Motions: b.resolver.DialogueMotions, Minutes: b.resolver.DialogueMinutes, Ambassador: b.resolver.Ambassador, Budget: b.budget, Authz: b.authz, Pool: b.pool, Programme: b.resolver.Programmes,
		Live: graph.PageSignals{R: b.resolver}, InfoPages: b.resolver.InfoService, Events: b.resolver.Calendar},
		web.Config{PublicURL: "http://otwarty.test", Log: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	return srv
}

// page GETs path with the API token as the session cookie (one session
// for both) and returns the body.
func page(t *testing.T, srv *httptest.Server, token, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "otwarty_session", Value: token})
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	return string(body)
}

// TestWebConsultationPage_StatementsDoNotGrowWithTheThreads: a
// consultation's page with 2 postulates, a reply each and a section comment
// costs as many statements as one with 12 postulates, 2 replies each, 4
// section comments, supports, answers and meetings.
func TestWebConsultationPage_StatementsDoNotGrowWithTheThreads(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	srv := b.webServer(t)
	authors := []string{f.alice, f.bob, f.carol, f.dan}
	fill := func(postulates, replies, comments int) string {
		id, section, _ := f.draft(t, 10, 30, []string{"ONLINE_SUBMISSIONS", "SECTION_COMMENTS", "MEETING"})
		require.Empty(t, b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { status } } }`,
			map[string]any{"id": id}, withToken(f.official)).Errors)
		require.Empty(t, b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwieramy wcześniej"}) { consultation { status } } }`,
			map[string]any{"id": id}, withToken(f.official)).Errors)
		submit := func(who string, in map[string]any) string {
			in["consultationId"], in["locale"] = id, "PL"
			res := b.gql(t, `mutation($in: CreateSubmissionInput!) { createSubmission(input: $in) { submission { id } } }`, map[string]any{"in": in}, withToken(who))
			require.Empty(t, res.Errors)
			return dig(res.Data, "createSubmission", "submission", "id").(string)
		}
		for i := range postulates {
			sid := submit(authors[i%4], map[string]any{"kind": "POSTULATE", "text": fmt.Sprintf("Postulat %d", i)})
			for j := range replies {
				submit(authors[(i+j+1)%4], map[string]any{"kind": "POSTULATE", "parentId": sid, "text": fmt.Sprintf("Odpowiedź %d", j)})
			}
			require.Empty(t, b.gql(t, `mutation($id: ID!) { supportSubmission(input: {submissionId: $id}) { submission { id } } }`,
				map[string]any{"id": sid}, withToken(authors[(i+1)%4])).Errors)
		}
		for i := range comments {
			submit(authors[i%4], map[string]any{"kind": "COMMENT", "sectionId": section, "text": fmt.Sprintf("Komentarz %d", i)})
		}
		_, uid, ok := gid.Decode(id)
		require.True(t, ok)
		return "/consultations/" + uid.String()
	}
	small, large := fill(2, 1, 1), fill(12, 2, 4)
	count := func(path string, postulates int) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		body := page(t, srv, f.bob, path)
		require.Equal(t, postulates, shown(body, "Postulat "), "every postulate is on the page (the author's own also in its edit form)")
		return b.queries.since(before)
	}
	two := fewestStatements(func() []string { return count(small, 2) })
	twelve := fewestStatements(func() []string { return count(large, 12) })
	require.Equal(t, len(two), len(twelve), "for 2:\n%s\nfor 12:\n%s", strings.Join(two, "\n---\n"), strings.Join(twelve, "\n---\n"))
}

// TestWebBudgetEdition_StatementsDoNotGrowWithTheProjects: an edition's
// page of projects (with supports) costs as many statements with 2
// projects as with 12.
func TestWebBudgetEdition_StatementsDoNotGrowWithTheProjects(t *testing.T) {
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
			id := f.submit(t, f.alice, in)
			require.Empty(t, b.gql(t, `mutation($p: ID!) { supportBudgetProject(input: {projectId: $p}) { project { id } } }`,
				map[string]any{"p": id}, withToken(f.bob)).Errors)
		}
		_, edition, ok := gid.Decode(f.edition)
		require.True(t, ok)
		srv := b.webServer(t)
		before := int(b.queries.n.Load())
		body := page(t, srv, f.bob, "/budget/"+edition.String())
		require.Equal(t, n, strings.Count(body, ">Projekt "), "every project is on the page")
		return b.queries.since(before)
	}
	two := fewestStatements(func() []string { return count(2) })
	twelve := fewestStatements(func() []string { return count(12) })
	require.Equal(t, len(two), len(twelve), "for 2:\n%s\nfor 12:\n%s", strings.Join(two, "\n---\n"), strings.Join(twelve, "\n---\n"))
}

// TestWebConsultationPage_StatementsDoNotGrowWithTheSurvey: a consultation's
// page with its survey form filled with the resident's answers costs as
// many statements with 2 questions as with 12.
func TestWebConsultationPage_StatementsDoNotGrowWithTheSurvey(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	srv := b.webServer(t)
	fill := func(n int) string {
		now := time.Now()
		questions := make([]any, n)
		for i := range questions {
			questions[i] = map[string]any{"locale": "PL", "text": fmt.Sprintf("Pytanie %d", i)}
		}
		res := b.gql(t, createConsultation, map[string]any{"in": map[string]any{
			"unitId": f.unitID, "title": map[string]any{"locale": "PL", "text": "Ankieta o punktach informacyjnych"},
			"forms": []string{"ONLINE_SUBMISSIONS", "SURVEY", "MEETING"}, "announceAt": now.Add(time.Minute).Format(time.RFC3339),
			"opensAt": now.Add(10 * 24 * time.Hour).Format(time.RFC3339), "closesAt": now.Add(40 * 24 * time.Hour).Format(time.RFC3339),
			"questions": questions,
		}}, withToken(f.official))
		require.Empty(t, res.Errors)
		id := dig(res.Data, "createConsultation", "consultation", "id").(string)
		require.Empty(t, b.gql(t, `mutation($id: ID!) { publishConsultation(input: {consultationId: $id}) { consultation { id } } }`,
			map[string]any{"id": id}, withToken(f.official)).Errors)
		require.Empty(t, b.gql(t, `mutation($id: ID!) { changeConsultationPhase(input: {consultationId: $id, status: OPEN, reason: "Otwieramy ankietę"}) { consultation { id } } }`,
			map[string]any{"id": id}, withToken(f.official)).Errors)
		res = b.gql(t, `query($id: ID!) { consultation(id: $id) { questions { id } } }`, map[string]any{"id": id})
		require.Empty(t, res.Errors)
		var answers []any
		for i, q := range dig(res.Data, "consultation", "questions").([]any) {
			answers = append(answers, map[string]any{"questionId": q.(map[string]any)["id"], "locale": "PL", "text": fmt.Sprintf("Odpowiedź %d", i)})
		}
		require.Empty(t, b.gql(t, `mutation($id: ID!, $a: [SurveyAnswerInput!]!) { answerSurvey(input: {consultationId: $id, answers: $a}) { consultation { id } } }`,
			map[string]any{"id": id, "a": answers}, withToken(f.bob)).Errors)
		_, uid, ok := gid.Decode(id)
		require.True(t, ok)
		return "/consultations/" + uid.String()
	}
	small, large := fill(2), fill(12)
	count := func(path string, n int) []string {
		t.Helper()
		before := int(b.queries.n.Load())
		body := page(t, srv, f.bob, path)
		require.Equal(t, n, strings.Count(body, "<textarea id=\"f-survey-q-"), "a field per question")
		require.Equal(t, n, strings.Count(body, ">Odpowiedź "), "every answer kept in its field")
		return b.queries.since(before)
	}
	two := fewestStatements(func() []string { return count(small, 2) })
	twelve := fewestStatements(func() []string { return count(large, 12) })
	require.Equal(t, len(two), len(twelve), "for 2:\n%s\nfor 12:\n%s", strings.Join(two, "\n---\n"), strings.Join(twelve, "\n---\n"))
}
