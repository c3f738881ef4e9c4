package consultation_test

import (
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

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/testclock"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// bundle is one test's fixtures: a fresh database and everything built on it.
type bundle struct {
	ctx    context.Context
	pool   *pgxpool.Pool
	az     *authz.Authorizer
	notify *notify.Service
	svc    *consultation.Service
	log    *slog.Logger
	clock  *testclock.Clock
	unitID uuid.UUID // a city unit
	n      int       // counter for unique e-mails and slugs
	mu     sync.Mutex
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
	svc, err := consultation.New(pool, pgtest.Jobs(t, pool), az, ns, log)
	require.NoError(t, err)
	clk := testclock.New(time.Now())
	svc.SetClock(clk.Now)
	b := &bundle{ctx: ctx, pool: pool, az: az, notify: ns, svc: svc, log: log, clock: clk}
	b.unitID = b.organisation(t, "city_unit")
	return b
}

func (b *bundle) next() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	return b.n
}

// organisation inserts an organisation of kind and returns its id.
func (b *bundle) organisation(t *testing.T, kind string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	slug := strings.ReplaceAll(kind, "_", "-") + "-" + uuid.NewString()[:8]
	require.NoError(t, b.pool.QueryRow(b.ctx,
		`insert into organisations (kind, name, slug) values ($1, $2, $3) returning id`,
		kind, "Organisation "+slug, slug).Scan(&id))
	return id
}

