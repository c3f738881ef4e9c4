package dialogue_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/i18n"
)

// Every message key the package's errors carry has a message in every
// locale (found in the sources, so a new key cannot be missed).
func TestMessages_EveryKeyInCatalog(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	keyRE := regexp.MustCompile(`apperr\.(?:New|Invalid)\([^)]*"(dialogue\.[a-z_]+)"\)`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range keyRE.FindAllStringSubmatch(string(src), -1) {
			seen++
			require.True(t, i18n.Has(m[1]), "%s: %s has no message in every locale", f, m[1])
		}
	}
	require.Greater(t, seen, 20)
}

// Every dialogue.* key of the catalog is used by some source: a literal
// key, a minutes label (minutesLabel adds "dialogue.minutes."), or a key
// built from a literal prefix ("kind_"+kind). A key no code uses is dead
// text that translators would keep paying for.
func TestMessages_EveryDialogueKeyUsed(t *testing.T) {
	t.Parallel()
	var files []string
	for _, pattern := range []string{"*.go", "../*/*.go", "../../graph/*.go", "../../cmd/*/*.go"} {
		f, err := filepath.Glob(pattern)
		require.NoError(t, err)
		files = append(files, f...)
	}
	// Audit actions ("dialogue.agenda_"+action) are not catalog keys.
	literalRE := regexp.MustCompile(`(Action:\s*)?"([a-z_.]+)"(\s*\+)?`)
	whole, prefixes := map[string]bool{}, []string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.Contains(f, "i18n/catalog") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range literalRE.FindAllStringSubmatch(string(src), -1) {
			switch {
			case m[1] != "":
			case m[3] != "" && m[2] != "dialogue.minutes.":
				prefixes = append(prefixes, m[2])
			default:
				whole[m[2]] = true
			}
		}
	}
	used := func(key string) bool {
		label := strings.TrimPrefix(key, "dialogue.minutes.")
		if whole[key] || (label != key && whole[label]) {
			return true
		}
		for _, p := range prefixes {
			if strings.HasPrefix(key, p) || (label != key && strings.HasPrefix(label, p)) {
				return true
			}
		}
		return false
	}
	checked := 0
	for _, k := range i18n.Keys() {
		if !strings.HasPrefix(k, "dialogue.") {
			continue
		}
		checked++
		require.True(t, used(k), "%s is in the catalog but no code uses it", k)
	}
	require.Greater(t, checked, 100)
}
