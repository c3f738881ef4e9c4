// Package notify delivers notifications as River jobs: in-app rows, live
// events and e-mail (at once or in a daily or weekly digest), following each
// account's preferences.
//
// A domain service calls Notify inside the transaction that makes the change;
// the deliver job it enqueues commits or rolls back with that change. In-app
// notifications and outbox rows are exactly-once (unique dedupe key and
// Message-ID); e-mail is at-least-once with a stable Message-ID.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/i18n"
)

// Notice kinds with a message in the catalog. Other kinds are delivered too,
// with a generic e-mail that links to the notification list.
const (
	KindWelcome         = "welcome"
	KindPasswordChanged = "password_changed"
	KindConfirmEmail    = "confirm_email"  // Data: secret_link, expires_at
	KindPasswordReset   = "password_reset" // Data: secret_link, expires_at
	KindInvitation      = "invitation"     // Data: secret_link, expires_at, role, inviter, locale
)

// Keys of Notice.Data that the catalog understands.
const (
	// SecretPrefix marks data that must not outlive delivery: it never reaches
	// job arguments or in-app rows, and is redacted from the outbox once sent.
	SecretPrefix = "secret_"
	// DataLink is a link with a one-time token (confirmation, reset,
	// invitation), built by the caller under the public URL.
	DataLink = "secret_link"
	// DataName is the greeting name (default: the account's display name).
	DataName = "display_name"
	// DataRole is the role an invitation grants (official, coordinator, ...).
	DataRole = "role"
	// DataInviter names who sent an invitation.
	DataInviter = "inviter"
	// DataExpiresAt (RFC 3339) is when the link stops working.
	DataExpiresAt = "expires_at"
	// DataLocale chooses the language for a notice without an account.
	DataLocale = "locale"
)

// Digest settings of notification_preferences.digest.
const (
	DigestImmediate = "immediate"
	DigestDaily     = "daily"
	DigestWeekly    = "weekly"
	DigestOff       = "off"
)

// Notice is one thing to tell one person.
type Notice struct {
	AccountID uuid.UUID // zero for an address without an account (invitations)
	ToAddress string    // used when AccountID is zero
	Kind      string    // catalog key: "welcome", "password_changed", "confirm_email", "password_reset", "invitation", ...
	// Data are message arguments. Keys starting with "secret_" (links with
	// tokens, codes) are redacted from the outbox once the e-mail is sent.
	Data map[string]string
	// DedupeKey is unique per real-world event; a repeat inserts nothing.
	DedupeKey string
	InApp     bool
	Email     bool
	// Transactional notices (confirmation, reset, invitation) ignore
	// preferences and digests: they are sent at once by e-mail.
	Transactional bool
}

func (n Notice) validate() error {
	switch {
	case n.Kind == "":
		return errors.New("notify: notice without kind")
	case n.DedupeKey == "":
		return errors.New("notify: notice without dedupe key")
	case !n.InApp && !n.Email:
		return errors.New("notify: notice for no channel")
	case n.AccountID == uuid.Nil && n.InApp:
		return errors.New("notify: in-app notice without account")
	case n.AccountID == uuid.Nil && n.ToAddress == "":
		return errors.New("notify: notice without account or address")
	}
	// The data a registered kind declares fills its message: without it the
	// e-mail would show a bare placeholder.
	for _, key := range kinds[n.Kind].Data {
		if _, ok := n.Data[key]; !ok {
			return fmt.Errorf("notify: %s notice without %q", n.Kind, key)
		}
	}
	return nil
}

