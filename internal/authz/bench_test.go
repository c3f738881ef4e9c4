package authz_test

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/authz"
)

// BenchmarkCan checks an official's permission on an object with three
// domains, with many grants loaded (1,000 organisations with members and
// moderators, their groups assigned to consultations, 1,000 officials).
func BenchmarkCan(b *testing.B) {
	bd := setup(b)
	_, err := bd.pool.Exec(bd.ctx, `
		with a as (
			insert into accounts (email, password_hash, display_name, locale)
			select 'acc' || i || '@example.org', 'x', 'A', 'pl' from generate_series(1, 3000) i returning id),
		o as (
			insert into organisations (kind, name, slug)
			select 'ngo', 'O', 'o-' || i from generate_series(1, 1000) i returning id),
		ao as (select a.id as account_id, o.id as organisation_id, row_number() over () as n
			from (select id, row_number() over () as k from a) a
			join (select id, row_number() over () as k from o) o on o.k = (a.k % 1000) + 1),
		m as (
			insert into organisation_members (organisation_id, account_id, role)
			select organisation_id, account_id, case when n % 3 = 0 then 'moderator' else 'member' end from ao returning 1),
		g as (
			insert into group_grants (subject, role, domain)
			select 'group:org:' || id || ':moderators', 'moderator', 'consultation:' || gen_random_uuid() from o returning 1)
		insert into role_grants (account_id, role, domain)
		select id, 'official', 'org:' || gen_random_uuid() from a limit 1000`)
	if err != nil {
		b.Fatal(err)
	}
	unit := uuid.New()
	official := signedIn(bd.account(b, "official"))
	bd.grant(b, official.AccountID, authz.RoleOfficial, authz.Domain("org", unit))
	if err := bd.az.Reload(bd.ctx); err != nil {
		b.Fatal(err)
	}
	obj := authz.Object{Type: "text", OwnerID: uuid.New(), Domains: []string{
		authz.Domain("org", unit), authz.Domain("consultation", uuid.New()), authz.Domain("budget_edition", uuid.New())}}
	if !can(bd.az, official, "translate", obj) {
		b.Fatal("official cannot translate in their unit")
	}
	for _, tc := range []struct {
		name string
		sub  authz.Subject
	}{{"allowed", official}, {"denied", signedIn(uuid.New())}} {
		b.Run(fmt.Sprint(tc.name), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				can(bd.az, tc.sub, "translate", obj)
			}
		})
	}
}
