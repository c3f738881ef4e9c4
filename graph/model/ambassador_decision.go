package model

import (
	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/ambassador"
)

// AmbassadorProposal is a proposal of the jury the caller may see.
type AmbassadorProposal struct {
	ID string
	P  *ambassador.Proposal
}

// AmbassadorRanked is a nomination named by a proposal, an award or the
// laureates.
type AmbassadorRanked struct {
	NominationID string
	NomineeName  string
	Rank         AmbassadorRank
	TextID       uuid.UUID
}
