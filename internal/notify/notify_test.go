package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/notify"
)

func TestNotify_RolledBackTransactionEnqueuesNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, options{noWorkers: true})
	acc := f.account(t, "Ala", "pl")
	n := notify.Notice{
		AccountID:     acc,
		Kind:          notify.KindPasswordReset,
		Data:          map[string]string{notify.DataLink: publicURL + "/reset-password?token=abc123"},
		DedupeKey:     "password_reset:1",
		Email:         true,
		Transactional: true,
	}
	errBoom := errors.New("boom")

	err := db.InTx(f.ctx, f.pool, func(tx *db.Tx) error {
		require.NoError(t, f.svc.Notify(f.ctx, tx.Tx, n))
		return errBoom
	})

	require.ErrorIs(t, err, errBoom)
	require.Zero(t, f.count(t, "select count(*) from river_job"))
	require.Zero(t, f.count(t, "select count(*) from notification_secrets"))

	f.notify(t, n)
	f.notify(t, n) // the same event again
	require.Equal(t, 1, f.count(t, "select count(*) from river_job where kind = 'notify.deliver'"))
	require.Equal(t, 1, f.count(t, "select count(*) from river_job"))
	require.Equal(t, 1, f.count(t, "select count(*) from notification_secrets"))
	require.Zero(t, f.count(t, "select count(*) from river_job where args::text like '%abc123%'"),
		"secrets stay out of job arguments")
}

func TestNotify_RefusesMalformedNotice(t *testing.T) {
	t.Parallel()
	f := setup(t, options{noWorkers: true})
	acc := f.account(t, "Ala", "pl")
	for name, n := range map[string]notify.Notice{
		"no kind":          {AccountID: acc, DedupeKey: "k", InApp: true},
		"no dedupe key":    {AccountID: acc, Kind: "welcome", InApp: true},
		"no channel":       {AccountID: acc, Kind: "welcome", DedupeKey: "k"},
		"in-app, no owner": {ToAddress: "a@example.org", Kind: "welcome", DedupeKey: "k", InApp: true},
		"no recipient":     {Kind: "invitation", DedupeKey: "k", Email: true},
	} {
		err := db.InTx(f.ctx, f.pool, func(tx *db.Tx) error { return f.svc.Notify(f.ctx, tx.Tx, n) })
		require.Error(t, err, name)
	}
	require.Zero(t, f.count(t, "select count(*) from river_job"))
}

func TestDeliver_RetriedJobsDeliverExactlyOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, options{smtp: true})
	acc := f.account(t, "Bogdan", "pl")
	f.notify(t, notify.Notice{
		AccountID: acc,
		Kind:      notify.KindPasswordChanged,
		DedupeKey: "password_changed:1",
		InApp:     true,
		Email:     true,
	})
	f.settle(t)

	// River works the same job rows again, as after a crash between the
	// work and marking the job completed.
	for _, kind := range []string{notify.JobDeliver, notify.JobEmail} {
		var id int64
		require.NoError(t, f.pool.QueryRow(f.ctx, "select id from river_job where kind = $1", kind).Scan(&id))
		_, err := f.river.JobRetry(f.ctx, id)
		require.NoError(t, err)
		f.settle(t)
		require.Equal(t, 2, f.count(t, "select cardinality(attempted_by) from river_job where id = $1", id), kind)
	}

	require.Equal(t, 1, f.count(t, "select count(*) from notifications"))
	out := f.outbox(t)
	require.Len(t, out, 1)
	require.NotNil(t, out[0].SentAt)
	got := f.smtp.received()
	require.Len(t, got, 1)
	require.Equal(t, out[0].MessageID, got[0].Header.Get("Message-ID"))
	require.Equal(t, "bogdan@example.org", got[0].To)
	require.Equal(t, "powiadomienia@otwarty.example.org", got[0].From)
	require.Equal(t, "Hasło zostało zmienione", got[0].Subject)
	require.Equal(t, "pl", got[0].Header.Get("Content-Language"))
}

