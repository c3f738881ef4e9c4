package graph

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
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
		in := []model.PoolPicksInput{{PoolID: p1, ProjectIds: []string{pr1}}, {PoolID: p2, ProjectIds: []string{pr1, pr2}}}
		picks, err := picksIn(in)
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
