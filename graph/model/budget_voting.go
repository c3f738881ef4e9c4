package model

import (
	"time"

	"github.com/google/uuid"
)

// VotingPoint is a voting point of an edition.
type VotingPoint struct {
	ID      string
	Key     uuid.UUID
	Name    string
	Address string
}

// PaperBallot is a paper ballot sheet as staff see it.
type PaperBallot struct {
	ID          string
	Key         uuid.UUID
	PointID     uuid.UUID
	SheetNumber string
	Status      PaperBallotStatus
	Reason      *string
	Entries     int
	CreatedAt   time.Time
	DecidedAt   *time.Time
}
