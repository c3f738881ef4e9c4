package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// RoleGrant is a role granted directly to an account in a domain ("*" for
// global). Roles that come from organisation membership are not listed.
type RoleGrant struct {
	Role, Domain string
	GrantedBy    *uuid.UUID // nil: the system (CLI)
	CreatedAt    time.Time
}

// Roles lists the roles granted directly to accountID, global first.
func (s *Service) Roles(ctx context.Context, accountID uuid.UUID) ([]RoleGrant, error) {
	rows, err := s.pool.Query(ctx, `select role, domain, granted_by, created_at from role_grants
		where account_id = $1 order by domain <> '*', role, domain`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RoleGrant, error) {
		var g RoleGrant
		err := r.Scan(&g.Role, &g.Domain, &g.GrantedBy, &g.CreatedAt)
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	return out, nil
}

// roleGrantObject is what "grant" and "revoke" are checked on: the domain the
// role is held in, and the role as an attribute (coordinators may not hand
// out the global roles).
func roleGrantObject(accountID uuid.UUID, role, domain string) authz.Object {
	return authz.Object{Type: "role_grant", ID: accountID.String(), Domains: []string{domain}, Attrs: map[string]string{"role": role}}
}

// GrantRole grants role in domain to a live account; the caller needs
// "grant" on the role grant (admins; coordinators for all but the global
// roles). An "org:" domain must name an existing organisation. Granting a
// held role does nothing. Audited by authz.
func (s *Service) GrantRole(ctx context.Context, accountID uuid.UUID, role, domain string) error {
	subj := authz.SubjectFrom(ctx)
	if subj.Anonymous() {
		return apperr.ErrUnauthenticated
	}
	if err := authz.Require(ctx, "grant", roleGrantObject(accountID, role, domain)); err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if kind, key, ok := strings.Cut(domain, ":"); ok && kind == "org" {
			var exists bool
			if err := tx.QueryRow(ctx, `select exists (select 1 from organisations where id::text = $1)`, key).Scan(&exists); err != nil {
				return fmt.Errorf("check organisation: %w", err)
			}
			if !exists {
				return apperr.Invalid("organisationId", keyIDInvalid)
			}
		}
		if err := lockLiveAccount(ctx, tx, accountID); err != nil {
			return err
		}
		return s.az.Grant(ctx, tx, accountID, role, domain, subj.AccountID)
	})
}

// RevokeRole revokes role in domain from an account; the caller needs
// "revoke". Revoking a role not held does nothing. The last global admin
// cannot be revoked (CONFLICT): nobody could then grant it again but the
// CLI.
func (s *Service) RevokeRole(ctx context.Context, accountID uuid.UUID, role, domain string) error {
	subj := authz.SubjectFrom(ctx)
	if subj.Anonymous() {
		return apperr.ErrUnauthenticated
	}
	if err := authz.Require(ctx, "revoke", roleGrantObject(accountID, role, domain)); err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if role == authz.RoleAdmin && domain == authz.GlobalDomain {
			// Locks every admin grant, so two admins revoking each other
			// cannot both succeed.
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
				return apperr.New(apperr.Conflict, "error.conflict")
			}
		}
		return s.az.Revoke(ctx, tx, accountID, role, domain, subj.AccountID)
	})
}

// lockLiveAccount locks a live account's row, or returns apperr.ErrNotFound.
func lockLiveAccount(ctx context.Context, tx *db.Tx, id uuid.UUID) error {
	var one int
	err := tx.QueryRow(ctx, `select 1 from accounts where id = $1 and deleted_at is null for update`, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return errNotFound
	}
	if err != nil {
		return fmt.Errorf("lock account: %w", err)
	}
	return nil
}
