package poll_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
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
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/poll"
	"github.com/otwarty/otwarty/internal/tally"
	"github.com/otwarty/otwarty/internal/testclock"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The mechanism is tested under a test domain: owners are bare budget
// editions (real rows the policy knows: the unit's official manages them),
// the roll of who may vote for which key and the electorate are set by each
// test.

const kind = "test_motion"

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// bundle is one test's fixtures.
type bundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	svc   *poll.Service
	box   *ballotbox.Box
	clock *testclock.Clock
	logs  *syncBuffer
	owner uuid.UUID
	chair context.Context // the unit's official: manages the owner's polls
	unit  uuid.UUID

	mu         sync.Mutex
	roll       map[uuid.UUID][]poll.VoterKey // account → keys it may cast for
	electorate poll.Electorate
	hidden     bool  // the caller may not see the owner
	closed     error // the owner's Closed error
	changes    int   // calls of the Changed hook
}

func setup(t *testing.T) *bundle { t.Helper(); return setupBatch(t, 1) }

// setupBatch's ballot box mixes every batch ballots.
func setupBatch(t *testing.T, batch int) *bundle {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	az, err := authz.New(ctx, pool, log)
	require.NoError(t, err)
	ctx = authz.WithAuthorizer(ctx, az)
	box, err := ballotbox.New(pool, ballotbox.Config{Key: []byte(strings.Repeat("poll-test-box-key-", 2)), KeyID: "k1",
		Batch: batch}, log)
	require.NoError(t, err)
	b := &bundle{ctx: ctx, pool: pool, box: box, logs: logs, clock: testclock.New(time.Now().Truncate(time.Microsecond)),
		roll: map[uuid.UUID][]poll.VoterKey{}}
	b.svc = poll.New(pool, pgtest.Jobs(t, pool), box, log, b.clock.Now, poll.Config{
		Kind: kind, Owner: b.ownerHook, Eligible: b.eligible, Electorate: b.electorateHook,
		Changed: func(context.Context, pgx.Tx, *poll.Poll) error { b.mu.Lock(); b.changes++; b.mu.Unlock(); return nil },
	})
	// Real River runs the deadline closes.
	workers := river.NewWorkers()
	poll.Register(workers, log, b.svc)
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}, Workers: workers,
		FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond, Logger: log,
	})
	require.NoError(t, err)
	rctx, stop := context.WithCancel(context.Background())
	require.NoError(t, rc.Start(rctx))
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rc.Stop(sctx)
		stop()
	})
	require.NoError(t, pool.QueryRow(ctx, `insert into organisations (kind, name, slug) values ('city_unit', 'Urząd', $1)
		returning id`, "u-"+uuid.NewString()[:8]).Scan(&b.unit))
	require.NoError(t, pool.QueryRow(ctx, `insert into budget_editions (unit_id, year) values ($1, 2000 + (random() * 100)::int)
		returning id`, b.unit).Scan(&b.owner))
	var chair uuid.UUID
	chair, b.chair = b.person(t)
	require.NoError(t, db.InTx(ctx, pool, func(tx *db.Tx) error {
		return az.Grant(ctx, tx, chair, authz.RoleOfficial, authz.Domain("org", b.unit), uuid.Nil)
	}))
	return b
}

// person inserts a confirmed account and returns it with its ctx.
func (b *bundle) person(t *testing.T) (uuid.UUID, context.Context) {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into accounts (email, email_confirmed_at, password_hash, display_name, locale)
		values ($1, now(), 'x', $1, 'pl') returning id`, "p-"+uuid.NewString()[:8]+"@otwarty.test").Scan(&id))
	return id, authz.WithSubject(b.ctx, authz.Subject{AccountID: id, Confirmed: true})
}

// member is a new person who may vote under their own key.
func (b *bundle) member(t *testing.T) (poll.VoterKey, context.Context) {
	t.Helper()
	id, ctx := b.person(t)
	b.allow(id, poll.Person(id))
	return poll.Person(id), ctx
}

// allow lets account cast for keys.
func (b *bundle) allow(account uuid.UUID, keys ...poll.VoterKey) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll[account] = append(b.roll[account], keys...)
}

func (b *bundle) setElectorate(e poll.Electorate) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.electorate = e
}

func (b *bundle) ownerHook(ctx context.Context, tx pgx.Tx, owner uuid.UUID, _ poll.Act) (*poll.Owner, error) {
	var n int
	if err := tx.QueryRow(ctx, `select count(*) from budget_editions where id = $1`, owner).Scan(&n); err != nil || n == 0 {
		return nil, apperr.ErrNotFound
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return &poll.Owner{Visible: !b.hidden, Closed: b.closed, Object: authz.Object{Type: "budget_edition", ID: owner.String(),
		Domains: []string{"budget_edition:" + owner.String(), authz.Domain("org", b.unit)}, Attrs: map[string]string{"status": "open"}}}, nil
}

func (b *bundle) eligible(_ context.Context, _ pgx.Tx, _ *poll.Poll, account uuid.UUID) ([]poll.VoterKey, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.roll[account], nil
}

func (b *bundle) electorateHook(context.Context, pgx.Tx, *poll.Poll) (poll.Electorate, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.electorate, nil
}

// polish is the Polish default: quorum half of the members, simple
// majority of votes for and against, the chair's vote breaks a tie.
var polish = tally.Rule{Quorum: tally.Half, Base: tally.BaseVotesFor, Share: tally.Half, CastingVote: true}

// simple is polish without a casting vote.
var simple = tally.Rule{Quorum: tally.Half, Base: tally.BaseVotesFor, Share: tally.Half}

func (b *bundle) open(t *testing.T, in poll.Input) *poll.Poll {
	t.Helper()
	p, err := b.svc.Open(b.chair, b.owner, in)
	require.NoError(t, err)
	return p
}

func (b *bundle) cast(t *testing.T, ctx context.Context, id uuid.UUID, c poll.Choice) {
	t.Helper()
	_, err := b.svc.Cast(ctx, id, poll.CastInput{Choice: c})
	require.NoError(t, err)
}

func (b *bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, sql, args...).Scan(&n))
	return n
}

// requireErr checks an error's code, message key (which every locale has)
// and field.
func requireErr(t *testing.T, err error, code apperr.Code, key, field string) {
	t.Helper()
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, code, e.Code, "%v", err)
	require.Equal(t, key, e.Key, "%v", err)
	require.Equal(t, field, e.Field, "%v", err)
	require.True(t, i18n.Has(e.Key), e.Key)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		require.True(t, time.Now().Before(deadline), "timed out waiting for %s", what)
		time.Sleep(50 * time.Millisecond)
	}
}
