package notify_test

import (
	"bytes"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/page"
	"github.com/otwarty/otwarty/internal/pgtest"
)

// row inserts an in-app notification as delivery would and returns its id.
func (f *fixture) row(t *testing.T, acc uuid.UUID, at time.Time) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	err := f.pool.QueryRow(f.ctx, `insert into notifications (account_id, kind, data, dedupe_key, created_at)
		values ($1, 'welcome', '{"n": "1"}', gen_random_uuid()::text, $2) returning id`, acc, at).Scan(&id)
	require.NoError(t, err)
	return id
}

func ids(items []notify.Notification) []uuid.UUID {
	var out []uuid.UUID
	for _, n := range items {
		out = append(out, n.ID)
	}
	return out
}

func TestList_PagesThroughKnownSetNewestFirst(t *testing.T) {
	t.Parallel()
	f := setup(t, options{noWorkers: true})
	a := f.account(t, "Ala", "pl")
	b := f.account(t, "Bartek", "pl")
	base := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	type rec struct {
		id uuid.UUID
		at time.Time
	}
	var want []rec
	for i := range 7 {
		at := base.Add(time.Duration(i) * time.Minute)
		if i == 4 {
			at = base.Add(3 * time.Minute) // a tie on created_at, broken by id
		}
		want = append(want, rec{f.row(t, a, at), at})
	}
	f.row(t, b, base.Add(time.Hour))
	_, err := f.pool.Exec(f.ctx, `insert into notifications (account_id, kind, dedupe_key, in_app, email_digest, created_at)
		values ($1, 'welcome', 'digest-only', false, true, $2)`, a, base.Add(2*time.Hour))
	require.NoError(t, err)
	slices.SortFunc(want, func(x, y rec) int {
		if c := y.at.Compare(x.at); c != 0 {
			return c
		}
		return bytes.Compare(y.id[:], x.id[:])
	})
	var wantIDs []uuid.UUID
	for _, r := range want {
		wantIDs = append(wantIDs, r.id)
	}

	var (
		got   []uuid.UUID
		after string
		pages []int
	)
	for {
		pg1, err := f.svc.List(f.ctx, a, 3, after, false)
		items, hasNext, total := pg1.Items, pg1.HasNext, pg1.Total
		require.NoError(t, err)
		require.Equal(t, 7, total)
		pages = append(pages, len(items))
		got = append(got, ids(items)...)
		if !hasNext {
			break
		}
		after = items[len(items)-1].Cursor()
	}
	require.Equal(t, []int{3, 3, 1}, pages)
	require.Equal(t, wantIDs, got)

	n, err := f.svc.MarkRead(f.as(a), a, []uuid.UUID{wantIDs[0], wantIDs[5]})
	require.NoError(t, err)
	require.Equal(t, 2, n)
	pg2, err := f.svc.List(f.ctx, a, 4, "", true)
	items, hasNext, total := pg2.Items, pg2.HasNext, pg2.Total
	require.NoError(t, err)
	require.True(t, hasNext)
	require.Equal(t, 5, total)
	require.Equal(t, []uuid.UUID{wantIDs[1], wantIDs[2], wantIDs[3], wantIDs[4]}, ids(items))
	require.Equal(t, map[string]string{"n": "1"}, items[0].Data)
	require.Nil(t, items[0].ReadAt)

	for _, first := range []int{-1, page.MaxSize + 1} {
		_, err := f.svc.List(f.ctx, a, first, "", false)
		var e *apperr.Error
		require.ErrorAs(t, err, &e, strconv.Itoa(first))
		require.Equal(t, apperr.InvalidInput, e.Code)
		require.Equal(t, "first", e.Field)
		require.True(t, i18n.Has(e.Key), e.Key)
	}
}

