package gid_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
)

// FuzzDecode: what decodes encodes back and decodes equal; Expect never
// panics and agrees with Decode.
func FuzzDecode(f *testing.F) {
	f.Add(gid.Encode("BudgetPool", uuid.MustParse("0190d7a2-1c3e-7a55-8f9e-2b1d3c4e5f60")))
	f.Add("QnVkZ2V0UG9vbDp7MDE5MGQ3YTItMWMzZS03YTU1LThmOWUtMmIxZDNjNGU1ZjYwfQ")
	f.Add("")
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		typ, id, ok := gid.Decode(s)
		_, err := gid.Expect(s, "BudgetPool", "id")
		require.Equal(t, ok && typ == "BudgetPool", err == nil)
		if !ok {
			return
		}
		typ2, id2, ok := gid.Decode(gid.Encode(typ, id))
		require.True(t, ok)
		require.Equal(t, typ, typ2)
		require.Equal(t, id, id2)
	})
}
