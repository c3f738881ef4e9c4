package consultation

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
)

// Meetings and workshops of a consultation are gatherings
// (internal/gathering): registration, the waiting list, attendance,
// minutes, reminders and notices are the mechanism's. This file holds the
// consultation's own rules: who plans and steers them (ActManage on the
// consultation), in which phases, the meeting kinds, its message keys and
// notices, and live events on the consultation's topic.

// GatheringKind is the kind of consultation meetings in gatherings.
const GatheringKind = "consultation_meeting"

// Meeting kinds; either satisfies the rule of an open meeting or workshop.
const (
	MeetingKindMeeting  = "meeting"
	MeetingKindWorkshop = "workshop"
)

// Registration statuses. A seat is held only by RegistrationRegistered; the
// waiting list is RegistrationWaitlisted in arrival order.
const (
	RegistrationRegistered = gathering.Registered
	RegistrationWaitlisted = gathering.Waitlisted
	RegistrationCancelled  = gathering.Cancelled
)

// ActRegister is registering for a meeting (policy: confirmed accounts, like
// every other way of taking part). Staff acts on meetings need ActManage on
// the consultation.
const ActRegister = "register"

// Limits of meeting fields.
const (
	MaxPlaceRunes   = 500
	MaxOnlineURLLen = 2000
	MaxCapacity     = gathering.MaxCapacity
	// ReminderBefore is how long before the start the reminder is sent.
	ReminderBefore = gathering.ReminderBefore
)

// JobMeetingReminder is the River kind of meeting reminders.
const JobMeetingReminder = "consultation.meeting_reminder"

// Errors of meetings.
var (
	ErrMeetingCancelled        = apperr.New(apperr.Conflict, "meeting.cancelled")
	ErrMeetingStarted          = apperr.New(apperr.PhaseClosed, "meeting.started")
	ErrMeetingNotStarted       = apperr.New(apperr.PhaseClosed, "meeting.not_started")
	ErrMeetingNotEnded         = apperr.New(apperr.PhaseClosed, "meeting.not_ended")
	ErrMeetingConsultationOver = apperr.New(apperr.PhaseClosed, "meeting.consultation_closed")
	ErrRegistrationClosed      = apperr.New(apperr.PhaseClosed, "meeting.registration_closed")
	ErrAttendeeNotRegistered   = apperr.Invalid("attended", "meeting.attendee_not_registered")
	errPlaceRequired           = apperr.Invalid("place", "meeting.place_required")
	errPlaceTooLong            = apperr.Invalid("place", "meeting.place_too_long").With(map[string]any{"max": MaxPlaceRunes})
	errOnlineURL               = apperr.Invalid("onlineUrl", "meeting.online_url_invalid")
	errMeetingKind             = apperr.Invalid("kind", "meeting.kind_invalid")
)

// meetingErrors are the meeting keys of the mechanism's rules.
var meetingErrors = gathering.Errors{
	Cancelled: ErrMeetingCancelled, Started: ErrMeetingStarted,
	NotStarted: ErrMeetingNotStarted, NotEnded: ErrMeetingNotEnded,
	StartsInPast:            apperr.Invalid("startsAt", "meeting.starts_in_past"),
	EndsBeforeStart:         apperr.Invalid("endsAt", "meeting.ends_before_start"),
	Languages:               apperr.Invalid("languages", "meeting.languages_invalid"),
	Capacity:                apperr.Invalid("capacity", "meeting.capacity_invalid"),
	CapacityBelowRegistered: apperr.Invalid("capacity", "meeting.capacity_below_registered"),
	ReasonRequired:          apperr.Invalid("reason", "consultation.reason_required"),
	AttendeeNotRegistered:   ErrAttendeeNotRegistered,
}

// Meeting is an open meeting or workshop of a consultation, with the counts
// of its registrations.
type Meeting struct {
	gathering.Gathering
	ConsultationID uuid.UUID
	Kind           string // MeetingKindMeeting or MeetingKindWorkshop

	unitID             uuid.UUID
	consultationStatus Status
}

