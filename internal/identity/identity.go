// Package identity owns accounts, sessions, e-mail confirmation, password
// change and reset, invitations, resident verification and the first admin.
//
// Secrets never reach the database: passwords are stored as argon2id hashes,
// session, e-mail and invitation tokens as SHA-256 hashes, and identity
// document numbers as keyed hashes (HMAC-SHA256).
package identity

import (
	"github.com/otwarty/otwarty/internal/db"

	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// Config is the service's configuration. Zero durations and limits take the
// defaults documented on each field.
type Config struct {
	// Argon2 are the cost parameters for new hashes (zero: ProductionArgon2).
	Argon2 Argon2Params
	// MaxConcurrentHashes caps argon2 derivations running at once, so memory
	// stays below MaxConcurrentHashes × Argon2.MemoryKiB (zero: GOMAXPROCS).
	MaxConcurrentHashes int
	// SessionTTL is a session's absolute lifetime (zero: 30 days).
	SessionTTL time.Duration
	// IdentifierKey is the HMAC key for identity document numbers, and
	// IdentifierKeyID names it (stored with each hash so the key can rotate).
	IdentifierKey   []byte
	IdentifierKeyID string
	// PreviousIdentifierKeys are retired keys by id: duplicates are still
	// detected against hashes made with them.
	PreviousIdentifierKeys map[string][]byte
	// PublicURL (OTWARTY_PUBLIC_URL) prefixes the links in e-mails.
	PublicURL string
	// Lifetimes of e-mail confirmation (zero: 48 h), password reset (zero:
	// 1 h) and invitation (zero: 7 days) tokens.
	ConfirmTTL, ResetTTL, InviteTTL time.Duration
}

// Service implements the identity use cases.
type Service struct {
	pool     *pgxpool.Pool
	cfg      Config
	notifier *notify.Service
	az       *authz.Authorizer
	hasher   *hasher
	personal []PersonalData
}

// New returns a Service. notifier enqueues the e-mails and in-app notices;
// az receives role grants from invitations and CreateAdmin.
func New(pool *pgxpool.Pool, cfg Config, notifier *notify.Service, az *authz.Authorizer) *Service {
	if cfg.Argon2 == (Argon2Params{}) {
		cfg.Argon2 = ProductionArgon2()
	}
	if cfg.Argon2.Time < 1 || cfg.Argon2.Threads < 1 || cfg.Argon2.MemoryKiB < 8*uint32(cfg.Argon2.Threads) {
		panic(fmt.Sprintf("identity: invalid argon2 parameters %+v", cfg.Argon2))
	}
	if cfg.MaxConcurrentHashes <= 0 {
		cfg.MaxConcurrentHashes = runtime.GOMAXPROCS(0)
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * 24 * time.Hour
	}
	if cfg.ConfirmTTL <= 0 {
		cfg.ConfirmTTL = 48 * time.Hour
	}
	if cfg.ResetTTL <= 0 {
		cfg.ResetTTL = time.Hour
	}
	if cfg.InviteTTL <= 0 {
		cfg.InviteTTL = 7 * 24 * time.Hour
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &Service{
		pool:     pool,
		cfg:      cfg,
		notifier: notifier,
		az:       az,
		hasher:   newHasher(cfg.Argon2, cfg.MaxConcurrentHashes),
	}
}

// Account is a person's account as its owner sees it.
type Account struct {
	ID             uuid.UUID
	Email          string
	EmailConfirmed bool
	DisplayName    string
	Locale         i18n.Locale
	CreatedAt      time.Time
	// Verified: a verified resident (may vote).
	Verified bool
}

// Session is one signed-in device or client.
type Session struct {
	ID, AccountID                    uuid.UUID
	CreatedAt, LastSeenAt, ExpiresAt time.Time
	UserAgent, IP                    string
}

// ClientMeta describes the client that opens a session.
type ClientMeta struct {
	UserAgent, IP string
}

// Subject returns the authorization subject of a signed-in account.
func Subject(a Account, sessionID uuid.UUID) authz.Subject {
	return authz.Subject{AccountID: a.ID, SessionID: sessionID, Confirmed: a.EmailConfirmed, Verified: a.Verified}
}

const accountCols = `a.id, a.email, a.email_confirmed_at is not null, a.display_name, a.locale, a.created_at,
	exists (select 1 from verifications v where v.account_id = a.id)`

func scanAccount(row pgx.Row) (Account, error) {
	var a Account
	err := row.Scan(&a.ID, &a.Email, &a.EmailConfirmed, &a.DisplayName, &a.Locale, &a.CreatedAt, &a.Verified)
	return a, err
}

// loadAccount returns the live (not deleted) account id, or ErrNotFound.
func loadAccount(ctx context.Context, q db.Executor, id uuid.UUID) (Account, error) {
	a, err := scanAccount(q.QueryRow(ctx, `select `+accountCols+` from accounts a where a.id = $1 and a.deleted_at is null`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, errNotFound
	}
	if err != nil {
		return Account{}, fmt.Errorf("load account: %w", err)
	}
	return a, nil
}

// micros turns a duration into the integer microseconds that SQL multiplies
// by interval '1 microsecond'; all times come from the database's clock.
func micros(d time.Duration) int64 { return d.Microseconds() }

// uniqueViolation reports whether err is a unique violation, and of which
// constraint or index.
func uniqueViolation(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName, true
	}
	return "", false
}
