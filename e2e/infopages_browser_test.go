package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_InfoPagesInManyLanguages: the demo's information pages — the
// list with each page's languages marked by lang, the coverage table, the
// residence card in Arabic (right to left) and in Ukrainian (outdated, with
// the link to the original) — and axe-core on each, in the four interface
// languages.
func TestBrowser_InfoPagesInManyLanguages(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	b := newBrowser(t, s, 360)

	b.open("/info")
	require.Equal(t, []string{"karta-pobytu", "pesel", "szkola", "witamy-w-krakowie", "zameldowanie"},
		eval[[]string](b, `[...document.querySelectorAll('.cards .card .title a')].map(a => new URL(a.href).pathname.split('/')[2])`))
	require.Equal(t, []string{"pl", "ar", "ka", "ru", "uk"},
		eval[[]string](b, `[...document.querySelector('.cards .card').querySelectorAll('ul.langs-inline a')].map(a => a.lang)`))
	require.Equal(t, 1, eval[int](b, `[...document.querySelectorAll('.cards .card')][0].querySelectorAll('.badge').length`), "the Ukrainian is outdated")

	b.open("/info?kind=procedure&language=be")
	require.Equal(t, []string{"zameldowanie"}, eval[[]string](b, `[...document.querySelectorAll('.cards .card .title a')].map(a => new URL(a.href).pathname.split('/')[2])`))

	b.open("/info/karta-pobytu/ar")
	require.Equal(t, []string{"ar", "rtl"}, eval[[]string](b, `[document.querySelector('article.infopage').lang, document.querySelector('article.infopage').dir]`))
	require.Equal(t, 0, eval[int](b, `document.querySelectorAll('.notice.warning').length`), "the Arabic was renewed")

	b.open("/info/karta-pobytu/uk")
	require.Equal(t, []string{"uk", "ltr"}, eval[[]string](b, `[document.querySelector('article.infopage').lang, document.querySelector('article.infopage').dir]`))
	require.Equal(t, "/info/karta-pobytu", eval[string](b, `new URL(document.querySelector('.notice.warning a').href).pathname`))
	require.Contains(t, b.text(`dl.facts`), "Fundacja Otwarty Dom, tłum. Olena K.")
	b.navigating("the original", chromedp.Click(chromedp.CSS(`.notice.warning a`)))
	require.Equal(t, []string{"pl", "ltr"}, eval[[]string](b, `[document.querySelector('article.infopage').lang, document.querySelector('article.infopage').dir]`))
	require.Equal(t, 0, eval[int](b, `document.querySelectorAll('.notice.warning').length`))

	b.open("/info/coverage")
	require.Equal(t, 4, eval[int](b, `document.querySelectorAll('table.coverage')[0].querySelectorAll('tbody tr').length`), "the four procedures")

	for _, lang := range []string{"pl", "uk", "en", "ru"} {
		b.open("/info?lang=" + lang)
		for _, p := range []string{"/info", "/info/coverage", "/info/karta-pobytu/ar", "/info/karta-pobytu/uk", "/info/zameldowanie/be"} {
			b.open(p)
			b.checkAxe(lang + " " + p)
		}
	}
}
