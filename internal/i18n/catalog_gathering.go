package i18n

// Messages of the gathering mechanism's own rules (internal/gathering), for
// domains that do not name their own errors for them.
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"gathering.cancelled":                 "To spotkanie zostało odwołane.",
		"gathering.started":                   "Spotkanie już się rozpoczęło: tej zmiany nie można już wprowadzić.",
		"gathering.not_started":               "Obecność można zapisać dopiero po rozpoczęciu spotkania.",
		"gathering.not_ended":                 "Protokół można opublikować dopiero po zakończeniu spotkania.",
		"gathering.starts_in_past":            "Początek spotkania musi przypadać w przyszłości.",
		"gathering.ends_before_start":         "Koniec spotkania musi nastąpić po jego rozpoczęciu.",
		"gathering.languages_invalid":         "Wybierz co najmniej jeden język spotkania spośród: polski, ukraiński, angielski, rosyjski.",
		"gathering.capacity_invalid":          "Liczba miejsc musi wynosić od 1 do {max} (albo bez limitu).",
		"gathering.capacity_below_registered": "Liczba miejsc nie może być mniejsza niż liczba osób już zapisanych ({registered}).",
		"gathering.reason_required":           "Podaj powód odwołania (co najmniej {min} znaków).",
		"gathering.attendee_not_registered":   "Obecność można zapisać tylko osobom, które mają miejsce na spotkaniu.",
		"gathering.minutes_required":          "Podaj treść protokołu.",
	})
	add(UK, map[string]string{
		"gathering.cancelled":                 "Цю зустріч скасовано.",
		"gathering.started":                   "Зустріч уже почалася: цю зміну вже не можна внести.",
		"gathering.not_started":               "Присутність можна записати лише після початку зустрічі.",
		"gathering.not_ended":                 "Протокол можна опублікувати лише після завершення зустрічі.",
		"gathering.starts_in_past":            "Початок зустрічі має бути в майбутньому.",
		"gathering.ends_before_start":         "Зустріч має закінчуватися після початку.",
		"gathering.languages_invalid":         "Виберіть щонайменше одну мову зустрічі: польська, українська, англійська, російська.",
		"gathering.capacity_invalid":          "Кількість місць має бути від 1 до {max} (або без обмеження).",
		"gathering.capacity_below_registered": "Кількість місць не може бути меншою за кількість уже зареєстрованих осіб ({registered}).",
		"gathering.reason_required":           "Вкажіть причину скасування (щонайменше {min} символів).",
		"gathering.attendee_not_registered":   "Присутність можна записати лише особам, які мають місце на зустрічі.",
		"gathering.minutes_required":          "Введіть текст протоколу.",
	})
	add(EN, map[string]string{
		"gathering.cancelled":                 "This meeting was cancelled.",
		"gathering.started":                   "The meeting has already started: this change is no longer possible.",
		"gathering.not_started":               "Attendance can be recorded only once the meeting has started.",
		"gathering.not_ended":                 "Minutes can be published only once the meeting has ended.",
		"gathering.starts_in_past":            "The meeting must start in the future.",
		"gathering.ends_before_start":         "The meeting must end after it starts.",
		"gathering.languages_invalid":         "Choose at least one language of the meeting: Polish, Ukrainian, English, Russian.",
		"gathering.capacity_invalid":          "The number of seats must be from 1 to {max} (or unlimited).",
		"gathering.capacity_below_registered": "The number of seats cannot be lower than the number of people already registered ({registered}).",
		"gathering.reason_required":           "Give the reason for the cancellation (at least {min} characters).",
		"gathering.attendee_not_registered":   "Attendance can be recorded only for people who hold a seat at the meeting.",
		"gathering.minutes_required":          "Enter the text of the minutes.",
	})
	add(RU, map[string]string{
		"gathering.cancelled":                 "Эта встреча отменена.",
		"gathering.started":                   "Встреча уже началась: это изменение больше невозможно.",
		"gathering.not_started":               "Присутствие можно записать только после начала встречи.",
		"gathering.not_ended":                 "Протокол можно опубликовать только после окончания встречи.",
		"gathering.starts_in_past":            "Встреча должна начинаться в будущем.",
		"gathering.ends_before_start":         "Встреча должна заканчиваться после начала.",
		"gathering.languages_invalid":         "Выберите хотя бы один язык встречи: польский, украинский, английский, русский.",
		"gathering.capacity_invalid":          "Количество мест должно быть от 1 до {max} (или без ограничения).",
		"gathering.capacity_below_registered": "Количество мест не может быть меньше количества уже зарегистрированных ({registered}).",
		"gathering.reason_required":           "Укажите причину отмены (не менее {min} символов).",
		"gathering.attendee_not_registered":   "Присутствие можно записать только тем, у кого есть место на встрече.",
		"gathering.minutes_required":          "Введите текст протокола.",
	})
}
