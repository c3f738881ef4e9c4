package gid_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/internal/apperr"
)

func TestGlobalID_RoundTripAndRejectsWrongType(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	s := gid.Encode("Organisation", id)
	typ, got, ok := gid.Decode(s)
	require.True(t, ok)
	require.Equal(t, "Organisation", typ)
	require.Equal(t, id, got)

	_, err := gid.Expect(s, "Account", "accountId")
	require.Equal(t, apperr.Invalid("accountId", "input.id_invalid"), err)
	for _, bad := range []string{"", "!!!", gid.Encode("", id), "T3JnYW5pc2F0aW9uOng"} {
		_, _, ok := gid.Decode(bad)
		require.False(t, ok, bad)
	}
}
