package gathering_test

import (
	"context"
	"fmt"
	"log/slog"
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
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/testclock"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The mechanism is tested under the kind of budget sessions (the schema
// knows only real kinds), with owners that are bare editions and a test
// owner hook whose rules each test sets.

const (
	kind       = "budget_session"
	jobKind    = "gathering_test.reminder"
	noticeKind = "dialogue_meeting"
)

// testJob names the test domain's reminders.
type testJob struct{}

func (testJob) JobKind() string { return jobKind }
func (testJob) IDKey() string   { return "gathering_id" }

var (
	errClosed    = apperr.New(apperr.PhaseClosed, "gathering.started")
	errRegClosed = apperr.New(apperr.PhaseClosed, "gathering.not_started")
)

// bundle is one test's fixtures.
type bundle struct {
	ctx    context.Context
	pool   *pgxpool.Pool
	svc    *gathering.Service
	notify *notify.Service
	clock  *testclock.Clock
	owner  uuid.UUID
	staff  context.Context
	unit   uuid.UUID

	mu        sync.Mutex
	staffID   uuid.UUID
	hidden    bool     // the caller may not see the owner
	closed    bool     // the owner's phase is over
	regClosed bool     // registration is not open
	presence  []string // what the presence hook was told, in order
}

// option changes the test domain's Config before its service is made.
type option func(b *bundle, cfg *gathering.Config)

// withRoll turns on invitations and presence (remote as told), with a hook
// that records each change of a stay as "<account> <mode> in|out <present>".
func withRoll(remote bool) option {
	return func(b *bundle, cfg *gathering.Config) {
		cfg.Invitations = true
		cfg.Presence = &gathering.PresenceRules{Remote: remote,
			Changed: func(_ context.Context, _ pgx.Tx, g *gathering.Gathering, p *gathering.Presence) error {
				state := "in"
				if p.LeftAt != nil {
					state = "out"
				}
				b.mu.Lock()
				defer b.mu.Unlock()
				b.presence = append(b.presence, fmt.Sprintf("%s %s %s %d", p.AccountID, p.Mode, state, g.Present))
				return nil
			}}
	}
}

func setup(t *testing.T, opts ...option) *bundle {
	t.Helper()
	pool := pgtest.Pool(t)
	log := slog.New(slog.DiscardHandler)
	az, err := authz.New(context.Background(), pool, log)
	require.NoError(t, err)
	ctx := authz.WithAuthorizer(context.Background(), az)
	ns, err := notify.New(pool, pgtest.Jobs(t, pool), notify.Config{PublicURL: "https://otwarty.test"}, log)
	require.NoError(t, err)
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: log})
	require.NoError(t, err)
	b := &bundle{ctx: ctx, pool: pool, notify: ns, clock: testclock.New(time.Now().Truncate(time.Microsecond))}
	cfg := gathering.Config{
		Kind:     kind,
		Owner:    b.ownerHook,
		Validate: func(in gathering.Input) (gathering.Input, error) { return in, nil },
		Reminder: gathering.NewReminder[testJob],
		Notices: gathering.Notices{Promoted: noticeKind + "_promoted", Reminder: noticeKind + "_reminder",
			Moved: noticeKind + "_moved", Cancelled: noticeKind + "_cancelled", Invited: noticeKind + "_invited"},
		Names: gathering.Names{Object: "test", Action: "test.", OwnerKey: "owner_id", IDKey: "gathering_id"},
	}
	for _, o := range opts {
		o(b, &cfg)
	}
	b.svc = gathering.New(pool, rc, ns, log, b.clock.Now, cfg)
	require.NoError(t, pool.QueryRow(ctx, `insert into organisations (kind, name, slug) values ('city_unit', 'Urząd', $1)
		returning id`, "u-"+uuid.NewString()[:8]).Scan(&b.unit))
	b.owner = b.edition(t)
	b.staffID, b.staff = b.person(t)
	require.NoError(t, db.InTx(ctx, pool, func(tx *db.Tx) error {
		return az.Grant(ctx, tx, b.staffID, authz.RoleOfficial, authz.Domain("org", b.unit), uuid.Nil)
	}))
	return b
}

// edition inserts a bare edition, an owner of gatherings.
func (b *bundle) edition(t *testing.T) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into budget_editions (unit_id, year) values ($1, 2000 + (random() * 100)::int)
		returning id`, b.unit).Scan(&id))
	return id
}

// person inserts a confirmed Polish account and returns it with its ctx.
func (b *bundle) person(t *testing.T) (uuid.UUID, context.Context) {
	t.Helper()
	return b.personIn(t, i18n.PL)
}

// personIn inserts a confirmed account whose language is locale.
func (b *bundle) personIn(t *testing.T, locale i18n.Locale) (uuid.UUID, context.Context) {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into accounts (email, email_confirmed_at, password_hash, display_name, locale)
		values ($1, now(), 'x', $1, $2) returning id`, "p-"+uuid.NewString()[:8]+"@otwarty.test", string(locale)).Scan(&id))
	return id, authz.WithSubject(b.ctx, authz.Subject{AccountID: id, Confirmed: true})
}

