package scalar_test

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/scalar"
)

// FuzzMoney: what unmarshals marshals back and re-reads equal.
func FuzzMoney(f *testing.F) {
	for _, s := range []string{"1546168.66", "0.05", "-3.50", "12", "1.234", "", "-0.00", "99999999999999999", "+1.00", "٣.٥٠"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := scalar.UnmarshalMoney(s)
		if err != nil {
			return
		}
		var b bytes.Buffer
		scalar.MarshalMoney(g).MarshalGQL(&b)
		out, err := strconv.Unquote(b.String())
		require.NoError(t, err)
		again, err := scalar.UnmarshalMoney(out)
		require.NoError(t, err, out)
		require.Equal(t, g, again)
	})
}

// FuzzDateTime: what unmarshals marshals back and re-reads as the same instant.
func FuzzDateTime(f *testing.F) {
	for _, s := range []string{"2026-06-30T23:59:59+02:00", "2025-03-30T02:30:00+01:00", "2026-06-30T23:59:59", "0000-01-01T00:00:00Z",
		"9999-12-31T23:59:59.999999999-23:59", "2026-06-30T23:59:59.5Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := scalar.UnmarshalDateTime(s)
		if err != nil {
			return
		}
		var b bytes.Buffer
		scalar.MarshalDateTime(v).MarshalGQL(&b)
		out, err := strconv.Unquote(b.String())
		require.NoError(t, err)
		again, err := scalar.UnmarshalDateTime(out)
		require.NoError(t, err, out)
		require.True(t, v.Equal(again), "%s → %s → %s", s, out, again.Format(time.RFC3339Nano))
	})
}
