package budget_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/testclock"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testKey stands in for the identity service's identifier key.
var testKey = []byte("budget-test-identifier-key")

// hashIdentifier is identity.Service.HashIdentifier with testKey.
func hashIdentifier(typ, id string) ([]byte, string, error) {
	typ, id, err := identity.NormalizeIdentifier(typ, id)
	if err != nil {
		return nil, "", err
	}
	m := hmac.New(sha256.New, testKey)
	m.Write([]byte(typ + ":" + id))
	return m.Sum(nil), "k1", nil
}

// bundle is one test's fixtures: a fresh database and the service on it.
type bundle struct {
	ctx    context.Context
	pool   *pgxpool.Pool
	az     *authz.Authorizer
	svc    *budget.Service
	box    *ballotbox.Box
	notify *notify.Service
	river  *river.Client[pgx.Tx]
	clock  *testclock.Clock
	unitID uuid.UUID
}

// setup's ballot box writes each ballot out as it is cast (a batch of
// one), so that tests see ballots at once; setupBatch sets another batch.
func setup(t *testing.T) *bundle { t.Helper(); return setupBatch(t, 1) }

func setupBatch(t *testing.T, batch int) *bundle {
	t.Helper()
	return setupOn(t, pgtest.Pool(t), batch, true)
}

// setupOn is setupBatch on pool; without workers no River client runs
// (benchmarks, whose pool counts statements).
func setupOn(t testing.TB, pool *pgxpool.Pool, batch int, workers bool) *bundle {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	az, err := authz.New(ctx, pool, log)
	require.NoError(t, err)
	ns, err := notify.New(pool, pgtest.Jobs(t, pool), notify.Config{PublicURL: "https://otwarty.test"}, log)
	require.NoError(t, err)
	box, err := ballotbox.New(pool, ballotbox.Config{Key: []byte(strings.Repeat("budget-test-box-key-", 2)), KeyID: "k1",
		Batch: batch}, log)
	require.NoError(t, err)
	svc, err := budget.New(pool, pgtest.Jobs(t, pool), az, ns, hashIdentifier, box, log)
	require.NoError(t, err)
	clk := testclock.New(time.Now())
	svc.SetClock(clk.Now)
	b := &bundle{ctx: ctx, pool: pool, az: az, svc: svc, box: box, notify: ns, clock: clk}
	if workers {
		// Real River runs the budget's and notifications' jobs.
		ws := river.NewWorkers()
		ns.Register(ws)
		svc.Register(ws)
		rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
			Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}, Workers: ws,
			FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond, Logger: log,
		})
		require.NoError(t, err)
		rctx, stopRiver := context.WithCancel(ctx)
		require.NoError(t, rc.Start(rctx))
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = rc.Stop(sctx)
			stopRiver()
		})
		b.river = rc
	}
	slug := "unit-" + uuid.NewString()[:8]
	require.NoError(t, pool.QueryRow(ctx, `insert into organisations (kind, name, slug) values ('city_unit', $1, $1) returning id`,
		slug).Scan(&b.unitID))
	return b
}

