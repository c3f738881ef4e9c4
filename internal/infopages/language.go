package infopages

import (
	"strings"

	"golang.org/x/text/language"
)

// Original is the language of every page's original.
const Original = "pl"

// CanonicalLanguage parses a BCP 47 tag and returns its canonical form
// ("UK" → "uk", "zh-hant" → "zh-Hant"). "pl" is the original and "und" no
// language: both INVALID_INPUT on "language" for a translation.
func CanonicalLanguage(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 35 {
		return "", errLanguage
	}
	tag, err := language.Parse(s)
	if err != nil || tag == language.Und || strings.HasPrefix(strings.ToLower(s), "und") {
		return "", errLanguage
	}
	base, conf := tag.Base()
	if conf == language.No || base.String() == "und" {
		return "", errLanguage
	}
	if base.String() == Original {
		return "", errLanguagePL
	}
	return tag.String(), nil
}

// rtlScripts are the scripts written right to left (ISO 15924).
var rtlScripts = map[string]bool{
	"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true, "Nkoo": true, "Adlm": true,
	"Mand": true, "Samr": true, "Rohg": true, "Yezi": true, "Mend": true,
}

// Dir is the text direction of a language: "rtl" when its script (given,
// or the likely one: "ar" → Arab, "ku-Arab" → Arab, "ku" → Latn) is
// written right to left, else "ltr".
func Dir(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return "ltr"
	}
	script, _ := tag.Script()
	if rtlScripts[script.String()] {
		return "rtl"
	}
	return "ltr"
}
