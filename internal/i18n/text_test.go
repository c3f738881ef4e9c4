package i18n_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/pgtest"
)

type fixture struct {
	ctx               context.Context
	pool              *pgxpool.Pool
	alice, bob, carol uuid.UUID
}

func setup(t *testing.T) fixture {
	t.Helper()
	f := fixture{ctx: context.Background(), pool: pgtest.Pool(t)}
	f.alice = f.account(t, "alice")
	f.bob = f.account(t, "bob")
	f.carol = f.account(t, "carol")
	return f
}

func (f fixture) account(t *testing.T, name string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, f.pool.QueryRow(f.ctx, `insert into accounts (email, password_hash, display_name, locale)
		values ($1, 'x', $2, 'pl') returning id`, name+"@example.org", name).Scan(&id))
	return id
}

func (f fixture) create(t *testing.T, l i18n.Locale, body string, author uuid.UUID) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, db.InTx(f.ctx, f.pool, func(tx *db.Tx) error {
		var err error
		id, err = i18n.CreateText(f.ctx, tx, l, body, author, []string{"org:" + uuid.NewString()})
		return err
	}))
	return id
}

func (f fixture) add(textID uuid.UUID, l i18n.Locale, body string, author uuid.UUID, source string) (i18n.Version, error) {
	var v i18n.Version
	err := db.InTx(f.ctx, f.pool, func(tx *db.Tx) error {
		var err error
		v, err = i18n.AddVersion(f.ctx, tx, textID, l, body, author, source)
		return err
	})
	return v, err
}

func (f fixture) load(t *testing.T, id uuid.UUID) *i18n.Text {
	t.Helper()
	m, err := i18n.Load(f.ctx, f.pool, []uuid.UUID{id})
	require.NoError(t, err)
	require.Contains(t, m, id)
	return m[id]
}

func requireAppErr(t *testing.T, err error, code apperr.Code, key, field string) {
	t.Helper()
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, code, e.Code)
	require.Equal(t, key, e.Key)
	require.Equal(t, field, e.Field)
}

func TestCreateText_ValidatesLocaleAndBody(t *testing.T) {
	t.Parallel()
	f := setup(t)
	create := func(l i18n.Locale, body string) error {
		return db.InTx(f.ctx, f.pool, func(tx *db.Tx) error {
			_, err := i18n.CreateText(f.ctx, tx, l, body, f.alice, nil)
			return err
		})
	}
	requireAppErr(t, create("ua", "Привіт"), apperr.InvalidInput, "text.locale_invalid", "locale")
	requireAppErr(t, create(i18n.PL, ""), apperr.InvalidInput, "text.empty", "text")
	requireAppErr(t, create(i18n.PL, " \n\t "), apperr.InvalidInput, "text.empty", "text")
	requireAppErr(t, create(i18n.PL, "a\x00b"), apperr.InvalidInput, "text.invalid", "text")
	requireAppErr(t, create(i18n.PL, "a\xffb"), apperr.InvalidInput, "text.invalid", "text")
	err := create(i18n.PL, strings.Repeat("ż", i18n.MaxTextRunes+1))
	requireAppErr(t, err, apperr.InvalidInput, "text.too_long", "text")
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, map[string]any{"max": i18n.MaxTextRunes}, e.Args)

	// The limit counts characters, not bytes.
	require.NoError(t, create(i18n.PL, strings.Repeat("ż", i18n.MaxTextRunes)))
	var n int
	require.NoError(t, f.pool.QueryRow(f.ctx, "select count(*) from texts").Scan(&n))
	require.Equal(t, 1, n)
}

func TestText_ResolvesWantedLocaleElseOriginalAndListsMissing(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := f.create(t, i18n.PL, "Więcej ławek w parku", f.alice)
	_, err := f.add(id, i18n.UK, "Більше лавок у парку", f.bob, i18n.SourceHuman)
	require.NoError(t, err)

	txt := f.load(t, id)
	require.Equal(t, id, txt.ID)
	require.Equal(t, i18n.PL, txt.OriginalLocale)
	require.Equal(t, f.alice, txt.AuthorID)
	require.Len(t, txt.Domains, 1)

	require.Equal(t, i18n.Resolved{
		Text: "Більше лавок у парку", Locale: i18n.UK, IsOriginal: false, Source: "human",
		MissingLocales: []i18n.Locale{i18n.EN, i18n.RU},
	}, txt.Resolve(i18n.UK))
	original := i18n.Resolved{
		Text: "Więcej ławek w parku", Locale: i18n.PL, IsOriginal: true, Source: "human",
		MissingLocales: []i18n.Locale{i18n.EN, i18n.RU},
	}
	require.Equal(t, original, txt.Resolve(i18n.EN))
	require.Equal(t, original, txt.Resolve(i18n.PL))
	require.Equal(t, original, txt.Resolve(""))

	var none *i18n.Text
	require.Equal(t, i18n.Resolved{MissingLocales: []i18n.Locale{}}, none.Resolve(i18n.PL))
}

