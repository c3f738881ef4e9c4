// Package jsonutf8 checks that a JSON text is Unicode text before it is
// decoded. encoding/json turns invalid UTF-8 bytes and lone UTF-16
// surrogate escapes ("\ud800") into U+FFFD without a word: a name or an
// opinion would then be stored as something other than what was sent, so
// requests carrying either are refused instead.
package jsonutf8

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"
)

var (
	// ErrInvalidUTF8 marks bytes that are not UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrLoneSurrogate marks a \uD800–\uDFFF escape that is not half of a
	// surrogate pair.
	ErrLoneSurrogate = errors.New("lone UTF-16 surrogate escape")
)

// Error says what is wrong and at which byte.
type Error struct {
	Offset int
	Err    error
}

func (e *Error) Error() string { return fmt.Sprintf("%v at byte %d", e.Err, e.Offset) }
func (e *Error) Unwrap() error { return e.Err }

// Check returns nil when data is UTF-8 and every \u escape in it that
// encodes a surrogate is half of a pair (high then low). It does not check
// that data is JSON: the decoder that follows does.
func Check(data []byte) error {
	if !utf8.Valid(data) {
		return &Error{Offset: firstInvalid(data), Err: ErrInvalidUTF8}
	}
	return checkEscapes(data)
}

// CheckString is Check for a string.
func CheckString(s string) error {
	return Check([]byte(s))
}

func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// checkEscapes walks the backslash escapes. A backslash outside a string is
// not JSON at all, so no string state is needed: "\\u" is skipped whole as
// an escaped backslash followed by a letter u.
func checkEscapes(data []byte) error {
	for i := 0; ; {
		// Jump to the next backslash (vectorised): most bodies have none.
		j := bytes.IndexByte(data[i:], '\\')
		if j < 0 {
			return nil
		}
		i += j
		if i+1 >= len(data) {
			return nil
		}
		if data[i+1] != 'u' {
			i += 2 // the backslash and the escaped byte, which may be another backslash
			continue
		}
		r, ok := hex4(data, i+2)
		if !ok {
			i += 2
			continue
		}
		switch {
		case r >= 0xD800 && r < 0xDC00:
			if i+11 < len(data) && data[i+6] == '\\' && data[i+7] == 'u' {
				if lo, ok := hex4(data, i+8); ok && lo >= 0xDC00 && lo < 0xE000 {
					i += 12
					continue
				}
			}
			return &Error{Offset: i, Err: ErrLoneSurrogate}
		case r >= 0xDC00 && r < 0xE000:
			return &Error{Offset: i, Err: ErrLoneSurrogate}
		}
		i += 6
	}
}

func hex4(data []byte, at int) (rune, bool) {
	if at+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
