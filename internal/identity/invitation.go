package identity

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// InviteInput names who is invited to which role where. Domain is "*" for
// the global roles (admin, coordinator; empty means "*") and
// "<kind>:<uuid>" for scoped ones: "org:<city unit>" for official.
type InviteInput struct {
	Email, Role, Domain string
}

// Invitation is an invitation by e-mail to take a role.
type Invitation struct {
	ID                   uuid.UUID
	Email, Role, Domain  string
	InvitedBy            uuid.UUID
	CreatedAt, ExpiresAt time.Time
	AcceptedAt           *time.Time
	AcceptedBy           *uuid.UUID
	RevokedAt            *time.Time
}

// AcceptInvitationInput: the token from the e-mail, the password of the
// existing account with the invited address or of the new one, and for a new
// account its display name and locale (empty: Polish).
type AcceptInvitationInput struct {
	Token, Password, DisplayName string
	Locale                       i18n.Locale
}

// invitable lists the roles that can be invited: whether they are global,
// the kind of domain a scoped one is held in ("" for any), and which input
// field names the domain in the API.
var invitable = map[string]struct {
	global bool
	kind   string
	field  string
}{
	"admin":          {global: true},
	"coordinator":    {global: true},
	"official":       {kind: "org", field: "organisationId"},
	"juror":          {field: "domain"},
	"ballot_officer": {field: "domain"},
}

