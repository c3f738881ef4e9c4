package consultation

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/notify"
)

// Meeting kinds; either satisfies the rule of an open meeting or workshop.
const (
	MeetingKindMeeting  = "meeting"
	MeetingKindWorkshop = "workshop"
)

// Registration statuses. A seat is held only by RegistrationRegistered; the
// waiting list is RegistrationWaitlisted in arrival order.
const (
	RegistrationRegistered = "registered"
	RegistrationWaitlisted = "waitlisted"
	RegistrationCancelled  = "cancelled"
)

// ActRegister is registering for a meeting (policy: confirmed accounts, like
// every other way of taking part). Staff acts on meetings need ActManage on
// the consultation.
const ActRegister = "register"

// Limits of meeting fields.
const (
	MaxPlaceRunes   = 500
	MaxOnlineURLLen = 2000
	MaxCapacity     = 100000
	// ReminderBefore is how long before the start the reminder is sent.
	ReminderBefore = 24 * time.Hour
)

// JobMeetingReminder is the River kind of meeting reminders.
const JobMeetingReminder = "consultation.meeting_reminder"

// Notice kinds sent by meetings (texts in notify's catalog).
const (
	NoticeMeetingPromoted = notify.KindMeetingPromoted
	NoticeMeetingReminder = notify.KindMeetingReminder
	// NoticeConsultationOpened tells followers that a consultation opened.
	NoticeConsultationOpened = notify.KindConsultationOpened
	NoticeMeetingCancelled   = notify.KindMeetingCancelled
	NoticeMeetingMoved       = notify.KindMeetingMoved
)

// Errors of meetings.
var (
	ErrMeetingCancelled        = apperr.New(apperr.Conflict, "meeting.cancelled")
	ErrMeetingStarted          = apperr.New(apperr.PhaseClosed, "meeting.started")
	ErrMeetingNotStarted       = apperr.New(apperr.PhaseClosed, "meeting.not_started")
	ErrMeetingNotEnded         = apperr.New(apperr.PhaseClosed, "meeting.not_ended")
	ErrMeetingConsultationOver = apperr.New(apperr.PhaseClosed, "meeting.consultation_closed")
	ErrRegistrationClosed      = apperr.New(apperr.PhaseClosed, "meeting.registration_closed")
	ErrAttendeeNotRegistered   = apperr.Invalid("attended", "meeting.attendee_not_registered")
	errStartsInPast            = apperr.Invalid("startsAt", "meeting.starts_in_past")
	errEndsBeforeStart         = apperr.Invalid("endsAt", "meeting.ends_before_start")
	errPlaceRequired           = apperr.Invalid("place", "meeting.place_required")
	errPlaceTooLong            = apperr.Invalid("place", "meeting.place_too_long").With(map[string]any{"max": MaxPlaceRunes})
	errOnlineURL               = apperr.Invalid("onlineUrl", "meeting.online_url_invalid")
	errLanguages               = apperr.Invalid("languages", "meeting.languages_invalid")
	errCapacity                = apperr.Invalid("capacity", "meeting.capacity_invalid").With(map[string]any{"max": MaxCapacity})
	errMeetingKind             = apperr.Invalid("kind", "meeting.kind_invalid")
)

// Meeting is an open meeting or workshop of a consultation, with the counts
// of its registrations.
type Meeting struct {
	ID             uuid.UUID
	ConsultationID uuid.UUID
	Kind           string // MeetingKindMeeting or MeetingKindWorkshop
	TitleTextID    uuid.UUID
	StartsAt       time.Time
	EndsAt         time.Time
	Place          string // an address; "" when online only
	OnlineURL      string // https; "" when in person only
	Languages      []string
	Capacity       *int // nil: unlimited
	MinutesTextID  *uuid.UUID
	MinutesAt      *time.Time
	CancelledAt    *time.Time
	CancelReason   string
	CreatedBy      uuid.UUID
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Registered     int // seats taken
	Waitlisted     int
	Attended       int // registered people marked as present

	unitID             uuid.UUID
	consultationStatus Status
}

