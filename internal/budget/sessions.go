package budget

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
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// ActRegisterSession is registering for an information session (policy: confirmed
// accounts). Staff acts on sessions need ActManage on the edition.
const ActRegisterSession = "register"

// Registration statuses of a session. A seat is held only by
// SessionRegistered; the waiting list is SessionWaitlisted in
// arrival order.
const (
	SessionRegistered            = "registered"
	SessionWaitlisted            = "waitlisted"
	SessionRegistrationCancelled = "cancelled"
)

// Limits of session fields.
const (
	MaxSessionTitleRunes       = 300
	MaxSessionDescriptionRunes = 5000
	MaxSessionPlaceRunes       = 500
	MaxSessionCapacity         = 100000
	MinCancelReasonRunes       = 10
	// SessionReminderBefore is how long before the start the reminder goes.
	SessionReminderBefore = 24 * time.Hour
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

// Session is a multilingual information session about an edition (how to
// submit a project, how to vote), with its registration counts.
type Session struct {
	ID                uuid.UUID
	EditionID         uuid.UUID
	TitleTextID       uuid.UUID
	DescriptionTextID *uuid.UUID
	Languages         []string
	StartsAt, EndsAt  time.Time
	Place             string
	Online            bool
	Capacity          *int
	CancelledAt       *time.Time
	CancelReason      string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Registered        int // seats taken
	Waitlisted        int
	// Viewer is the caller's registration status ("" for none).
	Viewer string

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
func (m *Session) Object() authz.Object {
	o := m.editionObject()
	o.Type, o.ID = "budget_session", m.ID.String()
	return o
}

// SeatsLeft is the number of free seats, or -1 for an unlimited session.
func (m *Session) SeatsLeft() int {
	if m.Capacity == nil {
		return -1
	}
	return max(*m.Capacity-m.Registered, 0)
}

// ViewerCan reports what the caller may do with the session.
func (m *Session) ViewerCan(ctx context.Context) (register, manage bool) {
	return authz.Can(ctx, ActRegisterSession, m.Object()), authz.Can(ctx, ActManage, m.editionObject())
}

// sessionColumns take the viewer's account as $1.
const sessionColumns = `s.id, s.edition_id, e.unit_id, e.status, s.title_text_id, s.description_text_id, s.languages,
	s.starts_at, s.ends_at, s.place, s.online, s.capacity, s.cancelled_at, s.cancel_reason, s.created_at, s.updated_at,
	n.registered, n.waitlisted,
	coalesce((select r.status from budget_session_registrations r where r.session_id = s.id and r.account_id = $1), '')`

const sessionFrom = ` from budget_sessions s join budget_editions e on e.id = s.edition_id
	cross join lateral (select count(*) filter (where r.status = 'registered') as registered,
		count(*) filter (where r.status = 'waitlisted') as waitlisted
		from budget_session_registrations r where r.session_id = s.id) n`

func scanSession(row pgx.Row) (*Session, error) {
	var m Session
	err := row.Scan(&m.ID, &m.EditionID, &m.unitID, &m.editionStatus, &m.TitleTextID, &m.DescriptionTextID, &m.Languages,
		&m.StartsAt, &m.EndsAt, &m.Place, &m.Online, &m.Capacity, &m.CancelledAt, &m.CancelReason, &m.CreatedAt, &m.UpdatedAt,
		&m.Registered, &m.Waitlisted, &m.Viewer)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// loadSession reads one session without a visibility check.
func loadSession(ctx context.Context, q db.Querier, id, viewer uuid.UUID) (*Session, error) {
	m, err := scanSession(q.QueryRow(ctx, `select `+sessionColumns+sessionFrom+` where s.id = $2`, viewer, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	return m, nil
}

// Session returns a session whose edition the caller may read.
func (s *Service) Session(ctx context.Context, id uuid.UUID) (*Session, error) {
	m, err := loadSession(ctx, s.pool, id, authz.SubjectFrom(ctx).AccountID)
	if err != nil {
		return nil, err
	}
	if !authz.Can(ctx, ActRead, m.editionObject()) {
		return nil, apperr.ErrNotFound
	}
	return m, nil
}

// SessionCursor is the keyset position of a session in its edition's list.
type SessionCursor struct {
	StartsAt time.Time `json:"s"`
	ID       uuid.UUID `json:"i"`
}

// SessionPage is one page of an edition's sessions.
type SessionPage struct {
	Sessions []*Session
	Total    int
	HasNext  bool
}

// Sessions lists the sessions of an edition the caller may read (a draft's
// only to staff), cancelled ones included, by start time.
func (s *Service) Sessions(ctx context.Context, editionID uuid.UUID, first int, after *SessionCursor) (SessionPage, error) {
	var page SessionPage
	if _, err := s.Edition(ctx, editionID); err != nil {
		return page, err
	}
	if err := s.pool.QueryRow(ctx, `select count(*) from budget_sessions where edition_id = $1`, editionID).
		Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count sessions: %w", err)
	}
	if first == 0 {
		return page, nil
	}
	var from time.Time
	var fromID uuid.UUID
	if after != nil {
		from, fromID = after.StartsAt, after.ID
	}
	rows, err := s.pool.Query(ctx, `select `+sessionColumns+sessionFrom+` where s.edition_id = $2
		and ($3::boolean or (s.starts_at, s.id) > ($4, $5)) order by s.starts_at, s.id limit $6`,
		authz.SubjectFrom(ctx).AccountID, editionID, after == nil, from, fromID, first+1)
	if err != nil {
		return page, fmt.Errorf("list sessions: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Session, error) { return scanSession(r) })
	if err != nil {
		return page, fmt.Errorf("list sessions: %w", err)
	}
	if len(list) > first {
		list, page.HasNext = list[:first], true
	}
	page.Sessions = list
	return page, nil
}

// sessionsAllowed: sessions are planned and changed until the vote is over.
func sessionsAllowed(e *Edition) bool {
	return e.Status != StatusClosed && e.Status != StatusResultsPublished
}

// validateSession checks in and returns it normalised.
func (s *Service) validateSession(in SessionInput) (SessionInput, error) {
	in.Title, in.Description, in.Place = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.Place)
	if !in.Locale.Valid() || string(in.Locale) != strings.ToLower(string(in.Locale)) {
		return in, apperr.Invalid("locale", "budget.session_locale_invalid")
	}
	if in.Title == "" || utf8.RuneCountInString(in.Title) > MaxSessionTitleRunes {
		return in, apperr.Invalid("title", "budget.session_title_invalid").With(map[string]any{"max": MaxSessionTitleRunes})
	}
	if utf8.RuneCountInString(in.Description) > MaxSessionDescriptionRunes {
		return in, apperr.Invalid("description", "budget.session_description_invalid").With(map[string]any{"max": MaxSessionDescriptionRunes})
	}
	langs := []string{}
	for _, l := range in.Languages {
		if !i18n.Locale(l).Valid() || string(i18n.Locale(l)) != strings.ToLower(l) {
			return in, apperr.Invalid("languages", "budget.session_languages_invalid")
		}
		if !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	if len(langs) == 0 {
		return in, apperr.Invalid("languages", "budget.session_languages_invalid")
	}
	in.Languages = langs
	if in.StartsAt.IsZero() || !in.StartsAt.After(s.now()) {
		return in, apperr.Invalid("startsAt", "budget.session_starts_in_past")
	}
	if !in.EndsAt.After(in.StartsAt) {
		return in, apperr.Invalid("endsAt", "budget.session_ends_before_start")
	}
	if in.Place == "" || utf8.RuneCountInString(in.Place) > MaxSessionPlaceRunes {
		return in, apperr.Invalid("place", "budget.session_place_invalid").With(map[string]any{"max": MaxSessionPlaceRunes})
	}
	if in.Capacity != nil && (*in.Capacity < 1 || *in.Capacity > MaxSessionCapacity) {
		return in, apperr.Invalid("capacity", "budget.session_capacity_invalid").With(map[string]any{"max": MaxSessionCapacity})
	}
	return in, nil
}

func sessionTextDomains(e *Edition) []string {
	return []string{Domain(e.ID), authz.Domain("org", e.UnitID)}
}

// CreateSession adds an information session to an edition ("manage") until
// its vote is over, and schedules the reminder.
func (s *Service) CreateSession(ctx context.Context, in SessionInput) (*Session, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	id := uuid.New()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := editionFor(ctx, tx, in.EditionID, ActManage, "for share")
		if err != nil {
			return err
		}
		if !sessionsAllowed(e) {
			return ErrSessionEditionOver
		}
		if in, err = s.validateSession(in); err != nil {
			return err
		}
		title, err := i18n.CreateText(ctx, tx, in.Locale, in.Title, sub.AccountID, sessionTextDomains(e))
		if err != nil {
			return err
		}
		var desc *uuid.UUID
		if in.Description != "" {
			d, err := i18n.CreateText(ctx, tx, in.Locale, in.Description, sub.AccountID, sessionTextDomains(e))
			if err != nil {
				return err
			}
			desc = &d
		}
		if _, err := tx.Exec(ctx, `insert into budget_sessions (id, edition_id, title_text_id, description_text_id, languages,
				starts_at, ends_at, place, online, capacity, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			id, e.ID, title, desc, in.Languages, in.StartsAt, in.EndsAt, in.Place, in.Online, in.Capacity,
			actorOrNil(sub.AccountID)); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		if err := s.scheduleSessionReminder(ctx, tx, id, in.StartsAt); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: sub.AccountID, Action: "budget.session_create",
			ObjectType: "budget_session", ObjectID: id.String(), Data: map[string]any{"edition_id": e.ID.String()}})
	})
	if err != nil {
		return nil, err
	}
	return loadSession(ctx, s.pool, id, sub.AccountID)
}

// sessionTarget loads a session for a change by the caller in tx:
// UNAUTHENTICATED for anonymous callers, NOT_FOUND when the caller may not
// read the edition, FORBIDDEN when it may not do act (ActManage on the
// edition, ActRegisterSession on the session, ActRead to withdraw). Locks: the
// edition (shared, so that phase changes wait), then the session row, which
// serialises every change of its registrations; the session is re-read
// after the lock, so its counts are current.
func (s *Service) sessionTarget(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*Session, *Edition, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return nil, nil, apperr.ErrUnauthenticated
	}
	var editionID uuid.UUID
	err := tx.QueryRow(ctx, `select edition_id from budget_sessions where id = $1`, id).Scan(&editionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load session: %w", err)
	}
	e, err := loadEdition(ctx, tx, editionID, "for share")
	if err != nil {
		return nil, nil, err
	}
	if !authz.Can(ctx, ActRead, e.Object()) {
		return nil, nil, apperr.ErrNotFound
	}
	if _, err := tx.Exec(ctx, `select 1 from budget_sessions where id = $1 for update`, id); err != nil {
		return nil, nil, fmt.Errorf("lock session: %w", err)
	}
	m, err := loadSession(ctx, tx, id, sub.AccountID)
	if err != nil {
		return nil, nil, err
	}
	obj := e.Object()
	if act == ActRegisterSession {
		obj = m.Object()
	}
	if err := authz.Require(ctx, act, obj); err != nil {
		return nil, nil, err
	}
	return m, e, nil
}

// UpdateSession replaces a session's details (every field of in; its
// EditionID is ignored) before it starts. The title and description become
// new texts only when they changed. A new start schedules a new reminder
// (the old one finds the time changed and does nothing); a new time or
// place is told to everyone registered or waiting; more seats promote
// people from the waiting list; fewer seats than are taken is INVALID_INPUT.
func (s *Service) UpdateSession(ctx context.Context, id uuid.UUID, in SessionInput) (*Session, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, e, err := s.sessionTarget(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if m.CancelledAt != nil {
			return ErrSessionCancelled
		}
		if !s.now().Before(m.StartsAt) {
			return ErrSessionStarted
		}
		if !sessionsAllowed(e) {
			return ErrSessionEditionOver
		}
		if in, err = s.validateSession(in); err != nil {
			return err
		}
		if in.Capacity != nil && *in.Capacity < m.Registered {
			return apperr.Invalid("capacity", "budget.session_capacity_below_registered").
				With(map[string]any{"registered": m.Registered})
		}
		title, err := s.sessionText(ctx, tx, &m.TitleTextID, in.Locale, in.Title, actor, e)
		if err != nil {
			return err
		}
		desc, err := s.sessionText(ctx, tx, m.DescriptionTextID, in.Locale, in.Description, actor, e)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update budget_sessions set title_text_id = $2, description_text_id = $3, languages = $4,
				starts_at = $5, ends_at = $6, place = $7, online = $8, capacity = $9, updated_at = now() where id = $1`,
			m.ID, title, desc, in.Languages, in.StartsAt, in.EndsAt, in.Place, in.Online, in.Capacity); err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		if !sameSessionTime(m.StartsAt, in.StartsAt) {
			if err := s.scheduleSessionReminder(ctx, tx, m.ID, in.StartsAt); err != nil {
				return err
			}
		}
		moved := !sameSessionTime(m.StartsAt, in.StartsAt) || !sameSessionTime(m.EndsAt, in.EndsAt) ||
			m.Place != in.Place || m.Online != in.Online
		m.Capacity, m.StartsAt, m.EndsAt, m.Place, m.Online = in.Capacity, in.StartsAt, in.EndsAt, in.Place, in.Online
		if moved {
			data := sessionData(m)
			err := s.tellSessionPeople(ctx, tx, m, notify.KindBudgetSessionMoved, data, func(p uuid.UUID) string {
				return "budget_session_moved:" + m.ID.String() + ":" + p.String() + ":" + data["starts_at"] + ":" + data["where"]
			})
			if err != nil {
				return err
			}
		}
		if err := s.promoteSession(ctx, tx, m); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.session_update",
			ObjectType: "budget_session", ObjectID: m.ID.String(), Data: map[string]any{"edition_id": e.ID.String(), "moved": moved}})
	})
	if err != nil {
		return nil, err
	}
	return loadSession(ctx, s.pool, id, actor)
}

// sessionText returns id when body in locale is already its newest
// original version, nil for an empty body, else a new text.
func (s *Service) sessionText(ctx context.Context, tx *db.Tx, id *uuid.UUID, locale i18n.Locale, body string,
	actor uuid.UUID, e *Edition) (*uuid.UUID, error) {
	if body == "" {
		return nil, nil
	}
	if id != nil {
		var l, b string
		err := tx.QueryRow(ctx, `select locale, body from text_versions where text_id = $1 and is_original
			order by created_at desc limit 1`, *id).Scan(&l, &b)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("read text: %w", err)
		}
		if err == nil && l == string(locale) && b == body {
			return id, nil
		}
	}
	nid, err := i18n.CreateText(ctx, tx, locale, body, actor, sessionTextDomains(e))
	if err != nil {
		return nil, err
	}
	return &nid, nil
}

// CancelSession cancels a session before it starts, with a public reason,
// and tells everyone registered or waiting.
func (s *Service) CancelSession(ctx context.Context, id uuid.UUID, reason string) (*Session, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, e, err := s.sessionTarget(ctx, tx, id, ActManage)
		if err != nil {
			return err
		}
		if m.CancelledAt != nil {
			return ErrSessionCancelled
		}
		if !s.now().Before(m.StartsAt) {
			return ErrSessionStarted
		}
		reason = strings.TrimSpace(reason)
		if utf8.RuneCountInString(reason) < MinCancelReasonRunes {
			return apperr.Invalid("reason", "budget.session_reason_required").With(map[string]any{"min": MinCancelReasonRunes})
		}
		if _, err := tx.Exec(ctx, `update budget_sessions set cancelled_at = $2, cancel_reason = $3, updated_at = now()
			where id = $1`, m.ID, s.now(), reason); err != nil {
			return fmt.Errorf("cancel session: %w", err)
		}
		data := sessionData(m)
		data["reason"] = reason
		if err := s.tellSessionPeople(ctx, tx, m, notify.KindBudgetSessionCancelled, data, func(p uuid.UUID) string {
			return "budget_session_cancelled:" + m.ID.String() + ":" + p.String()
		}); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.session_cancel", ObjectType: "budget_session",
			ObjectID: m.ID.String(), Reason: reason, Data: map[string]any{"edition_id": e.ID.String()}})
	})
	if err != nil {
		return nil, err
	}
	return loadSession(ctx, s.pool, id, actor)
}

