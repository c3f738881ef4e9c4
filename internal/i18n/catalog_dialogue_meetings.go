package i18n

// Messages of the meetings of dialogue bodies (internal/dialogue: meetings,
// agendas, speakers' lists).
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"dialogue.agenda_document_url_invalid":  "Link do dokumentu musi zaczynać się od https://.",
		"dialogue.agenda_full":                  "Porządek obrad może mieć najwyżej {max} punktów.",
		"dialogue.agenda_position_invalid":      "Wybierz miejsce od 1 do {max}.",
		"dialogue.meeting_cancelled":            "To posiedzenie zostało odwołane.",
		"dialogue.meeting_description_too_long": "Opis posiedzenia może mieć najwyżej {max} znaków.",
		"dialogue.meeting_ended":                "Posiedzenie już się zakończyło.",
		"dialogue.meeting_ends_before_start":    "Koniec posiedzenia musi nastąpić po jego rozpoczęciu.",
		"dialogue.meeting_link_invalid":         "Link do posiedzenia online musi zaczynać się od https://.",
		"dialogue.meeting_place_invalid":        "Podaj miejsce posiedzenia (najwyżej {max} znaków) albo link do posiedzenia online.",
		"dialogue.meeting_reason_required":      "Podaj powód odwołania (co najmniej {min} znaków).",
		"dialogue.meeting_registration_closed":  "Na posiedzenia tego ciała dialogu nie można się zapisać.",
		"dialogue.meeting_started":              "Posiedzenie już się rozpoczęło: tej zmiany nie można już wprowadzić.",
		"dialogue.meeting_starts_in_past":       "Początek posiedzenia musi przypadać w przyszłości.",
		"dialogue.meeting_title_too_long":       "Tytuł posiedzenia może mieć najwyżej {max} znaków.",
		"dialogue.speaker_none":                 "Nikt nie czeka na udzielenie głosu w tym punkcie.",
		"dialogue.speaker_not_allowed":          "O głos mogą prosić tylko członkowie i goście ciała dialogu zaproszeni na posiedzenie.",
		"dialogue.speaker_not_waiting":          "Ta osoba nie czeka na udzielenie głosu w tym punkcie.",
	})
	add(UK, map[string]string{
		"dialogue.agenda_document_url_invalid":  "Посилання на документ має починатися з https://.",
		"dialogue.agenda_full":                  "Порядок денний може містити щонайбільше {max} пунктів.",
		"dialogue.agenda_position_invalid":      "Виберіть місце від 1 до {max}.",
		"dialogue.meeting_cancelled":            "Це засідання скасовано.",
		"dialogue.meeting_description_too_long": "Опис засідання може містити щонайбільше {max} символів.",
		"dialogue.meeting_ended":                "Засідання вже закінчилося.",
		"dialogue.meeting_ends_before_start":    "Засідання має закінчуватися після його початку.",
		"dialogue.meeting_link_invalid":         "Посилання на онлайн-засідання має починатися з https://.",
		"dialogue.meeting_place_invalid":        "Вкажіть місце засідання (щонайбільше {max} символів) або посилання на онлайн-засідання.",
		"dialogue.meeting_reason_required":      "Вкажіть причину скасування (щонайменше {min} символів).",
		"dialogue.meeting_registration_closed":  "На засідання цього органу діалогу не можна зареєструватися.",
		"dialogue.meeting_started":              "Засідання вже розпочалося: цю зміну більше не можна внести.",
		"dialogue.meeting_starts_in_past":       "Початок засідання має бути в майбутньому.",
		"dialogue.meeting_title_too_long":       "Назва засідання може містити щонайбільше {max} символів.",
		"dialogue.speaker_none":                 "Ніхто не чекає на слово в цьому пункті.",
		"dialogue.speaker_not_allowed":          "Просити слова можуть лише члени та гості органу діалогу, запрошені на засідання.",
		"dialogue.speaker_not_waiting":          "Ця особа не чекає на слово в цьому пункті.",
	})
	add(EN, map[string]string{
		"dialogue.agenda_document_url_invalid":  "A document link must start with https://.",
		"dialogue.agenda_full":                  "An agenda holds at most {max} items.",
		"dialogue.agenda_position_invalid":      "Choose a place from 1 to {max}.",
		"dialogue.meeting_cancelled":            "This meeting was cancelled.",
		"dialogue.meeting_description_too_long": "A meeting's description may have at most {max} characters.",
		"dialogue.meeting_ended":                "The meeting has ended.",
		"dialogue.meeting_ends_before_start":    "The meeting must end after it starts.",
		"dialogue.meeting_link_invalid":         "An online meeting's link must start with https://.",
		"dialogue.meeting_place_invalid":        "Give the meeting's place (at most {max} characters) or the link of an online meeting.",
		"dialogue.meeting_reason_required":      "Give the reason for cancelling (at least {min} characters).",
		"dialogue.meeting_registration_closed":  "The meetings of this dialogue body take no registrations.",
		"dialogue.meeting_started":              "The meeting has started: this can no longer change.",
		"dialogue.meeting_starts_in_past":       "The meeting must start in the future.",
		"dialogue.meeting_title_too_long":       "A meeting's title may have at most {max} characters.",
		"dialogue.speaker_none":                 "Nobody is waiting to speak on this item.",
		"dialogue.speaker_not_allowed":          "Only the dialogue body's members and guests invited to the meeting may ask to speak.",
		"dialogue.speaker_not_waiting":          "This person is not waiting to speak on this item.",
	})
	add(RU, map[string]string{
		"dialogue.agenda_document_url_invalid":  "Ссылка на документ должна начинаться с https://.",
		"dialogue.agenda_full":                  "Повестка дня может содержать не более {max} пунктов.",
		"dialogue.agenda_position_invalid":      "Выберите место от 1 до {max}.",
		"dialogue.meeting_cancelled":            "Это заседание отменено.",
		"dialogue.meeting_description_too_long": "Описание заседания может содержать не более {max} символов.",
		"dialogue.meeting_ended":                "Заседание уже закончилось.",
		"dialogue.meeting_ends_before_start":    "Заседание должно заканчиваться после его начала.",
		"dialogue.meeting_link_invalid":         "Ссылка на онлайн-заседание должна начинаться с https://.",
		"dialogue.meeting_place_invalid":        "Укажите место заседания (не более {max} символов) или ссылку на онлайн-заседание.",
		"dialogue.meeting_reason_required":      "Укажите причину отмены (не менее {min} символов).",
		"dialogue.meeting_registration_closed":  "На заседания этого органа диалога нельзя зарегистрироваться.",
		"dialogue.meeting_started":              "Заседание уже началось: это изменение больше нельзя внести.",
		"dialogue.meeting_starts_in_past":       "Начало заседания должно быть в будущем.",
		"dialogue.meeting_title_too_long":       "Название заседания может содержать не более {max} символов.",
		"dialogue.speaker_none":                 "Никто не ждёт слова по этому пункту.",
		"dialogue.speaker_not_allowed":          "Просить слова могут только члены и гости органа диалога, приглашённые на заседание.",
		"dialogue.speaker_not_waiting":          "Этот человек не ждёт слова по этому пункту.",
	})
}
