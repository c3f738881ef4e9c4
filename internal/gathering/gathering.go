// Package gathering is the one mechanism of meetings that people register
// for: consultation meetings, civic-budget information sessions and the
// meetings of dialogue bodies. It owns the tables gatherings and
// gathering_registrations and everything that is the same whatever the
// domain: capacity, registration, the waiting list in arrival order,
// promotion when a seat frees, withdrawal, attendance, minutes, River
// reminders, and the notices of a promotion, a reminder, a new time or place
// and a cancellation. Opt-in per kind (the meetings of dialogue bodies):
// invitations (gathering_invitations), and presence as current state with
// times (gathering_presence): self check-in with a code shown in the room,
// staff recording people present in person or remotely and leaving, and the
// roll of who is present now (invitations.go, presence.go).
//
// A domain builds one Service for its kind of gathering with a Config: its
// owner hook (who may do what, its phases, what a gathering belongs to), its
// input rules, its errors and message keys, its notice kinds and its
// reminder job. Its API stays its own on top of the Service.
//
// Visibility: Get, List and Page read without checking who may see the
// owner; the domain checks its owner first (a gathering is visible exactly
// where its owner is). Every change goes through the owner hook.
package gathering

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
	"github.com/otwarty/otwarty/internal/page"
)

// Act is what the caller does to a gathering, as asked of the owner hook.
type Act string

const (
	// ActRead is seeing the gathering (withdrawing a registration needs no more).
	ActRead Act = "read"
	// ActRegister is registering for it.
	ActRegister Act = "register"
	// ActManage is creating, changing, cancelling it, recording attendance,
	// publishing minutes and listing registrations.
	ActManage Act = "manage"
)

// Presence modes: how someone attends.
const (
	InPerson = "in_person"
	Remote   = "remote"
)

// Registration statuses. A seat is held only by Registered; the waiting
// list is Waitlisted in arrival order.
const (
	Registered = "registered"
	Waitlisted = "waitlisted"
	Cancelled  = "cancelled"
)

const (
	// MaxCapacity is the largest number of seats.
	MaxCapacity = 100000
	// ReminderBefore is how long before the start the reminder is sent.
	ReminderBefore = 24 * time.Hour
	// MinReasonRunes is the shortest public reason of a cancellation.
	MinReasonRunes = 10
	// CheckinOpensBefore is how long before the start presence can be
	// recorded (and the check-in code is valid); it can until the end.
	CheckinOpensBefore = 30 * time.Minute
	// MaxInvitees is the most accounts one Invite or Uninvite takes.
	MaxInvitees = 1000
	// MaxCheckinFailures is how many wrong codes a person may enter against
	// one check-in code before CheckIn refuses them.
	MaxCheckinFailures = 5
)

// Warsaw is the zone of {when} in notices (i18n.Warsaw).
var Warsaw = i18n.Warsaw

// Gathering is one gathering with the counts of its registrations.
type Gathering struct {
	ID      uuid.UUID
	OwnerID uuid.UUID
	// Format is the domain's own sub-kind (a consultation's meeting or
	// workshop); the mechanism does not read it.
	Format            string
	TitleTextID       uuid.UUID
	DescriptionTextID *uuid.UUID
	StartsAt, EndsAt  time.Time
	Place             string // an address (or where to join an online gathering); may be ""
	OnlineURL         string // https; "" for none
	Online            bool   // held online
	Languages         []string
	Capacity          *int // nil: unlimited
	MinutesTextID     *uuid.UUID
	MinutesAt         *time.Time
	CancelledAt       *time.Time
	CancelReason      string
	CreatedBy         uuid.UUID // zero when the account is gone
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Registered        int // seats taken
	Waitlisted        int
	// Attended counts people recorded as having attended: registered people
	// marked as present (by RecordAttendance or presence), and everyone else
	// with presence recorded (invitees).
	Attended int
	Invited  int // people invited (on the roll without a seat)
	// WalkIns counts people who attended without registering (recorded with
	// the attendance, not named); Organisations are the organisations
	// recorded as present.
	WalkIns       int
	Organisations []uuid.UUID
	Present       int // people present now (open stays)
	// Viewer is the reading account's registration status ("" for none).
	Viewer string
	// ViewerInvited says whether the reading account is invited.
	ViewerInvited bool
}

