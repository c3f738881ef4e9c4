// Package org keeps organisations — NGOs, minority organisations, city units,
// institutions, companies, informal groups — and their members. Membership
// feeds authorization: every member holds ngo_member in the organisation's
// domain, managers hold org_manager, and moderators form the group that
// moderation assignments grant roles to (see the authz_grants view).
package org

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

// Kinds of organisation.
const (
	KindNGO                  = "ngo"
	KindMinorityOrganisation = "minority_organisation"
	KindCityUnit             = "city_unit"
	KindInstitution          = "institution"
	KindCompany              = "company"
	KindInformalGroup        = "informal_group"
)

// Kinds lists every kind.
var Kinds = []string{KindNGO, KindMinorityOrganisation, KindCityUnit, KindInstitution, KindCompany, KindInformalGroup}

// Member roles.
const (
	RoleMember    = "member"
	RoleModerator = "moderator"
	RoleManager   = "manager"
)

// Roles lists every member role.
var Roles = []string{RoleMember, RoleModerator, RoleManager}

// Authorization: the object type and actions of the policy matrix.
const (
	ObjectType          = "organisation"
	ActionCreate        = "create"
	ActionUpdate        = "update"
	ActionManageMembers = "manage_members"
)

// MaxNameRunes bounds an organisation's name (as the table does).
const MaxNameRunes = 300

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,80}$`)

// ErrSlugTaken refuses a slug another organisation has.
var ErrSlugTaken = apperr.New(apperr.Conflict, "org.slug_taken")

// Organisation is one organisation.
type Organisation struct {
	ID                uuid.UUID
	Kind              string
	Name              string
	Slug              string
	DescriptionTextID uuid.UUID // uuid.Nil when there is no description
	CreatedAt         time.Time
	CreatedBy         uuid.UUID // uuid.Nil when unknown or deleted
}

// Domain is the authorization domain of the organisation with id.
func Domain(id uuid.UUID) string { return authz.Domain("org", id) }

// Object is the organisation with id as the authorization object, for
// Require here and for viewerCan in resolvers, so both ask the same question.
func Object(id uuid.UUID) authz.Object {
	return authz.Object{Type: ObjectType, ID: id.String(), Domains: []string{Domain(id)}}
}

// CreateInput describes a new organisation.
type CreateInput struct {
	Kind        string
	Name        string
	Slug        string
	Description *i18n.Input
}

// UpdateInput changes the fields that are set.
type UpdateInput struct {
	Name *string
}

// Filter narrows List.
type Filter struct {
	Kind *string
}

// Service keeps organisations and memberships.
type Service struct {
	pool *pgxpool.Pool
	az   *authz.Authorizer
	// leaving runs in the transaction that ends an account's membership,
	// for what other domains hold on it (dialogue: delegations). Set at
	// wiring time (OnLeave), since org imports none of them.
	leaving []func(ctx context.Context, tx *db.Tx, orgID, accountID uuid.UUID) error
}

// OnLeave registers f to run, in its transaction, whenever an account's
// membership of an organisation ends.
func (s *Service) OnLeave(f func(ctx context.Context, tx *db.Tx, orgID, accountID uuid.UUID) error) {
	s.leaving = append(s.leaving, f)
}

// New returns the service; az is told about membership changes, which are
// Casbin g rules.
func New(pool *pgxpool.Pool, az *authz.Authorizer) *Service {
	return &Service{pool: pool, az: az}
}

const orgColumns = `o.id, o.kind, o.name, o.slug, o.description_text_id, o.created_at, o.created_by`

func scanOrg(row pgx.Row) (Organisation, error) {
	var (
		o        Organisation
		desc, by *uuid.UUID
	)
	if err := row.Scan(&o.ID, &o.Kind, &o.Name, &o.Slug, &desc, &o.CreatedAt, &by); err != nil {
		return Organisation{}, err
	}
	o.DescriptionTextID, o.CreatedBy = deref(desc), deref(by)
	return o, nil
}

// Create adds an organisation (a coordinator's or an admin's act). The
// description becomes a LocalizedText by the caller in the organisation's
// domain.
func (s *Service) Create(ctx context.Context, in CreateInput) (Organisation, error) {
	if err := authz.Require(ctx, ActionCreate, authz.Object{Type: ObjectType}); err != nil {
		return Organisation{}, err
	}
	if err := validateKind("kind", in.Kind); err != nil {
		return Organisation{}, err
	}
	name, err := validateName(in.Name)
	if err != nil {
		return Organisation{}, err
	}
	if !slugRE.MatchString(in.Slug) {
		return Organisation{}, apperr.Invalid("slug", "org.slug_invalid")
	}
	actor := authz.SubjectFrom(ctx).AccountID
	o := Organisation{ID: uuid.New(), Kind: in.Kind, Name: name, Slug: in.Slug, CreatedBy: actor}
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if d := in.Description; d != nil {
			id, err := i18n.CreateText(ctx, tx, d.Locale, d.Text, actor, []string{Domain(o.ID)})
			if err != nil {
				return prefixField(err, "description.")
			}
			o.DescriptionTextID = id
		}
		err := tx.QueryRow(ctx, `
			insert into organisations (id, kind, name, slug, description_text_id, created_by)
			values ($1, $2, $3, $4, $5, $6)
			returning created_at`,
			o.ID, o.Kind, o.Name, o.Slug, nullUUID(o.DescriptionTextID), nullUUID(actor)).Scan(&o.CreatedAt)
		if isUniqueViolation(err, "organisations_slug_key") {
			return ErrSlugTaken
		}
		if err != nil {
			return fmt.Errorf("insert organisation: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{
			ActorID: actor, Action: "org.create", ObjectType: ObjectType, ObjectID: o.ID.String(),
			Data: map[string]any{"kind": o.Kind, "name": o.Name, "slug": o.Slug},
		})
	})
	if err != nil {
		return Organisation{}, err
	}
	return o, nil
}

// Actions are what the caller may do with an organisation (viewerCan),
// decided by the checks its mutations make.
type Actions struct{ Update, ManageMembers bool }

// Actions says what the caller may do with organisation id.
func (s *Service) Actions(ctx context.Context, id uuid.UUID) Actions {
	return Actions{Update: authz.Can(ctx, ActionUpdate, Object(id)), ManageMembers: authz.Can(ctx, ActionManageMembers, Object(id))}
}

// Update changes an organisation's name.
func (s *Service) Update(ctx context.Context, id uuid.UUID, in UpdateInput) (Organisation, error) {
	var o Organisation
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		cur, err := orgFor(ctx, tx, id, ActionUpdate)
		if err != nil {
			return err
		}
		old, name := cur.Name, cur.Name
		if in.Name != nil {
			if name, err = validateName(*in.Name); err != nil {
				return err
			}
		}
		if name == old {
			o = cur
			return nil
		}
		o, err = scanOrg(tx.QueryRow(ctx, `update organisations o set name = $2 where id = $1 returning `+orgColumns, id, name))
		if err != nil {
			return fmt.Errorf("update organisation: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{
			ActorID: authz.SubjectFrom(ctx).AccountID, Action: "org.update", ObjectType: ObjectType, ObjectID: id.String(),
			Data: map[string]any{"name": map[string]string{"from": old, "to": name}},
		})
	})
	if err != nil {
		return Organisation{}, err
	}
	return o, nil
}

// Get returns the organisation with id. Organisations are public.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Organisation, error) {
	return get(ctx, s.pool, id)
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func get(ctx context.Context, q queryRower, id uuid.UUID) (Organisation, error) {
	o, err := scanOrg(q.QueryRow(ctx, `select `+orgColumns+` from organisations o where o.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Organisation{}, apperr.ErrNotFound
	}
	if err != nil {
		return Organisation{}, fmt.Errorf("get organisation %s: %w", id, err)
	}
	return o, nil
}

