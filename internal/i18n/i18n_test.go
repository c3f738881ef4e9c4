package i18n_test

import (
	"context"
	"regexp"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/i18n"
)

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header string
		want   i18n.Locale
		ok     bool
	}{
		{"uk-UA,uk;q=0.9,en;q=0.5", i18n.UK, true},
		{"pl-PL,pl;q=0.9", i18n.PL, true},
		{"en-US,en;q=0.9,pl;q=0.8", i18n.EN, true},
		{"en-GB", i18n.EN, true},
		{"ru-UA", i18n.RU, true},
		{"RU", i18n.RU, true},
		{"en;q=0.5,ru;q=0.9", i18n.RU, true},      // q-values, not position, decide
		{"de,en;q=0.1", i18n.EN, true},            // first acceptable language
		{"de-DE,de;q=0.9,*;q=0.1", i18n.PL, true}, // "*" accepts the default
		{" uk ; q=0.8 , en;q=0.7", i18n.UK, true},
		{"uk;q=0,en", i18n.EN, true}, // q=0 means "not uk"
		{"ua,en;q=0.5", i18n.EN, true},
		{"ua", i18n.PL, false}, // "ua" is a country, not a language
		{"ua-UA", i18n.PL, false},
		{"de-DE", i18n.PL, false},
		{"be", i18n.PL, false}, // CLDR would say Russian; we do not assume it
		{"kk", i18n.PL, false},
		{"uk-Latn", i18n.PL, false}, // we serve Cyrillic only
		{"und-Cyrl", i18n.PL, false},
		{"", i18n.PL, false},
		{";;,,q=", i18n.PL, false},
	}
	for _, tt := range tests {
		got, ok := i18n.Negotiate(tt.header)
		require.Equal(t, tt.want, got, "header %q", tt.header)
		require.Equal(t, tt.ok, ok, "header %q", tt.header)
	}
}

func TestParseLocale_RejectsUA(t *testing.T) {
	t.Parallel()
	for _, l := range i18n.All {
		got, ok := i18n.ParseLocale(string(l))
		require.True(t, ok)
		require.Equal(t, l, got)
	}
	for _, s := range []string{"ua", "UK", "pl-PL", ""} {
		_, ok := i18n.ParseLocale(s)
		require.False(t, ok, s)
	}
}

func TestFromContext_DefaultsToPolish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	require.Equal(t, i18n.PL, i18n.FromContext(ctx))
	require.Equal(t, i18n.UK, i18n.FromContext(i18n.WithLocale(ctx, i18n.UK)))
	require.Equal(t, i18n.PL, i18n.FromContext(i18n.WithLocale(ctx, "ua")))
}

// requiredKeys are the message keys the application's errors use.
var requiredKeys = []string{
	"error.unauthenticated", "error.forbidden", "error.not_found", "error.rate_limited", "error.internal",
	"error.invalid_input", "error.conflict",
	"auth.invalid_credentials", "auth.email_taken", "auth.email_invalid", "auth.password_too_short",
	"auth.password_too_long", "auth.display_name_invalid", "auth.locale_invalid", "auth.token_invalid",
	"invitation.invalid",
	"verification.identifier_used", "verification.already_verified",
	"org.slug_taken", "org.slug_invalid", "org.name_invalid", "org.kind_invalid", "org.member_role_invalid",
	"text.locale_invalid", "text.empty", "text.too_long", "text.invalid", "text.original_locale",
	"input.page_size", "input.cursor_invalid", "input.id_invalid",
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

func TestCatalog_EveryKeyInEveryLocaleWithTheSamePlaceholders(t *testing.T) {
	t.Parallel()
	keys := i18n.Keys()
	require.Subset(t, keys, requiredKeys)
	for _, key := range keys {
		require.True(t, i18n.Has(key), "key %s is missing in a locale", key)
		var want []string
		for i, l := range i18n.All {
			msg := i18n.T(l, key, nil)
			require.NotEmpty(t, msg)
			require.NotEqual(t, key, msg)
			got := placeholder.FindAllString(msg, -1)
			sort.Strings(got)
			if i == 0 {
				want = got
				continue
			}
			require.Equal(t, want, got, "placeholders of %s in %s", key, l)
		}
	}
	// Messages differ between languages (no copy-paste of another locale).
	for _, key := range requiredKeys {
		seen := map[string]i18n.Locale{}
		for _, l := range i18n.All {
			msg := i18n.T(l, key, nil)
			prev, dup := seen[msg]
			require.False(t, dup, "%s: %s repeats %s", key, l, prev)
			seen[msg] = l
		}
	}
}

func TestT_Interpolates(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Hasło jest za krótkie. Minimalna liczba znaków: 12.",
		i18n.T(i18n.PL, "auth.password_too_short", map[string]any{"min": 12}))
	require.Equal(t, "Invalid page size. Allowed: 1 to 100.",
		i18n.T(i18n.EN, "input.page_size", map[string]any{"max": 100}))
	// A missing argument leaves its placeholder; a value is not interpolated again.
	require.Equal(t, "Invalid page size. Allowed: 1 to {max}.", i18n.T(i18n.EN, "input.page_size", nil))
	require.Equal(t, "Пароль надто короткий. Мінімальна кількість символів: {max}.",
		i18n.T(i18n.UK, "auth.password_too_short", map[string]any{"min": "{max}", "max": 3}))
}

func TestT_UnknownKeyOrLocale(t *testing.T) {
	t.Parallel()
	require.Equal(t, "no.such.key", i18n.T(i18n.RU, "no.such.key", nil))
	require.Equal(t, "Not found.", i18n.T("ua", "error.not_found", nil)) // unknown locale: English
}
