package authz_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

var auditLog = authz.Object{Type: "audit_log"}

func TestGrant_AppliesAtCommitAndAudits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin, coordinator := b.account(t, "admin"), b.account(t, "coordinator")
	b.grant(t, admin, authz.RoleAdmin, "*")
	require.False(t, can(b.az, signedIn(coordinator), "read", auditLog))

	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		if err := b.az.Grant(b.ctx, tx, coordinator, authz.RoleCoordinator, "*", admin); err != nil {
			return err
		}
		// Not before the commit.
		require.False(t, can(b.az, signedIn(coordinator), "read", auditLog))
		// Granting twice is harmless and audited once.
		return b.az.Grant(b.ctx, tx, coordinator, authz.RoleCoordinator, "*", admin)
	}))
	require.True(t, can(b.az, signedIn(coordinator), "read", auditLog))

	var actor uuid.UUID
	var objectID, role, domain string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select actor_id, object_id, data->>'role', data->>'domain'
		from audit_log where action = 'role.grant' and object_type = 'account' and object_id = $1`,
		coordinator.String()).Scan(&actor, &objectID, &role, &domain))
	require.Equal(t, admin, actor)
	require.Equal(t, []string{coordinator.String(), "coordinator", "*"}, []string{objectID, role, domain})

	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.Revoke(b.ctx, tx, coordinator, authz.RoleCoordinator, "*", admin)
	}))
	require.False(t, can(b.az, signedIn(coordinator), "read", auditLog))
	b.revoke(t, coordinator, authz.RoleCoordinator, "*") // revoking again does nothing
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where object_id = $1 and action = 'role.revoke'`,
		coordinator.String()).Scan(&n))
	require.Equal(t, 1, n)
}

func TestGrant_RolledBackHasNoEffect(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc := b.account(t, "acc")
	boom := errors.New("boom")
	err := db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		require.NoError(t, b.az.Grant(b.ctx, tx, acc, authz.RoleAdmin, "*", uuid.Nil))
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.False(t, can(b.az, signedIn(acc), "read", auditLog))

	// Nor after a reload: nothing was written.
	require.NoError(t, b.az.Reload(b.ctx))
	require.False(t, can(b.az, signedIn(acc), "read", auditLog))
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select (select count(*) from role_grants) + (select count(*) from audit_log)`).Scan(&n))
	require.Zero(t, n)
}

func TestGrant_RejectsRoleInWrongDomain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc := b.account(t, "acc")
	unit := authz.Domain("org", uuid.New())
	tests := []struct {
		role, domain string
		field        string
	}{
		{authz.RoleOfficial, "*", "domain"},
		{authz.RoleOfficial, authz.Domain("consultation", uuid.New()), "domain"},
		{authz.RoleAdmin, unit, "domain"},
		{authz.RoleCoordinator, unit, "domain"},
		{authz.RoleModerator, "*", "domain"},
		{authz.RoleModerator, "consultation:42", "domain"},
		{authz.RoleNGOMember, unit, "role"}, // derived from membership, never granted
		{authz.RoleResident, "*", "role"},
		{"superuser", "*", "role"},
		{authz.RoleTranslator, unit, "domain"}, // global, or for a kind of information page
	}
	for _, tt := range tests {
		err := db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
			return b.az.Grant(b.ctx, tx, acc, tt.role, tt.domain, uuid.Nil)
		})
		require.ErrorIs(t, err, apperr.Invalid(tt.field, ""), "%s in %s", tt.role, tt.domain)
		var e *apperr.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, tt.field, e.Field)
	}
	err := db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.Grant(b.ctx, tx, uuid.New(), authz.RoleOfficial, unit, uuid.Nil)
	})
	require.ErrorIs(t, err, apperr.ErrNotFound)
	err = db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.GrantGroup(b.ctx, tx, authz.OrgModerators(uuid.New()), authz.RoleAdmin, "*", uuid.Nil)
	})
	require.ErrorIs(t, err, apperr.Invalid("role", ""))
	err = db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.GrantGroup(b.ctx, tx, "group:everyone", authz.RoleModerator, authz.Domain("consultation", uuid.New()), uuid.Nil)
	})
	require.ErrorIs(t, err, apperr.Invalid("group", ""))
}

func TestDomainsWithRole_ReadsTheGrantTables(t *testing.T) {
	t.Parallel()
	b := setup(t)
	unit, ngo := b.organisation(t, "city_unit"), b.organisation(t, "ngo")
	c1, c2 := authz.Domain("consultation", uuid.New()), authz.Domain("consultation", uuid.New())
	acc := b.account(t, "acc")
	b.grant(t, acc, authz.RoleOfficial, authz.Domain("org", unit))
	b.grant(t, acc, authz.RoleModerator, c1)
	b.member(t, ngo, acc, "moderator")
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		return b.az.GrantGroup(b.ctx, tx, authz.OrgModerators(ngo), authz.RoleModerator, c2, uuid.Nil)
	}))

	got := func(role string) []string {
		d, err := authz.DomainsWithRole(b.ctx, b.pool, acc, role)
		require.NoError(t, err)
		return d
	}
	require.ElementsMatch(t, []string{c1, c2}, got(authz.RoleModerator))
	require.Equal(t, []string{authz.Domain("org", unit)}, got(authz.RoleOfficial))
	require.Equal(t, []string{authz.Domain("org", ngo)}, got(authz.RoleNGOMember))
	// Casbin agrees, domain by domain.
	s := signedIn(acc)
	for _, d := range []string{c1, c2, authz.Domain("consultation", uuid.New())} {
		want := d == c1 || d == c2
		require.Equal(t, want, can(b.az, s, "translate", authz.Object{Type: "text", OwnerID: uuid.New(), Domains: []string{d}}))
	}

	require.Empty(t, got(authz.RoleCoordinator))
	b.grant(t, acc, authz.RoleCoordinator, "*")
	require.Equal(t, []string{"*"}, got(authz.RoleCoordinator))
	_, err := authz.DomainsWithRole(b.ctx, b.pool, acc, authz.RoleResident)
	require.Error(t, err)
}