// Config configures delivery.
type Config struct {
	// PublicURL is the base of links in e-mails (OTWARTY_PUBLIC_URL).
	PublicURL string
	// From is the sender, e.g. "Otwarty Kraków <powiadomienia@example.org>".
	// Empty: noreply@ the host of PublicURL.
	From string
	// SMTPURL is smtp://user:pass@host:port (STARTTLS when offered) or
	// smtps://… (TLS from the start). Empty: no SMTP; the outbox row is the
	// delivery, marked sent and kept unredacted so that it can be read.
	SMTPURL string
	// SMTPTimeout bounds one SMTP conversation; zero means 30 seconds.
	SMTPTimeout time.Duration
	// DigestHour is the hour (0–23, Europe/Warsaw) at which daily digests,
	// and on Mondays weekly digests, are sent.
	DigestHour int
}

// Service enqueues and delivers notifications.
type Service struct {
	pool    *pgxpool.Pool
	river   *river.Client[pgx.Tx] // inserts only; the application's client works the jobs
	logger  *slog.Logger
	public  string // PublicURL without a trailing slash
	from    *mail.Address
	domain  string // right-hand side of Message-IDs
	smtp    *smtpServer
	timeout time.Duration
	hour    int
	zone    *time.Location
}

// New checks cfg and returns a Service; jobs inserts its River jobs
// (db.Jobs).
func New(pool *pgxpool.Pool, jobs *river.Client[pgx.Tx], cfg Config, logger *slog.Logger) (*Service, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	pu, err := url.Parse(cfg.PublicURL)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return nil, fmt.Errorf("notify: public URL %q is not an absolute http(s) URL", cfg.PublicURL)
	}
	fromText := cfg.From
	if fromText == "" {
		fromText = "Otwarty Kraków <noreply@" + pu.Hostname() + ">"
	}
	from, err := mail.ParseAddress(fromText)
	if err != nil {
		return nil, fmt.Errorf("notify: from address %q: %w", fromText, err)
	}
	var srv *smtpServer
	if cfg.SMTPURL != "" {
		if srv, err = parseSMTPURL(cfg.SMTPURL); err != nil {
			return nil, err
		}
	}
	if cfg.DigestHour < 0 || cfg.DigestHour > 23 {
		return nil, fmt.Errorf("notify: digest hour %d is not 0–23", cfg.DigestHour)
	}
	zone := i18n.Warsaw
	timeout := cfg.SMTPTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &Service{
		pool:    pool,
		river:   jobs,
		logger:  logger,
		public:  strings.TrimRight(pu.String(), "/"),
		from:    from,
		domain:  from.Address[strings.LastIndexByte(from.Address, '@')+1:],
		smtp:    srv,
		timeout: timeout,
		hour:    cfg.DigestHour,
		zone:    zone,
	}, nil
}

// Notify enqueues n within tx with River's InsertTx: nothing is sent if tx
// rolls back. A repeat of a DedupeKey whose job is still known to River
// inserts nothing; a later repeat is absorbed by the unique in-app row and
// Message-ID.
func (s *Service) Notify(ctx context.Context, tx pgx.Tx, n Notice) error {
	if err := n.validate(); err != nil {
		return err
	}
	public, secret := splitSecrets(n.Data)
	res, err := s.river.InsertTx(ctx, tx, DeliverArgs{
		AccountID:     n.AccountID,
		ToAddress:     n.ToAddress,
		NoticeKind:    n.Kind,
		Data:          public,
		DedupeKey:     n.DedupeKey,
		InApp:         n.InApp,
		Email:         n.Email,
		Transactional: n.Transactional,
	}, nil)
	if err != nil {
		return fmt.Errorf("notify: enqueue %s: %w", n.Kind, err)
	}
	// Secrets wait in their own table rather than in job arguments, which
	// River keeps (and shows) after the job ends.
	if len(secret) > 0 && n.Email && !res.UniqueSkippedAsDuplicate {
		_, err := tx.Exec(ctx, `insert into notification_secrets (dedupe_key, data) values ($1, $2)
			on conflict (dedupe_key) do nothing`, n.DedupeKey, secret)
		if err != nil {
			return fmt.Errorf("notify: store secrets: %w", err)
		}
	}
	return nil
}

