package budget

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// VotingPoint is a place where people vote on paper and ballot officers
// enter the sheets.
type VotingPoint struct {
	ID        uuid.UUID
	EditionID uuid.UUID
	Name      string
	Address   string
	CreatedAt time.Time
}

const pointColumns = `id, edition_id, name, address, created_at`

func scanPoint(row pgx.Row) (*VotingPoint, error) {
	var p VotingPoint
	err := row.Scan(&p.ID, &p.EditionID, &p.Name, &p.Address, &p.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read voting point: %w", err)
	}
	return &p, nil
}

func loadPoint(ctx context.Context, q db.Querier, id uuid.UUID) (*VotingPoint, error) {
	return scanPoint(q.QueryRow(ctx, `select `+pointColumns+` from budget_voting_points where id = $1`, id))
}

// CreateVotingPoint adds a voting point to an edition ("manage").
func (s *Service) CreateVotingPoint(ctx context.Context, editionID uuid.UUID, name, address string) (*VotingPoint, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	name, address = strings.TrimSpace(name), strings.TrimSpace(address)
	if name == "" || len(name) > 200 {
		return nil, apperr.Invalid("name", "budget.point_name_invalid")
	}
	if len(address) > 500 {
		return nil, apperr.Invalid("address", "budget.point_address_invalid")
	}
	actor := authz.SubjectFrom(ctx).AccountID
	var p *VotingPoint
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := editionFor(ctx, tx, editionID, ActManage, "for share")
		if err != nil {
			return err
		}
		p, err = scanPoint(tx.QueryRow(ctx, `insert into budget_voting_points (edition_id, name, address, created_by)
			values ($1, $2, $3, $4) returning `+pointColumns, e.ID, name, address, actorOrNil(actor)))
		if isUnique(err) {
			return apperr.Invalid("name", "budget.point_exists")
		}
		if err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.point_create", ObjectType: "budget_voting_point",
			ObjectID: p.ID.String(), Data: map[string]any{"edition_id": e.ID.String()}})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// VotingPoints lists an edition's voting points to whoever may read it.
func (s *Service) VotingPoints(ctx context.Context, editionID uuid.UUID) ([]VotingPoint, error) {
	if _, err := editionFor(ctx, s.pool, editionID, ActRead, ""); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select `+pointColumns+` from budget_voting_points where edition_id = $1 order by name, id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("read voting points: %w", err)
	}
	defer rows.Close()
	var out []VotingPoint
	for rows.Next() {
		p, err := scanPoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// VotingPoint returns a voting point of an edition the caller may read.
func (s *Service) VotingPoint(ctx context.Context, id uuid.UUID) (*VotingPoint, error) {
	p, err := loadPoint(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	if _, err := editionFor(ctx, s.pool, p.EditionID, ActRead, ""); err != nil {
		return nil, err
	}
	return p, nil
}

// AssignBallotOfficer makes an account a ballot officer of the point's
// edition ("manage"): the role is granted in the edition's domain in the
// same transaction, and the assignment to the point recorded (officers
// enter paper ballots only at their points).
func (s *Service) AssignBallotOfficer(ctx context.Context, pointID, accountID uuid.UUID) (*VotingPoint, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	actor := authz.SubjectFrom(ctx).AccountID
	var p *VotingPoint
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var err error
		p, err = loadPoint(ctx, tx, pointID)
		if err != nil {
			return err
		}
		e, err := editionFor(ctx, tx, p.EditionID, ActManage, "for share")
		if err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from accounts where id = $1)`, accountID).Scan(&exists); err != nil {
			return fmt.Errorf("read account: %w", err)
		}
		if !exists {
			return apperr.Invalid("accountId", "budget.account_unknown")
		}
		if err := s.az.Grant(ctx, tx, accountID, authz.RoleBallotOfficer, Domain(e.ID), actor); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `insert into budget_point_officers (point_id, account_id, assigned_by) values ($1, $2, $3)
			on conflict do nothing`, p.ID, accountID, actorOrNil(actor))
		if err != nil {
			return fmt.Errorf("assign officer: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return nil // assigned before: nothing changes
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.officer_assign", ObjectType: "budget_voting_point",
			ObjectID: p.ID.String(), Data: map[string]any{"account_id": accountID.String(), "edition_id": e.ID.String()}})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