// Object is the meeting as an authorization object: the consultation's
// domains and its status.
func (m *Meeting) Object() authz.Object {
	return authz.Object{Type: "meeting", ID: m.ID.String(),
		Domains: []string{Domain(m.ConsultationID), "org:" + m.unitID.String()},
		Attrs:   map[string]string{"status": string(m.consultationStatus)}}
}

// SeatsLeft is the number of free seats, or -1 for an unlimited meeting.
func (m *Meeting) SeatsLeft() int {
	if m.Capacity == nil {
		return -1
	}
	return max(*m.Capacity-m.Registered, 0)
}

// Registration is one person's registration for a meeting.
type Registration struct {
	MeetingID   uuid.UUID
	AccountID   uuid.UUID
	DisplayName string // "" for a deleted account
	Status      string // RegistrationRegistered, RegistrationWaitlisted or RegistrationCancelled
	// QueuePosition is the place on the waiting list (1 is next), 0 when not
	// waitlisted.
	QueuePosition int
	Attended      *bool // nil until attendance is recorded
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

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

// meetingEvent is the live event of a changed meeting on Topic(consultation).
type meetingEvent struct {
	Type      string    `json:"type"`
	MeetingID uuid.UUID `json:"meetingId"`
}

func publishMeeting(ctx context.Context, tx pgx.Tx, m *Meeting) error {
	return live.Publish(ctx, tx, Topic(m.ConsultationID), meetingEvent{Type: "meeting_changed", MeetingID: m.ID})
}

const meetingColumns = `m.id, m.consultation_id, c.unit_id, c.status, m.kind, m.title_text_id, m.starts_at, m.ends_at,
	m.place, m.online_url, m.languages, m.capacity, m.minutes_text_id, m.minutes_published_at,
	m.cancelled_at, m.cancel_reason, coalesce(m.created_by, '00000000-0000-0000-0000-000000000000'),
	m.created_at, m.updated_at, n.registered, n.waitlisted, n.attended`

const meetingFrom = ` from consultation_meetings m join consultations c on c.id = m.consultation_id
	cross join lateral (select count(*) filter (where r.status = 'registered') as registered,
		count(*) filter (where r.status = 'waitlisted') as waitlisted,
		count(*) filter (where r.status = 'registered' and r.attended) as attended
		from meeting_registrations r where r.meeting_id = m.id) n`

func scanMeeting(row pgx.Row) (*Meeting, error) {
	var m Meeting
	err := row.Scan(&m.ID, &m.ConsultationID, &m.unitID, &m.consultationStatus, &m.Kind, &m.TitleTextID,
		&m.StartsAt, &m.EndsAt, &m.Place, &m.OnlineURL, &m.Languages, &m.Capacity, &m.MinutesTextID, &m.MinutesAt,
		&m.CancelledAt, &m.CancelReason, &m.CreatedBy, &m.CreatedAt, &m.UpdatedAt,
		&m.Registered, &m.Waitlisted, &m.Attended)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// loadMeeting reads one meeting with its counts, without any visibility check.
func loadMeeting(ctx context.Context, q db.Querier, id uuid.UUID) (*Meeting, error) {
	m, err := scanMeeting(q.QueryRow(ctx, `select `+meetingColumns+meetingFrom+` where m.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load meeting: %w", err)
	}
	return m, nil
}

// meetingTarget loads meeting id for a change by the caller in tx:
// UNAUTHENTICATED for anonymous callers first, NOT_FOUND when the caller may
// not see the consultation, FORBIDDEN when it may not do act (ActManage on
// the consultation, or ActRegister on the meeting). Locks are taken in one
// order everywhere: the consultation (shared, so that phase changes wait),
// then the meeting row, which serialises every change of its registrations.
// The meeting is re-read after the lock, so its counts are current.
func (s *Service) meetingTarget(ctx context.Context, tx pgx.Tx, id uuid.UUID, act string) (*Meeting, *Consultation, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, nil, apperr.ErrUnauthenticated
	}
	var cid uuid.UUID
	err := tx.QueryRow(ctx, `select consultation_id from consultation_meetings where id = $1`, id).Scan(&cid)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load meeting: %w", err)
	}
	c, err := lockShared(ctx, tx, cid)
	if err != nil {
		return nil, nil, err
	}
	if !authz.Can(ctx, ActRead, c.Object()) {
		return nil, nil, ErrNotFound
	}
	if _, err := tx.Exec(ctx, `select 1 from consultation_meetings where id = $1 for update`, id); err != nil {
		return nil, nil, fmt.Errorf("lock meeting: %w", err)
	}
	m, err := loadMeeting(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	obj := c.Object()
	if act == ActRegister {
		obj = m.Object()
	}
	if err := authz.Require(ctx, act, obj); err != nil {
		return nil, nil, err
	}
	return m, c, nil
}

// validateMeeting checks in and returns it normalised.
func (s *Service) validateMeeting(in MeetingInput) (MeetingInput, error) {
	if err := validateLocalized("title", in.Title, true); err != nil {
		return in, err
	}
	in.Title.Text = strings.TrimSpace(in.Title.Text)
	if in.Kind == "" {
		in.Kind = MeetingKindMeeting
	}
	if in.Kind != MeetingKindMeeting && in.Kind != MeetingKindWorkshop {
		return in, errMeetingKind
	}
	if in.StartsAt.IsZero() || !in.StartsAt.After(s.now()) {
		return in, errStartsInPast
	}
	if !in.EndsAt.After(in.StartsAt) {
		return in, errEndsBeforeStart
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
	langs := []string{}
	for _, l := range in.Languages {
		if !i18n.Locale(l).Valid() || string(i18n.Locale(l)) != l {
			return in, errLanguages.With(map[string]any{"language": l})
		}
		if !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	if len(langs) == 0 {
		return in, errLanguages.With(map[string]any{"language": ""})
	}
	in.Languages = langs
	if in.Capacity != nil && (*in.Capacity < 1 || *in.Capacity > MaxCapacity) {
		return in, errCapacity
	}
	return in, nil
}

// meetingsAllowed: meetings are planned in the draft and held while the
// consultation is announced or open.
func meetingsAllowed(c *Consultation) bool {
	return c.Status == StatusDraft || c.Status == StatusAnnounced || c.Status == StatusOpen
}

// CreateMeeting adds a meeting to a consultation in draft, announced or open
// ("manage" on the consultation) and schedules its reminder.
func (s *Service) CreateMeeting(ctx context.Context, in MeetingInput) (*Meeting, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	var id uuid.UUID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if authz.SubjectFrom(ctx).Anonymous() {
			return apperr.ErrUnauthenticated
		}
		c, err := lockShared(ctx, tx, in.ConsultationID)
		if err != nil {
			return err
		}
		if !authz.Can(ctx, ActRead, c.Object()) {
			return ErrNotFound
		}
		if err := authz.Require(ctx, ActManage, c.Object()); err != nil {
			return err
		}
		if !meetingsAllowed(c) {
			return ErrMeetingConsultationOver
		}
		in, err = s.validateMeeting(in)
		if err != nil {
			return err
		}
		title, err := i18n.CreateText(ctx, tx, in.Title.Locale, in.Title.Text, actor, textDomains(c.ID, c.UnitID))
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `insert into consultation_meetings (consultation_id, kind, title_text_id, starts_at, ends_at,
				place, online_url, languages, capacity, created_by)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
			c.ID, in.Kind, title, in.StartsAt, in.EndsAt, in.Place, in.OnlineURL, in.Languages, in.Capacity,
			actorOrNil(actor)).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert meeting: %w", err)
		}
		if err := s.scheduleReminder(ctx, tx, id, in.StartsAt); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "meeting.create", ObjectType: "meeting",
			ObjectID: id.String(), Data: map[string]any{"consultation_id": c.ID.String()}}); err != nil {
			return err
		}
		return live.Publish(ctx, tx, Topic(c.ID), meetingEvent{Type: "meeting_changed", MeetingID: id})
	})
	if err != nil {
		return nil, err
	}
	return loadMeeting(ctx, s.pool, id)
}

