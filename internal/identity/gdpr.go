package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/notify"
)

// ErrLastAdmin: the only global admin may not delete their account; nobody
// but the CLI could then administer the platform.
var ErrLastAdmin = apperr.New(apperr.Conflict, "account.last_admin")

// errDeletePassword: DeleteAccount with a wrong password.
var errDeletePassword = apperr.Invalid("password", "auth.invalid_credentials")

// Export is everything the platform holds about one person (GDPR art. 15
// and 20), as its owner downloads it. It marshals to readable JSON; lists
// are empty, never null. Secrets are left out: password and token hashes,
// the keyed hash of a verification's identifier, and one-time links still
// waiting in unsent e-mails.
type Export struct {
	ExportedAt    time.Time            `json:"exportedAt"`
	Account       ExportAccount        `json:"account"`
	Sessions      []ExportSession      `json:"sessions"`
	Roles         []ExportRole         `json:"roles"`
	Memberships   []ExportMembership   `json:"organisationMemberships"`
	Preferences   *ExportPreferences   `json:"notificationPreferences"` // nil: never set, the defaults apply
	Notifications []ExportNotification `json:"notifications"`
	Emails        []ExportEmail        `json:"emails"`
	Invitations   []ExportInvitation   `json:"invitations"`
	Texts         []ExportTextVersion  `json:"texts"`
	AuditEntries  []ExportAuditEntry   `json:"auditEntries"`
	// Domains holds the other domains' sections (see PersonalData).
	Domains map[string]any `json:"domains"`
}

// ExportAccount is the account row.
type ExportAccount struct {
	ID                uuid.UUID           `json:"id"`
	Email             string              `json:"email"`
	DisplayName       string              `json:"displayName"`
	Locale            string              `json:"locale"`
	CreatedAt         time.Time           `json:"createdAt"`
	EmailConfirmedAt  *time.Time          `json:"emailConfirmedAt"`
	PasswordChangedAt time.Time           `json:"passwordChangedAt"`
	Verification      *ExportVerification `json:"verification"` // nil: not a verified resident
}

// ExportVerification says when and how the person was verified; the keyed
// hash of the identifier and the officer are not theirs to take away.
type ExportVerification struct {
	VerifiedAt time.Time `json:"verifiedAt"`
	Method     string    `json:"method"`
}

// ExportSession is one session, active or not, with the client it recorded.
type ExportSession struct {
	CreatedAt  time.Time  `json:"createdAt"`
	LastSeenAt time.Time  `json:"lastSeenAt"`
	ExpiresAt  time.Time  `json:"expiresAt"`
	RevokedAt  *time.Time `json:"revokedAt"`
	UserAgent  string     `json:"userAgent"`
	IP         string     `json:"ip"`
}

// ExportRole is a role granted directly to the account.
type ExportRole struct {
	Role      string    `json:"role"`
	Domain    string    `json:"domain"`
	GrantedAt time.Time `json:"grantedAt"`
}

// ExportMembership is one organisation the person belongs to.
type ExportMembership struct {
	OrganisationID   uuid.UUID `json:"organisationId"`
	OrganisationName string    `json:"organisationName"`
	Role             string    `json:"role"`
	JoinedAt         time.Time `json:"joinedAt"`
}

// ExportPreferences are the notification preferences the person set.
type ExportPreferences struct {
	InApp     bool      `json:"inApp"`
	Email     bool      `json:"email"`
	Locale    *string   `json:"locale"`
	Digest    string    `json:"digest"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// ExportNotification is one notification, in-app or waiting for a digest.
type ExportNotification struct {
	Kind      string            `json:"kind"`
	Data      map[string]string `json:"data"`
	CreatedAt time.Time         `json:"createdAt"`
	ReadAt    *time.Time        `json:"readAt"`
}

// ExportEmail is one e-mail to the person. Body is left out while it still
// carries a one-time link (not yet redacted): an export file is kept and
// passed around, and a live reset link in it would open the account.
type ExportEmail struct {
	To        string     `json:"to"`
	Subject   string     `json:"subject"`
	Body      *string    `json:"body,omitempty"`
	CreatedAt time.Time  `json:"createdAt"`
	SentAt    *time.Time `json:"sentAt"`
}

// ExportInvitation is an invitation addressed to the person (their e-mail,
// or accepted by their account); the inviter is not theirs to take away.
type ExportInvitation struct {
	Role       string     `json:"role"`
	Domain     string     `json:"domain"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  time.Time  `json:"expiresAt"`
	AcceptedAt *time.Time `json:"acceptedAt"`
	RevokedAt  *time.Time `json:"revokedAt"`
}