// splitSecrets separates secret_ keys from the rest of data.
func splitSecrets(data map[string]string) (public, secret map[string]string) {
	public = map[string]string{}
	for k, v := range data {
		if strings.HasPrefix(k, SecretPrefix) {
			if secret == nil {
				secret = map[string]string{}
			}
			secret[k] = v
		} else {
			public[k] = v
		}
	}
	return public, secret
}

// Job kinds.
const (
	JobDeliver = "notify.deliver"
	JobEmail   = "notify.email"
	JobDigest  = "notify.digest"
)

// DeliverArgs are the arguments of a deliver job: one Notice without its
// secrets.
type DeliverArgs struct {
	AccountID     uuid.UUID         `json:"account_id"`
	ToAddress     string            `json:"to_address,omitempty"`
	NoticeKind    string            `json:"kind"`
	Data          map[string]string `json:"data,omitempty"`
	DedupeKey     string            `json:"dedupe_key" river:"unique"`
	InApp         bool              `json:"in_app"`
	Email         bool              `json:"email"`
	Transactional bool              `json:"transactional"`
}

func (DeliverArgs) Kind() string { return JobDeliver }

func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// EmailArgs are the arguments of an email job: one message, identified by
// MessageKey (a notice's dedupe key, or a digest's own key), from which the
// Message-ID is derived.
type EmailArgs struct {
	MessageKey string            `json:"message_key" river:"unique"`
	AccountID  uuid.UUID         `json:"account_id"`
	ToAddress  string            `json:"to_address,omitempty"`
	NoticeKind string            `json:"kind"`
	Data       map[string]string `json:"data,omitempty"`
	Items      []DigestItem      `json:"items,omitempty"` // a digest's notifications
}

func (EmailArgs) Kind() string { return JobEmail }

func (EmailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// DigestItem is one notification listed in a digest.
type DigestItem struct {
	Kind      string            `json:"kind"`
	Data      map[string]string `json:"data,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
}

// DigestArgs are the arguments of a digest job: it mails every account whose
// preference is Period (daily or weekly) the notifications waiting for it.
type DigestArgs struct {
	Period string `json:"period"`
}

func (DigestArgs) Kind() string { return JobDigest }

// Register adds the deliver, email and digest workers.
func (s *Service) Register(workers *river.Workers) {
	river.AddWorker(workers, &deliverWorker{s: s})
	river.AddWorker(workers, &emailWorker{s: s})
	river.AddWorker(workers, &digestWorker{s: s})
}

// PeriodicJobs returns the daily and weekly digest jobs, at Config.DigestHour
// in Europe/Warsaw (weekly on Mondays).
func (s *Service) PeriodicJobs() []*river.PeriodicJob {
	job := func(period string) river.PeriodicJobConstructor {
		return func() (river.JobArgs, *river.InsertOpts) { return DigestArgs{Period: period}, nil }
	}
	return []*river.PeriodicJob{
		river.NewPeriodicJob(&atHour{hour: s.hour, zone: s.zone}, job(DigestDaily),
			&river.PeriodicJobOpts{ID: "notify.digest.daily"}),
		river.NewPeriodicJob(&atHour{hour: s.hour, zone: s.zone, weekly: true}, job(DigestWeekly),
			&river.PeriodicJobOpts{ID: "notify.digest.weekly"}),
	}
}

// atHour fires every day (or every Monday) at hour o'clock in zone, keeping
// the wall-clock hour across daylight-saving changes.
type atHour struct {
	hour   int
	zone   *time.Location
	weekly bool
}

func (a *atHour) Next(t time.Time) time.Time {
	lt := t.In(a.zone)
	for d := 0; ; d++ {
		n := time.Date(lt.Year(), lt.Month(), lt.Day()+d, a.hour, 0, 0, 0, a.zone)
		if n.After(t) && (!a.weekly || n.Weekday() == time.Monday) {
			return n
		}
	}
}