func TestEmail_SecretRedactedFromOutboxOnceSent(t *testing.T) {
	t.Parallel()
	f := setup(t, options{smtp: true})
	acc := f.account(t, "Celina", "pl")
	link := publicURL + "/reset-password?token=s3cr3t-T0ken"
	f.notify(t, notify.Notice{
		AccountID:     acc,
		Kind:          notify.KindPasswordReset,
		Data:          map[string]string{notify.DataLink: link, notify.DataExpiresAt: "2025-03-01T10:00:00Z"},
		DedupeKey:     "password_reset:abc",
		Email:         true,
		Transactional: true,
	})
	f.settle(t)

	got := f.smtp.received()
	require.Len(t, got, 1)
	sent := strings.ReplaceAll(got[0].Body, "\r\n", "\n")
	require.Equal(t, "Dzień dobry, Celina,\n\n"+
		"Otrzymaliśmy prośbę o ustawienie nowego hasła do Twojego konta na platformie Otwarty Kraków. Aby to zrobić, otwórz link:\n"+
		link+"\nLink jest ważny do 2025-03-01 11:00 (czas polski).\n\n"+
		"Jeśli to nie Ty, zignoruj tę wiadomość — hasło pozostanie bez zmian.\n\n"+
		"-- \nTę wiadomość wysłała automatycznie platforma Otwarty Kraków. Ustawienia powiadomień: "+publicURL+"/settings/notifications\n",
		sent)

	out := f.outbox(t)
	require.Len(t, out, 1)
	require.NotNil(t, out[0].SentAt)
	require.True(t, out[0].Redacted)
	require.Equal(t, strings.ReplaceAll(sent, link, "[redacted]"), out[0].Body)
	require.Equal(t, "[redacted]", out[0].Data[notify.DataLink])
	require.Equal(t, "Ustaw nowe hasło", out[0].Subject)
	require.Zero(t, f.count(t, "select count(*) from notification_secrets"))
	require.Zero(t, f.count(t, `select (select count(*) from river_job where args::text like '%s3cr3t%')
		+ (select count(*) from email_outbox where body like '%s3cr3t%' or data::text like '%s3cr3t%')
		+ (select count(*) from notifications where data::text like '%s3cr3t%')`))
}

func TestEmail_WithoutSMTPTheOutboxRowIsTheDelivery(t *testing.T) {
	t.Parallel()
	f := setup(t, options{})
	link := publicURL + "/invitations/accept?token=inv-123"
	f.notify(t, notify.Notice{
		ToAddress: "nowa@example.org",
		Kind:      notify.KindInvitation,
		Data: map[string]string{
			notify.DataLink: link, notify.DataRole: "juror", notify.DataInviter: "Ewa Nowak", notify.DataLocale: "uk",
		},
		DedupeKey:     "invitation:1",
		Email:         true,
		Transactional: true,
	})
	f.settle(t)

	out := f.outbox(t)
	require.Len(t, out, 1)
	m := out[0]
	require.NotNil(t, m.SentAt)
	require.False(t, m.Redacted)
	require.Nil(t, m.AccountID)
	require.Equal(t, "nowa@example.org", m.To)
	require.Equal(t, "invitation", m.Kind)
	require.Equal(t, "uk", m.Locale)
	require.Equal(t, "Запрошення на платформу Otwarty Kraków", m.Subject)
	require.Equal(t, "Вітаємо!\n\n"+
		"Запрошуємо вас на платформу Otwarty Kraków (роль: член Капітули). Щоб прийняти запрошення, відкрийте посилання:\n"+
		link+"\n\nЗапрошує: Ewa Nowak.\n\n"+
		"-- \nЦей лист автоматично надіслала платформа Otwarty Kraków. Налаштування сповіщень: "+publicURL+"/settings/notifications\n",
		m.Body)
	require.Equal(t, link, m.Data[notify.DataLink])
	require.Zero(t, f.count(t, "select count(*) from notifications"))
}

func TestDeliver_EmailPreferenceOffStillDeliversInApp(t *testing.T) {
	t.Parallel()
	f := setup(t, options{})
	noEmail := f.account(t, "Daria", "pl")
	noInApp := f.account(t, "Edward", "pl")
	_, err := f.setPreferences(noEmail, notify.Preferences{InApp: true, Email: false, Digest: notify.DigestImmediate})
	require.NoError(t, err)
	_, err = f.setPreferences(noInApp, notify.Preferences{InApp: false, Email: true, Digest: notify.DigestImmediate})
	require.NoError(t, err)

	for _, acc := range []uuid.UUID{noEmail, noInApp} {
		f.notify(t, notify.Notice{
			AccountID: acc, Kind: notify.KindPasswordChanged, DedupeKey: "password_changed:" + acc.String(), InApp: true, Email: true,
		})
	}
	f.settle(t)

	pg1, err := f.svc.List(f.ctx, noEmail, 10, "", false)
	items, total := pg1.Items, pg1.Total
	require.NoError(t, err)
	require.Equal(t, 1, total)
	require.Equal(t, notify.KindPasswordChanged, items[0].Kind)
	pg2, err := f.svc.List(f.ctx, noInApp, 10, "", false)
	total = pg2.Total
	require.NoError(t, err)
	require.Zero(t, total)

	out := f.outbox(t)
	require.Len(t, out, 1)
	require.Equal(t, "edward@example.org", out[0].To)
}

