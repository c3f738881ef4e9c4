package ambassador

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/identity"
)

var errNotJuror = apperr.Invalid("accountId", "ambassador.not_juror")

// Juror is an account holding the juror role of an edition.
type Juror struct {
	AccountID   uuid.UUID
	DisplayName string
	Chair       bool
}

// InviteJuror invites an e-mail address to the edition's jury ("manage"):
// identity's invitation, whose acceptance grants the juror role in the
// edition's domain (a g rule). Until the jury's decision closes.
func (s *Service) InviteJuror(ctx context.Context, edition uuid.UUID, email string) (identity.Invitation, error) {
	var e *Edition
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var err error
		e, err = s.editionFor(ctx, tx, edition, ActManage)
		return err
	})
	if err != nil {
		return identity.Invitation{}, err
	}
	if e.Status == StatusPublished && !s.now().Before(e.Schedule.DecisionClose) {
		return identity.Invitation{}, errJuryClosed
	}
	return s.inviter.Invite(ctx, identity.InviteInput{Email: email, Role: authz.RoleJuror, Domain: Domain(edition)})
}

var errJuryClosed = apperr.New(apperr.PhaseClosed, "ambassador.jury_closed")

// Jurors lists the edition's jurors by name: for staff and the edition's
// jurors (juror names are not public); others get NOT_FOUND.
func (s *Service) Jurors(ctx context.Context, edition uuid.UUID) ([]Juror, error) {
	e, err := s.Edition(ctx, edition)
	if err != nil {
		return nil, err
	}
	if !s.Staff(ctx, e) && !s.IsJuror(ctx, e.ID) {
		return nil, apperr.ErrNotFound
	}
	return jurors(ctx, s.pool, e)
}

func jurors(ctx context.Context, q db.Querier, e *Edition) ([]Juror, error) {
	rows, err := q.Query(ctx, `select a.id, a.display_name from role_grants g join accounts a on a.id = g.account_id
		where g.role = 'juror' and g.domain = $1 and a.deleted_at is null order by a.display_name, a.id`, Domain(e.ID))
	if err != nil {
		return nil, fmt.Errorf("list jurors: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Juror, error) {
		var j Juror
		return j, r.Scan(&j.AccountID, &j.DisplayName)
	})
	if err != nil {
		return nil, fmt.Errorf("list jurors: %w", err)
	}
	for i := range out {
		out[i].Chair = e.JuryChairID != nil && *e.JuryChairID == out[i].AccountID
	}
	return out, nil
}

// IsJuror reports whether the caller is a juror of the edition now.
func (s *Service) IsJuror(ctx context.Context, edition uuid.UUID) bool {
	subj := authz.SubjectFrom(ctx)
	if subj.Anonymous() {
		return false
	}
	var ok bool
	_ = s.pool.QueryRow(ctx, `select exists (select 1 from role_grants where account_id = $1 and role = 'juror' and domain = $2)`,
		subj.AccountID, Domain(edition)).Scan(&ok)
	return ok
}

// SetJuryChair makes one of the edition's jurors its chair ("manage"); the
// former chair stays a juror. Audited.
func (s *Service) SetJuryChair(ctx context.Context, edition, account uuid.UUID) (*Edition, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := s.editionFor(ctx, tx, edition, ActManage)
		if err != nil {
			return err
		}
		if e.Status == StatusPublished && !s.now().Before(e.Schedule.DecisionClose) {
			return errJuryClosed
		}
		var juror bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from role_grants where account_id = $1 and role = 'juror' and domain = $2)`,
			account, Domain(edition)).Scan(&juror); err != nil {
			return err
		}
		if !juror {
			return errNotJuror
		}
		if _, err := tx.Exec(ctx, `update ambassador_editions set jury_chair_id = $2, updated_at = $3 where id = $1`,
			edition, account, s.now()); err != nil {
			return fmt.Errorf("set chair: %w", err)
		}
		return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: "ambassador.jury_chair", ObjectType: EditionType,
			ObjectID: edition.String(), Data: map[string]any{"account_id": account}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadEdition(ctx, s.pool, edition)
}

// RemoveJuror revokes a juror's role in the edition ("manage"); a removed
// chair leaves the jury without one until another is named. Audited (the
// grant's own audit entry) and effective at commit.
func (s *Service) RemoveJuror(ctx context.Context, edition, account uuid.UUID) (*Edition, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := s.editionFor(ctx, tx, edition, ActManage)
		if err != nil {
			return err
		}
		var juror bool
		if err := tx.QueryRow(ctx, `select exists (select 1 from role_grants where account_id = $1 and role = 'juror' and domain = $2)`,
			account, Domain(edition)).Scan(&juror); err != nil {
			return err
		}
		if !juror {
			return errNotJuror
		}
		if e.JuryChairID != nil && *e.JuryChairID == account {
			if _, err := tx.Exec(ctx, `update ambassador_editions set jury_chair_id = null where id = $1`, edition); err != nil {
				return err
			}
		}
		return s.az.Revoke(ctx, tx, account, authz.RoleJuror, Domain(edition), actor)
	})
	if err != nil {
		return nil, err
	}
	return s.loadEdition(ctx, s.pool, edition)
}
