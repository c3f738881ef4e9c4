package scalar_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/scalar"
)

func TestMoney_RoundTripsGroszeBeyond32Bits(t *testing.T) {
	t.Parallel()
	for s, g := range map[string]int64{"1546168.66": 154616866, "9200000.00": 920000000, "0.05": 5, "-3.50": -350} {
		got, err := scalar.ParseMoney(s)
		require.NoError(t, err)
		require.Equal(t, g, got)
		require.Equal(t, s, scalar.FormatMoney(g))
	}
	got, err := scalar.ParseMoney("12")
	require.NoError(t, err)
	require.Equal(t, int64(1200), got)
	for _, bad := range []string{"", "1.234", "1,50", "abc", "1.", ".5", "1e9", "99999999999999999"} {
		_, err := scalar.ParseMoney(bad)
		require.Error(t, err, bad)
	}
	_, err = scalar.UnmarshalMoney(12.5)
	require.Error(t, err)
}

func TestDateTime_WritesWarsawOffset(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	scalar.MarshalDateTime(time.Date(2026, 6, 30, 21, 59, 59, 0, time.UTC)).MarshalGQL(&b)
	require.Equal(t, `"2026-06-30T23:59:59+02:00"`, b.String())
	_, err := scalar.UnmarshalDateTime("2026-06-30T23:59:59")
	require.Error(t, err)
}

// A day is shown as the city's midnight, in summer and in winter, and on
// the days the clocks change.
func TestDay_IsWarsawMidnight(t *testing.T) {
	t.Parallel()
	for day, want := range map[string]string{
		"2025-05-10": `"2025-05-10T00:00:00+02:00"`,
		"2025-01-10": `"2025-01-10T00:00:00+01:00"`,
		"2025-03-30": `"2025-03-30T00:00:00+01:00"`,
		"2025-10-26": `"2025-10-26T00:00:00+02:00"`,
		"2024-12-31": `"2024-12-31T00:00:00+01:00"`,
	} {
		d, err := time.Parse(time.DateOnly, day)
		require.NoError(t, err)
		var b bytes.Buffer
		scalar.MarshalDateTime(scalar.Day(d)).MarshalGQL(&b)
		require.Equal(t, want, b.String(), day)
	}
}
