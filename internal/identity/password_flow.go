package identity

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/notify"
)

// Purposes of account_tokens rows.
const (
	purposeConfirm = "confirm_email"
	purposeReset   = "reset_password"
)

// accountToken is a new one-time token: the secret for the e-mail, the hash
// that is stored, and its expiry.
type accountToken struct {
	secret    string
	hash      []byte
	expiresAt time.Time
}

// createAccountToken stores the hash of a new one-time token.
func createAccountToken(ctx context.Context, tx *db.Tx, accountID uuid.UUID, purpose string, ttl time.Duration) (accountToken, error) {
	t := accountToken{}
	t.secret, t.hash = newToken()
	err := tx.QueryRow(ctx, `insert into account_tokens (token_hash, account_id, purpose, expires_at)
		values ($1, $2, $3, now() + $4::bigint * interval '1 microsecond') returning expires_at`,
		t.hash, accountID, purpose, micros(ttl)).Scan(&t.expiresAt)
	if err != nil {
		return accountToken{}, fmt.Errorf("create %s token: %w", purpose, err)
	}
	return t, nil
}

// linkData is the data of a notice carrying a one-time link.
func (s *Service) linkData(path, secret string, expiresAt time.Time) map[string]string {
	return map[string]string{
		notify.DataLink:      s.link(path, secret),
		notify.DataExpiresAt: expiresAt.UTC().Format(time.RFC3339),
	}
}

// useAccountToken marks a live token of purpose used and returns its
// account; an unknown, used or expired token (or one of a deleted account)
// is ErrTokenInvalid.
func useAccountToken(ctx context.Context, tx *db.Tx, secret, purpose string) (uuid.UUID, error) {
	if secret == "" || len(secret) > 128 {
		return uuid.Nil, ErrTokenInvalid
	}
	var id uuid.UUID
	err := tx.QueryRow(ctx, `update account_tokens t set used_at = now()
		from accounts a
		where t.token_hash = $1 and t.purpose = $2 and t.used_at is null and t.expires_at > now()
		  and a.id = t.account_id and a.deleted_at is null
		returning t.account_id`, tokenHash(secret), purpose).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, ErrTokenInvalid
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("use %s token: %w", purpose, err)
	}
	return id, nil
}

// sendConfirmation creates a confirmation token and enqueues its e-mail.
func (s *Service) sendConfirmation(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	t, err := createAccountToken(ctx, tx, accountID, purposeConfirm, s.cfg.ConfirmTTL)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, notify.Notice{
		AccountID:     accountID,
		Kind:          notify.KindConfirmEmail,
		Data:          s.linkData(PathConfirmEmail, t.secret, t.expiresAt),
		DedupeKey:     "confirm_email:" + accountID.String() + ":" + hex.EncodeToString(t.hash[:8]),
		Email:         true,
		Transactional: true,
	})
}

