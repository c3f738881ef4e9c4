package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

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
