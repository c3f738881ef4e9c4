package budget

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

// Information sessions are gatherings (internal/gathering): registration,
// the waiting list, reminders and notices are the mechanism's. This file
// holds the civic budget's own rules: who plans them (ActManage on the
// edition), until when (the vote is over), when registration is open (a
// public edition), the fields of a session, its message keys and notices.

// SessionGatheringKind is the kind of information sessions in gatherings.
const SessionGatheringKind = "budget_session"

// ActRegisterSession is registering for an information session (policy: confirmed
// accounts). Staff acts on sessions need ActManage on the edition.
const ActRegisterSession = "register"

// Registration statuses of a session. A seat is held only by
// SessionRegistered; the waiting list is SessionWaitlisted in
// arrival order.
const (
	SessionRegistered            = gathering.Registered
	SessionWaitlisted            = gathering.Waitlisted
	SessionRegistrationCancelled = gathering.Cancelled
)

// Limits of session fields.
const (
	MaxSessionTitleRunes       = 300
	MaxSessionDescriptionRunes = 5000
	MaxSessionPlaceRunes       = 500
	MaxSessionCapacity         = gathering.MaxCapacity
	MinCancelReasonRunes       = gathering.MinReasonRunes
	// SessionReminderBefore is how long before the start the reminder goes.
	SessionReminderBefore = gathering.ReminderBefore
)

// JobSessionReminder is the River kind of session reminders.
const JobSessionReminder = "budget.session_reminder"

// Errors of sessions.
var (
	ErrSessionCancelled          = apperr.New(apperr.Conflict, "budget.session_cancelled")
	ErrSessionStarted            = apperr.New(apperr.PhaseClosed, "budget.session_started")
	ErrSessionEditionOver        = apperr.New(apperr.PhaseClosed, "budget.session_edition_over")
	ErrSessionRegistrationClosed = apperr.New(apperr.PhaseClosed, "budget.session_registration_closed")
)

// sessionErrors are the budget's keys of the mechanism's rules (sessions
// have no attendance or minutes in the API: those keep the mechanism's).
var sessionErrors = gathering.Errors{
	Cancelled: ErrSessionCancelled, Started: ErrSessionStarted,
	StartsInPast:            apperr.Invalid("startsAt", "budget.session_starts_in_past"),
	EndsBeforeStart:         apperr.Invalid("endsAt", "budget.session_ends_before_start"),
	Languages:               apperr.Invalid("languages", "budget.session_languages_invalid"),
	Capacity:                apperr.Invalid("capacity", "budget.session_capacity_invalid"),
	CapacityBelowRegistered: apperr.Invalid("capacity", "budget.session_capacity_below_registered"),
	ReasonRequired:          apperr.Invalid("reason", "budget.session_reason_required"),
}

// SessionInput describes an information session. Title and Description are
// written in Locale; Capacity nil means unlimited.
type SessionInput struct {
	EditionID        uuid.UUID
	Title            string
	Description      string
	Locale           i18n.Locale
	Languages        []string
	StartsAt, EndsAt time.Time
	Place            string // an address, or the link of an online session
	Online           bool
	Capacity         *int
}

func (in SessionInput) gathering() gathering.Input {
	return gathering.Input{Title: i18n.Input{Locale: in.Locale, Text: in.Title},
		Description: i18n.Input{Locale: in.Locale, Text: in.Description}, StartsAt: in.StartsAt, EndsAt: in.EndsAt,
		Place: in.Place, Online: in.Online, Languages: in.Languages, Capacity: in.Capacity}
}

// Session is a multilingual information session about an edition (how to
// submit a project, how to vote), with its registration counts and the
// caller's registration status (Viewer, "" for none).
type Session struct {
	gathering.Gathering
	EditionID uuid.UUID

	unitID        uuid.UUID
	editionStatus Status
}

