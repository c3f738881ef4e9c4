package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func (f *infoFixture) translate(t *testing.T, token, page, lang, title, body, credit string) {
	t.Helper()
	f.ok(t, f.b.gql(t, `mutation($p: ID!, $l: String!, $t: String!, $b: String!, $c: String) { addInfoPageTranslation(input: {pageId: $p,
		language: $l, title: $t, body: $b, credit: $c}) { translation { language } } }`,
		map[string]any{"p": page, "l": lang, "t": title, "b": body, "c": credit}, withToken(token)))
}

// TestInfoPages_ReadInALanguageThroughTheAPI: a page read in a translated
// language, an outdated one and a missing one; the body's HTML without the
// raw HTML of the Markdown; the coverage with its count.
func TestInfoPages_ReadInALanguageThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newInfoFixture(t)
	b := f.b
	id := f.page(t, "karta-pobytu", "PROCEDURE", false)
	f.translate(t, f.tokens[callerTranslator], id, "uk", "Карта побуту", "Текст <script>alert(1)</script> [x](javascript:alert(1))", "Fundacja X, tłum. Olena K.")
	f.translate(t, f.tokens[callerTranslator], id, "AR", "بطاقة الإقامة", "نص", "")
	f.ok(t, b.gql(t, `mutation($p: ID!) { updateInfoPageOriginal(input: {pageId: $p, baseVersion: 1, title: "Karta pobytu", body: "Nowe"}) { page { id } } }`,
		map[string]any{"p": id}, withToken(f.official)))
	f.translate(t, f.tokens[callerTranslator], id, "ar", "بطاقة الإقامة", "نص جديد", "")

	read := `query($l: String) { infoPage(slug: "karta-pobytu") { originalVersion languages { language dir isOriginal version basedOnVersion outdated }
		content(language: $l) { language dir isOriginal title bodyHtml version basedOnVersion originalVersion outdated by credit availableLanguages } } }`
	res := b.gql(t, read, map[string]any{"l": "uk"})
	require.Empty(t, res.Errors)
	require.Equal(t, []any{
		map[string]any{"language": "pl", "dir": "LTR", "isOriginal": true, "version": float64(2), "basedOnVersion": nil, "outdated": false},
		map[string]any{"language": "ar", "dir": "RTL", "isOriginal": false, "version": float64(2), "basedOnVersion": float64(2), "outdated": false},
		map[string]any{"language": "uk", "dir": "LTR", "isOriginal": false, "version": float64(1), "basedOnVersion": float64(1), "outdated": true},
	}, dig(res.Data, "infoPage", "languages"))
	require.Equal(t, map[string]any{"language": "uk", "dir": "LTR", "isOriginal": false, "title": "Карта побуту",
		"bodyHtml": "<p>Текст <!-- raw HTML omitted -->alert(1)<!-- raw HTML omitted --> <a href=\"\">x</a></p>\n", "version": float64(1),
		"basedOnVersion": float64(1), "originalVersion": float64(2), "outdated": true, "by": "Tester",
		"credit": "Fundacja X, tłum. Olena K.", "availableLanguages": []any{"pl", "ar", "uk"}}, dig(res.Data, "infoPage", "content"))
	res = b.gql(t, read, map[string]any{"l": "vi"})
	require.Empty(t, res.Errors)
	require.Equal(t, "pl", dig(res.Data, "infoPage", "content", "language"))
	require.Equal(t, true, dig(res.Data, "infoPage", "content", "isOriginal"))

	res = b.gql(t, `{ procedureCoverage { translatedProcedures procedures { page { slug } current outdated } languages { language dir current outdated } } }`, nil)
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"translatedProcedures": float64(1),
		"procedures": []any{map[string]any{"page": map[string]any{"slug": "karta-pobytu"}, "current": []any{"ar"}, "outdated": []any{"uk"}}},
		"languages": []any{map[string]any{"language": "ar", "dir": "RTL", "current": float64(1), "outdated": float64(0)},
			map[string]any{"language": "uk", "dir": "LTR", "current": float64(0), "outdated": float64(1)}}}, dig(res.Data, "procedureCoverage"))

	// Refusals at their fields.
	res = b.gql(t, `mutation($p: ID!) { addInfoPageTranslation(input: {pageId: $p, language: "pl", title: "a", body: "b"}) { page { id } } }`,
		map[string]any{"p": id}, withToken(f.coord))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "language", res.Errors[0].Extensions["field"])
	res = b.gql(t, `mutation($p: ID!) { updateInfoPageOriginal(input: {pageId: $p, baseVersion: 1, title: "a", body: "b"}) { page { id } } }`,
		map[string]any{"p": id}, withToken(f.coord))
	require.Equal(t, "CONFLICT", res.code())
}

