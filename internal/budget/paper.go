package budget

import (
	"context"

	"github.com/google/uuid"
)

// PaperCounts are an edition's paper ballots by state.
type PaperCounts struct {
	Counted  int // entered twice alike and counted
	Invalid  int // entered twice alike, breaking the ballot rules: not counted
	Pending  int // awaiting a second entry or a resolution of a mismatch
	Rejected int // the voter had already voted through another channel
}

// paperCounts counts an edition's paper ballots. (Filled in by the voting
// area.)
func (s *Service) paperCounts(ctx context.Context, q querier, editionID uuid.UUID) (PaperCounts, error) {
	return PaperCounts{}, nil
}
