package org

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/page"
)

// Member is an account's membership as the organisation's member list shows it.
type Member struct {
	OrganisationID uuid.UUID
	AccountID      uuid.UUID
	DisplayName    string
	Role           string
	JoinedAt       time.Time
}

// Cursor is the member's position in Members.
func (m Member) Cursor() string {
	return page.Cursor("members", page.Key{At: m.JoinedAt, ID: m.AccountID})
}

// Membership is one organisation an account belongs to.
type Membership struct {
	OrganisationID uuid.UUID
	Organisation   Organisation
	Role           string
	JoinedAt       time.Time
}

// AddMember makes accountID a member of orgID with role, or changes the role
// of an existing member (as addOrganisationMember does). Asking again for the
// role a member already has changes nothing, so a retry is harmless.
func (s *Service) AddMember(ctx context.Context, orgID, accountID uuid.UUID, role string) (Member, error) {
	return s.setMember(ctx, orgID, accountID, role, true)
}

// UpdateMemberRole changes the role of an existing member (NOT_FOUND for an
// account that is not a member).
func (s *Service) UpdateMemberRole(ctx context.Context, orgID, accountID uuid.UUID, role string) (Member, error) {
	return s.setMember(ctx, orgID, accountID, role, false)
}

func (s *Service) setMember(ctx context.Context, orgID, accountID uuid.UUID, role string, mayAdd bool) (Member, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	m := Member{OrganisationID: orgID, AccountID: accountID, Role: role}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if _, err := orgFor(ctx, tx, orgID, ActionManageMembers); err != nil {
			return err
		}
		if err := validateRole(role); err != nil {
			return err
		}
		var (
			prev     *string
			joinedAt *time.Time
		)
		err := tx.QueryRow(ctx, `
			select a.display_name, m.role, m.created_at
			from accounts a
			left join organisation_members m on m.account_id = a.id and m.organisation_id = $1
			where a.id = $2 and a.deleted_at is null`, orgID, accountID).Scan(&m.DisplayName, &prev, &joinedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("load member: %w", err)
		}
		entry := audit.Entry{ActorID: actor, ObjectType: ObjectType, ObjectID: orgID.String()}
		switch {
		case prev == nil && !mayAdd:
			return apperr.ErrNotFound
		case prev == nil:
			err := tx.QueryRow(ctx, `
				insert into organisation_members (organisation_id, account_id, role) values ($1, $2, $3)
				returning created_at`, orgID, accountID, role).Scan(&m.JoinedAt)
			if err != nil {
				return fmt.Errorf("add member: %w", err)
			}
			entry.Action = "org.member.add"
			entry.Data = map[string]any{"account_id": accountID, "role": role}
		case *prev == role:
			m.JoinedAt = *joinedAt
			return nil
		default:
			_, err := tx.Exec(ctx, `update organisation_members set role = $3 where organisation_id = $1 and account_id = $2`,
				orgID, accountID, role)
			if err != nil {
				return fmt.Errorf("change member role: %w", err)
			}
			m.JoinedAt = *joinedAt
			entry.Action = "org.member.role_change"
			entry.Data = map[string]any{"account_id": accountID, "role": role, "previous_role": *prev}
		}
		if err := audit.Write(ctx, tx, entry); err != nil {
			return err
		}
		return s.az.Changed(ctx, tx)
	})
	if err != nil {
		return Member{}, err
	}
	return m, nil
}

// RemoveMember ends accountID's membership of orgID; what other domains
// hold on it ends with it (OnLeave).
func (s *Service) RemoveMember(ctx context.Context, orgID, accountID uuid.UUID) error {
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if _, err := orgFor(ctx, tx, orgID, ActionManageMembers); err != nil {
			return err
		}
		var role string
		err := tx.QueryRow(ctx, `delete from organisation_members where organisation_id = $1 and account_id = $2 returning role`,
			orgID, accountID).Scan(&role)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("remove member: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Entry{
			ActorID: authz.SubjectFrom(ctx).AccountID, Action: "org.member.remove", ObjectType: ObjectType, ObjectID: orgID.String(),
			Data: map[string]any{"account_id": accountID, "role": role},
		}); err != nil {
			return err
		}
		for _, f := range s.leaving {
			if err := f(ctx, tx, orgID, accountID); err != nil {
				return err
			}
		}
		return s.az.Changed(ctx, tx)
	})
}

