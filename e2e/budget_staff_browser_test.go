package e2e

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// signInBrowser signs a browser in through the web form, in Polish.
func signInBrowser(t *testing.T, b *browser, email string) {
	t.Helper()
	b.open("/sign-in")
	b.submit(`main form`, map[string]string{"f-email": email, "f-password": testPassword})
	require.Equal(t, "/", b.path(), "signed in as %s", email)
	b.open("/?lang=pl")
}

// useToken makes the browser's session the API token's (one session table
// backs both).
func useToken(b *browser, token string) {
	b.open("/")
	b.do("session cookie", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.cookie = %q`, "otwarty_session="+token+"; path=/")))
	b.open("/?lang=pl")
}

// paperEntry fills the paper ballot form with a voter of Stare Miasto and
// 3 + 3 picks (the district's third as given) and sends it.
func paperEntry(t *testing.T, b *browser, f *budgetFixture, sheet string, thirdDistrict int) {
	t.Helper()
	city := "f-city-" + apiUUID(t, f.pools["city"])
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.ID("f-identifier"), "90010112349"),
		chromedp.SetValue(chromedp.ID("f-voterDistrict"), "stare-miasto"),
		chromedp.SetValue(chromedp.ID(city), f.projectUUIDs["city"][0]),
		chromedp.SetValue(chromedp.ID(city+"-2"), f.projectUUIDs["city"][1]),
		chromedp.SetValue(chromedp.ID(city+"-3"), f.projectUUIDs["city"][2]),
		chromedp.SetValue(chromedp.ID("f-district"), f.projectUUIDs["stare-miasto"][0]),
		chromedp.SetValue(chromedp.ID("f-district-2"), f.projectUUIDs["stare-miasto"][1]),
		chromedp.SetValue(chromedp.ID("f-district-3"), f.projectUUIDs["stare-miasto"][thirdDistrict]),
	}
	if sheet != "" {
		steps = append(steps, chromedp.Clear(chromedp.ID("f-sheetNumber")), chromedp.SendKeys(chromedp.ID("f-sheetNumber"), sheet))
	}
	b.do("fill the paper ballot", steps...)
	b.navigating("save the entry", chromedp.Click(chromedp.CSS(`form.paper button[type="submit"]`)))
}

// TestBrowser_BudgetOfficialsPaperBallotsAndLiveTurnout: two ballot officers
// enter a paper ballot sheet, the second differing in one pick; the mismatch
// is shown and the commission (an admin here) resolves it, which counts the
// ballot. The live turnout then moves without a reload when a resident votes
// through the API, and the commission certifies and publishes the results.
// axe-core finds nothing on any of the officials' pages.
func TestBrowser_BudgetOfficialsPaperBallotsAndLiveTurnout(t *testing.T) {
	t.Parallel()
	f := newBudgetFixture(t)
	point := dig(f.api(t, f.admin, `mutation { createVotingPoint(input: {editionId: %q, name: "Urząd Stare Miasto", address: "ul. Długa 1"}) {
		votingPoint { id } } }`, f.edition), "createVotingPoint", "votingPoint", "id").(string)
	var officers []string
	for _, name := range []string{"officer-a", "officer-b"} {
		email := randomEmail(name)
		token, acc := signUp(t, f.s, email, testPassword)
		f.api(t, f.admin, `mutation { assignBallotOfficer(input: {votingPointId: %q, accountId: %q}) { votingPoint { id } } }`, point, acc.ID)
		// The server learns of the grant through LISTEN/NOTIFY.
		require.Eventually(t, func() bool {
			return dig(f.api(t, token, `{ budgetEdition(id: %q) { paperBallots { totalCount } } }`, f.edition), "budgetEdition", "paperBallots") != nil
		}, 10*time.Second, 50*time.Millisecond)
		officers = append(officers, email)
	}
	paper := "/budget/" + f.editionUUID + "/paper"

	// The first officer finds the screen from the edition's page.
	a := newBrowser(t, f.s, 360)
	signInBrowser(t, a, officers[0])
	a.open("/budget/" + f.editionUUID)
	require.Equal(t, 0, eval[int](a, `document.querySelectorAll('.staff-links a[href$="/commission"]').length`), "not the commission's")
	a.navigating("to the paper ballots", chromedp.Click(chromedp.CSS(`.staff-links a[href$="/paper"]`)))
	require.Equal(t, paper, a.path())
	require.Equal(t, "Karty papierowe", a.text("main h1"))
	a.checkAxe("paper ballots, empty")
	paperEntry(t, a, f, "K-001", 2)
	require.Equal(t, "Karta K-001: zapisano pierwszy wpis. Teraz wprowadza ją druga osoba.", a.text(".notice p"))
	require.Equal(t, "pending", eval[string](a, `document.querySelector('tr[data-sheet="K-001"]').dataset.status`))

	// The same officer sending the same entry again (a retry) gets the sheet
	// as it is: no error, no second entry, still waiting for a second person.
	paperEntry(t, a, f, "K-001", 2)
	require.Equal(t, 0, eval[int](a, `document.querySelectorAll('.error-summary li').length`))
	require.Equal(t, "pending", eval[string](a, `document.querySelector('tr[data-sheet="K-001"]').dataset.status`))
	a.checkAxe("paper ballots after a retry")

	// The second officer reads the district's third choice differently.
	b := newBrowser(t, f.s, 360)
	signInBrowser(t, b, officers[1])
	b.open(paper)
	paperEntry(t, b, f, "K-001", 3)
	require.Equal(t, "Karta K-001: wpisy się różnią. Kartę rozstrzyga komisja.", b.text(".notice p"))
	require.Equal(t, "mismatch", eval[string](b, `document.querySelector('tr[data-sheet="K-001"]').dataset.status`))
	require.Contains(t, b.text(".mismatched"), "Karta K-001 (Urząd Stare Miasto)")
	require.Equal(t, 0, eval[int](b, `document.querySelectorAll('.mismatched a').length`), "an officer does not resolve")
	require.Equal(t, 0, countMarkers(t, f), "nothing counted yet")
	b.checkAxe("paper ballots with a mismatch")

	// The commission reads the sheet and resolves it: counted.
	c := newBrowser(t, f.s, 1024)
	useToken(c, f.admin)
	c.open(paper)
	c.navigating("resolve", chromedp.Click(chromedp.CSS(`.mismatched a`)))
	require.Equal(t, "Rozstrzygnięcie karty K-001", c.text("#h-paper-form"))
	c.checkAxe("resolving a sheet")
	paperEntry(t, c, f, "", 2)
	require.Equal(t, "Karta K-001: wpisy zgodne, głos policzony.", c.text(".notice p"))
	require.Equal(t, "counted", eval[string](c, `document.querySelector('tr[data-sheet="K-001"]').dataset.status`))
	require.Equal(t, 0, eval[int](c, `document.querySelectorAll('.mismatched').length`))
	require.Equal(t, 1, countMarkers(t, f))

	// The live turnout moves when a resident votes elsewhere.
	c.open("/budget/" + f.editionUUID)
	c.navigating("to the turnout", chromedp.Click(chromedp.CSS(`.turnout-link a`)))
	require.Equal(t, "Oddane głosy: 1", c.text(".turnout-count"))
	require.Equal(t, 3, eval[int](c, `document.querySelectorAll('#turnout-region section').length`), "staff see the standings")
	c.checkAxe("live turnout")
	c.do("mark", chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))
	resident, _ := signIn(t, f.s, f.residentEmail, testPassword)
	picks := fmt.Sprintf(`[{poolId: %q, projectIds: [%q, %q, %q]}, {poolId: %q, projectIds: [%q, %q, %q]}]`,
		f.pools["city"], f.projects["city"][3], f.projects["city"][1], f.projects["city"][0],
		f.pools["stare-miasto"], f.projects["stare-miasto"][3], f.projects["stare-miasto"][1], f.projects["stare-miasto"][0])
	f.api(t, resident, `mutation { castBallot(input: {editionId: %q, ballotKey: "resident-key-0123456789", picks: %s}) { ballotId } }`, f.edition, picks)
	c.waitFor("the turnout moves", `document.querySelector('.turnout-count').textContent.trim() === 'Oddane głosy: 2'`)
	require.True(t, eval[bool](c, `window.sameDocument === true`), "no reload")

	// Anyone who may read the edition sees the turnout, without standings.
	anon := newBrowser(t, f.s, 360)
	anon.open("/budget/" + f.editionUUID + "/turnout?lang=pl")
	require.Equal(t, "Oddane głosy: 2", anon.text(".turnout-count"))
	require.Equal(t, 0, eval[int](anon, `document.querySelectorAll('#turnout-region section').length`))
	anon.open("/budget/" + f.editionUUID)
	require.Equal(t, 1, eval[int](anon, `document.querySelectorAll('.turnout-link a').length`))
	require.Equal(t, 0, eval[int](anon, `document.querySelectorAll('.staff-links').length`), "no officials' links")

	// The verification screen has nothing to decide in the vote.
	c.open("/budget/" + f.editionUUID + "/verification")
	require.Equal(t, 0, eval[int](c, `document.querySelectorAll('form.staff-form').length`))
	c.checkAxe("verification, nothing to decide")

	// Certified and published by the commission.
	for _, m := range []string{"closeBudgetVoting", "computeBudgetResults"} {
		f.api(t, f.admin, `mutation { %s(input: {editionId: %q}) { edition { id } } }`, m, f.edition)
	}
	c.open("/budget/" + f.editionUUID)
	c.navigating("to the commission", chromedp.Click(chromedp.CSS(`.staff-links a[href$="/commission"]`)))
	c.checkAxe("commission before signing")
	c.submit(`form.staff-form`, map[string]string{"f-invalidBallots": "x"})
	require.Equal(t, "Błąd: Podaj liczbę całkowitą, np. 0.", strings.Join(strings.Fields(c.text("#f-invalidBallots-error")), " "))
	c.checkAxe("commission with an error")
	c.submit(`form.staff-form`, map[string]string{"f-invalidBallots": "0"})
	require.Equal(t, "Twój podpis został zapisany.", c.text(".notice p"))
	require.Equal(t, "Wyniki zatwierdzone — można je ogłosić.", c.text(".certified"))
	c.checkAxe("commission, certified")
	c.navigating("publish", chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)))
	require.Equal(t, "/budget/"+f.editionUUID+"/results", c.path())
	require.Equal(t, 0, eval[int](c, `document.querySelectorAll('.notice').length`), "published, no longer provisional")

	// Every officials' screen in the other three languages.
	for _, lang := range []string{"uk", "en", "ru"} {
		c.open("/?lang=" + lang)
		for _, p := range []string{"/paper", "/turnout", "/verification", "/commission", "/results"} {
			c.open("/budget/" + f.editionUUID + p)
			require.Equal(t, lang, eval[string](c, `document.documentElement.lang`))
			c.checkAxe(lang + " " + p)
		}
	}
}

// TestBrowser_BudgetVerificationAndAppeals: an official decides two
// projects in the page — a refusal without a reason is the
// service's error next to the field — and then decides the appeal against
// the refusal; axe-core finds nothing on the forms.
func TestBrowser_BudgetVerificationAndAppeals(t *testing.T) {
	t.Parallel()
	f := newBudgetFixture(t)
	unit := dig(f.api(t, f.admin, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Wydział Weryfikacji", slug: "ww"}) { organisation { id } } }`),
		"createOrganisation", "organisation", "id").(string)
	now := time.Now()
	edition := dig(f.api(t, f.admin, `mutation { createBudgetEdition(input: {unitId: %q, year: 2028, votingOpensAt: %q, votingClosesAt: %q}) { edition { id } } }`,
		unit, now.Add(48*time.Hour).Format(time.RFC3339), now.Add(96*time.Hour).Format(time.RFC3339)), "createBudgetEdition", "edition", "id").(string)
	pool := dig(f.api(t, f.admin, `mutation { createBudgetPool(input: {editionId: %q, name: "Ogólnomiejska", kind: CITY, budget: "1000000.00",
		rule: "greedy", pickMode: AT_MOST, pickCount: 3, ballotKind: RANKED, required: false}) { pool { id } } }`, edition), "createBudgetPool", "pool", "id").(string)
	advance := func(to string) {
		f.api(t, f.admin, `mutation { advanceBudgetEdition(input: {editionId: %q, to: %s}) { edition { status } } }`, edition, to)
	}
	advance("SUBMISSION")
	// The admin proposes (a resident needs a confirmed e-mail first).
	proposer := f.admin
	var projects []string
	for _, title := range []string{"Ławki nad Wisłą", "Fontanna na Rynku"} {
		id := dig(f.api(t, proposer, `mutation { submitBudgetProject(input: {editionId: %q, poolId: %q, title: %q, description: "Opis projektu.",
			locale: PL, costEstimate: "120000.00", location: "Kraków", proposerBirthDate: "2000-01-01"}) { project { id } } }`, edition, pool, title),
			"submitBudgetProject", "project", "id").(string)
		projects = append(projects, apiUUID(t, id))
	}
	advance("VERIFICATION")
	editionPath := "/budget/" + apiUUID(t, edition)

	c := newBrowser(t, f.s, 360)
	useToken(c, f.admin)
	c.open(editionPath)
	c.navigating("to the verification", chromedp.Click(chromedp.CSS(`.staff-links a[href$="/verification"]`)))
	require.Equal(t, 2, eval[int](c, `document.querySelectorAll('form.staff-form').length`))
	c.checkAxe("verification forms")

	// Not eligible, without a reason: the service's error at the reason.
	v := func(p int, name string) string { return "f-v-" + projects[p] + "-" + name }
	c.do("not eligible", chromedp.Click(chromedp.ID(v(1, "decision-ineligible"))))
	c.navigating("save", chromedp.Click(chromedp.CSS(`#p-`+projects[1]+` button[type="submit"]`)))
	require.Equal(t, 1, eval[int](c, fmt.Sprintf(`document.querySelectorAll('#%s-error').length`, v(1, "reason"))))
	require.Equal(t, "true", eval[string](c, fmt.Sprintf(`document.getElementById(%q).getAttribute('aria-invalid')`, v(1, "reason"))))
	c.checkAxe("verification with an error")
	c.do("reason", chromedp.Click(chromedp.ID(v(1, "decision-ineligible"))), chromedp.SendKeys(chromedp.ID(v(1, "reason")), "Teren nie należy do miasta."))
	c.navigating("save", chromedp.Click(chromedp.CSS(`#p-`+projects[1]+` button[type="submit"]`)))
	require.Equal(t, "Decyzja została zapisana.", c.text(".notice p"))
	c.do("eligible", chromedp.Click(chromedp.ID(v(0, "decision-eligible"))), chromedp.SendKeys(chromedp.ID(v(0, "verifiedCost")), "110000,50"))
	c.navigating("save", chromedp.Click(chromedp.CSS(`#p-`+projects[0]+` button[type="submit"]`)))
	require.Equal(t, "Decyzja została zapisana.", c.text(".notice p"))
	got := dig(f.api(t, f.admin, `{ budgetProject(id: %q) { status cost } }`, projectGID(f, projects[0])), "budgetProject").(map[string]any)
	require.Equal(t, map[string]any{"status": "ELIGIBLE", "cost": "110000.50"}, got)

	// The proposer appeals; the official upholds the appeal.
	advance("APPEALS")
	f.api(t, proposer, `mutation { appealBudgetProjectDecision(input: {projectId: %q, reason: "Teren jest miejski."}) { project { id } } }`, projectGID(f, projects[1]))
	c.open(editionPath + "/verification")
	require.Equal(t, 1, eval[int](c, `document.querySelectorAll('form.staff-form').length`), "the appeal's form only")
	require.Contains(t, c.text("#ap-"+projects[1]), "Teren jest miejski.")
	c.checkAxe("an appeal to decide")
	a := func(name string) string { return "f-a-" + projects[1] + "-" + name }
	c.do("uphold", chromedp.Click(chromedp.ID(a("upheld-yes"))), chromedp.SendKeys(chromedp.ID(a("reason")), "Sprawdzono w księdze wieczystej."))
	c.navigating("decide", chromedp.Click(chromedp.CSS(`#ap-`+projects[1]+` button[type="submit"]`)))
	require.Equal(t, "Decyzja została zapisana.", c.text(".notice p"))
	require.Equal(t, "ELIGIBLE", dig(f.api(t, f.admin, `{ budgetProject(id: %q) { status } }`, projectGID(f, projects[1])), "budgetProject", "status"))
}

// projectGID is a project's API id.
func projectGID(_ *budgetFixture, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("BudgetProject:" + id))
}