// ownerHook is the test domain's rules, decided by the real policy on
// budget objects: the staff account (the unit's official) manages, everyone
// signed in registers; the flags decide visibility and phases.
func (b *bundle) ownerHook(ctx context.Context, tx pgx.Tx, owner, id uuid.UUID, act gathering.Act) (*gathering.Owner, error) {
	var n int
	if err := tx.QueryRow(ctx, `select count(*) from budget_editions where id = $1`, owner).Scan(&n); err != nil || n == 0 {
		return nil, apperr.ErrNotFound
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	o := &gathering.Owner{ID: owner, Visible: !b.hidden, TextDomains: []string{"budget_edition:" + owner.String()},
		Object: authz.Object{Type: "budget_edition", ID: owner.String(),
			Domains: []string{"budget_edition:" + owner.String(), authz.Domain("org", b.unit)}, Attrs: map[string]string{"status": "open"}}}
	if act == gathering.ActRegister {
		o.Object.Type, o.Object.ID = "budget_session", id.String()
	}
	if b.closed {
		o.Closed = errClosed
	}
	if b.closed || b.regClosed {
		o.RegistrationClosed = errRegClosed
	}
	return o, nil
}

// input is a valid gathering starting in startsIn, two hours long, with
// capacity seats (0: unlimited).
func (b *bundle) input(startsIn time.Duration, capacity int) gathering.Input {
	start := b.clock.Now().Add(startsIn)
	in := gathering.Input{Title: i18n.Input{Locale: i18n.PL, Text: "Spotkanie informacyjne"},
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "Centrum Obywatelskie, ul. Reymonta 20",
		Languages: []string{"pl", "uk"}}
	if capacity > 0 {
		in.Capacity = &capacity
	}
	return in
}

func (b *bundle) create(t *testing.T, startsIn time.Duration, capacity int) *gathering.Gathering {
	t.Helper()
	g, err := b.svc.Create(b.staff, b.owner, b.input(startsIn, capacity))
	require.NoError(t, err)
	return g
}

// register registers a new person and returns it, its ctx and its status.
func (b *bundle) register(t *testing.T, id uuid.UUID) (uuid.UUID, context.Context, string) {
	t.Helper()
	p, ctx := b.person(t)
	r, err := b.svc.Register(ctx, id)
	require.NoError(t, err)
	return p, ctx, r.Status
}

// notices are the data of the notices of kind enqueued for account.
func (b *bundle) notices(t *testing.T, kind string, account uuid.UUID) []map[string]string {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `select coalesce(args->'data', '{}'::jsonb) from river_job
		where kind = $1 and args->>'kind' = $2 and args->>'account_id' = $3 order by id`,
		notify.JobDeliver, kind, account.String())
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[map[string]string])
	require.NoError(t, err)
	return out
}

// reminders are the start times of the reminder jobs of gathering id.
func (b *bundle) reminders(t *testing.T, id uuid.UUID) []time.Time {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `select (args->>'starts_at')::timestamptz from river_job
		where kind = $1 and args->>'gathering_id' = $2 order by id`, jobKind, id.String())
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	require.NoError(t, err)
	return out
}

// work starts a River client that works notices (deliver, e-mail) and
// reminders, as serve does, until the test ends.
func (b *bundle) work(t *testing.T) {
	t.Helper()
	workers := river.NewWorkers()
	b.notify.Register(workers)
	river.AddWorker(workers, gathering.ReminderWorker[testJob](b.svc))
	rc, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{Workers: workers, Logger: slog.New(slog.DiscardHandler),
		Queues:        map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
		FetchCooldown: 10 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, rc.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, rc.Stop(ctx))
	})
}

// settle waits until no notice is left to deliver or mail (reminders
// scheduled for later wait on), and fails at once on a job that failed.
func (b *bundle) settle(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		var pending int
		var failures []string
		require.NoError(t, b.pool.QueryRow(b.ctx, `select
				count(*) filter (where state in ('available', 'running', 'retryable', 'pending')
					or (state = 'scheduled' and kind like 'notify.%')),
				coalesce(array_agg(kind || ': ' || errors::text) filter (where cardinality(errors) > 0), '{}')
			from river_job`).Scan(&pending, &failures))
		require.Empty(t, failures, "a job failed")
		return pending == 0
	}, 15*time.Second, 20*time.Millisecond)
}

// mail is the e-mail of notice kind sent to account, rendered in its
// language; it fails unless exactly one was written.
func (b *bundle) mail(t *testing.T, kind string, account uuid.UUID) notify.OutboxMessage {
	t.Helper()
	out, err := notify.Outbox(b.ctx, b.pool)
	require.NoError(t, err)
	var found []notify.OutboxMessage
	for _, m := range out {
		if m.Kind == kind && m.AccountID != nil && *m.AccountID == account {
			found = append(found, m)
		}
	}
	require.Len(t, found, 1, "%s e-mails to %s", kind, account)
	return found[0]
}

// requireField checks an INVALID_INPUT error of field with key.
func requireField(t *testing.T, field, key string, err error) {
	t.Helper()
	requireKey(t, key, err)
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, []string{string(apperr.InvalidInput), field}, []string{string(e.Code), e.Field})
}

func requireKey(t *testing.T, key string, err error) {
	t.Helper()
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, key, e.Key, "%v", err)
	require.True(t, i18n.Has(e.Key), e.Key)
}

// The test domain's notices are registered as a domain registers its own,
// under the names of the dialogue bodies' meeting notices, whose messages
// are in the locale files (the dialogue package, which registers them
// itself, is not part of these tests).
func init() {
	for _, name := range []string{"invited", "reminder", "moved", "cancelled"} {
		data := []string{"when", "where"}
		if name == "cancelled" {
			data = append(data, "reason")
		}
		notify.Register(notify.Kind{Name: noticeKind + "_" + name, Data: data})
	}
}

// noticeText is a test notice's subject or body in l, filled with vars and
// the link to the notification list.
func noticeText(l i18n.Locale, name, part string, vars map[string]string) string {
	v := map[string]string{"link": "https://otwarty.test/notifications"}
	for k, val := range vars {
		v[k] = val
	}
	return i18n.Fill(i18n.T(l, "notice."+noticeKind+"_"+name+"."+part, nil), v)
}
