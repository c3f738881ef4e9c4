package infopages_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/infopages"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/testclock"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type bundle struct {
	ctx         context.Context
	pool        *pgxpool.Pool
	az          *authz.Authorizer
	svc         *infopages.Service
	clock       *testclock.Clock
	coordID     uuid.UUID
	coordinator context.Context
	anonymous   context.Context
}

func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	log := slog.New(slog.DiscardHandler)
	az, err := authz.New(ctx, pool, log)
	require.NoError(t, err)
	svc := infopages.New(pool, az, log)
	clk := testclock.New(time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC).Local()) // pgx reads times in Local
	svc.SetClock(clk.Now)
	b := &bundle{ctx: ctx, pool: pool, az: az, svc: svc, clock: clk}
	b.anonymous = authz.WithAuthorizer(ctx, az)
	b.coordID, b.coordinator = b.staff(t, "Koordynatorka", authz.RoleCoordinator, "*")
	return b
}

func (b *bundle) account(t *testing.T, name string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into accounts (email, email_confirmed_at, password_hash, display_name, locale)
		values ($1, now(), 'x', $2, 'pl') returning id`, name+"-"+uuid.NewString()[:8]+"@otwarty.test", name).Scan(&id))
	return id
}

func (b *bundle) as(id uuid.UUID) context.Context {
	return authz.WithAuthorizer(authz.WithSubject(b.ctx, authz.Subject{AccountID: id, Confirmed: true}), b.az)
}

func (b *bundle) staff(t *testing.T, name, role, domain string) (uuid.UUID, context.Context) {
	t.Helper()
	id := b.account(t, name)
	_, err := b.pool.Exec(b.ctx, `insert into role_grants (account_id, role, domain) values ($1, $2, $3)`, id, role, domain)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))
	return id, b.as(id)
}

func (b *bundle) unit(t *testing.T, name string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into organisations (kind, name, slug) values ('city_unit', $1, $2) returning id`,
		name, "unit-"+uuid.NewString()[:8]).Scan(&id))
	return id
}

// page creates and publishes a page with the original "<slug> v1".
func (b *bundle) page(t *testing.T, slug string, kind infopages.Kind, publish bool) *infopages.Page {
	t.Helper()
	p, err := b.svc.CreatePage(b.coordinator, infopages.CreateInput{Slug: slug, Kind: kind, Title: slug + " tytuł", Body: slug + " v1"})
	require.NoError(t, err)
	if publish {
		p, err = b.svc.Publish(b.coordinator, p.ID)
		require.NoError(t, err)
	}
	return p
}
