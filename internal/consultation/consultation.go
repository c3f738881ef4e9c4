// Package consultation runs the public-consultation cycle of Kraków council
// resolution CXI/2904/18: officials draft and publish consultations (7 days'
// notice, at least 21 days open, at least three forms of participation with
// an open meeting, a report within 60 days), residents submit postulates and
// comments and support them, NGO moderators hide and restore content with a
// public log, and phases change on schedule (River jobs) or by hand.
package consultation

import (
	"github.com/otwarty/otwarty/internal/i18n"

	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/authz"
)

// Status is a consultation's phase.
type Status string

const (
	StatusDraft     Status = "draft"     // being prepared; staff only
	StatusAnnounced Status = "announced" // published, not yet open
	StatusOpen      Status = "open"      // taking submissions, comments, supports
	StatusClosed    Status = "closed"    // answers and report being prepared
	StatusReported  Status = "reported"  // closing report published
)

// Forms of participation.
const (
	FormOnlineSubmissions = "online_submissions"
	FormSectionComments   = "section_comments"
	FormSurvey            = "survey"
	FormMeeting           = "meeting"
	FormStaffIntake       = "staff_intake"
)

// Forms lists every form of participation.
var Forms = []string{FormOnlineSubmissions, FormSectionComments, FormSurvey, FormMeeting, FormStaffIntake}

// Publication rules (keys of Consultation.Overrides and of RuleResult).
const (
	RuleNoticePeriod    = "notice_period"    // announced at least 7 days before opening
	RuleMinimumDuration = "minimum_duration" // open at least 21 days
	RuleFormsCount      = "forms_count"      // at least 3 forms of participation
	RuleOpenMeeting     = "open_meeting"     // one of them an open meeting or workshop
	RuleReportDeadline  = "report_deadline"  // report due at most 60 days after closing
	RuleSchedule        = "schedule"         // all dates set and in order (never overridable)
	RulePolishText      = "polish_text"      // the binding Polish title exists (never overridable)
)

// The city's rules, in calendar days in Europe/Warsaw.
const (
	NoticeDays      = 7
	MinimumOpenDays = 21
	ReportDays      = 60
	MinimumForms    = 3
)

// Warsaw is the city's time zone (i18n.Warsaw); rule durations are calendar
// days there.
var Warsaw = i18n.Warsaw

// Consultation is one consultation as stored.
type Consultation struct {
	ID            uuid.UUID
	UnitID        uuid.UUID
	Status        Status
	TitleTextID   uuid.UUID
	SummaryTextID *uuid.UUID
	BodyTextID    *uuid.UUID
	Tags          []string
	Districts     []string
	Forms         []string
	AnnounceAt    *time.Time
	OpensAt       *time.Time
	ClosesAt      *time.Time
	ReportDueAt   *time.Time
	// Overrides maps an overridden rule to its public justification.
	Overrides         map[string]string
	AutoHideThreshold int
	EditWindow        time.Duration
	CreatedBy         uuid.UUID
	CreatedAt         time.Time
	UpdatedAt         time.Time
	PublishedAt       *time.Time
}

// Domain is the authorization domain of the consultation with id.
func Domain(id uuid.UUID) string { return "consultation:" + id.String() }

// Object is the consultation as an authorization object: its own domain and
// its unit's, and its status for the read rule on drafts.
func (c *Consultation) Object() authz.Object {
	return authz.Object{Type: "consultation", ID: c.ID.String(),
		Domains: []string{Domain(c.ID), "org:" + c.UnitID.String()},
		Attrs:   map[string]string{"status": string(c.Status)}}
}

// Actions on consultations (policy matrix in internal/authz/policy.csv).
const (
	ActCreate = "create"
	ActManage = "manage" // edit a draft, publish, change phase, assign moderators, read drafts
	ActRead   = "read"
	ActFollow = "follow"
)

// Actions on submissions.
const (
	ActSubmit        = "create"
	ActEdit          = "edit"
	ActWithdraw      = "withdraw"
	ActSupport       = "support"
	ActFlag          = "flag"
	ActModerate      = "moderate"
	ActReadHidden    = "read_hidden"
	ActEnterOnBehalf = "enter_on_behalf"
)

// Section is one section of the consulted document, in document order.
type Section struct {
	ID             uuid.UUID
	ConsultationID uuid.UUID
	Position       int
	HeadingTextID  uuid.UUID
	BodyTextID     uuid.UUID
}

// Question is one question the consultation asks, in order.
type Question struct {
	ID             uuid.UUID
	ConsultationID uuid.UUID
	Position       int
	TextID         uuid.UUID
}
