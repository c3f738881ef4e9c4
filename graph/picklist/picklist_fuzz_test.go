package picklist_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/picklist"
	"github.com/otwarty/otwarty/internal/apperr"
)

// FuzzPicksIn: the decoding of a ballot's pick list never panics, refuses
// only with INVALID_INPUT on "picks", and loses no pick: a pool listed
// twice (which once kept only its last list) is refused.
func FuzzPicksIn(f *testing.F) {
	pool := gid.Encode("BudgetPool", uuid.UUID{0: 1, 15: 1})
	other := gid.Encode("BudgetPool", uuid.UUID{0: 1, 15: 2})
	project := gid.Encode("BudgetProject", uuid.UUID{0: 2, 15: 1})
	f.Add(pool, project, other, project)
	f.Add(pool, project, pool, project) // the crasher: a pool twice
	f.Add(pool, pool, other, "")
	f.Add("x", "", "", "")
	f.Fuzz(func(t *testing.T, p1, pr1, p2, pr2 string) {
		in := []picklist.Pool{{PoolID: p1, ProjectIDs: []string{pr1}}, {PoolID: p2, ProjectIDs: []string{pr1, pr2}}}
		picks, err := picklist.Decode(in)
		if err != nil {
			var e *apperr.Error
			require.True(t, errors.As(err, &e), "%v", err)
			require.Equal(t, apperr.InvalidInput, e.Code)
			require.Equal(t, "picks", e.Field)
			return
		}
		n := 0
		for _, ids := range picks {
			n += len(ids)
		}
		require.Equal(t, 3, n, "every pick kept")
	})
}

func TestDecode_RefusesAPoolListedTwice(t *testing.T) {
	t.Parallel()
	pool := gid.Encode("BudgetPool", uuid.UUID{0: 1, 15: 1})
	project := gid.Encode("BudgetProject", uuid.UUID{0: 2, 15: 1})
	_, err := picklist.Decode([]picklist.Pool{{PoolID: pool, ProjectIDs: []string{project}}, {PoolID: pool}})
	var e *apperr.Error
	require.True(t, errors.As(err, &e), "%v", err)
	require.Equal(t, &apperr.Error{Code: apperr.InvalidInput, Key: "ballot.pool_repeated", Field: "picks"}, e)
	picks, err := picklist.Decode([]picklist.Pool{{PoolID: pool, ProjectIDs: []string{project, project}}})
	require.NoError(t, err)
	require.Equal(t, map[uuid.UUID][]uuid.UUID{{0: 1, 15: 1}: {{0: 2, 15: 1}, {0: 2, 15: 1}}}, picks)
}
