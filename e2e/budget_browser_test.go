package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// budgetFixture is an edition in voting, made through the API by an admin:
// a city-wide pool and two district pools, each with four projects and a
// 3 + 3 ranked ballot (3/2/1 points), and a verified resident enrolled in
// Stare Miasto.
type budgetFixture struct {
	s                    *server
	dbURL                string
	admin                string // token
	edition, editionUUID string
	pools                map[string]string   // "city", "stare-miasto", "podgorze" → pool id
	projects             map[string][]string // the same keys → project ids by code
	projectUUIDs         map[string][]string
	residentEmail        string
}

func apiUUID(t *testing.T, id string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(id)
	require.NoError(t, err)
	_, u, ok := strings.Cut(string(b), ":")
	require.True(t, ok, id)
	return u
}

// api runs a query on the server and returns its data.
func (f *budgetFixture) api(t *testing.T, token, query string, args ...any) map[string]any {
	t.Helper()
	var out map[string]any
	gql(t, f.s.httpURL(), token, fmt.Sprintf(query, args...), &out)
	return out
}

func dig(v any, path ...string) any {
	for _, p := range path {
		v = v.(map[string]any)[p]
	}
	return v
}

func newBudgetFixture(t *testing.T) *budgetFixture {
	t.Helper()
	dbURL := pgtest.URL(t)
	s := startServer(t, "server", dbURL, browserEnv...)
	f := &budgetFixture{s: s, dbURL: dbURL, pools: map[string]string{}, projects: map[string][]string{}, projectUUIDs: map[string][]string{}}
	adminEmail := randomEmail("budget-admin")
	cmd := exec.Command(binary(t), "admin", "create", "--email", adminEmail, "--name", "Admin")
	cmd.Env = append(serverEnv(dbURL, "127.0.0.1:0"), "OTWARTY_ADMIN_PASSWORD="+testPassword)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "admin create: %s", out)
	f.admin, _ = signIn(t, s, adminEmail, testPassword)
	// The server learns of the admin's grant through LISTEN/NOTIFY, within a
	// second.
	require.Eventually(t, func() bool {
		return gqlCode(t, s.httpURL(), f.admin, `mutation { createOrganisation(input: {kind: NGO, name: "Próba", slug: "proba"}) { organisation { id } } }`) == ""
	}, 10*time.Second, 50*time.Millisecond)

	unit := dig(f.api(t, f.admin, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Wydział Budżetu", slug: "wb"}) { organisation { id } } }`),
		"createOrganisation", "organisation", "id").(string)
	now := time.Now()
	f.edition = dig(f.api(t, f.admin, `mutation { createBudgetEdition(input: {unitId: %q, year: 2027, votingOpensAt: %q, votingClosesAt: %q,
		allowBallotChange: true}) { edition { id } } }`, unit, now.Add(-time.Hour).Format(time.RFC3339), now.Add(2*time.Hour).Format(time.RFC3339)),
		"createBudgetEdition", "edition", "id").(string)
	f.editionUUID = apiUUID(t, f.edition)
	f.api(t, f.admin, `mutation { updateBudgetResultSettings(input: {editionId: %q, signaturesRequired: 1}) { edition { id } } }`, f.edition)
	for _, p := range []struct{ key, name, kind, district, prefix string }{
		{"city", "Ogólnomiejska", "CITY", "", "OM"},
		{"stare-miasto", "Stare Miasto", "DISTRICT", "stare-miasto", "SM"},
		{"podgorze", "Podgórze", "DISTRICT", "podgorze", "PG"},
	} {
		district := ""
		if p.district != "" {
			district = fmt.Sprintf(`district: %q,`, p.district)
		}
		f.pools[p.key] = dig(f.api(t, f.admin, `mutation { createBudgetPool(input: {editionId: %q, name: %q, kind: %s, %s budget: "1000000.00",
			rule: "greedy", pickMode: EXACTLY, pickCount: 3, ballotKind: RANKED, required: true}) { pool { id } } }`,
			f.edition, p.name, p.kind, district), "createBudgetPool", "pool", "id").(string)
		for i := 1; i <= 4; i++ {
			id := dig(f.api(t, f.admin, `mutation { createBudgetProject(input: {poolId: %q, code: %q, title: %q, cost: %q}) { project { id } } }`,
				f.pools[p.key], fmt.Sprintf("BO.%s.%d/27", p.prefix, i), fmt.Sprintf("Projekt %s %d", p.name, i), fmt.Sprintf("%d000.50", 100*i)),
				"createBudgetProject", "project", "id").(string)
			f.projects[p.key] = append(f.projects[p.key], id)
			f.projectUUIDs[p.key] = append(f.projectUUIDs[p.key], apiUUID(t, id))
		}
	}
	f.api(t, f.admin, `mutation { openBudgetVoting(input: {editionId: %q}) { edition { id } } }`, f.edition)

	f.residentEmail = randomEmail("budget-resident")
	token, acc := signUp(t, s, f.residentEmail, testPassword)
	f.api(t, f.admin, `mutation { verifyResident(input: {accountId: %q, identifierType: PESEL, identifier: "44051401359"}) { verified } }`, acc.ID)
	f.api(t, token, `mutation { enrolAsBudgetVoter(input: {editionId: %q, district: "stare-miasto"}) { voterId } }`, f.edition)
	return f
}

