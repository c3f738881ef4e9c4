// Package pbtest finds the real Pabulib files that tests read.
package pbtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// File is ../shared/data/pabulib/name next to the module root. Missing data
// skips the test locally and fails it in CI, where a skip would hide it.
func File(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the test directory")
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "data", "pabulib", name)
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Pabulib data missing at %s (CI=true)", path)
		}
		t.Skipf("Pabulib data missing at %s", path)
	}
	return path
}
