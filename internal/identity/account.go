package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// SignUpInput is a new account's details.
type SignUpInput struct {
	Email, Password, DisplayName string
	Locale                       i18n.Locale // empty: Polish
}

// SignUp creates an unconfirmed account and signs it in: it returns the
// account and a session token. A confirmation e-mail and a welcome notice
// are enqueued in the same transaction.
func (s *Service) SignUp(ctx context.Context, in SignUpInput, meta ClientMeta) (Account, string, error) {
	// Every field is checked, and all that are wrong reported together.
	email, errEmail := NormalizeEmail(in.Email)
	errPassword := checkPassword("password", in.Password)
	name, errName := normalizeDisplayName("displayName", in.DisplayName)
	locale, errLocale := normalizeLocale("locale", in.Locale)
	if err := apperr.Fields(errName, errEmail, errPassword, errLocale); err != nil {
		return Account{}, "", err
	}
	// Hashing happens outside the transaction: it is the slow part and may
	// wait for a slot.
	hash, err := s.hasher.hash(ctx, in.Password)
	if err != nil {
		return Account{}, "", err
	}
	var (
		acc   Account
		token string
	)
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var err error
		if acc, err = insertAccount(ctx, tx, email, hash, name, locale, false); err != nil {
			return err
		}
		if _, token, err = s.createSession(ctx, tx, acc.ID, meta); err != nil {
			return err
		}
		if err := s.sendConfirmation(ctx, tx, acc.ID); err != nil {
			return err
		}
		return s.welcome(ctx, tx, acc)
	})
	if err != nil {
		return Account{}, "", err
	}
	return acc, token, nil
}

// SignIn checks e-mail and password and opens a session. Every failure is
// ErrInvalidCredentials, and an unknown e-mail costs the same argon2
// verification as a wrong password, so neither answer nor timing tells
// which it was.
func (s *Service) SignIn(ctx context.Context, email, password string, meta ClientMeta) (Account, string, error) {
	id, stored, found, err := s.credentials(ctx, email)
	if err != nil {
		return Account{}, "", err
	}
	if !found {
		if _, _, err := s.hasher.verify(ctx, password, s.hasher.dummyHash()); err != nil {
			return Account{}, "", err
		}
		return Account{}, "", ErrInvalidCredentials
	}
	ok, rehash, err := s.hasher.verify(ctx, password, stored)
	if err != nil {
		return Account{}, "", err
	}
	if !ok {
		return Account{}, "", ErrInvalidCredentials
	}
	var upgraded string
	if rehash {
		if upgraded, err = s.hasher.hash(ctx, password); err != nil {
			return Account{}, "", err
		}
	}
	var (
		acc   Account
		token string
	)
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var err error
		// Locks the row: a concurrent deletion or password change either
		// happens before (and the sign-in fails) or after.
		var current string
		err = tx.QueryRow(ctx, `select password_hash from accounts where id = $1 and deleted_at is null for update`, id).Scan(&current)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && current != stored) {
			return ErrInvalidCredentials
		}
		if err != nil {
			return fmt.Errorf("lock account: %w", err)
		}
		if upgraded != "" {
			// Same password, current parameters; password_changed_at stays.
			if _, err := tx.Exec(ctx, `update accounts set password_hash = $2 where id = $1`, id, upgraded); err != nil {
				return fmt.Errorf("upgrade password hash: %w", err)
			}
		}
		if acc, err = loadAccount(ctx, tx, id); err != nil {
			return err
		}
		_, token, err = s.createSession(ctx, tx, id, meta)
		return err
	})
	if err != nil {
		return Account{}, "", err
	}
	return acc, token, nil
}

// credentials looks up a live account's id and password hash by e-mail. A
// malformed address is simply not found.
func (s *Service) credentials(ctx context.Context, email string) (uuid.UUID, string, bool, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return uuid.Nil, "", false, nil
	}
	var (
		id   uuid.UUID
		hash string
	)
	err = s.pool.QueryRow(ctx, `select id, password_hash from accounts where email = $1 and deleted_at is null`, e).Scan(&id, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, "", false, nil
	}
	if err != nil {
		return uuid.Nil, "", false, fmt.Errorf("look up account: %w", err)
	}
	return id, hash, true, nil
}

// Account returns a live account, or apperr.ErrNotFound (also for a
// deleted one).
func (s *Service) Account(ctx context.Context, id uuid.UUID) (Account, error) {
	return loadAccount(ctx, s.pool, id)
}

