package model

import (
	"time"

	"github.com/otwarty/otwarty/internal/dialogue"
)

// Body is a dialogue body the caller may see; B is the domain body.
type Body struct {
	ID          string
	B           *dialogue.Body
	Kind        BodyKind
	Status      BodyStatus
	Public      bool
	Rules       *BodyRules
	CreatedAt   time.Time
	DissolvedAt *time.Time
}

func (Body) IsNode()         {}
func (b Body) GetID() string { return b.ID }

// BodyMember is a membership of a body the caller may see, as of the
// service's clock when it was read; M is the domain membership.
type BodyMember struct {
	ID        string
	M         *dialogue.Member
	Person    *BodyPerson
	Delegates []BodyDelegate
	Role      BodyRole
	Votes     bool
	TermStart time.Time
	TermEnd   *time.Time
	Active    bool
	EndedAt   *time.Time
	EndReason *BodyMemberEndReason
}

func (BodyMember) IsNode()         {}
func (m BodyMember) GetID() string { return m.ID }
