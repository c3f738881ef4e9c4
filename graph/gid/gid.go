// Package gid encodes opaque global IDs: base64url("Type:uuid").
package gid

import (
	"encoding/base64"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
)

// Encode returns the global ID of the object of type typ with key id.
func Encode(typ string, id uuid.UUID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id.String()))
}

// Decode splits a global ID into its type and key.
func Decode(s string) (typ string, id uuid.UUID, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", uuid.Nil, false
	}
	typ, key, found := strings.Cut(string(b), ":")
	if !found || typ == "" {
		return "", uuid.Nil, false
	}
	id, err = uuid.Parse(key)
	if err != nil {
		return "", uuid.Nil, false
	}
	return typ, id, true
}

// Expect decodes a global ID that must be of type typ; field names the input
// field for the INVALID_INPUT error.
func Expect(s, typ, field string) (uuid.UUID, error) {
	t, id, ok := Decode(s)
	if !ok || t != typ {
		return uuid.Nil, apperr.Invalid(field, "input.id_invalid")
	}
	return id, nil
}

// Optional decodes an optional global ID of type typ.
func Optional(s *string, typ, field string) (*uuid.UUID, error) {
	if s == nil {
		return nil, nil
	}
	id, err := Expect(*s, typ, field)
	if err != nil {
		return nil, err
	}
	return &id, nil
}
