// Package page is the one way lists are paged: a page size rule, an opaque
// keyset cursor, and the Page every list returns.
//
// A cursor is the keyset position of an item (a small struct of the values
// the list is ordered by) wrapped with the name of its list, as base64url
// JSON: opaque to clients, and refused by any other list.
package page

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
)

// Page sizes: DefaultSize when the client gives none, at most MaxSize.
const (
	DefaultSize = 20
	MaxSize     = 100
)

// Page is one page of a list: its items, whether more follow, and how many
// items the whole list holds.
type Page[T any] struct {
	Items   []T
	HasNext bool
	Total   int
}

var (
	errSize   = apperr.Invalid("first", "input.page_size").With(map[string]any{"max": MaxSize})
	errCursor = apperr.Invalid("after", "input.cursor_invalid")
)

// Size is the page size the client asked for: DefaultSize for nil; 0 (only
// the total) to MaxSize, anything else INVALID_INPUT on "first".
func Size(first *int) (int, error) {
	if first == nil {
		return DefaultSize, nil
	}
	return *first, Check(*first)
}

// Check refuses a page size outside 0..MaxSize.
func Check(first int) error {
	if first < 0 || first > MaxSize {
		return errSize
	}
	return nil
}

// Of makes a page of items read with a limit of first+1 (the extra item
// only says that more follow).
func Of[T any](items []T, first, total int) Page[T] {
	p := Page[T]{Items: items, Total: total}
	if len(items) > first {
		p.Items, p.HasNext = items[:first], true
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p
}

// Map converts a page's items.
func Map[T, U any](p Page[T], f func(T) U) Page[U] {
	out := Page[U]{Items: make([]U, len(p.Items)), HasNext: p.HasNext, Total: p.Total}
	for i, it := range p.Items {
		out.Items[i] = f(it)
	}
	return out
}

// Validator is a key that can tell whether a decoded value is a position
// at all (a zero id is not).
type Validator interface{ Valid() bool }

// Key is the position of most lists: a time and an id to break ties.
type Key struct {
	At time.Time `json:"t"`
	ID uuid.UUID `json:"i"`
}

// Valid reports whether k names a row.
func (k Key) Valid() bool { return k.ID != uuid.Nil }

type envelope struct {
	List string          `json:"l"`
	Key  json.RawMessage `json:"k"`
}

// Cursor encodes key, the position of an item in list.
func Cursor(list string, key any) string {
	k, err := json.Marshal(key)
	if err != nil {
		panic(err) // keys are structs of plain values
	}
	b, err := json.Marshal(envelope{List: list, Key: k})
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// After decodes the client's after into key: false for "" (the first page);
// INVALID_INPUT on "after" for garbage, a cursor of another list, or a key
// that is not Valid.
func After(list, after string, key any) (bool, error) {
	if after == "" {
		return false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(after)
	if err != nil {
		return false, errCursor
	}
	var e envelope
	if json.Unmarshal(b, &e) != nil || e.List != list || len(e.Key) == 0 || json.Unmarshal(e.Key, key) != nil {
		return false, errCursor
	}
	if v, ok := key.(Validator); ok && !v.Valid() {
		return false, errCursor
	}
	return true, nil
}
