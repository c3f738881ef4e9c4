package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
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

// TestBrowser_RunningABodyMeeting: the chair runs the council's meeting in
// the page. Members check in with the code the chair reads out and the
// quorum on the chair's page moves without a reload; a member asks to
// speak and the chair gives the floor; the chair puts a motion to the
// vote, the member votes, the count moves live, the chair closes it.
func TestBrowser_RunningABodyMeeting(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	conn, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	// The demo's next meeting, in two weeks, is brought to now.
	var meeting string
	require.NoError(t, conn.QueryRow(context.Background(), `update gatherings set starts_at = now() - interval '10 minutes',
		ends_at = now() + interval '2 hours' where id = (select id from gatherings where kind = 'body_meeting'
		and cancelled_at is null order by starts_at desc limit 1) returning id`).Scan(&meeting))
	path := "/bodies/meetings/" + meeting

	// A motion for the vote, tabled by the chair through the API.
	chairToken, _ := signIn(t, s, "marta@demo.otwarty.pl", demoPassword)
	var bodies struct {
		Bodies struct {
			Edges []struct {
				Node struct {
					ID string `json:"id"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"bodies"`
	}
	gql(t, s.httpURL(), chairToken, `{ bodies(first: 1) { edges { node { id } } } }`, &bodies)
	var tabled map[string]any
	gql(t, s.httpURL(), chairToken, `mutation { tableMotion(input: {bodyId: "`+bodies.Bodies.Edges[0].Node.ID+`", kind: RESOLUTION,
		title: {locale: PL, text: "Dyżury tłumaczy w urzędzie"}, text: {locale: PL, text: "Rada wnosi o dyżury tłumaczy dwa razy w tygodniu."}}) { motion { id } } }`, &tabled)

	chair := newBrowser(t, s, 1280)
	chair.signInAs("marta@demo.otwarty.pl")
	chair.open(path)
	chair.navigating("a check-in code", chromedp.Click(chromedp.CSS(`form[action$="/code"] button`)))
	code := chair.text("#checkin-code")
	require.NotEmpty(t, code)
	chair.checkAxe("meeting, the chair's view")
	chair.submit(`form.checkin`, map[string]string{"f-run-code": code})
	before := chair.text(".quorum")
	chair.do("mark", chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))

	member := newBrowser(t, s, 360)
	member.signInAs("irina@demo.otwarty.pl")
	member.open(path)
	member.submit(`form.checkin`, map[string]string{"f-run-code": "000000"})
	require.Equal(t, 1, eval[int](member, `document.querySelectorAll('.error-summary').length`), "a wrong code")
	member.submit(`form.checkin`, map[string]string{"f-run-code": code})
	chair.waitFor("the quorum moves", `document.querySelector('.quorum').textContent.trim() !== `+jsString(before))

	// The floor.
	item := eval[string](member, `document.querySelector('ol.agenda > li').id`)
	member.navigating("ask to speak", chromedp.Click(chromedp.CSS(`#`+item+` form[action*="/speak/"] button`)))
	chair.waitFor("the speaker appears", `document.querySelector('#`+item+` .speakers') !== null`)
	chair.navigating("give the floor", chromedp.Click(chromedp.CSS(`#`+item+` form[action*="/floor/"] button`)))
	require.Contains(t, chair.text(`#`+item+` .speakers`), "Ирина")

	// The vote.
	chair.navigating("put to the vote", chromedp.Click(chromedp.CSS(`form[action*="/open/"] button`)))
	chair.do("mark", chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))
	member.open(path)
	member.checkAxe("meeting with an open vote")
	member.navigating("vote for", chromedp.Click(chromedp.CSS(`form.vote button[value="yes"]`)))
	chair.waitFor("the count moves", `[...document.querySelectorAll('.live-count')].some(p => p.textContent.includes('1'))`)
	require.True(t, eval[bool](chair, `window.sameDocument === true`), "no reload")
	chair.navigating("close", chromedp.Click(chromedp.CSS(`form[action*="/close/"] button`)))
	require.Greater(t, eval[int](chair, `document.querySelectorAll('#votes-region dl.result').length`), 0, "the result")
}
