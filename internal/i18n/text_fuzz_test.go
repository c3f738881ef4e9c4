package i18n_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
)

// FuzzInputCheck: the check of a LocalizedText input never panics, refuses
// only with INVALID_INPUT on its field, and passes only a text in one of the
// four locales (or an empty optional one).
func FuzzInputCheck(f *testing.F) {
	f.Add("pl", "Zażółć gęślą jaźń", true)
	f.Add("PL", " ", false)
	f.Add("de", "Hallo", true)
	f.Add("", "", true)
	f.Add("uk", "\u00a0\u2003", true)
	f.Fuzz(func(t *testing.T, locale, text string, required bool) {
		key := ""
		if required {
			key = "text.required"
		}
		err := i18n.Input{Locale: i18n.Locale(locale), Text: text}.Check("title", key)
		if err != nil {
			var e *apperr.Error
			require.True(t, errors.As(err, &e))
			require.Equal(t, apperr.InvalidInput, e.Code)
			require.Equal(t, "title", e.Field)
			return
		}
		if strings.TrimSpace(text) == "" {
			require.False(t, required)
			return
		}
		require.True(t, i18n.Locale(locale).Valid())
	})
}
