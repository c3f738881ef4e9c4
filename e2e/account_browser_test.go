package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_AccountData: a resident reads and clears their
// notifications, downloads their data, and deletes the account, which asks
// for the password first and ends the session.
func TestBrowser_AccountData(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	conn, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	b := newBrowser(t, s, 360)

	b.signInAs("olena@demo.otwarty.pl") // notified of supports and a reply in the demo
	var id string
	require.NoError(t, conn.QueryRow(b.ctx, `select id from accounts where email = 'olena@demo.otwarty.pl'`).Scan(&id))
	var unread int
	require.NoError(t, conn.QueryRow(b.ctx, `select count(*) from notifications where account_id = $1 and read_at is null`, id).Scan(&unread))
	require.Greater(t, unread, 0)
	b.open("/notifications")
	require.Equal(t, "uk", eval[string](b, `document.documentElement.lang`), "her language")
	require.Equal(t, "Непрочитані: "+strconv.Itoa(unread), b.text("#unread"))
	require.Equal(t, unread, eval[int](b, `document.querySelectorAll('ul.notifications li.unread').length`))
	b.checkAxe("notifications")
	b.navigating("mark read", chromedp.Click(chromedp.CSS(`form[action="/notifications/read"] button`)))
	require.Equal(t, "Непрочитані: 0", b.text("#unread"))

	// The export: everything about the account, as JSON.
	email := evalAwait[string](b, `fetch('/profile/export').then(r => r.json()).then(d => d.account.email)`)
	require.Equal(t, "olena@demo.otwarty.pl", email)

	// Deleting asks for the password.
	b.open("/profile/delete")
	b.checkAxe("delete account")
	b.submit(`main form`, map[string]string{"f-password": "not the password 1"})
	require.Equal(t, "/profile/delete", b.path())
	require.Equal(t, 1, eval[int](b, `document.querySelectorAll('.error-summary').length`))
	b.submit(`main form`, map[string]string{"f-password": demoPassword})
	require.Equal(t, "Обліковий запис видалено", b.text("main h1"))
	var deleted bool
	require.NoError(t, conn.QueryRow(b.ctx, `select deleted_at is not null from accounts where id = $1`, id).Scan(&deleted))
	require.True(t, deleted)
	b.open("/profile")
	require.Equal(t, "/sign-in", b.path(), "the session went with the account")
}
