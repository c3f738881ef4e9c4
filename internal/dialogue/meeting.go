package dialogue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/page"
)

// Meetings of a body are gatherings (internal/gathering) of kind
// MeetingGatheringKind owned by the body, with invitations and presence on:
// scheduling, changes, cancellation, reminders, the roll, check-in and
// presence are the mechanism's. This file holds the body's own rules: who
// schedules (ActManage on MeetingObjectType: the chair, the secretary, the
// unit's officials, coordinators, admins), who is invited (everyone holding
// a membership active when the meeting is scheduled: persons, and every
// current delegate, main and substitute, of an organisation member; guests
// and observers too), public seats, and the meeting's fields.
//
// Public seats: a public body's meeting accepts registrations of the public
// (confirmed accounts), up to its capacity (unlimited when none is set);
// registrants are on the roll (they may check in) but never count towards
// the quorum. A non-public body's meetings take no registrations and are
// seen only by who sees the body.

// MeetingGatheringKind is the kind of body meetings in gatherings.
const MeetingGatheringKind = "body_meeting"

// MeetingObjectType is a body meeting as an authorization object: the
// body's domains and attributes (policy.csv).
const MeetingObjectType = "body_meeting"

// ActManageMeeting is managing a meeting (policy.csv): the mechanism's
// gathering.ActManage. Reading is the body's ActRead.
const ActManageMeeting = string(gathering.ActManage)

// JobMeetingReminder is the River kind of meeting reminders.
const JobMeetingReminder = "dialogue.meeting_reminder"

// Limits of meeting fields.
const (
	MaxMeetingTitleRunes       = 300
	MaxMeetingDescriptionRunes = 5000
	MaxMeetingPlaceRunes       = 500
)

// Errors of meetings.
var (
	ErrMeetingCancelled          = apperr.New(apperr.Conflict, "dialogue.meeting_cancelled")
	ErrMeetingStarted            = apperr.New(apperr.PhaseClosed, "dialogue.meeting_started")
	ErrMeetingRegistrationClosed = apperr.New(apperr.PhaseClosed, "dialogue.meeting_registration_closed")
)

var meetingErrors = gathering.Errors{
	Cancelled: ErrMeetingCancelled, Started: ErrMeetingStarted,
	StartsInPast:    apperr.Invalid("startsAt", "dialogue.meeting_starts_in_past"),
	EndsBeforeStart: apperr.Invalid("endsAt", "dialogue.meeting_ends_before_start"),
	ReasonRequired:  apperr.Invalid("reason", "dialogue.meeting_reason_required"),
}

// MeetingInput describes a meeting. Description.Text "" means none;
// Capacity (public seats of a public body) nil means unlimited.
type MeetingInput struct {
	Title, Description i18n.Input
	StartsAt, EndsAt   time.Time
	Place, OnlineURL   string
	Online             bool
	Languages          []string
	Capacity           *int
}

func (in MeetingInput) gathering() gathering.Input {
	return gathering.Input{Title: in.Title, Description: in.Description, StartsAt: in.StartsAt, EndsAt: in.EndsAt,
		Place: in.Place, OnlineURL: in.OnlineURL, Online: in.Online, Languages: in.Languages, Capacity: in.Capacity}
}

// Meeting is a meeting of a body, with the counts of its roll.
type Meeting struct {
	gathering.Gathering
	BodyID uuid.UUID
	body   *Body
}

// Body is the meeting's body as the caller read it.
func (m *Meeting) Body() *Body { return m.body }

// meetingJob names meeting reminders.
type meetingJob struct{}

func (meetingJob) IDKey() string   { return "meeting_id" }
func (meetingJob) JobKind() string { return JobMeetingReminder }

// MeetingReminderArgs is a meeting's reminder, due gathering.ReminderBefore
// its start; a moved or cancelled meeting's old job does nothing.
type MeetingReminderArgs = gathering.Reminder[meetingJob]

// MeetingTopic is the live topic of one meeting's events.
func MeetingTopic(meetingID uuid.UUID) string { return "body_meeting:" + meetingID.String() }