// orgFor locks organisation id in tx for act by the caller, in authz.For's
// order: anonymous callers refused first, NOT_FOUND when it does not exist,
// FORBIDDEN when the caller may not act (organisations are public). The
// lock serialises its changes, and membership changes; "no key update"
// leaves the members' foreign-key checks unblocked.
func orgFor(ctx context.Context, tx *db.Tx, id uuid.UUID, act string) (Organisation, error) {
	return authz.For(ctx, act, func() (Organisation, authz.Object, bool, error) {
		o, err := scanOrg(tx.QueryRow(ctx, `select `+orgColumns+` from organisations o where o.id = $1 for no key update`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return o, authz.Object{}, false, apperr.ErrNotFound
		}
		if err != nil {
			return o, authz.Object{}, false, fmt.Errorf("lock organisation: %w", err)
		}
		return o, Object(id), true, nil
	})
}

// CanSeeMembers reports whether the caller may see orgID's members: its own
// members, and whoever may manage them (its managers, coordinators, admins).
// Membership of a minority organisation can reveal a person's origin, which
// nobody may be made to disclose, so member lists are never public.
func (s *Service) CanSeeMembers(ctx context.Context, orgID uuid.UUID) (bool, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return false, nil
	}
	if authz.Can(ctx, ActionManageMembers, Object(orgID)) {
		return true, nil
	}
	var member bool
	err := s.pool.QueryRow(ctx, `select exists (select 1 from organisation_members where organisation_id = $1 and account_id = $2)`,
		orgID, sub.AccountID).Scan(&member)
	if err != nil {
		return false, fmt.Errorf("check membership: %w", err)
	}
	return member, nil
}

// Members returns a page of orgID's members in the order they joined, whether
// more follow and how many there are. Callers who may not see them (see
// CanSeeMembers) get UNAUTHENTICATED or FORBIDDEN. Deleted accounts are left
// out.
func (s *Service) Members(ctx context.Context, orgID uuid.UUID, first int, after string) (page.Page[Member], error) {
	var none page.Page[Member]
	ok, err := s.CanSeeMembers(ctx, orgID)
	if err != nil {
		return none, err
	}
	if !ok {
		if authz.SubjectFrom(ctx).Anonymous() {
			return none, apperr.ErrUnauthenticated
		}
		return none, apperr.ErrForbidden
	}
	if err := page.Check(first); err != nil {
		return none, err
	}
	var c page.Key
	resume, err := page.After("members", after, &c)
	if err != nil {
		return none, err
	}
	rows, err := s.pool.Query(ctx, `
		select m.organisation_id, m.account_id, a.display_name, m.role, m.created_at
		from organisation_members m
		join accounts a on a.id = m.account_id
		where m.organisation_id = $1 and a.deleted_at is null
		  and ($2::boolean is not true or (m.created_at, m.account_id) > ($3, $4))
		order by m.created_at, m.account_id
		limit $5`, orgID, resume, c.At, c.ID, first+1)
	if err != nil {
		return none, fmt.Errorf("list members: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Member, error) {
		var m Member
		err := r.Scan(&m.OrganisationID, &m.AccountID, &m.DisplayName, &m.Role, &m.JoinedAt)
		return m, err
	})
	if err != nil {
		return none, fmt.Errorf("list members: %w", err)
	}
	var total int
	err = s.pool.QueryRow(ctx, `
		select count(*) from organisation_members m join accounts a on a.id = m.account_id
		where m.organisation_id = $1 and a.deleted_at is null`, orgID).Scan(&total)
	if err != nil {
		return none, fmt.Errorf("count members: %w", err)
	}
	return page.Of(items, first, total), nil
}

// MembershipsOf lists the organisations accountID belongs to, by name. The
// account itself sees all of them; anyone else only those whose members they
// may see.
func (s *Service) MembershipsOf(ctx context.Context, accountID uuid.UUID) ([]Membership, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return []Membership{}, nil
	}
	rows, err := s.pool.Query(ctx, `
		select `+orgColumns+`, m.role, m.created_at,
		       exists (select 1 from organisation_members c where c.organisation_id = m.organisation_id and c.account_id = $2)
		from organisation_members m
		join organisations o on o.id = m.organisation_id
		where m.account_id = $1
		order by o.name, o.id`, accountID, sub.AccountID)
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	defer rows.Close()
	out := []Membership{}
	for rows.Next() {
		var (
			ms             Membership
			desc, by       *uuid.UUID
			callerIsMember bool
		)
		o := &ms.Organisation
		if err := rows.Scan(&o.ID, &o.Kind, &o.Name, &o.Slug, &desc, &o.CreatedAt, &by, &ms.Role, &ms.JoinedAt, &callerIsMember); err != nil {
			return nil, fmt.Errorf("scan membership: %w", err)
		}
		o.DescriptionTextID, o.CreatedBy = deref(desc), deref(by)
		ms.OrganisationID = o.ID
		if callerIsMember || authz.Can(ctx, ActionManageMembers, Object(o.ID)) {
			out = append(out, ms)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	return out, nil
}
