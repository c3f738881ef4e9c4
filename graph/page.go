package graph

import (
	"encoding/base64"
	"encoding/json"

	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/page"
)

// The one pagination helper of the transport: cursors are the domain's
// keyset position (a small struct) as base64url JSON, opaque to clients.

func encodeCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor fills dst from after; nil or empty means the first page.
func decodeCursor[T any](after *string) (*T, error) {
	if after == nil || *after == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*after)
	if err != nil {
		return nil, apperr.Invalid("after", "input.cursor_invalid")
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, apperr.Invalid("after", "input.cursor_invalid")
	}
	return &v, nil
}

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
