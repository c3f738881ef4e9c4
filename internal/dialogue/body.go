package dialogue

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/page"
	"github.com/otwarty/otwarty/internal/tally"
)

// Errors a caller can hit.
var (
	// ErrDissolved: nothing changes in a dissolved body.
	ErrDissolved = apperr.New(apperr.PhaseClosed, "dialogue.body_dissolved")
	errUnit      = apperr.Invalid("unitId", "dialogue.unit_invalid")
	errKind      = apperr.Invalid("kind", "dialogue.kind_invalid")
	errQuorum    = apperr.Invalid("quorum", "dialogue.quorum_invalid")
	errMajority  = apperr.Invalid("majority", "dialogue.majority_invalid")
)

// RulesPatch changes some of a body's rules; nil fields stay.
type RulesPatch struct {
	Quorum                     *tally.Fraction
	Majority                   *Majority
	ChairBreaksTies            *bool
	RemoteAttendanceCounts     *bool
	VotesChangeableBeforeClose *bool
	DocumentsPublic            *bool
}

func (p RulesPatch) apply(r Rules) Rules {
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	if p.Quorum != nil {
		r.Quorum = *p.Quorum
	}
	if p.Majority != nil {
		r.Majority = *p.Majority
	}
	set(&r.ChairBreaksTies, p.ChairBreaksTies)
	set(&r.RemoteAttendanceCounts, p.RemoteAttendanceCounts)
	set(&r.VotesChangeableBeforeClose, p.VotesChangeableBeforeClose)
	set(&r.DocumentsPublic, p.DocumentsPublic)
	return r
}

func validateRules(r Rules) error {
	// At least one member in a hundred, at most all of them.
	if r.Quorum.D < 1 || r.Quorum.D > 100 || r.Quorum.N < 1 || r.Quorum.N > r.Quorum.D {
		return errQuorum
	}
	if !r.Majority.Valid() {
		return errMajority
	}
	return nil
}

// CreateInput is a new body. Rules change the defaults (DefaultRules).
type CreateInput struct {
	UnitID  uuid.UUID
	Kind    Kind
	Name    i18n.Input
	Mandate i18n.Input // optional
	Public  bool
	Rules   RulesPatch
}

// UpdateInput changes a body; nil fields stay.
type UpdateInput struct {
	Name    *i18n.Input
	Mandate *i18n.Input
	Public  *bool
	Rules   RulesPatch
}

// keyTextRequired refuses a required text left empty.
const keyTextRequired = "dialogue.text_required"