// UpdateMeeting replaces a meeting's details (every field of in; its
// ConsultationID is ignored) before the meeting starts. The title becomes a
// new text only when it changed. A new start time schedules a new reminder
// (the old one finds the time changed and does nothing); more seats promote
// people from the waiting list; fewer seats than are taken is INVALID_INPUT.
func (s *Service) UpdateMeeting(ctx context.Context, id uuid.UUID, in MeetingInput) (*Meeting, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, c, err := s.meetingTarget(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if m.CancelledAt != nil {
			return ErrMeetingCancelled
		}
		if !s.now().Before(m.StartsAt) {
			return ErrMeetingStarted
		}
		if !meetingsAllowed(c) {
			return ErrMeetingConsultationOver
		}
		in, err = s.validateMeeting(in)
		if err != nil {
			return err
		}
		if in.Capacity != nil && *in.Capacity < m.Registered {
			return apperr.Invalid("capacity", "meeting.capacity_below_registered").
				With(map[string]any{"registered": m.Registered})
		}
		title := m.TitleTextID
		same, err := sameOriginal(ctx, tx, title, in.Title)
		if err != nil {
			return err
		}
		if !same {
			if title, err = i18n.CreateText(ctx, tx, in.Title.Locale, in.Title.Text, actor, textDomains(c.ID, c.UnitID)); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `update consultation_meetings set kind = $2, title_text_id = $3, starts_at = $4, ends_at = $5,
				place = $6, online_url = $7, languages = $8, capacity = $9, updated_at = now()
			where id = $1`, m.ID, in.Kind, title, in.StartsAt, in.EndsAt, in.Place, in.OnlineURL, in.Languages, in.Capacity)
		if err != nil {
			return fmt.Errorf("update meeting: %w", err)
		}
		if !sameMicrosecond(m.StartsAt, in.StartsAt) {
			if err := s.scheduleReminder(ctx, tx, m.ID, in.StartsAt); err != nil {
				return err
			}
		}
		moved := !sameMicrosecond(m.StartsAt, in.StartsAt) || !sameMicrosecond(m.EndsAt, in.EndsAt) ||
			m.Place != in.Place || m.OnlineURL != in.OnlineURL
		m.Capacity, m.StartsAt, m.EndsAt, m.Place, m.OnlineURL = in.Capacity, in.StartsAt, in.EndsAt, in.Place, in.OnlineURL
		if moved {
			if err := s.tellMeetingMoved(ctx, tx, m); err != nil {
				return err
			}
		}
		if err := s.promote(ctx, tx, m); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "meeting.update", ObjectType: "meeting",
			ObjectID: m.ID.String(), Data: map[string]any{"consultation_id": c.ID.String()}}); err != nil {
			return err
		}
		return publishMeeting(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return loadMeeting(ctx, s.pool, id)
}

