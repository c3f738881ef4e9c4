package authz_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// secondInstance is another API instance on the same database: its own pool
// and Authorizer, following changes with Listen.
func secondInstance(t *testing.T, b *bundle, listenURL string) *authz.Authorizer {
	t.Helper()
	pool, err := db.Open(b.ctx, b.url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	az := newAuthorizer(t, pool)
	listen(t, az, listenURL)
	return az
}

func TestListen_GrantAndRevokeReachOtherInstance(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := secondInstance(t, b, b.url)
	unit := b.organisation(t, "city_unit")
	acc := signedIn(b.account(t, "official"))
	obj := authz.Object{Type: "verification", Domains: []string{authz.Domain("org", unit)}}

	b.grant(t, acc.AccountID, authz.RoleOfficial, authz.Domain("org", unit))
	require.True(t, can(b.az, acc, "verify_resident", obj), "granting instance: at commit")
	eventually(t, other, acc, "verify_resident", obj, true)

	b.revoke(t, acc.AccountID, authz.RoleOfficial, authz.Domain("org", unit))
	require.False(t, can(b.az, acc, "verify_resident", obj))
	eventually(t, other, acc, "verify_resident", obj, false)

	// Changes derived from other tables arrive as "reload".
	manager := signedIn(b.account(t, "manager"))
	org := authz.Object{Type: "organisation", Domains: []string{authz.Domain("org", unit)}}
	b.member(t, unit, manager.AccountID, "manager")
	require.True(t, can(b.az, manager, "update", org))
	eventually(t, other, manager, "update", org, true)
}

func TestListen_ReconnectsAndReloads(t *testing.T) {
	t.Parallel()
	b := setup(t)

	// The second instance listens as its own login role, so the test can
	// cut that connection and keep it from coming back for a while.
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	role := "authz_listener_" + hex.EncodeToString(suffix)
	_, err := b.pool.Exec(b.ctx, "create role "+role+" login password 'listener'")
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = b.pool.Exec(context.Background(), "drop role if exists "+role) })
	u, err := url.Parse(b.url)
	require.NoError(t, err)
	u.User = url.UserPassword(role, "listener")
	other := secondInstance(t, b, u.String())

	unit := b.organisation(t, "city_unit")
	acc := signedIn(b.account(t, "official"))
	obj := authz.Object{Type: "verification", Domains: []string{authz.Domain("org", unit)}}

	_, err = b.pool.Exec(b.ctx, "alter role "+role+" nologin")
	require.NoError(t, err)
	var terminated bool
	require.NoError(t, b.pool.QueryRow(b.ctx, `select bool_and(pg_terminate_backend(pid)) from pg_stat_activity
		where usename = $1`, role).Scan(&terminated))
	require.True(t, terminated)

	// Granted while the second instance cannot hear it.
	b.grant(t, acc.AccountID, authz.RoleOfficial, authz.Domain("org", unit))
	time.Sleep(200 * time.Millisecond)
	require.False(t, can(other, acc, "verify_resident", obj), "the announcement went unheard")

	_, err = b.pool.Exec(b.ctx, "alter role "+role+" login")
	require.NoError(t, err)
	eventually(t, other, acc, "verify_resident", obj, true)

	// And it follows announcements again.
	b.revoke(t, acc.AccountID, authz.RoleOfficial, authz.Domain("org", unit))
	eventually(t, other, acc, "verify_resident", obj, false)
}

func TestListen_RejectsBadConnString(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.Error(t, b.az.Listen(b.ctx, "postgres://%zz"))
}

// TestCan_ConcurrentWithReloads runs checks while grants change, announce
// and reload on two instances; run with -race.
func TestCan_ConcurrentWithReloads(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := secondInstance(t, b, b.url)
	unit := b.organisation(t, "city_unit")
	stable := signedIn(b.account(t, "stable"))
	flipping := signedIn(b.account(t, "flipping"))
	b.grant(t, stable.AccountID, authz.RoleOfficial, authz.Domain("org", unit))
	eventually(t, other, stable, "verify_resident", authz.Object{Type: "verification", Domains: []string{authz.Domain("org", unit)}}, true)
	obj := authz.Object{Type: "verification", Domains: []string{authz.Domain("org", unit)}}

	ctx, cancel := context.WithCancel(b.ctx)
	var wg sync.WaitGroup
	var denied sync.Map
	for i := range 8 {
		az := b.az
		if i%2 == 1 {
			az = other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				// A grant that never changes never flickers, whatever reloads do.
				if !can(az, stable, "verify_resident", obj) {
					denied.Store(i, true)
				}
				_ = can(az, flipping, "verify_resident", obj)
			}
		}()
	}
	for range 20 {
		b.grant(t, flipping.AccountID, authz.RoleOfficial, authz.Domain("org", unit))
		require.NoError(t, b.az.Reload(b.ctx))
		b.revoke(t, flipping.AccountID, authz.RoleOfficial, authz.Domain("org", unit))
		require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error { return b.az.Changed(b.ctx, tx) }))
	}
	cancel()
	wg.Wait()
	denied.Range(func(k, _ any) bool {
		t.Errorf("checker %v saw a stable grant denied during a reload", k)
		return true
	})
	require.False(t, can(b.az, flipping, "verify_resident", obj))
	eventually(t, other, flipping, "verify_resident", obj, false)
	eventually(t, other, stable, "verify_resident", obj, true)
}
