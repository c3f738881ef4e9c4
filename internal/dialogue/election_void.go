package dialogue

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/poll"
)

// ElectionVoid: the body was dissolved while the election nominated or
// balloted; nobody is elected and no result is ever published.
const ElectionVoid ElectionStatus = "void"

// voidElections ends body bodyID's elections still nominating or balloting
// as it is dissolved, in the dissolution's transaction (Service.dissolving):
// an open ballot is closed through poll.VoidTx (invalid, Void "dissolved",
// nothing elected), every such election becomes void, and its candidates
// are told (the body has no voting members any more). The ballots cast stay
// in the ballot box's unlinkable form; Result withholds their totals.
func (e *Elections) voidElections(ctx context.Context, tx *db.Tx, bodyID uuid.UUID) error {
	rows, err := tx.Query(ctx, `select `+electionColumns+` from dialogue_elections e
		where e.body_id = $1 and e.status in ('nominating', 'voting') order by e.created_at, e.id for update`, bodyID)
	if err != nil {
		return fmt.Errorf("elections to void: %w", err)
	}
	els, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Election, error) { return scanElection(r) })
	if err != nil {
		return fmt.Errorf("elections to void: %w", err)
	}
	ctx = context.WithValue(ctx, voidingKey{}, true)
	for _, el := range els {
		if el.PollID != nil {
			if _, err := e.polls.VoidTx(ctx, tx, *el.PollID, VoidDissolved); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `update dialogue_elections set status = 'void' where id = $1`, el.ID); err != nil {
			return fmt.Errorf("void election: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: authz.SubjectFrom(ctx).AccountID, Action: "dialogue.election_void",
			ObjectType: "dialogue_election", ObjectID: el.ID.String(), Reason: VoidDissolved,
			Data: map[string]any{"body_id": bodyID, "status": string(el.Status)}}); err != nil {
			return err
		}
		if err := e.notifyResult(ctx, tx, el, poll.Outcome(VoidDissolved), "void"); err != nil {
			return err
		}
	}
	return nil
}