func TestDeliver_TransactionalNoticeBypassesPreferencesAndDigest(t *testing.T) {
	t.Parallel()
	f := setup(t, options{})
	off := f.account(t, "Filip", "pl")
	daily := f.account(t, "Grażyna", "pl")
	_, err := f.setPreferences(off, notify.Preferences{InApp: false, Email: false, Digest: notify.DigestOff})
	require.NoError(t, err)
	_, err = f.setPreferences(daily, notify.Preferences{InApp: true, Email: true, Digest: notify.DigestDaily})
	require.NoError(t, err)

	for _, acc := range []uuid.UUID{off, daily} {
		f.notify(t, notify.Notice{
			AccountID: acc, Kind: notify.KindConfirmEmail, DedupeKey: "confirm_email:" + acc.String(),
			Data: map[string]string{notify.DataLink: publicURL + "/confirm-email?token=t"}, InApp: true, Email: true, Transactional: true,
		})
	}
	f.settle(t)

	for _, acc := range []uuid.UUID{off, daily} {
		n, err := f.svc.UnreadCount(f.ctx, acc)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	}
	out := f.outbox(t)
	require.Len(t, out, 2)
	for _, m := range out {
		require.Equal(t, "Potwierdź adres e-mail", m.Subject)
		require.NotNil(t, m.SentAt)
	}
	require.Zero(t, f.count(t, "select count(*) from notifications where email_digest"))
}

func TestDigest_DailyCollectsExactlyTheUnmailedNotifications(t *testing.T) {
	t.Parallel()
	f := setup(t, options{smtp: true})
	daily := f.account(t, "Dorota", "pl")
	weekly := f.account(t, "Wiktor", "en")
	hidden := f.account(t, "Halina", "pl") // daily, in-app off
	immediate := f.account(t, "Iwona", "pl")
	set := func(acc uuid.UUID, p notify.Preferences) {
		_, err := f.setPreferences(acc, p)
		require.NoError(t, err)
	}
	set(daily, notify.Preferences{InApp: true, Email: true, Digest: notify.DigestDaily})
	set(weekly, notify.Preferences{InApp: true, Email: true, Digest: notify.DigestWeekly})
	set(hidden, notify.Preferences{InApp: false, Email: true, Digest: notify.DigestDaily})
	seq := 0
	tell := func(acc uuid.UUID, kind string) {
		seq++
		f.notify(t, notify.Notice{AccountID: acc, Kind: kind, DedupeKey: "n:" + strconv.Itoa(seq), InApp: true, Email: true})
		f.settle(t) // one at a time, so the digest's order is known
	}
	runDigest := func(period string) {
		_, err := f.river.Insert(f.ctx, notify.DigestArgs{Period: period}, nil)
		require.NoError(t, err)
		f.settle(t)
	}
	lines := func(body string) []string {
		var out []string
		for l := range strings.SplitSeq(body, "\n") {
			if strings.HasPrefix(l, "- ") {
				out = append(out, l[len("- 2006-01-02 15:04  "):])
			}
		}
		return out
	}

	tell(daily, notify.KindWelcome)
	tell(daily, notify.KindPasswordChanged)
	tell(daily, "consultation_answered")
	tell(weekly, notify.KindPasswordChanged)
	tell(hidden, notify.KindPasswordChanged)
	tell(immediate, notify.KindPasswordChanged)
	require.Len(t, f.outbox(t), 1, "only the immediate account is mailed at once")

	runDigest(notify.DigestDaily)
	out := f.outbox(t)
	require.Len(t, out, 3)
	byTo := map[string]notify.OutboxMessage{}
	for _, m := range out[1:] {
		byTo[m.To] = m
	}
	d := byTo["dorota@example.org"]
	require.Equal(t, "Otwarty Kraków: 3 nowe powiadomienia", d.Subject)
	require.Equal(t, []string{
		"Witamy na platformie Otwarty Kraków",
		"Hasło zostało zmienione",
		"Nowe powiadomienie na platformie Otwarty Kraków",
	}, lines(d.Body))
	h := byTo["halina@example.org"]
	require.Equal(t, []string{"Hasło zostało zmienione"}, lines(h.Body))
	pg3, err := f.svc.List(f.ctx, hidden, 10, "", false)
	total := pg3.Total
	require.NoError(t, err)
	require.Zero(t, total, "a row kept only for the digest is not listed")

	runDigest(notify.DigestDaily) // nothing new
	require.Len(t, f.outbox(t), 3)

	tell(daily, "consultation_answered")
	tell(daily, notify.KindWelcome)
	runDigest(notify.DigestDaily)
	out = f.outbox(t)
	require.Len(t, out, 4)
	require.Equal(t, "dorota@example.org", out[3].To)
	require.Equal(t, "Otwarty Kraków: 2 nowe powiadomienia", out[3].Subject)
	require.Equal(t, []string{"Nowe powiadomienie na platformie Otwarty Kraków", "Witamy na platformie Otwarty Kraków"}, lines(out[3].Body))

	runDigest(notify.DigestWeekly)
	out = f.outbox(t)
	require.Len(t, out, 5)
	require.Equal(t, "wiktor@example.org", out[4].To)
	require.Equal(t, "Otwarty Kraków: 1 new notification", out[4].Subject)
	require.Equal(t, []string{"Your password was changed"}, lines(out[4].Body))

	require.Len(t, f.smtp.received(), 5)
	require.Zero(t, f.count(t, "select count(*) from notifications where email_digest and emailed_at is null"))
	pg4, err := f.svc.List(f.ctx, daily, 10, "", false)
	total = pg4.Total
	require.NoError(t, err)
	require.Equal(t, 5, total, "digested notifications stay in the in-app list")
}

