package authz_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// bundle is one test's database and Authorizer.
type bundle struct {
	ctx  context.Context
	url  string
	pool *pgxpool.Pool
	az   *authz.Authorizer
}

func setup(t testing.TB) *bundle {
	t.Helper()
	ctx := context.Background()
	url := pgtest.URL(t)
	pool, err := db.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return &bundle{ctx: ctx, url: url, pool: pool, az: newAuthorizer(t, pool)}
}

func newAuthorizer(t testing.TB, pool *pgxpool.Pool) *authz.Authorizer {
	t.Helper()
	az, err := authz.New(context.Background(), pool, testLogger(t))
	require.NoError(t, err)
	return az
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// listen runs az.Listen on url until the test ends and waits until it is ready.
func listen(t *testing.T, az *authz.Authorizer, url string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- az.Listen(ctx, url) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	select {
	case <-az.Ready():
	case err := <-done:
		t.Fatalf("listen ended before it was ready: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("listener not ready within 10s")
	}
}

func (b *bundle) account(t testing.TB, name string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into accounts (email, password_hash, display_name, locale)
		values ($1, 'x', $2, 'pl') returning id`, name+"-"+uuid.NewString()[:8]+"@example.org", name).Scan(&id))
	return id
}

func (b *bundle) organisation(t testing.TB, kind string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into organisations (kind, name, slug)
		values ($1, 'Organisation', $2) returning id`, kind, "org-"+uuid.NewString()[:12]).Scan(&id))
	return id
}

// member adds accountID to an organisation with an organisation role and
// announces the change, as the organisation service does.
func (b *bundle) member(t testing.TB, orgID, accountID uuid.UUID, role string) {
	t.Helper()
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		if _, err := tx.Exec(b.ctx, `insert into organisation_members (organisation_id, account_id, role)
			values ($1, $2, $3)`, orgID, accountID, role); err != nil {
			return err
		}
		return b.az.Changed(b.ctx, tx)
	}))
}

func (b *bundle) grant(t testing.TB, accountID uuid.UUID, role, domain string) {
	t.Helper()
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.Grant(b.ctx, tx, accountID, role, domain, uuid.Nil)
	}))
}

func (b *bundle) revoke(t *testing.T, accountID uuid.UUID, role, domain string) {
	t.Helper()
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.Revoke(b.ctx, tx, accountID, role, domain, uuid.Nil)
	}))
}

// can asks az whether s may do act on obj, as a resolver would.
func can(az *authz.Authorizer, s authz.Subject, act string, obj authz.Object) bool {
	ctx := authz.WithSubject(authz.WithAuthorizer(context.Background(), az), s)
	return authz.Can(ctx, act, obj)
}

// eventually waits until can answers want, failing after a deadline.
func eventually(t *testing.T, az *authz.Authorizer, s authz.Subject, act string, obj authz.Object, want bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for can(az, s, act, obj) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s on %s: still %v after 10s", act, obj.Type, !want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func signedIn(id uuid.UUID) authz.Subject { return authz.Subject{AccountID: id} }
