package graph

import (
	"encoding/base64"
	"encoding/json"

	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
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

// pageSize validates first against the maximum page size.
func (r *Resolver) pageSize(first *int) (int, error) {
	n := 20
	if first != nil {
		n = *first
	}
	if n < 0 || n > r.Limits.MaxPageSize {
		return 0, apperr.Invalid("first", "input.page_size").With(map[string]any{"max": r.Limits.MaxPageSize})
	}
	return n, nil
}

func pageInfo(cursors []string, hasNext, hasPrev bool) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	if len(cursors) > 0 {
		pi.StartCursor, pi.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return pi
}