// CreateBody creates an active body of a city unit ("create": coordinators
// and admins). Audited.
func (s *Service) CreateBody(ctx context.Context, in CreateInput) (*Body, error) {
	if err := authz.Require(ctx, ActCreate, authz.Object{Type: ObjectType,
		Domains: []string{authz.Domain("org", in.UnitID)}}); err != nil {
		return nil, err
	}
	if !in.Kind.Valid() {
		return nil, errKind
	}
	if err := in.Name.Check("name", keyTextRequired); err != nil {
		return nil, err
	}
	if err := in.Mandate.Check("mandate", ""); err != nil {
		return nil, err
	}
	rules := in.Rules.apply(DefaultRules())
	if err := validateRules(rules); err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	id := uuid.New()
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		kind, err := org.KindOf(ctx, tx, in.UnitID)
		if err != nil {
			return err
		}
		if kind != org.KindCityUnit {
			return errUnit
		}
		domains := textDomains(id, in.UnitID)
		name, err := i18n.CreateText(ctx, tx, in.Name.Locale, strings.TrimSpace(in.Name.Text), actor, domains)
		if err != nil {
			return err
		}
		mandate, err := i18n.CreateOptional(ctx, tx, in.Mandate, actor, domains)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into dialogue_bodies (id, unit_id, kind, name_text_id, mandate_text_id, public,
				quorum_n, quorum_d, majority, chair_breaks_ties, remote_attendance_counts, votes_changeable_before_close,
				documents_public, created_by, created_at, updated_at)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)`,
			id, in.UnitID, in.Kind, name, mandate, in.Public, rules.Quorum.N, rules.Quorum.D, rules.Majority,
			rules.ChairBreaksTies, rules.RemoteAttendanceCounts, rules.VotesChangeableBeforeClose, rules.DocumentsPublic,
			actor, s.now()); err != nil {
			return fmt.Errorf("insert body: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.body_create", ObjectType: ObjectType,
			ObjectID: id.String(), Data: map[string]any{"unit_id": in.UnitID, "kind": in.Kind, "public": in.Public}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}

// UpdateBody changes a body's name, mandate, visibility and rules
// ("update": the unit's officials, coordinators, admins) while it is active.
// A new name or mandate is a new text (the old one stays, credited to its
// author): a body's name is the city's, not one person's words. Audited with
// what changed.
func (s *Service) UpdateBody(ctx context.Context, id uuid.UUID, in UpdateInput) (*Body, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		b, err := s.bodyFor(ctx, tx, id, ActUpdate, true)
		if err != nil {
			return err
		}
		if b.Status != StatusActive {
			return ErrDissolved
		}
		if in.Name != nil {
			if err := in.Name.Check("name", keyTextRequired); err != nil {
				return err
			}
		}
		if in.Mandate != nil {
			if err := in.Mandate.Check("mandate", ""); err != nil {
				return err
			}
		}
		rules := in.Rules.apply(b.Rules)
		if err := validateRules(rules); err != nil {
			return err
		}
		var changed []string
		domains := textDomains(b.ID, b.UnitID)
		nameID, mandateID := b.NameTextID, b.MandateTextID
		if in.Name != nil {
			if nameID, err = i18n.CreateText(ctx, tx, in.Name.Locale, strings.TrimSpace(in.Name.Text), actor, domains); err != nil {
				return err
			}
			changed = append(changed, "name")
		}
		if in.Mandate != nil {
			if mandateID, err = i18n.CreateOptional(ctx, tx, *in.Mandate, actor, domains); err != nil {
				return err
			}
			changed = append(changed, "mandate")
		}
		public := b.Public
		if in.Public != nil && *in.Public != b.Public {
			public = *in.Public
			changed = append(changed, "public")
		}
		if rules != b.Rules {
			changed = append(changed, "rules")
		}
		if len(changed) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `update dialogue_bodies set name_text_id = $2, mandate_text_id = $3, public = $4,
				quorum_n = $5, quorum_d = $6, majority = $7, chair_breaks_ties = $8, remote_attendance_counts = $9,
				votes_changeable_before_close = $10, documents_public = $11, updated_at = $12
			where id = $1`, id, nameID, mandateID, public, rules.Quorum.N, rules.Quorum.D, rules.Majority,
			rules.ChairBreaksTies, rules.RemoteAttendanceCounts, rules.VotesChangeableBeforeClose, rules.DocumentsPublic,
			s.now()); err != nil {
			return fmt.Errorf("update body: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.body_update", ObjectType: ObjectType,
			ObjectID: id.String(), Data: map[string]any{"changed": changed}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}

// DissolveBody dissolves an active body for good ("dissolve": coordinators
// and admins): every membership not yet over ends with the reason
// body_dissolved, and nothing can be appointed after. Dissolving a dissolved
// body is PHASE_CLOSED. Audited, with the reason given.
func (s *Service) DissolveBody(ctx context.Context, id uuid.UUID, reason string) (*Body, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		b, err := s.bodyFor(ctx, tx, id, ActDissolve, true)
		if err != nil {
			return err
		}
		if b.Status != StatusActive {
			return ErrDissolved
		}
		reason = strings.TrimSpace(reason)
		if len([]rune(reason)) < 3 {
			return apperr.Invalid("reason", "dialogue.reason_required")
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `update dialogue_bodies set status = 'dissolved', dissolved_at = $2, dissolved_by = $3,
			updated_at = $2 where id = $1`, id, now, actor); err != nil {
			return fmt.Errorf("dissolve body: %w", err)
		}
		if err := endOpen(ctx, tx, `body_id = $1`, []any{id}, now, EndBodyDissolved, actor); err != nil {
			return err
		}
		if err := s.cancelUpcomingMeetings(ctx, tx, id, reason); err != nil {
			return err
		}
		for _, f := range s.dissolving {
			if err := f(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "dialogue.body_dissolve", ObjectType: ObjectType,
			ObjectID: id.String(), Data: map[string]any{"reason": reason}}); err != nil {
			return err
		}
		return s.az.Changed(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}

const bodyColumns = `b.id, b.unit_id, b.kind, b.name_text_id, b.mandate_text_id, b.public, b.status, b.quorum_n, b.quorum_d,
	b.majority, b.chair_breaks_ties, b.remote_attendance_counts, b.votes_changeable_before_close, b.documents_public,
	b.created_at, b.updated_at, b.dissolved_at`

// scanBody reads bodyColumns and then extra.
func scanBody(row pgx.Row, extra ...any) (*Body, error) {
	var b Body
	err := row.Scan(append([]any{&b.ID, &b.UnitID, &b.Kind, &b.NameTextID, &b.MandateTextID, &b.Public, &b.Status,
		&b.Rules.Quorum.N, &b.Rules.Quorum.D, &b.Rules.Majority, &b.Rules.ChairBreaksTies, &b.Rules.RemoteAttendanceCounts,
		&b.Rules.VotesChangeableBeforeClose, &b.Rules.DocumentsPublic, &b.CreatedAt, &b.UpdatedAt, &b.DissolvedAt}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// load reads a body without any check; forUpdate locks its row, which
// serialises every change of its membership.
func load(ctx context.Context, q db.Querier, id uuid.UUID, forUpdate bool) (*Body, error) {
	sql := `select ` + bodyColumns + ` from dialogue_bodies b where b.id = $1`
	if forUpdate {
		sql += ` for update`
	}
	b, err := scanBody(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load body: %w", err)
	}
	return b, nil
}

// memberNow reports whether the caller holds a membership of the body that
// is active now: as a person, or as a current delegate of an organisation
// member.
func (s *Service) memberNow(ctx context.Context, q db.Querier, bodyID uuid.UUID) (bool, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return false, nil
	}
	var ok bool
	err := q.QueryRow(ctx, `select exists (select 1 from dialogue_members m
		left join dialogue_delegates d on d.member_id = m.id and `+delegateAt("d", "$3")+`
		where m.body_id = $1 and (m.account_id = $2 or d.account_id = $2) and `+activeAt("m", "$3")+`)`,
		bodyID, sub.AccountID, s.now()).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("read membership: %w", err)
	}
	return ok, nil
}

// activeAt is the SQL condition that membership m is active at t.
func activeAt(m, t string) string {
	return m + `.term_start <= ` + t + ` and coalesce(least(` + m + `.term_end, ` + m + `.ended_at) > ` + t + `, true)`
}

// delegateAt is the SQL condition that delegation d holds at t.
func delegateAt(d, t string) string {
	return d + `.since <= ` + t + ` and (` + d + `.until is null or ` + d + `.until > ` + t + `)`
}

// bodyFor is the one order of checks before act on a body (authz.For); the
// extra attributes describe the act (the role a member is appointed to).
func (s *Service) bodyFor(ctx context.Context, q db.Querier, id uuid.UUID, act string, forUpdate bool, attrs ...string) (*Body, error) {
	return authz.For(ctx, act, func() (*Body, authz.Object, bool, error) {
		b, err := load(ctx, q, id, forUpdate)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		member, err := s.memberNow(ctx, q, id)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		b.viewerMember = &member
		obj := b.object(member)
		visible := authz.Can(ctx, ActRead, obj)
		for i := 0; i+1 < len(attrs); i += 2 {
			obj.Attrs[attrs[i]] = attrs[i+1]
		}
		return b, obj, visible, nil
	})
}

// Body returns the body with id if the caller may see it (NOT_FOUND
// otherwise).
func (s *Service) Body(ctx context.Context, id uuid.UUID) (*Body, error) {
	return s.bodyFor(ctx, s.pool, id, ActRead, false)
}

// BodyActions are the actions the caller may take on a body, decided by the
// checks that enforce them (viewerCan).
type BodyActions struct {
	Update, Dissolve, ManageMembers, AppointGuests bool
}

// Actions returns what the caller may do with the body; nothing for a
// dissolved one.
func (s *Service) Actions(ctx context.Context, b *Body) (BodyActions, error) {
	if b.Status != StatusActive || authz.SubjectFrom(ctx).Anonymous() {
		return BodyActions{}, nil
	}
	var member bool
	if b.viewerMember != nil {
		member = *b.viewerMember
	} else {
		var err error
		if member, err = s.memberNow(ctx, s.pool, b.ID); err != nil {
			return BodyActions{}, err
		}
	}
	obj := b.object(member)
	guest := b.object(member)
	guest.Attrs["role"] = string(RoleGuest)
	return BodyActions{
		Update:        authz.Can(ctx, ActUpdate, obj),
		Dissolve:      authz.Can(ctx, ActDissolve, obj),
		ManageMembers: authz.Can(ctx, ActManageMembers, obj),
		AppointGuests: authz.Can(ctx, ActManageMembers, guest),
	}, nil
}

// Filter narrows Bodies; nil fields match every body.
type Filter struct {
	Kind   *Kind
	UnitID *uuid.UUID
	Status *Status
}

// Cursor is b's position in Bodies.
func (b *Body) Cursor() string {
	return page.Cursor("dialogue_bodies", page.Key{At: b.CreatedAt, ID: b.ID})
}

// Bodies lists the bodies the caller may see, newest first: public ones,
// and non-public ones only to their members (active now), the unit's
// officials, coordinators and admins — the read rules of policy.csv, from
// the same grant tables.
func (s *Service) Bodies(ctx context.Context, f Filter, first int, after string) (page.Page[*Body], error) {
	var none page.Page[*Body]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	more, err := page.After("dialogue_bodies", after, &cur)
	if err != nil {
		return none, err
	}
	domains := []string{}
	sub := authz.SubjectFrom(ctx)
	if !sub.Anonymous() {
		if domains, err = authz.DomainsWithRoles(ctx, s.pool, sub.AccountID, authz.RoleOfficial, authz.RoleCoordinator, authz.RoleAdmin); err != nil {
			return none, err
		}
	}
	// $1 kind, $2 unit, $3 status, $4 staff domains, $5 caller, $6 now.
	memberNow := `exists (select 1 from dialogue_members m
		left join dialogue_delegates d on d.member_id = m.id and ` + delegateAt("d", "$6") + `
		where m.body_id = b.id and (m.account_id = $5 or d.account_id = $5) and ` + activeAt("m", "$6") + `)`
	where := `($1::text is null or b.kind = $1) and ($2::uuid is null or b.unit_id = $2)
		and ($3::text is null or b.status = $3)
		and (b.public or '*' = any($4::text[]) or ('org:' || b.unit_id) = any($4::text[]) or ` + memberNow + `)`
	var caller *uuid.UUID
	if !sub.Anonymous() {
		caller = &sub.AccountID
	}
	args := []any{f.Kind, f.UnitID, f.Status, domains, caller, s.now()}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from dialogue_bodies b where `+where, args...).Scan(&total); err != nil {
		return none, fmt.Errorf("count bodies: %w", err)
	}
	q := `select ` + bodyColumns + `, ` + memberNow + ` from dialogue_bodies b where ` + where
	if more {
		q += ` and (b.created_at, b.id) < ($7, $8)`
		args = append(args, cur.At, cur.ID)
	}
	q += fmt.Sprintf(` order by b.created_at desc, b.id desc limit %d`, first+1)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return none, fmt.Errorf("list bodies: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Body, error) {
		var member bool
		b, err := scanBody(r, &member)
		if err != nil {
			return nil, err
		}
		b.viewerMember = &member
		return b, nil
	})
	if err != nil {
		return none, fmt.Errorf("list bodies: %w", err)
	}
	return page.Of(list, first, total), nil
}