// focused is the id of the focused element.
func focusedID(b *browser) string { return eval[string](b, `document.activeElement.id`) }

// tabTo presses Tab until the element with id has the focus.
func tabTo(t *testing.T, b *browser, id string) {
	t.Helper()
	for i := 0; focusedID(b) != id; i++ {
		require.Less(t, i, 60, "Tab never reached #%s", id)
		b.do("Tab", chromedp.KeyEvent(kb.Tab))
	}
}

// choose moves the focused select n options down (n < 0: up) with the
// arrow keys, as a keyboard user does.
func choose(b *browser, n int) {
	key := kb.ArrowDown
	if n < 0 {
		key, n = kb.ArrowUp, -n
	}
	for range n {
		b.do("arrow", chromedp.KeyEvent(key))
	}
}

func selectValue(b *browser, id string) string {
	return eval[string](b, fmt.Sprintf(`document.getElementById(%q).value`, id))
}

// TestBrowser_BudgetBallotByKeyboard: a verified resident votes 3 + 3 with
// the keyboard only, is stopped first by the ballot's checks (a project
// twice, a project of a second district), fixes the ballot and sees the
// confirmation with the survey; the server's own check says the same without
// script; a voter without an account votes with a one-time code; the
// published results count both ballots exactly.
func TestBrowser_BudgetBallotByKeyboard(t *testing.T) {
	t.Parallel()
	f := newBudgetFixture(t)
	b := newBrowser(t, f.s, 360)
	city, district := "f-city-"+apiUUID(t, f.pools["city"]), "f-district"
	cityKey := strings.TrimPrefix(city, "f-")

	b.open("/sign-in")
	b.submit(`main form`, map[string]string{"f-email": f.residentEmail, "f-password": testPassword})
	b.open("/?lang=pl") // the account was made in English
	b.open("/budget")
	require.Equal(t, "Budżet Obywatelski 2027", b.text("main h1"))
	b.navigating("to the ballot", chromedp.Click(chromedp.CSS(`main a[href$="/vote"]`)))
	require.Equal(t, "/budget/"+f.editionUUID+"/vote", b.path())

	// City-wide: 1st, 1st again (a mistake), 3rd project; district: two of
	// Stare Miasto and one of Podgórze (another mistake).
	tabTo(t, b, city)
	choose(b, 1)
	b.do("Tab", chromedp.KeyEvent(kb.Tab))
	choose(b, 1)
	b.do("Tab", chromedp.KeyEvent(kb.Tab))
	choose(b, 3)
	b.do("Tab", chromedp.KeyEvent(kb.Tab))
	require.Equal(t, district, focusedID(b))
	choose(b, 1)
	b.do("Tab", chromedp.KeyEvent(kb.Tab))
	choose(b, 2)
	b.do("Tab", chromedp.KeyEvent(kb.Tab))
	choose(b, 5) // past Stare Miasto's four, into Podgórze
	require.Equal(t, []string{f.projectUUIDs["city"][0], f.projectUUIDs["city"][0], f.projectUUIDs["city"][2]},
		[]string{selectValue(b, city), selectValue(b, city+"-2"), selectValue(b, city+"-3")})
	require.Equal(t, f.projectUUIDs["podgorze"][0], selectValue(b, district+"-3"))
	b.do("Tab to the button", chromedp.KeyEvent(kb.Tab))
	require.Equal(t, "BUTTON", eval[string](b, `document.activeElement.tagName`))
	b.do("Enter", chromedp.KeyEvent(kb.Enter))

	// Not sent: the checks name both problems next to their groups.
	require.Equal(t, "/budget/"+f.editionUUID+"/vote", b.path())
	require.Equal(t, []string{"Ten sam projekt wybrano więcej niż raz.", "Projekty dzielnicowe wybierz z jednej dzielnicy — swojej."},
		eval[[]string](b, `[...document.querySelectorAll('.error-summary li')].map(e => e.textContent)`))
	require.Equal(t, "Błąd: Ten sam projekt wybrano więcej niż raz.", eval[string](b, fmt.Sprintf(`document.getElementById(%q).textContent`, city+"-error")))
	require.Equal(t, "true", eval[string](b, fmt.Sprintf(`document.getElementById(%q).getAttribute('aria-invalid')`, city+"-2")))
	require.Equal(t, city+"-hint "+city+"-error", eval[string](b, fmt.Sprintf(`document.getElementById(%q).getAttribute('aria-describedby')`, city+"-2")))
	require.Equal(t, "error-summary", eval[string](b, `document.activeElement.className`), "the summary takes the focus")
	require.Equal(t, 0, countMarkers(t, f), "nothing was sent")
	b.checkAxe("pl ballot with errors (script)")

	// Fixed with the keyboard: the 2nd city choice one down, the 3rd
	// district choice back into Stare Miasto.
	tabTo(t, b, city+"-2")
	choose(b, 1)
	tabTo(t, b, district+"-3")
	choose(b, -2)
	require.Equal(t, f.projectUUIDs["stare-miasto"][2], selectValue(b, district+"-3"))
	b.do("Tab to the button", chromedp.KeyEvent(kb.Tab))
	b.navigating("Enter", chromedp.KeyEvent(kb.Enter))
	require.Equal(t, "Dziękujemy za głos", b.text("main h1"))
	require.Contains(t, b.text(".notice"), "Głos został przyjęty")
	require.Equal(t, []string{"BO.OM.1/27", "BO.OM.2/27", "BO.OM.3/27", "BO.SM.1/27", "BO.SM.2/27", "BO.SM.3/27"},
		eval[[]string](b, `[...document.querySelectorAll('ol.receipt li')].map(e => e.textContent.trim().split(' · ')[0])`))
	require.Equal(t, 1, countMarkers(t, f))
	key := b.text(".key code")
	require.Len(t, key, 32, "the ballot's key, shown for a change elsewhere")
	b.checkAxe("pl receipt with the survey")

	// The survey, then the thank-you.
	b.do("answer", chromedp.Click(chromedp.ID("f-migration_experience-yes")), chromedp.Click(chromedp.ID("f-first_language-uk")))
	b.navigating("send the survey", chromedp.Click(chromedp.CSS(`.survey button[type="submit"]`)))
	require.Equal(t, "Dziękujemy", b.text("main h1"))
	requireSurvey(t, f, "yes", "uk")

	// A second ballot is refused by the service, without script: its
	// message above the form, the choices kept.
	c := webSession(t, f, f.residentEmail)
	_, page := get(t, c, f.s.httpURLBase()+"/budget/"+f.editionUUID+"/vote")
	form := url.Values{"csrf": {csrfOf(t, page)}, "ballotKey": {"another-key-0123456789"},
		cityKey: {f.projectUUIDs["city"][3]}, cityKey + "-2": {f.projectUUIDs["city"][3]}, cityKey + "-3": {f.projectUUIDs["city"][0]},
		"district": {f.projectUUIDs["stare-miasto"][0]}, "district-2": {f.projectUUIDs["stare-miasto"][1]}, "district-3": {f.projectUUIDs["stare-miasto"][2]}}
	res, page := post(t, c, f.s.httpURLBase()+"/budget/"+f.editionUUID+"/vote", form)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "the pool's rule first: the same project twice")
	require.Contains(t, page, `id="`+city+`-error"`)
	require.Contains(t, page, "Ten sam projekt wybrano kilka razy w puli „Ogólnomiejska”.")
	form.Set(cityKey+"-2", f.projectUUIDs["city"][1])
	res, page = post(t, c, f.s.httpURLBase()+"/budget/"+f.editionUUID+"/vote", form)
	require.Equal(t, http.StatusConflict, res.StatusCode)
	require.Contains(t, page, "Twój głos w tej edycji został już oddany.")
	require.Equal(t, 1, countMarkers(t, f))

	// The edition allows a change: this browser knows the key; the third
	// city-wide choice becomes the fourth project.
	b.open("/budget/" + f.editionUUID + "/vote?change=1")
	require.Equal(t, key, eval[string](b, `document.getElementById('f-currentKey').value`))
	b.do("change the third choice", chromedp.SetValue(chromedp.ID(city), f.projectUUIDs["city"][0]),
		chromedp.SetValue(chromedp.ID(city+"-2"), f.projectUUIDs["city"][1]), chromedp.SetValue(chromedp.ID(city+"-3"), f.projectUUIDs["city"][3]),
		chromedp.SetValue(chromedp.ID(district), f.projectUUIDs["stare-miasto"][0]),
		chromedp.SetValue(chromedp.ID(district+"-2"), f.projectUUIDs["stare-miasto"][1]),
		chromedp.SetValue(chromedp.ID(district+"-3"), f.projectUUIDs["stare-miasto"][2]))
	b.navigating("change", chromedp.Click(chromedp.CSS(`form.ballot button[type="submit"]`)))
	require.Equal(t, "Twój głos został zmieniony", b.text("main h1"))
	require.NotEqual(t, key, b.text(".key code"))
	require.Equal(t, 0, eval[int](b, `document.querySelectorAll('.survey').length`), "one survey per voter")
	require.Equal(t, 1, countMarkers(t, f))

	// A voter without an account, with a one-time code.
	code := dig(f.api(t, f.admin, `mutation { issueVotingCodes(input: {editionId: %q, voters: [{identifierType: PESEL, identifier: "02070803628",
		district: "podgorze"}]}) { codes { code } } }`, f.edition), "issueVotingCodes", "codes").([]any)[0].(map[string]any)["code"].(string)
	b.navigating("sign out", chromedp.Click(chromedp.CSS(`.account-nav form button`)))
	b.open("/budget/" + f.editionUUID + "/vote?district=podgorze")
	b.do("fill the code ballot",
		chromedp.SendKeys(chromedp.ID("f-code"), code),
		chromedp.SetValue(chromedp.ID(city), f.projectUUIDs["city"][3]),
		chromedp.SetValue(chromedp.ID(city+"-2"), f.projectUUIDs["city"][1]),
		chromedp.SetValue(chromedp.ID(city+"-3"), f.projectUUIDs["city"][0]),
		chromedp.SetValue(chromedp.ID(district), f.projectUUIDs["podgorze"][0]),
		chromedp.SetValue(chromedp.ID(district+"-2"), f.projectUUIDs["podgorze"][1]),
		chromedp.SetValue(chromedp.ID(district+"-3"), f.projectUUIDs["podgorze"][2]))
	b.navigating("vote with the code", chromedp.Click(chromedp.CSS(`form.ballot button[type="submit"]`)))
	require.Equal(t, "Dziękujemy za głos", b.text("main h1"))
	require.Equal(t, 2, countMarkers(t, f))

	// Counted exactly: closed, computed, certified and published through
	// the API, which shows the same counts as the results page.
	for _, m := range []string{"closeBudgetVoting", "computeBudgetResults"} {
		f.api(t, f.admin, `mutation { %s(input: {editionId: %q}) { edition { id } } }`, m, f.edition)
	}
	f.api(t, f.admin, `mutation { certifyBudgetResults(input: {editionId: %q, invalidBallots: 0}) { certification { certified } } }`, f.edition)
	f.api(t, f.admin, `mutation { publishBudgetResults(input: {editionId: %q}) { edition { id } } }`, f.edition)
	results := dig(f.api(t, "", `{ budgetEdition(id: %q) { results { pool { name } ballots projects { project { code } votes score } } } }`, f.edition),
		"budgetEdition", "results").([]any)
	got := map[string]string{}
	for _, r := range results {
		for _, p := range r.(map[string]any)["projects"].([]any) {
			p := p.(map[string]any)
			got[dig(p, "project", "code").(string)] = fmt.Sprintf("%v/%v", p["votes"], p["score"])
		}
	}
	require.Equal(t, map[string]string{
		"BO.OM.1/27": "2/4", "BO.OM.2/27": "2/4", "BO.OM.3/27": "0/0", "BO.OM.4/27": "2/4",
		"BO.SM.1/27": "1/3", "BO.SM.2/27": "1/2", "BO.SM.3/27": "1/1", "BO.SM.4/27": "0/0",
		"BO.PG.1/27": "1/3", "BO.PG.2/27": "1/2", "BO.PG.3/27": "1/1", "BO.PG.4/27": "0/0",
	}, got)
	b.open("/budget/" + f.editionUUID + "/results")
	require.Equal(t, "Wyniki Budżetu Obywatelskiego 2027", b.text("main h1"))
	require.Equal(t, []string{"BO.OM.1/27 2 4", "BO.OM.2/27 2 4", "BO.OM.4/27 2 4", "BO.OM.3/27 0 0"},
		eval[[]string](b, `[...document.querySelectorAll('main section')[0].querySelectorAll('tbody tr')].map(r =>
			r.querySelector('th a').textContent + ' ' + r.cells[3].textContent + ' ' + r.cells[4].textContent)`))
}