// Object is the meeting as an authorization object: the consultation's
// domains and its status.
func (m *Meeting) Object() authz.Object {
	return meetingObject(m.ID, &Consultation{ID: m.ConsultationID, UnitID: m.unitID, Status: m.consultationStatus})
}

func meetingObject(id uuid.UUID, c *Consultation) authz.Object {
	return authz.Object{Type: "meeting", ID: id.String(),
		Domains: []string{Domain(c.ID), "org:" + c.UnitID.String()},
		Attrs:   map[string]string{"status": string(c.Status)}}
}

// consultationObject is the meeting's consultation as an authorization
// object, without loading it.
func (m *Meeting) consultationObject() authz.Object {
	c := Consultation{ID: m.ConsultationID, UnitID: m.unitID, Status: m.consultationStatus}
	return c.Object()
}

// Registration is one person's registration for a meeting.
type Registration = gathering.Registration

// MeetingInput describes a meeting. Capacity nil means unlimited; Kind ""
// means MeetingKindMeeting.
type MeetingInput struct {
	ConsultationID   uuid.UUID
	Title            i18n.Input
	StartsAt, EndsAt time.Time
	Place, OnlineURL string
	Languages        []string
	Capacity         *int
	Kind             string
}

func (in MeetingInput) gathering() gathering.Input {
	return gathering.Input{Title: i18n.Input{Locale: in.Title.Locale, Text: in.Title.Text}, Format: in.Kind,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, Place: in.Place, OnlineURL: in.OnlineURL,
		Languages: in.Languages, Capacity: in.Capacity}
}

// MeetingReminderArgs is a meeting's reminder, due ReminderBefore StartsAt.
// The worker sends it only if the meeting is not cancelled and still starts
// at StartsAt, so moving a meeting leaves the old job with nothing to do.
type MeetingReminderArgs = gathering.Reminder[meetingJob]

// meetingJob names meeting reminders: River kind JobMeetingReminder, the
// meeting's id as "meeting_id".
type meetingJob struct{}

func (meetingJob) JobKind() string { return JobMeetingReminder }
func (meetingJob) IDKey() string   { return "meeting_id" }

// newMeetings is the gathering mechanism with the consultation's rules.
func (s *Service) newMeetings() *gathering.Service {
	return gathering.New(s.pool, s.river, s.notify, s.log, func() time.Time { return s.now() }, gathering.Config{
		Kind:            GatheringKind,
		Owner:           s.meetingOwner,
		Validate:        validateMeeting,
		ValidateMinutes: validateMinutes,
		Reminder:        gathering.NewReminder[meetingJob],
		Changed: func(ctx context.Context, tx pgx.Tx, g *gathering.Gathering) error {
			return live.Publish(ctx, tx, Topic(g.OwnerID), meetingEvent{Type: "meeting_changed", MeetingID: g.ID})
		},
		Errors: meetingErrors,
		Notices: gathering.Notices{Promoted: NoticeMeetingPromoted, Reminder: NoticeMeetingReminder,
			Moved: NoticeMeetingMoved, Cancelled: NoticeMeetingCancelled},
		Names: gathering.Names{Object: "meeting", Action: "meeting.", OwnerKey: "consultation_id", IDKey: "meeting_id"},
	})
}

// meetingOwner is the owner hook: the consultation share-locked (so that
// phase changes wait), NOT_FOUND when the caller may not see it, then
// act: ActManage on the consultation, ActRegister on the meeting. Meetings
// are planned in the draft and held while the consultation is announced or
// open; registration needs it announced or open.
func (s *Service) meetingOwner(ctx context.Context, tx pgx.Tx, cid, meetingID uuid.UUID, act gathering.Act) (*gathering.Owner, error) {
	c, err := lockShared(ctx, tx, cid)
	if err != nil {
		return nil, err
	}
	o := &gathering.Owner{ID: c.ID, Visible: authz.Can(ctx, ActRead, c.Object()), Object: c.Object(),
		TextDomains: textDomains(c.ID, c.UnitID)}
	if act == gathering.ActRegister {
		o.Object = meetingObject(meetingID, c)
	}
	if c.Status != StatusDraft && c.Status != StatusAnnounced && c.Status != StatusOpen {
		o.Closed = ErrMeetingConsultationOver
	}
	if c.Status != StatusAnnounced && c.Status != StatusOpen {
		o.RegistrationClosed = ErrRegistrationClosed
	}
	return o, nil
}

