package ambassador_test

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/testclock"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// bundle is one test's fixtures: a fresh database, the services, a
// coordinator, and a published edition whose nominations are open now.
type bundle struct {
	ctx         context.Context
	pool        *pgxpool.Pool
	az          *authz.Authorizer
	svc         *ambassador.Service
	ids         *identity.Service
	clock       *testclock.Clock
	coordID     uuid.UUID
	coordinator context.Context
	edition     *ambassador.Edition
	orgCat      uuid.UUID
	indCat      uuid.UUID
	criteria    []ambassador.Criterion
	start       time.Time
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
	ids := identity.New(pool, identity.Config{Argon2: identity.TestArgon2(), MaxConcurrentHashes: 2,
		IdentifierKey: []byte("0123456789abcdef0123456789abcdef"), IdentifierKeyID: "k1", PublicURL: "https://otwarty.test"}, ns, az)
	svc := ambassador.New(pool, az, ns, ids, ambassador.Config{PublicURL: "https://otwarty.test"}, log)
	svc.UseJobs(pgtest.Jobs(t, pool))
	box, err := ballotbox.New(pool, ballotbox.Config{Key: []byte("0123456789abcdef0123456789abcdef"), KeyID: "k1", Batch: 1}, log)
	require.NoError(t, err)
	svc.UseBox(box)
	start := time.Now().Truncate(time.Second)
	clk := testclock.New(start)
	svc.SetClock(clk.Now)
	b := &bundle{ctx: ctx, pool: pool, az: az, svc: svc, ids: ids, clock: clk, start: start}
	b.coordID, b.coordinator = b.staff(t, authz.RoleCoordinator, "*")
	b.edition = b.publishedEdition(t, 2025)
	return b
}

// schedule: nominations from start-1h for 10 days, check 5 days, scoring
// 10, decision 5, announcement 1 day later.
func (b *bundle) schedule() ambassador.Schedule {
	day := 24 * time.Hour
	open := b.start.Add(-time.Hour)
	return ambassador.Schedule{NominationsOpen: open, NominationsClose: open.Add(10 * day), CheckClose: open.Add(15 * day),
		ScoringClose: open.Add(25 * day), DecisionClose: open.Add(30 * day), AnnounceAt: open.Add(31 * day)}
}

func call() []i18n.Input {
	return []i18n.Input{{Locale: i18n.PL, Text: "Nabór"}, {Locale: i18n.UK, Text: "Прийом"},
		{Locale: i18n.EN, Text: "Call"}, {Locale: i18n.RU, Text: "Приём"}}
}

func (b *bundle) publishedEdition(t *testing.T, year int) *ambassador.Edition {
	t.Helper()
	e, err := b.svc.CreateEdition(b.coordinator, ambassador.CreateInput{Year: year, Schedule: b.schedule(), Call: call()})
	require.NoError(t, err)
	e, err = b.svc.PublishEdition(b.coordinator, e.ID)
	require.NoError(t, err)
	cats, err := b.svc.Categories(b.ctx, e.ID)
	require.NoError(t, err)
	require.Len(t, cats, 2)
	b.orgCat, b.indCat = cats[0].ID, cats[1].ID
	b.criteria, err = b.svc.Criteria(b.ctx, e.ID)
	require.NoError(t, err)
	return e
}

func (b *bundle) account(t *testing.T, name, locale string) (uuid.UUID, string) {
	t.Helper()
	var id uuid.UUID
	email := name + "-" + uuid.NewString()[:8] + "@otwarty.test"
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into accounts (email, email_confirmed_at, password_hash, display_name, locale)
		values ($1, now(), 'x', $2, $3) returning id`, email, name, locale).Scan(&id))
	return id, email
}

func (b *bundle) as(id uuid.UUID) context.Context {
	return authz.WithAuthorizer(authz.WithSubject(b.ctx, authz.Subject{AccountID: id, Confirmed: true}), b.az)
}

func (b *bundle) staff(t *testing.T, role, domain string) (uuid.UUID, context.Context) {
	t.Helper()
	id, _ := b.account(t, role, "pl")
	_, err := b.pool.Exec(b.ctx, `insert into role_grants (account_id, role, domain) values ($1, $2, $3)`, id, role, domain)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))
	return id, b.as(id)
}

func (b *bundle) organisation(t *testing.T, kind string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	slug := kind + "-" + uuid.NewString()[:8]
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into organisations (kind, name, slug) values ($1, $2, $3) returning id`,
		kind, "Organisation "+slug, slug).Scan(&id))
	return id
}