// ByIDs returns the organisations with ids in one query (for dataloaders);
// unknown ids are absent.
func (s *Service) ByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]Organisation, error) {
	out := make(map[uuid.UUID]Organisation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `select `+orgColumns+` from organisations o where o.id = any($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("organisations by ids: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Organisation, error) { return scanOrg(r) })
	if err != nil {
		return nil, fmt.Errorf("organisations by ids: %w", err)
	}
	for _, o := range list {
		out[o.ID] = o
	}
	return out, nil
}

// List returns a page of organisations ordered by name (then id), the
// organisations after the cursor after ("" for the first page), whether more
// follow, and how many match the filter in all.
func (s *Service) List(ctx context.Context, f Filter, first int, after string) (page.Page[Organisation], error) {
	var none page.Page[Organisation]
	if err := page.Check(first); err != nil {
		return none, err
	}
	if f.Kind != nil {
		if err := validateKind("filter.kind", *f.Kind); err != nil {
			return none, err
		}
	}
	var c orgCursor
	resume, err := page.After("organisations", after, &c)
	if err != nil {
		return none, err
	}
	rows, err := s.pool.Query(ctx, `
		select `+orgColumns+` from organisations o
		where ($1::text is null or o.kind = $1)
		  and ($2::boolean is not true or (o.name, o.id) > ($3, $4))
		order by o.name, o.id
		limit $5`,
		f.Kind, resume, c.Name, c.ID, first+1)
	if err != nil {
		return none, fmt.Errorf("list organisations: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Organisation, error) { return scanOrg(r) })
	if err != nil {
		return none, fmt.Errorf("list organisations: %w", err)
	}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from organisations where ($1::text is null or kind = $1)`, f.Kind).Scan(&total); err != nil {
		return none, fmt.Errorf("count organisations: %w", err)
	}
	return page.Of(items, first, total), nil
}

