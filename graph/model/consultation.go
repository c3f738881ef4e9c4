package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/consultation"
)

// Consultation is a consultation the caller may see.
type Consultation struct {
	ID          string
	C           *consultation.Consultation
	Status      ConsultationStatus
	Tags        []string
	Districts   []string
	Forms       []ParticipationForm
	AnnounceAt  *time.Time
	OpensAt     *time.Time
	ClosesAt    *time.Time
	ReportDueAt *time.Time
	PublishedAt *time.Time
	Overrides   []RuleOverride
}

func (Consultation) IsNode()         {}
func (c Consultation) GetID() string { return c.ID }

// Submission is a submission the caller may see.
type Submission struct {
	ID             string
	Key            uuid.UUID
	ConsultationID uuid.UUID
	SectionID      *uuid.UUID
	ParentID       *uuid.UUID
	AuthorID       uuid.UUID
	AuthorLabel    string // the name given for a staff-entered submission
	TextID         uuid.UUID
	Kind           SubmissionKind
	Status         SubmissionStatus
	StaffEntered   bool
	ReceivedAt     time.Time
	CreatedAt      time.Time
	EditedAt       *time.Time
	SupportCount   int
	ReplyCount     int
}

func (Submission) IsNode()         {}
func (s Submission) GetID() string { return s.ID }

// ConsultationSection is a section of the consulted document.
type ConsultationSection struct {
	ID            string
	Key           uuid.UUID
	Position      int
	HeadingTextID uuid.UUID
	BodyTextID    uuid.UUID
}

// ConsultationQuestion is a question the consultation asks.
type ConsultationQuestion struct {
	ID       string
	Key      uuid.UUID
	Position int
	TextID   uuid.UUID
}
