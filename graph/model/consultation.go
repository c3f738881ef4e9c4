package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
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

	S *consultation.Submission // what viewerCan is decided on
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

// Meeting is an open meeting or workshop of a consultation.
type Meeting struct {
	ID              string
	M               *consultation.Meeting
	Kind            MeetingKind
	StartsAt        time.Time
	EndsAt          time.Time
	Place           *string
	OnlineURL       *string
	Languages       []i18n.Locale
	Capacity        *int
	RegisteredCount int
	WaitlistedCount int
	AttendedCount   int
	Cancelled       bool
}

func (Meeting) IsNode()         {}
func (m Meeting) GetID() string { return m.ID }

// Answer is an official answer to a submission.
type Answer struct {
	Status       AnswerStatus
	ReasonTextID uuid.UUID
	PublishedAt  *time.Time
}

// ConsultationReport is the closing report (or a staff preview).
type ConsultationReport struct {
	ConsultationID   uuid.UUID
	PublishedAt      *time.Time
	SubmissionCount  int
	ParticipantCount int
	MeetingCount     int
	AttendeeCount    int
	AnswersByStatus  []AnswerCount
	BodyOpinions     []BodyOpinion
}

// MySurveyAnswer is the caller's own answer to a survey question.
type MySurveyAnswer struct {
	Question *ConsultationQuestion
	TextID   uuid.UUID
}