// ExportTextVersion is one version of a text (an original or a
// translation) the person wrote.
type ExportTextVersion struct {
	TextID     uuid.UUID `json:"textId"`
	Locale     string    `json:"locale"`
	Body       string    `json:"body"`
	IsOriginal bool      `json:"isOriginal"`
	CreatedAt  time.Time `json:"createdAt"`
}

// ExportAuditEntry is one audited act the person did. Objects and data are
// left out: they name other people (whom they verified, granted a role, ...).
type ExportAuditEntry struct {
	Action     string    `json:"action"`
	ObjectType string    `json:"objectType"`
	Reason     string    `json:"reason"`
	CreatedAt  time.Time `json:"createdAt"`
}

// requireSelf lets only the account itself through: UNAUTHENTICATED for an
// anonymous caller, NOT_FOUND for anyone else (another person's account is
// not revealed, not even to admins).
func requireSelf(ctx context.Context, act string, accountID uuid.UUID) error {
	return authz.RequireSelf(ctx, act, "account", accountID)
}

// ExportData returns everything the platform holds about the caller's own
// account (another account is NOT_FOUND). It reads one consistent snapshot
// with one query per section, whatever the amounts.
func (s *Service) ExportData(ctx context.Context, accountID uuid.UUID) (Export, error) {
	if err := requireSelf(ctx, "read_private", accountID); err != nil {
		return Export{}, err
	}
	var ex Export
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `set transaction isolation level repeatable read, read only`); err != nil {
			return fmt.Errorf("export snapshot: %w", err)
		}
		a := &ex.Account
		var (
			verifiedAt *time.Time
			method     *string
		)
		err := tx.QueryRow(ctx, `select now(), a.id, a.email, a.display_name, a.locale, a.created_at, a.email_confirmed_at,
				a.password_changed_at, v.created_at, v.method
			from accounts a left join verifications v on v.account_id = a.id
			where a.id = $1 and a.deleted_at is null`, accountID).Scan(&ex.ExportedAt, &a.ID, &a.Email, &a.DisplayName,
			&a.Locale, &a.CreatedAt, &a.EmailConfirmedAt, &a.PasswordChangedAt, &verifiedAt, &method)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return fmt.Errorf("export account: %w", err)
		}
		if verifiedAt != nil {
			a.Verification = &ExportVerification{VerifiedAt: *verifiedAt, Method: *method}
		}
		if err := exportSections(ctx, tx, &ex); err != nil {
			return err
		}
		ex.Domains = map[string]any{}
		for _, p := range s.personal {
			data, err := p.Export(ctx, tx, accountID)
			if err != nil {
				return fmt.Errorf("export %s: %w", p.Name(), err)
			}
			ex.Domains[p.Name()] = data
		}
		return nil
	})
	if err != nil {
		return Export{}, err
	}
	return ex, nil
}

