package ambassador

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/db"
)

// Automatic conflict reasons (the view ambassador_auto_conflicts).
const (
	ConflictNominator    = "nominator"              // the juror nominated it
	ConflictNominee      = "nominee"                // the juror is the nominee
	ConflictNomineeOrg   = "nominee_organisation"   // a member of the nominated organisation
	ConflictNominatorOrg = "nominator_organisation" // shares an organisation with the nominator
	ConflictDeclared     = "declared"               // the juror declared one
	ConflictCoordinator  = "coordinator"            // added by the coordinator
)

// JurorNomination names one juror and one nomination.
type JurorNomination struct{ Juror, Nomination uuid.UUID }

// conflicts returns every conflict of the edition's jurors, with the first
// reason found (automatic ones first): the one source every rule that
// hides or recuses reads. A juror's declaration of "none" is not in it.
func conflicts(ctx context.Context, q db.Querier, edition uuid.UUID) (map[JurorNomination]string, error) {
	return conflictsIn(ctx, q, []uuid.UUID{edition})
}

// conflictsIn is conflicts of several editions at once.
func conflictsIn(ctx context.Context, q db.Querier, editions []uuid.UUID) (map[JurorNomination]string, error) {
	rows, err := q.Query(ctx, `
		select a.juror_id, a.nomination_id, a.reason from ambassador_auto_conflicts a
		join ambassador_nominations n on n.id = a.nomination_id where n.edition_id = any($1)
		union all
		select c.juror_id, c.nomination_id, case c.source when 'coordinator' then 'coordinator' else 'declared' end
		from ambassador_conflicts c join ambassador_nominations n on n.id = c.nomination_id
		where n.edition_id = any($1) and c.conflict`, editions)
	if err != nil {
		return nil, fmt.Errorf("ambassador conflicts: %w", err)
	}
	defer rows.Close()
	out := map[JurorNomination]string{}
	for rows.Next() {
		var k JurorNomination
		var reason string
		if err := rows.Scan(&k.Juror, &k.Nomination, &reason); err != nil {
			return nil, fmt.Errorf("ambassador conflicts: %w", err)
		}
		if _, seen := out[k]; !seen {
			out[k] = reason
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ambassador conflicts: %w", err)
	}
	return out, nil
}
