package dialogue_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/testclock"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// bundle is one test's fixtures: a fresh database, the service on it, a
// city unit with an official, a coordinator.
type bundle struct {
	ctx         context.Context
	pool        *pgxpool.Pool
	az          *authz.Authorizer
	svc         *dialogue.Service
	notify      *notify.Service
	clock       *testclock.Clock
	unitID      uuid.UUID
	official    context.Context
	coordinator context.Context
	coordID     uuid.UUID
}

func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	log := slog.New(slog.DiscardHandler)
	az, err := authz.New(ctx, pool, log)
	require.NoError(t, err)
	ns, err := notify.New(pool, pgtest.Jobs(t, pool), notify.Config{PublicURL: "https://otwarty.test"}, log)
	require.NoError(t, err)
	svc := dialogue.New(pool, pgtest.Jobs(t, pool), az, ns, log)
	clk := testclock.New(time.Now().Truncate(time.Microsecond))
	svc.SetClock(clk.Now)
	b := &bundle{ctx: ctx, pool: pool, az: az, svc: svc, notify: ns, clock: clk}
	b.unitID = b.organisation(t, "city_unit")
	var id uuid.UUID
	id, b.official = b.staff(t, authz.RoleOfficial, authz.Domain("org", b.unitID))
	_ = id
	b.coordID, b.coordinator = b.staff(t, authz.RoleCoordinator, "*")
	return b
}

func (b *bundle) organisation(t *testing.T, kind string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	slug := strings.ReplaceAll(kind, "_", "-") + "-" + uuid.NewString()[:8]
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into organisations (kind, name, slug) values ($1, $2, $3) returning id`,
		kind, "Organisation "+slug, slug).Scan(&id))
	return id
}

func (b *bundle) account(t *testing.T, name string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into accounts (email, email_confirmed_at, password_hash, display_name, locale)
		values ($1, now(), 'x', $2, 'en') returning id`, name+"-"+uuid.NewString()[:8]+"@otwarty.test", name).Scan(&id))
	return id
}

func (b *bundle) as(id uuid.UUID) context.Context {
	return authz.WithAuthorizer(authz.WithSubject(b.ctx, authz.Subject{AccountID: id, Confirmed: true}), b.az)
}

func (b *bundle) anonymous() context.Context { return b.as(uuid.Nil) }

func (b *bundle) staff(t *testing.T, role, domain string) (uuid.UUID, context.Context) {
	t.Helper()
	id := b.account(t, role)
	_, err := b.pool.Exec(b.ctx, `insert into role_grants (account_id, role, domain) values ($1, $2, $3)`, id, role, domain)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))
	return id, b.as(id)
}

// member makes accountID a member of orgID with the organisation role.
func (b *bundle) orgMember(t *testing.T, orgID, accountID uuid.UUID, role string) {
	t.Helper()
	_, err := b.pool.Exec(b.ctx, `insert into organisation_members (organisation_id, account_id, role) values ($1, $2, $3)`,
		orgID, accountID, role)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))
}

// body creates a body of the unit as the coordinator.
func (b *bundle) body(t *testing.T, public bool) *dialogue.Body {
	t.Helper()
	body, err := b.svc.CreateBody(b.coordinator, dialogue.CreateInput{UnitID: b.unitID, Kind: dialogue.KindAdvisoryCouncil,
		Name: i18n.Input{Locale: i18n.PL, Text: "Rada ds. Cudzoziemców"}, Public: public})
	require.NoError(t, err)
	return body
}

// person appoints accountID with role for a year from now.
func (b *bundle) person(t *testing.T, bodyID, accountID uuid.UUID, role dialogue.Role) *dialogue.Member {
	t.Helper()
	end := b.clock.Now().AddDate(1, 0, 0)
	m, err := b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: bodyID, AccountID: &accountID, Role: role, TermEnd: &end})
	require.NoError(t, err)
	return m
}

func ptr[T any](v T) *T { return &v }

// startWorkers runs a River client that works the dialogue and notification
// jobs, polling often; stopped at cleanup.
func (b *bundle) startWorkers(t *testing.T) {
	t.Helper()
	workers := river.NewWorkers()
	b.svc.Register(workers)
	b.notify.Register(workers)
	rc, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:           workers,
		FetchCooldown:     10 * time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond,
		TestOnly:          true,
		Logger:            slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	require.NoError(t, rc.Start(b.ctx))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rc.Stop(ctx)
	})
}
