package org

import (
	"encoding/base64"
	"encoding/json"

	"github.com/otwarty/otwarty/internal/apperr"
)

// MaxPageSize bounds first in every list of this package.
const MaxPageSize = 100

func validateFirst(first int) error {
	if first < 1 || first > MaxPageSize {
		return apperr.Invalid("first", "input.page_size").With(map[string]any{"max": MaxPageSize})
	}
	return nil
}

// Cursors are opaque to clients: base64url of the keyset values and the list
// they belong to, so a cursor of one list is refused by another.
func encodeCursor(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own cursor structs are encoded
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

type cursor interface{ valid() bool }

func decodeCursor(s string, c cursor) error {
	invalid := apperr.Invalid("after", "input.cursor_invalid")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return invalid
	}
	if err := json.Unmarshal(b, c); err != nil || !c.valid() {
		return invalid
	}
	return nil
}
