package i18n

// Messages of dialogue bodies' opinions on consultations (internal/dialogue
// opinion.go), of the report's section that shows them
// (internal/consultation), and of withdrawn candidacies.
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"dialogue.opinion_consultation_closed": "O opinię można prosić, póki konsultacje są zapowiedziane albo otwarte.",
		"dialogue.opinion_due_past":            "Termin na opinię musi przypadać w przyszłości.",
		"dialogue.opinion_due_after_close":     "Termin na opinię nie może przypadać po zamknięciu konsultacji.",
		"dialogue.opinion_requested":           "To ciało dialogu ma już otwartą prośbę o opinię w tych konsultacjach.",
		"dialogue.opinion_request_closed":      "Ta prośba o opinię nie jest już otwarta (udzielono opinii, wycofano ją albo wygasła).",
		"dialogue.candidacy_not_own":           "Kandydaturę może wycofać tylko sam(a) kandydat(ka).",
		"report.md.opinions":                   "Opinie ciał dialogu",
		"report.md.opinion_adopted":            "Przyjęta",
		"report.md.opinion_requested":          "na prośbę miasta",
		"report.md.opinion_unrequested":        "z własnej inicjatywy",
		"report.md.opinion_due":                "termin: {date}",
		"report.md.opinion_votes":              "głosy: za {yes}, przeciw {no}, wstrzymujące się {abstain}; członkowie z prawem głosu: {members}",
	})
	add(UK, map[string]string{
		"dialogue.opinion_consultation_closed": "Просити висновок можна, поки консультації оголошені або відкриті.",
		"dialogue.opinion_due_past":            "Термін для висновку має бути в майбутньому.",
		"dialogue.opinion_due_after_close":     "Термін для висновку не може бути пізніше за закриття консультацій.",
		"dialogue.opinion_requested":           "Цей орган діалогу вже має відкрите прохання про висновок у цих консультаціях.",
		"dialogue.opinion_request_closed":      "Це прохання про висновок уже не відкрите (висновок надано, прохання відкликано або воно втратило чинність).",
		"dialogue.candidacy_not_own":           "Кандидатуру може відкликати лише сам кандидат.",
		"report.md.opinions":                   "Висновки органів діалогу",
		"report.md.opinion_adopted":            "Ухвалено",
		"report.md.opinion_requested":          "на прохання міста",
		"report.md.opinion_unrequested":        "з власної ініціативи",
		"report.md.opinion_due":                "термін: {date}",
		"report.md.opinion_votes":              "голоси: за {yes}, проти {no}, утрималися {abstain}; членів із правом голосу: {members}",
	})
	add(EN, map[string]string{
		"dialogue.opinion_consultation_closed": "A body's opinion can be requested while the consultation is announced or open.",
		"dialogue.opinion_due_past":            "The due date of the opinion must be in the future.",
		"dialogue.opinion_due_after_close":     "The due date of the opinion cannot be after the consultation closes.",
		"dialogue.opinion_requested":           "This dialogue body already has an open request for its opinion on this consultation.",
		"dialogue.opinion_request_closed":      "This request for an opinion is no longer open (it was answered, withdrawn or has lapsed).",
		"dialogue.candidacy_not_own":           "Only the candidate may withdraw their candidacy.",
		"report.md.opinions":                   "Opinions of dialogue bodies",
		"report.md.opinion_adopted":            "Adopted",
		"report.md.opinion_requested":          "requested by the city",
		"report.md.opinion_unrequested":        "given unasked",
		"report.md.opinion_due":                "due {date}",
		"report.md.opinion_votes":              "votes: for {yes}, against {no}, abstaining {abstain}; voting members: {members}",
	})
	add(RU, map[string]string{
		"dialogue.opinion_consultation_closed": "Запросить заключение можно, пока консультации объявлены или открыты.",
		"dialogue.opinion_due_past":            "Срок для заключения должен быть в будущем.",
		"dialogue.opinion_due_after_close":     "Срок для заключения не может быть позже закрытия консультаций.",
		"dialogue.opinion_requested":           "У этого органа диалога уже есть открытая просьба о заключении по этим консультациям.",
		"dialogue.opinion_request_closed":      "Эта просьба о заключении уже не открыта (заключение дано, просьба отозвана или утратила силу).",
		"dialogue.candidacy_not_own":           "Кандидатуру может отозвать только сам кандидат.",
		"report.md.opinions":                   "Заключения органов диалога",
		"report.md.opinion_adopted":            "Принято",
		"report.md.opinion_requested":          "по просьбе города",
		"report.md.opinion_unrequested":        "по собственной инициативе",
		"report.md.opinion_due":                "срок: {date}",
		"report.md.opinion_votes":              "голоса: за {yes}, против {no}, воздержались {abstain}; членов с правом голоса: {members}",
	})
}
