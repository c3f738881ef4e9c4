package i18n

// Messages of the civic budget's results: the commission's sign-off and the
// results settings.
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"budget.signatures_invalid":        "Liczba wymaganych podpisów komisji musi wynosić od 1 do 10.",
		"budget.results_already_published": "Wyniki tej edycji zostały już opublikowane.",
		"budget.invalid_ballots_invalid":   "Liczba głosów nieważnych nie może być ujemna.",
		"budget.tie_break_note_invalid":    "Uwagę o rozstrzygnięciu remisu można dodać raz, z treścią, tylko dla puli, w której remis rozstrzygnął wynik.",
		"budget.tie_break_note_missing":    "Każdy remis, który rozstrzygnął wynik puli, wymaga publicznej uwagi komisji.",
		"budget.certification_mismatch":    "Podpis musi potwierdzać protokół pierwszego podpisującego: te same liczby i uwagi. Aby je zmienić, przelicz wyniki.",
		"budget.already_signed":            "Te wyniki zostały już przez Ciebie podpisane.",
		"budget.not_certified":             "Wyniki można opublikować dopiero po podpisaniu ich przez wymaganą liczbę członków komisji.",
	})
	add(UK, map[string]string{
		"budget.signatures_invalid":        "Кількість потрібних підписів комісії має бути від 1 до 10.",
		"budget.results_already_published": "Результати цього видання вже опубліковано.",
		"budget.invalid_ballots_invalid":   "Кількість недійсних бюлетенів не може бути від’ємною.",
		"budget.tie_break_note_invalid":    "Примітку щодо розв’язання нічиєї можна додати один раз, із текстом, лише для пулу, де нічия вирішила результат.",
		"budget.tie_break_note_missing":    "Кожна нічия, що вирішила результат пулу, потребує публічної примітки комісії.",
		"budget.certification_mismatch":    "Підпис має підтверджувати протокол першого підписанта: ті самі числа й примітки. Щоб змінити їх, перерахуйте результати.",
		"budget.already_signed":            "Ви вже підписали ці результати.",
		"budget.not_certified":             "Результати можна опублікувати лише після підписання потрібною кількістю членів комісії.",
	})
	add(EN, map[string]string{
		"budget.signatures_invalid":        "The number of commission signatures required must be between 1 and 10.",
		"budget.results_already_published": "The results of this edition have already been published.",
		"budget.invalid_ballots_invalid":   "The number of invalid ballots cannot be negative.",
		"budget.tie_break_note_invalid":    "A tie-break note can be given once, with text, and only for a pool where a tie decided the outcome.",
		"budget.tie_break_note_missing":    "Every tie that decided a pool's outcome needs a public note from the commission.",
		"budget.certification_mismatch":    "A signature must confirm the first signer's record: the same numbers and notes. To change them, recompute the results.",
		"budget.already_signed":            "You have already signed these results.",
		"budget.not_certified":             "The results can be published only once the required number of commission members have signed them.",
	})
	add(RU, map[string]string{
		"budget.signatures_invalid":        "Количество требуемых подписей комиссии должно быть от 1 до 10.",
		"budget.results_already_published": "Результаты этого выпуска уже опубликованы.",
		"budget.invalid_ballots_invalid":   "Количество недействительных бюллетеней не может быть отрицательным.",
		"budget.tie_break_note_invalid":    "Примечание о разрешении ничьей можно добавить один раз, с текстом, и только для пула, где ничья решила результат.",
		"budget.tie_break_note_missing":    "Каждая ничья, решившая результат пула, требует публичного примечания комиссии.",
		"budget.certification_mismatch":    "Подпись должна подтверждать протокол первого подписавшего: те же числа и примечания. Чтобы изменить их, пересчитайте результаты.",
		"budget.already_signed":            "Вы уже подписали эти результаты.",
		"budget.not_certified":             "Результаты можно опубликовать только после подписания требуемым числом членов комиссии.",
	})
}