// validateMeeting checks the consultation's own fields of a meeting.
func validateMeeting(in gathering.Input) (gathering.Input, error) {
	if err := validateLocalized("title", i18n.Input{Locale: in.Title.Locale, Text: in.Title.Text}, true); err != nil {
		return in, err
	}
	in.Title.Text = strings.TrimSpace(in.Title.Text)
	if in.Format == "" {
		in.Format = MeetingKindMeeting
	}
	if in.Format != MeetingKindMeeting && in.Format != MeetingKindWorkshop {
		return in, errMeetingKind
	}
	in.Place, in.OnlineURL = strings.TrimSpace(in.Place), strings.TrimSpace(in.OnlineURL)
	if in.Place == "" && in.OnlineURL == "" {
		return in, errPlaceRequired
	}
	if utf8.RuneCountInString(in.Place) > MaxPlaceRunes {
		return in, errPlaceTooLong
	}
	if in.OnlineURL != "" {
		u, err := url.Parse(in.OnlineURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(in.OnlineURL) > MaxOnlineURLLen {
			return in, errOnlineURL
		}
	}
	return in, nil
}

func validateMinutes(t i18n.Input) (i18n.Input, error) {
	if err := validateLocalized("minutes", i18n.Input{Locale: t.Locale, Text: t.Text}, true); err != nil {
		return t, err
	}
	t.Text = strings.TrimSpace(t.Text)
	return t, nil
}

// meetingEvent is the live event of a changed meeting on Topic(consultation).
type meetingEvent struct {
	Type      string    `json:"type"`
	MeetingID uuid.UUID `json:"meetingId"`
}

// meetingOf returns a function that adds a changed gathering's consultation
// to it (the caller could change it, so it may see it).
func (s *Service) meetingOf(ctx context.Context) func(*gathering.Gathering, error) (*Meeting, error) {
	return func(g *gathering.Gathering, err error) (*Meeting, error) {
		if err != nil {
			return nil, err
		}
		c, err := load(ctx, s.pool, g.OwnerID, false)
		if err != nil {
			return nil, err
		}
		return toMeeting(g, c), nil
	}
}

func toMeeting(g *gathering.Gathering, c *Consultation) *Meeting {
	return &Meeting{Gathering: *g, ConsultationID: g.OwnerID, Kind: g.Format, unitID: c.UnitID, consultationStatus: c.Status}
}

// CreateMeeting adds a meeting to a consultation in draft, announced or open
// ("manage" on the consultation) and schedules its reminder.
func (s *Service) CreateMeeting(ctx context.Context, in MeetingInput) (*Meeting, error) {
	return s.meetingOf(ctx)(s.meetings.Create(ctx, in.ConsultationID, in.gathering()))
}

// UpdateMeeting replaces a meeting's details (every field of in; its
// ConsultationID is ignored) before the meeting starts; see
// gathering.Service.Update.
func (s *Service) UpdateMeeting(ctx context.Context, id uuid.UUID, in MeetingInput) (*Meeting, error) {
	return s.meetingOf(ctx)(s.meetings.Update(ctx, id, in.gathering()))
}

// CancelMeeting cancels a meeting before it starts, with a public reason of
// at least MinReasonRunes, and tells everyone registered or waitlisted.
func (s *Service) CancelMeeting(ctx context.Context, id uuid.UUID, reason string) (*Meeting, error) {
	return s.meetingOf(ctx)(s.meetings.Cancel(ctx, id, reason))
}

// RecordAttendance records, once the meeting has started, who of the
// registered people came; see gathering.Service.RecordAttendance.
func (s *Service) RecordAttendance(ctx context.Context, meetingID uuid.UUID, a Attendance) (*Meeting, error) {
	return s.meetingOf(ctx)(s.meetings.RecordAttendance(ctx, meetingID, a))
}

// Attendance is what is recorded of a meeting's attendance: the registered
// accounts present, walk-ins and the organisations present.
type Attendance = gathering.Attendance

// PublishMinutes publishes a meeting's minutes once it has ended; publishing
// again replaces them with a new text.
func (s *Service) PublishMinutes(ctx context.Context, meetingID uuid.UUID, minutes i18n.Input) (*Meeting, error) {
	return s.meetingOf(ctx)(s.meetings.PublishMinutes(ctx, meetingID, i18n.Input{Locale: minutes.Locale, Text: minutes.Text}))
}

// RegisterForMeeting registers the caller (a confirmed account) for a
// meeting of an announced or open consultation before it starts; see
// gathering.Service.Register.
func (s *Service) RegisterForMeeting(ctx context.Context, meetingID uuid.UUID) (*Registration, error) {
	return s.meetings.Register(ctx, meetingID)
}

// UnregisterFromMeeting cancels the caller's registration before the meeting
// starts; a freed seat goes to the first person waiting, who is told.
func (s *Service) UnregisterFromMeeting(ctx context.Context, meetingID uuid.UUID) (*Registration, error) {
	return s.meetings.Unregister(ctx, meetingID)
}

// GetMeeting returns a meeting if the caller may see its consultation.
func (s *Service) GetMeeting(ctx context.Context, id uuid.UUID) (*Meeting, error) {
	g, err := s.meetings.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := s.visible(ctx, s.pool, g.OwnerID, false)
	if err != nil {
		return nil, err
	}
	return toMeeting(g, c), nil
}

// Meetings returns the meetings of a consultation the caller may see,
// cancelled ones included, by start time.
func (s *Service) Meetings(ctx context.Context, cid uuid.UUID) ([]*Meeting, error) {
	c, err := s.visible(ctx, s.pool, cid, false)
	if err != nil {
		return nil, err
	}
	m, err := s.meetingsOf(ctx, map[uuid.UUID]*Consultation{cid: c})
	if err != nil {
		return nil, err
	}
	return nonNil(m[cid]), nil
}

// MeetingsOf returns the meetings of those of cids the caller may see, in
// two queries whatever the number of ids (dataloaders).
func (s *Service) MeetingsOf(ctx context.Context, cids []uuid.UUID) (map[uuid.UUID][]*Meeting, error) {
	seen, err := s.ByIDs(ctx, cids)
	if err != nil {
		return nil, err
	}
	return s.meetingsOf(ctx, seen)
}

func (s *Service) meetingsOf(ctx context.Context, cs map[uuid.UUID]*Consultation) (map[uuid.UUID][]*Meeting, error) {
	gs, err := s.meetings.List(ctx, mapKeys(cs))
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID][]*Meeting{}
	for cid, list := range gs {
		for _, g := range list {
			out[cid] = append(out[cid], toMeeting(g, cs[cid]))
		}
	}
	return out, nil
}

// MyRegistration returns the caller's registration for a meeting it may see;
// nil when it has none or is not signed in.
func (s *Service) MyRegistration(ctx context.Context, meetingID uuid.UUID) (*Registration, error) {
	if _, err := s.GetMeeting(ctx, meetingID); err != nil {
		return nil, err
	}
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return nil, nil
	}
	return s.meetings.RegistrationOf(ctx, meetingID, sub.AccountID)
}

// Registrations lists who registered for a meeting, for staff ("manage" on
// the consultation): seats first, then the waiting list, each in arrival
// order, then cancelled registrations. Residents see only the meeting's
// counts and their own registration.
func (s *Service) Registrations(ctx context.Context, meetingID uuid.UUID) ([]*Registration, error) {
	return s.meetings.Registrations(ctx, meetingID)
}
