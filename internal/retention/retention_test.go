package retention_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/retention"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestPurge_RemovesExactlyWhatOutlivedItsPeriod(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	log := slog.New(slog.DiscardHandler)
	az, err := authz.New(ctx, pool, log)
	require.NoError(t, err)
	ns, err := notify.New(pool, pgtest.Jobs(t, pool), notify.Config{PublicURL: "https://otwarty.test"}, log)
	require.NoError(t, err)
	ids := identity.New(pool, identity.Config{Argon2: identity.TestArgon2()}, ns, az)

	exec := func(sql string) {
		t.Helper()
		_, err := pool.Exec(ctx, sql)
		require.NoError(t, err)
	}
	exec(`insert into accounts (id, email, password_hash, display_name, locale)
		values ('11111111-1111-1111-1111-111111111111', 'a@example.org', 'x', 'A', 'pl')`)
	const acc = "'11111111-1111-1111-1111-111111111111'"
	// sessions: expired 40 days ago (gone), revoked 40 days ago (gone), expired
	// 10 days ago (kept), live but created 100 days ago (kept, IP blanked), fresh.
	exec(`insert into sessions (account_id, token_hash, created_at, expires_at, revoked_at, ip) values
		(` + acc + `, '\x01', now() - interval '70 days', now() - interval '40 days', null, '1.1.1.1'),
		(` + acc + `, '\x02', now() - interval '50 days', now() + interval '1 day', now() - interval '40 days', '2.2.2.2'),
		(` + acc + `, '\x03', now() - interval '40 days', now() - interval '10 days', null, '3.3.3.3'),
		(` + acc + `, '\x04', now() - interval '100 days', now() + interval '1 day', null, '4.4.4.4'),
		(` + acc + `, '\x05', now(), now() + interval '1 day', null, '5.5.5.5')`)
	exec(`insert into account_tokens (token_hash, account_id, purpose, expires_at) values
		('\x11', ` + acc + `, 'reset_password', now() - interval '10 days'),
		('\x12', ` + acc + `, 'reset_password', now() - interval '1 day')`)
	exec(`insert into email_outbox (message_id, account_id, to_address, subject, body, created_at) values
		('<old@x>', ` + acc + `, 'a@example.org', 's', 'b', now() - interval '100 days'),
		('<new@x>', ` + acc + `, 'a@example.org', 's', 'b', now() - interval '10 days')`)
	exec(`insert into audit_log (action, object_type, object_id, created_at) values
		('old', 'x', '1', now() - interval '6 years'), ('new', 'x', '2', now() - interval '1 year')`)

	p := retention.New(pool, ids, ns, retention.Defaults(), log)
	r, err := p.Purge(ctx)
	require.NoError(t, err)
	require.Equal(t, retention.Report{Sessions: 2, SessionIPs: 1, Tokens: 1, Outbox: 1, Audit: 1}, r)

	var ips []string
	rows, err := pool.Query(ctx, `select ip from sessions order by token_hash`)
	require.NoError(t, err)
	for rows.Next() {
		var ip string
		require.NoError(t, rows.Scan(&ip))
		ips = append(ips, ip)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"3.3.3.3", "", "5.5.5.5"}, ips)

	var tokens, outbox int
	var auditAction string
	require.NoError(t, pool.QueryRow(ctx, `select count(*) from account_tokens`).Scan(&tokens))
	require.NoError(t, pool.QueryRow(ctx, `select count(*) from email_outbox where message_id = '<new@x>'`).Scan(&outbox))
	require.NoError(t, pool.QueryRow(ctx, `select string_agg(action, ',') from audit_log`).Scan(&auditAction))
	require.Equal(t, 1, tokens)
	require.Equal(t, 1, outbox)
	require.Equal(t, "new", auditAction)

	// A second run finds nothing more; a zero period disables its purge.
	r, err = p.Purge(ctx)
	require.NoError(t, err)
	require.Equal(t, retention.Report{}, r)
	off := retention.New(pool, ids, ns, retention.Config{}, log)
	r, err = off.Purge(ctx)
	require.NoError(t, err)
	require.Equal(t, retention.Report{}, r)
}
