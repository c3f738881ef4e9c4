package model

import (
	"time"

	"github.com/otwarty/otwarty/internal/budget"
)

// BudgetProject is a project the caller may see. P is the domain project
// (nil only for projects built by hand from a result row).
type BudgetProject struct {
	ID              string
	Code            string
	Title           string
	Cost            int64
	P               *budget.Project
	Status          BudgetProjectStatus
	Location        *string
	CostEstimate    int64
	SubmittedAt     *time.Time
	SupportCount    int
	Verification    *BudgetProjectVerification
	Appeal          *BudgetProjectAppeal
	WithdrawnReason *string
	WithdrawnAt     *time.Time
}

func (BudgetProject) IsNode()         {}
func (p BudgetProject) GetID() string { return p.ID }
