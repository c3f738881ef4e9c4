package identity_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/notify"
)

// cityUnit creates an organisation of kind city_unit and returns its domain.
func (b *bundle) cityUnit(t *testing.T, slug string) string {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `insert into organisations (kind, name, slug) values ('city_unit', $1, $1) returning id`,
		slug).Scan(&id))
	return authz.Domain("org", id)
}

func TestInvitation_AcceptCreatesAccountGrantsRoleOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin, adminCtx := b.admin(t)
	unit := b.cityUnit(t, "wydzial-spraw-spolecznych")
	other := b.cityUnit(t, "inny-wydzial")

	inv, err := b.svc.Invite(adminCtx, identity.InviteInput{Email: " Official@Example.com", Role: "official", Domain: unit})
	require.NoError(t, err)
	require.Equal(t, "official@example.com", inv.Email)
	require.Equal(t, admin.ID, inv.InvitedBy)
	require.Nil(t, inv.AcceptedAt)

	jobs := b.notices(t, notify.KindInvitation, uuid.Nil, "official@example.com")
	require.Len(t, jobs, 1)
	require.True(t, jobs[0].Transactional)
	require.Equal(t, "official", jobs[0].Data[notify.DataRole])
	tok := b.secretToken(t, notify.KindInvitation, uuid.Nil, "official@example.com")
	var stored []byte
	require.NoError(t, b.pool.QueryRow(b.ctx, "select token_hash from invitations where id = $1", inv.ID).Scan(&stored))
	require.Equal(t, sha(tok), stored)

	acc, sessTok, err := b.svc.AcceptInvitation(b.ctx, identity.AcceptInvitationInput{
		Token: tok, Password: password, DisplayName: "Urzędniczka", Locale: i18n.PL,
	}, identity.ClientMeta{UserAgent: "browser"})
	require.NoError(t, err)
	require.Equal(t, "official@example.com", acc.Email)
	require.True(t, acc.EmailConfirmed, "the invitation link proved the address")
	authed, _, err := b.svc.Authenticate(b.ctx, sessTok)
	require.NoError(t, err)
	require.Equal(t, acc, authed)

	// The official now acts in their unit, and only there.
	ctx := b.as(acc)
	require.True(t, authz.Can(ctx, "invite_ballot_officer", authz.Object{Type: "invitation", Domains: []string{unit}}))
	require.False(t, authz.Can(ctx, "invite_ballot_officer", authz.Object{Type: "invitation", Domains: []string{other}}))
	require.False(t, authz.Can(ctx, "invite_official", authz.Object{Type: "invitation", Domains: []string{unit}}))
	var grantedBy uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select granted_by from role_grants where account_id = $1 and role = 'official' and domain = $2`,
		acc.ID, unit).Scan(&grantedBy))
	require.Equal(t, admin.ID, grantedBy)

	_, _, err = b.svc.AcceptInvitation(b.ctx, identity.AcceptInvitationInput{Token: tok, Password: password, DisplayName: "Again"}, identity.ClientMeta{})
	require.ErrorIs(t, err, identity.ErrInvitationInvalid)
	require.Equal(t, "token", err.(*apperr.Error).Field)

	// Revoking an accepted invitation is a conflict: the role is revoked instead.
	_, err = b.svc.RevokeInvitation(adminCtx, inv.ID)
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "invitation.accepted"))
}

func TestInvitation_ExistingAccountMustProveItsPassword(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, adminCtx := b.admin(t)
	resident, _ := b.signUp(t, "resident@example.com")
	require.False(t, resident.EmailConfirmed)

	_, err := b.svc.Invite(adminCtx, identity.InviteInput{Email: "resident@example.com", Role: "coordinator"})
	require.NoError(t, err)
	tok := b.secretToken(t, notify.KindInvitation, uuid.Nil, "resident@example.com")

	_, _, err = b.svc.AcceptInvitation(b.ctx, identity.AcceptInvitationInput{Token: tok, Password: "someone else's guess"}, identity.ClientMeta{})
	require.Equal(t, identity.ErrInvalidCredentials, err)
	require.False(t, authz.Can(b.as(resident), "invite_official", authz.Object{Type: "invitation", Domains: []string{"*"}}))

	// The failed attempt did not use the invitation up.
	acc, _, err := b.svc.AcceptInvitation(b.ctx, identity.AcceptInvitationInput{Token: tok, Password: password, DisplayName: "Ignored"}, identity.ClientMeta{})
	require.NoError(t, err)
	require.Equal(t, resident.ID, acc.ID)
	require.Equal(t, resident.DisplayName, acc.DisplayName)
	require.True(t, acc.EmailConfirmed)
	require.True(t, authz.Can(b.as(acc), "invite_official", authz.Object{Type: "invitation", Domains: []string{"*"}}))
}

func TestInvitation_RevokedExpiredAndSupersededInvitationsCannotBeAccepted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, adminCtx := b.admin(t)
	accept := func(tok string) error {
		_, _, err := b.svc.AcceptInvitation(b.ctx, identity.AcceptInvitationInput{Token: tok, Password: password, DisplayName: "X"}, identity.ClientMeta{})
		return err
	}

	revoked, err := b.svc.Invite(adminCtx, identity.InviteInput{Email: "revoked@example.com", Role: "admin", Domain: "*"})
	require.NoError(t, err)
	tok := b.secretToken(t, notify.KindInvitation, uuid.Nil, "revoked@example.com")
	got, err := b.svc.RevokeInvitation(adminCtx, revoked.ID)
	require.NoError(t, err)
	require.NotNil(t, got.RevokedAt)
	_, err = b.svc.RevokeInvitation(adminCtx, revoked.ID)
	require.NoError(t, err, "revoking twice is harmless")
	require.ErrorIs(t, accept(tok), identity.ErrInvitationInvalid)

	_, err = b.svc.Invite(adminCtx, identity.InviteInput{Email: "expired@example.com", Role: "coordinator"})
	require.NoError(t, err)
	tok = b.secretToken(t, notify.KindInvitation, uuid.Nil, "expired@example.com")
	_, err = b.pool.Exec(b.ctx, "update invitations set expires_at = now() - interval '1 second' where email = 'expired@example.com'")
	require.NoError(t, err)
	require.ErrorIs(t, accept(tok), identity.ErrInvitationInvalid)

	// A newer invitation to the same role replaces the older one.
	_, err = b.svc.Invite(adminCtx, identity.InviteInput{Email: "twice@example.com", Role: "coordinator"})
	require.NoError(t, err)
	first := b.secretToken(t, notify.KindInvitation, uuid.Nil, "twice@example.com")
	_, err = b.svc.Invite(adminCtx, identity.InviteInput{Email: "twice@example.com", Role: "coordinator"})
	require.NoError(t, err)
	second := b.secretToken(t, notify.KindInvitation, uuid.Nil, "twice@example.com")
	require.ErrorIs(t, accept(first), identity.ErrInvitationInvalid)
	require.NoError(t, accept(second))

	require.ErrorIs(t, accept("garbage"), identity.ErrInvitationInvalid)
	require.ErrorIs(t, accept(""), identity.ErrInvitationInvalid)
}

func TestInvite_IsAuthorisedAndValidated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, adminCtx := b.admin(t)
	unit := b.cityUnit(t, "wydzial")
	resident, _ := b.signUp(t, "plain@example.com")

	_, err := b.svc.Invite(b.ctx, identity.InviteInput{Email: "x@example.com", Role: "official", Domain: unit})
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.Invite(b.as(resident), identity.InviteInput{Email: "x@example.com", Role: "official", Domain: unit})
	require.ErrorIs(t, err, apperr.ErrForbidden)

	// A coordinator may invite officials but not admins.
	coordinator, _ := b.signUp(t, "coord@example.com")
	_, err = b.svc.Invite(adminCtx, identity.InviteInput{Email: "coord@example.com", Role: "coordinator"})
	require.NoError(t, err)
	_, _, err = b.svc.AcceptInvitation(b.ctx, identity.AcceptInvitationInput{
		Token: b.secretToken(t, notify.KindInvitation, uuid.Nil, "coord@example.com"), Password: password,
	}, identity.ClientMeta{})
	require.NoError(t, err)
	coordCtx := b.as(coordinator)
	_, err = b.svc.Invite(coordCtx, identity.InviteInput{Email: "o@example.com", Role: "official", Domain: unit})
	require.NoError(t, err)
	_, err = b.svc.Invite(coordCtx, identity.InviteInput{Email: "a@example.com", Role: "admin"})
	require.ErrorIs(t, err, apperr.ErrForbidden)

	invalid := []struct {
		in    identity.InviteInput
		field string
	}{
		{identity.InviteInput{Email: "x@example.com", Role: "resident"}, "role"},
		{identity.InviteInput{Email: "x@example.com", Role: "official"}, "organisationId"},
		{identity.InviteInput{Email: "x@example.com", Role: "official", Domain: "*"}, "organisationId"},
		{identity.InviteInput{Email: "x@example.com", Role: "official", Domain: "org:not-a-uuid"}, "organisationId"},
		{identity.InviteInput{Email: "x@example.com", Role: "official", Domain: authz.Domain("org", uuid.New())}, "organisationId"},
		{identity.InviteInput{Email: "x@example.com", Role: "official", Domain: authz.Domain("edition", uuid.New())}, "organisationId"},
		{identity.InviteInput{Email: "x@example.com", Role: "coordinator", Domain: unit}, "domain"},
		{identity.InviteInput{Email: "Bob <x@example.com>", Role: "official", Domain: unit}, "email"},
	}
	for _, c := range invalid {
		_, err := b.svc.Invite(adminCtx, c.in)
		var e *apperr.Error
		require.ErrorAs(t, err, &e, c.in)
		require.Equal(t, apperr.InvalidInput, e.Code, c.in)
		require.Equal(t, c.field, e.Field, c.in)
	}

	// Someone who could not have made an invitation cannot see it to revoke it.
	inv, err := b.svc.Invite(adminCtx, identity.InviteInput{Email: "n@example.com", Role: "admin"})
	require.NoError(t, err)
	_, err = b.svc.RevokeInvitation(coordCtx, inv.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.RevokeInvitation(adminCtx, uuid.New())
	require.ErrorIs(t, err, apperr.ErrNotFound)
}

func TestAcceptInvitation_ValidatesANewAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, adminCtx := b.admin(t)
	_, err := b.svc.Invite(adminCtx, identity.InviteInput{Email: "fresh@example.com", Role: "coordinator"})
	require.NoError(t, err)
	tok := b.secretToken(t, notify.KindInvitation, uuid.Nil, "fresh@example.com")

	_, _, err = b.svc.AcceptInvitation(b.ctx, identity.AcceptInvitationInput{Token: tok, Password: "short", DisplayName: "Fresh"}, identity.ClientMeta{})
	require.ErrorIs(t, err, apperr.Invalid("password", "auth.password_too_short"))
	_, _, err = b.svc.AcceptInvitation(b.ctx, identity.AcceptInvitationInput{Token: tok, Password: password}, identity.ClientMeta{})
	require.ErrorIs(t, err, apperr.Invalid("displayName", "auth.display_name_invalid"))
	acc, _, err := b.svc.AcceptInvitation(b.ctx, identity.AcceptInvitationInput{Token: tok, Password: password, DisplayName: "Fresh"}, identity.ClientMeta{})
	require.NoError(t, err)
	require.Equal(t, i18n.PL, acc.Locale)
	require.Len(t, b.notices(t, notify.KindWelcome, acc.ID, ""), 1)
}

func TestGrantAndRevokeRole(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin, adminCtx := b.admin(t)
	unit := b.cityUnit(t, "wydzial")
	person, _ := b.signUp(t, "person@example.com")
	stranger, _ := b.signUp(t, "stranger@example.com")

	require.ErrorIs(t, b.svc.GrantRole(b.ctx, person.ID, "official", unit), apperr.ErrUnauthenticated)
	require.ErrorIs(t, b.svc.GrantRole(b.as(stranger), person.ID, "official", unit), apperr.ErrForbidden)
	require.ErrorIs(t, b.svc.GrantRole(adminCtx, uuid.New(), "official", unit), apperr.ErrNotFound)
	require.ErrorIs(t, b.svc.GrantRole(adminCtx, person.ID, "official", authz.Domain("org", uuid.New())), apperr.Invalid("organisationId", "input.id_invalid"))

	require.NoError(t, b.svc.GrantRole(adminCtx, person.ID, "official", unit))
	require.NoError(t, b.svc.GrantRole(adminCtx, person.ID, "official", unit), "granting twice is harmless")
	roles, err := b.svc.Roles(b.ctx, person.ID)
	require.NoError(t, err)
	require.Len(t, roles, 1)
	require.Equal(t, "official", roles[0].Role)
	require.Equal(t, unit, roles[0].Domain)
	require.Equal(t, &admin.ID, roles[0].GrantedBy)
	require.True(t, authz.Can(b.as(person), "invite_ballot_officer", authz.Object{Type: "invitation", Domains: []string{unit}}))

	require.NoError(t, b.svc.RevokeRole(adminCtx, person.ID, "official", unit))
	roles, err = b.svc.Roles(b.ctx, person.ID)
	require.NoError(t, err)
	require.Empty(t, roles)
	require.False(t, authz.Can(b.as(person), "invite_ballot_officer", authz.Object{Type: "invitation", Domains: []string{unit}}))

	// The last admin stays; with a second one, either may go.
	require.ErrorIs(t, b.svc.RevokeRole(adminCtx, admin.ID, "admin", "*"), apperr.New(apperr.Conflict, ""))
	require.NoError(t, b.svc.GrantRole(adminCtx, person.ID, "admin", "*"))
	require.NoError(t, b.svc.RevokeRole(adminCtx, admin.ID, "admin", "*"))
	adminRoles, err := b.svc.Roles(b.ctx, admin.ID)
	require.NoError(t, err)
	require.Empty(t, adminRoles)
}
