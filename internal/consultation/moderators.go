package consultation

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/org"
)

// AssignOrganisation makes an organisation's moderators (its members with
// the organisation role moderator, now and later) moderators of this
// consultation only ("manage"). City units are refused: their staff are
// officials already. Assigning twice does nothing; authz audits the grant.
func (s *Service) AssignOrganisation(ctx context.Context, id, orgID uuid.UUID) error {
	return s.moderatingOrganisation(ctx, id, orgID, true)
}

// UnassignOrganisation withdraws the assignment of AssignOrganisation.
func (s *Service) UnassignOrganisation(ctx context.Context, id, orgID uuid.UUID) error {
	return s.moderatingOrganisation(ctx, id, orgID, false)
}

func (s *Service) moderatingOrganisation(ctx context.Context, id, orgID uuid.UUID, assign bool) error {
	actor := authz.SubjectFrom(ctx).AccountID
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := s.consultationFor(ctx, tx, id, ActManage, false)
		if err != nil {
			return err
		}
		group := authz.OrgModerators(orgID)
		if !assign {
			return s.az.RevokeGroup(ctx, tx, group, authz.RoleModerator, Domain(c.ID), actor)
		}
		kind, err := org.KindOf(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if kind == "" || kind == org.KindCityUnit {
			return apperr.Invalid("organisationId", "consultation.moderator_org_invalid")
		}
		return s.az.GrantGroup(ctx, tx, group, authz.RoleModerator, Domain(c.ID), actor)
	})
}

// AssignModerator makes one account a moderator of this consultation only
// ("manage"); authz audits the grant.
func (s *Service) AssignModerator(ctx context.Context, id, accountID uuid.UUID) error {
	return s.moderator(ctx, id, accountID, true)
}

// UnassignModerator withdraws AssignModerator.
func (s *Service) UnassignModerator(ctx context.Context, id, accountID uuid.UUID) error {
	return s.moderator(ctx, id, accountID, false)
}

func (s *Service) moderator(ctx context.Context, id, accountID uuid.UUID, assign bool) error {
	actor := authz.SubjectFrom(ctx).AccountID
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := s.consultationFor(ctx, tx, id, ActManage, false)
		if err != nil {
			return err
		}
		if !assign {
			return s.az.Revoke(ctx, tx, accountID, authz.RoleModerator, Domain(c.ID), actor)
		}
		err = s.az.Grant(ctx, tx, accountID, authz.RoleModerator, Domain(c.ID), actor)
		if errors.Is(err, apperr.ErrNotFound) { // no such account
			return apperr.Invalid("accountId", "consultation.moderator_account_invalid")
		}
		return err
	})
}

// ModeratingOrganisations lists the organisations assigned to moderate the
// consultation, to whoever may see it.
func (s *Service) ModeratingOrganisations(ctx context.Context, id uuid.UUID) ([]uuid.UUID, error) {
	if _, err := s.visible(ctx, s.pool, id, false); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select substring(subject from '^group:org:([0-9a-f-]{36}):moderators$')::uuid
		from group_grants where role = 'moderator' and domain = $1 order by created_at, id`, Domain(id))
	if err != nil {
		return nil, fmt.Errorf("moderating organisations: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("moderating organisations: %w", err)
	}
	return nonNil(out), nil
}

// Moderators lists the accounts individually assigned to moderate the
// consultation, to those who may manage it.
func (s *Service) Moderators(ctx context.Context, id uuid.UUID) ([]uuid.UUID, error) {
	if _, err := s.consultationFor(ctx, s.pool, id, ActManage, false); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select account_id from role_grants where role = 'moderator' and domain = $1
		order by created_at, account_id`, Domain(id))
	if err != nil {
		return nil, fmt.Errorf("moderators: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("moderators: %w", err)
	}
	return nonNil(out), nil
}