func (b *bundle) account(t testing.TB) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	email := "a-" + uuid.NewString()[:12] + "@otwarty.test"
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into accounts (email, email_confirmed_at, password_hash, display_name, locale)
		values ($1, now() - interval '2 days', 'x', $1, 'pl') returning id`, email).Scan(&id))
	return id
}

func (b *bundle) as(s authz.Subject) context.Context {
	return authz.WithAuthorizer(authz.WithSubject(b.ctx, s), b.az)
}

func (b *bundle) anonymous() context.Context { return b.as(authz.Subject{}) }

// staff returns ctx for a new account holding role in domain.
func (b *bundle) staff(t testing.TB, role, domain string) context.Context {
	t.Helper()
	id := b.account(t)
	_, err := b.pool.Exec(b.ctx, `insert into role_grants (account_id, role, domain) values ($1, $2, $3)`, id, role, domain)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))
	return b.as(authz.Subject{AccountID: id, Confirmed: true})
}

func (b *bundle) official(t testing.TB) context.Context {
	t.Helper()
	return b.staff(t, authz.RoleOfficial, authz.Domain("org", b.unitID))
}

// resident is ctx for a confirmed but unverified account.
func (b *bundle) resident(t *testing.T) context.Context {
	t.Helper()
	return b.as(authz.Subject{AccountID: b.account(t), Confirmed: true})
}

// verified returns ctx for a new verified resident whose verification
// hashes identifier (type "other").
func (b *bundle) verified(t testing.TB, identifier string) context.Context {
	t.Helper()
	id := b.account(t)
	hash, keyID, err := hashIdentifier(identity.IdentifierOther, identifier)
	require.NoError(t, err)
	_, err = b.pool.Exec(b.ctx, `insert into verifications (account_id, identifier_hash, key_id, method) values ($1, $2, $3, 'in_person')`,
		id, hash, keyID)
	require.NoError(t, err)
	return b.as(authz.Subject{AccountID: id, Confirmed: true, Verified: true})
}

// voter returns ctx for a verified resident on the edition's roll in district.
func (b *bundle) voter(t testing.TB, editionID uuid.UUID, district string) context.Context {
	t.Helper()
	ctx := b.verified(t, "V"+strings.ReplaceAll(uuid.NewString(), "-", ""))
	_, err := b.svc.RegisterAccountVoter(ctx, editionID, district)
	require.NoError(t, err)
	return ctx
}

// kraków is an edition with Kraków's rules on a small scale: a city-wide
// pool and two district pools, each with 5 projects, exactly 3 ranked
// picks (3/2/1), every pool required; voting open since an hour ago.
type krakow struct {
	edition                 *budget.Edition
	city, stare, grzegorzki *budget.Pool
	projects                map[uuid.UUID][]uuid.UUID // pool → projects by code
}

func (b *bundle) krakowEdition(t testing.TB) *krakow {
	t.Helper()
	ctx := b.official(t)
	now := b.clock.Now()
	opens, closes := now.Add(-time.Hour), now.Add(7*24*time.Hour)
	e, err := b.svc.CreateEdition(ctx, budget.EditionInput{UnitID: b.unitID, Year: 2024, VotingOpensAt: &opens,
		VotingClosesAt: &closes, LiveThreshold: 10})
	require.NoError(t, err)
	k := &krakow{edition: e, projects: map[uuid.UUID][]uuid.UUID{}}
	pool := func(name, kind, district, prefix string) *budget.Pool {
		p, err := b.svc.CreatePool(ctx, e.ID, budget.PoolInput{Name: name, Kind: kind, District: district, Budget: 100_000_00,
			Rule: budget.RuleGreedy, PickMode: budget.PickExactly, PickCount: 3, BallotKind: budget.BallotRanked, Required: true})
		require.NoError(t, err)
		for i := 1; i <= 5; i++ {
			pr, err := b.svc.CreateProject(ctx, p.ID, budget.ProjectInput{Code: fmt.Sprintf("BO.%s.%d/24", prefix, i),
				Title: "Projekt " + prefix, Cost: int64(i) * 10_000_00})
			require.NoError(t, err)
			k.projects[p.ID] = append(k.projects[p.ID], pr.ID)
		}
		return p
	}
	k.city = pool("Ogólnomiejski", budget.KindCity, "", "OM")
	k.stare = pool("Stare Miasto", budget.KindDistrict, "stare-miasto", "D1")
	k.grzegorzki = pool("Grzegórzki", budget.KindDistrict, "grzegorzki", "D2")
	k.edition, err = b.svc.OpenVoting(ctx, e.ID)
	require.NoError(t, err)
	return k
}

// valid is a valid ballot of a Stare Miasto voter.
func (k *krakow) valid(key string) budget.BallotInput {
	return budget.BallotInput{EditionID: k.edition.ID, BallotKey: key, Picks: map[uuid.UUID][]uuid.UUID{
		k.city.ID:  k.projects[k.city.ID][:3],
		k.stare.ID: {k.projects[k.stare.ID][2], k.projects[k.stare.ID][0], k.projects[k.stare.ID][4]},
	}}
}

// key returns a fresh ballot key.
func key() string { return "key-" + uuid.NewString() }

func requireAppErr(t *testing.T, err error, code apperr.Code, key, field string) {
	t.Helper()
	var e *apperr.Error
	require.True(t, errors.As(err, &e), "want %s %s, got %v", code, key, err)
	require.Equal(t, code, e.Code, "%v", err)
	require.Equal(t, key, e.Key, "%v", err)
	require.Equal(t, field, e.Field, "%v", err)
}
