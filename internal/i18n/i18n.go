// Package i18n owns the platform's four languages: locales and their
// negotiation, the message catalog for user-facing errors, and LocalizedText
// (texts people write, with credited translations).
package i18n

import (
	"time"
	_ "time/tzdata" // the zone is embedded: it must not depend on the OS having zone files

	"context"
	"sort"
	"strings"

	"golang.org/x/text/language"
)

// Locale is one of the platform's four languages.
type Locale string

const (
	PL Locale = "pl" // binding
	UK Locale = "uk"
	EN Locale = "en"
	RU Locale = "ru"
)

// Default is the locale used when nothing else is known: Polish is binding.
const Default = PL

// All lists the locales in the order the platform shows them.
var All = []Locale{PL, UK, EN, RU}

// ParseLocale accepts exactly "pl", "uk", "en" or "ru".
func ParseLocale(s string) (Locale, bool) {
	switch l := Locale(s); l {
	case PL, UK, EN, RU:
		return l, true
	}
	return "", false
}

// Valid reports whether l is one of the four locales.
func (l Locale) Valid() bool { _, ok := ParseLocale(string(l)); return ok }

func (l Locale) String() string { return string(l) }

var (
	supported = []language.Tag{language.Polish, language.Ukrainian, language.English, language.Russian}
	matcher   = language.NewMatcher(supported)
	anyTag    = language.MustParse("mul") // how "*" parses
)

// maxAcceptEntries bounds the work done for one header; browsers send a few.
const maxAcceptEntries = 32

// Negotiate picks the locale for an Accept-Language header. Entries are
// tried in order of preference (q-value, then position); "*" accepts the
// default. ok is false, with Default, when no entry names one of our
// languages. An entry counts only when it names the language itself:
// CLDR would answer Russian to "be" or "kk", but we do not decide for a
// Belarusian or Kazakh speaker that they read Russian; they get Polish and
// the language switcher. Malformed entries ("ua", which is not a language
// code) are skipped rather than spoiling the whole header.
func Negotiate(acceptLanguage string) (Locale, bool) {
	type entry struct {
		tag language.Tag
		q   float32
	}
	var entries []entry
	for i, part := range strings.Split(acceptLanguage, ",") {
		if i == maxAcceptEntries {
			break
		}
		tags, qs, err := language.ParseAcceptLanguage(part)
		if err != nil || len(tags) != 1 {
			continue // empty, q=0 or malformed
		}
		entries = append(entries, entry{tags[0], qs[0]})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].q > entries[j].q })
	for _, e := range entries {
		if e.tag == anyTag {
			return Default, true
		}
		base, conf := e.tag.Base()
		if conf != language.Exact {
			continue // "und-…": the language is a guess
		}
		_, idx, c := matcher.Match(e.tag)
		if c < language.High {
			continue // e.g. "uk-Latn": we serve Cyrillic only
		}
		if sb, _ := supported[idx].Base(); sb != base {
			continue
		}
		return All[idx], true
	}
	return Default, false
}

type ctxKey struct{}

// WithLocale returns ctx carrying the caller's locale.
func WithLocale(ctx context.Context, l Locale) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// FromContext returns the caller's locale in ctx, Default when none.
func FromContext(ctx context.Context) Locale {
	if l, ok := ctx.Value(ctxKey{}).(Locale); ok && l.Valid() {
		return l
	}
	return Default
}

// Warsaw is the city's time zone: days, deadlines and times shown to people
// are Warsaw's.
var Warsaw = func() *time.Location {
	l, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return l
}()
