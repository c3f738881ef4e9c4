package jsonutf8_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/jsonutf8"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in     string
		err    error
		offset int
	}{
		{`{"q":"Zażółć gęślą jaźń"}`, nil, 0},
		{`{"q":"\u0041\u017c"}`, nil, 0},
		{`{"q":"\ud83d\ude00"}`, nil, 0}, // a pair: 😀
		{`{"q":"\\ud800"}`, nil, 0},      // an escaped backslash, then text
		{`{"q":"\\\ud83d\udE00"}`, nil, 0},
		{`{"q":"\u12"}`, nil, 0}, // not JSON; left to the decoder
		{"{\"q\":\"a\xff\"}", jsonutf8.ErrInvalidUTF8, 7},
		{"{\"q\":\"\xc3\x28\"}", jsonutf8.ErrInvalidUTF8, 6},
		{"\xed\xa0\x80", jsonutf8.ErrInvalidUTF8, 0}, // a surrogate encoded as UTF-8
		{`{"q":"\ud800"}`, jsonutf8.ErrLoneSurrogate, 6},
		{`{"q":"\uDFFF"}`, jsonutf8.ErrLoneSurrogate, 6},
		{`{"q":"\ud800\u0041"}`, jsonutf8.ErrLoneSurrogate, 6},
		{`{"q":"\ud800\ud800"}`, jsonutf8.ErrLoneSurrogate, 6},
		{`{"q":"x\\\ud800"}`, jsonutf8.ErrLoneSurrogate, 9},
		{`{"q":"\ud800`, jsonutf8.ErrLoneSurrogate, 6},
	} {
		err := jsonutf8.Check([]byte(tc.in))
		if tc.err == nil {
			require.NoError(t, err, tc.in)
			continue
		}
		require.ErrorIs(t, err, tc.err, tc.in)
		var e *jsonutf8.Error
		require.True(t, errors.As(err, &e))
		require.Equal(t, tc.offset, e.Offset, tc.in)
	}
}

// FuzzCheck: whatever Check accepts, encoding/json decodes without
// replacing anything by U+FFFD that was not written as U+FFFD.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`"a"`, `"\ud83d\ude00"`, `"\ud800"`, "\"\xff\"", `"\\ud800"`, `"\ufffd"`, `"\\\ud800\udc00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := jsonutf8.Check(data)
		var s string
		if json.Unmarshal(data, &s) != nil {
			return
		}
		if err != nil {
			if errors.Is(err, jsonutf8.ErrInvalidUTF8) {
				require.False(t, utf8.Valid(data))
			}
			return
		}
		require.True(t, utf8.ValidString(s))
		written := countFFFD(string(data)) + countEscapedFFFD(data)
		require.LessOrEqual(t, countFFFD(s), written, "%q decoded to %q", data, s)
	})
}

func countFFFD(s string) int {
	n := 0
	for _, r := range s {
		if r == utf8.RuneError {
			n++
		}
	}
	return n
}

// countEscapedFFFD over-counts (an escaped backslash before "ufffd" is
// counted too), which only weakens the bound.
func countEscapedFFFD(data []byte) int {
	n := 0
	for i := 0; i+6 <= len(data); i++ {
		if data[i] == '\\' && bytes.EqualFold(data[i+1:i+6], []byte("ufffd")) {
			n++
		}
	}
	return n
}
