package graph_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/generated"
)

// requireMatrixCoversFile fails unless names (the cases of a permission
// matrix) are exactly the mutations declared in the schema file, so a new
// mutation cannot go untested.
func requireMatrixCoversFile(t *testing.T, file string, names []string) {
	t.Helper()
	var declared []string
	for _, fd := range generated.NewExecutableSchema(generated.Config{}).Schema().Mutation.Fields {
		if fd.Position != nil && fd.Position.Src != nil && filepath.Base(fd.Position.Src.Name) == file {
			declared = append(declared, fd.Name)
		}
	}
	require.NotEmpty(t, declared, "no mutations found in %s", file)
	for _, name := range declared {
		require.Contains(t, names, name, "%s: mutation %s has no case in the permission matrix", file, name)
	}
	require.ElementsMatch(t, declared, names, "%s: every case is a mutation of the file, once", file)
}

// matrixMode says how a permission-matrix case treats its allowed callers.
type matrixMode int

const (
	// firstAllowedSucceeds: the first allowed caller must succeed; it
	// changes the state, so the others would only meet the next phase.
	firstAllowedSucceeds matrixMode = iota
	// everyAllowedSucceeds: every allowed caller must succeed.
	everyAllowedSucceeds
	// everyAllowedPasses: every allowed caller must get past the permission
	// check (a later rule may still refuse a repeated call).
	everyAllowedPasses
)

// matrixRefusals are the answers of a refused caller.
var matrixRefusals = []string{"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}

// tryEveryCaller runs one mutation as every caller not in skip, refused
// callers first so that an allowed call cannot change what they meet. A
// refused caller gets UNAUTHENTICATED, FORBIDDEN or NOT_FOUND (anonymous:
// UNAUTHENTICATED); allowed callers are checked as mode says.
func tryEveryCaller(t *testing.T, b *bundle, callers map[string]string, name, query string, vars map[string]any,
	allowed, skip []string, mode matrixMode) {
	t.Helper()
	var order []string
	for caller := range callers {
		if !slices.Contains(allowed, caller) && !slices.Contains(skip, caller) {
			order = append(order, caller)
		}
	}
	order = append(order, allowed...)
	for _, caller := range order {
		var opts []reqOpt
		if tok := callers[caller]; tok != "" {
			opts = append(opts, withToken(tok))
		}
		res := b.gql(t, query, vars, opts...)
		if slices.Contains(allowed, caller) {
			if mode == everyAllowedPasses {
				require.NotContains(t, matrixRefusals, res.code(), "%s by %s: %+v", name, caller, res.Errors)
				continue
			}
			require.Empty(t, res.Errors, "%s by %s", name, caller)
			if mode == firstAllowedSucceeds {
				return
			}
			continue
		}
		require.Contains(t, matrixRefusals, res.code(), "%s by %s: %+v", name, caller, res.Errors)
		if caller == "anonymous" {
			require.Equal(t, "UNAUTHENTICATED", res.code(), name)
		}
	}
}
