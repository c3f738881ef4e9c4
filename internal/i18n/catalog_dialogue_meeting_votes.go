package i18n

// Messages of votes in the meetings of dialogue bodies (internal/dialogue,
// meeting_vote.go): errors, and the words of the motion that adopts a
// meeting's agenda.
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"dialogue.meeting_not_started":      "Posiedzenie jeszcze się nie rozpoczęło: głosuje się w trakcie posiedzenia.",
		"dialogue.agenda_voting":            "Trwa głosowanie nad porządkiem obrad: do jego zamknięcia porządku nie można zmieniać.",
		"dialogue.agenda_already_adopted":   "Porządek obrad został już przyjęty.",
		"dialogue.agenda_empty":             "Porządek obrad nie ma punktów: nie ma czego przyjmować.",
		"dialogue.vote_not_present":         "Na posiedzeniu głosują obecni członkowie z prawem głosu (zdalnie tylko wtedy, gdy zasady ciała dialogu na to pozwalają).",
		"dialogue.vote_meeting_invalid":     "Wskaż posiedzenie ciała dialogu, do którego należy ten wniosek.",
		"dialogue.vote_agenda_item_invalid": "Wskaż punkt porządku obrad tego posiedzenia.",
		"dialogue.vote_form_invalid":        "Wybierz jeden sposób głosowania: pisemnie albo na posiedzeniu.",
		"dialogue.agenda_motion_title":      "Przyjęcie porządku obrad",
		"dialogue.agenda_motion_text":       "Przyjmuje się następujący porządek obrad posiedzenia „{meeting}”:",
	})
	add(UK, map[string]string{
		"dialogue.meeting_not_started":      "Засідання ще не розпочалося: голосують під час засідання.",
		"dialogue.agenda_voting":            "Триває голосування щодо порядку денного: до його закриття порядок денний змінювати не можна.",
		"dialogue.agenda_already_adopted":   "Порядок денний уже затверджено.",
		"dialogue.agenda_empty":             "У порядку денному немає пунктів: немає чого затверджувати.",
		"dialogue.vote_not_present":         "На засіданні голосують присутні члени з правом голосу (дистанційно — лише якщо це дозволяють правила органу діалогу).",
		"dialogue.vote_meeting_invalid":     "Вкажіть засідання органу діалогу, до якого належить ця пропозиція.",
		"dialogue.vote_agenda_item_invalid": "Вкажіть пункт порядку денного цього засідання.",
		"dialogue.vote_form_invalid":        "Виберіть один спосіб голосування: письмово або на засіданні.",
		"dialogue.agenda_motion_title":      "Затвердження порядку денного",
		"dialogue.agenda_motion_text":       "Затверджується такий порядок денний засідання «{meeting}»:",
	})
	add(EN, map[string]string{
		"dialogue.meeting_not_started":      "The meeting has not started yet: votes are taken during the meeting.",
		"dialogue.agenda_voting":            "The agenda is being voted on: it cannot change until that vote closes.",
		"dialogue.agenda_already_adopted":   "The agenda has already been adopted.",
		"dialogue.agenda_empty":             "The agenda has no items: there is nothing to adopt.",
		"dialogue.vote_not_present":         "In a meeting, the voting members present vote (remotely only where the dialogue body's rules allow it).",
		"dialogue.vote_meeting_invalid":     "Name a meeting of the dialogue body this motion belongs to.",
		"dialogue.vote_agenda_item_invalid": "Name an item of that meeting's agenda.",
		"dialogue.vote_form_invalid":        "Choose one way of voting: in writing or in a meeting.",
		"dialogue.agenda_motion_title":      "Adoption of the agenda",
		"dialogue.agenda_motion_text":       "The following agenda of the meeting “{meeting}” is adopted:",
	})
	add(RU, map[string]string{
		"dialogue.meeting_not_started":      "Заседание ещё не началось: голосуют во время заседания.",
		"dialogue.agenda_voting":            "Идёт голосование по повестке дня: до его закрытия повестку нельзя изменить.",
		"dialogue.agenda_already_adopted":   "Повестка дня уже утверждена.",
		"dialogue.agenda_empty":             "В повестке дня нет пунктов: нечего утверждать.",
		"dialogue.vote_not_present":         "На заседании голосуют присутствующие члены с правом голоса (дистанционно — только если это позволяют правила органа диалога).",
		"dialogue.vote_meeting_invalid":     "Укажите заседание органа диалога, к которому относится это предложение.",
		"dialogue.vote_agenda_item_invalid": "Укажите пункт повестки дня этого заседания.",
		"dialogue.vote_form_invalid":        "Выберите один способ голосования: письменно или на заседании.",
		"dialogue.agenda_motion_title":      "Утверждение повестки дня",
		"dialogue.agenda_motion_text":       "Утверждается следующая повестка дня заседания «{meeting}»:",
	})
}