// account inserts an account; a confirmed one confirmed its e-mail two days ago.
func (b *bundle) account(t *testing.T, email string, confirmed bool) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into accounts (email, email_confirmed_at, password_hash, display_name, locale)
		values (lower($1), case when $2 then now() - interval '2 days' end, 'x', $1, 'pl') returning id`,
		email, confirmed).Scan(&id))
	return id
}

// as is ctx for accountID (uuid.Nil: anonymous) with the authorizer.
func (b *bundle) as(accountID uuid.UUID, confirmed bool) context.Context {
	return authz.WithAuthorizer(authz.WithSubject(b.ctx, authz.Subject{AccountID: accountID, Confirmed: confirmed}), b.az)
}

// anonymous is ctx for a caller who is not signed in.
func (b *bundle) anonymous() context.Context { return b.as(uuid.Nil, false) }

// grant gives accountID role in domain by SQL and reloads the authorizer.
func (b *bundle) grant(t *testing.T, accountID uuid.UUID, role, domain string) {
	t.Helper()
	_, err := b.pool.Exec(b.ctx, `insert into role_grants (account_id, role, domain) values ($1, $2, $3)
		on conflict do nothing`, accountID, role, domain)
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))
}

// staff returns a new confirmed account holding role in domain and its ctx.
func (b *bundle) staff(t *testing.T, role, domain string) (uuid.UUID, context.Context) {
	t.Helper()
	id := b.account(t, role+"-"+uuid.NewString()[:8]+"@otwarty.test", true)
	b.grant(t, id, role, domain)
	return id, b.as(id, true)
}

// official is ctx for a new official of the bundle's city unit.
func (b *bundle) official(t *testing.T) context.Context {
	t.Helper()
	_, ctx := b.staff(t, authz.RoleOfficial, "org:"+b.unitID.String())
	return ctx
}

// officialID is like official and also returns the account id.
func (b *bundle) officialID(t *testing.T) (uuid.UUID, context.Context) {
	t.Helper()
	return b.staff(t, authz.RoleOfficial, "org:"+b.unitID.String())
}

// coordinator is ctx for a new global coordinator.
func (b *bundle) coordinator(t *testing.T) context.Context {
	t.Helper()
	_, ctx := b.staff(t, authz.RoleCoordinator, authz.GlobalDomain)
	return ctx
}

// resident returns a new confirmed account and its ctx.
func (b *bundle) resident(t *testing.T) (uuid.UUID, context.Context) {
	t.Helper()
	id := b.account(t, "resident-"+uuid.NewString()[:8]+"@otwarty.test", true)
	return id, b.as(id, true)
}

// openConsultation stores, by SQL, a consultation of the bundle's unit that
// is open now (opened a day ago, closes in 30 days) with a Polish title, all
// five forms, one section and one question.
func (b *bundle) openConsultation(t *testing.T) *consultation.Consultation {
	t.Helper()
	return b.consultationIn(t, consultation.StatusOpen)
}

// consultationIn is like openConsultation with another status.
func (b *bundle) consultationIn(t *testing.T, status consultation.Status) *consultation.Consultation {
	t.Helper()
	author := b.account(t, "author-"+uuid.NewString()[:8]+"@otwarty.test", true)
	now := b.clock.Now()
	opens, closes := now.Add(-24*time.Hour), now.Add(30*24*time.Hour)
	if status == consultation.StatusDraft || status == consultation.StatusAnnounced {
		opens, closes = now.Add(10*24*time.Hour), now.Add(40*24*time.Hour)
	}
	announce, due := opens.Add(-8*24*time.Hour), closes.Add(50*24*time.Hour)
	var published *time.Time
	if status != consultation.StatusDraft {
		published = &announce
	}
	var id uuid.UUID
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		id = uuid.New()
		domains := []string{consultation.Domain(id), "org:" + b.unitID.String()}
		title, err := i18n.CreateText(b.ctx, tx, i18n.PL, "Konsultacja testowa", author, domains)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(b.ctx, `insert into consultations (id, unit_id, status, title_text_id, forms,
				announce_at, opens_at, closes_at, report_due_at, created_by, published_at, published_by)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, case when $11::timestamptz is not null then $10::uuid end)`,
			id, b.unitID, string(status), title, consultation.Forms, announce, opens, closes, due, author, published); err != nil {
			return err
		}
		heading, err := i18n.CreateText(b.ctx, tx, i18n.PL, "Rozdział 1", author, domains)
		if err != nil {
			return err
		}
		body, err := i18n.CreateText(b.ctx, tx, i18n.PL, "Treść rozdziału pierwszego.", author, domains)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(b.ctx, `insert into consultation_sections (consultation_id, position, heading_text_id, body_text_id)
			values ($1, 0, $2, $3)`, id, heading, body); err != nil {
			return err
		}
		q, err := i18n.CreateText(b.ctx, tx, i18n.PL, "Co sądzisz o projekcie?", author, domains)
		if err != nil {
			return err
		}
		_, err = tx.Exec(b.ctx, `insert into consultation_questions (consultation_id, position, text_id) values ($1, 0, $2)`, id, q)
		return err
	}))
	var c consultation.Consultation
	c.ID, c.UnitID, c.Status, c.TitleTextID = id, b.unitID, status, uuid.Nil
	require.NoError(t, b.pool.QueryRow(b.ctx, `select title_text_id, created_at, updated_at from consultations where id = $1`, id).
		Scan(&c.TitleTextID, &c.CreatedAt, &c.UpdatedAt))
	c.Forms = consultation.Forms
	c.Tags, c.Districts = []string{}, []string{}
	c.AnnounceAt, c.OpensAt, c.ClosesAt, c.ReportDueAt = &announce, &opens, &closes, &due
	c.Overrides = map[string]string{}
	c.AutoHideThreshold, c.EditWindow = 3, 30*time.Minute
	c.CreatedBy, c.PublishedAt = author, published
	return &c
}

// startWorkers runs a River client on the bundle's database that works the
// consultation and notification jobs, polling often; stopped at cleanup.
func (b *bundle) startWorkers(t *testing.T) *river.Client[pgx.Tx] {
	t.Helper()
	workers := river.NewWorkers()
	b.svc.Register(workers)
	b.notify.Register(workers)
	rc, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{
		Logger:            b.log,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:           workers,
		FetchCooldown:     10 * time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond,
		TestOnly:          true,
	})
	require.NoError(t, err)
	require.NoError(t, rc.Start(b.ctx))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rc.Stop(ctx)
	})
	return rc
}
