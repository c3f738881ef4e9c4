package model

import "github.com/otwarty/otwarty/internal/infopages"

// InfoPage is an information page the caller may see.
type InfoPage struct {
	ID string
	P  *infopages.Page
}

func (InfoPage) IsNode()         {}
func (p InfoPage) GetID() string { return p.ID }