func TestMarkRead_AnotherAccountsNotificationsChangeNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, options{noWorkers: true})
	a := f.account(t, "Ala", "pl")
	b := f.account(t, "Bartek", "pl")
	now := time.Now()
	aIDs := []uuid.UUID{f.row(t, a, now), f.row(t, a, now.Add(time.Second)), f.row(t, a, now.Add(2*time.Second))}
	f.row(t, b, now)
	unread := func(acc uuid.UUID) int {
		n, err := f.svc.UnreadCount(f.ctx, acc)
		require.NoError(t, err)
		return n
	}

	n, err := f.svc.MarkRead(f.as(b), b, aIDs)
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = f.svc.MarkAllRead(f.as(b), b)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, 3, unread(a))
	_, err = f.svc.Get(f.ctx, b, aIDs[0])
	require.ErrorIs(t, err, apperr.ErrNotFound)

	n, err = f.svc.MarkRead(f.as(a), a, aIDs[:2])
	require.NoError(t, err)
	require.Equal(t, 2, n)
	n, err = f.svc.MarkRead(f.as(a), a, aIDs[:2])
	require.NoError(t, err)
	require.Zero(t, n, "already read")
	require.Equal(t, 1, unread(a))
	got, err := f.svc.Get(f.ctx, a, aIDs[0])
	require.NoError(t, err)
	require.NotNil(t, got.ReadAt)

	n, err = f.svc.MarkAllRead(f.as(a), a)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Zero(t, unread(a))
}

func TestUpdatePreferences_ValidatesAndRoundTrips(t *testing.T) {
	t.Parallel()
	f := setup(t, options{noWorkers: true})
	a := f.account(t, "Ala", "pl")

	p, err := f.svc.Preferences(f.ctx, a)
	require.NoError(t, err)
	require.Equal(t, notify.DefaultPreferences(), p)

	for field, bad := range map[string]notify.Preferences{
		"digest": {InApp: true, Email: true, Digest: "hourly"},
		"locale": {InApp: true, Email: true, Digest: notify.DigestDaily, Locale: new("ua")},
	} {
		_, err := f.setPreferences(a, bad)
		var e *apperr.Error
		require.ErrorAs(t, err, &e, field)
		require.Equal(t, apperr.InvalidInput, e.Code)
		require.Equal(t, field, e.Field)
		require.True(t, i18n.Has(e.Key), e.Key)
	}

	want := notify.Preferences{InApp: false, Email: true, Locale: new("uk"), Digest: notify.DigestWeekly}
	got, err := f.setPreferences(a, want)
	require.NoError(t, err)
	require.Equal(t, want, got)
	got, err = f.svc.Preferences(f.ctx, a)
	require.NoError(t, err)
	require.Equal(t, want, got)

	want = notify.Preferences{InApp: true, Email: false, Digest: notify.DigestOff}
	got, err = f.setPreferences(a, want)
	require.NoError(t, err)
	require.Equal(t, want, got)

	_, err = f.setPreferences(uuid.New(), want)
	require.ErrorIs(t, err, apperr.ErrNotFound, "no such account")
	// Only the account itself changes its preferences.
	b := f.account(t, "Bartek", "pl")
	_, err = f.svc.ChangePreferences(f.as(b), a, notify.PreferencesChange{InApp: &want.InApp})
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = f.svc.ChangePreferences(f.ctx, a, notify.PreferencesChange{InApp: &want.InApp})
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
}

func TestNew_RefusesBadConfiguration(t *testing.T) {
	t.Parallel()
	f := setup(t, options{noWorkers: true})
	for name, cfg := range map[string]notify.Config{
		"relative public URL": {PublicURL: "/otwarty"},
		"bad from":            {PublicURL: publicURL, From: "not an address"},
		"bad SMTP scheme":     {PublicURL: publicURL, SMTPURL: "http://user:hunter2@mail.example.org"},
		"digest hour":         {PublicURL: publicURL, DigestHour: 24},
	} {
		_, err := notify.New(f.pool, pgtest.Jobs(t, f.pool), cfg, nil)
		require.Error(t, err, name)
		require.NotContains(t, err.Error(), "hunter2", name)
	}
}