// webSession is a cookie client signed in as email through the web form.
func webSession(t *testing.T, f *budgetFixture, email string) *http.Client {
	t.Helper()
	c := webClient(t)
	_, page := get(t, c, f.s.httpURLBase()+"/sign-in")
	res, _ := post(t, c, f.s.httpURLBase()+"/sign-in", url.Values{"csrf": {csrfOf(t, page)}, "email": {email}, "password": {testPassword}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	return c
}

func (s *server) httpURLBase() string { return "http://" + s.addr }

func countMarkers(t *testing.T, f *budgetFixture) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, f.dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var n int
	require.NoError(t, conn.QueryRow(ctx, `select count(*) from budget_ballot_markers m join budget_editions e on e.id = m.edition_id
		where e.id = $1`, f.editionUUID).Scan(&n))
	return n
}

func requireSurvey(t *testing.T, f *budgetFixture, migration, language string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, f.dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var m, l string
	var other *string
	require.NoError(t, conn.QueryRow(ctx, `select migration_experience, first_language, minority_member from budget_survey_responses
		where edition_id = $1`, f.editionUUID).Scan(&m, &l, &other))
	require.Equal(t, []string{migration, language}, []string{m, l})
	require.Nil(t, other, "a skipped question stays unanswered")
}

// TestBrowser_BudgetPagesAxeEveryLanguage: axe-core finds no WCAG 2.1 A or
// AA violation on /budget, a project page, the ballot with errors shown and
// the results, in Polish, Ukrainian, English and Russian, at 360 px.
func TestBrowser_BudgetPagesAxeEveryLanguage(t *testing.T) {
	t.Parallel()
	f := newBudgetFixture(t)
	b := newBrowser(t, f.s, 360)
	project := "/budget/projects/" + f.projectUUIDs["podgorze"][1]
	vote := "/budget/" + f.editionUUID + "/vote"
	langs := []string{"pl", "uk", "en", "ru"}
	titles := map[string]string{"pl": "Budżet Obywatelski 2027", "uk": "Громадський бюджет 2027", "en": "Civic budget 2027", "ru": "Гражданский бюджет 2027"}
	for _, lang := range langs {
		b.open("/?lang=" + lang)
		b.open("/budget")
		require.Equal(t, titles[lang], b.text("main h1"))
		b.checkAxe(lang + " /budget")
		b.open("/budget/" + f.editionUUID + "?pool=" + apiUUID(t, f.pools["podgorze"]))
		require.Equal(t, 4, eval[int](b, `document.querySelectorAll('main .card').length`), "the filter keeps one district")
		b.open(project)
		require.Equal(t, "Projekt Podgórze 2", b.text("main h1"))
		b.checkAxe(lang + " a project")
		// The ballot with the script's errors, and with the server's.
		b.open(vote)
		b.do("send empty", chromedp.Click(chromedp.CSS(`form.ballot button[type="submit"]`)))
		require.Equal(t, 2, eval[int](b, `document.querySelectorAll('.error-summary li').length`))
		b.checkAxe(lang + " ballot with the script's errors")
		b.do("no script", chromedp.Evaluate[chromedp.Void](`document.querySelector('form.ballot').removeAttribute('data-ballot'); document.querySelector('form.ballot').replaceWith(document.querySelector('form.ballot').cloneNode(true))`))
		b.navigating("send to the server", chromedp.Click(chromedp.CSS(`form.ballot button[type="submit"]`)))
		require.Equal(t, 1, eval[int](b, `document.querySelectorAll('.error-summary li').length`), "the code is wrong")
		b.checkAxe(lang + " ballot with the server's errors")
	}
	for _, m := range []string{"closeBudgetVoting", "computeBudgetResults"} {
		f.api(t, f.admin, `mutation { %s(input: {editionId: %q}) { edition { id } } }`, m, f.edition)
	}
	f.api(t, f.admin, `mutation { certifyBudgetResults(input: {editionId: %q, invalidBallots: 0}) { certification { certified } } }`, f.edition)
	f.api(t, f.admin, `mutation { publishBudgetResults(input: {editionId: %q}) { edition { id } } }`, f.edition)
	for _, lang := range langs {
		b.open("/?lang=" + lang)
		b.open("/budget/" + f.editionUUID + "/results")
		require.Equal(t, 3, eval[int](b, `document.querySelectorAll('main table').length`))
		b.checkAxe(lang + " results")
	}
}