// sameOriginal reports whether in is the newest original version of text id.
func sameOriginal(ctx context.Context, q db.Querier, id uuid.UUID, in i18n.Input) (bool, error) {
	var locale, body string
	err := q.QueryRow(ctx, `select locale, body from text_versions where text_id = $1 and is_original
		order by created_at desc limit 1`, id).Scan(&locale, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read title: %w", err)
	}
	return locale == string(in.Locale) && body == in.Text, nil
}

// CancelMeeting cancels a meeting before it starts, with a public reason of
// at least MinReasonRunes, and tells everyone registered or waitlisted.
func (s *Service) CancelMeeting(ctx context.Context, id uuid.UUID, reason string) (*Meeting, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, _, err := s.meetingTarget(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if m.CancelledAt != nil {
			return ErrMeetingCancelled
		}
		if !s.now().Before(m.StartsAt) {
			return ErrMeetingStarted
		}
		reason = strings.TrimSpace(reason)
		if utf8.RuneCountInString(reason) < MinReasonRunes {
			return apperr.Invalid("reason", "consultation.reason_required").With(map[string]any{"min": MinReasonRunes})
		}
		if _, err := tx.Exec(ctx, `update consultation_meetings set cancelled_at = $2, cancel_reason = $3, updated_at = now()
			where id = $1`, m.ID, s.now(), reason); err != nil {
			return fmt.Errorf("cancel meeting: %w", err)
		}
		rows, err := tx.Query(ctx, `select account_id from meeting_registrations
			where meeting_id = $1 and status in ('registered', 'waitlisted') order by position`, m.ID)
		if err != nil {
			return fmt.Errorf("cancel meeting: %w", err)
		}
		people, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return fmt.Errorf("cancel meeting: %w", err)
		}
		for _, p := range people {
			data := meetingData(m)
			data["reason"] = reason
			if err := s.tell(ctx, tx, p, NoticeMeetingCancelled, data,
				"meeting_cancelled:"+m.ID.String()+":"+p.String()); err != nil {
				return err
			}
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "meeting.cancel", ObjectType: "meeting",
			ObjectID: m.ID.String(), Reason: reason,
			Data: map[string]any{"consultation_id": m.ConsultationID.String(), "notified": len(people)}}); err != nil {
			return err
		}
		return publishMeeting(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return loadMeeting(ctx, s.pool, id)
}

