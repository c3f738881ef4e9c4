package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/budget"
)

// BudgetEdition is an edition the caller may see.
type BudgetEdition struct {
	ID             string
	E              *budget.Edition
	Year           int
	Currency       string
	Status         BudgetEditionStatus
	VotingOpensAt  *time.Time
	VotingClosesAt *time.Time
}

func (BudgetEdition) IsNode()         {}
func (e BudgetEdition) GetID() string { return e.ID }

// BudgetPool is a pool of an edition.
type BudgetPool struct {
	ID         string
	Key        uuid.UUID
	EditionID  uuid.UUID
	Name       string
	Kind       BudgetPoolKind
	District   *string
	Budget     int64
	Rule       string
	PickMode   BallotPickMode
	PickCount  int
	BallotKind BallotKind
	Points     []int
	Required   bool

	MinProjectCost   *int64
	MaxProjectCost   *int64
	SupportsRequired int
}

// BudgetPoolResult is a pool's count.
type BudgetPoolResult struct {
	EditionID uuid.UUID
	PoolID    uuid.UUID
	Rule      string
	Ballots   int
	Cost      int64
	Selected  []uuid.UUID
	Counts    []budget.ProjectResult
}
