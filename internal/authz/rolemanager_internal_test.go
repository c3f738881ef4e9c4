package authz

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoleManager_GlobalLinksApplyInEveryDomain(t *testing.T) {
	t.Parallel()
	rm := newRoleManager(4)
	rm.AddDomainMatchingFunc("domainMatch", domainMatch)
	require.NoError(t, rm.AddLink("user:a", "admin", "*"))
	require.NoError(t, rm.AddLink("user:a", "group:org:n:moderators", "*"))
	require.NoError(t, rm.AddLink("group:org:n:moderators", "moderator", "consultation:c"))
	require.NoError(t, rm.AddLink("user:b", "official", "org:u"))

	has := func(name, role, domain string) bool {
		ok, err := rm.HasLink(name, role, domain)
		require.NoError(t, err)
		return ok
	}
	require.True(t, has("user:a", "admin", "*"))
	require.True(t, has("user:a", "admin", "org:u"), "a global link applies in any domain")
	require.True(t, has("user:a", "admin", "never-seen"))
	require.True(t, has("user:a", "moderator", "consultation:c"), "two hops: global group link, scoped group role")
	require.False(t, has("user:a", "moderator", "consultation:d"))
	require.False(t, has("user:a", "moderator", "*"))
	require.True(t, has("user:b", "official", "org:u"))
	require.False(t, has("user:b", "official", "org:v"))
	require.False(t, has("user:b", "official", "*"), "a scoped link does not apply globally")

	roles, _ := rm.GetImplicitRoles("user:a", "consultation:c")
	require.Equal(t, []string{"admin", "group:org:n:moderators", "moderator"}, roles)
	users, _ := rm.GetImplicitUsers("moderator", "consultation:c")
	require.Equal(t, []string{"group:org:n:moderators", "user:a"}, users)
	domains, _ := rm.GetDomains("user:a")
	require.Equal(t, []string{"*"}, domains)

	require.NoError(t, rm.DeleteLink("user:a", "group:org:n:moderators", "*"))
	require.False(t, has("user:a", "moderator", "consultation:c"))
	require.NoError(t, rm.DeleteLink("user:b", "official", "org:u"))
	all, _ := rm.GetAllDomains()
	require.Equal(t, []string{"*", "consultation:c"}, all)
}

func TestRoleManager_HopLimit(t *testing.T) {
	t.Parallel()
	rm := newRoleManager(2)
	rm.AddDomainMatchingFunc("domainMatch", domainMatch)
	require.NoError(t, rm.AddLink("a", "b", "*"))
	require.NoError(t, rm.AddLink("b", "c", "*"))
	require.NoError(t, rm.AddLink("c", "d", "*"))
	ok, _ := rm.HasLink("a", "c", "x")
	require.True(t, ok)
	ok, _ = rm.HasLink("a", "d", "x")
	require.False(t, ok)
}

func TestParseCondition(t *testing.T) {
	t.Parallel()
	notGlobal, err := parseCondition("attr:role!=admin|coordinator")
	require.NoError(t, err)
	is, err := parseCondition("attr:state=published")
	require.NoError(t, err)
	req := func(attrs map[string]string) *request { return &request{obj: Object{Attrs: attrs}} }
	require.True(t, notGlobal(req(map[string]string{"role": "official"})))
	require.False(t, notGlobal(req(map[string]string{"role": "admin"})))
	require.False(t, notGlobal(req(nil)), "a missing attribute never matches")
	require.True(t, is(req(map[string]string{"state": "published"})))
	require.False(t, is(req(map[string]string{"state": "draft"})))
	require.False(t, is(req(nil)))
	for _, bad := range []string{"", "owns", "attr:", "attr:role", "attr:=x", "attr:role="} {
		_, err := parseCondition(bad)
		require.Error(t, err, bad)
	}
}