// MeetingEvent is a small live event of a meeting: what changed, and for
// attendance the counts after it.
type MeetingEvent struct {
	// Type is "meeting_changed", "attendance_changed", "agenda_changed",
	// "speakers_changed", or a vote's EventVote* (meeting_vote.go).
	Type      string    `json:"type"`
	MeetingID uuid.UUID `json:"meetingId"`
	ItemID    uuid.UUID `json:"itemId,omitzero"`
	// Present (people present now) and the quorum, on attendance_changed.
	Present int     `json:"present,omitempty"`
	Quorum  *Quorum `json:"quorum,omitempty"`
	// The motion and its vote's numbers, on vote_opened, vote_changed and
	// vote_closed (meeting_vote.go).
	MotionID uuid.UUID  `json:"motionId,omitzero"`
	Vote     *VoteTally `json:"vote,omitempty"`
}

// newMeetings is the gathering mechanism with the bodies' rules.
func (s *Service) newMeetings() *gathering.Service {
	return gathering.New(s.pool, s.river, s.notify, s.log, func() time.Time { return s.now() }, gathering.Config{
		Kind:        MeetingGatheringKind,
		Owner:       s.meetingOwner,
		Validate:    validateMeeting,
		Reminder:    gathering.NewReminder[meetingJob],
		Invitations: true,
		// Remote attendance is always recorded; whether it counts towards
		// the quorum is the body's rule (Quorum).
		Presence: &gathering.PresenceRules{Remote: true, Changed: s.presenceChanged},
		Changed: func(ctx context.Context, tx pgx.Tx, g *gathering.Gathering) error {
			return live.Publish(ctx, tx, MeetingTopic(g.ID), MeetingEvent{Type: "meeting_changed", MeetingID: g.ID})
		},
		Errors: meetingErrors,
		Notices: gathering.Notices{Reminder: NoticeMeetingReminder, Moved: NoticeMeetingMoved,
			Cancelled: NoticeMeetingCancelled, Invited: NoticeMeetingInvited, Promoted: NoticeMeetingPromoted},
		Names: gathering.Names{Object: MeetingObjectType, Action: "dialogue.meeting_", OwnerKey: "body_id", IDKey: "meeting_id"},
	})
}

// presenceChanged publishes the attendance and the quorum after a change of
// presence, in its transaction.
func (s *Service) presenceChanged(ctx context.Context, tx pgx.Tx, g *gathering.Gathering, _ *gathering.Presence) error {
	q, err := s.quorum(ctx, tx, g.ID)
	if err != nil {
		return err
	}
	return live.Publish(ctx, tx, MeetingTopic(g.ID), MeetingEvent{Type: "attendance_changed", MeetingID: g.ID,
		Present: g.Present, Quorum: q})
}

// meetingObject is meeting id of body b as an authorization object.
func meetingObject(b *Body, memberNow bool, id uuid.UUID) authz.Object {
	o := b.object(memberNow)
	o.Type = MeetingObjectType
	if id != uuid.Nil {
		o.ID = id.String()
	}
	return o
}

