package identity

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// RoleGrant is a role an account holds in a domain ('*' for global).
type RoleGrant struct {
	Role, Domain string
}

// Roles lists the roles granted directly to accountID, global first.
func (s *Service) Roles(ctx context.Context, accountID uuid.UUID) ([]RoleGrant, error) {
	rows, err := s.pool.Query(ctx, `select role, domain from role_grants where account_id = $1
		order by domain <> '*', role, domain`, accountID)
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[RoleGrant])
}

// GrantRole gives accountID role in domain on behalf of the caller, who must
// be allowed to grant that role there (admins; coordinators for all but the
// global roles). Scoped domains must name an existing organisation.
func (s *Service) GrantRole(ctx context.Context, accountID uuid.UUID, role, domain string) error {
	return s.changeRole(ctx, accountID, role, domain, "grant")
}

// RevokeRole removes a grant, with the same permission as GrantRole.
func (s *Service) RevokeRole(ctx context.Context, accountID uuid.UUID, role, domain string) error {
	return s.changeRole(ctx, accountID, role, domain, "revoke")
}

func (s *Service) changeRole(ctx context.Context, accountID uuid.UUID, role, domain, act string) error {
	actor := authz.SubjectFrom(ctx)
	if actor.Anonymous() {
		return apperr.ErrUnauthenticated
	}
	obj := authz.Object{Type: "role_grant", Domains: []string{domain}, Attrs: map[string]string{"role": role}}
	if err := authz.Require(ctx, act, obj); err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if kind, key, ok := strings.Cut(domain, ":"); ok && kind == "org" {
			var exists bool
			if err := tx.QueryRow(ctx, `select exists (select 1 from organisations where id::text = $1)`, key).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return apperr.Invalid("organisationId", "input.id_invalid")
			}
		}
		var live bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from accounts where id = $1 and deleted_at is null)`, accountID).Scan(&live); err != nil {
			return err
		}
		if !live {
			return apperr.ErrNotFound
		}
		if act == "grant" {
			return s.az.Grant(ctx, tx, accountID, role, domain, actor.AccountID)
		}
		return s.az.Revoke(ctx, tx, accountID, role, domain, actor.AccountID)
	})
}
