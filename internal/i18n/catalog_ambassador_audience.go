package i18n

// Messages of the Ambassador's audience vote (internal/ambassador
// audience.go).
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"ambassador.audience_none":          "Ta edycja nie ma głosowania publiczności.",
		"ambassador.audience_closed":        "Głosowanie publiczności nie jest teraz otwarte.",
		"ambassador.audience_already_voted": "W tej kategorii już oddano głos; nie można go zmienić.",
		"ambassador.audience_juror":         "Członkowie Kapituły tej edycji nie głosują w głosowaniu publiczności.",
		"ambassador.audience_staff":         "Osoby prowadzące edycję widzą wyniki na bieżąco, więc nie głosują.",
		"ambassador.audience_not_verified":  "Głosować mogą zweryfikowani mieszkańcy; weryfikacja jest w urzędzie lub punkcie głosowania.",
	})
	add(UK, map[string]string{
		"ambassador.audience_none":          "У цьому виданні немає голосування публіки.",
		"ambassador.audience_closed":        "Голосування публіки зараз не відкрите.",
		"ambassador.audience_already_voted": "У цій категорії вже проголосовано; голос змінити не можна.",
		"ambassador.audience_juror":         "Члени Капітули цього видання не голосують у голосуванні публіки.",
		"ambassador.audience_staff":         "Ті, хто веде видання, бачать результати наживо, тому не голосують.",
		"ambassador.audience_not_verified":  "Голосувати можуть верифіковані мешканці; верифікація — в управі або пункті голосування.",
	})
	add(EN, map[string]string{
		"ambassador.audience_none":          "This edition has no audience vote.",
		"ambassador.audience_closed":        "The audience vote is not open now.",
		"ambassador.audience_already_voted": "A vote has already been cast in this category; it cannot be changed.",
		"ambassador.audience_juror":         "Jurors of this edition do not take part in the audience vote.",
		"ambassador.audience_staff":         "Those who run the edition see the live totals, so they do not vote.",
		"ambassador.audience_not_verified":  "Verified residents vote; get verified at a city office or a voting point.",
	})
	add(RU, map[string]string{
		"ambassador.audience_none":          "В этом издании нет голосования публики.",
		"ambassador.audience_closed":        "Голосование публики сейчас не открыто.",
		"ambassador.audience_already_voted": "В этой категории уже проголосовано; голос изменить нельзя.",
		"ambassador.audience_juror":         "Члены Капитулы этого издания не голосуют в голосовании публики.",
		"ambassador.audience_staff":         "Те, кто ведёт издание, видят результаты в реальном времени, поэтому не голосуют.",
		"ambassador.audience_not_verified":  "Голосовать могут верифицированные жители; верификация — в управе или пункте голосования.",
	})
}