// GetMeeting returns a meeting if the caller may see its consultation.
func (s *Service) GetMeeting(ctx context.Context, id uuid.UUID) (*Meeting, error) {
	m, err := loadMeeting(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	if !authz.Can(ctx, ActRead, m.consultationObject()) {
		return nil, ErrNotFound
	}
	return m, nil
}

// consultationObject is the meeting's consultation as an authorization
// object, without loading it.
func (m *Meeting) consultationObject() authz.Object {
	c := Consultation{ID: m.ConsultationID, UnitID: m.unitID, Status: m.consultationStatus}
	return c.Object()
}

// Meetings returns the meetings of a consultation the caller may see,
// cancelled ones included, by start time.
func (s *Service) Meetings(ctx context.Context, cid uuid.UUID) ([]*Meeting, error) {
	if _, err := s.visible(ctx, s.pool, cid, false); err != nil {
		return nil, err
	}
	m, err := meetingsOf(ctx, s.pool, []uuid.UUID{cid})
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
	return meetingsOf(ctx, s.pool, mapKeys(seen))
}

func meetingsOf(ctx context.Context, q db.Querier, cids []uuid.UUID) (map[uuid.UUID][]*Meeting, error) {
	out := map[uuid.UUID][]*Meeting{}
	if len(cids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `select `+meetingColumns+meetingFrom+` where m.consultation_id = any($1)
		order by m.consultation_id, m.starts_at, m.id`, cids)
	if err != nil {
		return nil, fmt.Errorf("meetings: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Meeting, error) { return scanMeeting(r) })
	if err != nil {
		return nil, fmt.Errorf("meetings: %w", err)
	}
	for _, m := range list {
		out[m.ConsultationID] = append(out[m.ConsultationID], m)
	}
	return out, nil
}

// RegisterForMeeting registers the caller (a confirmed account) for a
// meeting of an announced or open consultation before it starts: a seat
// while any remain, else the end of the waiting list. It is idempotent: a
// caller already registered or waitlisted gets that registration back.
// Concurrent registrations queue on the meeting's row lock, so seats and the
// waiting list follow arrival order exactly.
func (s *Service) RegisterForMeeting(ctx context.Context, meetingID uuid.UUID) (*Registration, error) {
	caller := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, c, err := s.meetingTarget(ctx, tx, meetingID, ActRegister)
		if err != nil {
			return err
		}
		if m.CancelledAt != nil {
			return ErrMeetingCancelled
		}
		var status string
		err = tx.QueryRow(ctx, `select status from meeting_registrations where meeting_id = $1 and account_id = $2`,
			m.ID, caller).Scan(&status)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read registration: %w", err)
		}
		if status == RegistrationRegistered || status == RegistrationWaitlisted {
			return nil
		}
		if !s.now().Before(m.StartsAt) {
			return ErrMeetingStarted
		}
		if c.Status != StatusAnnounced && c.Status != StatusOpen {
			return ErrRegistrationClosed
		}
		status = RegistrationWaitlisted
		if m.SeatsLeft() != 0 {
			status = RegistrationRegistered
		}
		_, err = tx.Exec(ctx, `insert into meeting_registrations (meeting_id, account_id, status) values ($1, $2, $3)
			on conflict (meeting_id, account_id) do update set status = excluded.status,
				position = nextval('meeting_registration_position_seq'), attended = null, updated_at = clock_timestamp()`,
			m.ID, caller, status)
		if err != nil {
			return fmt.Errorf("register: %w", err)
		}
		return publishMeeting(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return registrationOf(ctx, s.pool, meetingID, caller)
}

// UnregisterFromMeeting cancels the caller's registration before the meeting
// starts. A freed seat goes to the first person on the waiting list, who is
// told. Unregistering without a registration changes nothing.
func (s *Service) UnregisterFromMeeting(ctx context.Context, meetingID uuid.UUID) (*Registration, error) {
	caller := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// Withdrawing needs only to see the meeting: read, not register.
		m, _, err := s.meetingTarget(ctx, tx, meetingID, ActRead)
		if err != nil {
			return err
		}
		if m.CancelledAt != nil {
			return ErrMeetingCancelled
		}
		var status string
		err = tx.QueryRow(ctx, `select status from meeting_registrations where meeting_id = $1 and account_id = $2`,
			m.ID, caller).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) || status == RegistrationCancelled {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read registration: %w", err)
		}
		if !s.now().Before(m.StartsAt) {
			return ErrMeetingStarted
		}
		if _, err := tx.Exec(ctx, `update meeting_registrations set status = 'cancelled', updated_at = clock_timestamp()
			where meeting_id = $1 and account_id = $2`, m.ID, caller); err != nil {
			return fmt.Errorf("unregister: %w", err)
		}
		if status == RegistrationRegistered {
			m.Registered--
			if err := s.promote(ctx, tx, m); err != nil {
				return err
			}
		}
		return publishMeeting(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return registrationOf(ctx, s.pool, meetingID, caller)
}

// promote fills m's free seats from the waiting list, first come first
// served, and tells each promoted person. m.Registered must be current.
func (s *Service) promote(ctx context.Context, tx pgx.Tx, m *Meeting) error {
	var limit *int
	if m.Capacity != nil {
		n := m.SeatsLeft()
		if n == 0 {
			return nil
		}
		limit = &n
	}
	rows, err := tx.Query(ctx, `update meeting_registrations r set status = 'registered', updated_at = clock_timestamp()
		from (select account_id from meeting_registrations where meeting_id = $1 and status = 'waitlisted'
			order by position limit $2) w
		where r.meeting_id = $1 and r.account_id = w.account_id
		returning r.account_id, r.position`, m.ID, limit)
	if err != nil {
		return fmt.Errorf("promote: %w", err)
	}
	type promoted struct {
		account  uuid.UUID
		position int64
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (promoted, error) {
		var p promoted
		return p, r.Scan(&p.account, &p.position)
	})
	if err != nil {
		return fmt.Errorf("promote: %w", err)
	}
	for _, p := range list {
		// The position is new at every registration, so a person promoted,
		// unregistered and promoted again is told again.
		key := fmt.Sprintf("meeting_promoted:%s:%s:%d", m.ID, p.account, p.position)
		if err := s.tell(ctx, tx, p.account, NoticeMeetingPromoted, meetingData(m), key); err != nil {
			return err
		}
	}
	m.Registered += len(list)
	m.Waitlisted -= len(list)
	return nil
}

// tell sends one meeting notice in-app and by e-mail.
func (s *Service) tell(ctx context.Context, tx pgx.Tx, account uuid.UUID, kind string, data map[string]string, key string) error {
	if s.notify == nil {
		return nil
	}
	return s.notify.Notify(ctx, tx, notify.Notice{AccountID: account, Kind: kind, Data: data, DedupeKey: key,
		InApp: true, Email: true})
}

// meetingData are the notice arguments of a meeting: ids, the start (RFC
// 3339, and as {when} in Warsaw time) and where ({where}: place or link).
func meetingData(m *Meeting) map[string]string {
	where := m.Place
	if where == "" {
		where = m.OnlineURL
	} else if m.OnlineURL != "" {
		where += ", " + m.OnlineURL
	}
	return map[string]string{
		"consultation_id": m.ConsultationID.String(),
		"meeting_id":      m.ID.String(),
		"starts_at":       m.StartsAt.UTC().Format(time.RFC3339),
		"when":            m.StartsAt.In(Warsaw).Format("2006-01-02 15:04"),
		"where":           where,
	}
}

const registrationColumns = `r.meeting_id, r.account_id,
	case when a.deleted_at is null then a.display_name else '' end, r.status,
	case when r.status = 'waitlisted' then (select count(*) from meeting_registrations w
		where w.meeting_id = r.meeting_id and w.status = 'waitlisted' and w.position <= r.position) else 0 end,
	r.attended, r.created_at, r.updated_at`

func scanRegistration(row pgx.Row) (*Registration, error) {
	var r Registration
	if err := row.Scan(&r.MeetingID, &r.AccountID, &r.DisplayName, &r.Status, &r.QueuePosition, &r.Attended,
		&r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	return &r, nil
}

// registrationOf reads one registration; nil when there is none.
func registrationOf(ctx context.Context, q db.Querier, meetingID, accountID uuid.UUID) (*Registration, error) {
	r, err := scanRegistration(q.QueryRow(ctx, `select `+registrationColumns+` from meeting_registrations r
		join accounts a on a.id = r.account_id where r.meeting_id = $1 and r.account_id = $2`, meetingID, accountID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read registration: %w", err)
	}
	return r, nil
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
	return registrationOf(ctx, s.pool, meetingID, sub.AccountID)
}

// Registrations lists who registered for a meeting, for staff ("manage" on
// the consultation): seats first, then the waiting list, each in arrival
// order, then cancelled registrations. Residents see only the meeting's
// counts and their own registration.
func (s *Service) Registrations(ctx context.Context, meetingID uuid.UUID) ([]*Registration, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	m, err := s.GetMeeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, ActManage, m.consultationObject()); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select `+registrationColumns+` from meeting_registrations r
		join accounts a on a.id = r.account_id where r.meeting_id = $1
		order by case r.status when 'registered' then 0 when 'waitlisted' then 1 else 2 end, r.position`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("registrations: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Registration, error) { return scanRegistration(r) })
	if err != nil {
		return nil, fmt.Errorf("registrations: %w", err)
	}
	return list, nil
}

// RecordAttendance records, once the meeting has started, who of the
// registered people came: attended true for those listed, false for the
// other registered people. Recording again replaces the record. Listing
// anyone who does not hold a seat is INVALID_INPUT (field "attended").
func (s *Service) RecordAttendance(ctx context.Context, meetingID uuid.UUID, attended []uuid.UUID) (*Meeting, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, _, err := s.meetingTarget(ctx, tx, meetingID, ActManage)
		if err != nil {
			return err
		}
		if m.CancelledAt != nil {
			return ErrMeetingCancelled
		}
		if s.now().Before(m.StartsAt) {
			return ErrMeetingNotStarted
		}
		if attended == nil {
			attended = []uuid.UUID{}
		}
		var known int
		if err := tx.QueryRow(ctx, `select count(*) from meeting_registrations
			where meeting_id = $1 and status = 'registered' and account_id = any($2)`, m.ID, attended).Scan(&known); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		if distinct := len(uniqueIDs(attended)); known != distinct {
			return ErrAttendeeNotRegistered
		}
		if _, err := tx.Exec(ctx, `update meeting_registrations set attended = (account_id = any($2)), updated_at = clock_timestamp()
			where meeting_id = $1 and status = 'registered'`, m.ID, attended); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "meeting.attendance", ObjectType: "meeting",
			ObjectID: m.ID.String(), Data: map[string]any{"consultation_id": m.ConsultationID.String(),
				"attended": len(uniqueIDs(attended)), "registered": m.Registered}}); err != nil {
			return err
		}
		return publishMeeting(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return loadMeeting(ctx, s.pool, meetingID)
}

func uniqueIDs(ids []uuid.UUID) []uuid.UUID {
	out := []uuid.UUID{}
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// PublishMinutes publishes a meeting's minutes once it has ended; publishing
// again replaces them with a new text.
func (s *Service) PublishMinutes(ctx context.Context, meetingID uuid.UUID, minutes i18n.Input) (*Meeting, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, c, err := s.meetingTarget(ctx, tx, meetingID, ActManage)
		if err != nil {
			return err
		}
		if m.CancelledAt != nil {
			return ErrMeetingCancelled
		}
		if s.now().Before(m.EndsAt) {
			return ErrMeetingNotEnded
		}
		if err := validateLocalized("minutes", minutes, true); err != nil {
			return err
		}
		text, err := i18n.CreateText(ctx, tx, minutes.Locale, strings.TrimSpace(minutes.Text), actor, textDomains(c.ID, c.UnitID))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update consultation_meetings set minutes_text_id = $2, minutes_published_at = $3,
				updated_at = now() where id = $1`, m.ID, text, s.now()); err != nil {
			return fmt.Errorf("publish minutes: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "meeting.minutes", ObjectType: "meeting",
			ObjectID: m.ID.String(), Data: map[string]any{"consultation_id": c.ID.String()}}); err != nil {
			return err
		}
		return publishMeeting(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return loadMeeting(ctx, s.pool, meetingID)
}

// MeetingReminderArgs is a meeting's reminder, due ReminderBefore StartsAt.
// The worker sends it only if the meeting is not cancelled and still starts
// at StartsAt, so moving a meeting leaves the old job with nothing to do.
type MeetingReminderArgs struct {
	MeetingID uuid.UUID `json:"meeting_id"`
	StartsAt  time.Time `json:"starts_at"`
}

// Kind is the River job kind.
func (MeetingReminderArgs) Kind() string { return JobMeetingReminder }

// InsertOpts gives the job a few attempts.
func (MeetingReminderArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

func (s *Service) scheduleReminder(ctx context.Context, tx *db.Tx, id uuid.UUID, startsAt time.Time) error {
	opts := &river.InsertOpts{}
	// A meeting less than a day away is reminded at once (River's own now).
	if at := startsAt.Add(-ReminderBefore); at.After(s.now()) {
		opts.ScheduledAt = at
	}
	if _, err := s.river.InsertTx(ctx, tx.Tx, MeetingReminderArgs{MeetingID: id, StartsAt: startsAt}, opts); err != nil {
		return fmt.Errorf("schedule meeting reminder: %w", err)
	}
	return nil
}

type meetingReminderWorker struct {
	river.WorkerDefaults[MeetingReminderArgs]
	s *Service
}

func (w *meetingReminderWorker) Work(ctx context.Context, job *river.Job[MeetingReminderArgs]) error {
	sent, err := w.s.sendReminders(ctx, job.Args)
	if err != nil {
		return err
	}
	if sent < 0 {
		w.s.log.Info("consultation: meeting reminder is stale", "meeting", job.Args.MeetingID)
	}
	return nil
}

// sendReminders tells every registered (not waitlisted) person about the
// meeting, once per person and start time whatever the retries; it returns
// how many were told, or -1 when the job is stale (meeting gone, cancelled,
// moved or already started).
func (s *Service) sendReminders(ctx context.Context, a MeetingReminderArgs) (int, error) {
	sent := -1
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, err := loadMeeting(ctx, tx, a.MeetingID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if m.CancelledAt != nil || !sameMicrosecond(m.StartsAt, a.StartsAt) || !s.now().Before(m.StartsAt) {
			return nil
		}
		rows, err := tx.Query(ctx, `select account_id from meeting_registrations
			where meeting_id = $1 and status = 'registered' order by position`, m.ID)
		if err != nil {
			return fmt.Errorf("meeting reminder: %w", err)
		}
		people, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return fmt.Errorf("meeting reminder: %w", err)
		}
		for _, p := range people {
			key := fmt.Sprintf("meeting_reminder:%s:%s:%d", m.ID, p, m.StartsAt.Unix())
			if err := s.tell(ctx, tx, p, NoticeMeetingReminder, meetingData(m), key); err != nil {
				return err
			}
		}
		sent = len(people)
		return nil
	})
	return sent, err
}

// tellMeetingMoved tells everyone registered or waiting that the meeting's
// time or place changed (one notice per person and new time and place).
func (s *Service) tellMeetingMoved(ctx context.Context, tx pgx.Tx, m *Meeting) error {
	rows, err := tx.Query(ctx, `select account_id from meeting_registrations
		where meeting_id = $1 and status in ('registered', 'waitlisted') order by position`, m.ID)
	if err != nil {
		return fmt.Errorf("meeting moved: %w", err)
	}
	people, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("meeting moved: %w", err)
	}
	data := meetingData(m)
	for _, p := range people {
		key := "meeting_moved:" + m.ID.String() + ":" + p.String() + ":" + data["starts_at"] + ":" + data["where"]
		if err := s.tell(ctx, tx, p, NoticeMeetingMoved, data, key); err != nil {
			return err
		}
	}
	return nil
}
