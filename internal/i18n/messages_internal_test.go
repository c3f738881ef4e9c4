package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// requiredForms are the CLDR cardinal forms an integer count takes in each
// language: a plural message must have every one of them.
var requiredForms = map[Locale][]string{
	PL: {"one", "few", "many", "other"},
	UK: {"one", "few", "many", "other"},
	RU: {"one", "few", "many", "other"},
	EN: {"one", "other"},
}

func TestPlurals_EveryFormEveryLocaleSamePlaceholders(t *testing.T) {
	t.Parallel()
	for _, l := range All {
		for key, forms := range plurals[l] {
			var got []string
			for f := range forms {
				got = append(got, f)
			}
			sort.Strings(got)
			want := append([]string(nil), requiredForms[l]...)
			sort.Strings(want)
			require.Equal(t, want, got, "%s in %s", key, l)
			for f, text := range forms {
				require.Contains(t, text, "{count}", "%s %s in %s", key, f, l)
				require.Equal(t, placeholders(plurals[PL][key]["other"]), placeholders(text), "%s %s in %s", key, f, l)
			}
			_, flat := catalog[l][key]
			require.False(t, flat, "%s is plural and not in %s", key, l)
		}
		for _, other := range All {
			for key := range plurals[l] {
				_, ok := plurals[other][key]
				require.True(t, ok, "%s is plural in %s but not in %s", key, l, other)
			}
		}
	}
}

func placeholders(s string) []string {
	got := regexp.MustCompile(`\{[a-z_]+\}`).FindAllString(s, -1)
	sort.Strings(got)
	return got
}

func TestN_PluralFormsAndNumbersAsEachLanguageWritesThem(t *testing.T) {
	t.Parallel()
	const key = "web.submission.supports"
	for l, want := range map[Locale]map[int]string{
		PL: {1: "1 poparcie", 2: "2 poparcia", 4: "4 poparcia", 5: "5 poparć", 12: "12 poparć", 22: "22 poparcia", 0: "0 poparć", 1234: "1\u00a0234 poparcia"},
		UK: {1: "1 підтримка", 2: "2 підтримки", 5: "5 підтримок", 11: "11 підтримок", 21: "21 підтримка", 22: "22 підтримки", 1234: "1\u00a0234 підтримки"},
		RU: {1: "1 поддержка", 3: "3 поддержки", 5: "5 поддержек", 11: "11 поддержек", 21: "21 поддержка", 1234: "1\u00a0234 поддержки"},
		EN: {1: "1 support", 2: "2 supports", 0: "0 supports", 1234: "1,234 supports"},
	} {
		for n, text := range want {
			require.Equal(t, text, N(l, key, n, nil), "%d in %s", n, l)
		}
	}
	require.Equal(t, "Został 1 dzień", N(PL, "web.home.days_left", 1, nil))
	require.Equal(t, "Zostały 3 dni", N(PL, "web.home.days_left", 3, nil))
	require.Equal(t, "Zostało 7 dni", N(PL, "web.home.days_left", 7, nil))
	require.Equal(t, "no.such.key", N(PL, "no.such.key", 1, nil))
	require.Equal(t, "{count} supports", T(EN, key, nil), "T of a plural message: its other form")
}

// TestKeys_EveryKeyIsUsed: every message is used by the code. A key counts
// as used when the code (outside tests) has it as a string literal, or a
// literal ending in "." that begins it (keys built from a code, such as
// "moderation.reason." + reason).
func TestKeys_EveryKeyIsUsed(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	literal := regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\.?)"`)
	used := map[string]bool{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "node_modules" || name == ".git" || name == "vendor" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, "_test.go") || !(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".templ")) ||
			strings.HasSuffix(p, "_templ.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return nil
	})
	require.NoError(t, err)
	var prefixes []string
	for s := range used {
		if strings.HasSuffix(s, ".") {
			prefixes = append(prefixes, s)
		}
	}
	var unused []string
	for _, key := range Keys() {
		if used[key] {
			continue
		}
		found := false
		for _, p := range prefixes {
			if strings.HasPrefix(key, p) {
				found = true
				break
			}
		}
		if !found {
			unused = append(unused, key)
		}
	}
	require.Empty(t, unused, "messages no code uses: delete them from every locales/*.toml, or use them")
}
