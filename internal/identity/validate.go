package identity

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
)

const (
	minPassword    = 12
	maxPassword    = 256
	maxDisplayName = 100
	maxEmail       = 254 // RFC 5321 path limit
)

// NormalizeEmail trims and lower-cases an address and checks that it is a
// bare address (no display name, no angle brackets).
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" || len(e) > maxEmail {
		return "", apperr.Invalid("email", keyEmailInvalid)
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Name != "" || addr.Address != e {
		return "", apperr.Invalid("email", keyEmailInvalid)
	}
	return e, nil
}

// checkPassword counts characters (runes), not bytes, so that a Ukrainian or
// Russian passphrase has the same limits as an English one.
func checkPassword(field, pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < minPassword:
		return apperr.Invalid(field, keyPasswordTooShort).With(map[string]any{"min": minPassword})
	case n > maxPassword:
		return apperr.Invalid(field, keyPasswordTooLong).With(map[string]any{"max": maxPassword})
	}
	return nil
}

func normalizeDisplayName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	bad := n < 1 || n > maxDisplayName || !utf8.ValidString(s)
	for _, r := range s {
		if unicode.IsControl(r) {
			bad = true
			break
		}
	}
	if bad {
		return "", apperr.Invalid(field, keyDisplayNameInvalid).With(map[string]any{"min": 1, "max": maxDisplayName})
	}
	return s, nil
}

// normalizeLocale defaults an empty locale to Polish, the binding language.
func normalizeLocale(field string, l i18n.Locale) (i18n.Locale, error) {
	if l == "" {
		return i18n.PL, nil
	}
	if p, ok := i18n.ParseLocale(string(l)); ok {
		return p, nil
	}
	return "", apperr.Invalid(field, keyLocaleInvalid)
}
