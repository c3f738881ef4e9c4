package org_test

import (
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/org"
)

func TestAddMember_ManagerAddsToOwnOrganisation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a, manager := f.withManager(t, "a")
	volunteer := f.account(t, "volunteer")

	m, err := f.svc.AddMember(f.as(manager), a.ID, volunteer, org.RoleMember)
	require.NoError(t, err)
	require.Equal(t, org.Member{OrganisationID: a.ID, AccountID: volunteer, DisplayName: "volunteer", Role: "member", JoinedAt: m.JoinedAt}, m)
	require.False(t, m.JoinedAt.IsZero())

	require.Equal(t, []string{"org.create", "org.member.add", "org.member.add"}, f.auditActions(t, a.ID))
	var actor uuid.UUID
	var data map[string]any
	require.NoError(t, f.pool.QueryRow(f.ctx, `select actor_id, data from audit_log where object_id = $1 order by created_at desc limit 1`,
		a.ID.String()).Scan(&actor, &data))
	require.Equal(t, manager, actor)
	require.Equal(t, map[string]any{"account_id": volunteer.String(), "role": "member"}, data)
}

func TestAddMember_RefusesManagerOfAnotherOrganisation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a, _ := f.withManager(t, "a")
	_, managerB := f.withManager(t, "b")
	volunteer := f.account(t, "volunteer")
	member := f.account(t, "member")
	_, err := f.svc.AddMember(f.as(f.coordinator), a.ID, member, org.RoleMember)
	require.NoError(t, err)

	_, err = f.svc.AddMember(f.as(managerB), a.ID, volunteer, org.RoleMember)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	// A plain member or moderator of A may not manage its members either.
	_, err = f.svc.AddMember(f.as(member), a.ID, volunteer, org.RoleMember)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = f.svc.AddMember(f.as(f.resident), a.ID, volunteer, org.RoleMember)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = f.svc.AddMember(f.as(uuid.Nil), a.ID, volunteer, org.RoleMember)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	require.ErrorIs(t, f.svc.RemoveMember(f.as(managerB), a.ID, member), apperr.ErrForbidden)
	_, err = f.svc.UpdateMemberRole(f.as(managerB), a.ID, member, org.RoleManager)
	require.ErrorIs(t, err, apperr.ErrForbidden)

	require.Equal(t, 0, f.count(t, "select count(*) from organisation_members where account_id = $1", volunteer))
	require.Equal(t, "member", roleOf(t, f, a.ID, member))
}

func roleOf(t *testing.T, f fixture, orgID, accountID uuid.UUID) string {
	t.Helper()
	var role string
	require.NoError(t, f.pool.QueryRow(f.ctx, `select role from organisation_members where organisation_id = $1 and account_id = $2`,
		orgID, accountID).Scan(&role))
	return role
}

func TestAddMember_ChangesRoleAndRetriesAreHarmless(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a, manager := f.withManager(t, "a")
	ctx := f.as(manager)
	p := f.account(t, "person")

	first, err := f.svc.AddMember(ctx, a.ID, p, org.RoleMember)
	require.NoError(t, err)
	again, err := f.svc.AddMember(ctx, a.ID, p, org.RoleMember)
	require.NoError(t, err)
	require.Equal(t, first, again)

	mod, err := f.svc.AddMember(ctx, a.ID, p, org.RoleModerator)
	require.NoError(t, err)
	require.Equal(t, "moderator", mod.Role)
	require.True(t, first.JoinedAt.Equal(mod.JoinedAt), "a role change keeps the joining date")

	mgr, err := f.svc.UpdateMemberRole(ctx, a.ID, p, org.RoleManager)
	require.NoError(t, err)
	require.Equal(t, "manager", mgr.Role)
	require.Equal(t, "manager", roleOf(t, f, a.ID, p))

	require.Equal(t, []string{"org.create", "org.member.add", "org.member.add", "org.member.role_change", "org.member.role_change"},
		f.auditActions(t, a.ID))

	_, err = f.svc.UpdateMemberRole(ctx, a.ID, f.resident, org.RoleMember)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = f.svc.AddMember(ctx, a.ID, p, "owner")
	requireAppErr(t, err, apperr.InvalidInput, "org.member_role_invalid", "role")
	_, err = f.svc.AddMember(ctx, a.ID, uuid.New(), org.RoleMember)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = f.svc.AddMember(f.as(f.coordinator), uuid.New(), p, org.RoleMember)
	require.ErrorIs(t, err, apperr.ErrNotFound)
}

