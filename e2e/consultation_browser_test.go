package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// demoPassword is `otwarty seed --demo`'s password of every demo account.
const demoPassword = "otwarty-demo-2026"

// signInAs signs the browser in with a demo account.
func (b *browser) signInAs(email string) {
	b.t.Helper()
	b.open("/sign-in")
	b.submit(`main form`, map[string]string{"f-email": email, "f-password": demoPassword})
	require.Equal(b.t, "/", b.path(), "signed in as %s", email)
}

// openConsultation opens the seeded open consultation from the list.
func (b *browser) openConsultation() string {
	b.t.Helper()
	b.open("/consultations?status=open")
	require.Equal(b.t, 1, eval[int](b, `document.querySelectorAll('.card').length`), "one open consultation in the demo")
	b.navigating("open the consultation", chromedp.Click(chromedp.CSS(`.card .title a`)))
	return b.path()
}

// write types text into an empty textarea and sends its form.
func (b *browser) write(id, text string) {
	b.t.Helper()
	b.do("type into "+id, chromedp.Focus(chromedp.ID(id)), chromedp.SendKeys(chromedp.ID(id), text))
	b.navigating("send "+id, chromedp.Click(chromedp.CSS(`form.submit:has(#`+id+`) button[type="submit"]`)))
}

// waitFor polls the page until expr is true.
func (b *browser) waitFor(what, expr string) {
	b.t.Helper()
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		select {
		case <-b.ctx.Done():
			b.t.Fatalf("%s: never true: %s (%v)", what, expr, err)
		case <-time.After(pollInterval):
		}
	}
}

// article evaluates to the submission article whose text contains s.
func article(s string) string {
	return `[...document.querySelectorAll('article.submission')].find(a => a.textContent.includes(` + jsString(s) + `))`
}

func jsString(s string) string {
	return `'` + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + `'`
}

