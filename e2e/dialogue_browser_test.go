package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_DialogueBodyPublicRecord: a visitor finds the public body,
// its past meeting with the adopted agenda, the motion's result and the
// approved minutes, in the visitor's language where translated.
func TestBrowser_DialogueBodyPublicRecord(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	b := newBrowser(t, s, 360)
	b.open("/bodies?lang=en")
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('.cards .card').length`))
	b.navigating("the body", chromedp.Click(chromedp.CSS(`.cards .card a`)))
	require.Greater(t, eval[int](b, `document.querySelectorAll('.cards .card').length`), 0, "its meetings")
	require.Greater(t, eval[int](b, `document.querySelectorAll('dl.result').length`), 0, "a motion's result")
	b.checkAxe("body")
	b.navigating("the past meeting", chromedp.Evaluate[chromedp.Void](
		`[...document.querySelectorAll('.cards .card')].find(c => !c.textContent.includes('cancelled')).querySelector('a').click()`))
	require.Greater(t, eval[int](b, `document.querySelectorAll('main ol li').length`), 0, "the agenda")
	require.Equal(t, "adopted", eval[string](b, `document.querySelector('article.submission p.meta').textContent.trim()`))
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('a[href^="/minutes/"]').length`), "approved minutes")
	require.Equal(t, "", eval[string](b, `document.querySelector('h2 + .prose span').lang`), "the minutes in English, translated")
	b.checkAxe("meeting")
}
