package model

import (
	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/ambassador"
)

// AmbassadorEdition is an edition the caller may see.
type AmbassadorEdition struct {
	ID string
	E  *ambassador.Edition
}

func (AmbassadorEdition) IsNode()         {}
func (e AmbassadorEdition) GetID() string { return e.ID }

// AmbassadorNomination is a nomination the caller may see.
type AmbassadorNomination struct {
	ID string
	N  *ambassador.Nomination
}

func (AmbassadorNomination) IsNode()         {}
func (n AmbassadorNomination) GetID() string { return n.ID }

// AmbassadorCriterion is a criterion of an edition.
type AmbassadorCriterion struct {
	ID string
	C  ambassador.Criterion
}

// AmbassadorJustification is a nominator's text on one criterion.
type AmbassadorJustification struct {
	J         ambassador.Justification
	EditionID uuid.UUID
}