// TestBrowser_ConsultationJourney: a resident finds the open consultation by
// its filters, is told what is wrong with an empty postulate, submits one,
// supports another, comments on a section, replies, flags, follows and
// registers for the workshop; a moderator sees the flag in the queue and
// hides the item with a reason, which the public log shows and the page no
// longer does. Every step goes through the services behind the API.
func TestBrowser_ConsultationJourney(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	conn, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })

	b := newBrowser(t, s, 360)
	// The list: the phase and district filters are in the address.
	b.open("/consultations")
	require.Equal(t, 2, eval[int](b, `document.querySelectorAll('.card').length`))
	b.open("/consultations?district=nowa-huta")
	require.Equal(t, 0, eval[int](b, `document.querySelectorAll('.card').length`))
	b.open("/consultations?district=podgorze&topic=migracja")
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('.card').length`))
	require.Equal(t, "podgorze", eval[string](b, `document.getElementById('f-district').value`))

	b.signInAs("james@demo.otwarty.pl") // English is his language
	path := b.openConsultation()
	require.Equal(t, "Priorities of the Open Kraków programme for 2027", b.text("main h1"))
	require.Equal(t, "4 proposals", b.text("#postulates-region p.count"))

	// An empty postulate: the message sits by its field, nothing is stored.
	b.navigating("send empty", chromedp.Click(chromedp.CSS(`form.submit:has(#f-postulate-text) button[type="submit"]`)))
	require.Equal(t, path+"/submissions", b.path())
	require.Equal(t, "Error: Write something first.", eval[string](b, `document.getElementById('f-postulate-text-error').textContent`))
	require.Equal(t, "f-postulate-text-hint f-postulate-text-error", eval[string](b, `document.getElementById('f-postulate-text').getAttribute('aria-describedby')`))
	b.checkAxe("consultation with an error")
	var n int
	require.NoError(t, conn.QueryRow(b.ctx, `select count(*) from submissions where kind = 'postulate' and parent_id is null
		and author_id = (select id from accounts where email = 'james@demo.otwarty.pl')`).Scan(&n))
	require.Equal(t, 2, n, "his postulates here and in the closed consultation, no more")

	mine := "Bike parking by the Multicultural House, please."
	b.write("f-postulate-text", mine)
	require.Equal(t, path, b.path())
	require.Equal(t, "5 proposals", b.text("#postulates-region p.count"))
	require.Equal(t, "en", eval[string](b, article(mine)+`.querySelector('.prose span') ? 'en' : 'none'`))
	require.False(t, eval[bool](b, article(mine)+`.querySelector('form[action*="/support/"]') !== null`), "no support for one's own")

	// Olena's postulate (in Ukrainian, shown with its language) has his
	// support from before: he takes it back. Marta's gets it instead.
	olena := "Потрібні консультації українською"
	supports := func(text string) string {
		return eval[string](b, article(text)+`.querySelector('p.supports').textContent.trim()`)
	}
	require.Equal(t, "uk", eval[string](b, article(olena)+`.querySelector('.prose span').lang`))
	require.Equal(t, "3 supports", supports(olena))
	b.navigating("unsupport", chromedp.Evaluate[chromedp.Void](article(olena)+`.querySelector('form[action*="/unsupport/"] button').click()`))
	require.Equal(t, "2 supports", supports(olena))
	marta := "Więcej spotkań sąsiedzkich"
	require.Equal(t, "0 supports", supports(marta))
	b.navigating("support", chromedp.Evaluate[chromedp.Void](article(marta)+`.querySelector('form[action*="/support/"] button').click()`))
	require.Equal(t, "1 support", supports(marta))
	require.True(t, eval[bool](b, article(marta)+`.querySelector('form[action*="/unsupport/"]') !== null`))

	// A comment on the document's section and a reply to Olena.
	secInput := eval[string](b, `document.querySelector('section.doc-section textarea').id`)
	b.write(secInput, "Legal advice in the evenings too.")
	require.Contains(t, b.text("section.doc-section .thread"), "Legal advice in the evenings too.")
	replyID := eval[string](b, article(olena)+`.querySelector('details.reply textarea').id`)
	b.do("open reply", chromedp.Evaluate[chromedp.Void](article(olena)+`.querySelector('details.reply').open = true`))
	b.write(replyID, "Agreed, in Nowa Huta as well.")
	require.Contains(t, eval[string](b, article(olena)+`.querySelector('.replies').textContent`), "Agreed, in Nowa Huta as well.")

	// The moderator (Russian) watches the queue; the page is live.
	m := newBrowser(t, s, 1280)
	m.signInAs("irina@demo.otwarty.pl")
	m.open(path)
	m.navigating("moderation", chromedp.Click(chromedp.CSS(`a[href$="/moderation"]`)))
	require.Equal(t, "Ожидают решения: 0", m.text("#moderation-queue > p"))
	m.do("mark the document", chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))
	// A visitor's page of the consultation is live too.
	a := newBrowser(t, s, 360)
	a.open(path)
	a.do("mark the document", chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))

	// Flag Irina's postulate.
	irina := "Нужны бесплатные курсы польского"
	b.do("open flag", chromedp.Evaluate[chromedp.Void](article(irina)+`.querySelector('details.flag').open = true`))
	reasonID := eval[string](b, article(irina)+`.querySelector('details.flag select').id`)
	b.do("reason", chromedp.SetValue(chromedp.ID(reasonID), "spam"))
	b.navigating("flag", chromedp.Evaluate[chromedp.Void](article(irina)+`.querySelector('details.flag button').click()`))
	require.NoError(t, conn.QueryRow(b.ctx, `select count(*) from submission_flags where reason = 'spam' and resolved_at is null`).Scan(&n))
	require.Equal(t, 1, n)

	// Follow, and take a seat at the workshop.
	b.navigating("follow", chromedp.Click(chromedp.CSS(`form[action$="/follow"] button`)))
	require.Equal(t, "Unfollow", b.text(`form[action$="/unfollow"] button`))
	b.navigating("register", chromedp.Click(chromedp.CSS(`form[action*="/register/"] button`)))
	require.Equal(t, "You have a seat at this meeting.", b.text("#meetings + ul .card strong"))
	require.Equal(t, "Seats taken: 3 of 25", b.text("#meetings + ul .card p.seats"))
	b.checkAxe("consultation signed in")

	// The flag reaches the moderator's queue without a reload.
	m.waitFor("the flag in the queue", `document.querySelector('#moderation-queue > p').textContent === 'Ожидают решения: 1'`)
	require.True(t, eval[bool](m, `window.sameDocument === true`), "no reload")
	require.Equal(t, "Обновлено в", eval[string](m, `document.querySelector('[data-live-status]').textContent.split(' ').slice(0, 2).join(' ')`))
	require.Equal(t, "Ожидают решения: 1", m.text("#moderation-queue > p"))
	require.Contains(t, m.text("#moderation-queue article"), irina)
	m.checkAxe("moderation queue")
	m.do("reason", chromedp.SetValue(chromedp.CSS(`#moderation-queue select`), "spam"))
	m.navigating("hide", chromedp.Click(chromedp.CSS(`#moderation-queue form[action*="/hide/"] button`)))
	require.Equal(t, path+"/moderation", m.path())
	require.Equal(t, "Ожидают решения: 0", m.text("#moderation-queue > p"))
	require.Contains(t, m.text("ul.log li"), "скрыто · спам")

	// The visitor's page drops it without a reload; the flag is resolved.
	a.waitFor("the hidden item gone", article(irina)+` === undefined`)
	require.True(t, eval[bool](a, `window.sameDocument === true`), "no reload")
	require.False(t, eval[bool](a, article(irina)+` !== undefined`))
	require.Equal(t, "4 postulaty", a.text("#postulates-region p.count"), "the visitor's count leaves the hidden item out")
	require.NoError(t, conn.QueryRow(b.ctx, `select count(*) from submission_flags where resolved_at is null`).Scan(&n))
	require.Equal(t, 0, n)
}