// editionObject is the session's edition as an authorization object.
func (m *Session) editionObject() authz.Object {
	e := Edition{ID: m.EditionID, UnitID: m.unitID, Status: m.editionStatus}
	return e.Object()
}

// Object is the session as an authorization object: the edition's domains
// and status.
func (m *Session) Object() authz.Object { return sessionObject(m.ID, m.editionObject()) }

func sessionObject(id uuid.UUID, edition authz.Object) authz.Object {
	edition.Type, edition.ID = "budget_session", id.String()
	return edition
}

// ViewerCan reports what the caller may do with the session.
func (m *Session) ViewerCan(ctx context.Context) (register, manage bool) {
	return authz.Can(ctx, ActRegisterSession, m.Object()), authz.Can(ctx, ActManage, m.editionObject())
}

// SessionCursor is the session's position in its edition's Sessions.
func (s *Service) SessionCursor(m *Session) string { return s.sessions.Cursor(&m.Gathering) }

// SessionReminderArgs is a session's reminder, due SessionReminderBefore
// StartsAt; a moved or cancelled session's old job does nothing.
type SessionReminderArgs = gathering.Reminder[sessionJob]

// sessionJob names session reminders (River kind JobSessionReminder, the
// id as "session_id").
type sessionJob struct{}

func (sessionJob) IDKey() string   { return "session_id" }
func (sessionJob) JobKind() string { return JobSessionReminder }

// newSessions is the gathering mechanism with the civic budget's rules.
func (s *Service) newSessions() *gathering.Service {
	return gathering.New(s.pool, s.river, s.notify, s.log, func() time.Time { return s.now() }, gathering.Config{
		Kind:     SessionGatheringKind,
		Owner:    sessionOwner,
		Validate: validateSession,
		Reminder: gathering.NewReminder[sessionJob],
		Errors:   sessionErrors,
		Notices: gathering.Notices{Promoted: NoticeSessionPromoted, Reminder: NoticeSessionReminder,
			Moved: NoticeSessionMoved, Cancelled: NoticeSessionCancelled},
		Names: gathering.Names{Object: "budget_session", Action: "budget.session_", OwnerKey: "edition_id", IDKey: "session_id"},
	})
}

// sessionOwner is the owner hook: the edition share-locked (so that phase
// changes wait), NOT_FOUND when the caller may not read it, then act:
// ActManage on the edition, ActRegisterSession on the session. Sessions
// are planned and changed until the vote is over; registration needs a
// public edition whose vote is not over.
func sessionOwner(ctx context.Context, tx pgx.Tx, editionID, sessionID uuid.UUID, act gathering.Act) (*gathering.Owner, error) {
	e, err := loadEdition(ctx, tx, editionID, "for share")
	if err != nil {
		return nil, err
	}
	o := &gathering.Owner{ID: e.ID, Visible: authz.Can(ctx, ActRead, e.Object()), Object: e.Object(),
		TextDomains: []string{Domain(e.ID), authz.Domain("org", e.UnitID)}}
	if act == gathering.ActRegister {
		o.Object = sessionObject(sessionID, o.Object)
	}
	if e.Status == StatusClosed || e.Status == StatusResultsPublished {
		o.Closed, o.RegistrationClosed = ErrSessionEditionOver, ErrSessionRegistrationClosed
	}
	if e.Status == StatusDraft {
		o.RegistrationClosed = ErrSessionRegistrationClosed
	}
	return o, nil
}