// exportSections fills every list of ex (whose Account is loaded).
func exportSections(ctx context.Context, q db.Executor, ex *Export) error {
	id, email := ex.Account.ID, ex.Account.Email
	var err error
	if ex.Sessions, err = collect(ctx, q, "sessions", `select created_at, last_seen_at, expires_at, revoked_at, user_agent, ip
		from sessions where account_id = $1 order by created_at, id`, []any{id}, func(r pgx.CollectableRow) (ExportSession, error) {
		var e ExportSession
		return e, r.Scan(&e.CreatedAt, &e.LastSeenAt, &e.ExpiresAt, &e.RevokedAt, &e.UserAgent, &e.IP)
	}); err != nil {
		return err
	}
	if ex.Roles, err = collect(ctx, q, "roles", `select role, domain, created_at
		from role_grants where account_id = $1 order by domain <> '*', role, domain`, []any{id}, func(r pgx.CollectableRow) (ExportRole, error) {
		var e ExportRole
		return e, r.Scan(&e.Role, &e.Domain, &e.GrantedAt)
	}); err != nil {
		return err
	}
	if ex.Memberships, err = collect(ctx, q, "memberships", `select o.id, o.name, m.role, m.created_at
		from organisation_members m join organisations o on o.id = m.organisation_id
		where m.account_id = $1 order by o.name, o.id`, []any{id}, func(r pgx.CollectableRow) (ExportMembership, error) {
		var e ExportMembership
		return e, r.Scan(&e.OrganisationID, &e.OrganisationName, &e.Role, &e.JoinedAt)
	}); err != nil {
		return err
	}
	prefs, err := collect(ctx, q, "notification preferences", `select in_app, email, locale, digest, updated_at
		from notification_preferences where account_id = $1`, []any{id}, func(r pgx.CollectableRow) (ExportPreferences, error) {
		var e ExportPreferences
		return e, r.Scan(&e.InApp, &e.Email, &e.Locale, &e.Digest, &e.UpdatedAt)
	})
	if err != nil {
		return err
	}
	if len(prefs) == 1 {
		ex.Preferences = &prefs[0]
	}
	if ex.Notifications, err = collect(ctx, q, "notifications", `select kind, data, created_at, read_at
		from notifications where account_id = $1 order by created_at, id`, []any{id}, func(r pgx.CollectableRow) (ExportNotification, error) {
		var e ExportNotification
		return e, r.Scan(&e.Kind, &e.Data, &e.CreatedAt, &e.ReadAt)
	}); err != nil {
		return err
	}
	// Invitation e-mails go to an address before it has an account.
	if ex.Emails, err = collect(ctx, q, "e-mails", `select to_address, subject,
			case when redacted or not exists (select 1 from jsonb_object_keys(data) k where starts_with(k, $3))
				then body end,
			created_at, sent_at
		from email_outbox where account_id = $1 or (account_id is null and to_address = $2)
		order by created_at, id`, []any{id, email, notify.SecretPrefix}, func(r pgx.CollectableRow) (ExportEmail, error) {
		var e ExportEmail
		return e, r.Scan(&e.To, &e.Subject, &e.Body, &e.CreatedAt, &e.SentAt)
	}); err != nil {
		return err
	}
	if ex.Invitations, err = collect(ctx, q, "invitations", `select role, domain, created_at, expires_at, accepted_at, revoked_at
		from invitations where accepted_by = $1 or email = $2 order by created_at, id`, []any{id, email}, func(r pgx.CollectableRow) (ExportInvitation, error) {
		var e ExportInvitation
		return e, r.Scan(&e.Role, &e.Domain, &e.CreatedAt, &e.ExpiresAt, &e.AcceptedAt, &e.RevokedAt)
	}); err != nil {
		return err
	}
	if ex.Texts, err = collect(ctx, q, "texts", `select text_id, locale, body, is_original, created_at
		from text_versions where author_id = $1 order by created_at, id`, []any{id}, func(r pgx.CollectableRow) (ExportTextVersion, error) {
		var e ExportTextVersion
		return e, r.Scan(&e.TextID, &e.Locale, &e.Body, &e.IsOriginal, &e.CreatedAt)
	}); err != nil {
		return err
	}
	if ex.AuditEntries, err = collect(ctx, q, "audit entries", `select action, object_type, reason, created_at
		from audit_log where actor_id = $1 order by created_at, id`, []any{id}, func(r pgx.CollectableRow) (ExportAuditEntry, error) {
		var e ExportAuditEntry
		return e, r.Scan(&e.Action, &e.ObjectType, &e.Reason, &e.CreatedAt)
	}); err != nil {
		return err
	}
	return nil
}

// collect runs one section's query and returns its rows (empty, not nil,
// when there are none).
func collect[T any](ctx context.Context, q db.Executor, section, sql string, args []any, scan pgx.RowToFunc[T]) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", section, err)
	}
	out, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", section, err)
	}
	return out, nil
}

// deletedPassword is stored as the password hash of a deleted account: it
// is no PHC string, so no password can ever match it.
const deletedPassword = "!deleted"