// TestBrowser_OfficialAnswersAndPublishesReport: the official closes the
// consultation with a public reason, is refused the report while
// submissions wait for answers, is told what is missing in an answer,
// drafts an answer to each, publishes them and then the report, which the
// public page shows.
func TestBrowser_OfficialAnswersAndPublishesReport(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	b := newBrowser(t, s, 1280)
	b.signInAs("urzednik@demo.otwarty.pl")
	path := b.openConsultation()

	// Closing by hand needs a reason.
	b.do("open the phase form", chromedp.Evaluate[chromedp.Void](`document.querySelector('details.phase').open = true`))
	b.navigating("close without a reason", chromedp.Click(chromedp.CSS(`details.phase button[type="submit"]`)))
	require.True(t, eval[bool](b, `document.getElementById('f-phase-reason-error') !== null`), "the reason's error by its field")
	b.checkAxe("phase form with an error")
	b.submit(`details.phase form`, map[string]string{"f-phase-reason": "Zamykamy zgodnie z decyzją Prezydenta Miasta"})
	require.Equal(t, path, b.path())
	require.Equal(t, "zakończone, trwa przygotowanie raportu", b.text("dl.facts .badge"))

	b.navigating("answers", chromedp.Click(chromedp.CSS(`a[href$="/answers"]`)))
	require.Equal(t, path+"/answers", b.path())
	require.Equal(t, "4", b.text("#unanswered"))
	require.Equal(t, "0", b.text("#drafts"))
	b.checkAxe("answers")

	// The report waits for every answer.
	b.navigating("report too early", chromedp.Click(chromedp.CSS(`form[action$="/report"] button`)))
	require.Contains(t, b.text(".error-summary"), "4")
	require.Equal(t, 0, eval[int](b, `document.querySelectorAll('.submission form.answer-form .error').length`))

	// An answer without a decision: told by the field, nothing saved.
	first := eval[string](b, `document.querySelector('ol.answers > li').id`)
	b.do("reason only", chromedp.SendKeys(chromedp.ID("f-"+first+"-reason"), "Bez rozstrzygnięcia"))
	b.navigating("save without a decision", chromedp.Click(chromedp.CSS(`#`+first+` form.answer-form button[type="submit"]`)))
	require.True(t, eval[bool](b, `document.getElementById('f-`+first+`-status-error') !== null`))
	require.Equal(t, "Bez rozstrzygnięcia", eval[string](b, `document.getElementById('f-`+first+`-reason').value`), "what was written stays")
	b.checkAxe("answer with an error")

	// Every submission answered in turn.
	for i := range 4 {
		li := eval[string](b, fmt.Sprintf(`document.querySelectorAll('ol.answers > li')[%d].id`, i))
		status := []string{"accepted", "partly_accepted", "not_accepted", "not_applicable"}[i]
		b.do("decision", chromedp.Click(chromedp.ID("f-"+li+"-status-"+status)))
		b.do("reason", chromedp.Evaluate[chromedp.Void](`document.getElementById('f-`+li+`-reason').value = ''`), chromedp.SendKeys(chromedp.ID("f-"+li+"-reason"), fmt.Sprintf("Uzasadnienie numer %d", i+1)))
		b.navigating("save", chromedp.Click(chromedp.CSS(`#`+li+` form.answer-form button[type="submit"]`)))
		require.Equal(t, path+"/answers", b.path())
	}
	require.Equal(t, "4", b.text("#drafts"))
	b.navigating("publish answers", chromedp.Click(chromedp.CSS(`form[action$="/answers"] button`)))
	require.Equal(t, "0", b.text("#unanswered"))
	require.Equal(t, "0", b.text("#drafts"))

	b.do("summary", chromedp.SendKeys(chromedp.ID("f-report-summary"), "Mieszkańcy chcieliby porad w swoich językach."))
	b.navigating("publish report", chromedp.Click(chromedp.CSS(`form[action$="/report"] button`)))
	require.Equal(t, path+"/report", b.path())
	require.Contains(t, b.text("main"), "Opublikowano")
	require.Equal(t, "Mieszkańcy chcieliby porad w swoich językach.", b.text("main p.lead"))
	require.Equal(t, 4, eval[int](b, `document.querySelectorAll('ol.report-items > li').length`))
	require.Contains(t, b.text("ol.report-items"), "Uzasadnienie numer 3")
	b.checkAxe("published report")

	// The public sees the report and the answers under each postulate.
	a := newBrowser(t, s, 360)
	a.open(path)
	require.Equal(t, "zakończone, raport opublikowany", a.text("dl.facts .badge"))
	require.Equal(t, 4, eval[int](a, `document.querySelectorAll('#postulates-region .answer').length`))
}

