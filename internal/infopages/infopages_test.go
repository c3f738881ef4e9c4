package infopages_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/infopages"
)

func TestCanonicalLanguage(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"uk": "uk", "UK": "uk", "be": "be", "ka": "ka", "vi": "vi", "zh-hant": "zh-Hant",
		"en-gb": "en-GB", " ar ": "ar", "sr-Latn": "sr-Latn"} {
		got, err := infopages.CanonicalLanguage(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for in, field := range map[string]string{"": "language", "pl": "language", "PL-pl": "language", "und": "language",
		"xx-!!": "language", "english": "language"} {
		_, err := infopages.CanonicalLanguage(in)
		var e *apperr.Error
		require.ErrorAs(t, err, &e, in)
		require.Equal(t, apperr.InvalidInput, e.Code, in)
		require.Equal(t, field, e.Field, in)
	}
	_, err := infopages.CanonicalLanguage("pl")
	require.ErrorIs(t, err, apperr.Invalid("language", "infopages.language_original"))
}

func TestDir_RightToLeftScripts(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string]string{"ar": "rtl", "fa": "rtl", "he": "rtl", "ur": "rtl", "ku-Arab": "rtl", "ckb": "rtl",
		"uk": "ltr", "be": "ltr", "ka": "ltr", "vi": "ltr", "pl": "ltr", "ku": "ltr", "az-Latn": "ltr", "bad tag!": "ltr"} {
		require.Equal(t, want, infopages.Dir(lang), lang)
	}
}

