package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
)

func TestNextPath_OnlyPathsOfThisSite(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/profile":                 "/profile",
		"/sign-in?next=%2Fprofile": "/sign-in?next=%2Fprofile",
		"":                         "/",
		"profile":                  "/",
		"//evil.example/x":         "/",
		"/\\evil.example":          "/%5Cevil.example", // escaped: not "//"
		"https://evil.example/":    "/",
		"javascript:alert(1)":      "/",
	} {
		require.Equal(t, want, nextPath(in), in)
	}
}

func TestCSRFToken_DependsOnTheSecretOnly(t *testing.T) {
	t.Parallel()
	a, b := csrfToken("secret one"), csrfToken("secret two")
	require.Equal(t, a, csrfToken("secret one"), "every instance derives the same token")
	require.NotEqual(t, a, b)
	require.True(t, csrfEqual(a, a))
	require.False(t, csrfEqual("", csrfToken("")), "an empty token never passes")
	require.False(t, csrfEqual(b, a))
}

func TestTr_EveryWebKeyInEveryLocale(t *testing.T) {
	t.Parallel()
	var n int
	for _, k := range i18n.Keys() {
		if strings.HasPrefix(k, "web.") {
			n++
			require.True(t, i18n.Has(k), "%s is missing in a locale", k)
		}
	}
	require.Greater(t, n, 50)
}

func TestServeStatic_HashedForeverElseRevalidated(t *testing.T) {
	t.Parallel()
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		serveStatic(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w
	}
	w := get(staticURL("style.css"))
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "public, max-age=31536000, immutable", w.Header().Get("Cache-Control"))
	require.Equal(t, "text/css; charset=utf-8", w.Header().Get("Content-Type"))
	w = get("/static/0/style.css")
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "no-cache", w.Header().Get("Cache-Control"))
	require.Equal(t, http.StatusNotFound, get("/static/0/missing.css").Code)
	require.Equal(t, http.StatusNotFound, get("/static/style.css").Code)
}

func TestServeStatic_GzipWhenAccepted(t *testing.T) {
	t.Parallel()
	get := func(accept string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, staticURL("live.js"), nil)
		if accept != "" {
			r.Header.Set("Accept-Encoding", accept)
		}
		w := httptest.NewRecorder()
		serveStatic(w, r)
		return w
	}
	plain := get("")
	require.Equal(t, "", plain.Header().Get("Content-Encoding"))
	require.Equal(t, "Accept-Encoding", plain.Header().Get("Vary"))
	require.Equal(t, string(assets["live.js"].body), plain.Body.String())
	for _, accept := range []string{"gzip, deflate, br", "br;q=1.0, gzip;q=0.8"} {
		w := get(accept)
		require.Equal(t, "gzip", w.Header().Get("Content-Encoding"), accept)
		zr, err := gzip.NewReader(w.Body)
		require.NoError(t, err)
		got, err := io.ReadAll(zr)
		require.NoError(t, err)
		require.Equal(t, string(assets["live.js"].body), string(got))
	}
	require.Equal(t, "", get("gzip;q=0, br").Header().Get("Content-Encoding"))
}

// TestPageScripts_Under60KBCompressed: the scripts every page loads (the
// layout's) and every page's own (the ballot's) weigh less than 60 KB
// gzipped all together. GraphiQL, the API's developer console at
// /graphiql, is not a page of the platform.
func TestPageScripts_Under60KBCompressed(t *testing.T) {
	t.Parallel()
	var html strings.Builder
	require.NoError(t, layout("x").Render(t.Context(), &html))
	var layoutScripts []string
	for _, m := range regexp.MustCompile(`<script src="/static/[0-9a-f]+/([^"]+)"`).FindAllStringSubmatch(html.String(), -1) {
		layoutScripts = append(layoutScripts, m[1])
	}
	require.Equal(t, []string{"vendor/htmx.min.js", "live.js", "menu.js"}, layoutScripts)
	total := 0
	for name, a := range assets {
		if strings.HasSuffix(name, ".js") && !strings.HasPrefix(name, "vendor/graphiql/") && !strings.HasPrefix(name, "graphiql") {
			total += len(a.gz)
		}
	}
	require.Less(t, total, 60*1024)
}

func TestDaysLeft_CalendarDaysInWarsaw(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, i18n.Warsaw)
		require.NoError(t, err)
		return v
	}
	now := at("2026-03-28 23:30")
	for closes, want := range map[string]int{
		"2026-03-28 23:59": 0, "2026-03-29 00:10": 1, "2026-03-30 09:00": 2, // across the clock change
		"2026-04-28 12:00": 31,
	} {
		c := at(closes)
		require.Equal(t, want, daysLeft(now, &c), closes)
	}
	past := at("2026-03-28 10:00")
	require.Equal(t, -1, daysLeft(now, &past))
	require.Equal(t, -1, daysLeft(now, nil))
}

func TestListFields_AnIndexedErrorGoesToItsItemsField(t *testing.T) {
	t.Parallel()
	names := []string{"q-a", "q-b", "q-c"}
	err := apperr.Fields(
		apperr.Invalid("answers", "text.too_long").With(map[string]any{"index": 2, "max": 20000}),
		apperr.Invalid("answers", "text.too_long").With(map[string]any{"index": 0, "max": 20000}),
		apperr.Invalid("answers", "survey.question_invalid").With(map[string]any{"index": 3}), // no such item
		apperr.Invalid("locale", "text.locale_invalid"),
	)
	var got []string
	var e *apperr.Error
	require.ErrorAs(t, listFields(err, "answers", names), &e)
	for _, x := range append([]*apperr.Error{e}, e.Also...) {
		got = append(got, x.Field+" "+x.Key)
	}
	require.Equal(t, []string{"q-c text.too_long", "q-a text.too_long", "answers survey.question_invalid", "locale text.locale_invalid"}, got)

	require.Equal(t, apperr.ErrNotFound, listFields(apperr.ErrNotFound, "answers", names), "no field: as it was")
	plain := io.EOF
	require.Equal(t, plain, listFields(plain, "answers", names))
}