// Cursor is the organisation's position in List.
func (o Organisation) Cursor() string {
	return page.Cursor("organisations", orgCursor{Name: o.Name, ID: o.ID})
}

type orgCursor struct {
	Name string    `json:"n"`
	ID   uuid.UUID `json:"i"`
}

func (c orgCursor) Valid() bool { return c.ID != uuid.Nil }

func validateKind(field, kind string) error {
	for _, k := range Kinds {
		if k == kind {
			return nil
		}
	}
	return apperr.Invalid(field, "org.kind_invalid")
}

func validateRole(role string) error {
	for _, r := range Roles {
		if r == role {
			return nil
		}
	}
	return apperr.Invalid("role", "org.member_role_invalid")
}

// validateName trims the name and checks it as the table does, so a bad
// name is the user's error rather than a constraint violation.
func validateName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || strings.ContainsRune(name, 0) || utf8.RuneCountInString(name) > MaxNameRunes {
		return "", apperr.Invalid("name", "org.name_invalid")
	}
	return name, nil
}

// prefixField places an input error of a nested input under its parent.
func prefixField(err error, prefix string) error {
	var e *apperr.Error
	if errors.As(err, &e) && e.Field != "" {
		c := *e
		c.Field = prefix + e.Field
		return &c
	}
	return err
}

func isUniqueViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == constraint
}

func nullUUID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func deref(id *uuid.UUID) uuid.UUID {
	if id == nil {
		return uuid.Nil
	}
	return *id
}

// KindOf returns the kind of organisation id, "" when there is none: the one
// read behind every "must be a city unit" (or "must not be") rule.
func KindOf(ctx context.Context, q db.Querier, id uuid.UUID) (string, error) {
	var kind string
	err := q.QueryRow(ctx, `select kind from organisations where id = $1`, id).Scan(&kind)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read organisation: %w", err)
	}
	return kind, nil
}
