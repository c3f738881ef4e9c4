package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// Browser tests: the web front end in Debian's chromium, driven by chromedp,
// with axe-core (from e2e/node_modules) checking every page.

const browserTimeout = 3 * time.Minute // one browser test, start to end

// chromiumPath finds the browser: OTWARTY_CHROMIUM, else chromium on PATH.
// Missing, the test skips, or fails when CI=true.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("OTWARTY_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium is not installed (apt-get install chromium, or set OTWARTY_CHROMIUM)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// axeSource is axe-core's script, read from e2e/node_modules.
func axeSource(t *testing.T) string {
	t.Helper()
	root, err := moduleRoot()
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(root, "e2e", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		msg := "e2e/node_modules/axe-core is missing: run npm ci in e2e/"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return string(b)
}

// browser is one headless chromium tab on a server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string // http://127.0.0.1:PORT
	axe  string
}

// newBrowser starts a headless chromium (its own profile, so its own
// cookies) with a window width × 900.
func newBrowser(t *testing.T, s *server, width int) *browser {
	t.Helper()
	return newBrowserFor(t, s, width, browserTimeout)
}

// newBrowserFor is newBrowser for a test that may take up to timeout (one
// that walks every page in every language).
func newBrowserFor(t *testing.T, s *server, width int, timeout time.Duration) *browser {
	t.Helper()
	bin := chromiumPath(t)
	axe := axeSource(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // as root in CI containers
		chromedp.Flag("headless", "new"),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "pl-PL"),
		chromedp.Flag("accept-lang", "pl-PL,pl"),
		chromedp.WindowSize(width, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	// The first Do starts the browser and ties it to ctx (no timeout here).
	require.NoError(t, chromedp.Do(ctx), "start chromium")
	tctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelT(); cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: tctx, base: "http://" + s.addr, axe: axe}
	// Headless windows have a minimum width; the viewport is exact.
	b.do("viewport", chromedp.EmulateViewport(int64(width), 900))
	return b
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	require.NoError(b.t, chromedp.Do(b.ctx, steps...), what)
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(b.t, err, "text of %s", sel)
	return strings.TrimSpace(s)
}

func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	require.NoError(b.t, err, "evaluate %s", expr)
	return v
}

func (b *browser) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	require.NoError(b.t, err)
	u, err := url.Parse(loc)
	require.NoError(b.t, err)
	return u.Path
}

// fragment is the address's fragment, without "#".
func (b *browser) fragment() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	require.NoError(b.t, err)
	u, err := url.Parse(loc)
	require.NoError(b.t, err)
	return u.Fragment
}

// fill types into the inputs by id and submits with the form's button.
func (b *browser) submit(form string, values map[string]string) {
	b.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for id, v := range values {
		steps = append(steps, chromedp.Clear(chromedp.ID(id)), chromedp.SendKeys(chromedp.ID(id), v))
	}
	b.do("fill "+form, steps...)
	b.navigating("submit "+form, chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)))
}

// navigating runs steps that load a new page (a click on a link or a
// button) and waits until the new document has loaded.
func (b *browser) navigating(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.do(what, chromedp.Evaluate[chromedp.Void](`window.otwStale = true`))
	b.do(what, steps...)
	for {
		// Errors are expected while the old document goes away.
		done, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!window.otwStale && document.readyState === 'complete'`))
		if err == nil && done {
			return
		}
		select {
		case <-b.ctx.Done():
			b.t.Fatalf("%s: no new page loaded: %v", what, b.ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// checkAxe runs axe-core on the current page against WCAG 2.1 A and AA and
// requires no violation. The script is injected through the DevTools
// protocol, which the page's CSP does not govern.
func (b *browser) checkAxe(label string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](b.axe))
	require.NoError(b.t, err, "inject axe-core")
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]byte](
		`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']}).then(r => r.violations)`,
		chromedp.EvalAwaitPromise))
	require.NoError(b.t, err, "axe.run on %s", label)
	var vs []axeViolation
	require.NoError(b.t, json.Unmarshal(raw, &vs))
	if len(vs) > 0 {
		var sb strings.Builder
		for _, v := range vs {
			fmt.Fprintf(&sb, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
			for _, n := range v.Nodes {
				fmt.Fprintf(&sb, "\n    %v %s", n.Target, n.HTML)
			}
		}
		b.t.Errorf("axe: %d violation(s) on %s:%s", len(vs), label, sb.String())
	}
}

