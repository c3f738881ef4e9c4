package budget

import (
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

// Voter-roll errors.
var (
	// ErrVoterRegistered: the identifier is already on the edition's roll
	// (through this or another channel).
	ErrVoterRegistered = apperr.New(apperr.Conflict, "budget.voter_registered")
	// ErrNotVerified: the account has no verification to vote with.
	ErrNotVerified = apperr.New(apperr.Forbidden, "budget.not_verified")
)

// ballotObject is what casting (and enrolling to cast) is checked against.
func ballotObject(e *Edition) authz.Object {
	o := e.Object()
	o.Type = "ballot"
	return o
}

// RegisterVoter puts a person on an edition's roll by the document they
// presented ("register_voter": the unit's officials, the edition's ballot
// officers, coordinators, admins). Only the keyed hash is stored; the same
// document twice is ErrVoterRegistered. The district must have a pool.
func (s *Service) RegisterVoter(ctx context.Context, editionID uuid.UUID, identifierType, identifier, district string) (uuid.UUID, error) {
	hash, keyID, err := s.hash(identifierType, identifier)
	if err != nil {
		return uuid.Nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	id := uuid.New()
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := editionFor(ctx, tx, editionID, ActRegisterVoter, "for share")
		if err != nil {
			return err
		}
		if err := s.checkRoll(ctx, tx, e, district); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `insert into budget_voters (id, edition_id, identifier_hash, key_id, district, registered_by)
			values ($1, $2, $3, $4, $5, $6) on conflict do nothing`, id, editionID, hash, keyID, district, actorOrNil(actor))
		if err != nil {
			return fmt.Errorf("insert voter: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrVoterRegistered
		}
		// Neither the identifier nor its type: the type hints at origin.
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.voter_register",
			ObjectType: "budget_voter", ObjectID: id.String(), Data: map[string]any{"edition_id": editionID.String()}})
	})
	if err != nil {
		return uuid.Nil, err
	}
	return id, nil
}

// RegisterAccountVoter puts the calling verified resident on an edition's
// roll under their verification's identifier hash, so that the account and
// any other channel resolve to the same person. Calling it again returns the
// same voter; a person already on the roll through another channel gets
// ErrVoterRegistered.
func (s *Service) RegisterAccountVoter(ctx context.Context, editionID uuid.UUID, district string) (uuid.UUID, error) {
	account := authz.SubjectFrom(ctx).AccountID
	var id uuid.UUID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := loadEdition(ctx, tx, editionID, "for share")
		if err != nil {
			return err
		}
		if err := authz.Require(ctx, ActCast, ballotObject(e)); err != nil {
			return err
		}
		if !authz.Can(ctx, ActRead, e.Object()) {
			return apperr.ErrNotFound
		}
		if err := s.checkRoll(ctx, tx, e, district); err != nil {
			return err
		}
		var hash []byte
		var keyID string
		err = tx.QueryRow(ctx, `select identifier_hash, key_id from verifications where account_id = $1`, account).
			Scan(&hash, &keyID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotVerified
		}
		if err != nil {
			return fmt.Errorf("read verification: %w", err)
		}
		err = tx.QueryRow(ctx, `insert into budget_voters (edition_id, identifier_hash, key_id, district, account_id)
			values ($1, $2, $3, $4, $5) on conflict do nothing returning id`, editionID, hash, keyID, district, account).Scan(&id)
		if err == nil {
			return audit.Write(ctx, tx, audit.Entry{ActorID: account, Action: "budget.voter_register",
				ObjectType: "budget_voter", ObjectID: id.String(), Data: map[string]any{"edition_id": editionID.String()}})
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("insert voter: %w", err)
		}
		var owner *uuid.UUID
		err = tx.QueryRow(ctx, `select id, account_id from budget_voters where edition_id = $1 and identifier_hash = $2`,
			editionID, hash).Scan(&id, &owner)
		if err != nil {
			return fmt.Errorf("read voter: %w", err)
		}
		if owner == nil || *owner != account {
			return ErrVoterRegistered
		}
		return nil
	})
	if err != nil {
		return uuid.Nil, err
	}
	return id, nil
}

// rollOpen reports whether people may still be put on the roll: until the
// vote closes.
func (e *Edition) rollOpen() bool {
	return e.Status != StatusClosed && e.Status != StatusResultsPublished
}

// fieldError returns err with its field renamed to field (for an input
// nested in a list, e.g. "voters.3.identifier").
func fieldError(err error, field string) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return err
	}
	c := *ae
	c.Field = field
	return &c
}

// checkRoll requires an edition whose roll is open (until the vote closes)
// and a district that has a pool in it.
func (s *Service) checkRoll(ctx context.Context, q db.Querier, e *Edition, district string) error {
	if !e.rollOpen() {
		return apperr.New(apperr.PhaseClosed, "budget.roll_closed")
	}
	var ok bool
	if err := q.QueryRow(ctx, `select exists (select 1 from budget_pools where edition_id = $1 and kind = 'district'
		and district = $2)`, e.ID, district).Scan(&ok); err != nil {
		return fmt.Errorf("check district: %w", err)
	}
	if !ok {
		return apperr.Invalid("district", "budget.district_unknown")
	}
	return nil
}
