package i18n

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestT_FallsBackToEnglishThenPolishThenKey(t *testing.T) {
	t.Parallel()
	c := messages{
		PL: {"a": "pl a", "b": "pl b"},
		EN: {"a": "en a"},
		UK: {"c": "uk c"},
	}
	require.Equal(t, "uk c", c.t(UK, "c", nil))
	require.Equal(t, "en a", c.t(UK, "a", nil))
	require.Equal(t, "pl b", c.t(RU, "b", nil))
	require.Equal(t, "c", c.t(RU, "c", nil))
	require.Equal(t, "d", c.t(PL, "d", nil))
}
