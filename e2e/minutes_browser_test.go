package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_MeetingMinutesFromDraftToPublication: the demo council's
// next meeting, moved to have ended an hour ago, gets its minutes in the
// page. The secretary drafts them in Polish from the meeting's record,
// edits them, is refused an edit made on a version someone else has
// replaced meanwhile (the text typed kept, the conflict said above the
// form) and saves it deliberately on the current version, then opens the
// draft for comments. A visitor sees nothing of the draft at any point. A
// member comments (told first that an empty comment is refused, at its
// field), edits her comment and deletes a second one; the secretary sees
// it without the right to change it. The chair approves the version she
// read; the public reads the published text, its Markdown and HTML files;
// the secretary adds an English translation, which English readers get
// with the Polish original beside it. axe-core finds nothing on any state,
// and nothing on the minutes' page in any of the four languages.
func TestBrowser_MeetingMinutesFromDraftToPublication(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())

	// The demo's next meeting, in two weeks, is moved to have ended: a
	// meeting without minutes.
	var meeting string
	require.NoError(t, conn.QueryRow(ctx, `update gatherings set starts_at = now() - interval '3 hours',
		ends_at = now() - interval '1 hour' where id = (select id from gatherings where kind = 'body_meeting'
		and cancelled_at is null order by starts_at desc limit 1) returning id::text`).Scan(&meeting))
	meetingPath := "/bodies/meetings/" + meeting
	minutesPath := meetingPath + "/minutes"
	type stored struct {
		Status, Locale, Body, Source string
		Version                      int
	}
	minutes := func() stored {
		t.Helper()
		var m stored
		require.NoError(t, conn.QueryRow(ctx, `select n.status, n.locale, n.version, v.body, v.source from dialogue_minutes n
			join dialogue_minutes_versions v on v.meeting_id = n.meeting_id and v.version = n.version
			where n.meeting_id = $1`, meeting).Scan(&m.Status, &m.Locale, &m.Version, &m.Body, &m.Source))
		return m
	}
	// set fills fields by id (SetValue: the texts keep every letter) and
	// submits with the form's button.
	set := func(b *browser, form string, values map[string]string) {
		t.Helper()
		for id, v := range values {
			b.do("set "+id, chromedp.SetValue(chromedp.ID(id), v))
		}
		b.navigating("submit "+form, chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)))
	}
	// nothingOfTheDraft: a visitor's meeting page says the minutes are not
	// approved and links to no draft; the minutes' page is not found.
	visitor := newBrowser(t, s, 360)
	nothingOfTheDraft := func(state string) {
		t.Helper()
		visitor.open(meetingPath + "?lang=pl")
		require.Equal(t, "Protokół nie został jeszcze przyjęty.", visitor.text(`#minutes + p`), state)
		require.Equal(t, 0, eval[int](visitor, `document.querySelectorAll('a[href*="/minutes"], #minutes-draft').length`), state)
		visitor.open(minutesPath)
		require.Equal(t, "Nie znaleziono.", visitor.text("main .lead"), state)
		require.Equal(t, 0, eval[int](visitor, `document.querySelectorAll('#minutes-current, pre').length`), state)
		require.NotContains(t, visitor.text("main"), "Protokół z posiedzenia", state)
	}
	nothingOfTheDraft("before a draft")

	// The secretary drafts the minutes from the meeting's page.
	sec := newBrowser(t, s, 360)
	sec.signInAs("urzednik@demo.otwarty.pl")
	sec.open(meetingPath + "?lang=pl")
	require.Equal(t, "pl", eval[string](sec, `document.getElementById('f-draft-locale').value`), "Polish, the binding language, by default")
	sec.checkAxe("meeting with the draft form")
	sec.navigating("draft", chromedp.Click(chromedp.CSS(`#minutes-draft form button[type="submit"]`)))
	require.Equal(t, minutesPath, sec.path())
	m := minutes()
	require.Equal(t, stored{Status: "draft", Locale: "pl", Version: 1, Source: "generated", Body: m.Body}, m)
	require.True(t, strings.HasPrefix(m.Body, "# Protokół z posiedzenia ciała dialogu „"), m.Body)
	require.Equal(t, "projekt", sec.text("#minutes-status"))
	require.Equal(t, "1 (wygenerowana z zapisu posiedzenia)", sec.text("#minutes-version"))
	require.Equal(t, m.Body, eval[string](sec, `document.getElementById('minutes-current').textContent`), "the text as written")
	require.Equal(t, "pl", eval[string](sec, `document.getElementById('minutes-current').lang`))
	require.Equal(t, m.Body, eval[string](sec, `document.getElementById('f-edit-text').value`))
	require.Equal(t, "1", eval[string](sec, `document.querySelector('#minutes-edit input[name="baseVersion"]').value`))
	require.Equal(t, 1, eval[int](sec, `document.querySelectorAll('ol.versions li').length`))
	require.Contains(t, sec.text("ol.versions li"), "Jan Urzędnik")
	require.Equal(t, 0, eval[int](sec, `document.querySelectorAll('#minutes-approve, #minutes-comment').length`), "no approval, no comments in a draft")
	sec.checkAxe("a fresh draft")
	nothingOfTheDraft("a draft")

	// An edit, then one made on a version replaced meanwhile.
	edited := m.Body + "\n\n## Ustalenia\n\nRada przyjmie harmonogram na kolejnym posiedzeniu."
	set(sec, `#minutes-edit form`, map[string]string{"f-edit-text": edited})
	m = minutes()
	require.Equal(t, stored{Status: "draft", Locale: "pl", Version: 2, Source: "edited", Body: edited}, m)
	require.Equal(t, "2 (zmieniona ręcznie)", sec.text("#minutes-version"))
	require.Equal(t, "2", eval[string](sec, `document.querySelector('#minutes-edit input[name="baseVersion"]').value`))

	secToken, _ := signIn(t, s, "urzednik@demo.otwarty.pl", demoPassword)
	meetingID := gid.Encode("BodyMeeting", uuid.MustParse(meeting))
	other := edited + "\n\nObecnych gości: 3."
	var res map[string]any
	gql(t, s.httpURL(), secToken, fmt.Sprintf(`mutation { editBodyMinutes(input: {meetingId: %q, text: %q, baseVersion: 2}) { minutes { version } } }`,
		meetingID, other), &res)
	mine := edited + "\n\nGłosowanie nad opinią odbędzie się w trybie obiegowym."
	set(sec, `#minutes-edit form`, map[string]string{"f-edit-text": mine})
	require.Equal(t, "W międzyczasie powstała nowsza wersja protokołu (3). Odśwież i spróbuj ponownie.", sec.text(".error-summary li"))
	require.Equal(t, mine, eval[string](sec, `document.getElementById('f-edit-text').value`), "the typed text is kept")
	require.Equal(t, other, eval[string](sec, `document.getElementById('minutes-current').textContent`), "the current version shown above")
	require.Contains(t, sec.text("#minutes-stale"), "3")
	require.Equal(t, "3", eval[string](sec, `document.querySelector('#minutes-edit input[name="baseVersion"]').value`))
	require.Equal(t, stored{Status: "draft", Locale: "pl", Version: 3, Source: "edited", Body: other}, minutes(), "nothing saved")
	sec.checkAxe("a stale edit")
	sec.navigating("save on the current version", chromedp.Click(chromedp.CSS(`#minutes-edit form button[type="submit"]`)))
	require.Equal(t, stored{Status: "draft", Locale: "pl", Version: 4, Source: "edited", Body: mine}, minutes())
	require.Equal(t, 4, eval[int](sec, `document.querySelectorAll('ol.versions li').length`))

	// Open for comments.
	sec.navigating("open for comments", chromedp.Click(chromedp.CSS(`#minutes-open button`)))
	require.Equal(t, "open", minutes().Status)
	require.Equal(t, "projekt udostępniony do uwag", sec.text("#minutes-status"))
	require.Equal(t, 0, eval[int](sec, `document.querySelectorAll('#minutes-open, #minutes-approve').length`), "opened once; the secretary does not approve")
	sec.checkAxe("open for comments")
	for _, lang := range []string{"uk", "en", "ru", "pl"} {
		sec.open(minutesPath + "?lang=" + lang)
		require.Equal(t, lang, eval[string](sec, `document.documentElement.lang`))
		require.Equal(t, "pl", eval[string](sec, `document.getElementById('f-edit-text').lang`), "the draft's language")
		sec.checkAxe(lang + " minutes open for comments, the secretary")
	}
	nothingOfTheDraft("a draft open for comments")

	// A member comments, in Russian, her language.
	member := newBrowser(t, s, 360)
	member.signInAs("irina@demo.otwarty.pl")
	member.open(meetingPath)
	require.Equal(t, "ru", eval[string](member, `document.documentElement.lang`))
	member.navigating("to the draft", chromedp.Click(chromedp.CSS(`#minutes ~ p a[href$="/minutes"]`)))
	require.Equal(t, minutesPath, member.path())
	require.Equal(t, mine, eval[string](member, `document.getElementById('minutes-current').textContent`))
	require.Equal(t, 0, eval[int](member, `document.querySelectorAll('#minutes-edit, #minutes-open, #minutes-approve, #minutes-draft').length`), "a member only comments")
	set(member, `#minutes-comment`, map[string]string{"f-comment-text": "  "})
	require.Equal(t, "Ошибка: Введите текст замечания.", eval[string](member, `document.getElementById("f-comment-text-error").textContent`))
	require.Equal(t, "true", eval[string](member, `document.getElementById('f-comment-text').getAttribute('aria-invalid')`))
	require.Equal(t, "f-comment-text-hint f-comment-text-error", eval[string](member, `document.getElementById('f-comment-text').getAttribute('aria-describedby')`))
	member.checkAxe("an empty comment")
	set(member, `#minutes-comment`, map[string]string{"f-comment-text": "Прошу указать число присутствующих гостей."})
	set(member, `#minutes-comment`, map[string]string{"f-comment-text": "Второе замечание, лишнее."})
	type comment struct {
		ID, Body string
		Edited   bool
		Version  int
	}
	comments := func() []comment {
		t.Helper()
		rows, err := conn.Query(ctx, `select id::text, body, edited_at is not null, version from dialogue_minutes_comments
			where meeting_id = $1 order by created_at, id`, meeting)
		require.NoError(t, err)
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (comment, error) {
			var c comment
			return c, r.Scan(&c.ID, &c.Body, &c.Edited, &c.Version)
		})
		require.NoError(t, err)
		return list
	}
	cs := comments()
	require.Len(t, cs, 2)
	require.Equal(t, comment{ID: cs[0].ID, Body: "Прошу указать число присутствующих гостей.", Version: 4}, cs[0])
	member.checkAxe("two comments")
	first, second := "#c-"+cs[0].ID, "#c-"+cs[1].ID
	member.do("open the edit", chromedp.Evaluate[chromedp.Void](`document.querySelector('`+first+` details').open = true`))
	set(member, first+` form.comment-edit`, map[string]string{"f-c-" + cs[0].ID + "-text": "Прошу указать число присутствующих гостей и экспертов."})
	member.navigating("delete the second", chromedp.Click(chromedp.CSS(second+` form[action$="/delete"] button`)))
	cs = comments()
	require.Equal(t, []comment{{ID: cs[0].ID, Body: "Прошу указать число присутствующих гостей и экспертов.", Edited: true, Version: 4}}, cs)
	require.Equal(t, "Прошу указать число присутствующих гостей и экспертов.", member.text(first+" .comment-text"))
	require.Equal(t, 0, eval[int](member, `document.querySelectorAll('`+second+`').length`))

	// The secretary reads it, without the right to change it.
	sec.open(minutesPath)
	require.Equal(t, "Прошу указать число присутствующих гостей и экспертов.", sec.text(first+" .comment-text"))
	require.Contains(t, sec.text(first+" .meta"), "Ирина Петрова")
	require.Equal(t, 0, eval[int](sec, `document.querySelectorAll('`+first+` form').length`))

	// The chair approves the version she read.
	chair := newBrowser(t, s, 1280)
	chair.signInAs("marta@demo.otwarty.pl")
	chair.open(minutesPath + "?lang=pl")
	require.Equal(t, "Zatwierdź wersję 4", chair.text("#minutes-approve button"))
	chair.checkAxe("the chair before approval")
	chair.navigating("approve", chromedp.Click(chromedp.CSS(`#minutes-approve button`)))
	require.Equal(t, "approved", minutes().Status)
	var approver, published string
	require.NoError(t, conn.QueryRow(ctx, `select a.email, v.body from dialogue_minutes n join accounts a on a.id = n.approved_by
		join text_versions v on v.text_id = n.text_id and v.is_original where n.meeting_id = $1`, meeting).Scan(&approver, &published))
	require.Equal(t, "marta@demo.otwarty.pl", approver)
	require.Equal(t, mine, published)
	require.Equal(t, "zatwierdzony i opublikowany", chair.text("#minutes-status"))
	require.Equal(t, 0, eval[int](chair, `document.querySelectorAll('#minutes-approve, #minutes-comment, form[action*="/comments/"]').length`), "frozen")
	chair.checkAxe("approved, the chair")

	// The public reads the published text and its files.
	visitor.open(meetingPath + "?lang=pl")
	require.Equal(t, mine, eval[string](visitor, `document.querySelector("#minutes + .prose").textContent`))
	require.Equal(t, 200, evalAwait[int](visitor, `fetch(document.querySelector('a[href^="/minutes/"]').href).then(r => r.status)`), "the meeting's file")
	visitor.navigating("to the minutes", chromedp.Click(chromedp.CSS(`a[href$="/minutes"]`)))
	require.Equal(t, minutesPath, visitor.path())
	require.Equal(t, mine, eval[string](visitor, `document.getElementById('minutes-published').textContent`))
	require.Contains(t, visitor.text("dl.facts"), "Marta Nowak")
	require.Equal(t, 0, eval[int](visitor, `document.querySelectorAll('#versions, #comments, form[method="post"]:not([action="/sign-out"])').length`), "no work, no forms")
	type file struct {
		Status      int    `json:"status"`
		ContentType string `json:"type"`
		Text        string `json:"text"`
	}
	fetch := func(sel string) file {
		t.Helper()
		return evalAwait[file](visitor, `fetch(document.querySelector('`+sel+`').href).then(async r => ({status: r.status, type: r.headers.get('Content-Type'), text: await r.text()}))`)
	}
	md := fetch(`.exports a[href*="format=markdown"]`)
	require.Equal(t, 200, md.Status)
	require.Equal(t, "text/markdown; charset=utf-8", md.ContentType)
	require.True(t, strings.HasPrefix(md.Text, mine+"\n\n---\n\n"), md.Text)
	page := fetch(`.exports a[href*="format=html"]`)
	require.Equal(t, 200, page.Status)
	require.Equal(t, "text/html; charset=utf-8", page.ContentType)
	require.Contains(t, page.Text, `<html lang="pl">`)
	require.Contains(t, page.Text, "<h2>Ustalenia</h2>")
	visitor.checkAxe("approved, the public")

	// A translation, by the secretary.
	sec.open(minutesPath + "?lang=pl")
	require.Equal(t, "uk", eval[string](sec, `document.getElementById('f-translate-locale').value`), "a language other than the original's")
	english := "# Minutes of the council's meeting\n\n## Agreed\n\nThe council will adopt the schedule at its next meeting."
	set(sec, `#minutes-translate form`, map[string]string{"f-translate-locale": "en", "f-translate-text": " "})
	require.Equal(t, "Błąd: Wpisz treść protokołu.", eval[string](sec, `document.getElementById("f-translate-text-error").textContent`))
	sec.checkAxe("a translation without text")
	set(sec, `#minutes-translate form`, map[string]string{"f-translate-locale": "en", "f-translate-text": english})
	var translated, by string
	require.NoError(t, conn.QueryRow(ctx, `select v.body, a.email from dialogue_minutes n join text_versions v on v.text_id = n.text_id
		and v.locale = 'en' join accounts a on a.id = v.author_id where n.meeting_id = $1`, meeting).Scan(&translated, &by))
	require.Equal(t, english, translated)
	require.Equal(t, "urzednik@demo.otwarty.pl", by)

	for _, lang := range []string{"en", "uk", "ru", "pl"} {
		visitor.open(minutesPath + "?lang=" + lang)
		require.Equal(t, lang, eval[string](visitor, `document.documentElement.lang`))
		switch lang {
		case "en":
			require.Equal(t, english, eval[string](visitor, `document.querySelector('#minutes-published span').textContent`))
			require.Equal(t, "", eval[string](visitor, `document.querySelector('#minutes-published span').lang`), "in the page's language")
			require.Equal(t, mine, eval[string](visitor, `document.querySelector('.minutes-original details p[lang="pl"]').textContent`))
		case "pl":
			require.Equal(t, 0, eval[int](visitor, `document.querySelectorAll('.minutes-original details').length`))
		default:
			require.Equal(t, "pl", eval[string](visitor, `document.querySelector('#minutes-published span').lang`), "the original, marked")
		}
		visitor.checkAxe(lang + " approved minutes, the public")
	}
}