// TestWebInfoPages_ListStatementsDoNotGrowWithThePages: the list of pages
// costs as many statements with 2 pages as with 12, each with translations;
// a page in Arabic is marked rtl, the outdated Ukrainian says so and links
// the original.
func TestWebInfoPages_ListStatementsDoNotGrowWithThePages(t *testing.T) {
	t.Parallel()
	f := newInfoFixture(t)
	b := f.b
	srv := b.webServer(t)
	count := func(n int, prefix string) []string {
		t.Helper()
		for i := range n {
			id := f.page(t, fmt.Sprintf("%s-%d", prefix, i), "PROCEDURE", false)
			f.translate(t, f.coord, id, "uk", "Заголовок", "Текст", "")
			f.translate(t, f.coord, id, "vi", "Tiêu đề", "Văn bản", "")
		}
		before := int(b.queries.n.Load())
		body := page(t, srv, f.bob, "/info?kind=procedure&language=vi&after=")
		require.Equal(t, n, strings.Count(body, `hreflang="vi"`)-strings.Count(body, `hreflang="vi" class`), "every page is listed")
		return b.queries.since(before)
	}
	two := count(2, "a")
	_, err := b.pool.Exec(t.Context(), `delete from infopages`)
	require.NoError(t, err)
	twelve := count(12, "b")
	require.Equal(t, len(two), len(twelve), "for 2:\n%s\nfor 12:\n%s", strings.Join(two, "\n---\n"), strings.Join(twelve, "\n---\n"))

	id := f.page(t, "meldunek", "PROCEDURE", false)
	f.translate(t, f.coord, id, "uk", "Реєстрація", "Текст", "Fundacja X, tłum. Anna K.")
	f.translate(t, f.coord, id, "ar", "التسجيل", "نص", "")
	f.ok(t, b.gql(t, `mutation($p: ID!) { updateInfoPageOriginal(input: {pageId: $p, baseVersion: 1, title: "Meldunek", body: "Nowe"}) { page { id } } }`,
		map[string]any{"p": id}, withToken(f.coord)))
	ar := page(t, srv, "", "/info/meldunek/ar")
	require.Contains(t, ar, `<article class="infopage" lang="ar" dir="rtl"><h1>التسجيل</h1>`)
	uk := page(t, srv, "", "/info/meldunek/uk")
	require.Contains(t, uk, `<article class="infopage" lang="uk" dir="ltr"><h1>Реєстрація</h1>`)
	require.Contains(t, uk, "Fundacja X, tłum. Anna K.")
	require.Contains(t, uk, "przetłumaczono wersję 1 oryginału, a obowiązuje wersja 2")
	require.Contains(t, uk, `<a href="/info/meldunek" hreflang="pl">`)
	pl := page(t, srv, "", "/info/meldunek")
	require.Contains(t, pl, `<article class="infopage" lang="pl" dir="ltr"><h1>Meldunek</h1>`)
	require.NotContains(t, pl, "obowiązuje wersja")
	cov := page(t, srv, "", "/info/coverage")
	require.Contains(t, cov, "Opublikowane procedury z aktualnym tłumaczeniem na co najmniej jeden język: 12 z 13.") // meldunek: both translations outdated
}
