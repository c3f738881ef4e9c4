package dialogue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/page"
)

// Role is a member's role in a body.
type Role string

const (
	RoleChair       Role = "chair"
	RoleDeputyChair Role = "deputy_chair"
	RoleSecretary   Role = "secretary"
	RoleMember      Role = "member"
	// RoleGuest speaks, never votes.
	RoleGuest Role = "guest"
	// RoleObserver never votes.
	RoleObserver Role = "observer"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	switch r {
	case RoleChair, RoleDeputyChair, RoleSecretary, RoleMember, RoleGuest, RoleObserver:
		return true
	}
	return false
}

// Votes reports whether the role carries a vote: every role but guest and
// observer.
func (r Role) Votes() bool { return r.Valid() && r != RoleGuest && r != RoleObserver }

// EndReason is why a membership ended.
type EndReason string

const (
	EndTermEnded      EndReason = "term_ended"
	EndResigned       EndReason = "resigned"
	EndRemoved        EndReason = "removed"
	EndBodyDissolved  EndReason = "body_dissolved"
	EndAccountDeleted EndReason = "account_deleted"
)

// DelegateKind says whether a delegate is a main one or the substitute.
type DelegateKind string

const (
	DelegateMain       DelegateKind = "main"
	DelegateSubstitute DelegateKind = "substitute"
)

// Delegate is an account representing an organisation member.
type Delegate struct {
	AccountID   uuid.UUID
	DisplayName *string // nil for a deleted account
	Kind        DelegateKind
	Since       time.Time
}

// Member is one appointment to a body, for a term.
type Member struct {
	ID     uuid.UUID
	BodyID uuid.UUID
	// A person member: AccountID (DisplayName nil once the account is
	// deleted); an organisation member: OrganisationID and Delegates.
	AccountID      *uuid.UUID
	DisplayName    *string
	OrganisationID *uuid.UUID
	Role           Role
	TermStart      time.Time
	TermEnd        *time.Time // nil: open-ended (guests and observers only)
	// EndedAt and EndReason as recorded; End says how things stand now.
	EndedAt   *time.Time
	EndReason *EndReason
	// Delegates are the current delegates, main ones first (organisation
	// members only).
	Delegates []Delegate
	CreatedAt time.Time
}

// End returns when and why the membership ended as of now (nil, "" while
// it runs or has not begun): as recorded, or the term's end once passed even
// before the job has marked it.
func (m *Member) End(now time.Time) (*time.Time, EndReason) {
	if m.EndedAt != nil && !m.EndedAt.After(now) {
		return m.EndedAt, *m.EndReason
	}
	if m.TermEnd != nil && !m.TermEnd.After(now) {
		return m.TermEnd, EndTermEnded
	}
	return nil, ""
}

// ActiveAt reports whether the membership is active at t.
func (m *Member) ActiveAt(t time.Time) bool {
	end, _ := m.End(t)
	return !m.TermStart.After(t) && end == nil
}

// Cursor is m's position in Members.
func (m *Member) Cursor() string {
	return page.Cursor("dialogue_members", page.Key{At: m.TermStart, ID: m.ID})
}

// DelegateInput names one delegate of an organisation member.
type DelegateInput struct {
	AccountID  uuid.UUID
	Substitute bool
}

// AppointInput appoints a person (AccountID) or an organisation
// (OrganisationID, with Delegates) to a body.
type AppointInput struct {
	BodyID         uuid.UUID
	AccountID      *uuid.UUID
	OrganisationID *uuid.UUID
	Delegates      []DelegateInput
	Role           Role
	// TermStart zero: now. TermEnd is required for voting roles, optional
	// for guests and observers, and must lie ahead.
	TermStart time.Time
	TermEnd   *time.Time
}

