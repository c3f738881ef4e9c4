package org_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/page"
	"github.com/otwarty/otwarty/internal/pgtest"
)

type fixture struct {
	ctx         context.Context
	pool        *pgxpool.Pool
	az          *authz.Authorizer
	svc         *org.Service
	coordinator uuid.UUID
	resident    uuid.UUID
}

func setup(t *testing.T) fixture {
	t.Helper()
	f := fixture{ctx: context.Background(), pool: pgtest.Pool(t)}
	f.coordinator = f.account(t, "coordinator")
	f.resident = f.account(t, "resident")
	_, err := f.pool.Exec(f.ctx, `insert into role_grants (account_id, role, domain) values ($1, 'coordinator', '*')`, f.coordinator)
	require.NoError(t, err)
	f.az, err = authz.New(f.ctx, f.pool, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	f.svc = org.New(f.pool, f.az)
	return f
}

func (f fixture) account(t *testing.T, name string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, f.pool.QueryRow(f.ctx, `insert into accounts (email, password_hash, display_name, locale)
		values ($1, 'x', $2, 'pl') returning id`, name+"@example.org", name).Scan(&id))
	return id
}

// as is a request context of accountID (uuid.Nil: anonymous).
func (f fixture) as(accountID uuid.UUID) context.Context {
	ctx := authz.WithAuthorizer(f.ctx, f.az)
	if accountID == uuid.Nil {
		return ctx
	}
	return authz.WithSubject(ctx, authz.Subject{AccountID: accountID, Confirmed: true})
}

func (f fixture) create(t *testing.T, name, slug string) org.Organisation {
	t.Helper()
	o, err := f.svc.Create(f.as(f.coordinator), org.CreateInput{Kind: org.KindNGO, Name: name, Slug: slug})
	require.NoError(t, err)
	return o
}

// withManager creates an organisation and makes a new account its manager.
func (f fixture) withManager(t *testing.T, slug string) (org.Organisation, uuid.UUID) {
	t.Helper()
	o := f.create(t, "Organizacja "+slug, slug)
	manager := f.account(t, "manager-"+slug)
	_, err := f.svc.AddMember(f.as(f.coordinator), o.ID, manager, org.RoleManager)
	require.NoError(t, err)
	return o, manager
}

func (f fixture) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, f.pool.QueryRow(f.ctx, sql, args...).Scan(&n))
	return n
}

func (f fixture) auditActions(t *testing.T, orgID uuid.UUID) []string {
	t.Helper()
	rows, err := f.pool.Query(f.ctx, `select action from audit_log where object_type = 'organisation' and object_id = $1 order by created_at`, orgID.String())
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		out = append(out, a)
	}
	require.NoError(t, rows.Err())
	return out
}

func requireAppErr(t *testing.T, err error, code apperr.Code, key, field string) {
	t.Helper()
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, code, e.Code)
	require.Equal(t, key, e.Key)
	require.Equal(t, field, e.Field)
}

func TestCreate_CoordinatorCreatesWithDescription(t *testing.T) {
	t.Parallel()
	f := setup(t)
	o, err := f.svc.Create(f.as(f.coordinator), org.CreateInput{
		Kind: org.KindMinorityOrganisation, Name: "  Stowarzyszenie Ukraińców w Krakowie ", Slug: "ukraincy-krakow",
		Description: &i18n.Input{Locale: i18n.UK, Text: "Об'єднуємо українців Кракова."},
	})
	require.NoError(t, err)
	require.Equal(t, "Stowarzyszenie Ukraińców w Krakowie", o.Name)
	require.Equal(t, org.KindMinorityOrganisation, o.Kind)
	require.Equal(t, f.coordinator, o.CreatedBy)
	require.NotEqual(t, uuid.Nil, o.DescriptionTextID)

	got, err := f.svc.Get(f.ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, o.ID, got.ID)
	require.Equal(t, o.Slug, got.Slug)
	require.Equal(t, o.DescriptionTextID, got.DescriptionTextID)
	require.True(t, o.CreatedAt.Equal(got.CreatedAt))

	texts, err := i18n.Load(f.ctx, f.pool, []uuid.UUID{o.DescriptionTextID})
	require.NoError(t, err)
	desc := texts[o.DescriptionTextID]
	require.Equal(t, i18n.UK, desc.OriginalLocale)
	require.Equal(t, f.coordinator, desc.AuthorID)
	require.Equal(t, []string{"org:" + o.ID.String()}, desc.Domains)
	require.Equal(t, "Об'єднуємо українців Кракова.", desc.Resolve(i18n.PL).Text)

	require.Equal(t, []string{"org.create"}, f.auditActions(t, o.ID))

	_, err = f.svc.Get(f.ctx, uuid.New())
	require.ErrorIs(t, err, apperr.ErrNotFound)
}

