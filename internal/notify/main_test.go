package notify_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
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
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const publicURL = "https://otwarty.example.org"

// fixture is one test's database, notify service and River client working
// its jobs (and, when asked for, an SMTP server it sends to).
type fixture struct {
	ctx   context.Context
	url   string
	pool  *pgxpool.Pool
	svc   *notify.Service
	river *river.Client[pgx.Tx]
	smtp  *smtpStub
	az    *authz.Authorizer
}

// as is the context of account acting for itself.
func (f *fixture) as(account uuid.UUID) context.Context {
	return authz.WithAuthorizer(authz.WithSubject(f.ctx, authz.Subject{AccountID: account}), f.az)
}

// setPreferences sets every preference of account, as the account.
func (f *fixture) setPreferences(account uuid.UUID, p notify.Preferences) (notify.Preferences, error) {
	return f.svc.ChangePreferences(f.as(account), account, notify.PreferencesChange{InApp: &p.InApp, Email: &p.Email,
		Digest: &p.Digest, SetLocale: true, Locale: p.Locale})
}

type options struct {
	smtp      bool // send to an in-process SMTP server
	noWorkers bool // leave jobs in the table
}

func setup(t *testing.T, o options) *fixture {
	t.Helper()
	f := &fixture{ctx: t.Context(), url: pgtest.URL(t)}
	pool, err := db.Open(f.ctx, f.url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	f.pool = pool
	f.az, err = authz.New(f.ctx, pool, nil)
	require.NoError(t, err)

	cfg := notify.Config{PublicURL: publicURL, From: "Otwarty Kraków <powiadomienia@otwarty.example.org>", DigestHour: 7}
	if o.smtp {
		f.smtp = startSMTPStub(t)
		cfg.SMTPURL = "smtp://" + f.smtp.addr
	}
	f.svc, err = notify.New(pool, pgtest.Jobs(t, pool), cfg, nil)
	require.NoError(t, err)

	workers := river.NewWorkers()
	f.svc.Register(workers)
	rc := &river.Config{
		Workers:           workers,
		FetchCooldown:     10 * time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond,
		Logger:            slog.New(slog.DiscardHandler),
	}
	if !o.noWorkers {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}}
	}
	f.river, err = river.NewClient(riverpgxv5.New(pool), rc)
	require.NoError(t, err)
	if !o.noWorkers {
		require.NoError(t, f.river.Start(context.Background()))
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, f.river.Stop(ctx))
		})
	}
	return f
}

// account inserts an account and returns its id.
func (f *fixture) account(t *testing.T, name, locale string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	err := f.pool.QueryRow(f.ctx, `insert into accounts (email, password_hash, display_name, locale)
		values ($1, 'x', $2, $3) returning id`, strings.ToLower(name)+"@example.org", name, locale).Scan(&id)
	require.NoError(t, err)
	return id
}

// notify commits one Notify call.
func (f *fixture) notify(t *testing.T, n notify.Notice) {
	t.Helper()
	require.NoError(t, db.InTx(f.ctx, f.pool, func(tx *db.Tx) error { return f.svc.Notify(f.ctx, tx.Tx, n) }))
}

// settle waits until River has no job left to work, and fails at once on a
// job that returned an error.
func (f *fixture) settle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var pending int
		var failures []string
		err := f.pool.QueryRow(f.ctx, `select
			count(*) filter (where state in ('available', 'running', 'retryable', 'scheduled', 'pending')),
			coalesce(array_agg(kind || ': ' || errors::text) filter (where cardinality(errors) > 0), '{}')
			from river_job`).Scan(&pending, &failures)
		require.NoError(t, err)
		require.Empty(t, failures, "a job failed")
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still pending", pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *fixture) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, f.pool.QueryRow(f.ctx, sql, args...).Scan(&n))
	return n
}

func (f *fixture) outbox(t *testing.T) []notify.OutboxMessage {
	t.Helper()
	out, err := notify.Outbox(f.ctx, f.pool)
	require.NoError(t, err)
	return out
}

// smtpStub is an in-process SMTP server on 127.0.0.1 that records messages:
// an external fake, standing in for the mail relay.
type smtpStub struct {
	addr string
	mu   sync.Mutex
	msgs []received
}

type received struct {
	From, To string
	Header   mail.Header
	Subject  string
	Body     string
}

func startSMTPStub(t *testing.T) *smtpStub {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &smtpStub{addr: ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(t, conn) })
		}
	})
	return s
}

func (s *smtpStub) serve(t *testing.T, conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	c := textproto.NewConn(conn)
	var from, to string
	reply := func(line string) { _ = c.PrintfLine("%s", line) }
	reply("220 stub ESMTP")
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			reply("250-stub")
			reply("250 8BITMIME")
		case "HELO", "NOOP":
			reply("250 ok")
		case "RSET":
			from, to = "", ""
			reply("250 ok")
		case "MAIL":
			addr, _, _ := strings.Cut(arg[len("FROM:"):], " ") // MAIL FROM:<a> BODY=8BITMIME
			from = strings.Trim(addr, "<>")
			reply("250 ok")
		case "RCPT":
			to = strings.Trim(arg[len("TO:"):], "<>")
			reply("250 ok")
		case "DATA":
			reply("354 go on")
			data, err := c.ReadDotBytes()
			if err != nil {
				return
			}
			msg, err := mail.ReadMessage(bytes.NewReader(data))
			if err != nil {
				t.Errorf("smtp stub: %v", err)
				return
			}
			body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
			if err != nil {
				t.Errorf("smtp stub: %v", err)
				return
			}
			subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil {
				t.Errorf("smtp stub: %v", err)
				return
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, received{From: from, To: to, Header: msg.Header, Subject: subject, Body: string(body)})
			s.mu.Unlock()
			reply("250 queued")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

func (s *smtpStub) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}