// Errors of membership.
var (
	errMemberEnded   = apperr.New(apperr.PhaseClosed, "dialogue.member_ended")
	errAlreadyMember = apperr.New(apperr.Conflict, "dialogue.already_member")
	errChairTaken    = apperr.New(apperr.Conflict, "dialogue.chair_taken")
	errRole          = apperr.Invalid("role", "dialogue.role_invalid")
	errWho           = apperr.Invalid("accountId", "dialogue.member_who")
	errAccount       = apperr.Invalid("accountId", "dialogue.account_invalid")
	errOrganisation  = apperr.Invalid("organisationId", "dialogue.organisation_invalid")
	errTermEndNeeded = apperr.Invalid("termEnd", "dialogue.term_end_required")
	errTermEndBefore = apperr.Invalid("termEnd", "dialogue.term_end_before_start")
	errTermEndPast   = apperr.Invalid("termEnd", "dialogue.term_end_past")
	errDelegates     = apperr.Invalid("delegates", "dialogue.delegates_invalid")
	errDelegateOrg   = apperr.Invalid("delegates", "dialogue.delegate_not_member")
	errPersonNoDeleg = apperr.Invalid("delegates", "dialogue.delegates_person")
	errNotOrgMember  = apperr.Invalid("memberId", "dialogue.not_organisation")
	errReason        = apperr.Invalid("reason", "dialogue.reason_required")
)

// Appoint appoints a person or an organisation to a body for a term
// ("manage_members": the unit's officials, coordinators and admins; the
// body's chair for guests and observers only). The body must be active
// (PHASE_CLOSED otherwise). An organisation names at least one main
// delegate and at most one substitute, each a member of the organisation.
// The same person or organisation cannot hold two memberships of a body
// whose terms overlap, nor two chairs overlap (CONFLICT). The appointee (or
// the organisation's delegates) is notified; a job ends the term when it is
// over. Audited.
func (s *Service) Appoint(ctx context.Context, in AppointInput) (*Member, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	id := uuid.New()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		b, err := s.bodyFor(ctx, tx, in.BodyID, ActManageMembers, true, "role", string(in.Role))
		if err != nil {
			return err
		}
		if b.Status != StatusActive {
			return ErrDissolved
		}
		now := s.now()
		if in.TermStart.IsZero() {
			in.TermStart = now
		}
		// As PostgreSQL keeps them, so that jobs carry the stored times.
		in.TermStart = in.TermStart.Truncate(time.Microsecond)
		if in.TermEnd != nil {
			end := in.TermEnd.Truncate(time.Microsecond)
			in.TermEnd = &end
		}
		if err := validateAppointment(in, now); err != nil {
			return err
		}
		if in.AccountID != nil {
			if err := requireAccount(ctx, tx, *in.AccountID, errAccount); err != nil {
				return err
			}
		} else {
			kind, err := org.KindOf(ctx, tx, *in.OrganisationID)
			if err != nil {
				return err
			}
			if kind == "" || kind == org.KindCityUnit {
				return errOrganisation
			}
			if err := checkDelegates(ctx, tx, *in.OrganisationID, in.Delegates); err != nil {
				return err
			}
		}
		if err := checkOverlaps(ctx, tx, in.BodyID, uuid.Nil, in.AccountID, in.OrganisationID, in.Role, in.TermStart, in.TermEnd); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into dialogue_members (id, body_id, account_id, organisation_id, role, term_start,
				term_end, appointed_by, created_at)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			id, in.BodyID, in.AccountID, in.OrganisationID, in.Role, in.TermStart, in.TermEnd, actor, now); err != nil {
			return fmt.Errorf("insert member: %w", err)
		}
		if err := insertDelegates(ctx, tx, id, in.Delegates, now, actor); err != nil {
			return err
		}
		if in.TermEnd != nil {
			if err := s.scheduleTermEnd(ctx, tx, id, *in.TermEnd); err != nil {
				return err
			}
		}
		if err := s.scheduleTermStart(ctx, tx, id, in.TermStart); err != nil {
			return err
		}
		data := map[string]any{"member_id": id, "role": in.Role, "term_start": in.TermStart, "term_end": in.TermEnd}
		if in.AccountID != nil {
			data["account_id"] = *in.AccountID
		} else {
			data["organisation_id"] = *in.OrganisationID
			data["delegates"] = in.Delegates
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.member_appoint", ObjectType: ObjectType,
			ObjectID: in.BodyID.String(), Data: data}); err != nil {
			return err
		}
		var to []uuid.UUID
		if in.AccountID != nil {
			to = []uuid.UUID{*in.AccountID}
		} else {
			for _, d := range in.Delegates {
				to = append(to, d.AccountID)
			}
		}
		if err := s.notifyAppointed(ctx, tx, b, id, to, in.Role, in.TermStart, in.TermEnd, "appoint"); err != nil {
			return err
		}
		if err := s.syncInvitations(ctx, tx, in.BodyID); err != nil {
			return err
		}
		return s.az.Changed(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return loadMember(ctx, s.pool, id)
}

