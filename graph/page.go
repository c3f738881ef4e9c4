package graph

import (
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/page"
)

// Pages come from the domains as page.Page[T] with their own cursors;
// connect turns one into a connection.

// pageSize validates first (page.Size: 20 when absent, at most page.MaxSize).
func (r *Resolver) pageSize(first *int) (int, error) { return page.Size(first) }

// connect turns a domain page into a connection's edges and page info.
func connect[T, E any](p page.Page[T], after *string, cursor func(T) string, edge func(cursor string, item T) E) ([]E, *model.PageInfo) {
	edges := make([]E, len(p.Items))
	cursors := make([]string, len(p.Items))
	for i, it := range p.Items {
		cursors[i] = cursor(it)
		edges[i] = edge(cursors[i], it)
	}
	return edges, pageInfo(cursors, p.HasNext, deref(after) != "")
}

func pageInfo(cursors []string, hasNext, hasPrev bool) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	if len(cursors) > 0 {
		pi.StartCursor, pi.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return pi
}