var scopedDomain = regexp.MustCompile(`^[a-z_]+:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

const invitationCols = `i.id, i.email, i.role, i.domain, i.invited_by, i.created_at, i.expires_at, i.accepted_at, i.accepted_by, i.revoked_at`

func scanInvitation(row pgx.Row) (Invitation, error) {
	var i Invitation
	err := row.Scan(&i.ID, &i.Email, &i.Role, &i.Domain, &i.InvitedBy, &i.CreatedAt, &i.ExpiresAt, &i.AcceptedAt, &i.AcceptedBy, &i.RevokedAt)
	return i, err
}

// InvitationAction is the authorization action for inviting to role.
func InvitationAction(role string) string { return "invite_" + role }

// Invite invites an e-mail address to a role in a domain. The caller needs
// "invite_<role>" on an invitation object in that domain. Earlier pending
// invitations of the same address to the same role and domain are revoked,
// so only the newest link works. The e-mail is enqueued in the same
// transaction.
func (s *Service) Invite(ctx context.Context, in InviteInput) (Invitation, error) {
	subj := authz.SubjectFrom(ctx)
	if subj.Anonymous() {
		return Invitation{}, apperr.ErrUnauthenticated
	}
	role := strings.ToLower(strings.TrimSpace(in.Role))
	rule, ok := invitable[role]
	if !ok {
		return Invitation{}, apperr.Invalid("role", keyRoleInvalid)
	}
	domain := strings.TrimSpace(in.Domain)
	switch {
	case rule.global && (domain == "" || domain == "*"):
		domain = "*"
	case rule.global || !scopedDomain.MatchString(domain) || (rule.kind != "" && !strings.HasPrefix(domain, rule.kind+":")):
		field := rule.field
		if field == "" {
			field = "domain"
		}
		return Invitation{}, apperr.Invalid(field, keyDomainInvalid)
	}
	if err := authz.Require(ctx, InvitationAction(role), authz.Object{Type: "invitation", Domains: []string{domain}}); err != nil {
		return Invitation{}, err
	}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return Invitation{}, err
	}
	var inv Invitation
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if kind, id, ok := strings.Cut(domain, ":"); ok && kind == "org" {
			var exists bool
			if err := tx.QueryRow(ctx, `select exists (select 1 from organisations where id = $1)`, id).Scan(&exists); err != nil {
				return fmt.Errorf("check organisation: %w", err)
			}
			if !exists {
				return apperr.Invalid(rule.field, keyIDInvalid)
			}
		}
		var inviter, locale string
		err := tx.QueryRow(ctx, `select display_name, coalesce((select locale from accounts where email = $2), '')
			from accounts where id = $1 and deleted_at is null`, subj.AccountID, email).Scan(&inviter, &locale)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.ErrUnauthenticated
		}
		if err != nil {
			return fmt.Errorf("load inviter: %w", err)
		}
		if _, err := tx.Exec(ctx, `update invitations set revoked_at = now()
			where email = $1 and role = $2 and domain = $3 and accepted_at is null and revoked_at is null`,
			email, role, domain); err != nil {
			return fmt.Errorf("revoke earlier invitations: %w", err)
		}
		secret, hash := newToken()
		inv, err = scanInvitation(tx.QueryRow(ctx, `insert into invitations as i (token_hash, email, role, domain, invited_by, expires_at)
			values ($1, $2, $3, $4, $5, now() + $6::bigint * interval '1 microsecond')
			returning `+invitationCols, hash, email, role, domain, subj.AccountID, micros(s.cfg.InviteTTL)))
		if err != nil {
			return fmt.Errorf("insert invitation: %w", err)
		}
		if err := audit.Write(ctx, tx.Tx, audit.Entry{
			ActorID: subj.AccountID, Action: "invitation.create", ObjectType: "invitation", ObjectID: inv.ID.String(),
			Data: map[string]any{"role": role, "domain": domain},
		}); err != nil {
			return err
		}
		data := s.linkData(PathAcceptInvitation, secret, inv.ExpiresAt)
		data[notify.DataRole] = role
		data[notify.DataInviter] = inviter
		if locale != "" { // the address has an account: write in its language
			data[notify.DataLocale] = locale
		}
		return s.notify(ctx, tx, notify.Notice{
			ToAddress:     email,
			Kind:          notify.KindInvitation,
			Data:          data,
			DedupeKey:     "invitation:" + inv.ID.String(),
			Email:         true,
			Transactional: true,
		})
	})
	if err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// RevokeInvitation revokes a pending invitation. Callers who could not have
// made it get apperr.ErrNotFound; revoking twice is not an error; an
// accepted invitation is CONFLICT invitation.accepted (revoke the role
// instead).
func (s *Service) RevokeInvitation(ctx context.Context, id uuid.UUID) (Invitation, error) {
	subj := authz.SubjectFrom(ctx)
	if subj.Anonymous() {
		return Invitation{}, apperr.ErrUnauthenticated
	}
	var inv Invitation
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var err error
		inv, err = scanInvitation(tx.QueryRow(ctx, `select `+invitationCols+` from invitations i where i.id = $1 for update`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return fmt.Errorf("load invitation: %w", err)
		}
		if !authz.Can(ctx, InvitationAction(inv.Role), authz.Object{Type: "invitation", ID: inv.ID.String(), Domains: []string{inv.Domain}}) {
			return errNotFound
		}
		if inv.AcceptedAt != nil {
			return apperr.New(apperr.Conflict, keyInvitationAccepted)
		}
		if inv.RevokedAt != nil {
			return nil
		}
		if inv, err = scanInvitation(tx.QueryRow(ctx, `update invitations i set revoked_at = now() where i.id = $1 returning `+invitationCols, id)); err != nil {
			return fmt.Errorf("revoke invitation: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{
			ActorID: subj.AccountID, Action: "invitation.revoke", ObjectType: "invitation", ObjectID: inv.ID.String(),
			Data: map[string]any{"role": inv.Role, "domain": inv.Domain},
		})
	})
	if err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// AcceptInvitation accepts an invitation (anonymous: the token is the
// proof) and returns the account with a new session token. When the invited
// address has an account, Password must be its password (otherwise
// ErrInvalidCredentials); else an account is created with the address
// confirmed, since the link reached it. The role is granted in the same
// transaction. The token works once, until it expires or is revoked; any
// other token is ErrInvitationInvalid.
func (s *Service) AcceptInvitation(ctx context.Context, in AcceptInvitationInput, meta ClientMeta) (Account, string, error) {
	if in.Token == "" || len(in.Token) > 128 {
		return Account{}, "", ErrInvitationInvalid
	}
	hash := tokenHash(in.Token)
	inv, err := scanInvitation(s.pool.QueryRow(ctx, `select `+invitationCols+` from invitations i
		where i.token_hash = $1 and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, "", ErrInvitationInvalid
	}
	if err != nil {
		return Account{}, "", fmt.Errorf("load invitation: %w", err)
	}
	accountID, stored, found, err := s.credentials(ctx, inv.Email)
	if err != nil {
		return Account{}, "", err
	}
	var name, newHash string
	locale := in.Locale
	if found {
		ok, _, err := s.hasher.verify(ctx, in.Password, stored)
		if err != nil {
			return Account{}, "", err
		}
		if !ok {
			return Account{}, "", ErrInvalidCredentials
		}
	} else {
		if err := checkPassword("password", in.Password); err != nil {
			return Account{}, "", err
		}
		if name, err = normalizeDisplayName("displayName", in.DisplayName); err != nil {
			return Account{}, "", err
		}
		if locale, err = normalizeLocale("locale", in.Locale); err != nil {
			return Account{}, "", err
		}
		if newHash, err = s.hasher.hash(ctx, in.Password); err != nil {
			return Account{}, "", err
		}
	}
	var (
		acc   Account
		token string
	)
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var err error
		if found {
			var current string
			err = tx.QueryRow(ctx, `select password_hash from accounts where id = $1 and deleted_at is null for update`, accountID).Scan(&current)
			if errors.Is(err, pgx.ErrNoRows) || (err == nil && current != stored) {
				return ErrInvalidCredentials
			}
			if err != nil {
				return fmt.Errorf("lock account: %w", err)
			}
			if _, err := tx.Exec(ctx, `update accounts set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = $1`, accountID); err != nil {
				return fmt.Errorf("confirm email: %w", err)
			}
		} else {
			a, err := insertAccount(ctx, tx, inv.Email, newHash, name, locale, true)
			if err != nil {
				return err
			}
			accountID = a.ID
			if err := s.welcome(ctx, tx, a); err != nil {
				return err
			}
		}
		// The conditional update makes acceptance one-time even when two
		// requests race past the check above.
		tag, err := tx.Exec(ctx, `update invitations set accepted_at = now(), accepted_by = $2
			where id = $1 and accepted_at is null and revoked_at is null and expires_at > now()`, inv.ID, accountID)
		if err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrInvitationInvalid
		}
		if err := s.az.Grant(ctx, tx, accountID, inv.Role, inv.Domain, inv.InvitedBy); err != nil {
			return fmt.Errorf("grant %s: %w", inv.Role, err)
		}
		if acc, err = loadAccount(ctx, tx, accountID); err != nil {
			return err
		}
		_, token, err = s.createSession(ctx, tx, accountID, meta)
		return err
	})
	if err != nil {
		return Account{}, "", err
	}
	return acc, token, nil
}
