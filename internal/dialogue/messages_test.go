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
