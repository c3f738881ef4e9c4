package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_EventsCalendar: the demo's calendar lists the upcoming
// events (the one awaiting review only to the NGO's members), filters by
// language, and an event's page marks its languages and links its .ics;
// an NGO member submits an event, is told at each field what is missing,
// and then finds it awaiting review; the coordinator approves it from the
// queue. axe-core on the calendar, an event page, the form with its errors
// and the queue.
func TestBrowser_EventsCalendar(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	b := newBrowser(t, s, 360)

	b.open("/events")
	upcoming := eval[int](b, `document.querySelectorAll('li.card.event').length`)
	require.Equal(t, 4, upcoming, "the open meeting, the workshop, the picnic, the hybrid course")
	require.Equal(t, 0, eval[int](b, `document.querySelectorAll('li.card.event.status-submitted').length`))
	b.checkAxe("events calendar")
	b.open("/events?language=vi")
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('li.card.event').length`), "the picnic")
	b.navigating("the picnic", chromedp.Click(chromedp.CSS(`li.card.event a`)))
	require.Equal(t, "Piknik Wielokulturowy", b.text("main h1"))
	require.Equal(t, "Tiếng Việt", b.text(`dd li[lang="vi"]`))
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('a[href$=".ics?lang=pl"][href^="/events/"]').length`))
	b.checkAxe("event page")

	// James, a member of the NGO, sees the event awaiting review.
	b.signInAs("james@demo.otwarty.pl")
	b.open("/events")
	require.Equal(t, upcoming+1, eval[int](b, `document.querySelectorAll('li.card.event').length`))
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('li.card.event.status-submitted').length`))
	b.navigating("submit", chromedp.Click(chromedp.CSS(`a[href="/events/new"]`)))
	eval[bool](b, `(document.getElementById('f-languages').value = '') === ''`)
	b.navigating("send empty", chromedp.Click(chromedp.CSS(`form[action="/events/new"] button[type="submit"]`)))
	summary := b.text(".error-summary")
	// James reads English.
	require.Equal(t, "Please correct the form\nGive the event a title.\nChoose the kind of event.\nGive the time the event starts.\n"+
		"Give the address of the place or a link to the online meeting.\nGive at least one language the event is held in.", summary)
	require.Equal(t, "true", eval[string](b, `document.getElementById('f-title').getAttribute('aria-invalid')`))
	require.Equal(t, "true", eval[string](b, `document.getElementById('f-category').getAttribute('aria-invalid')`))
	b.checkAxe("event form with errors")

	eval[bool](b, `(() => { const set = (id, v) => { document.getElementById(id).value = v };
		set('f-category', 'culture'); set('f-startsAt', '2031-05-08T18:00'); set('f-endsAt', '2031-05-08T21:00'); return true })()`)
	b.do("fill", chromedp.SendKeys(chromedp.ID("f-title"), "Wieczór gier planszowych"),
		chromedp.SendKeys(chromedp.ID("f-place"), "Dom Wielokulturowy, ul. Krakowska 1"),
		chromedp.SendKeys(chromedp.ID("f-languages"), "pl, uk, en"))
	b.navigating("send", chromedp.Click(chromedp.CSS(`form[action="/events/new"] button[type="submit"]`)))
	require.Contains(t, b.text(".notice"), "The event awaits the coordinator's review")
	require.Equal(t, "Wieczór gier planszowych", b.text("main h1"))
	require.Equal(t, "2031-05-08 18:00–21:00", b.text("dd time"))

	// Before the review James moves it to another room: the form shows the
	// current values, refuses an event with no place, then saves.
	eventURL := b.path()
	place := `[...document.querySelectorAll('dl.facts dt')].find(d => d.textContent === 'Place').nextElementSibling.textContent`
	b.navigating("change", chromedp.Click(chromedp.CSS(`a[href="`+eventURL+`/edit"]`)))
	require.Equal(t, []string{"Wieczór gier planszowych", "culture", "2031-05-08T18:00", "2031-05-08T21:00", "pl, uk, en", "en"},
		eval[[]string](b, `['title', 'category', 'startsAt', 'endsAt', 'languages', 'locale'].map(n => document.getElementById('f-' + n).value)`))
	b.checkAxe("event edit form")
	eval[bool](b, `(document.getElementById('f-place').value = '') === ''`)
	save := chromedp.Click(chromedp.CSS(`form[action="` + eventURL + `/edit"] button[type="submit"]`))
	b.navigating("save with no place", save)
	require.Equal(t, "Please correct the form\nGive the address of the place or a link to the online meeting.", b.text(".error-summary"))
	b.checkAxe("event edit form with errors")
	eval[bool](b, `(document.getElementById('f-place').value = 'Dom Wielokulturowy, ul. Krakowska 1, sala 2') !== ''`)
	b.navigating("save", save)
	require.Equal(t, eventURL, b.path())
	require.Equal(t, "Saved. The event awaits the coordinator's review.", b.text(".notice"))
	require.Equal(t, "Dom Wielokulturowy, ul. Krakowska 1, sala 2", eval[string](b, place))
	require.Equal(t, "Wieczór gier planszowych", b.text("main h1"))
	require.Equal(t, "2031-05-08 18:00–21:00", b.text("dd time"))

	// The coordinator approves it from the queue.
	c := newBrowser(t, s, 1280)
	c.signInAs("koordynator@demo.otwarty.pl")
	c.open("/events/review")
	require.Equal(t, 2, eval[int](c, `document.querySelectorAll('main section.card').length`), "the demo's and James's")
	c.checkAxe("review queue")
	c.navigating("reject without a reason", chromedp.Click(chromedp.CSS(`main section.card:last-of-type button[value="reject"]`)))
	require.Contains(t, c.text(".error-summary"), "Podaj powód.")
	c.navigating("approve", chromedp.Click(chromedp.CSS(`main section.card:last-of-type button[value="approve"]`)))
	require.Contains(t, c.text(".notice"), "Wydarzenie zatwierdzone")
	require.Equal(t, 1, eval[int](c, `document.querySelectorAll('main section.card').length`))
	c.open("/events?month=2031-05")
	require.Equal(t, 1, eval[int](c, `document.querySelectorAll('li.card.event').length`))

	// Marta, of no organisation, sees the event but no way to change it,
	// and the edit address refuses her.
	d := newBrowser(t, s, 360)
	d.signInAs("marta@demo.otwarty.pl")
	d.open(eventURL)
	require.Equal(t, "Wieczór gier planszowych", d.text("main h1"))
	require.Equal(t, 0, eval[int](d, `document.querySelectorAll('a[href$="/edit"], form[action$="/cancel"]').length`))
	d.open(eventURL + "/edit")
	require.Contains(t, d.text("main"), "Zmienić lub odwołać to wydarzenie mogą tylko członkowie organizacji")
	require.Equal(t, 0, eval[int](d, `document.querySelectorAll('main form').length`))

	// James cancels it with a reason: it stays listed, marked cancelled,
	// and can no longer be changed.
	b.open(eventURL)
	b.do("open the cancel form", chromedp.Click(chromedp.CSS(`details.staff-form > summary`)))
	b.do("reason", chromedp.SendKeys(chromedp.ID("f-reason"), "The room is flooded."))
	b.navigating("cancel", chromedp.Click(chromedp.CSS(`form[action="`+eventURL+`/cancel"] button[type="submit"]`)))
	require.Equal(t, eventURL, b.path())
	require.Equal(t, "The event is cancelled. Calendars that subscribe to it will show the change.", b.text(".notice"))
	require.Contains(t, b.text("main"), "Why it was cancelled: The room is flooded.")
	require.Equal(t, 0, eval[int](b, `document.querySelectorAll('a[href$="/edit"], form[action$="/cancel"]').length`))
	b.checkAxe("cancelled event")
	c.open("/events?month=2031-05")
	require.Equal(t, 1, eval[int](c, `document.querySelectorAll('li.card.event.status-cancelled').length`))
}
