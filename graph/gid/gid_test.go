package gid_test

import (
	"encoding/base64"
	"strings"
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

// TestGlobalID_KeysParseAsUUIDParseDoes: the key of a global ID is read as
// uuid.Parse reads it, in every form it takes.
func TestGlobalID_KeysParseAsUUIDParseDoes(t *testing.T) {
	t.Parallel()
	const key = "0190d7a2-1c3e-7a55-8f9e-2b1d3c4e5f60"
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, k := range []string{key, strings.ToUpper(key), "{" + key + "}", "urn:uuid:" + key, strings.ReplaceAll(key, "-", ""),
		"0190d7a2-1c3e-7a55-8f9e-2b1d3c4e5f6g", "0190d7a2-1c3e-7a55-8f9e+2b1d3c4e5f60", "0190d7a2-1c3e-7a55-8f9e-2b1d3c4e5f6", ""} {
		want, err := uuid.Parse(k)
		typ, got, ok := gid.Decode(enc("BudgetProject:" + k))
		require.Equal(t, err == nil, ok, k)
		if ok {
			require.Equal(t, "BudgetProject", typ)
			require.Equal(t, want, got, k)
		}
	}
	long := enc(strings.Repeat("T", 80) + ":" + key)
	typ, got, ok := gid.Decode(long)
	require.True(t, ok)
	require.Equal(t, strings.Repeat("T", 80), typ)
	require.Equal(t, uuid.MustParse(key), got)
}

// TestGlobalID_ExpectDoesNotAllocate: several IDs are decoded per ballot.
// Not parallel: testing.AllocsPerRun refuses to run in a parallel test.
func TestGlobalID_ExpectDoesNotAllocate(t *testing.T) {
	s := gid.Encode("BudgetProject", uuid.MustParse("0190d7a2-1c3e-7a55-8f9e-2b1d3c4e5f60"))
	require.Zero(t, testing.AllocsPerRun(100, func() {
		if _, err := gid.Expect(s, "BudgetProject", "picks"); err != nil {
			panic(err)
		}
	}))
}

// BenchmarkExpect decodes one project's global ID, as a ballot's picks are.
func BenchmarkExpect(b *testing.B) {
	s := gid.Encode("BudgetProject", uuid.MustParse("0190d7a2-1c3e-7a55-8f9e-2b1d3c4e5f60"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gid.Expect(s, "BudgetProject", "picks"); err != nil {
			b.Fatal(err)
		}
	}
}
