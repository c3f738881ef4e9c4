package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_ConsultationEditAndThread: a resident corrects her own
// postulate within the edit window (told first that an empty text is
// refused, the form open at the error), the earlier version kept; on the
// postulate's thread page she is told an empty reply is refused there, then
// replies and lands back on the thread at her reply. Another resident has
// no edit form on it. axe-core finds nothing, in all four languages.
func TestBrowser_ConsultationEditAndThread(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	conn, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())

	b := newBrowser(t, s, 360)
	b.signInAs("marta@demo.otwarty.pl")
	b.open("/?lang=pl")
	path := b.openConsultation()
	b.write("f-postulate-text", "Tablice informacyjne w czterech jezykach przy urzedach dzielnic")
	id := strings.TrimPrefix(b.fragment(), "s-")
	require.NotEmpty(t, id)
	edit := "f-edit-" + id + "-text"
	require.Equal(t, "Tablice informacyjne w czterech jezykach przy urzedach dzielnic", eval[string](b, `document.getElementById('`+edit+`').value`), "the form holds the text")

	// An empty correction: the error at the field, nothing saved.
	b.do("open the edit", chromedp.Evaluate[chromedp.Void](`document.querySelector('#s-`+id+` details.edit').open = true`),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('`+edit+`').value = ''`))
	b.navigating("save empty", chromedp.Click(chromedp.CSS(`#s-`+id+` details.edit button[type="submit"]`)))
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('#`+edit+`-error').length`))
	require.True(t, eval[bool](b, `document.querySelector('#s-`+id+` details.edit').open`), "the failed form stays open")
	b.checkAxe("edit with an error")

	b.do("correct", chromedp.SendKeys(chromedp.ID(edit), "Tablice informacyjne w czterech jezykach przy wszystkich urzedach"))
	b.navigating("save the correction", chromedp.Click(chromedp.CSS(`#s-`+id+` details.edit button[type="submit"]`)))
	require.Equal(t, path, b.path())
	require.Equal(t, "Tablice informacyjne w czterech jezykach przy wszystkich urzedach", b.text(`#s-`+id+` .prose`))
	require.Contains(t, b.text(`#s-`+id+` .meta`), "edytowano")
	var versions int
	require.NoError(t, conn.QueryRow(b.ctx, `select count(*) from text_versions v join submissions s on s.text_id = v.text_id where s.id = $1`, id).Scan(&versions))
	require.Equal(t, 2, versions, "the earlier version is kept")

	// The thread page: an empty reply refused there, then a reply.
	thread := path + "/thread/" + id
	b.open(thread)
	b.checkAxe("thread")
	b.do("open the reply", chromedp.Evaluate[chromedp.Void](`document.querySelector('#s-`+id+` details.reply').open = true`))
	b.navigating("empty reply", chromedp.Click(chromedp.CSS(`#s-`+id+` form.submit button[type="submit"]`)))
	require.Equal(t, "Wpis i odpowiedzi", b.text("main h1"), "still the thread")
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('#f-reply-`+id+`-text-error').length`))
	b.checkAxe("thread with an error")
	b.write("f-reply-"+id+"-text", "Dodam jeszcze: takze przy przystankach")
	require.Equal(t, thread, b.path())
	reply := strings.TrimPrefix(b.fragment(), "s-")
	require.Equal(t, "Dodam jeszcze: takze przy przystankach", b.text(`#s-`+reply+` .prose`))

	// Another resident: no edit form on Marta's postulate.
	o := newBrowser(t, s, 360)
	o.signInAs("olena@demo.otwarty.pl")
	o.open(thread)
	require.Equal(t, 0, eval[int](o, `document.querySelectorAll('#s-`+id+` details.edit').length`))

	for _, lang := range []string{"uk", "en", "ru"} {
		b.open("/?lang=" + lang)
		b.open(thread)
		require.Equal(t, lang, eval[string](b, `document.documentElement.lang`))
		b.checkAxe(lang + " thread")
	}
}
