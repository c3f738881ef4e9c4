package notify

import (
	"github.com/otwarty/otwarty/internal/db"

	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

// Notification is one in-app notification. Data never holds secrets.
type Notification struct {
	ID        uuid.UUID
	Kind      string
	Data      map[string]string
	CreatedAt time.Time
	ReadAt    *time.Time
}

// Cursor is n's position in an account's list (newest first).
func (n Notification) Cursor() string {
	return page.Cursor("notifications", page.Key{At: n.CreatedAt, ID: n.ID})
}

// List returns up to first of the account's notifications after the cursor,
// newest first; hasNext says whether more follow, total counts them all
// (unread only when unreadOnly).
func (s *Service) List(ctx context.Context, accountID uuid.UUID, first int, after string, unreadOnly bool) (page.Page[Notification], error) {
	var none page.Page[Notification]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	resume, err := page.After("notifications", after, &cur)
	if err != nil {
		return none, err
	}
	var (
		afterAt *time.Time
		afterID *uuid.UUID
	)
	if resume {
		afterAt, afterID = &cur.At, &cur.ID
	}
	rows, err := s.pool.Query(ctx, `select id, kind, data, created_at, read_at from notifications
		where account_id = $1 and in_app and (not $2 or read_at is null)
		  and ($3::timestamptz is null or (created_at, id) < ($3, $4::uuid))
		order by created_at desc, id desc
		limit $5`, accountID, unreadOnly, afterAt, afterID, first+1)
	if err != nil {
		return none, fmt.Errorf("notify: list: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanNotification)
	if err != nil {
		return none, fmt.Errorf("notify: list: %w", err)
	}
	var total int
	err = s.pool.QueryRow(ctx, `select count(*) from notifications
		where account_id = $1 and in_app and (not $2 or read_at is null)`, accountID, unreadOnly).Scan(&total)
	if err != nil {
		return none, fmt.Errorf("notify: count: %w", err)
	}
	return page.Of(items, first, total), nil
}

// Get returns one of the account's notifications, or apperr.ErrNotFound.
func (s *Service) Get(ctx context.Context, accountID, id uuid.UUID) (Notification, error) {
	rows, err := s.pool.Query(ctx, `select id, kind, data, created_at, read_at from notifications
		where account_id = $1 and id = $2 and in_app`, accountID, id)
	if err != nil {
		return Notification{}, fmt.Errorf("notify: get: %w", err)
	}
	n, err := pgx.CollectExactlyOneRow(rows, scanNotification)
	if errors.Is(err, pgx.ErrNoRows) {
		return Notification{}, apperr.ErrNotFound
	}
	if err != nil {
		return Notification{}, fmt.Errorf("notify: get: %w", err)
	}
	return n, nil
}

func scanNotification(row pgx.CollectableRow) (Notification, error) {
	var n Notification
	err := row.Scan(&n.ID, &n.Kind, &n.Data, &n.CreatedAt, &n.ReadAt)
	return n, err
}

// MarkRead marks the account's unread notifications among ids as read and
// returns how many changed; ids of other accounts change nothing.
func (s *Service) MarkRead(ctx context.Context, accountID uuid.UUID, ids []uuid.UUID) (int, error) {
	if err := authz.RequireSelf(ctx, "mark_read", "notification", accountID); err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, nil
	}
	tag, err := s.pool.Exec(ctx, `update notifications set read_at = now()
		where account_id = $1 and id = any($2) and in_app and read_at is null`, accountID, ids)
	if err != nil {
		return 0, fmt.Errorf("notify: mark read: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// MarkAllRead marks all the account's notifications as read and returns how
// many changed.
func (s *Service) MarkAllRead(ctx context.Context, accountID uuid.UUID) (int, error) {
	if err := authz.RequireSelf(ctx, "mark_read", "notification", accountID); err != nil {
		return 0, err
	}
	tag, err := s.pool.Exec(ctx, `update notifications set read_at = now()
		where account_id = $1 and in_app and read_at is null`, accountID)
	if err != nil {
		return 0, fmt.Errorf("notify: mark all read: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// UnreadCount returns the number of the account's unread notifications.
func (s *Service) UnreadCount(ctx context.Context, accountID uuid.UUID) (int, error) {
	return unreadCount(ctx, s.pool, accountID)
}

func unreadCount(ctx context.Context, q db.Querier, accountID uuid.UUID) (int, error) {
	var n int
	err := q.QueryRow(ctx, `select count(*) from notifications
		where account_id = $1 and in_app and read_at is null`, accountID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("notify: unread count: %w", err)
	}
	return n, nil
}

// Preferences say how an account wants to be told. Transactional notices
// (confirmation, reset, invitation) ignore them.
type Preferences struct {
	InApp  bool
	Email  bool
	Locale *string // language of e-mails; nil: the account's language
	Digest string  // immediate, daily, weekly or off
}

// DefaultPreferences apply to an account that has not set any.
func DefaultPreferences() Preferences {
	return Preferences{InApp: true, Email: true, Digest: DigestImmediate}
}

// Preferences returns the account's preferences, the defaults when it has
// not set any.
func (s *Service) Preferences(ctx context.Context, accountID uuid.UUID) (Preferences, error) {
	p := DefaultPreferences()
	err := s.pool.QueryRow(ctx, `select in_app, email, locale, digest from notification_preferences
		where account_id = $1`, accountID).Scan(&p.InApp, &p.Email, &p.Locale, &p.Digest)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Preferences{}, fmt.Errorf("notify: preferences: %w", err)
	}
	return p, nil
}

// PreferencesChange changes some preferences; nil leaves one as it is.
type PreferencesChange struct {
	InApp, Email *bool
	Digest       *string
	// With SetLocale, Locale becomes the e-mails' language (nil: the
	// account's language).
	SetLocale bool
	Locale    *string
}

// ChangePreferences applies c to the account's preferences (the defaults
// when it has none) in one statement, so that concurrent changes of
// different preferences all hold, and returns the result.
func (s *Service) ChangePreferences(ctx context.Context, accountID uuid.UUID, c PreferencesChange) (Preferences, error) {
	if err := authz.RequireSelf(ctx, "update", "notification_preferences", accountID); err != nil {
		return Preferences{}, err
	}
	if c.Digest != nil {
		switch *c.Digest {
		case DigestImmediate, DigestDaily, DigestWeekly, DigestOff:
		default:
			return Preferences{}, apperr.Invalid("digest", "error.notify.digest")
		}
	}
	if c.Locale != nil {
		if _, ok := i18n.ParseLocale(*c.Locale); !ok {
			return Preferences{}, apperr.Invalid("locale", "error.locale")
		}
	}
	d := DefaultPreferences()
	var out Preferences
	err := s.pool.QueryRow(ctx, `insert into notification_preferences (account_id, in_app, email, locale, digest)
		values ($1, coalesce($2::boolean, $6::boolean), coalesce($3::boolean, $7::boolean), $4::text, coalesce($5::text, $8::text))
		on conflict (account_id) do update
		set in_app = coalesce($2, notification_preferences.in_app), email = coalesce($3, notification_preferences.email),
		    locale = case when $9::boolean then $4 else notification_preferences.locale end, digest = coalesce($5, notification_preferences.digest),
		    updated_at = now()
		returning in_app, email, locale, digest`, accountID, c.InApp, c.Email, c.Locale, c.Digest, d.InApp, d.Email, d.Digest,
		c.SetLocale).
		Scan(&out.InApp, &out.Email, &out.Locale, &out.Digest)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" { // foreign_key_violation: no such account
		return Preferences{}, apperr.ErrNotFound
	}
	if err != nil {
		return Preferences{}, fmt.Errorf("notify: update preferences: %w", err)
	}
	return out, nil
}

// OutboxMessage is one row of the e-mail outbox.
type OutboxMessage struct {
	ID        uuid.UUID
	MessageID string
	AccountID *uuid.UUID
	To        string
	Kind      string
	Locale    string
	Subject   string
	Body      string
	// Data are the message arguments, secrets included until redacted.
	Data      map[string]string
	CreatedAt time.Time
	SentAt    *time.Time
	Redacted  bool
}

// Outbox returns every outbox message, oldest first. Without SMTP the outbox
// is the delivery: tests (and a developer) read links from it.
func Outbox(ctx context.Context, q db.Querier) ([]OutboxMessage, error) {
	rows, err := q.Query(ctx, `select id, message_id, account_id, to_address, kind, locale, subject, body, data,
		created_at, sent_at, redacted from email_outbox order by created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("notify: outbox: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (OutboxMessage, error) {
		var m OutboxMessage
		err := row.Scan(&m.ID, &m.MessageID, &m.AccountID, &m.To, &m.Kind, &m.Locale, &m.Subject, &m.Body, &m.Data,
			&m.CreatedAt, &m.SentAt, &m.Redacted)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("notify: outbox: %w", err)
	}
	return out, nil
}

// PurgeOutbox deletes e-mails sent (or, without SMTP, written) more than
// olderThan ago, and secrets of notices whose delivery was given up. The
// outbox holds addresses and message bodies: personal data kept only as long
// as support needs it.
func (s *Service) PurgeOutbox(ctx context.Context, olderThan time.Duration) (int64, error) {
	tag, err := s.pool.Exec(ctx, `delete from email_outbox where created_at < now() - $1::bigint * interval '1 microsecond'`,
		olderThan.Microseconds())
	if err != nil {
		return 0, fmt.Errorf("purge outbox: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `delete from notification_secrets where created_at < now() - $1::bigint * interval '1 microsecond'`,
		olderThan.Microseconds()); err != nil {
		return 0, fmt.Errorf("purge notification secrets: %w", err)
	}
	return tag.RowsAffected(), nil
}
