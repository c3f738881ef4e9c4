package identity_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/identity"
)

func TestAuthenticate_RejectsExpiredRevokedAndUnknownTokens(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, tok := b.signUp(t, "s@example.com")
	got, sess, err := b.svc.Authenticate(b.ctx, tok)
	require.NoError(t, err)
	require.Equal(t, acc.ID, got.ID)
	require.Equal(t, acc.ID, sess.AccountID)
	require.Equal(t, 30*24*time.Hour, sess.ExpiresAt.Sub(sess.CreatedAt)) // default TTL

	for _, bad := range []string{"", "nope", tok + "x", string(make([]byte, 200))} {
		_, _, err := b.svc.Authenticate(b.ctx, bad)
		require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	}

	_, err = b.pool.Exec(b.ctx, "update sessions set expires_at = now() - interval '1 second' where id = $1", sess.ID)
	require.NoError(t, err)
	_, _, err = b.svc.Authenticate(b.ctx, tok)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)

	_, tok2, err := b.svc.SignIn(b.ctx, "s@example.com", password, identity.ClientMeta{})
	require.NoError(t, err)
	_, sess2, err := b.svc.Authenticate(b.ctx, tok2)
	require.NoError(t, err)
	require.NoError(t, b.svc.SignOut(b.as(acc), sess2.ID))
	require.NoError(t, b.svc.SignOut(b.as(acc), sess2.ID)) // twice is harmless
	_, _, err = b.svc.Authenticate(b.ctx, tok2)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
}

func TestAuthenticate_SessionTTLIsConfigurable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	short := b.with(func(c *identity.Config) { c.SessionTTL = 90 * time.Minute })
	b.signUp(t, "ttl@example.com")
	_, tok, err := short.SignIn(b.ctx, "ttl@example.com", password, identity.ClientMeta{})
	require.NoError(t, err)
	_, sess, err := short.Authenticate(b.ctx, tok)
	require.NoError(t, err)
	require.Equal(t, 90*time.Minute, sess.ExpiresAt.Sub(sess.CreatedAt))
}

func TestAuthenticate_TouchesLastSeenAtMostOncePerMinute(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, tok := b.signUp(t, "seen@example.com")
	_, sess, err := b.svc.Authenticate(b.ctx, tok)
	require.NoError(t, err)
	lastSeen := func() time.Time {
		var at time.Time
		require.NoError(t, b.pool.QueryRow(b.ctx, "select last_seen_at from sessions where id = $1", sess.ID).Scan(&at))
		return at
	}
	fresh := lastSeen()
	_, _, err = b.svc.Authenticate(b.ctx, tok)
	require.NoError(t, err)
	require.Equal(t, fresh, lastSeen(), "touched again within a minute")

	_, err = b.pool.Exec(b.ctx, "update sessions set last_seen_at = now() - interval '2 minutes' where id = $1", sess.ID)
	require.NoError(t, err)
	stale := lastSeen()
	_, got, err := b.svc.Authenticate(b.ctx, tok)
	require.NoError(t, err)
	touched := lastSeen()
	require.True(t, touched.After(stale))
	require.Equal(t, touched, got.LastSeenAt)

	_, _, err = b.svc.Authenticate(b.ctx, tok)
	require.NoError(t, err)
	require.Equal(t, touched, lastSeen())
}

func TestSessions_ListedNewestFirstAndRevocableOnlyByTheirOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice, aliceTok := b.signUp(t, "alice@example.com")
	_, bobTok := b.signUp(t, "bob@example.com")
	_, aliceTok2, err := b.svc.SignIn(b.ctx, "alice@example.com", password, identity.ClientMeta{UserAgent: "phone"})
	require.NoError(t, err)
	_, aliceTok3, err := b.svc.SignIn(b.ctx, "alice@example.com", password, identity.ClientMeta{UserAgent: "tablet"})
	require.NoError(t, err)
	_, s1, err := b.svc.Authenticate(b.ctx, aliceTok)
	require.NoError(t, err)
	_, s2, err := b.svc.Authenticate(b.ctx, aliceTok2)
	require.NoError(t, err)
	_, s3, err := b.svc.Authenticate(b.ctx, aliceTok3)
	require.NoError(t, err)
	_, bobSess, err := b.svc.Authenticate(b.ctx, bobTok)
	require.NoError(t, err)

	list, err := b.svc.Sessions(b.ctx, alice.ID)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{s3.ID, s2.ID, s1.ID}, sessionIDs(list))

	// Someone else's session looks like no session at all, and survives.
	require.ErrorIs(t, b.svc.RevokeSession(b.as(alice), alice.ID, bobSess.ID), apperr.ErrNotFound)
	require.ErrorIs(t, b.svc.RevokeSession(b.as(alice), alice.ID, uuid.New()), apperr.ErrNotFound)
	_, _, err = b.svc.Authenticate(b.ctx, bobTok)
	require.NoError(t, err)

	require.NoError(t, b.svc.RevokeSession(b.as(alice), alice.ID, s2.ID))
	require.NoError(t, b.svc.RevokeSession(b.as(alice), alice.ID, s2.ID))
	_, _, err = b.svc.Authenticate(b.ctx, aliceTok2)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	list, err = b.svc.Sessions(b.ctx, alice.ID)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{s3.ID, s1.ID}, sessionIDs(list))

	n, err := b.svc.RevokeOtherSessions(b.ctx, alice.ID, s1.ID)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	list, err = b.svc.Sessions(b.ctx, alice.ID)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{s1.ID}, sessionIDs(list))
	_, _, err = b.svc.Authenticate(b.ctx, bobTok)
	require.NoError(t, err)
}

func TestDeleteExpiredSessions_DeletesOnlyLongDeadSessions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, live := b.signUp(t, "r@example.com")
	for range 3 {
		_, _, err := b.svc.SignIn(b.ctx, "r@example.com", password, identity.ClientMeta{})
		require.NoError(t, err)
	}
	_, liveSess, err := b.svc.Authenticate(b.ctx, live)
	require.NoError(t, err)
	// One expired long ago, one revoked long ago, one expired just now.
	_, err = b.pool.Exec(b.ctx, `with s as (select id, row_number() over (order by created_at, id) n from sessions
			where account_id = $1 and id <> $2)
		update sessions x set
			expires_at = case s.n when 1 then now() - interval '40 days' when 3 then now() - interval '1 hour' else x.expires_at end,
			revoked_at = case s.n when 2 then now() - interval '40 days' else x.revoked_at end
		from s where x.id = s.id`, acc.ID, liveSess.ID)
	require.NoError(t, err)

	n, err := b.svc.DeleteExpiredSessions(b.ctx, 30*24*time.Hour)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	var left int
	require.NoError(t, b.pool.QueryRow(b.ctx, "select count(*) from sessions").Scan(&left))
	require.Equal(t, 2, left)
	_, _, err = b.svc.Authenticate(b.ctx, live)
	require.NoError(t, err)
}

func sessionIDs(list []identity.Session) []uuid.UUID {
	ids := make([]uuid.UUID, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	return ids
}
