package budget

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/authz"
)

// Batch reads for pages of projects: each costs the same number of
// statements however many projects (or editions) it is asked about.

// EditionsByIDs returns the editions among ids that the caller may read, in
// one statement; the others are missing from the map.
func (s *Service) EditionsByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*Edition, error) {
	out := make(map[uuid.UUID]*Edition, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `select `+editionColumns+` from budget_editions where id = any($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("load editions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			return nil, fmt.Errorf("scan edition: %w", err)
		}
		if authz.Can(ctx, ActRead, e.Object()) {
			out[e.ID] = e
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load editions: %w", err)
	}
	return out, nil
}

// PoolsOf returns the pools of the editions among editionIDs that the caller
// may read, by edition in the order they were created (Pools for several
// editions), in two statements; editions the caller may not read are
// missing from the map.
func (s *Service) PoolsOf(ctx context.Context, editionIDs []uuid.UUID) (map[uuid.UUID][]Pool, error) {
	editions, err := s.EditionsByIDs(ctx, editionIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID][]Pool, len(editions))
	if len(editions) == 0 {
		return out, nil
	}
	visible := make([]uuid.UUID, 0, len(editions))
	for id := range editions {
		visible = append(visible, id)
		out[id] = []Pool{}
	}
	rows, err := s.pool.Query(ctx, `select `+poolColumns+` from budget_pools where edition_id = any($1)
		order by edition_id, position, id`, visible)
	if err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPool(rows)
		if err != nil {
			return nil, fmt.Errorf("scan pool: %w", err)
		}
		out[p.EditionID] = append(out[p.EditionID], *p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	return out, nil
}