// DeleteAccount deletes the caller's own account (another account is
// NOT_FOUND) after re-checking its password (a wrong one is INVALID_INPUT on
// "password"). In one transaction it keeps the row, marked deleted and
// stripped of its e-mail (a unique placeholder, so the address can sign up
// again) and password; it deletes sessions, one-time tokens, notification
// preferences, notifications, the account's e-mails and its verification,
// and revokes its role grants and organisation memberships (membership of
// a minority organisation would reveal origin), each through authz so every
// instance drops the rules. Texts the person wrote stay, credited to
// nobody: every reader leaves deleted accounts out (see AccountsByIDs).
// Invitations they sent stay for audit. The only global admin gets
// ErrLastAdmin.
func (s *Service) DeleteAccount(ctx context.Context, accountID uuid.UUID, password string) error {
	if err := requireSelf(ctx, "delete", accountID); err != nil {
		return err
	}
	var stored string
	err := s.pool.QueryRow(ctx, `select password_hash from accounts where id = $1 and deleted_at is null`, accountID).Scan(&stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return errNotFound
	}
	if err != nil {
		return fmt.Errorf("load password: %w", err)
	}
	ok, _, err := s.hasher.verify(ctx, password, stored)
	if err != nil {
		return err
	}
	if !ok {
		return errDeletePassword
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// Locks the row (as sign-in does): a concurrent password change
		// either happened before, and the checked password no longer
		// holds, or waits and then finds the account gone.
		var current string
		err := tx.QueryRow(ctx, `select password_hash from accounts where id = $1 and deleted_at is null for update`, accountID).Scan(&current)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return fmt.Errorf("lock account: %w", err)
		}
		if current != stored {
			return errDeletePassword
		}
		if err := s.revokeAllRoles(ctx, tx, accountID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `delete from organisation_members where account_id = $1`, accountID)
		if err != nil {
			return fmt.Errorf("delete memberships: %w", err)
		}
		if tag.RowsAffected() > 0 {
			if err := s.az.Changed(ctx, tx); err != nil {
				return err
			}
		}
		if err := erasePersonalRows(ctx, tx, accountID); err != nil {
			return err
		}
		if err := announceEnded(ctx, tx, SessionsEnded{Account: accountID}); err != nil {
			return err
		}
		for _, p := range s.personal {
			if err := p.Erase(ctx, tx, accountID); err != nil {
				return fmt.Errorf("erase %s: %w", p.Name(), err)
			}
		}
		// A random placeholder, not one derived from the id: nobody can sign
		// up with it beforehand and so block the deletion.
		_, err = tx.Exec(ctx, `update accounts set deleted_at = now(), email = $2, password_hash = $3 where id = $1`,
			accountID, "deleted-"+uuid.NewString()+"@deleted.invalid", deletedPassword)
		if err != nil {
			return fmt.Errorf("delete account: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{
			ActorID: accountID, Action: "account.delete", ObjectType: "account", ObjectID: accountID.String(),
		})
	})
}

// revokeAllRoles revokes every direct grant of accountID through authz
// (audited, announced to every instance), refusing to remove the last
// global admin.
func (s *Service) revokeAllRoles(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	rows, err := tx.Query(ctx, `select role, domain from role_grants where account_id = $1 order by role, domain`, accountID)
	if err != nil {
		return fmt.Errorf("list roles: %w", err)
	}
	grants, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var g [2]string
		return g, r.Scan(&g[0], &g[1])
	})
	if err != nil {
		return fmt.Errorf("list roles: %w", err)
	}
	if slices.Contains(grants, [2]string{authz.RoleAdmin, authz.GlobalDomain}) {
		// Locks every admin grant, as RevokeRole does, so two last admins
		// deleting themselves at once cannot both succeed.
		rows, err := tx.Query(ctx, `select account_id from role_grants
			where role = 'admin' and domain = '*' order by account_id for update`)
		if err != nil {
			return fmt.Errorf("lock admins: %w", err)
		}
		admins, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return fmt.Errorf("lock admins: %w", err)
		}
		if len(admins) == 1 && admins[0] == accountID {
			return ErrLastAdmin
		}
	}
	for _, g := range grants {
		if err := s.az.Revoke(ctx, tx, accountID, g[0], g[1], accountID); err != nil {
			return err
		}
	}
	return nil
}

// erasePersonalRows deletes the rows that exist only for the account.
func erasePersonalRows(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	for _, st := range []struct{ what, sql string }{
		{"sessions", `delete from sessions where account_id = $1`},
		{"tokens", `delete from account_tokens where account_id = $1`},
		{"notification preferences", `delete from notification_preferences where account_id = $1`},
		{"notifications", `delete from notifications where account_id = $1`},
		// The rows hold the address, and bodies the name.
		{"e-mails", `delete from email_outbox where account_id = $1`},
		// Links of confirmation and reset e-mails not yet written to the
		// outbox; the dedupe keys are this package's (sendConfirmation,
		// RequestPasswordReset).
		{"pending links", `delete from notification_secrets
			where starts_with(dedupe_key, 'confirm_email:' || $1::uuid::text || ':')
			   or starts_with(dedupe_key, 'password_reset:' || $1::uuid::text || ':')`},
		// Ballots are not linked to accounts, so the verification can go.
		{"verification", `delete from verifications where account_id = $1`},
	} {
		if _, err := tx.Exec(ctx, st.sql, accountID); err != nil {
			return fmt.Errorf("delete %s: %w", st.what, err)
		}
	}
	return nil
}