func TestPage_VersionsTranslationsAndOutdated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	unit := b.unit(t, "Wydział Spraw Społecznych")
	p, err := b.svc.CreatePage(b.coordinator, infopages.CreateInput{Slug: "karta-pobytu", Kind: infopages.KindProcedure, UnitID: &unit,
		Title: " Karta pobytu ", Body: "Jak złożyć **wniosek**."})
	require.NoError(t, err)
	require.Equal(t, "karta-pobytu", p.Slug)
	require.Equal(t, infopages.StatusDraft, p.Status)
	require.Equal(t, infopages.Version{Version: 1, Title: "Karta pobytu", Body: "Jak złożyć **wniosek**.", AuthorID: &b.coordID,
		AuthorName: "Koordynatorka", CreatedAt: b.clock.Now()}, p.Original)
	require.Equal(t, []string{"pl"}, p.Languages())

	// Drafts: anonymous callers do not see them.
	_, err = b.svc.PageBySlug(b.anonymous, "karta-pobytu")
	require.ErrorIs(t, err, apperr.ErrNotFound)

	trID, translator := b.staff(t, "Olena", authz.RoleTranslator, infopages.KindDomain(infopages.KindProcedure))
	b.clock.Advance(time.Hour)
	t1 := b.clock.Now()
	p, err = b.svc.AddTranslation(translator, p.ID, infopages.TranslationInput{Language: "UK", Title: "Карта побуту",
		Body: "Як подати **заяву**.", Credit: " Fundacja X, tłum. Olena K. "})
	require.NoError(t, err)
	require.Equal(t, []infopages.Translation{{Language: "uk", Version: 1, Title: "Карта побуту", BasedOn: 1, TranslatorID: &trID,
		TranslatorName: "Olena", Credit: "Fundacja X, tłum. Olena K.", CreatedAt: t1}}, p.Translations)

	p, err = b.svc.Publish(b.coordinator, p.ID)
	require.NoError(t, err)
	require.Equal(t, infopages.StatusPublished, p.Status)
	require.Equal(t, t1, *p.PublishedAt)

	// An official of the unit edits the original: the translation is outdated.
	offID, official := b.staff(t, "Urzędnik", authz.RoleOfficial, "org:"+unit.String())
	b.clock.Advance(time.Hour)
	_, err = b.svc.UpdateOriginal(official, p.ID, infopages.UpdateOriginalInput{BaseVersion: 1, Title: "Karta pobytu", Body: "Nowe zasady."})
	require.NoError(t, err)
	// A second editor who started from version 1 is refused, not overwritten.
	_, err = b.svc.UpdateOriginal(b.coordinator, p.ID, infopages.UpdateOriginalInput{BaseVersion: 1, Title: "X", Body: "Y"})
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "infopages.original_changed"))
	// The same text again adds no version.
	p, err = b.svc.UpdateOriginal(official, p.ID, infopages.UpdateOriginalInput{BaseVersion: 2, Title: "Karta pobytu", Body: "Nowe zasady. "})
	require.NoError(t, err)
	require.Equal(t, 2, p.Original.Version)
	require.Equal(t, &offID, p.Original.AuthorID)
	uk, ok := p.Translation("uk")
	require.True(t, ok)
	require.True(t, uk.Outdated)
	require.Equal(t, 1, uk.BasedOn)

	// Read in Ukrainian: the outdated translation, flagged; in Georgian
	// (none yet): the original.
	c, err := b.svc.Content(b.anonymous, p, "uk")
	require.NoError(t, err)
	require.Equal(t, infopages.Content{Language: "uk", Title: "Карта побуту", Body: "Як подати **заяву**.", Version: 1, BasedOn: 1,
		OriginalVersion: 2, Outdated: true, By: "Olena", Credit: "Fundacja X, tłum. Olena K.", CreatedAt: t1,
		Available: []string{"pl", "uk"}}, c)
	c, err = b.svc.Content(b.anonymous, p, "uk-UA")
	require.NoError(t, err)
	require.Equal(t, "uk", c.Language, "a regional tag reads its language's translation")
	c, err = b.svc.Content(b.anonymous, p, "ka")
	require.NoError(t, err)
	require.Equal(t, infopages.Content{Language: "pl", IsOriginal: true, Title: "Karta pobytu", Body: "Nowe zasady.", Version: 2,
		OriginalVersion: 2, By: "Urzędnik", CreatedAt: t1.Add(time.Hour), Available: []string{"pl", "uk"}}, c)

	// A global translator renews the Ukrainian and adds Georgian and Arabic.
	tr2ID, translator2 := b.staff(t, "Nino", authz.RoleTranslator, "*")
	b.clock.Advance(time.Hour)
	t3 := b.clock.Now()
	_, err = b.svc.AddTranslation(translator2, p.ID, infopages.TranslationInput{Language: "uk", Title: "Карта побуту", Body: "Нові правила."})
	require.NoError(t, err)
	_, err = b.svc.AddTranslation(translator2, p.ID, infopages.TranslationInput{Language: "ka", Title: "ბინადრობის ბარათი", Body: "ახალი წესები."})
	require.NoError(t, err)
	p, err = b.svc.AddTranslation(translator2, p.ID, infopages.TranslationInput{Language: "ar", Title: "بطاقة الإقامة", Body: "قواعد جديدة", BasedOn: 1})
	require.NoError(t, err)
	require.Equal(t, []string{"pl", "ar", "ka", "uk"}, p.Languages())
	ar, _ := p.Translation("ar")
	require.True(t, ar.Outdated, "based on version 1 while the original is at 2")
	uk, _ = p.Translation("uk")
	require.Equal(t, infopages.Translation{Language: "uk", Version: 2, Title: "Карта побуту", BasedOn: 2, TranslatorID: &tr2ID,
		TranslatorName: "Nino", CreatedAt: t3}, uk)
	hist, err := b.svc.TranslationVersions(b.anonymous, p, "uk")
	require.NoError(t, err)
	require.Len(t, hist, 2)
	require.Equal(t, []int{2, 1}, []int{hist[0].Version, hist[1].Version})
	require.Equal(t, "Як подати **заяву**.", hist[1].Body, "the first translator's text is kept")
	require.True(t, hist[1].Outdated)
	orig, err := b.svc.OriginalVersions(b.anonymous, p)
	require.NoError(t, err)
	require.Equal(t, []string{"Nowe zasady.", "Jak złożyć **wniosek**."}, []string{orig[0].Body, orig[1].Body})

	// Refusals.
	_, err = b.svc.AddTranslation(translator2, p.ID, infopages.TranslationInput{Language: "pl-PL", Title: "a", Body: "b"})
	require.ErrorIs(t, err, apperr.Invalid("language", "infopages.language_original"))
	_, err = b.svc.AddTranslation(translator2, p.ID, infopages.TranslationInput{Language: "en", Title: "a", Body: "b", BasedOn: 3})
	require.ErrorIs(t, err, apperr.Invalid("basedOnVersion", "infopages.based_on_invalid"))
	_, err = b.svc.CreatePage(b.coordinator, infopages.CreateInput{Slug: "karta-pobytu", Kind: infopages.KindGuide, Title: "a", Body: "b"})
	require.ErrorIs(t, err, apperr.New(apperr.Conflict, "infopages.slug_taken"))
	_, err = b.svc.CreatePage(b.coordinator, infopages.CreateInput{Slug: "Karta Pobytu", Kind: infopages.KindGuide, Title: "a", Body: "b"})
	require.ErrorIs(t, err, apperr.Invalid("slug", "infopages.slug_invalid"))
	for _, slug := range []string{"coverage", "new"} { // /info/coverage and /info/new are the web's
		_, err = b.svc.CreatePage(b.coordinator, infopages.CreateInput{Slug: slug, Kind: infopages.KindGuide, Title: "a", Body: "b"})
		require.ErrorIs(t, err, apperr.Invalid("slug", "infopages.slug_reserved"))
	}
	_, err = b.svc.CreatePage(b.coordinator, infopages.CreateInput{Slug: "x", Kind: infopages.KindGuide, UnitID: &b.coordID, Title: "a", Body: "b"})
	require.ErrorIs(t, err, apperr.Invalid("unitId", "infopages.unit_invalid"))

	// Archived: translators may no longer translate, the public no longer reads it.
	_, err = b.svc.Archive(b.coordinator, p.ID)
	require.NoError(t, err)
	_, err = b.svc.AddTranslation(translator2, p.ID, infopages.TranslationInput{Language: "en", Title: "a", Body: "b"})
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.AddTranslation(b.coordinator, p.ID, infopages.TranslationInput{Language: "en", Title: "a", Body: "b"})
	require.ErrorIs(t, err, apperr.New(apperr.PhaseClosed, "infopages.archived"))
	_, err = b.svc.Page(b.anonymous, p.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)

	var actions []string
	rows, err := b.pool.Query(b.ctx, `select action from audit_log where object_id = $1 order by created_at, action`, p.ID.String())
	require.NoError(t, err)
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		actions = append(actions, a)
	}
	require.NoError(t, rows.Err())
	require.ElementsMatch(t, []string{"infopage.create", "infopage.translate", "infopage.publish", "infopage.edit_original",
		"infopage.translate", "infopage.translate", "infopage.translate", "infopage.archive"}, actions)
}

