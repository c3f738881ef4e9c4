package events_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/testclock"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// bundle is one test's fixtures: a fresh database, the service at a fixed
// time, a coordinator, an NGO with a member (who submits) and another
// organisation with its own member, and a resident.
type bundle struct {
	ctx         context.Context
	pool        *pgxpool.Pool
	az          *authz.Authorizer
	svc         *events.Service
	clock       *testclock.Clock
	coordinator context.Context
	coordID     uuid.UUID
	ngo         uuid.UUID
	memberID    uuid.UUID
	member      context.Context
	other       uuid.UUID
	outsider    context.Context
	resident    context.Context
	anonymous   context.Context
}

// now is the tests' clock: 2025-03-10 12:00 in Warsaw.
var now = time.Date(2025, 3, 10, 12, 0, 0, 0, i18n.Warsaw)

func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	log := slog.New(slog.DiscardHandler)
	az, err := authz.New(ctx, pool, log)
	require.NoError(t, err)
	ns, err := notify.New(pool, pgtest.Jobs(t, pool), notify.Config{PublicURL: "https://otwarty.test"}, log)
	require.NoError(t, err)
	svc := events.New(pool, ns, events.Config{PublicURL: "https://otwarty.test"}, log)
	clk := testclock.New(now)
	svc.SetClock(clk.Now)
	b := &bundle{ctx: ctx, pool: pool, az: az, svc: svc, clock: clk,
		anonymous: authz.WithAuthorizer(ctx, az)}
	b.coordID = b.account(t, "Koordynatorka", "pl")
	_, err = pool.Exec(ctx, `insert into role_grants (account_id, role, domain) values ($1, 'coordinator', '*')`, b.coordID)
	require.NoError(t, err)
	b.coordinator = b.as(b.coordID)
	b.ngo = b.organisation(t, "Fundacja Dom Wielokulturowy")
	b.memberID = b.account(t, "Олена", "uk")
	b.join(t, b.ngo, b.memberID)
	b.member = b.as(b.memberID)
	b.other = b.organisation(t, "Stowarzyszenie Inne")
	outsider := b.account(t, "Outsider", "en")
	b.join(t, b.other, outsider)
	b.outsider = b.as(outsider)
	b.resident = b.as(b.account(t, "Resident", "pl"))
	require.NoError(t, az.Reload(ctx))
	return b
}

func (b *bundle) account(t *testing.T, name, locale string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into accounts (email, email_confirmed_at, password_hash, display_name, locale)
		values ($1, now(), 'x', $2, $3) returning id`, uuid.NewString()[:8]+"@otwarty.test", name, locale).Scan(&id))
	return id
}

func (b *bundle) as(id uuid.UUID) context.Context {
	return authz.WithAuthorizer(authz.WithSubject(b.ctx, authz.Subject{AccountID: id, Confirmed: true}), b.az)
}

func (b *bundle) organisation(t *testing.T, name string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into organisations (kind, name, slug) values ('ngo', $1, $2) returning id`,
		name, "org-"+uuid.NewString()[:8]).Scan(&id))
	return id
}

func (b *bundle) join(t *testing.T, org, account uuid.UUID) {
	t.Helper()
	_, err := b.pool.Exec(b.ctx, `insert into organisation_members (organisation_id, account_id, role) values ($1, $2, 'member')`, org, account)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))
}

// input is a two-hour workshop on 2025-03-14 from 18:00 Warsaw time.
func (b *bundle) input() events.Input {
	start := time.Date(2025, 3, 14, 18, 0, 0, 0, i18n.Warsaw)
	return events.Input{OrganisationID: b.ngo,
		Title:       []i18n.Input{{Locale: i18n.UK, Text: "Розмовний клуб польської"}, {Locale: i18n.PL, Text: "Klub konwersacji po polsku"}},
		Description: []i18n.Input{{Locale: i18n.UK, Text: "Практика польської мови для початківців."}},
		Category:    events.CategoryWorkshop, StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Place: "ul. Krakowska 1, Kraków", Languages: []string{"uk", "PL"}}
}

func requireCode(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	require.Error(t, err)
	var e *apperr.Error
	require.ErrorAs(t, err, &e, "%v", err)
	require.Equal(t, code, e.Code, "%v", err)
	if key != "" {
		require.Equal(t, key, e.Key, "%v", err)
	}
}

// audits lists the audit actions on an event, oldest first.
func (b *bundle) audits(t *testing.T, id uuid.UUID) []string {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `select action from audit_log where object_type = 'event' and object_id = $1 order by created_at`, id.String())
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		out = append(out, a)
	}
	return out
}

// notices counts deliver jobs of kind for an account.
func (b *bundle) notices(t *testing.T, kind string, account uuid.UUID) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1 and args->>'kind' = $2
		and args->>'account_id' = $3`, notify.JobDeliver, kind, account.String()).Scan(&n))
	return n
}

func ids(p []*events.Event) []uuid.UUID {
	out := []uuid.UUID{}
	for _, e := range p {
		out = append(out, e.ID)
	}
	return out
}
