package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_AmbassadorCoordinatorAndJury: this year's demo edition, open
// for nominations with two nominations, taken through its working screens.
// The coordinator records one nominee's consent signed on paper (told first
// that the scan's reference is missing) and sends the other a new consent
// link, closes the nominations by hand (told first that the reason is too
// short), finds the second nomination refused as eligible without consent
// (the service's error), records it not eligible with a reason from the
// list and the first eligible, and opens the scoring. A juror then declares
// no conflict, is told a point outside the criterion's scale is refused,
// submits the sheet and comments; the coordinator sees the sheet and the
// comment. axe-core finds nothing on any screen, in all four languages.
func TestBrowser_AmbassadorCoordinatorAndJury(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())

	var edition string
	require.NoError(t, conn.QueryRow(ctx, `select id::text from ambassador_editions where phase = 'nominations'`).Scan(&edition))
	nomination := func(name string) (id, email string) {
		t.Helper()
		require.NoError(t, conn.QueryRow(ctx, `select id::text, nominee_email from ambassador_nominations
			where edition_id = $1 and nominee_name = $2`, edition, name).Scan(&id, &email))
		return id, email
	}
	person, _ := nomination("Kateryna Bondar")
	club, clubEmail := nomination("Klub Sąsiedzki Azory")
	mails := func(to string) int {
		t.Helper()
		var n int
		require.NoError(t, conn.QueryRow(ctx, `select count(*) from email_outbox where to_address = $1
			and body like '%/ambassador/consent?token=%'`, to).Scan(&n))
		return n
	}

	// The coordinator's screen, from the edition's page.
	c := newBrowser(t, s, 360)
	c.signInAs("koordynator@demo.otwarty.pl")
	c.open("/ambassador/" + edition + "?lang=pl")
	c.navigating("to the nominations", chromedp.Click(chromedp.CSS(`a[href$="/nominations"]`)))
	require.Equal(t, "/ambassador/"+edition+"/nominations", c.path())
	require.Equal(t, 2, eval[int](c, `document.querySelectorAll('ol.thread > li').length`))
	require.Equal(t, 0, eval[int](c, `document.querySelectorAll('form[action$="/check"]').length`), "no formal check while nominations run")
	c.checkAxe("nominations")

	// Consent on paper: first without the scan's reference.
	open := func(b *browser, sel string) {
		b.do("open "+sel, chromedp.Evaluate[chromedp.Void](`document.querySelector('`+sel+`').open = true`))
	}
	consentForm := `#n-` + person + ` form[action$="/consent"]`
	open(c, `#n-`+person+` details.reply`)
	c.navigating("consent without a reference", chromedp.Click(chromedp.CSS(consentForm+` button[type="submit"]`)))
	require.Equal(t, 1, eval[int](c, `document.querySelectorAll('#f-consent-`+person+`-scanRef-error').length`), "the error at the field")
	require.Equal(t, "true", eval[string](c, `document.getElementById('f-consent-`+person+`-scanRef').getAttribute('aria-invalid')`))
	c.checkAxe("consent with an error")
	c.submit(consentForm, map[string]string{"f-consent-" + person + "-scanRef": "KD-7/2026"})
	require.Contains(t, c.text(`#n-`+person+` .facts`), "na papierze")
	require.Contains(t, c.text(`#n-`+person+` .facts`), "KD-7/2026")
	var consentRef string
	require.NoError(t, conn.QueryRow(ctx, `select consent_scan_ref from ambassador_nominations where id = $1`, person).Scan(&consentRef))
	require.Equal(t, "KD-7/2026", consentRef)
	require.Equal(t, 0, eval[int](c, `document.querySelectorAll('`+consentForm+`').length`), "no consent form once given")

	// A new consent link for the club: the old link is revoked, a new one
	// is e-mailed (after the one sent when she was nominated).
	tokens := func() (all, live int) {
		t.Helper()
		require.NoError(t, conn.QueryRow(ctx, `select count(*), count(*) filter (where revoked_at is null and used_at is null)
			from ambassador_consent_tokens where nomination_id = $1`, club).Scan(&all, &live))
		return all, live
	}
	allBefore, _ := tokens()
	open(c, `#n-`+club+` details.reply`)
	c.navigating("resend", chromedp.Click(chromedp.CSS(`#n-`+club+` form[action$="/resend"] button[type="submit"]`)))
	all, live := tokens()
	require.Equal(t, allBefore+1, all)
	require.Equal(t, 1, live, "only the new link works")
	deadline := time.Now().Add(eventTimeout)
	for mails(clubEmail) < 2 {
		require.True(t, time.Now().Before(deadline), "a new consent e-mail to %s", clubEmail)
		time.Sleep(pollInterval)
	}

	// The nominations close by hand, with a reason.
	open(c, `details.phase`)
	c.submit(`details.phase form`, map[string]string{"f-phase-reason": "krótko"})
	require.Equal(t, 1, eval[int](c, `document.querySelectorAll('#f-phase-reason-error').length`))
	require.True(t, eval[bool](c, `document.querySelector('details.phase').open`), "the failed form stays open")
	c.checkAxe("phase with an error")
	c.submit(`details.phase form`, map[string]string{"f-phase-reason": "Nabór zakończony zgodnie z harmonogramem."})
	require.Equal(t, "ocena formalna zgłoszeń", c.text("#phase"))
	c.checkAxe("formal check")

	// The club has no consent: eligible is the service's refusal.
	check := `#n-` + club + ` form[action$="/check"]`
	c.do("eligible", chromedp.Click(chromedp.ID("f-check-"+club+"-outcome-eligible")))
	c.navigating("check the club", chromedp.Click(chromedp.CSS(check+` button[type="submit"]`)))
	require.Contains(t, c.text(check+` .error-summary`),
		"Bez zgody osoby nominowanej (lub opiekuna) nominacja nie spełnia wymogów formalnych.")
	c.checkAxe("check with the service's error")
	c.do("not eligible", chromedp.Click(chromedp.ID("f-check-"+club+"-outcome-not_eligible")),
		chromedp.SetValue(chromedp.ID("f-check-"+club+"-reason"), "no_consent"))
	c.navigating("check the club again", chromedp.Click(chromedp.CSS(check+` button[type="submit"]`)))
	require.Contains(t, c.text(`#n-`+club+` .facts`), "nie spełnia wymogów formalnych · brak zgody osoby zgłoszonej")
	c.do("eligible", chromedp.Click(chromedp.ID("f-check-"+person+"-outcome-eligible")))
	c.navigating("check the person", chromedp.Click(chromedp.CSS(`#n-`+person+` form[action$="/check"] button[type="submit"]`)))
	require.Contains(t, c.text(`#n-`+person+` .facts`), "spełnia wymogi formalne")
	statuses := map[string]string{}
	rows, err := conn.Query(ctx, `select nominee_name, status || coalesce('/' || check_reason, '') from ambassador_nominations where edition_id = $1`, edition)
	require.NoError(t, err)
	for rows.Next() {
		var name, status string
		require.NoError(t, rows.Scan(&name, &status))
		statuses[name] = status
	}
	require.NoError(t, rows.Err())
	require.Equal(t, map[string]string{"Kateryna Bondar": "eligible", "Klub Sąsiedzki Azory": "not_eligible/no_consent"}, statuses)

	open(c, `details.phase`)
	c.submit(`details.phase form`, map[string]string{"f-phase-reason": "Ocena formalna zakończona, zaczyna się ocena kapituły."})
	require.Equal(t, "ocena kapituły", c.text("#phase"))

	// A juror, from the edition's page.
	j := newBrowser(t, s, 360)
	j.signInAs("urzednik@demo.otwarty.pl")
	j.open("/ambassador/" + edition + "?lang=pl")
	require.Equal(t, 0, eval[int](j, `document.querySelectorAll('a[href$="/nominations"]').length`), "not the coordinator's screen")
	j.navigating("to the jury", chromedp.Click(chromedp.CSS(`a[href$="/jury"]`)))
	require.Equal(t, 1, eval[int](j, `document.querySelectorAll('ol.thread > li').length`), "only the eligible nomination")
	require.Equal(t, 0, eval[int](j, `document.querySelectorAll('#j-`+person+` form[action$="/scores"]').length`), "no sheet before the declaration")
	j.checkAxe("jury before declaring")
	j.do("no conflict", chromedp.Click(chromedp.ID("f-declare-"+person+"-declaration-none")))
	j.navigating("declare", chromedp.Click(chromedp.CSS(`#j-`+person+` form[action$="/declare"] button[type="submit"]`)))
	sheet := `#j-` + person + ` form[action$="/scores"]`
	points := eval[[]string](j, `[...document.querySelectorAll('`+sheet+` input[type="number"]')].map(i => i.id)`)
	require.Len(t, points, 4, "a point for each of the four criteria")
	max := eval[string](j, `document.getElementById('`+points[0]+`').max`)
	fill := []chromedp.Action[chromedp.Void]{chromedp.SetValue(chromedp.ID(points[0]), "99")}
	for _, id := range points[1:] {
		fill = append(fill, chromedp.SetValue(chromedp.ID(id), max))
	}
	j.do("fill the sheet", fill...)
	j.navigating("submit the sheet", chromedp.Click(chromedp.CSS(sheet+` button[value="1"]`)))
	require.Contains(t, j.text(sheet+` .error-summary`), "Każde kryterium tej edycji można ocenić raz, w jego skali", "99 is outside the scale")
	require.Equal(t, "99", eval[string](j, `document.getElementById('`+points[0]+`').value`), "what was typed is kept")
	j.checkAxe("sheet with an error")
	j.do("fix", chromedp.SetValue(chromedp.ID(points[0]), max))
	j.navigating("submit the sheet again", chromedp.Click(chromedp.CSS(sheet+` button[value="1"]`)))
	var submitted int
	require.NoError(t, conn.QueryRow(ctx, `select count(*) from ambassador_sheets where nomination_id = $1 and submitted_at is not null`, person).Scan(&submitted))
	require.Equal(t, 1, submitted)
	j.checkAxe("sheet submitted")

	// The coordinator sees the sheet; the juror's comment reaches the discussion.
	comment := `#j-` + person + ` form[action$="/comment"]`
	j.do("comment", chromedp.SendKeys(chromedp.ID("f-comment-"+person+"-body"), "Szkoła sobotnia działa od dwóch lat."))
	j.navigating("send the comment", chromedp.Click(chromedp.CSS(comment+` button[type="submit"]`)))
	require.Contains(t, j.text(`#j-`+person+` ul.log`), "Szkoła sobotnia działa od dwóch lat.")
	c.open("/ambassador/" + edition + "/jury")
	require.Contains(t, c.text(`#j-`+person), "Członek Kapituły nr 1 (Jan Urzędnik): "+strings.Repeat(max+" · ", 3)+max)
	require.Contains(t, c.text(`#j-`+person+` ul.log`), "Szkoła sobotnia działa od dwóch lat.")

	// Every working screen in the other three languages.
	for _, lang := range []string{"uk", "en", "ru"} {
		c.open("/?lang=" + lang)
		j.open("/?lang=" + lang)
		c.open("/ambassador/" + edition + "/nominations")
		require.Equal(t, lang, eval[string](c, `document.documentElement.lang`))
		c.checkAxe(lang + " nominations")
		c.open("/ambassador/" + edition + "/jury")
		c.checkAxe(lang + " jury, coordinator")
		j.open("/ambassador/" + edition + "/jury")
		j.checkAxe(lang + " jury, juror")
	}
}