func validateAppointment(in AppointInput, now time.Time) error {
	if (in.AccountID == nil) == (in.OrganisationID == nil) {
		return errWho
	}
	if !in.Role.Valid() {
		return errRole
	}
	switch {
	case in.TermEnd == nil && in.Role.Votes():
		return errTermEndNeeded
	case in.TermEnd != nil && !in.TermEnd.After(in.TermStart):
		return errTermEndBefore
	case in.TermEnd != nil && !in.TermEnd.After(now):
		return errTermEndPast
	}
	if in.AccountID != nil && len(in.Delegates) > 0 {
		return errPersonNoDeleg
	}
	return nil
}

// requireAccount refuses an account that does not exist or was deleted.
func requireAccount(ctx context.Context, q db.Querier, id uuid.UUID, refusal error) error {
	var ok bool
	if err := q.QueryRow(ctx, `select exists (select 1 from accounts where id = $1 and deleted_at is null)`, id).Scan(&ok); err != nil {
		return fmt.Errorf("read account: %w", err)
	}
	if !ok {
		return refusal
	}
	return nil
}

// checkDelegates: at least one main delegate, at most one substitute, no
// account twice, each a member of the organisation.
func checkDelegates(ctx context.Context, q db.Querier, orgID uuid.UUID, ds []DelegateInput) error {
	mains, subs := 0, 0
	ids := make([]uuid.UUID, 0, len(ds))
	for _, d := range ds {
		if slices.Contains(ids, d.AccountID) {
			return errDelegates
		}
		ids = append(ids, d.AccountID)
		if d.Substitute {
			subs++
		} else {
			mains++
		}
	}
	if mains < 1 || subs > 1 || len(ds) > 10 {
		return errDelegates
	}
	var n int
	err := q.QueryRow(ctx, `select count(*) from organisation_members om join accounts a on a.id = om.account_id
		where om.organisation_id = $1 and om.account_id = any($2) and a.deleted_at is null`, orgID, ids).Scan(&n)
	if err != nil {
		return fmt.Errorf("read delegates: %w", err)
	}
	if n != len(ids) {
		return errDelegateOrg
	}
	return nil
}

func insertDelegates(ctx context.Context, tx *db.Tx, memberID uuid.UUID, ds []DelegateInput, now time.Time, actor uuid.UUID) error {
	for _, d := range ds {
		kind := DelegateMain
		if d.Substitute {
			kind = DelegateSubstitute
		}
		if _, err := tx.Exec(ctx, `insert into dialogue_delegates (member_id, account_id, kind, since, named_by)
			values ($1, $2, $3, $4, $5)`, memberID, d.AccountID, kind, now, actor); err != nil {
			return fmt.Errorf("insert delegate: %w", err)
		}
	}
	return nil
}

