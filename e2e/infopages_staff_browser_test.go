package e2e

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_InfoPagesEditors: the coordinator creates a draft page on the
// web, Olena (a translator of procedures) translates it into Ukrainian,
// the coordinator publishes it; two editors edit the original at once and
// the second is shown the first's version instead of overwriting it; the
// translation is then outdated; a resident is offered none of this and is
// refused at the editors' addresses. axe-core on each form.
func TestBrowser_InfoPagesEditors(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	const path = "/info/praca-dla-cudzoziemcow"
	// send sets the form's fields by id (the editors' texts are long and
	// multi-line: set, not typed) and submits it.
	send := func(b *browser, form string, values map[string]string) {
		t.Helper()
		js, err := json.Marshal(values)
		require.NoError(t, err)
		require.True(t, eval[bool](b, `(() => { for (const [id, v] of Object.entries(`+string(js)+`)) document.getElementById(id).value = v; return true })()`))
		b.navigating("submit "+form, chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)))
	}

	c := newBrowser(t, s, 1280)
	c.signInAs("koordynator@demo.otwarty.pl")
	c.open("/info")
	c.navigating("new page", chromedp.Click(chromedp.CSS(`a[href="/info/new"]`)))
	c.navigating("send empty", chromedp.Click(chromedp.CSS(`form[action="/info/new"] button[type="submit"]`)))
	require.Equal(t, "Popraw formularz\nAdres strony: małe litery, cyfry i pojedyncze łączniki, najwyżej 80 znaków.", c.text(".error-summary"))
	c.checkAxe("new info page with errors")
	require.True(t, eval[bool](c, `(document.getElementById('f-kind').value = 'procedure') === 'procedure'`))
	send(c, `form[action="/info/new"]`, map[string]string{"f-slug": "praca-dla-cudzoziemcow", "f-title": "Praca dla cudzoziemców",
		"f-body": "Kto może pracować w Polsce.\n\n- zezwolenie na pracę\n- oświadczenie o powierzeniu pracy"})
	require.Equal(t, path, c.path())
	require.Equal(t, 2, eval[int](c, `document.querySelectorAll('.notice').length`), "created; a draft")
	require.Equal(t, "Praca dla cudzoziemców", c.text("article h1"))
	require.Equal(t, 2, eval[int](c, `document.querySelectorAll('article li').length`), "the Markdown list")
	require.Equal(t, []string{"/info/praca-dla-cudzoziemcow/edit", "/info/praca-dla-cudzoziemcow/translate", "/info/praca-dla-cudzoziemcow/publish"},
		eval[[]string](c, `[...document.querySelectorAll('.staff-links a, .staff-links form')].map(e => new URL(e.href || e.action).pathname)`))
	c.checkAxe("draft info page, editor")

	// Olena translates the draft: she may translate procedures, not edit
	// or publish them.
	o := newBrowser(t, s, 360)
	o.signInAs("olena@demo.otwarty.pl")
	o.open(path)
	require.Equal(t, []string{"/info/praca-dla-cudzoziemcow/translate"},
		eval[[]string](o, `[...document.querySelectorAll('.staff-links a, .staff-links form')].map(e => new URL(e.href || e.action).pathname)`))
	o.navigating("translate", chromedp.Click(chromedp.CSS(`.staff-links a`)))
	o.checkAxe("translation form")
	send(o, `form[action$="/translate"]`, map[string]string{"f-language": "uk", "f-title": "Робота для іноземців",
		"f-body": "Хто може працювати в Польщі.", "f-credit": "Фундація X, пер. Олена"})
	require.Equal(t, path+"/uk", o.path())
	require.Equal(t, "Робота для іноземців", o.text("article h1"))
	require.Equal(t, "uk", eval[string](o, `document.querySelector('article').lang`))
	o.open(path + "/edit")
	require.Equal(t, 0, eval[int](o, `document.querySelectorAll('main form').length`), "a translator does not edit the original")

	// The coordinator publishes it; anyone reads it.
	c.open(path)
	c.navigating("publish", chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)))
	require.Equal(t, path, c.path())
	require.Equal(t, 1, eval[int](c, `document.querySelectorAll('.notice').length`), "published; no draft notice")
	require.Equal(t, 1, eval[int](c, `document.querySelectorAll('form[action$="/archive"]').length`))

	// Two editors at once: the second save is shown the first's version.
	c.open(path + "/edit")
	require.Equal(t, "1", eval[string](c, `document.querySelector('input[name=baseVersion]').value`))
	c2 := newBrowser(t, s, 1280)
	c2.signInAs("koordynator@demo.otwarty.pl")
	c2.open(path + "/edit")
	send(c2, `form[action$="/edit"]`, map[string]string{"f-title": "Praca dla cudzoziemców w Krakowie"})
	require.Equal(t, path, c2.path())
	send(c, `form[action$="/edit"]`, map[string]string{"f-body": "Kto może pracować w Polsce i na jakich warunkach."})
	require.Equal(t, path+"/edit", c.path())
	require.Contains(t, c.text(".error-summary"), "(teraz wersja 2)")
	require.Equal(t, "Praca dla cudzoziemców w Krakowie", c.text("#h-current ~ p strong"))
	require.Equal(t, "Kto może pracować w Polsce i na jakich warunkach.", eval[string](c, `document.getElementById('f-body').value`), "the text is kept")
	require.Equal(t, "2", eval[string](c, `document.querySelector('input[name=baseVersion]').value`))
	c.checkAxe("edit conflict")
	c.navigating("save again", chromedp.Click(chromedp.CSS(`form[action$="/edit"] button[type="submit"]`)))
	require.Equal(t, path, c.path())
	require.Equal(t, "Praca dla cudzoziemców", c.text("article h1"), "this editor's title, over the other's")
	c.open("/info?kind=procedure&language=uk")
	require.Equal(t, 1, eval[int](c, `[...document.querySelectorAll('.cards .card')].filter(c => c.querySelector('a[href="`+path+`/uk"]') || c.querySelector('a[href="`+path+`"]')).map(c => c.querySelectorAll('.badge').length)[0]`),
		"the Ukrainian translates version 1: outdated")

	// The history keeps every version: the original's three, newest first,
	// and the Ukrainian's one, of version 1, outdated.
	c.open(path)
	c.navigating("history", chromedp.Click(chromedp.CSS(`a[href="`+path+`/history"]`)))
	require.Equal(t, []string{"v3", "v2", "v1"}, eval[[]string](c, `[...document.querySelectorAll('ol.versions > li')].map(l => l.id)`))
	require.Equal(t, "Praca dla cudzoziemców w Krakowie", eval[string](c, `document.querySelector('#v2 strong').textContent`))
	c.checkAxe("history of the original")
	c.navigating("the Ukrainian's history", chromedp.Click(chromedp.CSS(`ul.langs-inline a[lang="uk"]`)))
	require.Equal(t, []string{"v1"}, eval[[]string](c, `[...document.querySelectorAll('ol.versions > li')].map(l => l.id)`))
	require.Equal(t, 1, eval[int](c, `document.querySelectorAll('#v1 .badge').length`), "outdated")
	require.Contains(t, c.text("#v1 .meta"), "Фундація X, пер. Олена")

	// A resident: no editor links; the editors' addresses refuse her.
	m := newBrowser(t, s, 360)
	m.signInAs("marta@demo.otwarty.pl")
	m.open(path)
	require.Equal(t, 0, eval[int](m, `document.querySelectorAll('.staff-links').length`))
	m.open(path + "/history")
	require.Equal(t, 3, eval[int](m, `document.querySelectorAll('ol.versions > li').length`), "the history is public with the page")
	m.open(path + "/history?language=vi")
	require.Contains(t, m.text("main"), "Strona nie ma tłumaczenia na ten język.")
	for _, p := range []string{path + "/edit", path + "/translate", "/info/new"} {
		m.open(p)
		require.Contains(t, m.text("main"), "Mogą to zrobić tylko koordynatorzy programu i redaktorzy tej strony.", p)
	}
}
