// Package gid encodes opaque global IDs: base64url("Type:uuid").
package gid

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
)

// Encode returns the global ID of the object of type typ with key id.
func Encode(typ string, id uuid.UUID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id.String()))
}

// Decode splits a global ID into its type and key.
func Decode(s string) (typ string, id uuid.UUID, ok bool) {
	return decode(s, "")
}

// bufLen holds every global ID of ours (type names are short): decoding
// one, several per ballot, allocates nothing then.
const bufLen = 192

// decode decodes s and splits it. With want, the type is only compared
// (typ is want when it matches, "" when not), so that nothing is allocated.
func decode(s, want string) (typ string, id uuid.UUID, ok bool) {
	var buf [bufLen]byte
	var b []byte
	if n := base64.RawURLEncoding.DecodedLen(len(s)); n+len(s) <= bufLen {
		// The encoded text in the buffer's tail, the decoded in its head.
		src := buf[bufLen-len(s):]
		copy(src, s)
		n, err := base64.RawURLEncoding.Decode(buf[:n], src)
		if err != nil {
			return "", uuid.Nil, false
		}
		b = buf[:n]
	} else {
		var err error
		if b, err = base64.RawURLEncoding.DecodeString(s); err != nil {
			return "", uuid.Nil, false
		}
	}
	t, key, found := bytes.Cut(b, []byte{':'})
	if !found || len(t) == 0 {
		return "", uuid.Nil, false
	}
	id, ok = parseUUID(key)
	if !ok {
		return "", uuid.Nil, false
	}
	switch {
	case want == "":
		typ = string(t)
	case string(t) == want:
		typ = want
	}
	return typ, id, true
}

// parseUUID is uuid.ParseBytes, without its escaping the key to the heap
// (its errors quote it) for the form we encode.
func parseUUID(key []byte) (id uuid.UUID, ok bool) {
	if len(key) != 36 || key[8] != '-' || key[13] != '-' || key[18] != '-' || key[23] != '-' {
		id, err := uuid.ParseBytes(bytes.Clone(key))
		return id, err == nil
	}
	j := 0
	for _, part := range [...][2]int{{0, 8}, {9, 13}, {14, 18}, {19, 23}, {24, 36}} {
		n, err := hex.Decode(id[j:], key[part[0]:part[1]])
		if err != nil {
			return uuid.Nil, false
		}
		j += n
	}
	return id, true
}

// Expect decodes a global ID that must be of type typ; field names the input
// field for the INVALID_INPUT error.
func Expect(s, typ, field string) (uuid.UUID, error) {
	t, id, ok := decode(s, typ)
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
