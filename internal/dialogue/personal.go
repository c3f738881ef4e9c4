package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// PersonalData is the dialogue bodies' share of a person's data, for the
// GDPR export and erasure (identity.PersonalData): the person's own
// memberships and the delegations through which they represented
// organisations.
//
// Erasure keeps the bodies' public history (who sat in a body, and when, is
// the public record, as in DESIGN's "deleted account" rule): the rows stay,
// the name no longer shows. Memberships not yet over end at once
// (account_deleted) and the person's delegations end, so the account holds
// no body role and casts no vote; an organisation member keeps its seat and
// its other delegates.
type PersonalData struct{ s *Service }

// PersonalData returns the service's identity.PersonalData.
func (s *Service) PersonalData() PersonalData { return PersonalData{s: s} }

// Name is the export section.
func (PersonalData) Name() string { return "dialogueBodies" }

// PersonalExport is what Export returns.
type PersonalExport struct {
	Memberships []personalMembership `json:"memberships"`
	Delegations []personalDelegation `json:"delegations"`
}

type personalMembership struct {
	MemberID  uuid.UUID  `json:"memberId"`
	BodyID    uuid.UUID  `json:"bodyId"`
	Role      Role       `json:"role"`
	TermStart time.Time  `json:"termStart"`
	TermEnd   *time.Time `json:"termEnd"`
	EndedAt   *time.Time `json:"endedAt"`
	EndReason *string    `json:"endReason"`
}

type personalDelegation struct {
	MemberID       uuid.UUID    `json:"memberId"`
	BodyID         uuid.UUID    `json:"bodyId"`
	OrganisationID uuid.UUID    `json:"organisationId"`
	Kind           DelegateKind `json:"kind"`
	Since          time.Time    `json:"since"`
	Until          *time.Time   `json:"until"`
}

// Export reads the person's memberships and delegations, oldest first.
func (PersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	out := PersonalExport{Memberships: []personalMembership{}, Delegations: []personalDelegation{}}
	rows, err := tx.Query(ctx, `select id, body_id, role, term_start, term_end, ended_at, end_reason
		from dialogue_members where account_id = $1 order by term_start, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export memberships: %w", err)
	}
	out.Memberships, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (personalMembership, error) {
		var m personalMembership
		return m, r.Scan(&m.MemberID, &m.BodyID, &m.Role, &m.TermStart, &m.TermEnd, &m.EndedAt, &m.EndReason)
	})
	if err != nil {
		return nil, fmt.Errorf("export memberships: %w", err)
	}
	rows, err = tx.Query(ctx, `select m.id, m.body_id, m.organisation_id, d.kind, d.since, d.until
		from dialogue_delegates d join dialogue_members m on m.id = d.member_id
		where d.account_id = $1 order by d.since, d.id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export delegations: %w", err)
	}
	out.Delegations, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (personalDelegation, error) {
		var d personalDelegation
		return d, r.Scan(&d.MemberID, &d.BodyID, &d.OrganisationID, &d.Kind, &d.Since, &d.Until)
	})
	if err != nil {
		return nil, fmt.Errorf("export delegations: %w", err)
	}
	return out, nil
}

// Erase ends the person's running memberships and delegations (see
// PersonalData) and reloads the grants.
func (p PersonalData) Erase(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	now := p.s.now()
	if err := endOpen(ctx, tx, `account_id = $1`, []any{accountID}, now, EndAccountDeleted, accountID); err != nil {
		return err
	}
	// A delegation named for later (since > now) ends where it began.
	if _, err := tx.Exec(ctx, `update dialogue_delegates set until = greatest(since, $2)
		where account_id = $1 and until is null`, accountID, now); err != nil {
		return fmt.Errorf("end delegations: %w", err)
	}
	return p.s.az.Changed(ctx, tx)
}