// SeatsLeft is the number of free seats, or -1 when unlimited.
func (g *Gathering) SeatsLeft() int {
	if g.Capacity == nil {
		return -1
	}
	return max(*g.Capacity-g.Registered, 0)
}

// Registration is one person's registration.
type Registration struct {
	GatheringID uuid.UUID
	AccountID   uuid.UUID
	DisplayName string // "" for a deleted account
	Status      string // Registered, Waitlisted or Cancelled
	// QueuePosition is the place on the waiting list (1 is next), 0 when not
	// waitlisted.
	QueuePosition int
	Attended      *bool // nil until attendance is recorded
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Input describes a gathering. Description.Text "" means none; Capacity nil
// means unlimited.
type Input struct {
	Title            i18n.Input
	Description      i18n.Input
	Format           string
	StartsAt, EndsAt time.Time
	Place, OnlineURL string
	Online           bool
	Languages        []string
	Capacity         *int
}

// Owner is what the owner hook tells the mechanism about the owner of a
// gathering: whether the caller may see it and the object an act is checked
// on, which the mechanism decides in authz.For's order, and, once the caller
// may act, the domain's state.
type Owner struct {
	ID uuid.UUID
	// Visible says whether the caller may see the owner (the domain's read
	// rule); the gatherings of an owner the caller may not see are NOT_FOUND.
	Visible bool
	// Object is the object the act is checked on (the owner, or for
	// ActRegister the gathering within it).
	Object authz.Object
	// TextDomains are the authorization domains of texts written for the
	// owner's gatherings (titles, descriptions, minutes).
	TextDomains []string
	// Closed is the domain's error while gatherings may not be created or
	// changed (its phase is over); nil when they may.
	Closed error
	// RegistrationClosed is the domain's error while nobody may register;
	// nil when registration is open.
	RegistrationClosed error
}

// Querier is a pool or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Config is a domain's kind of gathering. Kind, Owner, Validate and
// Reminder are required.
type Config struct {
	// Kind is stored in gatherings.kind ("consultation_meeting").
	Kind string
	// Owner locks the owner ownerID in tx (shared, so that the domain's phase
	// changes wait for gatherings being changed, and they for it) and
	// describes it for act on gathering (uuid.Nil when creating one); it
	// does not decide: the mechanism refuses anonymous callers first, then
	// answers NOT_FOUND when the owner is not Visible and FORBIDDEN when act
	// on Object is not allowed. It is called before the gathering row is
	// locked.
	Owner func(ctx context.Context, tx pgx.Tx, ownerID, gathering uuid.UUID, act Act) (*Owner, error)
	// Validate checks and normalises the domain's own fields of an input
	// (title, description, place, link, format) with its own errors; the
	// mechanism then checks times, languages and capacity.
	Validate func(in Input) (Input, error)
	// ValidateMinutes checks minutes (default: a valid locale and a body).
	ValidateMinutes func(minutes i18n.Input) (i18n.Input, error)
	// Reminder is the River job of a reminder of gathering id starting at
	// startsAt: NewReminder[J] of the domain's Job J, whose worker is
	// ReminderWorker[J].
	Reminder func(id uuid.UUID, startsAt time.Time) river.JobArgs
	// Changed is called in the transaction of every change of a gathering,
	// its registrations, invitations and presence (optional): live events.
	Changed func(ctx context.Context, tx pgx.Tx, g *Gathering) error
	// Invitations lets the domain put accounts on a gathering's roll
	// (Invite, InviteTx); off, they are refused.
	Invitations bool
	// Presence, when set, records presence as current state (CheckIn,
	// MarkPresent, MarkLeft, IssueCheckinCode, Present); nil: off.
	Presence *PresenceRules
	// Errors are the domain's errors of the mechanism's rules; a nil one is
	// the mechanism's own (gathering.* message keys).
	Errors Errors
	// Notices are the notice kinds sent to registrants; "" sends none.
	Notices Notices
	// Names are the domain's names in notices and audit entries.
	Names Names
}

// Errors are a domain's errors for the mechanism's rules, so that its API
// keeps its own codes and message keys. Capacity, Languages and
// CapacityBelowRegistered get details added ({max}, {language},
// {registered}); ReasonRequired gets {min}.
type Errors struct {
	Cancelled, Started, NotStarted, NotEnded                       *apperr.Error
	StartsInPast, EndsBeforeStart, Languages, Capacity             *apperr.Error
	CapacityBelowRegistered, ReasonRequired, AttendeeNotRegistered *apperr.Error
	// Of invitations and presence: Ended (PHASE_CLOSED) once a gathering is
	// over; Invited (CONFLICT) when an invitee registers; InviteeUnknown
	// (INVALID_INPUT accounts) for an account that does not exist;
	// NotOnRoll (FORBIDDEN) for a self check-in of someone neither invited
	// nor holding a seat, AttendeeNotOnRoll (INVALID_INPUT account) for staff
	// recording such a person; CheckinClosed (PHASE_CLOSED) outside the
	// window or before a code is issued; CheckinCode (INVALID_INPUT code) for
	// a wrong or replaced code, CheckinAttempts (RATE_LIMITED) after
	// MaxCheckinFailures of them; Mode and RemoteNotAllowed (INVALID_INPUT
	// mode).
	Ended, Invited, InviteeUnknown, NotOnRoll, AttendeeNotOnRoll        *apperr.Error
	CheckinClosed, CheckinCode, CheckinAttempts, Mode, RemoteNotAllowed *apperr.Error
}

// Notices are the notice kinds of a domain (catalog keys of notify). The
// dedupe key of each notice starts with its kind. Reminder, Moved and
// Cancelled reach invitees too; Invited is sent to each new invitee.
type Notices struct {
	Promoted, Reminder, Moved, Cancelled, Invited string
}

// Names name a domain's gatherings outside the mechanism.
type Names struct {
	// Object is the audit object type ("meeting").
	Object string
	// Action prefixes audit actions ("meeting." gives "meeting.create").
	Action string
	// OwnerKey and IDKey are the keys of the owner's and the gathering's ids
	// in notice data and audit data ("consultation_id", "meeting_id").
	OwnerKey, IDKey string
}

// Service is the mechanism for one kind of gathering.
type Service struct {
	pool   *pgxpool.Pool
	river  *river.Client[pgx.Tx] // inserts in the caller's transaction
	notify *notify.Service
	log    *slog.Logger
	now    func() time.Time
	cfg    Config
}

// New returns the Service of cfg's kind. rc inserts reminder jobs (InsertTx);
// ns may be nil (no notices); now is the domain's clock.
func New(pool *pgxpool.Pool, rc *river.Client[pgx.Tx], ns *notify.Service, log *slog.Logger, now func() time.Time, cfg Config) *Service {
	if cfg.Kind == "" || cfg.Owner == nil || cfg.Validate == nil || cfg.Reminder == nil {
		panic("gathering: Config needs Kind, Owner, Validate and Reminder")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &cfg.Errors
	for _, d := range []struct {
		err **apperr.Error
		def *apperr.Error
	}{
		{&e.Cancelled, apperr.New(apperr.Conflict, "gathering.cancelled")},
		{&e.Started, apperr.New(apperr.PhaseClosed, "gathering.started")},
		{&e.NotStarted, apperr.New(apperr.PhaseClosed, "gathering.not_started")},
		{&e.NotEnded, apperr.New(apperr.PhaseClosed, "gathering.not_ended")},
		{&e.StartsInPast, apperr.Invalid("startsAt", "gathering.starts_in_past")},
		{&e.EndsBeforeStart, apperr.Invalid("endsAt", "gathering.ends_before_start")},
		{&e.Languages, apperr.Invalid("languages", "gathering.languages_invalid")},
		{&e.Capacity, apperr.Invalid("capacity", "gathering.capacity_invalid")},
		{&e.CapacityBelowRegistered, apperr.Invalid("capacity", "gathering.capacity_below_registered")},
		{&e.ReasonRequired, apperr.Invalid("reason", "gathering.reason_required")},
		{&e.AttendeeNotRegistered, apperr.Invalid("attended", "gathering.attendee_not_registered")},
		{&e.Ended, apperr.New(apperr.PhaseClosed, "gathering.ended")},
		{&e.Invited, apperr.New(apperr.Conflict, "gathering.invited")},
		{&e.InviteeUnknown, apperr.Invalid("accounts", "gathering.invitee_unknown")},
		{&e.NotOnRoll, apperr.New(apperr.Forbidden, "gathering.not_on_roll")},
		{&e.AttendeeNotOnRoll, apperr.Invalid("account", "gathering.attendee_not_on_roll")},
		{&e.CheckinClosed, apperr.New(apperr.PhaseClosed, "gathering.checkin_closed")},
		{&e.CheckinCode, apperr.Invalid("code", "gathering.checkin_code_wrong")},
		{&e.CheckinAttempts, apperr.New(apperr.RateLimited, "gathering.checkin_attempts")},
		{&e.Mode, apperr.Invalid("mode", "gathering.mode_invalid")},
		{&e.RemoteNotAllowed, apperr.Invalid("mode", "gathering.remote_not_allowed")},
	} {
		if *d.err == nil {
			*d.err = d.def
		}
	}
	return &Service{pool: pool, river: rc, notify: ns, log: log, now: now, cfg: cfg}
}

// Kind is the service's kind of gathering.
func (s *Service) Kind() string { return s.cfg.Kind }

// columns take the viewing account as $1.
const columns = `g.id, g.owner_id, g.format, g.title_text_id, g.description_text_id, g.starts_at, g.ends_at,
	g.place, g.online_url, g.online, g.languages, g.capacity, g.minutes_text_id, g.minutes_published_at,
	g.cancelled_at, g.cancel_reason, coalesce(g.created_by, '00000000-0000-0000-0000-000000000000'),
	g.created_at, g.updated_at, n.registered, n.waitlisted, n.attended + m.attended, m.invited, m.present,
	coalesce((select v.status from gathering_registrations v where v.gathering_id = g.id and v.account_id = $1), ''),
	exists (select from gathering_invitations v where v.gathering_id = g.id and v.account_id = $1),
	g.walk_ins, array(select o.organisation_id from gathering_organisations o where o.gathering_id = g.id order by o.organisation_id)`

// from counts registrations (n) and the roll beyond them (m): invitations,
// open stays, and people with presence recorded who hold no seat (a seat
// holder's presence is in its attended mark).
const from = ` from gatherings g
	cross join lateral (select count(*) filter (where r.status = 'registered') as registered,
		count(*) filter (where r.status = 'waitlisted') as waitlisted,
		count(*) filter (where r.status = 'registered' and r.attended) as attended
		from gathering_registrations r where r.gathering_id = g.id) n
	cross join lateral (select
		(select count(*) from gathering_invitations i where i.gathering_id = g.id) as invited,
		(select count(*) from gathering_presence p where p.gathering_id = g.id and p.left_at is null) as present,
		(select count(distinct p.account_id) from gathering_presence p where p.gathering_id = g.id and not exists
			(select from gathering_registrations r where r.gathering_id = g.id and r.account_id = p.account_id
				and r.status = 'registered')) as attended) m`

func scan(row pgx.Row) (*Gathering, error) {
	var g Gathering
	err := row.Scan(&g.ID, &g.OwnerID, &g.Format, &g.TitleTextID, &g.DescriptionTextID, &g.StartsAt, &g.EndsAt,
		&g.Place, &g.OnlineURL, &g.Online, &g.Languages, &g.Capacity, &g.MinutesTextID, &g.MinutesAt,
		&g.CancelledAt, &g.CancelReason, &g.CreatedBy, &g.CreatedAt, &g.UpdatedAt,
		&g.Registered, &g.Waitlisted, &g.Attended, &g.Invited, &g.Present, &g.Viewer, &g.ViewerInvited,
		&g.WalkIns, &g.Organisations)
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// load reads gathering id of the service's kind with viewer's status.
func (s *Service) load(ctx context.Context, q Querier, id, viewer uuid.UUID) (*Gathering, error) {
	g, err := scan(q.QueryRow(ctx, `select `+columns+from+` where g.id = $2 and g.kind = $3`, viewer, id, s.cfg.Kind))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load gathering: %w", err)
	}
	return g, nil
}

// Get reads gathering id with the caller's registration status (Viewer);
// NOT_FOUND when there is none of this kind. It does not check visibility.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Gathering, error) {
	return s.load(ctx, s.pool, id, authz.SubjectFrom(ctx).AccountID)
}

// List returns the gatherings of owners by start time, cancelled ones
// included, in one query whatever the number of owners. It does not check
// visibility.
func (s *Service) List(ctx context.Context, owners []uuid.UUID) (map[uuid.UUID][]*Gathering, error) {
	out := map[uuid.UUID][]*Gathering{}
	if len(owners) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `select `+columns+from+` where g.kind = $2 and g.owner_id = any($3)
		order by g.owner_id, g.starts_at, g.id`, authz.SubjectFrom(ctx).AccountID, s.cfg.Kind, owners)
	if err != nil {
		return nil, fmt.Errorf("list gatherings: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Gathering, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("list gatherings: %w", err)
	}
	for _, g := range list {
		out[g.OwnerID] = append(out[g.OwnerID], g)
	}
	return out, nil
}

// position is the keyset position of a gathering in its owner's list.
type position struct {
	StartsAt time.Time `json:"s"`
	ID       uuid.UUID `json:"i"`
}

func (p position) Valid() bool { return p.ID != uuid.Nil }

// Cursor is g's position in a Page of its owner's gatherings.
func (s *Service) Cursor(g *Gathering) string {
	return page.Cursor(s.cfg.Kind, position{StartsAt: g.StartsAt, ID: g.ID})
}

// Page returns first gatherings of owner by start time after the cursor
// after ("" for the first page), cancelled ones included. It does not check
// visibility.
func (s *Service) Page(ctx context.Context, owner uuid.UUID, first int, after string) (page.Page[*Gathering], error) {
	var p page.Page[*Gathering]
	if err := page.Check(first); err != nil {
		return p, err
	}
	var at position
	hasAfter, err := page.After(s.cfg.Kind, after, &at)
	if err != nil {
		return p, err
	}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from gatherings where kind = $1 and owner_id = $2`, s.cfg.Kind, owner).
		Scan(&total); err != nil {
		return p, fmt.Errorf("count gatherings: %w", err)
	}
	if first == 0 {
		return page.Of([]*Gathering{}, 0, total), nil
	}
	rows, err := s.pool.Query(ctx, `select `+columns+from+` where g.kind = $2 and g.owner_id = $3
		and (not $4::boolean or (g.starts_at, g.id) > ($5, $6)) order by g.starts_at, g.id limit $7`,
		authz.SubjectFrom(ctx).AccountID, s.cfg.Kind, owner, hasAfter, at.StartsAt, at.ID, first+1)
	if err != nil {
		return p, fmt.Errorf("page gatherings: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Gathering, error) { return scan(r) })
	if err != nil {
		return p, fmt.Errorf("page gatherings: %w", err)
	}
	return page.Of(list, first, total), nil
}

// Held counts the held (not cancelled) gatherings of kind of owner and the
// people recorded as having attended them (as Gathering.Attended).
func Held(ctx context.Context, q Querier, kind string, owner uuid.UUID) (held, attended int, err error) {
	err = q.QueryRow(ctx, `select
			(select count(*) from gatherings where kind = $1 and owner_id = $2 and cancelled_at is null),
			(select count(*) from gathering_registrations r join gatherings g on g.id = r.gathering_id
			  where g.kind = $1 and g.owner_id = $2 and g.cancelled_at is null and r.attended)
			+ (select count(*) from (select distinct p.gathering_id, p.account_id from gathering_presence p
				join gatherings g on g.id = p.gathering_id
				where g.kind = $1 and g.owner_id = $2 and g.cancelled_at is null and not exists
				(select from gathering_registrations r where r.gathering_id = p.gathering_id and r.account_id = p.account_id
					and r.status = 'registered')) x)`, kind, owner).
		Scan(&held, &attended)
	if err != nil {
		return 0, 0, fmt.Errorf("held gatherings: %w", err)
	}
	return held, attended, nil
}
