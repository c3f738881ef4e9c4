package model

import (
	"time"

	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/dialogue"
)

// BodyOpinionRequest is a request for a body's opinion the caller may see.
type BodyOpinionRequest struct {
	ID          string
	R           *dialogue.OpinionRequest
	Status      BodyOpinionRequestStatus
	DueAt       *time.Time
	RequestedAt time.Time
	WithdrawnAt *time.Time
	AnsweredAt  *time.Time
	Late        bool
}

func (BodyOpinionRequest) IsNode()         {}
func (r BodyOpinionRequest) GetID() string { return r.ID }

// BodyOpinion is an opinion a body gave on a consultation (public record).
type BodyOpinion struct {
	O         consultation.BodyOpinion
	AdoptedAt time.Time
	Requested bool
	DueAt     *time.Time
	Votes     *BodyOpinionVotes
}