func TestAddVersion_AppendsAndCreditsEveryMaker(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := f.create(t, i18n.UK, "Потрібен перекладач у ЦНАП", f.alice)

	bobs, err := f.add(id, i18n.PL, "Potrzebny tłumacz w urzędzie", f.bob, i18n.SourceHuman)
	require.NoError(t, err)
	require.False(t, bobs.IsOriginal)
	require.Equal(t, f.bob, bobs.AuthorID)

	// Carol's better translation becomes current; Bob's stays, credited to him.
	carols, err := f.add(id, i18n.PL, "Potrzebny jest tłumacz w urzędzie", f.carol, i18n.SourceHuman)
	require.NoError(t, err)
	machine, err := f.add(id, i18n.EN, "An interpreter is needed at the office", uuid.Nil, i18n.SourceMachine)
	require.NoError(t, err)
	require.Equal(t, uuid.Nil, machine.AuthorID)

	// The author corrects the original: a new original version.
	fixed, err := f.add(id, i18n.UK, "Потрібен перекладач в УАП", f.alice, i18n.SourceHuman)
	require.NoError(t, err)
	require.True(t, fixed.IsOriginal)

	txt := f.load(t, id)
	require.Equal(t, carols, txt.Current[i18n.PL])
	require.Equal(t, "Потрібен перекладач в УАП", txt.Resolve(i18n.RU).Text)
	require.True(t, txt.Resolve(i18n.RU).IsOriginal)
	require.Equal(t, "machine", txt.Resolve(i18n.EN).Source)

	versions, err := i18n.Versions(f.ctx, f.pool, id)
	require.NoError(t, err)
	type credit struct {
		Locale     i18n.Locale
		Body       string
		IsOriginal bool
		Author     uuid.UUID
	}
	var got []credit
	for _, v := range versions {
		require.Equal(t, id, v.TextID)
		got = append(got, credit{v.Locale, v.Body, v.IsOriginal, v.AuthorID})
	}
	require.Equal(t, []credit{
		{i18n.UK, "Потрібен перекладач у ЦНАП", true, f.alice},
		{i18n.PL, "Potrzebny tłumacz w urzędzie", false, f.bob},
		{i18n.PL, "Potrzebny jest tłumacz w urzędzie", false, f.carol},
		{i18n.EN, "An interpreter is needed at the office", false, uuid.Nil},
		{i18n.UK, "Потрібен перекладач в УАП", true, f.alice},
	}, got)
	require.Equal(t, bobs, versions[1])
}

func TestAddVersion_OriginalLocaleIsTheAuthorsAlone(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := f.create(t, i18n.PL, "Tekst Alicji", f.alice)

	_, err := f.add(id, i18n.PL, "Tekst Alicji, poprawiony przez Boba", f.bob, i18n.SourceHuman)
	require.ErrorIs(t, err, i18n.ErrOriginalLocale)
	requireAppErr(t, err, apperr.Conflict, "text.original_locale", "")
	_, err = f.add(id, i18n.PL, "Tekst Alicji (maszynowo)", f.alice, i18n.SourceMachine)
	require.ErrorIs(t, err, i18n.ErrOriginalLocale)
	_, err = f.add(id, i18n.PL, "Tekst systemu", uuid.Nil, i18n.SourceHuman)
	require.ErrorIs(t, err, i18n.ErrOriginalLocale)

	// Once the author's account is deleted, nobody can rewrite the original;
	// the versions stay, without a name.
	_, err = f.pool.Exec(f.ctx, "delete from accounts where id = $1", f.alice)
	require.NoError(t, err)
	txt := f.load(t, id)
	require.Equal(t, uuid.Nil, txt.AuthorID)
	require.Equal(t, uuid.Nil, txt.Current[i18n.PL].AuthorID)
	require.Equal(t, "Tekst Alicji", txt.Current[i18n.PL].Body)
	_, err = f.add(id, i18n.PL, "Nowy tekst", f.bob, i18n.SourceHuman)
	require.ErrorIs(t, err, i18n.ErrOriginalLocale)

	versions, err := i18n.Versions(f.ctx, f.pool, id)
	require.NoError(t, err)
	require.Len(t, versions, 1)
}

