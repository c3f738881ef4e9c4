package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
)

// kindDigest is the notice kind of a digest e-mail.
const kindDigest = "digest"

// Topic is the live topic of an account's in-app notifications.
func Topic(accountID uuid.UUID) string { return "notifications:" + accountID.String() }

// Event is what Topic carries when a notification is added.
type Event struct {
	ID          uuid.UUID `json:"id"`
	Kind        string    `json:"kind"`
	UnreadCount int       `json:"unreadCount"`
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return db.InTx(ctx, w.s.pool, func(tx *db.Tx) error { return w.s.deliver(ctx, tx.Tx, job.Args) })
}

// deliver applies preferences to one notice: the in-app row (once, by dedupe
// key) and its live event, then an email job now, or a mark for the digest.
// Everything happens in tx, so a retried job either finds all of it or none.
func (s *Service) deliver(ctx context.Context, tx pgx.Tx, a DeliverArgs) error {
	inAppPref, emailPref, digest := true, true, DigestImmediate
	if a.AccountID != uuid.Nil {
		err := tx.QueryRow(ctx, `select coalesce(p.in_app, true), coalesce(p.email, true), coalesce(p.digest, 'immediate')
			from accounts a left join notification_preferences p on p.account_id = a.id
			where a.id = $1 and a.deleted_at is null`, a.AccountID).Scan(&inAppPref, &emailPref, &digest)
		if errors.Is(err, pgx.ErrNoRows) {
			return dropSecrets(ctx, tx, a.DedupeKey) // the account is gone
		}
		if err != nil {
			return fmt.Errorf("notify: preferences: %w", err)
		}
	}
	obey := !a.Transactional
	inApp := a.InApp && (!obey || inAppPref)
	email := a.Email && (!obey || (emailPref && digest != DigestOff))
	later := email && obey && a.AccountID != uuid.Nil && (digest == DigestDaily || digest == DigestWeekly)

	if inApp || later {
		data := a.Data
		if data == nil {
			data = map[string]string{}
		}
		var id uuid.UUID
		err := tx.QueryRow(ctx, `insert into notifications (account_id, kind, data, dedupe_key, in_app, email_digest)
			values ($1, $2, $3, $4, $5, $6) on conflict (dedupe_key) do nothing returning id`,
			a.AccountID, a.NoticeKind, data, a.DedupeKey, inApp, later).Scan(&id)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			// An earlier attempt delivered it (and published its event).
		case err != nil:
			return fmt.Errorf("notify: insert notification: %w", err)
		case inApp:
			unread, err := unreadCount(ctx, tx, a.AccountID)
			if err != nil {
				return err
			}
			if err := live.Publish(ctx, tx, Topic(a.AccountID), Event{ID: id, Kind: a.NoticeKind, UnreadCount: unread}); err != nil {
				return err
			}
		}
	}
	if !email || later {
		return dropSecrets(ctx, tx, a.DedupeKey)
	}
	_, err := s.river.InsertTx(ctx, tx, EmailArgs{
		MessageKey: a.DedupeKey,
		AccountID:  a.AccountID,
		ToAddress:  a.ToAddress,
		NoticeKind: a.NoticeKind,
		Data:       a.Data,
	}, nil)
	if err != nil {
		return fmt.Errorf("notify: enqueue email: %w", err)
	}
	return nil
}

func dropSecrets(ctx context.Context, tx pgx.Tx, key string) error {
	if _, err := tx.Exec(ctx, "delete from notification_secrets where dedupe_key = $1", key); err != nil {
		return fmt.Errorf("notify: drop secrets: %w", err)
	}
	return nil
}

type emailWorker struct {
	river.WorkerDefaults[EmailArgs]
	s *Service
}

func (w *emailWorker) Work(ctx context.Context, job *river.Job[EmailArgs]) error {
	return w.s.email(ctx, job.Args)
}

// email writes the message's outbox row (once, by Message-ID) and commits it,
// so that a backlog is visible while SMTP is down; then it sends the row
// unless an earlier attempt did.
func (s *Service) email(ctx context.Context, a EmailArgs) error {
	msgID := s.messageID(a.MessageKey)
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error { return s.writeOutbox(ctx, tx.Tx, msgID, a) })
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error { return s.sendOutbox(ctx, tx.Tx, msgID) })
}

