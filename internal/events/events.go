// Package events is the events calendar of the Multicultural Centre and its
// partner organisations (Open Kraków programme, issue 12): events with their
// time, place, languages, accessibility note and organiser, submitted by
// partner NGOs and approved by the coordinator, an iCalendar feed per
// language, and the yearly count behind the "events of the Multicultural
// Centre" indicator (CountForYear).
//
// The rules this package settles:
//
//   - The organiser is an organisation (internal/org); the Multicultural
//     Centre is one too. Any member of the organiser (ngo_member; managers
//     are members) submits an event for it: it is SUBMITTED and waits in the
//     coordinator's review queue. A coordinator or an admin who submits
//     enters the event APPROVED at once (the review is theirs anyway).
//   - The coordinator (or an admin) approves or rejects a submitted event;
//     a rejection needs a reason. The submitter is told either way, in-app
//     and by e-mail in their language (NoticeApproved, NoticeRejected).
//   - Approved events are public. Submitted and rejected ones are seen only
//     by the organiser's members and staff (coordinators, admins); to anyone
//     else they do not exist (NOT_FOUND), in every list, node and feed.
//   - The organiser's members and staff edit an event. Editing a rejected
//     event submits it again (back to the queue, the reason cleared); a
//     submitted one stays submitted. An edit of an APPROVED event stays
//     approved: partners are organisations the coordinator works with, and
//     a moved time or room must reach the calendar at once rather than
//     vanish from it until someone reviews it. Every such edit is audited
//     with the fields it changed (the coordinator can read and reverse it),
//     raises the event's iCalendar SEQUENCE so that subscribed calendars
//     take the change, and notifies nobody (there is no registration, so
//     there is nobody to tell but the public calendar itself).
//   - Cancelling (members of the organiser, staff) is allowed for submitted
//     and approved events, with an optional reason. A cancelled event that
//     had been approved stays public and listed, marked cancelled (STATUS:
//     CANCELLED in the feed), so that people who planned to come learn it;
//     one cancelled before approval stays private. A cancelled event is no
//     longer edited.
//   - Texts: the title (required, at most 200 characters), the description
//     (at most 5,000) and the accessibility note (at most 2,000) are
//     LocalizedTexts in the platform's four languages: the first version
//     given is the original, the others its translations by the same
//     person; anyone allowed to translate in the organiser's domain adds
//     more later. A changed original makes a new text (the old translations
//     no longer say the same thing), never overwriting anyone's words.
//   - Time: starts and ends are instants (timestamptz), shown in
//     Europe/Warsaw. An all-day event is stored from midnight of its first
//     day to midnight after its last day, both in Warsaw; its input dates
//     are read in Warsaw (an end given as that exclusive midnight is read
//     as the day before, so that what is read back can be written back).
//     An event lasts at most 366 days and starts between 2000 and 2200.
//   - Place: an address (free text) and/or an online link; one of them is
//     required. Languages: 1 to 10 BCP 47 tags of any language (stored in
//     canonical form: "uk", "pl", "crh", "sgn-PL", "es-419"); a language
//     filter "uk" matches "uk" and "uk-UA". Category: workshop, meeting,
//     culture, education, support or other. Links are http(s) only.
//   - Every change is audited (event.submit, event.enter, event.update,
//     event.approve, event.reject, event.cancel).
//   - The iCalendar feed (WriteICS) lists public events that end at most
//     FeedPastDays ago and all later ones, at most FeedMax, in one locale
//     falling back to each text's original.
package events

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/org"
)

// Authorization: the object type and actions (internal/authz/policy.csv).
// An event's domain is its organiser's (org:<id>); attr public says
// whether it is public (approved, or cancelled after approval).
const (
	ObjectType = "event"

	ActSubmit = "submit"
	ActEdit   = "edit"
	ActCancel = "cancel"
	ActReview = "review"
)

// Status is where an event stands.
type Status string

const (
	StatusSubmitted Status = "submitted"
	StatusApproved  Status = "approved"
	StatusRejected  Status = "rejected"
	StatusCancelled Status = "cancelled"
)

