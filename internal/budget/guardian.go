package budget

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// MaxChildrenPerGuardian bounds the children one guardian registers per
// edition.
const MaxChildrenPerGuardian = 10

// ErrChildrenLimit: the guardian has registered the most children allowed.
var ErrChildrenLimit = apperr.New(apperr.Conflict, "budget.children_limit")

// RegisterChildVoter puts a child on an edition's roll with the calling
// verified resident as guardian ("register_child"); the guardian then casts
// the child's ballot (CastBallot with ChildVoterID), recorded as cast by a
// guardian. The child's document is kept only as a keyed hash, like every
// voter's; at most MaxChildrenPerGuardian children per guardian and edition.
func (s *Service) RegisterChildVoter(ctx context.Context, editionID uuid.UUID, identifierType, identifier, district string) (uuid.UUID, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return uuid.Nil, apperr.ErrUnauthenticated
	}
	hash, keyID, err := s.hash(identifierType, identifier)
	if err != nil {
		return uuid.Nil, err
	}
	guardian := authz.SubjectFrom(ctx).AccountID
	id := uuid.New()
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := editionFor(ctx, tx, editionID, ActRegisterChild, "for share")
		if err != nil {
			return err
		}
		if err := s.checkRoll(ctx, tx, e, district); err != nil {
			return err
		}
		var own []byte
		err = tx.QueryRow(ctx, `select identifier_hash from verifications where account_id = $1`, guardian).Scan(&own)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read verification: %w", err)
		}
		if bytes.Equal(own, hash) {
			return apperr.Invalid("identifier", "budget.child_is_guardian")
		}
		// One guardian's registrations queue up, so the limit holds.
		if _, err := tx.Exec(ctx, `select pg_advisory_xact_lock(hashtextextended($1, 0))`,
			"budget-guardian:"+e.ID.String()+":"+guardian.String()); err != nil {
			return fmt.Errorf("lock guardian: %w", err)
		}
		var n int
		if err := tx.QueryRow(ctx, `select count(*) from budget_voters where edition_id = $1 and guardian_account_id = $2`,
			e.ID, guardian).Scan(&n); err != nil {
			return fmt.Errorf("count children: %w", err)
		}
		if n >= MaxChildrenPerGuardian {
			return ErrChildrenLimit.With(map[string]any{"max": MaxChildrenPerGuardian})
		}
		tag, err := tx.Exec(ctx, `insert into budget_voters (id, edition_id, identifier_hash, key_id, district, registered_by, guardian_account_id)
			values ($1, $2, $3, $4, $5, $6, $6) on conflict do nothing`, id, e.ID, hash, keyID, district, guardian)
		if err != nil {
			return fmt.Errorf("insert voter: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrVoterRegistered
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: guardian, Action: "budget.child_register",
			ObjectType: "budget_voter", ObjectID: id.String(), Data: map[string]any{"edition_id": e.ID.String()}})
	})
	if err != nil {
		return uuid.Nil, err
	}
	return id, nil
}
