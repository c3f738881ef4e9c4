package graph_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGenerated_InputUnmarshalerMapIsEmpty: scripts/gen empties the map of
// input unmarshalers that gqlgen's Exec builds for every operation (a
// sixth of a ballot's allocations), which is right only while nothing
// unmarshals an input through graphql.UnmarshalInputFromContext.
func TestGenerated_InputUnmarshalerMapIsEmpty(t *testing.T) {
	t.Parallel()
	gen, err := os.ReadFile("generated/generated.go")
	require.NoError(t, err)
	require.Regexp(t, regexp.MustCompile(`inputUnmarshalMap := graphql\.BuildUnmarshalerMap\(\)\n`), string(gen),
		"run ./scripts/gen, which trims the map")
	var users []string
	require.NoError(t, filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(data), "UnmarshalInputFromContext") {
			users = append(users, path)
		}
		return nil
	}))
	require.Empty(t, users, "these need gqlgen's input unmarshaler map: stop trimming it in scripts/gen")
}
