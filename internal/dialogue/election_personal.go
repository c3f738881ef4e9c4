package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
)

// ElectionsPersonalData is the elections' share of a person's data for the
// GDPR export and erasure: their candidacies and the endorsements they gave
// (for themself or an organisation they represented). Never a ballot: the
// ballot box links none to anyone, and the "has voted" marker is the
// poll's, kept with the day only.
//
// Erasure withdraws the person's candidacies from elections still
// nominating (a ballot cannot carry a deleted account) and keeps the rest:
// the results and endorsements are the body's public record, without the
// name.
type ElectionsPersonalData struct{ e *Elections }

// PersonalData returns the elections' identity.PersonalData.
func (e *Elections) PersonalData() ElectionsPersonalData { return ElectionsPersonalData{e: e} }

// Name is the export section.
func (ElectionsPersonalData) Name() string { return "dialogueElections" }

type personalCandidacy struct {
	ElectionID  uuid.UUID `json:"electionId"`
	ConsentedAt time.Time `json:"consentedAt"`
}

type personalEndorsement struct {
	ElectionID  uuid.UUID `json:"electionId"`
	CandidateID uuid.UUID `json:"candidateId"`
	For         string    `json:"for"`
	EndorsedAt  time.Time `json:"endorsedAt"`
}

// Export lists the person's candidacies and endorsements.
func (ElectionsPersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	rows, err := tx.Query(ctx, `select election_id, consented_at from dialogue_candidates where account_id = $1
		order by consented_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export candidacies: %w", err)
	}
	cands, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (personalCandidacy, error) {
		var c personalCandidacy
		return c, r.Scan(&c.ElectionID, &c.ConsentedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export candidacies: %w", err)
	}
	rows, err = tx.Query(ctx, `select c.election_id, x.candidate_id, x.endorser_kind || ':' || x.endorser_id, x.endorsed_at
		from dialogue_endorsements x join dialogue_candidates c on c.id = x.candidate_id
		where x.endorsed_by = $1 order by x.endorsed_at, x.candidate_id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("export endorsements: %w", err)
	}
	ends, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (personalEndorsement, error) {
		var x personalEndorsement
		return x, r.Scan(&x.ElectionID, &x.CandidateID, &x.For, &x.EndorsedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("export endorsements: %w", err)
	}
	if cands == nil {
		cands = []personalCandidacy{}
	}
	if ends == nil {
		ends = []personalEndorsement{}
	}
	return map[string]any{"candidacies": cands, "endorsements": ends}, nil
}

// Erase withdraws the person's candidacies in elections still nominating.
func (ElectionsPersonalData) Erase(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	if _, err := tx.Exec(ctx, `delete from dialogue_candidates c using dialogue_elections e
		where c.election_id = e.id and e.status = 'nominating' and c.account_id = $1`, accountID); err != nil {
		return fmt.Errorf("erase candidacies: %w", err)
	}
	return nil
}