// meetingOwner is the owner hook: the body share-locked (so that
// dissolution and appointments wait), NOT_FOUND when the caller may not see
// it, then act on the meeting object. Nothing is planned in a dissolved
// body; only a public body's meetings take registrations.
func (s *Service) meetingOwner(ctx context.Context, tx pgx.Tx, bodyID, meetingID uuid.UUID, _ gathering.Act) (*gathering.Owner, error) {
	b, err := scanBody(tx.QueryRow(ctx, `select `+bodyColumns+` from dialogue_bodies b where b.id = $1 for share`, bodyID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load body: %w", err)
	}
	member, err := s.memberNow(ctx, tx, bodyID)
	if err != nil {
		return nil, err
	}
	visible := authz.Can(ctx, ActRead, b.object(member))
	if !visible {
		// A guest invited by hand sees the meeting (meeting_invite.go).
		if visible, err = s.isGuest(ctx, tx, meetingID); err != nil {
			return nil, err
		}
	}
	o := &gathering.Owner{ID: b.ID, Visible: visible,
		Object: meetingObject(b, member, meetingID), TextDomains: textDomains(b.ID, b.UnitID)}
	if b.Status != StatusActive {
		o.Closed, o.RegistrationClosed = ErrDissolved, ErrDissolved
	}
	if !b.Public {
		o.RegistrationClosed = ErrMeetingRegistrationClosed
	}
	return o, nil
}

// validateMeeting checks the body's own fields of a meeting.
func validateMeeting(in gathering.Input) (gathering.Input, error) {
	if err := in.Title.Check("title", keyTextRequired); err != nil {
		return in, err
	}
	if err := in.Description.Check("description", ""); err != nil {
		return in, err
	}
	in.Title.Text, in.Description.Text = strings.TrimSpace(in.Title.Text), strings.TrimSpace(in.Description.Text)
	in.Place, in.OnlineURL = strings.TrimSpace(in.Place), strings.TrimSpace(in.OnlineURL)
	if utf8.RuneCountInString(in.Title.Text) > MaxMeetingTitleRunes {
		return in, apperr.Invalid("title", "dialogue.meeting_title_too_long").With(map[string]any{"max": MaxMeetingTitleRunes})
	}
	if utf8.RuneCountInString(in.Description.Text) > MaxMeetingDescriptionRunes {
		return in, apperr.Invalid("description", "dialogue.meeting_description_too_long").With(map[string]any{"max": MaxMeetingDescriptionRunes})
	}
	if in.OnlineURL != "" && !strings.HasPrefix(in.OnlineURL, "https://") {
		return in, apperr.Invalid("onlineUrl", "dialogue.meeting_link_invalid")
	}
	if (in.Place == "" && in.OnlineURL == "") || utf8.RuneCountInString(in.Place) > MaxMeetingPlaceRunes {
		return in, apperr.Invalid("place", "dialogue.meeting_place_invalid").With(map[string]any{"max": MaxMeetingPlaceRunes})
	}
	return in, nil
}

// ScheduleMeeting schedules a meeting of body bodyID (ActManage: the chair,
// the secretary, the unit's officials, coordinators, admins) while the body
// is active, schedules the reminder the day before, and invites everyone on
// the body's roll now (Invitees), each told in their own language.
//
// The meeting and its invitations are two transactions of the mechanism;
// inviting is idempotent, so InviteMembers repairs a meeting whose second
// step failed.
func (s *Service) ScheduleMeeting(ctx context.Context, bodyID uuid.UUID, in MeetingInput) (*Meeting, error) {
	g, err := s.meetings.Create(ctx, bodyID, in.gathering())
	if err != nil {
		return nil, err
	}
	return s.InviteMembers(ctx, g.ID)
}

// InviteMembers invites to meeting id everyone on its body's roll now who
// is not invited yet (ActManage); see ScheduleMeeting.
func (s *Service) InviteMembers(ctx context.Context, id uuid.UUID) (*Meeting, error) {
	g, err := s.meetings.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	accounts, err := Invitees(ctx, s.pool, g.OwnerID, s.now())
	if err != nil {
		return nil, err
	}
	if len(accounts) > 0 {
		if _, err := s.meetings.Invite(ctx, id, accounts); err != nil {
			return nil, err
		}
	}
	return s.Meeting(ctx, id)
}

// Invitees are the accounts invited to a body's meetings at time at: the
// person of every membership active then, and every delegate (main and
// substitute) of an organisation member then, guests and observers
// included, deleted accounts not.
func Invitees(ctx context.Context, q db.Querier, bodyID uuid.UUID, at time.Time) ([]uuid.UUID, error) {
	rows, err := q.Query(ctx, `select distinct coalesce(d.account_id, m.account_id)
		from dialogue_members m
		left join dialogue_delegates d on d.member_id = m.id and `+delegateAt("d", "$2")+`
		join accounts a on a.id = coalesce(d.account_id, m.account_id) and a.deleted_at is null
		where m.body_id = $1 and `+activeAt("m", "$2")+` order by 1`, bodyID, at)
	if err != nil {
		return nil, fmt.Errorf("read invitees: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("read invitees: %w", err)
	}
	return ids, nil
}

// UpdateMeeting replaces a meeting's details before it starts; invitees and
// registrants are told of a new time or place.
func (s *Service) UpdateMeeting(ctx context.Context, id uuid.UUID, in MeetingInput) (*Meeting, error) {
	if _, err := s.meetings.Update(ctx, id, in.gathering()); err != nil {
		return nil, err
	}
	return s.Meeting(ctx, id)
}

// CancelMeeting cancels a meeting before it starts, with a public reason;
// everyone on its roll is told.
func (s *Service) CancelMeeting(ctx context.Context, id uuid.UUID, reason string) (*Meeting, error) {
	if _, err := s.meetings.Cancel(ctx, id, reason); err != nil {
		return nil, err
	}
	return s.Meeting(ctx, id)
}

// RegisterForMeeting takes a public seat at a public body's meeting (a
// confirmed account) before it starts; see gathering.Service.Register.
func (s *Service) RegisterForMeeting(ctx context.Context, id uuid.UUID) (*Meeting, error) {
	if _, err := s.meetings.Register(ctx, id); err != nil {
		return nil, err
	}
	return s.Meeting(ctx, id)
}

// Meeting returns meeting id if the caller may see its body (NOT_FOUND
// otherwise).
func (s *Service) Meeting(ctx context.Context, id uuid.UUID) (*Meeting, error) {
	g, err := s.meetings.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	b, err := s.Body(ctx, g.OwnerID)
	if errors.Is(err, apperr.ErrNotFound) {
		b, err = s.guestBody(ctx, g.OwnerID, id)
	}
	if err != nil {
		return nil, err
	}
	return &Meeting{Gathering: *g, BodyID: b.ID, body: b}, nil
}

// Meetings lists the meetings of a body the caller may see, cancelled ones
// included, by start time: first of them after the cursor after.
func (s *Service) Meetings(ctx context.Context, bodyID uuid.UUID, first int, after string) (page.Page[*Meeting], error) {
	b, err := s.Body(ctx, bodyID)
	if err != nil {
		return page.Page[*Meeting]{}, err
	}
	p, err := s.meetings.Page(ctx, bodyID, first, after)
	if err != nil {
		return page.Page[*Meeting]{}, err
	}
	return page.Map(p, func(g *gathering.Gathering) *Meeting { return &Meeting{Gathering: *g, BodyID: b.ID, body: b} }), nil
}

// MeetingCursor is the meeting's position in its body's Meetings.
func (s *Service) MeetingCursor(m *Meeting) string { return s.meetings.Cursor(&m.Gathering) }

// MeetingActions are what the caller may do with a meeting (viewerCan),
// decided by the checks that enforce them.
type MeetingActions struct {
	Manage, Register, Speak bool
}

// MeetingActions returns what the caller may do with m.
func (s *Service) MeetingActions(ctx context.Context, m *Meeting) (MeetingActions, error) {
	if authz.SubjectFrom(ctx).Anonymous() || m.CancelledAt != nil || m.body.Status != StatusActive {
		return MeetingActions{}, nil
	}
	member, err := s.memberNow(ctx, s.pool, m.BodyID)
	if err != nil {
		return MeetingActions{}, err
	}
	obj := meetingObject(m.body, member, m.ID)
	speak, err := s.maySpeak(ctx, s.pool, m, authz.SubjectFrom(ctx).AccountID)
	if err != nil {
		return MeetingActions{}, err
	}
	return MeetingActions{
		Manage:   authz.Can(ctx, ActManageMeeting, obj),
		Register: m.body.Public && !m.ViewerInvited && s.now().Before(m.StartsAt) && authz.Can(ctx, string(gathering.ActRegister), obj),
		Speak:    speak,
	}, nil
}

// IssueCheckinCode issues the meeting's check-in code (staff).
func (s *Service) IssueCheckinCode(ctx context.Context, id uuid.UUID) (*gathering.CheckinCode, error) {
	return s.meetings.IssueCheckinCode(ctx, id)
}

// CheckIn checks the caller in to a meeting with the room's code.
func (s *Service) CheckIn(ctx context.Context, id uuid.UUID, code string) (*gathering.Presence, error) {
	return s.meetings.CheckIn(ctx, id, code)
}

// RecordAttendance records account present at a meeting in mode
// (gathering.InPerson or gathering.Remote), by staff.
func (s *Service) RecordAttendance(ctx context.Context, id, account uuid.UUID, mode string) (*gathering.Presence, error) {
	return s.meetings.MarkPresent(ctx, id, account, mode)
}

// RecordDeparture records that account left a meeting, by staff.
func (s *Service) RecordDeparture(ctx context.Context, id, account uuid.UUID) (*gathering.Presence, error) {
	return s.meetings.MarkLeft(ctx, id, account)
}

// Attendance is who is present at meeting m now, by arrival, for its staff
// (ActManage); nil for everyone else, who see the counts and the quorum.
func (s *Service) Attendance(ctx context.Context, m *Meeting) ([]*gathering.Presence, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, nil
	}
	member, err := s.memberNow(ctx, s.pool, m.BodyID)
	if err != nil {
		return nil, err
	}
	if !authz.Can(ctx, ActManageMeeting, meetingObject(m.body, member, m.ID)) {
		return nil, nil
	}
	return s.meetings.Present(ctx, s.pool, m.ID)
}

// syncInvitations brings the rolls of body bodyID's upcoming meetings (not
// cancelled, not started) in line with its memberships now (Invitees), in
// the caller's transaction, with the body locked: new members and delegates
// are invited and told, those whose membership or delegation ended are
// taken off. The membership code calls it after every change of who sits
// in the body; meetings under way and past keep their roll.
func (s *Service) syncInvitations(ctx context.Context, tx *db.Tx, bodyID uuid.UUID) error {
	rows, err := tx.Query(ctx, `select id from gatherings where kind = $1 and owner_id = $2 and cancelled_at is null
		and starts_at > $3 order by starts_at, id`, MeetingGatheringKind, bodyID, s.now())
	if err != nil {
		return fmt.Errorf("upcoming meetings: %w", err)
	}
	upcoming, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil || len(upcoming) == 0 {
		return err
	}
	want, err := Invitees(ctx, tx, bodyID, s.now())
	if err != nil {
		return err
	}
	for _, id := range upcoming {
		// Guests invited by hand are not the body's roll: left alone.
		rows, err := tx.Query(ctx, `select account_id from gathering_invitations i where gathering_id = $1
			and not exists (select from dialogue_meeting_guests g where g.meeting_id = i.gathering_id and g.account_id = i.account_id)`, id)
		if err != nil {
			return fmt.Errorf("read invitations: %w", err)
		}
		have, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return fmt.Errorf("read invitations: %w", err)
		}
		var add, drop []uuid.UUID
		for _, a := range have {
			if !slices.Contains(want, a) {
				drop = append(drop, a)
			}
		}
		for _, a := range want {
			if !slices.Contains(have, a) {
				add = append(add, a)
			}
		}
		if len(add) > 0 {
			if _, err := s.meetings.InviteTx(ctx, tx, id, add); err != nil {
				return err
			}
		}
		if len(drop) > 0 {
			if _, err := s.meetings.UninviteTx(ctx, tx, id, drop); err != nil {
				return err
			}
		}
	}
	return nil
}

// MeetingVisibility returns the check of whether a caller may see meeting
// m, for live streams that re-decide on every change of grants: the body's
// read rule, with the body's own domain (the body roles of authz, reloaded
// when terms end), without a database read; only for a caller it refuses
// who was a guest invited by hand when the check was made, one read of
// whether they still are (withdrawing a guest re-decides, as a change of
// grants does).
func (s *Service) MeetingVisibility(m *Meeting) func(ctx context.Context) bool {
	obj := meetingObject(m.body, true, m.ID)
	return func(ctx context.Context) bool {
		if authz.Can(ctx, ActRead, obj) {
			return true
		}
		guest, err := s.isGuest(ctx, s.pool, m.ID)
		return err == nil && guest
	}
}
