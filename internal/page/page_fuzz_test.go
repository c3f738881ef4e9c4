package page_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/page"
)

// FuzzAfter: decoding a client's cursor never panics; a cursor that decodes
// encodes back to one that decodes to the same key.
func FuzzAfter(f *testing.F) {
	f.Add(page.Cursor("orgs", page.Key{At: time.Date(2026, 5, 10, 12, 0, 0, 5, time.UTC), ID: uuid.MustParse("0190d7a2-1c3e-7a55-8f9e-2b1d3c4e5f60")}))
	f.Add(page.Cursor("other", page.Key{ID: uuid.New()}))
	f.Add(page.Cursor("orgs", page.Key{}))
	f.Add("eyJsIjoib3JncyIsImsiOnt9fQ")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		var k page.Key
		ok, err := page.After("orgs", s, &k)
		if err != nil || !ok {
			return
		}
		require.True(t, k.Valid())
		var again page.Key
		ok, err = page.After("orgs", page.Cursor("orgs", k), &again)
		require.NoError(t, err)
		require.True(t, ok)
		require.True(t, k.At.Equal(again.At))
		require.Equal(t, k.ID, again.ID)
	})
}