func TestMembershipChanges_TakeEffectAtCommit(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a := f.create(t, "A", "a")
	p := f.account(t, "person")
	volunteer := f.account(t, "volunteer")

	// Promoted to manager: p may manage members at once.
	_, err := f.svc.AddMember(f.as(f.coordinator), a.ID, p, org.RoleManager)
	require.NoError(t, err)
	_, err = f.svc.AddMember(f.as(p), a.ID, volunteer, org.RoleMember)
	require.NoError(t, err)

	// Demoted: no longer.
	_, err = f.svc.UpdateMemberRole(f.as(f.coordinator), a.ID, p, org.RoleModerator)
	require.NoError(t, err)
	require.ErrorIs(t, f.svc.RemoveMember(f.as(p), a.ID, volunteer), apperr.ErrForbidden)

	// Managers again, then removed: no longer.
	_, err = f.svc.UpdateMemberRole(f.as(f.coordinator), a.ID, p, org.RoleManager)
	require.NoError(t, err)
	require.NoError(t, f.svc.RemoveMember(f.as(p), a.ID, volunteer))
	require.NoError(t, f.svc.RemoveMember(f.as(f.coordinator), a.ID, p))
	_, err = f.svc.AddMember(f.as(p), a.ID, volunteer, org.RoleMember)
	require.ErrorIs(t, err, apperr.ErrForbidden)

	require.ErrorIs(t, f.svc.RemoveMember(f.as(f.coordinator), a.ID, p), apperr.ErrNotFound)
	require.Equal(t, 0, f.count(t, "select count(*) from organisation_members"))
	require.Equal(t, 2, f.count(t, `select count(*) from audit_log where action = 'org.member.remove'`))
}

func TestMembers_VisibleToMembersAndManagersOnly(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a, manager := f.withManager(t, "a")
	_, managerB := f.withManager(t, "b")
	var ids []uuid.UUID
	for _, name := range []string{"m1", "m2", "m3", "m4", "gone"} {
		id := f.account(t, name)
		_, err := f.svc.AddMember(f.as(manager), a.ID, id, org.RoleMember)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	_, err := f.pool.Exec(f.ctx, "update accounts set deleted_at = now() where id = $1", ids[4])
	require.NoError(t, err)

	for _, who := range []uuid.UUID{manager, ids[0], f.coordinator} {
		ok, err := f.svc.CanSeeMembers(f.as(who), a.ID)
		require.NoError(t, err)
		require.True(t, ok)
	}
	for _, who := range []uuid.UUID{managerB, f.resident, uuid.Nil} {
		ok, err := f.svc.CanSeeMembers(f.as(who), a.ID)
		require.NoError(t, err)
		require.False(t, ok)
	}
	_, err = f.svc.Members(f.as(f.resident), a.ID, 10, "")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = f.svc.Members(f.as(managerB), a.ID, 10, "")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = f.svc.Members(f.as(uuid.Nil), a.ID, 10, "")
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)

	// A member pages through everyone, in joining order; deleted accounts are left out.
	var (
		got   []string
		after string
	)
	for {
		pg4, err := f.svc.Members(f.as(ids[1]), a.ID, 2, after)
		page, hasNext, total := pg4.Items, pg4.HasNext, pg4.Total
		require.NoError(t, err)
		require.Equal(t, 5, total)
		for _, m := range page {
			got = append(got, m.DisplayName)
		}
		if !hasNext {
			break
		}
		after = page[len(page)-1].Cursor()
	}
	require.Equal(t, []string{"manager-a", "m1", "m2", "m3", "m4"}, got)

	// A cursor of another list is refused.
	_, err = f.svc.Members(f.as(manager), a.ID, 2, a.Cursor())
	requireAppErr(t, err, apperr.InvalidInput, "input.cursor_invalid", "after")
}

func TestMembershipsOf_OnlyWhatTheCallerMaySee(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a, managerA := f.withManager(t, "a")
	b, _ := f.withManager(t, "b")
	p := f.account(t, "person")
	_, err := f.svc.AddMember(f.as(f.coordinator), a.ID, p, org.RoleModerator)
	require.NoError(t, err)
	_, err = f.svc.AddMember(f.as(f.coordinator), b.ID, p, org.RoleMember)
	require.NoError(t, err)

	orgsOf := func(caller uuid.UUID) map[string]string {
		ms, err := f.svc.MembershipsOf(f.as(caller), p)
		require.NoError(t, err)
		out := map[string]string{}
		for _, m := range ms {
			out[m.Organisation.Slug] = m.Role
		}
		return out
	}
	require.Equal(t, map[string]string{"a": "moderator", "b": "member"}, orgsOf(p))
	require.Equal(t, map[string]string{"a": "moderator", "b": "member"}, orgsOf(f.coordinator))
	require.Equal(t, map[string]string{"a": "moderator"}, orgsOf(managerA))
	require.Equal(t, map[string]string{}, orgsOf(f.resident))
	require.Equal(t, map[string]string{}, orgsOf(uuid.Nil))
}

func TestAddMember_ConcurrentRetriesAddOnce(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a, manager := f.withManager(t, "a")
	p := f.account(t, "person")
	errs := make([]error, 16)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.svc.AddMember(f.as(manager), a.ID, p, org.RoleMember)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, f.count(t, "select count(*) from organisation_members where account_id = $1", p))
	require.Equal(t, []string{"org.create", "org.member.add", "org.member.add"}, f.auditActions(t, a.ID))
}
