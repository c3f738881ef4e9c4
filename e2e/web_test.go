package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// HTTP-level checks of the web front end: headers, CSRF, caching, the
// language switch, redirects. The browser tests cover the pages' behaviour.

// webClient keeps cookies and does not follow redirects.
func webClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, Timeout: stepTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	require.NotNil(t, m, "no CSRF field in the page")
	return m[1]
}

func TestWeb_HeadersCSRFCachingLanguage(t *testing.T) {
	t.Parallel()
	s := startServer(t, "server", pgtest.URL(t), browserEnv...)
	base := "http://" + s.addr
	c := webClient(t)

	t.Run("every page carries a strict CSP and the other security headers", func(t *testing.T) {
		for _, p := range []string{"/", "/sign-in", "/no-such-page", "/graphiql"} {
			res, _ := get(t, c, base+p)
			csp := res.Header.Get("Content-Security-Policy")
			require.Contains(t, csp, "script-src 'self';", p)
			require.NotContains(t, csp, "unsafe-inline", p)
			require.NotContains(t, csp, "http", p, "no third-party origin")
			require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"), p)
			require.Equal(t, "DENY", res.Header.Get("X-Frame-Options"), p)
			require.Equal(t, "same-origin", res.Header.Get("Referrer-Policy"), p)
		}
		res, body := get(t, c, base+"/no-such-page")
		require.Equal(t, http.StatusNotFound, res.StatusCode)
		require.Contains(t, body, `<main id="main"`)
	})

	t.Run("a form without its token, or from another site, is refused", func(t *testing.T) {
		_, page := get(t, c, base+"/sign-in")
		token := csrfOf(t, page)
		form := url.Values{"email": {"nobody@example.com"}, "password": {"whatever password"}}
		res, body := post(t, c, base+"/sign-in", form)
		require.Equal(t, http.StatusForbidden, res.StatusCode)
		require.Contains(t, body, "Formularz wygasł")
		form.Set("csrf", "forged")
		res, _ = post(t, c, base+"/sign-in", form)
		require.Equal(t, http.StatusForbidden, res.StatusCode)
		// Another browser's token does not fit this browser's cookie.
		other := webClient(t)
		form.Set("csrf", token)
		res, _ = post(t, other, base+"/sign-in", form)
		require.Equal(t, http.StatusForbidden, res.StatusCode)
		// The right token but a cross-site request (Go's CrossOriginProtection).
		res, _ = post(t, c, base+"/sign-in", form, "Sec-Fetch-Site", "cross-site")
		require.Equal(t, http.StatusForbidden, res.StatusCode)
		res, _ = post(t, c, base+"/sign-in", form, "Origin", "https://evil.example")
		require.Equal(t, http.StatusForbidden, res.StatusCode)
		// With the token, the form is processed: the uniform sign-in error.
		res, body = post(t, c, base+"/sign-in", form)
		require.Equal(t, http.StatusUnauthorized, res.StatusCode)
		require.Contains(t, body, "Nieprawidłowy adres e-mail lub hasło.")
	})

	t.Run("the session cookie is HttpOnly and SameSite=Lax, and the API accepts the same session", func(t *testing.T) {
		email := randomEmail("cookie")
		signUp(t, s, email, testPassword)
		c := webClient(t)
		_, page := get(t, c, base+"/sign-in")
		res, _ := post(t, c, base+"/sign-in", url.Values{"csrf": {csrfOf(t, page)}, "email": {email}, "password": {testPassword}, "next": {"//evil.example/x"}})
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		require.Equal(t, "/", res.Header.Get("Location"), "next may only be a path of this site")
		var session *http.Cookie
		for _, ck := range res.Cookies() {
			if ck.Name == "otwarty_session" {
				session = ck
			}
		}
		require.NotNil(t, session)
		require.True(t, session.HttpOnly)
		require.Equal(t, http.SameSiteLaxMode, session.SameSite)
		require.False(t, session.Secure, "the public URL is http here")
		var me struct {
			Me struct {
				Email string `json:"email"`
			} `json:"me"`
		}
		gql(t, s.httpURL(), session.Value, `{ me { email } }`, &me)
		require.Equal(t, email, me.Me.Email)
		// Signing out ends the session for the API too.
		_, page = get(t, c, base+"/profile")
		res, _ = post(t, c, base+"/sign-out", url.Values{"csrf": {csrfOf(t, page)}})
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		res, _ = post(t, http.DefaultClient, s.httpURL(), nil, "Authorization", "Bearer "+session.Value)
		require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	})

	t.Run("static files: hashed addresses cached for a year, others revalidated by ETag", func(t *testing.T) {
		_, page := get(t, c, base+"/")
		m := regexp.MustCompile(`href="(/static/[0-9a-f]{12}/style\.css)"`).FindStringSubmatch(page)
		require.NotNil(t, m)
		res, css := get(t, c, base+m[1])
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, "text/css; charset=utf-8", res.Header.Get("Content-Type"))
		require.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
		require.Contains(t, css, "focus-visible")
		etag := res.Header.Get("ETag")
		res, _ = get(t, c, base+"/static/000000000000/style.css", "If-None-Match", etag)
		require.Equal(t, http.StatusNotModified, res.StatusCode)
		res, _ = get(t, c, base+"/static/000000000000/style.css")
		require.Equal(t, "no-cache", res.Header.Get("Cache-Control"))
		res, _ = get(t, c, base+"/static/000000000000/nothing.css")
		require.Equal(t, http.StatusNotFound, res.StatusCode)
	})

	t.Run("language: Accept-Language, then ?lang= remembered in a cookie", func(t *testing.T) {
		c := webClient(t)
		_, page := get(t, c, base+"/", "Accept-Language", "uk-UA,uk;q=0.9,en;q=0.5")
		require.Contains(t, page, `<html lang="uk">`)
		_, page = get(t, c, base+"/", "Accept-Language", "de-DE")
		require.Contains(t, page, `<html lang="pl">`, "Polish when no language of ours is asked for")
		res, _ := get(t, c, base+"/sign-in?lang=ru&next=%2Fprofile")
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		require.Equal(t, "/sign-in?next=%2Fprofile", res.Header.Get("Location"))
		_, page = get(t, c, base+"/sign-in", "Accept-Language", "en")
		require.Contains(t, page, `<html lang="ru">`, "the switch wins over Accept-Language")
		require.Contains(t, page, `<a href="/sign-in?lang=pl" lang="pl" hreflang="pl">Polski</a>`)
	})
}