// mailLink waits for the e-mail of kind to address in the outbox (no SMTP in
// tests: it stays there, unredacted) and returns its link's path and query.
func mailLink(t *testing.T, dbURL, address, path string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), eventTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	re := regexp.MustCompile(`https?://[^\s"<>]*` + regexp.QuoteMeta(path) + `\?token=[A-Za-z0-9_%\-]+`)
	for {
		var body string
		err := conn.QueryRow(ctx, `select body from email_outbox where to_address = $1 and body like '%' || $2 || '%'
			order by created_at desc limit 1`, address, path).Scan(&body)
		if err == nil {
			link := re.FindString(body)
			require.NotEmpty(t, link, "no %s link in the e-mail:\n%s", path, body)
			u, err := url.Parse(link)
			require.NoError(t, err)
			return u.RequestURI()
		}
		require.ErrorIs(t, err, pgx.ErrNoRows)
		select {
		case <-ctx.Done():
			t.Fatalf("no e-mail with %s to %s within %v", path, address, eventTimeout)
		case <-time.After(pollInterval):
		}
	}
}

// browserEnv: many sign-ups and sign-ins from one address in little time.
var browserEnv = []string{"OTWARTY_RATE_SIGNUP=0/0", "OTWARTY_RATE_SIGNIN=0/0", "OTWARTY_RATE_ANONYMOUS=0/0"}

