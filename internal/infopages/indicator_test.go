package infopages_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/infopages"
)

// TestTranslatedProcedures_AYearAsOf builds a year of procedures and asks
// the indicator at moments around every change.
func TestTranslatedProcedures_AYearAsOf(t *testing.T) {
	t.Parallel()
	b := setup(t)
	day := func(month time.Month, d int) time.Time {
		return time.Date(2025, month, d, 12, 0, 0, 0, time.UTC).Local()
	}
	at := func(tm time.Time) { b.clock.Set(tm) }
	tr := func(p *infopages.Page, lang string, based int) {
		t.Helper()
		_, err := b.svc.AddTranslation(b.coordinator, p.ID, infopages.TranslationInput{Language: lang, Title: "t " + lang, Body: "b " + lang, BasedOn: based})
		require.NoError(t, err)
	}
	edit := func(p *infopages.Page, base int, body string) {
		t.Helper()
		_, err := b.svc.UpdateOriginal(b.coordinator, p.ID, infopages.UpdateOriginalInput{BaseVersion: base, Title: "tytuł", Body: body})
		require.NoError(t, err)
	}

	at(day(time.January, 10))
	a := b.page(t, "zameldowanie", infopages.KindProcedure, false)
	at(day(time.January, 15))
	tr(a, "uk", 0) // translated while a draft
	at(day(time.February, 1))
	_, err := b.svc.Publish(b.coordinator, a.ID)
	require.NoError(t, err)
	bp := b.page(t, "pesel", infopages.KindProcedure, true) // published, not translated
	at(day(time.March, 1))
	edit(a, 1, "zmiana") // a's uk is outdated from here
	at(day(time.April, 1))
	tr(a, "uk", 0) // renewed
	at(day(time.April, 15))
	tr(bp, "be", 0)
	at(day(time.May, 1))
	c := b.page(t, "witamy", infopages.KindWelcome, true)
	tr(c, "en", 0) // not a procedure
	at(day(time.June, 1))
	_, err = b.svc.Archive(b.coordinator, a.ID)
	require.NoError(t, err)
	at(day(time.July, 1))
	_, err = b.svc.Publish(b.coordinator, a.ID)
	require.NoError(t, err)
	at(day(time.August, 1))
	edit(bp, 1, "zmiana") // bp's be outdated
	at(day(time.September, 1))
	tr(bp, "vi", 1) // made from the old version: outdated at once
	at(day(time.October, 1))
	tr(bp, "ka", 2) // current
	at(day(time.November, 1))
	b.page(t, "urlop", infopages.KindProcedure, true)

	sec := time.Second
	for _, c := range []struct {
		asOf time.Time
		want int
	}{
		{time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), 0},
		{day(time.January, 20), 0},           // translated, but a draft
		{day(time.February, 1).Add(-sec), 0}, // a second before publication
		{day(time.February, 1), 1},           // published at that instant
		{day(time.March, 1).Add(-sec), 1},
		{day(time.March, 1), 0}, // the original changed: uk outdated
		{day(time.March, 31), 0},
		{day(time.April, 1), 1}, // renewed
		{day(time.April, 15), 2},
		{day(time.May, 1), 2},  // a welcome page does not count
		{day(time.June, 1), 1}, // a archived
		{day(time.July, 1), 2}, // published again
		{day(time.August, 1), 1},
		{day(time.September, 1), 1}, // vi translates an old version
		{day(time.October, 1), 2},
		{time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), 2}, // urlop has no translation
	} {
		n, err := infopages.TranslatedProcedures(b.ctx, b.pool, c.asOf)
		require.NoError(t, err)
		require.Equal(t, c.want, n, "as of %s", c.asOf)
	}

	// The coverage table now: a (uk current), pesel (ka current; be, vi
	// outdated), urlop (none).
	cov, err := b.svc.Coverage(b.anonymous)
	require.NoError(t, err)
	var rows [][]string
	for _, p := range cov.Procedures {
		row := []string{p.Slug}
		for _, t := range p.Translations {
			s := t.Language
			if t.Outdated {
				s += "!"
			}
			row = append(row, s)
		}
		rows = append(rows, row)
	}
	require.Equal(t, [][]string{{"pesel", "be!", "ka", "vi!"}, {"urlop"}, {"zameldowanie", "uk"}}, rows)
	require.Equal(t, []infopages.LanguageCoverage{{Language: "ka", Current: 1}, {Language: "uk", Current: 1},
		{Language: "be", Outdated: 1}, {Language: "vi", Outdated: 1}}, cov.Languages)
}