// validateSession checks the budget's own fields of a session.
func validateSession(in gathering.Input) (gathering.Input, error) {
	title, desc := strings.TrimSpace(in.Title.Text), strings.TrimSpace(in.Description.Text)
	in.Title.Text, in.Description.Text, in.Place = title, desc, strings.TrimSpace(in.Place)
	if !in.Title.Locale.Valid() {
		return in, apperr.Invalid("locale", "budget.session_locale_invalid")
	}
	if title == "" || utf8.RuneCountInString(title) > MaxSessionTitleRunes {
		return in, apperr.Invalid("title", "budget.session_title_invalid").With(map[string]any{"max": MaxSessionTitleRunes})
	}
	if utf8.RuneCountInString(desc) > MaxSessionDescriptionRunes {
		return in, apperr.Invalid("description", "budget.session_description_invalid").With(map[string]any{"max": MaxSessionDescriptionRunes})
	}
	if in.Place == "" || utf8.RuneCountInString(in.Place) > MaxSessionPlaceRunes {
		return in, apperr.Invalid("place", "budget.session_place_invalid").With(map[string]any{"max": MaxSessionPlaceRunes})
	}
	return in, nil
}

func toSession(g *gathering.Gathering, e *Edition) *Session {
	return &Session{Gathering: *g, EditionID: g.OwnerID, unitID: e.UnitID, editionStatus: e.Status}
}

// Session returns a session whose edition the caller may read.
func (s *Service) Session(ctx context.Context, id uuid.UUID) (*Session, error) {
	g, err := s.sessions.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	e, err := s.Edition(ctx, g.OwnerID)
	if err != nil {
		return nil, err
	}
	return toSession(g, e), nil
}

// Sessions lists the sessions of an edition the caller may read (a draft's
// only to staff), cancelled ones included, by start time: first of them
// after the cursor after ("" for the first page).
func (s *Service) Sessions(ctx context.Context, editionID uuid.UUID, first int, after string) (page.Page[*Session], error) {
	e, err := s.Edition(ctx, editionID)
	if err != nil {
		return page.Page[*Session]{}, err
	}
	p, err := s.sessions.Page(ctx, editionID, first, after)
	if err != nil {
		return page.Page[*Session]{}, err
	}
	return page.Map(p, func(g *gathering.Gathering) *Session { return toSession(g, e) }), nil
}

// CreateSession adds an information session to an edition ("manage") until
// its vote is over, and schedules the reminder.
func (s *Service) CreateSession(ctx context.Context, in SessionInput) (*Session, error) {
	g, err := s.sessions.Create(ctx, in.EditionID, in.gathering())
	if err != nil {
		return nil, err
	}
	return s.Session(ctx, g.ID)
}

// UpdateSession replaces a session's details (every field of in; its
// EditionID is ignored) before it starts; see gathering.Service.Update.
func (s *Service) UpdateSession(ctx context.Context, id uuid.UUID, in SessionInput) (*Session, error) {
	_, err := s.sessions.Update(ctx, id, in.gathering())
	return s.sessionAfter(ctx, id, err)
}

// CancelSession cancels a session before it starts, with a public reason,
// and tells everyone registered or waiting.
func (s *Service) CancelSession(ctx context.Context, id uuid.UUID, reason string) (*Session, error) {
	_, err := s.sessions.Cancel(ctx, id, reason)
	return s.sessionAfter(ctx, id, err)
}

// RegisterForSession registers the caller (a confirmed account) for a
// session of a public edition whose vote is not over, before it starts; see
// gathering.Service.Register.
func (s *Service) RegisterForSession(ctx context.Context, id uuid.UUID) (*Session, error) {
	_, err := s.sessions.Register(ctx, id)
	return s.sessionAfter(ctx, id, err)
}

// CancelSessionRegistration withdraws the caller's registration before the
// session starts; a freed seat goes to the first person waiting, who is
// told.
func (s *Service) CancelSessionRegistration(ctx context.Context, id uuid.UUID) (*Session, error) {
	_, err := s.sessions.Unregister(ctx, id)
	return s.sessionAfter(ctx, id, err)
}

// sessionAfter is session id as the caller sees it after a change that
// ended in err.
func (s *Service) sessionAfter(ctx context.Context, id uuid.UUID, err error) (*Session, error) {
	if err != nil {
		return nil, err
	}
	return s.Session(ctx, id)
}