func (b *bundle) orgMember(t *testing.T, org, account uuid.UUID) {
	t.Helper()
	_, err := b.pool.Exec(b.ctx, `insert into organisation_members (organisation_id, account_id, role) values ($1, $2, 'member')`, org, account)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))
}

// person is an online nomination of a person with a justification on the
// first criterion.
func (b *bundle) person(name, email string) ambassador.NominationInput {
	return ambassador.NominationInput{EditionID: b.edition.ID, CategoryID: b.indCat,
		Nominee: ambassador.NomineeInput{Name: name, Email: email},
		Justifications: []ambassador.JustificationInput{{CriterionID: b.criteria[0].ID,
			Text: i18n.Input{Locale: i18n.EN, Text: "Twenty years of intercultural work"}}},
		Links: []string{"https://example.org/about"}}
}

// consentToken reads the live consent link of a nomination, else its
// newest (notify keeps the link apart from the job until the e-mail is
// sent). Live first: the test clock stands still, so a resent link may
// carry the same creation time as the one it revoked.
func (b *bundle) consentToken(t *testing.T, nomination uuid.UUID) string {
	t.Helper()
	var link string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select s.data->>$2 from ambassador_consent_tokens c
		join notification_secrets s on s.dedupe_key = 'ambassador_consent:' || c.id::text
		where c.nomination_id = $1 order by (c.revoked_at is null and c.used_at is null) desc, c.created_at desc, c.id limit 1`, nomination, notify.DataLink).Scan(&link))
	require.True(t, strings.HasPrefix(link, "https://otwarty.test"+ambassador.PathConsent+"?token="), link)
	u, err := url.Parse(link)
	require.NoError(t, err)
	return u.Query().Get("token")
}

// notices counts deliver jobs of kind for an account (uuid.Nil: by address).
func (b *bundle) notices(t *testing.T, kind string, account uuid.UUID, to string) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1 and args->>'kind' = $2
		and coalesce(args->>'account_id', '00000000-0000-0000-0000-000000000000') = $3 and ($4 = '' or args->>'to_address' = $4)`,
		notify.JobDeliver, kind, account.String(), to).Scan(&n))
	return n
}

// day moves the clock to start + d days (+ an hour past the opening).
func (b *bundle) at(d time.Duration) { b.clock.Set(b.start.Add(d)) }

const day = 24 * time.Hour

// runMove runs the edition's real scheduled move to `to` now: its River job
// is made due and worked by a River client with the Ambassador's workers.
func (b *bundle) runMove(t *testing.T, to ambassador.Phase) {
	t.Helper()
	tag, err := b.pool.Exec(b.ctx, `update river_job set scheduled_at = now() where kind = $1 and state = 'scheduled'
		and args->>'object_id' = $2 and args->>'to' = $3`, ambassador.JobPhase, b.edition.ID.String(), string(to))
	require.NoError(t, err)
	require.Equal(t, int64(1), tag.RowsAffected())
	workers := river.NewWorkers()
	b.svc.Register(workers)
	rc, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{
		Logger:            slog.New(slog.DiscardHandler),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		Workers:           workers,
		FetchCooldown:     10 * time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond,
		TestOnly:          true,
	})
	require.NoError(t, err)
	require.NoError(t, rc.Start(b.ctx))
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rc.Stop(ctx)
	}()
	require.Eventually(t, func() bool {
		var pending int
		err := b.pool.QueryRow(b.ctx, `select count(*) from river_job where kind = $1 and args->>'object_id' = $2
			and args->>'to' = $3 and state <> 'completed'`, ambassador.JobPhase, b.edition.ID.String(), string(to)).Scan(&pending)
		return err == nil && pending == 0
	}, 30*time.Second, 50*time.Millisecond)
	e, err := b.svc.Edition(b.coordinator, b.edition.ID)
	require.NoError(t, err)
	b.edition = e
}
