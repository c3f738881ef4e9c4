package i18n_test

import (
	"fmt"

	"github.com/otwarty/otwarty/internal/i18n"
)

func ExampleNegotiate() {
	fmt.Println(i18n.Negotiate("uk-UA,uk;q=0.9,en;q=0.5"))
	fmt.Println(i18n.Negotiate("de-DE,de;q=0.9")) // none of ours: the default, and false
	// Output:
	// uk true
	// pl false
}

func ExampleT() {
	fmt.Println(i18n.T(i18n.EN, "input.page_size", map[string]any{"max": 100}))
	fmt.Println(i18n.T(i18n.RU, "error.not_found", nil))
	// Output:
	// Invalid page size. Allowed: 1 to 100.
	// Не найдено.
}

func ExampleText_Resolve() {
	t := &i18n.Text{
		OriginalLocale: i18n.PL,
		Current: map[i18n.Locale]i18n.Version{
			i18n.PL: {Locale: i18n.PL, Body: "Więcej ławek", IsOriginal: true, Source: i18n.SourceHuman},
			i18n.UK: {Locale: i18n.UK, Body: "Більше лавок", Source: i18n.SourceHuman},
		},
	}
	r := t.Resolve(i18n.EN) // no English version yet: the original
	fmt.Println(r.Text, r.Locale, r.IsOriginal, r.MissingLocales)
	// Output: Więcej ławek pl true [en ru]
}
