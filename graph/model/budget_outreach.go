package model

import "github.com/otwarty/otwarty/internal/budget"

// BudgetSession is an information session the caller may see.
type BudgetSession struct {
	ID string
	S  *budget.Session
}

func (BudgetSession) IsNode()         {}
func (s BudgetSession) GetID() string { return s.ID }