// messageID derives a stable Message-ID from a notice's dedupe key.
func (s *Service) messageID(key string) string {
	sum := sha256.Sum256([]byte("otwarty.notify:" + key))
	return "<" + hex.EncodeToString(sum[:16]) + "@" + s.domain + ">"
}

func (s *Service) writeOutbox(ctx context.Context, tx pgx.Tx, msgID string, a EmailArgs) error {
	var exists bool
	err := tx.QueryRow(ctx, "select exists (select from email_outbox where message_id = $1)", msgID).Scan(&exists)
	if err != nil {
		return fmt.Errorf("notify: outbox: %w", err)
	}
	if exists {
		return dropSecrets(ctx, tx, a.MessageKey)
	}
	to, locale, name, ok, err := s.recipient(ctx, tx, a)
	if err != nil {
		return err
	}
	if !ok {
		return dropSecrets(ctx, tx, a.MessageKey)
	}
	data := map[string]string{}
	for k, v := range a.Data {
		data[k] = v
	}
	if data[DataName] == "" && name != "" {
		data[DataName] = name
	}
	var secret map[string]string
	err = tx.QueryRow(ctx, "select data from notification_secrets where dedupe_key = $1", a.MessageKey).Scan(&secret)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("notify: secrets: %w", err)
	}
	for k, v := range secret {
		data[k] = v
	}
	var subject, body string
	if a.NoticeKind == kindDigest {
		subject, body = s.renderDigest(locale, data, a.Items)
	} else {
		subject, body = s.render(a.NoticeKind, locale, data)
	}
	_, err = tx.Exec(ctx, `insert into email_outbox (message_id, account_id, to_address, subject, body, kind, locale, data)
		values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (message_id) do nothing`,
		msgID, nullID(a.AccountID), to, subject, body, a.NoticeKind, string(locale), data)
	if err != nil {
		return fmt.Errorf("notify: insert outbox: %w", err)
	}
	return dropSecrets(ctx, tx, a.MessageKey)
}

// recipient returns the address, locale and name for a message; ok is false
// when its account no longer exists. The locale is the preference's, else
// the account's; without an account, the notice's "locale" data, else Polish.
func (s *Service) recipient(ctx context.Context, tx pgx.Tx, a EmailArgs) (to string, locale i18n.Locale, name string, ok bool, err error) {
	if a.AccountID == uuid.Nil {
		l, valid := i18n.ParseLocale(a.Data[DataLocale])
		if !valid {
			l = i18n.Default
		}
		return a.ToAddress, l, "", true, nil
	}
	var l string
	err = tx.QueryRow(ctx, `select a.email, a.display_name, coalesce(p.locale, a.locale)
		from accounts a left join notification_preferences p on p.account_id = a.id
		where a.id = $1 and a.deleted_at is null`, a.AccountID).Scan(&to, &name, &l)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", "", false, nil
	}
	if err != nil {
		return "", "", "", false, fmt.Errorf("notify: recipient: %w", err)
	}
	if a.ToAddress != "" {
		to = a.ToAddress // e.g. confirming a new address
	}
	locale, valid := i18n.ParseLocale(l)
	if !valid {
		locale = i18n.Default
	}
	return to, locale, name, true, nil
}