// RegisterForSession registers the caller (a confirmed account) for a
// session of a public edition whose vote is not over, before it starts: a
// seat while any remain, else the end of the waiting list. It is
// idempotent. Concurrent registrations queue on the session's row lock, so
// seats and the waiting list follow arrival order exactly.
func (s *Service) RegisterForSession(ctx context.Context, id uuid.UUID) (*Session, error) {
	caller := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, e, err := s.sessionTarget(ctx, tx, id, ActRegisterSession)
		if err != nil {
			return err
		}
		if m.CancelledAt != nil {
			return ErrSessionCancelled
		}
		if m.Viewer == SessionRegistered || m.Viewer == SessionWaitlisted {
			return nil
		}
		if !s.now().Before(m.StartsAt) {
			return ErrSessionStarted
		}
		if e.Status == StatusDraft || !sessionsAllowed(e) {
			return ErrSessionRegistrationClosed
		}
		status := SessionWaitlisted
		if m.SeatsLeft() != 0 {
			status = SessionRegistered
		}
		if _, err := tx.Exec(ctx, `insert into budget_session_registrations (session_id, account_id, status) values ($1, $2, $3)
			on conflict (session_id, account_id) do update set status = excluded.status,
				position = nextval('budget_session_registration_position_seq'), updated_at = clock_timestamp()`,
			m.ID, caller, status); err != nil {
			return fmt.Errorf("register: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return loadSession(ctx, s.pool, id, caller)
}

// CancelSessionRegistration withdraws the caller's registration before the
// session starts; a freed seat goes to the first person waiting, who is
// told. Without a registration nothing changes.
func (s *Service) CancelSessionRegistration(ctx context.Context, id uuid.UUID) (*Session, error) {
	caller := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// Withdrawing needs only to see the session.
		m, _, err := s.sessionTarget(ctx, tx, id, ActRead)
		if err != nil {
			return err
		}
		if m.Viewer != SessionRegistered && m.Viewer != SessionWaitlisted {
			return nil
		}
		if m.CancelledAt != nil {
			return ErrSessionCancelled
		}
		if !s.now().Before(m.StartsAt) {
			return ErrSessionStarted
		}
		if _, err := tx.Exec(ctx, `update budget_session_registrations set status = 'cancelled', updated_at = clock_timestamp()
			where session_id = $1 and account_id = $2`, m.ID, caller); err != nil {
			return fmt.Errorf("cancel registration: %w", err)
		}
		if m.Viewer == SessionRegistered {
			m.Registered--
			return s.promoteSession(ctx, tx, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return loadSession(ctx, s.pool, id, caller)
}

// promoteSession fills m's free seats from the waiting list, first come
// first served, and tells each promoted person. m.Registered must be current.
func (s *Service) promoteSession(ctx context.Context, tx *db.Tx, m *Session) error {
	var limit *int
	if m.Capacity != nil {
		n := m.SeatsLeft()
		if n == 0 {
			return nil
		}
		limit = &n
	}
	rows, err := tx.Query(ctx, `update budget_session_registrations r set status = 'registered', updated_at = clock_timestamp()
		from (select account_id from budget_session_registrations where session_id = $1 and status = 'waitlisted'
			order by position limit $2) w
		where r.session_id = $1 and r.account_id = w.account_id
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
		// withdrawn and promoted again is told again.
		key := fmt.Sprintf("budget_session_promoted:%s:%s:%d", m.ID, p.account, p.position)
		if err := s.tellOutreach(ctx, tx, p.account, notify.KindBudgetSessionPromoted, sessionData(m), key); err != nil {
			return err
		}
	}
	m.Registered += len(list)
	m.Waitlisted -= len(list)
	return nil
}

// tellOutreach sends one notice in-app and by e-mail.
func (s *Service) tellOutreach(ctx context.Context, tx pgx.Tx, account uuid.UUID, kind string, data map[string]string, key string) error {
	if s.notify == nil {
		return nil
	}
	return s.notify.Notify(ctx, tx, notify.Notice{AccountID: account, Kind: kind, Data: data, DedupeKey: key,
		InApp: true, Email: true})
}

// tellSessionPeople tells everyone registered or waiting for m.
func (s *Service) tellSessionPeople(ctx context.Context, tx *db.Tx, m *Session, kind string, data map[string]string,
	key func(uuid.UUID) string) error {
	rows, err := tx.Query(ctx, `select account_id from budget_session_registrations
		where session_id = $1 and status in ('registered', 'waitlisted') order by position`, m.ID)
	if err != nil {
		return fmt.Errorf("session people: %w", err)
	}
	people, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("session people: %w", err)
	}
	for _, p := range people {
		if err := s.tellOutreach(ctx, tx, p, kind, data, key(p)); err != nil {
			return err
		}
	}
	return nil
}

// sessionData are the notice arguments of a session.
func sessionData(m *Session) map[string]string {
	return map[string]string{
		"edition_id": m.EditionID.String(),
		"session_id": m.ID.String(),
		"starts_at":  m.StartsAt.UTC().Format(time.RFC3339),
		"when":       m.StartsAt.In(Warsaw).Format("2006-01-02 15:04"),
		"where":      m.Place,
	}
}

func sameSessionTime(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}

// SessionReminderArgs is a session's reminder, due SessionReminderBefore
// StartsAt. The worker sends it only if the session is not cancelled and
// still starts at StartsAt, so a moved session's old job does nothing.
type SessionReminderArgs struct {
	SessionID uuid.UUID `json:"session_id"`
	StartsAt  time.Time `json:"starts_at"`
}

// Kind is the River job kind.
func (SessionReminderArgs) Kind() string { return JobSessionReminder }

// InsertOpts gives the job a few attempts.
func (SessionReminderArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

func (s *Service) scheduleSessionReminder(ctx context.Context, tx *db.Tx, id uuid.UUID, startsAt time.Time) error {
	opts := &river.InsertOpts{}
	// A session less than a day away is reminded at once.
	if at := startsAt.Add(-SessionReminderBefore); at.After(s.now()) {
		opts.ScheduledAt = at
	}
	if _, err := s.river.InsertTx(ctx, tx.Tx, SessionReminderArgs{SessionID: id, StartsAt: startsAt}, opts); err != nil {
		return fmt.Errorf("schedule session reminder: %w", err)
	}
	return nil
}

type sessionReminderWorker struct {
	river.WorkerDefaults[SessionReminderArgs]
	s *Service
}

func (w *sessionReminderWorker) Work(ctx context.Context, job *river.Job[SessionReminderArgs]) error {
	sent, err := w.s.sendSessionReminders(ctx, job.Args)
	if err != nil {
		return err
	}
	if sent < 0 {
		w.s.log.Info("budget: session reminder is stale", "session", job.Args.SessionID)
	}
	return nil
}

// sendSessionReminders tells every registered (not waiting) person, once
// per person and start time; it returns how many were told, or -1 when the
// job is stale (session gone, cancelled, moved or started).
func (s *Service) sendSessionReminders(ctx context.Context, a SessionReminderArgs) (int, error) {
	sent := -1
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		m, err := loadSession(ctx, tx, a.SessionID, uuid.Nil)
		if errors.Is(err, apperr.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if m.CancelledAt != nil || !sameSessionTime(m.StartsAt, a.StartsAt) || !s.now().Before(m.StartsAt) {
			return nil
		}
		rows, err := tx.Query(ctx, `select account_id from budget_session_registrations
			where session_id = $1 and status = 'registered' order by position`, m.ID)
		if err != nil {
			return fmt.Errorf("session reminder: %w", err)
		}
		people, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return fmt.Errorf("session reminder: %w", err)
		}
		for _, p := range people {
			key := fmt.Sprintf("budget_session_reminder:%s:%s:%d", m.ID, p, m.StartsAt.Unix())
			if err := s.tellOutreach(ctx, tx, p, notify.KindBudgetSessionReminder, sessionData(m), key); err != nil {
				return err
			}
		}
		sent = len(people)
		return nil
	})
	return sent, err
}
