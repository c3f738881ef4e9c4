package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_AmbassadorNominationAndConsent: the title's page lists the
// editions and the past laureates; a resident nominates someone in the
// open edition (told first what is missing), and the nominee consents by
// the e-mailed link, which a first button press records and a second one
// refuses.
func TestBrowser_AmbassadorNominationAndConsent(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	b := newBrowser(t, s, 360)

	b.open("/ambassador")
	require.Equal(t, 2, eval[int](b, `document.querySelectorAll('.cards .card').length`), "last year's and this year's edition")
	require.Greater(t, eval[int](b, `document.querySelectorAll('table.laureates tbody tr').length`), 0)
	b.checkAxe("ambassador")

	b.signInAs("marta@demo.otwarty.pl")
	b.open("/")
	b.navigating("the call", chromedp.Click(chromedp.CSS(`a[href*="/ambassador/"][href$="#nominate"]`)))
	edition := b.path()
	b.checkAxe("edition with the nomination form")
	b.navigating("send empty", chromedp.Click(chromedp.CSS(`form[action^="/ambassador/"] button[type="submit"]`)))
	require.Contains(t, b.text(".error-summary"), "Wybierz kategorię.")
	b.checkAxe("nomination with errors")

	nominee := randomEmail("nominee")
	b.do("fill", chromedp.Click(chromedp.ID("category-individual")),
		chromedp.SendKeys(chromedp.ID("f-name"), "Oksana Melnyk"), chromedp.SendKeys(chromedp.ID("f-email"), nominee))
	firstWhy := eval[string](b, `document.querySelector('textarea[name^="why-"]').id`)
	b.do("why", chromedp.SendKeys(chromedp.ID(firstWhy), "Od lat prowadzi bezpłatne lekcje polskiego dla sąsiadów."))
	b.navigating("send", chromedp.Click(chromedp.CSS(`form[action^="/ambassador/"] button[type="submit"]`)))
	require.Equal(t, edition, b.path())
	require.Contains(t, b.text(".notice"), "Zgłoszenie przyjęte")

	conn, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var consented bool
	q := `select consent_at is not null from ambassador_nominations where nominee_email = $1`
	require.NoError(t, conn.QueryRow(b.ctx, q, nominee).Scan(&consented))
	require.False(t, consented)

	// The nominee, in a browser of their own.
	n := newBrowser(t, s, 360)
	n.open(mailLink(t, dbURL, nominee, "/ambassador/consent"))
	n.checkAxe("consent page")
	n.navigating("consent", chromedp.Click(chromedp.CSS(`button[value="give"]`)))
	require.Equal(t, "Dziękujemy za zgodę", n.text("main h1"))
	require.NoError(t, conn.QueryRow(b.ctx, q, nominee).Scan(&consented))
	require.True(t, consented)
	n.do("back", chromedp.NavigateBack())
	n.navigating("consent again", chromedp.Click(chromedp.CSS(`button[value="give"]`)))
	require.Equal(t, 1, eval[int](n, `document.querySelectorAll('.error-summary').length`), "the link works once")
}