func (s *Service) sendOutbox(ctx context.Context, tx pgx.Tx, msgID string) error {
	var (
		m    OutboxMessage
		sent *time.Time
	)
	err := tx.QueryRow(ctx, `select to_address, subject, body, kind, locale, data, sent_at
		from email_outbox where message_id = $1 for update`, msgID).
		Scan(&m.To, &m.Subject, &m.Body, &m.Kind, &m.Locale, &m.Data, &sent)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // no recipient any more
	}
	if err != nil {
		return fmt.Errorf("notify: outbox: %w", err)
	}
	if sent != nil {
		return nil // an earlier attempt sent it
	}
	m.MessageID = msgID
	if s.smtp == nil {
		// No SMTP: the row is the delivery and stays readable.
		_, err := tx.Exec(ctx, "update email_outbox set sent_at = now() where message_id = $1", msgID)
		return err
	}
	if _, err := mail.ParseAddress(m.To); err != nil {
		return river.JobCancel(fmt.Errorf("notify: %s: bad recipient address: %w", msgID, err))
	}
	if err := s.sendSMTP(ctx, m); err != nil {
		return fmt.Errorf("notify: send %s: %w", msgID, err)
	}
	s.logger.InfoContext(ctx, "e-mail sent", "message_id", msgID, "kind", m.Kind)
	data, secret := redact(m.Data)
	if !secret {
		_, err := tx.Exec(ctx, "update email_outbox set sent_at = now() where message_id = $1", msgID)
		return err
	}
	locale, _ := i18n.ParseLocale(m.Locale)
	subject, body := s.render(m.Kind, locale, data)
	_, err = tx.Exec(ctx, `update email_outbox set sent_at = now(), subject = $2, body = $3, data = $4, redacted = true
		where message_id = $1`, msgID, subject, body, data)
	return err
}

func nullID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	s *Service
}

func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	return w.s.digest(ctx, job.Args.Period)
}

// digest mails each account whose preference is period the notifications
// waiting for a digest. The daily run also flushes accounts that have
// switched back to immediate e-mail since their items were kept.
func (s *Service) digest(ctx context.Context, period string) error {
	if period != DigestDaily && period != DigestWeekly {
		return river.JobCancel(fmt.Errorf("notify: unknown digest period %q", period))
	}
	rows, err := s.pool.Query(ctx, `select distinct n.account_id
		from notifications n
		join notification_preferences p on p.account_id = n.account_id
		join accounts a on a.id = n.account_id
		where n.email_digest and n.emailed_at is null and p.email and a.deleted_at is null
		  and (p.digest = $1 or ($1 = 'daily' and p.digest = 'immediate'))`, period)
	if err != nil {
		return fmt.Errorf("notify: digest accounts: %w", err)
	}
	accounts, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("notify: digest accounts: %w", err)
	}
	for _, acc := range accounts {
		if err := db.InTx(ctx, s.pool, func(tx *db.Tx) error { return s.digestAccount(ctx, tx.Tx, acc) }); err != nil {
			return err
		}
	}
	return nil
}

// digestAccount takes an account's waiting notifications and enqueues their
// e-mail in one transaction: a retry finds them taken.
func (s *Service) digestAccount(ctx context.Context, tx pgx.Tx, account uuid.UUID) error {
	rows, err := tx.Query(ctx, `update notifications set emailed_at = now()
		where account_id = $1 and email_digest and emailed_at is null
		returning id, kind, data, created_at`, account)
	if err != nil {
		return fmt.Errorf("notify: take digest items: %w", err)
	}
	var (
		items []DigestItem
		first uuid.UUID
		at    time.Time
	)
	for rows.Next() {
		var (
			id uuid.UUID
			it DigestItem
		)
		if err := rows.Scan(&id, &it.Kind, &it.Data, &it.CreatedAt); err != nil {
			rows.Close()
			return fmt.Errorf("notify: take digest items: %w", err)
		}
		// The oldest item names the digest: it belongs to no other one.
		if first == uuid.Nil || it.CreatedAt.Before(at) || (it.CreatedAt.Equal(at) && id.String() < first.String()) {
			first, at = id, it.CreatedAt
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("notify: take digest items: %w", err)
	}
	if len(items) == 0 {
		return nil // a concurrent run took them
	}
	slices.SortStableFunc(items, func(a, b DigestItem) int { return a.CreatedAt.Compare(b.CreatedAt) })
	_, err = s.river.InsertTx(ctx, tx, EmailArgs{
		MessageKey: "digest:" + account.String() + ":" + first.String(),
		AccountID:  account,
		NoticeKind: kindDigest,
		Items:      items,
	}, nil)
	if err != nil {
		return fmt.Errorf("notify: enqueue digest: %w", err)
	}
	return nil
}
