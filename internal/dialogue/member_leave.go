package dialogue

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// EndDelegations ends accountID's delegations for organisation orgID in
// every body, in the transaction that ends their membership of it (wired as
// org.Service.OnLeave): a delegate speaks and votes for an organisation they
// belong to, and only while they do. The organisation's seat stays; while
// it has no delegate nobody votes for it, until its managers or staff name
// one (SetDelegates). The rolls of meetings to come follow; the caller
// reloads the grants (org.RemoveMember does). Audited per body.
func (s *Service) EndDelegations(ctx context.Context, tx *db.Tx, orgID, accountID uuid.UUID) error {
	now := s.now()
	rows, err := tx.Query(ctx, `update dialogue_delegates d set until = greatest(d.since, $3)
		from dialogue_members m where m.id = d.member_id and m.organisation_id = $1 and d.account_id = $2 and d.until is null
		returning m.body_id, m.id`, orgID, accountID, now)
	if err != nil {
		return fmt.Errorf("end delegations: %w", err)
	}
	type ended struct{ body, member uuid.UUID }
	es, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ended, error) {
		var e ended
		return e, r.Scan(&e.body, &e.member)
	})
	if err != nil {
		return fmt.Errorf("end delegations: %w", err)
	}
	synced := map[uuid.UUID]bool{}
	for _, e := range es {
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: authz.SubjectFrom(ctx).AccountID, Action: "dialogue.delegation_end",
			ObjectType: ObjectType, ObjectID: e.body.String(), Reason: "left_organisation",
			Data: map[string]any{"member_id": e.member, "account_id": accountID}}); err != nil {
			return err
		}
		if !synced[e.body] {
			synced[e.body] = true
			if err := s.syncInvitations(ctx, tx, e.body); err != nil {
				return err
			}
		}
	}
	return nil
}