func TestEmail_LocaleFollowsPreferenceThenAccount(t *testing.T) {
	t.Parallel()
	f := setup(t, options{})
	olena := f.account(t, "Olena", "uk")
	ivan := f.account(t, "Ivan", "ru")
	_, err := f.setPreferences(ivan, notify.Preferences{InApp: true, Email: true, Locale: new("en"), Digest: notify.DigestImmediate})
	require.NoError(t, err)
	welcome := func(acc uuid.UUID, key string) {
		f.notify(t, notify.Notice{AccountID: acc, Kind: notify.KindWelcome, DedupeKey: key, Email: true})
		f.settle(t)
	}

	welcome(olena, "welcome:olena")
	welcome(ivan, "welcome:ivan")
	_, err = f.setPreferences(olena, notify.Preferences{InApp: true, Email: true, Locale: new("ru"), Digest: notify.DigestImmediate})
	require.NoError(t, err)
	welcome(olena, "welcome:olena:2")
	f.notify(t, notify.Notice{ToAddress: "gosc@example.org", Kind: notify.KindWelcome, DedupeKey: "welcome:guest", Email: true})
	f.settle(t)

	type got struct{ to, locale, subject, greeting string }
	var all []got
	for _, m := range f.outbox(t) {
		greeting, _, _ := strings.Cut(m.Body, "\n")
		all = append(all, got{m.To, m.Locale, m.Subject, greeting})
	}
	require.Equal(t, []got{
		{"olena@example.org", "uk", "Ласкаво просимо на платформу Otwarty Kraków", "Вітаємо, Olena!"},
		{"ivan@example.org", "en", "Welcome to Otwarty Kraków", "Hello Ivan,"},
		{"olena@example.org", "ru", "Добро пожаловать на платформу Otwarty Kraków", "Здравствуйте, Olena!"},
		{"gosc@example.org", "pl", "Witamy na platformie Otwarty Kraków", "Dzień dobry,"},
	}, all)
}

func TestNotify_PublishesLiveEventOnceWithUnreadCount(t *testing.T) {
	t.Parallel()
	f := setup(t, options{})
	acc := f.account(t, "Jan", "pl")
	broker := live.NewBroker(f.url, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- broker.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-broker.Ready():
	case err := <-done:
		t.Fatalf("broker stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("broker not ready")
	}
	events := broker.Subscribe(ctx, notify.Topic(acc))
	next := func() notify.Event {
		t.Helper()
		select {
		case e := <-events:
			var ev notify.Event
			require.NoError(t, json.Unmarshal(e.Data, &ev))
			return ev
		case <-time.After(10 * time.Second):
			t.Fatal("no event")
		}
		panic("unreachable")
	}
	tell := func(key string) uuid.UUID {
		f.notify(t, notify.Notice{AccountID: acc, Kind: notify.KindWelcome, DedupeKey: key, InApp: true})
		f.settle(t)
		var id uuid.UUID
		require.NoError(t, f.pool.QueryRow(f.ctx, "select id from notifications where dedupe_key = $1", key).Scan(&id))
		return id
	}

	first := tell("a")
	require.Equal(t, notify.Event{ID: first, Kind: "welcome", UnreadCount: 1}, next())
	var job int64
	require.NoError(t, f.pool.QueryRow(f.ctx, "select id from river_job where kind = $1", notify.JobDeliver).Scan(&job))
	_, err := f.river.JobRetry(f.ctx, job)
	require.NoError(t, err)
	f.settle(t)
	second := tell("b")
	// Events arrive in commit order: the retry published nothing in between.
	require.Equal(t, notify.Event{ID: second, Kind: "welcome", UnreadCount: 2}, next())
}
