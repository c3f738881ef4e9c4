// Package picklist decodes a ballot's pick list as the API receives it:
// for each pool (by global ID) the chosen projects (by global ID), in rank
// order. It is apart from graph so that it can be fuzzed without building
// the whole API.
package picklist

import (
	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/internal/apperr"
)

// Pool is one pool's picks as sent.
type Pool struct {
	PoolID     string
	ProjectIDs []string
}

// Decode returns the picks by pool. Anything wrong is INVALID_INPUT on
// "picks": an ID that is not a pool's or a project's, or a pool listed twice
// (a second list would silently replace the first).
func Decode(in []Pool) (map[uuid.UUID][]uuid.UUID, error) {
	picks := make(map[uuid.UUID][]uuid.UUID, len(in))
	for _, p := range in {
		pool, err := gid.Expect(p.PoolID, "BudgetPool", "picks")
		if err != nil {
			return nil, err
		}
		if _, ok := picks[pool]; ok {
			return nil, apperr.Invalid("picks", "ballot.pool_repeated")
		}
		ids := make([]uuid.UUID, 0, len(p.ProjectIDs))
		for _, s := range p.ProjectIDs {
			id, err := gid.Expect(s, "BudgetProject", "picks")
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		picks[pool] = ids
	}
	return picks, nil
}
