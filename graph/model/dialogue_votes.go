package model

import (
	"time"

	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/poll"
)

// Motion is a motion the caller may see; M is the domain motion.
type Motion struct {
	ID             string
	M              *dialogue.Motion
	Kind           MotionKind
	Status         MotionStatus
	Majority       *BodyMajority
	ConsultationID *string
	TabledAt       time.Time
	DecidedAt      *time.Time
	WithdrawnAt    *time.Time
}

// MotionVote is a motion's poll.
type MotionVote struct {
	M          *dialogue.Motion
	P          *poll.Poll
	Format     MotionVoteFormat
	Deadline   *time.Time
	Closed     bool
	ClosedAt   *time.Time
	Changeable bool
	Secret     bool
}

// BodyVoter is a voter key.
type BodyVoter struct {
	Key poll.VoterKey
}

func (Motion) IsNode()         {}
func (m Motion) GetID() string { return m.ID }

// Election is an election the caller may see.
type Election struct {
	ID                 string
	E                  *dialogue.Election
	Seats              int
	Picks              int
	EndorsementsNeeded int
	Status             ElectionStatus
	CreatedAt          time.Time
}

func (Election) IsNode()         {}
func (e Election) GetID() string { return e.ID }