// checkOverlaps refuses a membership (other than except) of the same person
// or organisation whose period overlaps [start, end), and a second chair
// overlapping a chair. The body's row is locked by the caller, so two
// appointments cannot both pass.
func checkOverlaps(ctx context.Context, q db.Querier, bodyID, except uuid.UUID, account, org *uuid.UUID, role Role, start time.Time, end *time.Time) error {
	overlap := `m.body_id = $1 and m.id <> $2 and m.term_start < coalesce($4, 'infinity'::timestamptz)
		and coalesce(least(m.term_end, m.ended_at), 'infinity'::timestamptz) > $3`
	var same, chair bool
	err := q.QueryRow(ctx, `select
			exists (select 1 from dialogue_members m where `+overlap+` and (m.account_id = $5 or m.organisation_id = $6)),
			exists (select 1 from dialogue_members m where `+overlap+` and m.role = 'chair')`,
		bodyID, except, start, end, account, org).Scan(&same, &chair)
	if err != nil {
		return fmt.Errorf("read overlapping memberships: %w", err)
	}
	if same {
		return errAlreadyMember
	}
	if chair && role == RoleChair {
		return errChairTaken
	}
	return nil
}

// memberFor loads a membership and its body for act on it (authz.For on the
// body, the member's role as the "role" attribute); a membership of a body
// the caller may not see is NOT_FOUND.
func (s *Service) memberFor(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (*Body, *Member, error) {
	m, err := loadMember(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.bodyFor(ctx, tx, m.BodyID, act, true, "role", string(m.Role))
	if err != nil {
		return nil, nil, err
	}
	return b, m, nil
}

// ChangeRole gives a running membership another role ("manage_members"; the
// chair between guest and observer only). A voting role needs a term end
// (INVALID_INPUT on role); a second chair is CONFLICT; an ended membership
// PHASE_CLOSED. The same role again changes nothing. Audited and notified.
func (s *Service) ChangeRole(ctx context.Context, memberID uuid.UUID, role Role) (*Member, error) {
	return s.changeMember(ctx, memberID, func(tx *db.Tx, b *Body, m *Member, actor uuid.UUID, now time.Time) (bool, error) {
		if !role.Valid() {
			return false, errRole
		}
		// The caller must be allowed to manage the new role as well.
		if _, err := s.bodyFor(ctx, tx, b.ID, ActManageMembers, false, "role", string(role)); err != nil {
			return false, err
		}
		if role == m.Role {
			return false, nil
		}
		if role.Votes() && m.TermEnd == nil {
			return false, apperr.Invalid("role", "dialogue.term_end_required")
		}
		if role == RoleChair {
			if err := checkOverlaps(ctx, tx, b.ID, m.ID, nil, nil, role, m.TermStart, m.TermEnd); err != nil {
				return false, err
			}
		}
		if _, err := tx.Exec(ctx, `update dialogue_members set role = $2 where id = $1`, m.ID, role); err != nil {
			return false, fmt.Errorf("change role: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.member_role_change", ObjectType: ObjectType,
			ObjectID: b.ID.String(), Data: map[string]any{"member_id": m.ID, "role": role, "previous_role": m.Role}}); err != nil {
			return false, err
		}
		return true, s.notifyAppointed(ctx, tx, b, m.ID, m.recipients(), role, m.TermStart, m.TermEnd, "role:"+string(role))
	})
}

// changeMember is the one skeleton of a change to a membership by staff
// (or a chair): in a transaction, the membership and its body for
// "manage_members" (the member's role as the attribute), refused once it
// has ended or the body is dissolved; then change, which reports whether
// it changed anything (the grants are reloaded if so).
func (s *Service) changeMember(ctx context.Context, memberID uuid.UUID,
	change func(tx *db.Tx, b *Body, m *Member, actor uuid.UUID, now time.Time) (bool, error)) (*Member, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		b, m, err := s.memberFor(ctx, tx, memberID, ActManageMembers)
		if err != nil {
			return err
		}
		now := s.now()
		if err := requireRunning(b, m, now); err != nil {
			return err
		}
		changed, err := change(tx, b, m, actor, now)
		if err != nil || !changed {
			return err
		}
		if err := s.syncInvitations(ctx, tx, b.ID); err != nil {
			return err
		}
		return s.az.Changed(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return loadMember(ctx, s.pool, memberID)
}

// recipients are the accounts a membership's notices go to: the person, or
// the organisation's current delegates.
func (m *Member) recipients() []uuid.UUID {
	if m.AccountID != nil {
		return []uuid.UUID{*m.AccountID}
	}
	out := make([]uuid.UUID, 0, len(m.Delegates))
	for _, d := range m.Delegates {
		out = append(out, d.AccountID)
	}
	return out
}

// requireRunning refuses a change to a membership of a dissolved body or
// one that has ended (a membership yet to begin may change).
func requireRunning(b *Body, m *Member, now time.Time) error {
	if b.Status != StatusActive {
		return ErrDissolved
	}
	if end, _ := m.End(now); end != nil {
		return errMemberEnded
	}
	return nil
}

// SetDelegates replaces an organisation member's delegates
// ("manage_members"): the old delegations end now and stay in the history;
// the same delegates again change nothing. INVALID_INPUT on memberId for a
// person member, on delegates as at appointment. Newly named delegates are
// notified. Audited.
func (s *Service) SetDelegates(ctx context.Context, memberID uuid.UUID, ds []DelegateInput) (*Member, error) {
	return s.changeMember(ctx, memberID, func(tx *db.Tx, b *Body, m *Member, actor uuid.UUID, now time.Time) (bool, error) {
		if m.OrganisationID == nil {
			return false, errNotOrgMember
		}
		if err := checkDelegates(ctx, tx, *m.OrganisationID, ds); err != nil {
			return false, err
		}
		if sameDelegates(m.Delegates, ds) {
			return false, nil
		}
		if _, err := tx.Exec(ctx, `update dialogue_delegates set until = $2 where member_id = $1 and until is null`,
			m.ID, now); err != nil {
			return false, fmt.Errorf("end delegations: %w", err)
		}
		if err := insertDelegates(ctx, tx, m.ID, ds, now, actor); err != nil {
			return false, err
		}
		var added []uuid.UUID
		for _, d := range ds {
			if !slices.ContainsFunc(m.Delegates, func(o Delegate) bool { return o.AccountID == d.AccountID }) {
				added = append(added, d.AccountID)
			}
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.delegates_set", ObjectType: ObjectType,
			ObjectID: b.ID.String(), Data: map[string]any{"member_id": m.ID, "delegates": ds}}); err != nil {
			return false, err
		}
		return true, s.notifyAppointed(ctx, tx, b, m.ID, added, m.Role, m.TermStart, m.TermEnd, "delegates:"+now.Format(time.RFC3339Nano))
	})
}

func sameDelegates(cur []Delegate, ds []DelegateInput) bool {
	if len(cur) != len(ds) {
		return false
	}
	for _, d := range ds {
		kind := DelegateMain
		if d.Substitute {
			kind = DelegateSubstitute
		}
		if !slices.ContainsFunc(cur, func(c Delegate) bool { return c.AccountID == d.AccountID && c.Kind == kind }) {
			return false
		}
	}
	return true
}

// Resign ends a membership at the member's own wish: a person resigns
// themself ("resign", owner); an organisation member is withdrawn by the
// organisation's managers (org_manager), not by a delegate, who speaks for
// the organisation in the body but does not decide its membership. An ended
// membership or a dissolved body is PHASE_CLOSED. Audited.
func (s *Service) Resign(ctx context.Context, memberID uuid.UUID) (*Member, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		type pair struct {
			b *Body
			m *Member
		}
		p, err := authz.For(ctx, ActResign, func() (pair, authz.Object, bool, error) {
			m, err := loadMember(ctx, tx, memberID)
			if err != nil {
				return pair{}, authz.Object{}, false, err
			}
			b, err := load(ctx, tx, m.BodyID, true)
			if err != nil {
				return pair{}, authz.Object{}, false, err
			}
			member, err := s.memberNow(ctx, tx, b.ID)
			if err != nil {
				return pair{}, authz.Object{}, false, err
			}
			// The membership is there for whoever may resign it (a manager
			// of a member organisation of a non-public body, say).
			obj := m.resignObject()
			return pair{b, m}, obj, authz.Can(ctx, ActRead, b.object(member)) || authz.Can(ctx, ActResign, obj), nil
		})
		if err != nil {
			return err
		}
		now := s.now()
		if err := requireRunning(p.b, p.m, now); err != nil {
			return err
		}
		if err := endMember(ctx, tx, p.m.ID, now, EndResigned, actor); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.member_resign", ObjectType: ObjectType,
			ObjectID: p.b.ID.String(), Data: map[string]any{"member_id": p.m.ID}}); err != nil {
			return err
		}
		if err := s.syncInvitations(ctx, tx, p.b.ID); err != nil {
			return err
		}
		return s.az.Changed(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return loadMember(ctx, s.pool, memberID)
}

// resignObject is the membership as the object of a resignation: owned by
// the person, or in the domain of the organisation (its managers).
func (m *Member) resignObject() authz.Object {
	obj := authz.Object{Type: membershipType, ID: m.ID.String()}
	if m.AccountID != nil {
		obj.OwnerID = *m.AccountID
	} else {
		obj.Domains = []string{authz.Domain("org", *m.OrganisationID)}
	}
	return obj
}

// MayResign reports whether the caller may resign m now, by the check
// Resign makes (viewerCanResign). A dissolved body's memberships have all
// ended.
func (s *Service) MayResign(ctx context.Context, m *Member) bool {
	return m.ActiveOrAhead(s.now()) && authz.Can(ctx, ActResign, m.resignObject())
}

// ActiveOrAhead reports whether the membership has not ended by t (it runs,
// or is yet to begin).
func (m *Member) ActiveOrAhead(t time.Time) bool {
	end, _ := m.End(t)
	return end == nil
}

// Remove ends a membership early ("manage_members"; the chair for guests
// and observers only), with a reason that is audited. An ended membership
// or a dissolved body is PHASE_CLOSED.
func (s *Service) Remove(ctx context.Context, memberID uuid.UUID, reason string) (*Member, error) {
	return s.changeMember(ctx, memberID, func(tx *db.Tx, b *Body, m *Member, actor uuid.UUID, now time.Time) (bool, error) {
		reason = strings.TrimSpace(reason)
		if len([]rune(reason)) < 3 {
			return false, errReason
		}
		if err := endMember(ctx, tx, m.ID, now, EndRemoved, actor); err != nil {
			return false, err
		}
		return true, audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.member_remove", ObjectType: ObjectType,
			ObjectID: b.ID.String(), Data: map[string]any{"member_id": m.ID, "reason": reason}})
	})
}