// ConfirmEmail confirms the address of the token's account. Anonymous; the
// token works once and until ConfirmTTL.
func (s *Service) ConfirmEmail(ctx context.Context, token string) (Account, error) {
	var acc Account
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		id, err := useAccountToken(ctx, tx, token, purposeConfirm)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update accounts set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = $1`, id); err != nil {
			return fmt.Errorf("confirm email: %w", err)
		}
		acc, err = loadAccount(ctx, tx, id)
		return err
	})
	return acc, err
}

// ResendConfirmation sends a new confirmation link (earlier ones stay valid
// until they expire). For a confirmed address it does nothing, so that a
// retried request is harmless; within ResendInterval of the previous link it
// answers apperr.ErrRateLimited.
func (s *Service) ResendConfirmation(ctx context.Context, accountID uuid.UUID) error {
	if err := requireSelf(ctx, "update", accountID); err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		recent, err := sentRecently(ctx, tx, accountID, purposeConfirm)
		if err != nil {
			return err
		}
		acc, err := loadAccount(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if acc.EmailConfirmed {
			return nil
		}
		if recent {
			return apperr.ErrRateLimited
		}
		return s.sendConfirmation(ctx, tx, accountID)
	})
}

// ResendInterval is the least time between two e-mails with a new link of
// one kind to one account. Per-IP limits do not stop someone with many
// addresses from flooding a stranger's inbox with reset links; this does.
const ResendInterval = time.Minute

// sentRecently locks the account (so that concurrent requests queue) and
// reports whether a token of purpose was made for it within ResendInterval.
// A missing or deleted account is errNotFound.
func sentRecently(ctx context.Context, tx *db.Tx, accountID uuid.UUID, purpose string) (bool, error) {
	var one int
	err := tx.QueryRow(ctx, `select 1 from accounts where id = $1 and deleted_at is null for update`, accountID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, errNotFound
	}
	if err != nil {
		return false, fmt.Errorf("lock account: %w", err)
	}
	// A separate statement: its snapshot sees what a request that held the
	// lock before us committed.
	var recent bool
	err = tx.QueryRow(ctx, `select exists (select 1 from account_tokens where account_id = $1 and purpose = $2
		and created_at > now() - $3::bigint * interval '1 microsecond')`, accountID, purpose, micros(ResendInterval)).Scan(&recent)
	if err != nil {
		return false, fmt.Errorf("check recent tokens: %w", err)
	}
	return recent, nil
}

// ChangePassword replaces the password of a signed-in account after
// checking the current one (a wrong one is ErrWrongCurrentPassword). Every
// other session is revoked, pending reset links die, and a
// "password_changed" notice is enqueued in the same transaction.
func (s *Service) ChangePassword(ctx context.Context, accountID, currentSessionID uuid.UUID, current, newPassword string) (Account, error) {
	if err := requireSelf(ctx, "update", accountID); err != nil {
		return Account{}, err
	}
	if err := checkPassword("newPassword", newPassword); err != nil {
		return Account{}, err
	}
	var stored string
	err := s.pool.QueryRow(ctx, `select password_hash from accounts where id = $1 and deleted_at is null`, accountID).Scan(&stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, errNotFound
	}
	if err != nil {
		return Account{}, fmt.Errorf("load password: %w", err)
	}
	ok, _, err := s.hasher.verify(ctx, current, stored)
	if err != nil {
		return Account{}, err
	}
	if !ok {
		return Account{}, ErrWrongCurrentPassword
	}
	hash, err := s.hasher.hash(ctx, newPassword)
	if err != nil {
		return Account{}, err
	}
	var acc Account
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// Only if the hash is still the one checked: two concurrent changes
		// cannot both succeed on one proof of the old password.
		tag, err := tx.Exec(ctx, `update accounts set password_hash = $3, password_changed_at = now()
			where id = $1 and password_hash = $2 and deleted_at is null`, accountID, stored, hash)
		if err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrWrongCurrentPassword
		}
		acc, err = s.afterPasswordChange(ctx, tx, accountID, currentSessionID)
		return err
	})
	return acc, err
}

// afterPasswordChange revokes sessions except keep, expires unused reset
// tokens and enqueues the "password_changed" notice.
func (s *Service) afterPasswordChange(ctx context.Context, tx *db.Tx, accountID, keep uuid.UUID) (Account, error) {
	if _, err := revokeSessions(ctx, tx, accountID, keep); err != nil {
		return Account{}, err
	}
	if _, err := tx.Exec(ctx, `update account_tokens set used_at = now()
		where account_id = $1 and purpose = $2 and used_at is null`, accountID, purposeReset); err != nil {
		return Account{}, fmt.Errorf("expire reset tokens: %w", err)
	}
	err := s.notify(ctx, tx, notify.Notice{
		AccountID: accountID,
		Kind:      notify.KindPasswordChanged,
		DedupeKey: "password_changed:" + accountID.String() + ":" + uuid.NewString(),
		InApp:     true,
		Email:     true,
		// A security alert: someone who switched e-mail off or chose a digest
		// still learns at once that their password changed.
		Transactional: true,
	})
	if err != nil {
		return Account{}, err
	}
	return loadAccount(ctx, tx, accountID)
}

// RequestPasswordReset e-mails a reset link when email belongs to a live
// account, and answers nil either way so that it reveals nothing. Only a
// malformed address is an error (INVALID_INPUT on "email"). Within
// ResendInterval of the previous reset link it sends nothing (and still
// answers nil).
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	e, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var id uuid.UUID
		err := tx.QueryRow(ctx, `select id from accounts where email = $1 and deleted_at is null`, e).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("look up account: %w", err)
		}
		recent, err := sentRecently(ctx, tx, id, purposeReset)
		if errors.Is(err, errNotFound) || (err == nil && recent) { // deleted meanwhile, or just sent
			return nil
		}
		if err != nil {
			return err
		}
		t, err := createAccountToken(ctx, tx, id, purposeReset, s.cfg.ResetTTL)
		if err != nil {
			return err
		}
		return s.notify(ctx, tx, notify.Notice{
			AccountID:     id,
			Kind:          notify.KindPasswordReset,
			Data:          s.linkData(PathResetPassword, t.secret, t.expiresAt),
			DedupeKey:     "password_reset:" + id.String() + ":" + hex.EncodeToString(t.hash[:8]),
			Email:         true,
			Transactional: true,
		})
	})
}

// ResetPassword sets a new password with a reset token (anonymous; once,
// until ResetTTL). Every session is revoked, the address counts as
// confirmed (the link reached it), and "password_changed" is enqueued.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) (Account, error) {
	if err := checkPassword("newPassword", newPassword); err != nil {
		return Account{}, err
	}
	// A cheap check first, so that bad tokens cost no argon2 hash.
	if token == "" || len(token) > 128 {
		return Account{}, ErrTokenInvalid
	}
	var live bool
	err := s.pool.QueryRow(ctx, `select exists (select 1 from account_tokens
		where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now())`,
		tokenHash(token), purposeReset).Scan(&live)
	if err != nil {
		return Account{}, fmt.Errorf("check reset token: %w", err)
	}
	if !live {
		return Account{}, ErrTokenInvalid
	}
	hash, err := s.hasher.hash(ctx, newPassword)
	if err != nil {
		return Account{}, err
	}
	var acc Account
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		id, err := useAccountToken(ctx, tx, token, purposeReset)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update accounts set password_hash = $2, password_changed_at = now(),
			email_confirmed_at = coalesce(email_confirmed_at, now()) where id = $1`, id, hash); err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		acc, err = s.afterPasswordChange(ctx, tx, id, uuid.Nil)
		return err
	})
	return acc, err
}
