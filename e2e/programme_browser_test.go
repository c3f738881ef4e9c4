package e2e

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_ProgrammeIndicatorsAndReport: the menu leads to the demo
// programme's indicator table; a year's values and statuses are shown in
// words; the printable report opens and the CSV downloads; axe-core finds
// nothing on the table or the report, in all four languages.
func TestBrowser_ProgrammeIndicatorsAndReport(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	b := newBrowser(t, s, 360)

	b.open("/?lang=pl")
	// On a phone the menu is one "Menu" button under the header's two rows
	// (brand and account; languages): its links show once it is opened.
	require.False(t, eval[bool](b, `document.querySelector('details.menu').open`))
	require.False(t, eval[bool](b, `document.querySelector('.main-nav a[href="/programme"]').checkVisibility()`))
	require.Equal(t, "Menu", b.text(`details.menu > summary`))
	require.LessOrEqual(t, eval[float64](b, `document.querySelector('header.site').getBoundingClientRect().height`), 3*44+3*16.0,
		"the header keeps to three rows on a phone")
	b.do("open the menu", chromedp.Click(chromedp.CSS(`details.menu > summary`)))
	require.True(t, eval[bool](b, `document.querySelector('.main-nav a[href="/programme"]').checkVisibility()`))
	b.checkAxe("home pl, menu open")
	b.navigating("the menu", chromedp.Click(chromedp.CSS(`.main-nav a[href="/programme"]`)))
	require.Equal(t, "/programme/otwarty-krakow-2024-2028", b.path(), "the only programme, straight away")
	b.navigating("2024", chromedp.Click(chromedp.CSS(`a[href$="?year=2024"]`)))
	require.Equal(t, "Wskaźniki w roku 2024", b.text("main h2"))
	require.Equal(t, 10, eval[int](b, `document.querySelectorAll('table.indicators tbody tr').length`))
	require.Equal(t, []string{"1.1", "Beneficjenci Punktu Informacyjnego dla Obcokrajowców w roku", "5132 (2023)", "co najmniej 4000 w roku", "5610", "osiągnięty"},
		eval[[]string](b, `[...document.querySelectorAll('#i-1\\.1 td, #i-1\\.1 th')].map(c => c.textContent.trim())`))
	require.Equal(t, "jeszcze nieznany", b.text(`#i-6\.1 .status`), "4 of 10 by 2028")
	b.checkAxe("programme pl")

	b.navigating("the printable report", chromedp.Click(chromedp.CSS(`a[href$="/report/2024.html"]`)))
	require.Equal(t, "Otwarty Kraków 2024–2028: sprawozdanie z realizacji za 2024 r.", b.text("h1"))
	require.Equal(t, 10, eval[int](b, `document.querySelectorAll('tbody tr').length`))
	b.checkAxe("report pl")

	res, err := http.Get(s.httpURLBase() + "/programme/otwarty-krakow-2024-2028/report/2024.csv?lang=pl")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, `attachment; filename="otwarty-krakow-2024-2028-2024-pl.csv"`, res.Header.Get("Content-Disposition"))
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 11)
	require.Equal(t, []string{"1.1", "Beneficjenci Punktu Informacyjnego dla Obcokrajowców w roku", "5132 (2023)", "co najmniej 4000 w roku", "5610",
		"osiągnięty", "1"}, rows[1][:7])

	for _, lang := range []string{"uk", "en", "ru"} {
		b.open("/?lang=" + lang)
		b.open("/programme/otwarty-krakow-2024-2028?year=2025")
		require.Equal(t, lang, eval[string](b, `document.documentElement.lang`))
		b.checkAxe(lang + " programme")
		b.open("/programme/otwarty-krakow-2024-2028/report/2025.html")
		require.Equal(t, lang, eval[string](b, `document.documentElement.lang`))
		b.checkAxe(lang + " report")
	}
	// The unit's official corrects a value in the page; a resident has no form.
	r := newBrowser(t, s, 360)
	r.signInAs("marta@demo.otwarty.pl")
	r.open("/programme/otwarty-krakow-2024-2028?year=2025&lang=pl")
	require.Equal(t, 0, eval[int](r, `document.querySelectorAll('form.staff-form').length`))
	o := newBrowser(t, s, 360)
	o.signInAs("urzednik@demo.otwarty.pl")
	o.open("/programme/otwarty-krakow-2024-2028?year=2025&lang=pl")
	require.Equal(t, 4, eval[int](o, `document.querySelectorAll('form.staff-form').length`), "the four entered indicators of the unit")
	require.Equal(t, "nieosiągnięty", o.text(`#i-1\.3 .status`), "85 trained of 100, the year over")
	first := eval[string](o, `document.querySelector('form.staff-form input[name="value"]').id`)
	o.do("a wrong value", chromedp.SetValue(chromedp.ID(first), "dużo"))
	o.navigating("save", chromedp.Click(chromedp.CSS(`form.staff-form button[type="submit"]`)))
	require.Equal(t, 1, eval[int](o, `document.querySelectorAll('#`+first+`-error').length`), "the error at the field")
	require.Equal(t, "dużo", eval[string](o, `document.getElementById('`+first+`').value`))
	o.checkAxe("entry with an error")
	o.do("a value", chromedp.SetValue(chromedp.ID(first), "5301"))
	o.navigating("save again", chromedp.Click(chromedp.CSS(`form.staff-form button[type="submit"]`)))
	require.Equal(t, "5301", o.text(`#i-1\.1 .value`))
	require.Equal(t, "osiągnięty", o.text(`#i-1\.1 .status`))

	b.open("/programme/otwarty-krakow-2024-2028/report/2031.html")
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('main h1').length`), "a not-found page")
}