func TestCreate_RefusesResidentAndAnonymous(t *testing.T) {
	t.Parallel()
	f := setup(t)
	in := org.CreateInput{Kind: org.KindNGO, Name: "Fundacja", Slug: "fundacja"}
	_, err := f.svc.Create(f.as(f.resident), in)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = f.svc.Create(f.as(uuid.Nil), in)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	// Anonymous callers are refused before their input is looked at.
	_, err = f.svc.Create(f.as(uuid.Nil), org.CreateInput{Kind: "club"})
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	require.Equal(t, 0, f.count(t, "select count(*) from organisations"))
}

func TestCreate_DuplicateSlugIsConflict(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.create(t, "Fundacja Emic", "emic")
	_, err := f.svc.Create(f.as(f.coordinator), org.CreateInput{
		Kind: org.KindNGO, Name: "Inna Fundacja", Slug: "emic",
		Description: &i18n.Input{Locale: i18n.PL, Text: "Opis"},
	})
	require.ErrorIs(t, err, org.ErrSlugTaken)
	requireAppErr(t, err, apperr.Conflict, "org.slug_taken", "")
	require.Equal(t, 1, f.count(t, "select count(*) from organisations"))
	require.Equal(t, 0, f.count(t, "select count(*) from texts"), "the refused organisation's description is rolled back")
}

func TestCreate_ValidatesInput(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := f.as(f.coordinator)
	ok := org.CreateInput{Kind: org.KindCityUnit, Name: "Wydział Polityki Społecznej", Slug: "wps"}
	with := func(change func(*org.CreateInput)) error {
		in := ok
		change(&in)
		_, err := f.svc.Create(ctx, in)
		return err
	}
	requireAppErr(t, with(func(in *org.CreateInput) { in.Kind = "club" }), apperr.InvalidInput, "org.kind_invalid", "kind")
	for _, name := range []string{"", "   ", strings.Repeat("n", org.MaxNameRunes+1), "a\x00b"} {
		requireAppErr(t, with(func(in *org.CreateInput) { in.Name = name }), apperr.InvalidInput, "org.name_invalid", "name")
	}
	for _, slug := range []string{"", "WPS", "-wps", "w_p_s", "wydział", "w ps", strings.Repeat("a", 82)} {
		requireAppErr(t, with(func(in *org.CreateInput) { in.Slug = slug }), apperr.InvalidInput, "org.slug_invalid", "slug")
	}
	requireAppErr(t, with(func(in *org.CreateInput) { in.Description = &i18n.Input{Locale: i18n.PL, Text: " "} }),
		apperr.InvalidInput, "text.empty", "description.text")
	requireAppErr(t, with(func(in *org.CreateInput) { in.Description = &i18n.Input{Locale: "ua", Text: "Опис"} }),
		apperr.InvalidInput, "text.locale_invalid", "description.locale")
	require.Equal(t, 0, f.count(t, "select count(*) from organisations"))

	// The longest name and slug the table takes are accepted.
	require.NoError(t, with(func(in *org.CreateInput) {
		in.Name = strings.Repeat("ż", org.MaxNameRunes)
		in.Slug = "0" + strings.Repeat("-", 80)
	}))
}

func TestUpdate_ManagerRenamesOwnOrganisationOnly(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a, managerA := f.withManager(t, "a")
	b, managerB := f.withManager(t, "b")

	name := "Nowa nazwa"
	o, err := f.svc.Update(f.as(managerA), a.ID, org.UpdateInput{Name: &name})
	require.NoError(t, err)
	require.Equal(t, name, o.Name)
	require.Equal(t, a.Slug, o.Slug)

	_, err = f.svc.Update(f.as(managerB), a.ID, org.UpdateInput{Name: &name})
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = f.svc.Update(f.as(managerA), b.ID, org.UpdateInput{Name: &name})
	require.ErrorIs(t, err, apperr.ErrForbidden)
	empty := " "
	_, err = f.svc.Update(f.as(managerA), a.ID, org.UpdateInput{Name: &empty})
	requireAppErr(t, err, apperr.InvalidInput, "org.name_invalid", "name")
	_, err = f.svc.Update(f.as(f.coordinator), uuid.New(), org.UpdateInput{Name: &name})
	require.ErrorIs(t, err, apperr.ErrNotFound)

	// authz.For's order: anonymous first, then an unknown organisation, then
	// the permission, then the input.
	_, err = f.svc.Update(context.Background(), uuid.New(), org.UpdateInput{Name: &empty})
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = f.svc.Update(f.as(managerB), uuid.New(), org.UpdateInput{Name: &empty})
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = f.svc.Update(f.as(managerB), a.ID, org.UpdateInput{Name: &empty})
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = f.svc.AddMember(f.as(managerB), uuid.New(), uuid.New(), "nope")
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = f.svc.AddMember(f.as(managerB), a.ID, uuid.New(), "nope")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	require.ErrorIs(t, f.svc.RemoveMember(context.Background(), a.ID, uuid.New()), apperr.ErrUnauthenticated)

	// Renaming to the same name changes nothing and audits nothing.
	_, err = f.svc.Update(f.as(managerA), a.ID, org.UpdateInput{Name: &name})
	require.NoError(t, err)
	require.Equal(t, []string{"org.create", "org.member.add", "org.update"}, f.auditActions(t, a.ID))
}