func TestList_FiltersAndVisibility(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.page(t, "a-procedura", infopages.KindProcedure, true)
	draft := b.page(t, "b-szkic", infopages.KindProcedure, false)
	b.page(t, "c-witamy", infopages.KindWelcome, true)
	guide := b.page(t, "d-przewodnik", infopages.KindGuide, false)
	_, err := b.svc.AddTranslation(b.coordinator, draft.ID, infopages.TranslationInput{Language: "vi", Title: "a", Body: "b"})
	require.NoError(t, err)
	_, err = b.svc.AddTranslation(b.coordinator, guide.ID, infopages.TranslationInput{Language: "vi", Title: "a", Body: "b"})
	require.NoError(t, err)

	list := func(ctx context.Context, f infopages.Filter, first int, after string) ([]string, int, bool, string) {
		t.Helper()
		pg, err := b.svc.List(ctx, f, first, after)
		require.NoError(t, err)
		var out []string
		for _, p := range pg.Items {
			out = append(out, p.Slug)
		}
		cursor := ""
		if len(pg.Items) > 0 {
			cursor = infopages.Cursor(pg.Items[len(pg.Items)-1])
		}
		return out, pg.Total, pg.HasNext, cursor
	}
	got, total, next, cur := list(b.anonymous, infopages.Filter{}, 1, "")
	require.Equal(t, []string{"a-procedura"}, got)
	require.Equal(t, 2, total)
	require.True(t, next)
	got, _, next, _ = list(b.anonymous, infopages.Filter{}, 1, cur)
	require.Equal(t, []string{"c-witamy"}, got)
	require.False(t, next)
	got, total, _, _ = list(b.coordinator, infopages.Filter{}, 10, "")
	require.Equal(t, []string{"a-procedura", "b-szkic", "c-witamy", "d-przewodnik"}, got)
	require.Equal(t, 4, total)
	_, translator := b.staff(t, "Tłumacz", authz.RoleTranslator, infopages.KindDomain(infopages.KindGuide))
	got, _, _, _ = list(translator, infopages.Filter{}, 10, "")
	require.Equal(t, []string{"a-procedura", "c-witamy", "d-przewodnik"}, got)
	got, _, _, _ = list(translator, infopages.Filter{Language: "VI"}, 10, "")
	require.Equal(t, []string{"d-przewodnik"}, got)
	kind := infopages.KindProcedure
	got, _, _, _ = list(b.coordinator, infopages.Filter{Kind: &kind, Language: "vi"}, 10, "")
	require.Equal(t, []string{"b-szkic"}, got)
	got, _, _, _ = list(b.anonymous, infopages.Filter{Kind: &kind, Language: "pl"}, 10, "")
	require.Equal(t, []string{"a-procedura"}, got)
	_, err = b.svc.List(b.anonymous, infopages.Filter{Language: "??"}, 10, "")
	require.ErrorIs(t, err, apperr.Invalid("language", "infopages.language_invalid"))
	// Every listed page is visible one by one, and no other.
	for _, ctx := range []context.Context{b.anonymous, b.coordinator, translator} {
		pg, err := b.svc.List(ctx, infopages.Filter{}, 100, "")
		require.NoError(t, err)
		for _, slug := range []string{"a-procedura", "b-szkic", "c-witamy", "d-przewodnik"} {
			_, err := b.svc.PageBySlug(ctx, slug)
			listed := false
			for _, p := range pg.Items {
				listed = listed || p.Slug == slug
			}
			require.Equal(t, listed, err == nil, slug)
		}
	}
}
