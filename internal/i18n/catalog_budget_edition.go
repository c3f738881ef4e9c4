package i18n

// Messages of changing a civic-budget edition's settings.
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"budget.year_fixed":         "Rok edycji można zmienić tylko przed rozpoczęciem zgłaszania projektów: jest częścią ich numerów.",
		"budget.code_quota_invalid": "Limit kodów do głosowania członka komisji musi wynosić od 0 do 100 000.",
	})
	add(UK, map[string]string{
		"budget.year_fixed":         "Рік видання можна змінити лише до початку подання проєктів: він є частиною їхніх номерів.",
		"budget.code_quota_invalid": "Ліміт кодів для голосування члена комісії має бути від 0 до 100 000.",
	})
	add(EN, map[string]string{
		"budget.year_fixed":         "The edition's year can only be changed before project submission opens: it is part of the projects' numbers.",
		"budget.code_quota_invalid": "A ballot officer's quota of voting codes must be between 0 and 100,000.",
	})
	add(RU, map[string]string{
		"budget.year_fixed":         "Год редакции можно изменить только до начала подачи проектов: он входит в их номера.",
		"budget.code_quota_invalid": "Лимит кодов для голосования члена комиссии должен быть от 0 до 100 000.",
	})
}
