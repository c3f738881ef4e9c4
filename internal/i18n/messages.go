package i18n

import (
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Every user-facing message lives in locales/<locale>.toml, files a
// translator edits without Go (locales/README.md): a key and its text, or
// for a message with a number, a table of its CLDR plural forms. They are
// embedded in the binary and read once at start; a file that does not parse
// stops the program at once (and the tests before it).
//
//go:embed locales/*.toml
var localeFiles embed.FS

// T returns the message for key in l with {name} placeholders replaced by
// args. A key missing in l falls back to English, then Polish, then the key
// itself, so a message is never empty. A placeholder without an argument is
// left as it is.
func T(l Locale, key string, args map[string]any) string { return catalog.t(l, key, args) }

// messages maps a locale to its messages by key.
type messages map[Locale]map[string]string

// pluralForms maps a locale to its plural messages: key → CLDR form
// ("one", "few", "many", "other") → text.
type pluralForms map[Locale]map[string]map[string]string

// catalog and plurals are every message, read from the locale files.
var catalog, plurals = load()

// load reads the embedded locale files with go-i18n's message file parser.
func load() (messages, pluralForms) {
	bundle := goi18n.NewBundle(language.Polish)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	msgs, plus := messages{}, pluralForms{}
	for _, l := range All {
		name := "locales/" + string(l) + ".toml"
		data, err := localeFiles.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", name, err))
		}
		mf, err := bundle.ParseMessageFileBytes(data, name)
		if err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", name, err))
		}
		msgs[l], plus[l] = map[string]string{}, map[string]map[string]string{}
		for _, m := range mf.Messages {
			forms := map[string]string{}
			for form, text := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many} {
				if text != "" {
					forms[form] = text
				}
			}
			if len(forms) == 0 {
				msgs[l][m.ID] = m.Other
				continue
			}
			forms["other"] = m.Other
			plus[l][m.ID] = forms
		}
	}
	return msgs, plus
}

// N returns the plural message for key in l chosen by count (CLDR's
// cardinal rules: "1 głos", "2 głosy", "5 głosów"), with {count} the number
// written as the locale writes numbers and the other placeholders from
// args. The fallback is T's: English, then Polish, then the key.
func N(l Locale, key string, count int, args map[string]any) string {
	for _, loc := range [...]Locale{l, EN, PL} {
		forms, ok := plurals[loc][key]
		if !ok {
			continue
		}
		tag := language.Make(string(loc))
		text, ok := forms[pluralForm(tag, count)]
		if !ok {
			text = forms["other"]
		}
		vars := map[string]any{"count": FormatInt(loc, count)}
		for k, v := range args {
			vars[k] = v
		}
		return interpolate(text, vars)
	}
	return key
}

// pluralForm is count's CLDR cardinal form in tag.
func pluralForm(tag language.Tag, count int) string {
	n := count
	if n < 0 {
		n = -n
	}
	switch plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0) {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

// FormatInt writes n as l writes numbers: "12 345" with a no-break space
// in Polish, Ukrainian and Russian, "12,345" in English.
func FormatInt(l Locale, n int) string {
	return message.NewPrinter(language.Make(string(l))).Sprintf("%d", n)
}

func (c messages) t(l Locale, key string, args map[string]any) string {
	for _, loc := range [...]Locale{l, EN, PL} {
		if msg, ok := c[loc][key]; ok {
			return interpolate(msg, args)
		}
		if forms, ok := plurals[loc][key]; ok { // a plural message without its number
			return interpolate(forms["other"], args)
		}
	}
	return key
}

// Has reports whether key has a message (or a plural message) in every
// locale; other packages' tests use it to check the keys their errors
// carry.
func Has(key string) bool {
	for _, l := range All {
		_, ok := catalog[l][key]
		_, okN := plurals[l][key]
		if !ok && !okN {
			return false
		}
	}
	return true
}

// Keys lists every key of the catalog, plural messages included, sorted.
func Keys() []string {
	seen := map[string]bool{}
	var keys []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, l := range All {
		for k := range catalog[l] {
			add(k)
		}
		for k := range plurals[l] {
			add(k)
		}
	}
	sort.Strings(keys)
	return keys
}

// interpolate fills a catalog message with its arguments (Fill).
func interpolate(msg string, args map[string]any) string {
	if len(args) == 0 {
		return msg
	}
	vars := make(map[string]string, len(args))
	for k, v := range args {
		vars[k] = fmt.Sprint(v)
	}
	return Fill(msg, vars)
}

// Fill is the one template engine of every text people read (catalog
// messages, notices): it replaces each {name} with vars[name] in one pass,
// so a value is never itself filled in. A placeholder without a value stays
// as it is, so that a mistake shows instead of leaving a silent gap (tests
// fill every message with the data it declares).
func Fill(text string, vars map[string]string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open:], '}')
		if end < 0 {
			break
		}
		name := text[open+1 : open+end]
		b.WriteString(text[:open])
		if v, ok := vars[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(text[open : open+end+1])
		}
		text = text[open+end+1:]
	}
	b.WriteString(text)
	return b.String()
}
