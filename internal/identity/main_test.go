package identity_test

import (
	"context"
	"crypto/sha256"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var testIdentifierKey = []byte("test identifier key, 32 bytes ..")

type bundle struct {
	ctx    context.Context
	pool   *pgxpool.Pool
	az     *authz.Authorizer
	notify *notify.Service
	svc    *identity.Service
	cfg    identity.Config
}

func testConfig() identity.Config {
	return identity.Config{
		Argon2:              identity.TestArgon2(),
		MaxConcurrentHashes: 4,
		IdentifierKey:       testIdentifierKey,
		IdentifierKeyID:     "k1",
		PublicURL:           "https://otwarty.test",
	}
}

func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	az, err := authz.New(ctx, pool, nil)
	require.NoError(t, err)
	n, err := notify.New(pool, pgtest.Jobs(t, pool), notify.Config{PublicURL: "https://otwarty.test"}, nil)
	require.NoError(t, err)
	cfg := testConfig()
	return &bundle{ctx: ctx, pool: pool, az: az, notify: n, cfg: cfg, svc: identity.New(pool, cfg, n, az)}
}

// with returns a Service on the same database with cfg changed by f.
func (b *bundle) with(f func(*identity.Config)) *identity.Service {
	cfg := b.cfg
	f(&cfg)
	return identity.New(b.pool, cfg, b.notify, b.az)
}

// as returns a context in which acc is the caller.
func (b *bundle) as(acc identity.Account) context.Context {
	return authz.WithAuthorizer(authz.WithSubject(b.ctx, identity.Subject(acc, uuid.Nil)), b.az)
}

const password = "correct horse battery"

// signUp creates an account with password and returns it with its token.
func (b *bundle) signUp(t *testing.T, email string) (identity.Account, string) {
	t.Helper()
	acc, tok, err := b.svc.SignUp(b.ctx, identity.SignUpInput{
		Email: email, Password: password, DisplayName: "Person " + email, Locale: i18n.EN,
	}, identity.ClientMeta{UserAgent: "test", IP: "192.0.2.1"})
	require.NoError(t, err)
	return acc, tok
}

// admin creates a global admin and returns a context in which it acts.
func (b *bundle) admin(t *testing.T) (identity.Account, context.Context) {
	t.Helper()
	acc, err := b.svc.CreateAdmin(b.ctx, "admin-"+uuid.NewString()[:8]+"@example.com", password, "Admin")
	require.NoError(t, err)
	return acc, b.as(acc)
}

// noticeJob is a deliver job's arguments as notify stored them.
type noticeJob struct {
	DedupeKey     string
	Data          map[string]string
	InApp, Email  bool
	Transactional bool
	ToAddress     string
}

// notices returns the deliver jobs of kind for an account (or, with
// uuid.Nil, for the address to), oldest first.
func (b *bundle) notices(t *testing.T, kind string, accountID uuid.UUID, to string) []noticeJob {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `select args->>'dedupe_key', coalesce(args->'data', '{}'::jsonb),
			(args->>'in_app')::bool, (args->>'email')::bool, (args->>'transactional')::bool, coalesce(args->>'to_address', '')
		from river_job where kind = $1 and args->>'kind' = $2 and args->>'account_id' = $3
		  and ($4 = '' or args->>'to_address' = $4)
		order by id`, notify.JobDeliver, kind, accountID.String(), to)
	require.NoError(t, err)
	defer rows.Close()
	var out []noticeJob
	for rows.Next() {
		var j noticeJob
		require.NoError(t, rows.Scan(&j.DedupeKey, &j.Data, &j.InApp, &j.Email, &j.Transactional, &j.ToAddress))
		out = append(out, j)
	}
	require.NoError(t, rows.Err())
	return out
}

// secretToken reads the one-time token from the link of the newest notice
// of kind: only its hash is in our tables, and notify keeps the link apart
// from the job until the e-mail is sent (no worker runs in these tests).
func (b *bundle) secretToken(t *testing.T, kind string, accountID uuid.UUID, to string) string {
	t.Helper()
	jobs := b.notices(t, kind, accountID, to)
	require.NotEmpty(t, jobs, "no %s notice", kind)
	j := jobs[len(jobs)-1]
	require.NotContains(t, j.Data, notify.DataLink, "the secret must not be in the job arguments")
	require.NotEmpty(t, j.Data[notify.DataExpiresAt])
	var link string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select data->>$2 from notification_secrets where dedupe_key = $1`,
		j.DedupeKey, notify.DataLink).Scan(&link))
	path := map[string]string{
		notify.KindConfirmEmail:  identity.PathConfirmEmail,
		notify.KindPasswordReset: identity.PathResetPassword,
		notify.KindInvitation:    identity.PathAcceptInvitation,
	}[kind]
	prefix := b.cfg.PublicURL + path + "?token="
	require.True(t, strings.HasPrefix(link, prefix), link)
	u, err := url.Parse(link)
	require.NoError(t, err)
	tok := u.Query().Get("token")
	require.Len(t, tok, 43) // 32 bytes, base64url without padding
	return tok
}

func sha(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