// endMember ends one membership at now. A membership yet to begin ends
// where it would have begun, so that its period is empty, never reversed.
func endMember(ctx context.Context, tx *db.Tx, id uuid.UUID, now time.Time, reason EndReason, actor uuid.UUID) error {
	return endOpen(ctx, tx, `id = $1`, []any{id}, now, reason, actor)
}

// endOpen ends, at now, every membership matching where (its arguments
// $1…) that is not over yet.
func endOpen(ctx context.Context, tx *db.Tx, where string, args []any, now time.Time, reason EndReason, actor uuid.UUID) error {
	n := len(args)
	_, err := tx.Exec(ctx, fmt.Sprintf(`update dialogue_members set ended_at = greatest(term_start, $%d), end_reason = $%d,
		ended_by = $%d where `+where+` and ended_at is null and coalesce(term_end > $%d, true)`, n+1, n+2, n+3, n+1),
		append(args, now, reason, nullable(actor))...)
	if err != nil {
		return fmt.Errorf("end memberships: %w", err)
	}
	return nil
}

func nullable(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

const memberColumns = `m.id, m.body_id, m.account_id, case when a.deleted_at is null then a.display_name end,
	m.organisation_id, m.role, m.term_start, m.term_end, m.ended_at, m.end_reason, m.created_at`

const memberFrom = ` from dialogue_members m left join accounts a on a.id = m.account_id`

func scanMember(row pgx.Row) (*Member, error) {
	var m Member
	err := row.Scan(&m.ID, &m.BodyID, &m.AccountID, &m.DisplayName, &m.OrganisationID, &m.Role, &m.TermStart, &m.TermEnd,
		&m.EndedAt, &m.EndReason, &m.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// loadMember reads a membership with its current delegates, unchecked.
func loadMember(ctx context.Context, q db.Querier, id uuid.UUID) (*Member, error) {
	m, err := scanMember(q.QueryRow(ctx, `select `+memberColumns+memberFrom+` where m.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load member: %w", err)
	}
	if err := withDelegates(ctx, q, []*Member{m}); err != nil {
		return nil, err
	}
	return m, nil
}

// withDelegates fills the current delegates of the organisation members.
func withDelegates(ctx context.Context, q db.Querier, ms []*Member) error {
	byID := map[uuid.UUID]*Member{}
	ids := []uuid.UUID{}
	for _, m := range ms {
		if m.OrganisationID != nil {
			byID[m.ID] = m
			ids = append(ids, m.ID)
			m.Delegates = []Delegate{}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, `select d.member_id, d.account_id, case when a.deleted_at is null then a.display_name end,
			d.kind, d.since
		from dialogue_delegates d join accounts a on a.id = d.account_id
		where d.member_id = any($1) and d.until is null
		order by d.member_id, d.kind, d.since, d.account_id`, ids)
	if err != nil {
		return fmt.Errorf("load delegates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var memberID uuid.UUID
		var d Delegate
		if err := rows.Scan(&memberID, &d.AccountID, &d.DisplayName, &d.Kind, &d.Since); err != nil {
			return fmt.Errorf("load delegates: %w", err)
		}
		byID[memberID].Delegates = append(byID[memberID].Delegates, d)
	}
	return rows.Err()
}

// Member returns a membership of a body the caller may see (NOT_FOUND
// otherwise).
func (s *Service) Member(ctx context.Context, id uuid.UUID) (*Member, error) {
	m, err := loadMember(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Body(ctx, m.BodyID); err != nil {
		return nil, err
	}
	return m, nil
}

// Members lists a visible body's memberships in the order their terms began:
// those not ended (running or yet to begin), and with includeEnded the
// whole history. The list is as public as the body.
func (s *Service) Members(ctx context.Context, bodyID uuid.UUID, includeEnded bool, first int, after string) (page.Page[*Member], error) {
	var none page.Page[*Member]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	more, err := page.After("dialogue_members", after, &cur)
	if err != nil {
		return none, err
	}
	if _, err := s.Body(ctx, bodyID); err != nil {
		return none, err
	}
	where := ` where m.body_id = $1 and ($2 or coalesce(least(m.term_end, m.ended_at) > $3, true))`
	args := []any{bodyID, includeEnded, s.now()}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*)`+memberFrom+where, args...).Scan(&total); err != nil {
		return none, fmt.Errorf("count members: %w", err)
	}
	q := `select ` + memberColumns + memberFrom + where
	if more {
		q += ` and (m.term_start, m.id) > ($4, $5)`
		args = append(args, cur.At, cur.ID)
	}
	q += fmt.Sprintf(` order by m.term_start, m.id limit %d`, first+1)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return none, fmt.Errorf("list members: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Member, error) { return scanMember(r) })
	if err != nil {
		return none, fmt.Errorf("list members: %w", err)
	}
	p := page.Of(list, first, total)
	if err := withDelegates(ctx, s.pool, p.Items); err != nil {
		return none, err
	}
	return p, nil
}

// Now is the service's clock (members' End and ActiveAt are read against
// it).
func (s *Service) Now() time.Time { return s.now() }