func TestByIDs_ReturnsKnownOrganisations(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a := f.create(t, "A", "a")
	b := f.create(t, "B", "b")
	got, err := f.svc.ByIDs(f.ctx, []uuid.UUID{a.ID, uuid.New(), b.ID, a.ID})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, "a", got[a.ID].Slug)
	require.Equal(t, "b", got[b.ID].Slug)
	none, err := f.svc.ByIDs(f.ctx, nil)
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestList_PaginatesExactly(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := f.as(f.coordinator)
	// Two "Delta"s: ties on name are broken by id.
	for i, name := range []string{"Golf", "Alfa", "Delta", "Charlie", "Delta", "Bravo", "Echo"} {
		kind := org.KindNGO
		if i%3 == 0 {
			kind = org.KindCityUnit
		}
		_, err := f.svc.Create(ctx, org.CreateInput{Kind: kind, Name: name, Slug: "org-" + string(rune('a'+i))})
		require.NoError(t, err)
	}
	var want []uuid.UUID
	rows, err := f.pool.Query(f.ctx, "select id from organisations order by name, id")
	require.NoError(t, err)
	for rows.Next() {
		var id uuid.UUID
		require.NoError(t, rows.Scan(&id))
		want = append(want, id)
	}
	require.NoError(t, rows.Err())

	var (
		got      []uuid.UUID
		names    []string
		after    string
		hasNexts []bool
	)
	for {
		pg1, err := f.svc.List(f.ctx, org.Filter{}, 3, after)
		page, hasNext, total := pg1.Items, pg1.HasNext, pg1.Total
		require.NoError(t, err)
		require.Equal(t, 7, total)
		for _, o := range page {
			got = append(got, o.ID)
			names = append(names, o.Name)
		}
		hasNexts = append(hasNexts, hasNext)
		if !hasNext {
			break
		}
		after = page[len(page)-1].Cursor()
	}
	require.Equal(t, want, got)
	require.Equal(t, []string{"Alfa", "Bravo", "Charlie", "Delta", "Delta", "Echo", "Golf"}, names)
	require.Equal(t, []bool{true, true, false}, hasNexts)

	// An exact multiple of the page size ends without an empty page.
	pg2, err := f.svc.List(f.ctx, org.Filter{}, 7, "")
	page, hasNext := pg2.Items, pg2.HasNext
	require.NoError(t, err)
	require.Len(t, page, 7)
	require.False(t, hasNext)

	cityUnit := org.KindCityUnit
	pg3, err := f.svc.List(f.ctx, org.Filter{Kind: &cityUnit}, 2, "")
	page, hasNext, total := pg3.Items, pg3.HasNext, pg3.Total
	require.NoError(t, err)
	require.Equal(t, 3, total) // Golf, Charlie, Echo
	require.True(t, hasNext)
	require.Equal(t, []string{"Charlie", "Echo"}, []string{page[0].Name, page[1].Name})
	pg4, err := f.svc.List(f.ctx, org.Filter{Kind: &cityUnit}, 2, page[1].Cursor())
	page, hasNext = pg4.Items, pg4.HasNext
	require.NoError(t, err)
	require.False(t, hasNext)
	require.Len(t, page, 1)
	require.Equal(t, "Golf", page[0].Name)
}

func TestList_RejectsBadPageSizeCursorAndKind(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, first := range []int{-1, page.MaxSize + 1} {
		_, err := f.svc.List(f.ctx, org.Filter{}, first, "")
		requireAppErr(t, err, apperr.InvalidInput, "input.page_size", "first")
		var e *apperr.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, map[string]any{"max": page.MaxSize}, e.Args)
	}
	for _, after := range []string{"x", "!!!", "e30"} { // e30 is "{}"
		_, err := f.svc.List(f.ctx, org.Filter{}, 10, after)
		requireAppErr(t, err, apperr.InvalidInput, "input.cursor_invalid", "after")
	}
	club := "club"
	_, err := f.svc.List(f.ctx, org.Filter{Kind: &club}, 10, "")
	requireAppErr(t, err, apperr.InvalidInput, "org.kind_invalid", "filter.kind")
}