func TestAddVersion_RetryReturnsTheSameVersion(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := f.create(t, i18n.EN, "More benches", f.alice)
	v1, err := f.add(id, i18n.RU, "Больше скамеек", f.bob, i18n.SourceHuman)
	require.NoError(t, err)
	v2, err := f.add(id, i18n.RU, "Больше скамеек", f.bob, i18n.SourceHuman)
	require.NoError(t, err)
	require.Equal(t, v1, v2)
	// The same words from someone else are their own, credited version.
	v3, err := f.add(id, i18n.RU, "Больше скамеек", f.carol, i18n.SourceHuman)
	require.NoError(t, err)
	require.NotEqual(t, v1.ID, v3.ID)

	versions, err := i18n.Versions(f.ctx, f.pool, id)
	require.NoError(t, err)
	require.Len(t, versions, 3)
}

func TestAddVersion_RejectsBadInputAndUnknownText(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := f.create(t, i18n.PL, "Tekst", f.alice)
	_, err := f.add(uuid.New(), i18n.UK, "Текст", f.bob, i18n.SourceHuman)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = f.add(id, "ua", "Текст", f.bob, i18n.SourceHuman)
	requireAppErr(t, err, apperr.InvalidInput, "text.locale_invalid", "locale")
	_, err = f.add(id, i18n.UK, "Текст", f.bob, "robot")
	requireAppErr(t, err, apperr.InvalidInput, "error.invalid_input", "source")
	_, err = f.add(id, i18n.UK, "  ", f.bob, i18n.SourceHuman)
	requireAppErr(t, err, apperr.InvalidInput, "text.empty", "text")
}

// countingQuerier counts the statements a loader sends.
type countingQuerier struct {
	q db.Querier
	n atomic.Int32
}

func (c *countingQuerier) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c.n.Add(1)
	return c.q.Query(ctx, sql, args...)
}

func (c *countingQuerier) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c.n.Add(1)
	return c.q.QueryRow(ctx, sql, args...)
}

func TestLoad_ManyTextsInOneQuery(t *testing.T) {
	t.Parallel()
	f := setup(t)
	const n = 30
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = f.create(t, i18n.All[i%4], "oryginał "+uuid.NewString(), f.alice)
		if i%3 == 0 {
			l := i18n.All[(i+1)%4]
			_, err := f.add(ids[i], l, "pierwsze tłumaczenie", f.bob, i18n.SourceHuman)
			require.NoError(t, err)
			_, err = f.add(ids[i], l, "drugie tłumaczenie", f.carol, i18n.SourceHuman)
			require.NoError(t, err)
		}
	}

	cq := &countingQuerier{q: f.pool}
	texts, err := i18n.Load(f.ctx, cq, append(ids, uuid.New(), ids[0]))
	require.NoError(t, err)
	require.Equal(t, int32(1), cq.n.Load())
	require.Len(t, texts, n)
	for i, id := range ids {
		txt := texts[id]
		require.Equal(t, i18n.All[i%4], txt.OriginalLocale)
		if i%3 == 0 {
			require.Len(t, txt.Current, 2)
			tr := txt.Current[i18n.All[(i+1)%4]]
			require.Equal(t, "drugie tłumaczenie", tr.Body)
			require.Equal(t, f.carol, tr.AuthorID)
		} else {
			require.Len(t, txt.Current, 1)
		}
	}

	versions, err := i18n.VersionsOf(f.ctx, cq, ids)
	require.NoError(t, err)
	require.Equal(t, int32(2), cq.n.Load())
	require.Len(t, versions[ids[0]], 3)
	require.Len(t, versions[ids[1]], 1)

	empty, err := i18n.Load(f.ctx, cq, nil)
	require.NoError(t, err)
	require.Empty(t, empty)
	require.Equal(t, int32(2), cq.n.Load())
}

func TestLoad_InsideTheWritingTransaction(t *testing.T) {
	t.Parallel()
	f := setup(t)
	require.NoError(t, db.InTx(f.ctx, f.pool, func(tx *db.Tx) error {
		id, err := i18n.CreateText(f.ctx, tx, i18n.RU, "Текст", f.alice, nil)
		require.NoError(t, err)
		texts, err := i18n.Load(f.ctx, tx, []uuid.UUID{id})
		require.NoError(t, err)
		require.Equal(t, "Текст", texts[id].Resolve(i18n.PL).Text)
		require.Equal(t, []string{}, texts[id].Domains)
		return nil
	}))
}
