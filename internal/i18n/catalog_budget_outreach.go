package i18n

// Messages of the civic budget's outreach: information sessions and the
// participation survey.
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"budget.session_title_invalid":             "Podaj tytuł spotkania (do {max} znaków).",
		"budget.session_description_invalid":       "Opis spotkania może mieć najwyżej {max} znaków.",
		"budget.session_locale_invalid":            "Wybierz język, w którym napisano tytuł i opis: pl, uk, en lub ru.",
		"budget.session_languages_invalid":         "Podaj języki spotkania: pl, uk, en lub ru.",
		"budget.session_starts_in_past":            "Spotkanie musi zaczynać się w przyszłości.",
		"budget.session_ends_before_start":         "Spotkanie musi kończyć się po rozpoczęciu.",
		"budget.session_place_invalid":             "Podaj miejsce spotkania albo link do spotkania online (do {max} znaków).",
		"budget.session_capacity_invalid":          "Liczba miejsc musi wynosić od 1 do {max}.",
		"budget.session_capacity_below_registered": "Zapisanych jest już {registered} osób: liczba miejsc nie może być mniejsza.",
		"budget.session_cancelled":                 "To spotkanie zostało odwołane.",
		"budget.session_started":                   "To spotkanie już się rozpoczęło.",
		"budget.session_edition_over":              "Głosowanie w tej edycji zostało zakończone: nie można już planować ani zmieniać spotkań.",
		"budget.session_registration_closed":       "Zapisy na to spotkanie nie są otwarte.",
		"budget.session_reason_required":           "Podaj powód odwołania (co najmniej {min} znaki).",
		"budget.survey_token_invalid":              "Ten link do ankiety jest nieprawidłowy.",
		"budget.survey_token_used":                 "Ankieta z tego linku została już wypełniona.",
		"budget.survey_answer_invalid":             "Nieznana odpowiedź na pytanie „{question}”.",
		"budget.survey_closed":                     "Ankieta jest otwarta tylko w czasie głosowania: odpowiedzi nie są już przyjmowane.",
	})
	add(UK, map[string]string{
		"budget.session_title_invalid":             "Вкажіть назву зустрічі (до {max} символів).",
		"budget.session_description_invalid":       "Опис зустрічі може містити щонайбільше {max} символів.",
		"budget.session_locale_invalid":            "Виберіть мову, якою написано назву та опис: pl, uk, en або ru.",
		"budget.session_languages_invalid":         "Вкажіть мови зустрічі: pl, uk, en або ru.",
		"budget.session_starts_in_past":            "Зустріч має починатися в майбутньому.",
		"budget.session_ends_before_start":         "Зустріч має закінчуватися після початку.",
		"budget.session_place_invalid":             "Вкажіть місце зустрічі або посилання на онлайн-зустріч (до {max} символів).",
		"budget.session_capacity_invalid":          "Кількість місць має бути від 1 до {max}.",
		"budget.session_capacity_below_registered": "Уже зареєстровано {registered} осіб: кількість місць не може бути меншою.",
		"budget.session_cancelled":                 "Цю зустріч скасовано.",
		"budget.session_started":                   "Ця зустріч уже розпочалася.",
		"budget.session_edition_over":              "Голосування в цій редакції завершено: планувати чи змінювати зустрічі вже не можна.",
		"budget.session_registration_closed":       "Реєстрація на цю зустріч не відкрита.",
		"budget.session_reason_required":           "Вкажіть причину скасування (щонайменше {min} символи).",
		"budget.survey_token_invalid":              "Це посилання на опитування недійсне.",
		"budget.survey_token_used":                 "Опитування за цим посиланням уже заповнено.",
		"budget.survey_answer_invalid":             "Невідома відповідь на запитання «{question}».",
		"budget.survey_closed":                     "Опитування відкрите лише під час голосування: відповіді більше не приймаються.",
	})
	add(EN, map[string]string{
		"budget.session_title_invalid":             "Give the session a title (up to {max} characters).",
		"budget.session_description_invalid":       "The session's description may have at most {max} characters.",
		"budget.session_locale_invalid":            "Choose the language the title and description are written in: pl, uk, en or ru.",
		"budget.session_languages_invalid":         "Give the session's languages: pl, uk, en or ru.",
		"budget.session_starts_in_past":            "The session must start in the future.",
		"budget.session_ends_before_start":         "The session must end after it starts.",
		"budget.session_place_invalid":             "Give the session's place or the link of an online session (up to {max} characters).",
		"budget.session_capacity_invalid":          "The number of seats must be between 1 and {max}.",
		"budget.session_capacity_below_registered": "{registered} people have already registered: there cannot be fewer seats.",
		"budget.session_cancelled":                 "This session was cancelled.",
		"budget.session_started":                   "This session has already started.",
		"budget.session_edition_over":              "Voting in this edition has ended: sessions can no longer be planned or changed.",
		"budget.session_registration_closed":       "Registration for this session is not open.",
		"budget.session_reason_required":           "Give a reason for the cancellation (at least {min} characters).",
		"budget.survey_token_invalid":              "This survey link is not valid.",
		"budget.survey_token_used":                 "The survey of this link has already been answered.",
		"budget.survey_answer_invalid":             "Unknown answer to the question “{question}”.",
		"budget.survey_closed":                     "The survey is open only during voting: answers are no longer accepted.",
	})
	add(RU, map[string]string{
		"budget.session_title_invalid":             "Укажите название встречи (до {max} символов).",
		"budget.session_description_invalid":       "Описание встречи может содержать не более {max} символов.",
		"budget.session_locale_invalid":            "Выберите язык, на котором написаны название и описание: pl, uk, en или ru.",
		"budget.session_languages_invalid":         "Укажите языки встречи: pl, uk, en или ru.",
		"budget.session_starts_in_past":            "Встреча должна начинаться в будущем.",
		"budget.session_ends_before_start":         "Встреча должна заканчиваться после начала.",
		"budget.session_place_invalid":             "Укажите место встречи или ссылку на онлайн-встречу (до {max} символов).",
		"budget.session_capacity_invalid":          "Количество мест должно быть от 1 до {max}.",
		"budget.session_capacity_below_registered": "Уже зарегистрировано {registered} человек: мест не может быть меньше.",
		"budget.session_cancelled":                 "Эта встреча отменена.",
		"budget.session_started":                   "Эта встреча уже началась.",
		"budget.session_edition_over":              "Голосование в этой редакции завершено: планировать или изменять встречи больше нельзя.",
		"budget.session_registration_closed":       "Регистрация на эту встречу не открыта.",
		"budget.session_reason_required":           "Укажите причину отмены (не менее {min} символов).",
		"budget.survey_token_invalid":              "Эта ссылка на опрос недействительна.",
		"budget.survey_token_used":                 "Опрос по этой ссылке уже заполнен.",
		"budget.survey_answer_invalid":             "Неизвестный ответ на вопрос «{question}».",
		"budget.survey_closed":                     "Опрос открыт только во время голосования: ответы больше не принимаются.",
	})
}