// Categories of events.
const (
	CategoryWorkshop  = "workshop"
	CategoryMeeting   = "meeting"
	CategoryCulture   = "culture"
	CategoryEducation = "education"
	CategorySupport   = "support"
	CategoryOther     = "other"
)

// Categories lists every category, in the order forms show them.
var Categories = []string{CategoryWorkshop, CategoryMeeting, CategoryCulture, CategoryEducation, CategorySupport, CategoryOther}

// PathEvents is the web path of the calendar; an event's page is
// PathEvents + "/" + its id.
const PathEvents = "/events"

// Config is what the service needs from the configuration.
type Config struct {
	// PublicURL is the base of links in notices and the feed (OTWARTY_PUBLIC_URL).
	PublicURL string
}

// Service keeps the events calendar.
type Service struct {
	pool   *pgxpool.Pool
	notify *notify.Service
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
}

// New returns the service; ns may be nil (no notices).
func New(pool *pgxpool.Pool, ns *notify.Service, cfg Config, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{pool: pool, notify: ns, cfg: cfg, log: log, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Event is one event of the calendar.
type Event struct {
	ID               uuid.UUID
	OrganisationID   uuid.UUID
	OrganisationName string
	TitleTextID      uuid.UUID
	// DescriptionTextID and AccessibilityTextID are nil when not given.
	DescriptionTextID   *uuid.UUID
	AccessibilityTextID *uuid.UUID
	Category            string
	StartsAt            time.Time
	// EndsAt is exclusive: for an all-day event, midnight after its last day.
	EndsAt       time.Time
	AllDay       bool
	Place        string
	OnlineURL    string
	URL          string
	Languages    []string
	Status       Status
	Sequence     int
	SubmittedBy  *uuid.UUID
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ApprovedAt   *time.Time
	ReviewedBy   *uuid.UUID
	ReviewedAt   *time.Time
	RejectReason string
	CancelledAt  *time.Time
	CancelReason string
}

// Public reports whether everyone sees the event: approved, or cancelled
// after it had been approved.
func (e *Event) Public() bool {
	return e.Status == StatusApproved || (e.Status == StatusCancelled && e.ApprovedAt != nil)
}

// LastDay is the last day of an all-day event, in Warsaw.
func (e *Event) LastDay() time.Time {
	return e.EndsAt.In(i18n.Warsaw).AddDate(0, 0, -1)
}

// Object is the event as the authorization object.
func (e *Event) Object() authz.Object {
	return object(e.OrganisationID, e.Public())
}

func object(organiser uuid.UUID, public bool) authz.Object {
	pub := "false"
	if public {
		pub = "true"
	}
	return authz.Object{Type: ObjectType, Domains: []string{org.Domain(organiser)}, Attrs: map[string]string{"public": pub}}
}

// Actions are what the caller may do with an event (viewerCan).
type Actions struct {
	Edit, Cancel, Review bool
}

// Actions says what the caller may do with e now: edit and cancel an event
// that is not cancelled (cancel not a rejected one), review a submitted one.
func (s *Service) Actions(ctx context.Context, e *Event) Actions {
	obj := e.Object()
	obj.ID = e.ID.String()
	return Actions{
		Edit:   e.Status != StatusCancelled && authz.Can(ctx, ActEdit, obj),
		Cancel: (e.Status == StatusSubmitted || e.Status == StatusApproved) && authz.Can(ctx, ActCancel, obj),
		Review: e.Status == StatusSubmitted && authz.Can(ctx, ActReview, obj),
	}
}

// CanSubmit reports whether the caller may submit events for organiser.
func CanSubmit(ctx context.Context, organiser uuid.UUID) bool {
	return authz.Can(ctx, ActSubmit, object(organiser, false))
}

// Reviewer reports whether the caller reviews events (the coordinator, an admin).
func Reviewer(ctx context.Context) bool {
	return authz.Can(ctx, ActReview, authz.Object{Type: ObjectType, Attrs: map[string]string{"public": "false"}})
}
