// Package i18n: locales, message catalogs and LocalizedText. STUB.
package i18n

// Locale is one of the platform's four languages.
type Locale string

const (
	PL Locale = "pl" // binding
	UK Locale = "uk"
	EN Locale = "en"
	RU Locale = "ru"
)

// ParseLocale accepts exactly "pl", "uk", "en" or "ru".
func ParseLocale(s string) (Locale, bool) {
	switch l := Locale(s); l {
	case PL, UK, EN, RU:
		return l, true
	}
	return "", false
}