// TestBrowser_OfficialDraftsAndPublishes: an official drafts a consultation,
// is told what is missing, sees the city's rules checked against the draft
// and publishes it only with a public justification for the rule it breaks.
func TestBrowser_OfficialDraftsAndPublishes(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	b := newBrowser(t, s, 1280)

	// A resident is offered no such form.
	b.signInAs("marta@demo.otwarty.pl")
	b.open("/consultations")
	require.Equal(t, 0, eval[int](b, `document.querySelectorAll('a[href="/consultations/new"]').length`))
	b.open("/consultations/new")
	require.Contains(t, b.text("main"), "Nie możesz tworzyć konsultacji")
	b.navigating("sign out", chromedp.Click(chromedp.CSS(`.account-nav form button`)))

	b.signInAs("urzednik@demo.otwarty.pl")
	b.open("/consultations")
	b.navigating("new", chromedp.Click(chromedp.CSS(`a[href="/consultations/new"]`)))
	b.navigating("save empty", chromedp.Click(chromedp.CSS(`form.draft button[type="submit"]`)))
	require.True(t, eval[bool](b, `document.getElementById('f-title-error') !== null`), "the title's error by its field")
	b.checkAxe("new draft with an error")

	warsaw, err := time.LoadLocation("Europe/Warsaw")
	require.NoError(t, err)
	day := time.Now().In(warsaw).Truncate(time.Hour)
	at := func(d int) string { return day.Add(time.Duration(d) * 24 * time.Hour).Format("2006-01-02T15:04") }
	b.do("fill", chromedp.SendKeys(chromedp.ID("f-title"), "Park kieszonkowy przy ul. Wielickiej"),
		chromedp.Click(chromedp.ID("form-online_submissions")), chromedp.Click(chromedp.ID("form-section_comments")),
		chromedp.Click(chromedp.ID("form-meeting")), chromedp.Click(chromedp.ID("district-podgorze")),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-announceAt').value = '`+at(1)+`';
			document.getElementById('f-opensAt').value = '`+at(3)+`';
			document.getElementById('f-closesAt').value = '`+at(30)+`'`),
		chromedp.SendKeys(chromedp.ID("f-heading-0"), "Zieleń"), chromedp.SendKeys(chromedp.ID("f-body-0"), "Drzewa i ławki."))
	b.navigating("create", chromedp.Click(chromedp.CSS(`form.draft button[type="submit"]`)))
	require.True(t, strings.HasSuffix(b.path(), "/edit"), b.path())
	edit := b.path()
	require.Equal(t, "Park kieszonkowy przy ul. Wielickiej", eval[string](b, `document.getElementById('f-title').value`))
	require.Equal(t, "Zieleń", eval[string](b, `document.getElementById('f-heading-0').value`))
	require.True(t, eval[bool](b, `document.getElementById('district-podgorze').checked`))
	// Announced two days before opening: the notice rule fails, and it
	// alone asks for a justification.
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('ul.rules li.fail').length`))
	require.Contains(t, b.text("ul.rules li.fail"), "co najmniej 7 dni")
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('ul.rules textarea').length`))
	b.checkAxe("draft with its rules")

	b.navigating("publish without a justification", chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)))
	require.True(t, eval[bool](b, `document.querySelector('.error-summary') !== null`))
	b.do("justify", chromedp.SendKeys(chromedp.ID("f-publish-notice_period"), "Termin wynika z uchwały Rady Dzielnicy XIII"))
	b.navigating("publish", chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)))
	require.Equal(t, strings.TrimSuffix(edit, "/edit"), b.path())
	require.Equal(t, "ogłoszone, jeszcze nie trwają", b.text("dl.facts .badge"))
	b.open(edit)
	require.Equal(t, strings.TrimSuffix(edit, "/edit"), b.path(), "a published consultation is no longer edited as a draft")
}