// TestBrowser_ResidentAccountJourney: a resident signs up, confirms by the
// e-mailed link, signs out, signs in, changes language, signs out.
func TestBrowser_ResidentAccountJourney(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	s := startServer(t, "server", dbURL, browserEnv...)
	b := newBrowser(t, s, 1280)
	email := randomEmail("journey")

	b.open("/")
	require.Equal(t, "pl", eval[string](b, `document.documentElement.lang`))
	// A wide screen shows the menu open, without its "Menu" button.
	require.True(t, eval[bool](b, `document.querySelector('details.menu').open`))
	require.False(t, eval[bool](b, `document.querySelector('details.menu > summary').checkVisibility()`))
	require.True(t, eval[bool](b, `document.querySelector('.main-nav a[href="/budget"]').checkVisibility()`))
	b.navigating("go to sign-up", chromedp.Click(chromedp.CSS(`.account-nav a[href="/sign-up"]`)))

	// A short password: the service's message, next to its field.
	b.submit(`main form`, map[string]string{"f-displayName": "Oksana", "f-email": email, "f-password": "short"})
	require.Equal(t, "/sign-up", b.path())
	require.Equal(t, "Błąd: Hasło jest za krótkie. Minimalna liczba znaków: 12.", eval[string](b, `document.getElementById('f-password-error').textContent`))
	require.Equal(t, "f-password-hint f-password-error", eval[string](b, `document.getElementById('f-password').getAttribute('aria-describedby')`))
	require.Equal(t, "true", eval[string](b, `document.getElementById('f-password').getAttribute('aria-invalid')`))
	require.Equal(t, email, eval[string](b, `document.getElementById('f-email').value`), "the values given stay")

	b.submit(`main form`, map[string]string{"f-password": testPassword})
	require.Equal(t, "/profile", b.path())
	require.Contains(t, b.text(".notice"), email)
	require.Contains(t, b.text("dl.facts"), "niepotwierdzony")

	// The e-mailed link, opened in the same browser: a button confirms.
	link := mailLink(t, dbURL, email, "/confirm-email")
	b.open(link)
	b.navigating("confirm", chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	require.Equal(t, "Adres potwierdzony", b.text("main h1"))
	b.open("/profile")
	require.Contains(t, b.text("dl.facts"), "potwierdzony")
	require.NotContains(t, b.text("dl.facts"), "niepotwierdzony")

	// Sign out, then in again.
	b.navigating("sign out", chromedp.Click(chromedp.CSS(`.account-nav form button`)))
	require.Equal(t, "/", b.path())
	b.open("/profile")
	require.Equal(t, "/sign-in", b.path(), "signed out: the profile asks to sign in")
	b.submit(`main form`, map[string]string{"f-email": email, "f-password": "wrong password 123"})
	require.Equal(t, "Nieprawidłowy adres e-mail lub hasło.", b.text(".error-summary li"))
	b.submit(`main form`, map[string]string{"f-email": email, "f-password": testPassword})
	require.Equal(t, "/profile", b.path(), "back where the sign-in was asked")

	// The language switch: the page, the cookie and the account's preference.
	b.navigating("switch to Ukrainian", chromedp.Click(chromedp.CSS(`.langs a[hreflang="uk"]`)))
	require.Equal(t, "/profile", b.path())
	require.Equal(t, "Ваш обліковий запис", b.text("main h1"))
	require.Equal(t, "uk", eval[string](b, `document.getElementById('f-locale').value`))
	var locale string
	conn, err := pgx.Connect(b.ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	require.NoError(t, conn.QueryRow(b.ctx, `select locale from accounts where email = $1`, email).Scan(&locale))
	require.Equal(t, "uk", locale)

	// The profile form: name and language.
	b.do("choose English", chromedp.SetValue(chromedp.ID("f-locale"), "en"))
	b.submit(`main form:not(.inline)`, map[string]string{"f-displayName": "Oksana K."})
	require.Equal(t, "en", eval[string](b, `document.documentElement.lang`))
	require.Equal(t, "Saved.", b.text(".notice"))
	require.Equal(t, "Oksana K.", eval[string](b, `document.getElementById('f-displayName').value`))

	b.navigating("sign out", chromedp.Click(chromedp.CSS(`.account-nav form button`)))
	require.Equal(t, "en", eval[string](b, `document.documentElement.lang`), "the language stays after signing out (cookie)")
	require.Equal(t, "Sign in", b.text(`.account-nav a[href="/sign-in"]`))
}

// TestBrowser_KeyboardOnlySignIn: Tab reaches the fields in order, every
// focused element shows a focus indicator, Enter submits.
func TestBrowser_KeyboardOnlySignIn(t *testing.T) {
	t.Parallel()
	s := startServer(t, "server", pgtest.URL(t), browserEnv...)
	email := randomEmail("keyboard")
	signUp(t, s, email, testPassword)
	b := newBrowser(t, s, 360)
	b.open("/sign-in")

	// focused describes document.activeElement: its id (or text) and
	// whether it draws a focus indicator.
	const focused = `(() => { const e = document.activeElement; const s = getComputedStyle(e);
		return {id: e.id || e.textContent.trim(), visible: e.matches(':focus-visible') && (s.outlineStyle !== 'none' && s.outlineWidth !== '0px' || s.boxShadow !== 'none')}; })()`
	type focus struct {
		ID      string `json:"id"`
		Visible bool   `json:"visible"`
	}
	tab := func() focus {
		t.Helper()
		b.do("Tab", chromedp.KeyEvent(kb.Tab))
		f := eval[focus](b, focused)
		require.True(t, f.Visible, "no visible focus on %q", f.ID)
		return f
	}
	first := tab()
	require.Equal(t, "Przejdź do treści", first.ID, "the skip link comes first")
	var order []string
	for f := first; f.ID != "f-email"; f = tab() {
		order = append(order, f.ID)
		require.Less(t, len(order), 20, "Tab never reached the e-mail field: %v", order)
	}
	b.do("type e-mail", chromedp.KeyEvent(email))
	require.Equal(t, "f-password", tab().ID)
	b.do("type password", chromedp.KeyEvent(testPassword))
	require.Equal(t, "Zaloguj się", tab().ID, "the submit button follows the password")
	b.navigating("Enter", chromedp.KeyEvent(kb.Enter))
	require.Equal(t, "/", b.path())
}

// TestBrowser_AxeEveryPageEveryLanguage: axe-core finds no WCAG 2.1 A or AA
// violation on any page, in Polish, Ukrainian, English and Russian, at a
// phone's width, anonymous and signed in, with and without form errors.
func TestBrowser_AxeEveryPageEveryLanguage(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL) // the home page then lists an open consultation in four languages
	s := startServer(t, "server", dbURL, browserEnv...)
	email := randomEmail("axe")
	signUp(t, s, email, testPassword)
	// Every page four times: more than one ordinary browser test's time.
	b := newBrowserFor(t, s, 360, 4*browserTimeout)
	anonymous := []string{"/", "/sign-up", "/sign-in", "/reset-password", "/reset-password?token=x", "/confirm-email?token=x", "/no-such-page",
		"/consultations", "/consultations?status=open&district=podgorze&topic=migracja"}
	// The demo's open consultation and the reported one with its report.
	b.open("/consultations?status=open")
	open := eval[string](b, `new URL(document.querySelector('.card .title a').href).pathname`)
	b.open("/consultations?status=reported")
	reported := eval[string](b, `new URL(document.querySelector('.card .title a').href).pathname`)
	b.open("/ambassador")
	editions := eval[[]string](b, `[...document.querySelectorAll('.cards .card a')].map(a => new URL(a.href).pathname)`)
	anonymous = append(anonymous, open, reported, reported+"/report", "/ambassador", "/ambassador/consent?token=x")
	anonymous = append(anonymous, editions...)
	b.open("/bodies")
	body := eval[string](b, `new URL(document.querySelector('.cards .card a').href).pathname`)
	b.open(body)
	meetings := eval[[]string](b, `[...document.querySelectorAll('.cards .card a')].map(a => new URL(a.href).pathname)`)
	anonymous = append(anonymous, "/bodies", body)
	anonymous = append(anonymous, meetings...)
	for _, lang := range []string{"pl", "uk", "en", "ru"} {
		b.open("/?lang=" + lang)
		require.Equal(t, lang, eval[string](b, `document.documentElement.lang`))
		// Localised content: the title in the page's language, and for a
		// translation its Polish original, each marked with its language.
		b.open("/")
		title := eval[string](b, `document.querySelector('.card .title span').textContent`)
		require.Equal(t, demoTitles[lang], title)
		if lang == "pl" {
			require.Equal(t, 0, eval[int](b, `document.querySelectorAll('.card details.original').length`))
		} else {
			require.Equal(t, demoTitles["pl"], eval[string](b, `document.querySelector('.card details.original p[lang="pl"]').textContent`))
		}
		for _, p := range anonymous {
			b.open(p)
			b.checkAxe(lang + " " + p)
		}
		// Forms with errors: every field wrong, and a wrong token.
		b.open("/sign-up")
		b.submit(`main form`, map[string]string{"f-email": "not an address", "f-password": "x"})
		require.Equal(t, []string{"f-displayName", "f-email", "f-password"},
			eval[[]string](b, `[...document.querySelectorAll('.error-summary a')].map(a => a.hash.slice(1))`), "every wrong field at once")
		b.checkAxe(lang + " sign-up with errors")
		b.open("/sign-in")
		b.submit(`main form`, map[string]string{"f-email": email, "f-password": "wrong password 123"})
		b.checkAxe(lang + " sign-in with an error")
		b.open("/confirm-email?token=x")
		b.submit(`main form`, nil)
		b.checkAxe(lang + " confirm-email with an invalid token")
		// Signed in: the profile, and the home page with its menu.
		b.open("/sign-in")
		b.submit(`main form`, map[string]string{"f-email": email, "f-password": testPassword})
		b.open("/?lang=" + lang) // the account's preference follows
		b.checkAxe(lang + " / signed in")
		b.open("/profile")
		require.Equal(t, lang, eval[string](b, `document.documentElement.lang`))
		b.checkAxe(lang + " /profile")
		b.open(open) // with the forms to take part
		b.checkAxe(lang + " consultation signed in")
		for _, e := range editions { // the nomination form where nominations run
			b.open(e)
			b.checkAxe(lang + " " + e + " signed in")
		}
		b.open(open + "/submissions") // the language switch of a failed form's page
		require.Equal(t, open, b.path())
		b.navigating("sign out", chromedp.Click(chromedp.CSS(`.account-nav form button`)))
	}
}

// TestBrowser_GraphiQLFromOwnFiles: GraphiQL starts under the page's CSP,
// every file it loads comes from the server itself, and it runs a query.
func TestBrowser_GraphiQLFromOwnFiles(t *testing.T) {
	t.Parallel()
	s := startServer(t, "server", pgtest.URL(t), browserEnv...)
	b := newBrowser(t, s, 1280)
	b.open("/graphiql")
	b.do("GraphiQL renders", chromedp.WaitVisible(chromedp.CSS(".graphiql-container")))
	foreign := eval[[]string](b, `performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin + '/'))`)
	require.Empty(t, foreign, "requests to other origins")
	// The API answers the page's fetcher (same origin, no token: anonymous).
	got := evalAwait[string](b, `fetch('/query', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({query: '{ __typename }'})}).then(r => r.text())`)
	require.JSONEq(t, `{"data":{"__typename":"Query"}}`, got)
}

func evalAwait[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	require.NoError(b.t, err, "evaluate %s", expr)
	return v
}

// seedDemo runs `otwarty seed --demo` on dbURL.
func seedDemo(t *testing.T, dbURL string) {
	t.Helper()
	cmd := exec.Command(binary(t), "seed", "--demo")
	cmd.Env = serverEnv(dbURL, "127.0.0.1:0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "seed: %s", out)
}

// demoTitles is the demo's open consultation's title by language.
var demoTitles = map[string]string{
	"pl": "Priorytety programu Otwarty Kraków na rok 2027",
	"uk": "Пріоритети програми «Відкритий Краків» на 2027 рік",
	"en": "Priorities of the Open Kraków programme for 2027",
	"ru": "Приоритеты программы «Открытый Краков» на 2027 год",
}

// TestScreenshots writes full-page screenshots of the pages at 360 and 1280
// px into $OTWARTY_SCREENSHOTS (scripts/screenshots sets it); skipped
// otherwise, so CI does not run it.
func TestScreenshots(t *testing.T) {
	out := os.Getenv("OTWARTY_SCREENSHOTS")
	if out == "" {
		t.Skip("OTWARTY_SCREENSHOTS is not set (scripts/screenshots sets it)")
	}
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	email := randomEmail("screens")
	signUp(t, s, email, testPassword)
	for _, width := range []int{360, 1280} {
		b := newBrowser(t, s, width)
		shot := func(name string) {
			t.Helper()
			png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			p := filepath.Join(out, fmt.Sprintf("%s-%d.png", name, width))
			require.NoError(t, os.WriteFile(p, png, 0o644))
			t.Logf("wrote %s", p)
		}
		b.open("/?lang=pl")
		for _, p := range []struct{ name, path string }{
			{"home", "/"}, {"sign-up", "/sign-up"}, {"sign-in", "/sign-in"}, {"reset-password", "/reset-password"},
			{"confirm-email", "/confirm-email?token=x"}, {"not-found", "/no-such-page"}, {"graphiql", "/graphiql"},
			{"consultations", "/consultations"}, {"budget", "/budget"}, {"bodies", "/bodies"}, {"ambassador", "/ambassador"},
		} {
			b.open(p.path)
			shot(p.name)
		}
		// The first card of each list: the open consultation, the body and
		// its meeting, an Ambassador edition.
		for _, p := range []struct{ name, list string }{
			{"consultation", "/consultations?status=open"}, {"body", "/bodies"}, {"ambassador-edition", "/ambassador"},
		} {
			b.open(p.list)
			b.navigating("open "+p.name, chromedp.Click(chromedp.CSS(`.cards .card a`)))
			shot(p.name)
		}
		b.open("/sign-up")
		b.submit(`main form`, map[string]string{"f-email": "not an address", "f-password": "x"})
		shot("sign-up-errors")
		b.open("/?lang=uk")
		shot("home-uk")
		b.open("/sign-in")
		b.submit(`main form`, map[string]string{"f-email": email, "f-password": testPassword})
		b.open("/profile")
		shot("profile-uk")
	}
}