// AccountsByIDs returns the live accounts among ids in one query, for
// dataloaders. Unknown and deleted accounts are absent from the map.
func (s *Service) AccountsByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]Account, error) {
	out := make(map[uuid.UUID]Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `select `+accountCols+` from accounts a where a.id = any($1) and a.deleted_at is null`, ids)
	if err != nil {
		return nil, fmt.Errorf("load accounts: %w", err)
	}
	accs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Account, error) { return scanAccount(r) })
	if err != nil {
		return nil, fmt.Errorf("load accounts: %w", err)
	}
	for _, a := range accs {
		out[a.ID] = a
	}
	return out, nil
}

// UpdateProfile changes the display name and/or the preferred locale; nil
// leaves a field as it is.
func (s *Service) UpdateProfile(ctx context.Context, accountID uuid.UUID, displayName *string, locale *i18n.Locale) (Account, error) {
	if err := requireSelf(ctx, "update", accountID); err != nil {
		return Account{}, err
	}
	var (
		name *string
		loc  *string
	)
	if displayName != nil {
		n, err := normalizeDisplayName("displayName", *displayName)
		if err != nil {
			return Account{}, err
		}
		name = &n
	}
	if locale != nil {
		if *locale == "" {
			return Account{}, apperr.Invalid("locale", keyLocaleInvalid)
		}
		l, err := normalizeLocale("locale", *locale)
		if err != nil {
			return Account{}, err
		}
		ls := string(l)
		loc = &ls
	}
	var acc Account
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		tag, err := tx.Exec(ctx, `update accounts set display_name = coalesce($2, display_name), locale = coalesce($3, locale)
			where id = $1 and deleted_at is null`, accountID, name, loc)
		if err != nil {
			return fmt.Errorf("update profile: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNotFound
		}
		acc, err = loadAccount(ctx, tx, accountID)
		return err
	})
	return acc, err
}

// CreateAdmin makes email a global admin, for the `otwarty admin create`
// command (the first admin never comes from a default password). A new
// account is created confirmed; an existing one is used as it is, without
// checking or changing its password. Granting twice is harmless.
func (s *Service) CreateAdmin(ctx context.Context, email, password, displayName string) (Account, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return Account{}, err
	}
	id, _, found, err := s.credentials(ctx, e)
	if err != nil {
		return Account{}, err
	}
	var name, hash string
	if !found {
		if err := checkPassword("password", password); err != nil {
			return Account{}, err
		}
		if name, err = normalizeDisplayName("displayName", displayName); err != nil {
			return Account{}, err
		}
		if hash, err = s.hasher.hash(ctx, password); err != nil {
			return Account{}, err
		}
	}
	var acc Account
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var err error
		if found {
			acc, err = loadAccount(ctx, tx, id)
		} else {
			acc, err = insertAccount(ctx, tx, e, hash, name, i18n.PL, true)
		}
		if err != nil {
			return err
		}
		return s.az.Grant(ctx, tx, acc.ID, "admin", "*", uuid.Nil)
	})
	if err != nil {
		return Account{}, err
	}
	return acc, nil
}

func insertAccount(ctx context.Context, tx *db.Tx, email, hash, name string, locale i18n.Locale, confirmed bool) (Account, error) {
	a, err := scanAccount(tx.QueryRow(ctx, `insert into accounts as a (email, password_hash, display_name, locale, email_confirmed_at)
		values ($1, $2, $3, $4, case when $5 then now() end)
		returning `+accountCols, email, hash, name, string(locale), confirmed))
	if c, ok := uniqueViolation(err); ok && c == "accounts_email_key" {
		return Account{}, ErrEmailTaken
	}
	if err != nil {
		return Account{}, fmt.Errorf("insert account: %w", err)
	}
	return a, nil
}

// welcome enqueues the in-app welcome notice, once per account.
func (s *Service) welcome(ctx context.Context, tx *db.Tx, a Account) error {
	return s.notify(ctx, tx, notify.Notice{
		AccountID: a.ID,
		Kind:      notify.KindWelcome,
		DedupeKey: "welcome:" + a.ID.String(),
		InApp:     true,
	})
}

func (s *Service) notify(ctx context.Context, tx *db.Tx, n notify.Notice) error {
	if err := s.notifier.Notify(ctx, tx.Tx, n); err != nil {
		return fmt.Errorf("notify %s: %w", n.Kind, err)
	}
	return nil
}
