package i18n

// Messages of motions and votes of dialogue bodies (internal/dialogue).
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"dialogue.consultation_opinion_only": "Z konsultacjami wiąże się tylko opinia; poprawka nie ma własnego powiązania.",
		"dialogue.election_not_nominating":   "Zgłaszanie i popieranie kandydatur w tych wyborach jest już zamknięte.",
		"dialogue.election_not_voting":       "Głosowanie w tych wyborach nie jest otwarte.",
		"dialogue.election_no_candidates":    "Nikt nie ma wymaganej liczby poparć: nie ma kogo umieścić na karcie.",
		"dialogue.seats_invalid":             "Liczba mandatów: od 1 do 200.",
		"dialogue.picks_invalid":             "Liczba wyborów na karcie: od 1 do 200.",
		"dialogue.endorsements_invalid":      "Wymagana liczba poparć: od 0 do 1000.",
		"dialogue.motion_kind_invalid":       "Wybierz rodzaj wniosku: opinia, uchwała, rekomendacja albo wniosek formalny.",
		"dialogue.consultation_invalid":      "Nie ma takich konsultacji.",
		"dialogue.motion_decided":            "Ten wniosek został już rozstrzygnięty albo wycofany.",
		"dialogue.motion_voting":             "Nad tym wnioskiem trwa głosowanie.",
		"dialogue.amendments_open":           "Najpierw trzeba rozstrzygnąć poprawki do tego wniosku.",
		"dialogue.amend_amendment":           "Poprawkę zgłasza się do wniosku, nie do innej poprawki.",
		"dialogue.not_voter":                 "Wnioski zgłaszają członkowie z prawem głosu (osobiście lub jako delegaci organizacji), przewodniczący(-a) i sekretarz.",
		"dialogue.amendment_parent_voting":   "Nad poprawką głosuje się, póki wniosek czeka na głosowanie.",
		"dialogue.motion_not_voting":         "Ten wniosek nie został jeszcze poddany pod głosowanie.",
	})
	add(UK, map[string]string{
		"dialogue.consultation_opinion_only": "З консультаціями пов’язується лише висновок; поправка не має власного зв’язку.",
		"dialogue.election_not_nominating":   "Висування та підтримку кандидатур на цих виборах уже закрито.",
		"dialogue.election_not_voting":       "Голосування на цих виборах не відкрите.",
		"dialogue.election_no_candidates":    "Ніхто не має потрібної кількості підтримок: нікого внести до бюлетеня.",
		"dialogue.seats_invalid":             "Кількість мандатів: від 1 до 200.",
		"dialogue.picks_invalid":             "Кількість виборів у бюлетені: від 1 до 200.",
		"dialogue.endorsements_invalid":      "Потрібна кількість підтримок: від 0 до 1000.",
		"dialogue.motion_kind_invalid":       "Виберіть вид пропозиції: висновок, ухвала, рекомендація або процедурна пропозиція.",
		"dialogue.consultation_invalid":      "Таких консультацій немає.",
		"dialogue.motion_decided":            "Цю пропозицію вже вирішено або відкликано.",
		"dialogue.motion_voting":             "Щодо цієї пропозиції триває голосування.",
		"dialogue.amendments_open":           "Спочатку потрібно вирішити поправки до цієї пропозиції.",
		"dialogue.amend_amendment":           "Поправку подають до пропозиції, а не до іншої поправки.",
		"dialogue.not_voter":                 "Пропозиції подають члени з правом голосу (особисто або як делегати організацій), голова та секретар.",
		"dialogue.amendment_parent_voting":   "За поправку голосують, поки пропозиція чекає на голосування.",
		"dialogue.motion_not_voting":         "Цю пропозицію ще не поставлено на голосування.",
	})
	add(EN, map[string]string{
		"dialogue.consultation_opinion_only": "Only an opinion can be about a consultation; an amendment has no link of its own.",
		"dialogue.election_not_nominating":   "Standing for and endorsing candidates in this election has closed.",
		"dialogue.election_not_voting":       "This election's ballot is not open.",
		"dialogue.election_no_candidates":    "No candidate has the endorsements needed: there is nobody to put on the ballot.",
		"dialogue.seats_invalid":             "Seats: from 1 to 200.",
		"dialogue.picks_invalid":             "Picks on a ballot: from 1 to 200.",
		"dialogue.endorsements_invalid":      "Endorsements needed: from 0 to 1000.",
		"dialogue.motion_kind_invalid":       "Choose the kind of motion: opinion, resolution, recommendation or procedural motion.",
		"dialogue.consultation_invalid":      "There is no such consultation.",
		"dialogue.motion_decided":            "This motion has already been decided or withdrawn.",
		"dialogue.motion_voting":             "This motion is being voted on.",
		"dialogue.amendments_open":           "The amendments to this motion must be decided first.",
		"dialogue.amend_amendment":           "An amendment amends a motion, not another amendment.",
		"dialogue.not_voter":                 "Motions are tabled by voting members (in person or as an organisation's delegate), the chair and the secretary.",
		"dialogue.amendment_parent_voting":   "An amendment is voted while its motion waits for its vote.",
		"dialogue.motion_not_voting":         "This motion has not been put to a vote yet.",
	})
	add(RU, map[string]string{
		"dialogue.consultation_opinion_only": "С консультациями связывается только заключение; у поправки нет собственной связи.",
		"dialogue.election_not_nominating":   "Выдвижение и поддержка кандидатов на этих выборах уже закрыты.",
		"dialogue.election_not_voting":       "Голосование на этих выборах не открыто.",
		"dialogue.election_no_candidates":    "Ни у кого нет нужного числа поддержек: некого внести в бюллетень.",
		"dialogue.seats_invalid":             "Число мест: от 1 до 200.",
		"dialogue.picks_invalid":             "Число выборов в бюллетене: от 1 до 200.",
		"dialogue.endorsements_invalid":      "Нужное число поддержек: от 0 до 1000.",
		"dialogue.motion_kind_invalid":       "Выберите вид предложения: заключение, решение, рекомендация или процедурное предложение.",
		"dialogue.consultation_invalid":      "Таких консультаций нет.",
		"dialogue.motion_decided":            "Это предложение уже решено или отозвано.",
		"dialogue.motion_voting":             "По этому предложению идёт голосование.",
		"dialogue.amendments_open":           "Сначала нужно решить поправки к этому предложению.",
		"dialogue.amend_amendment":           "Поправку вносят к предложению, а не к другой поправке.",
		"dialogue.not_voter":                 "Предложения вносят члены с правом голоса (лично или как делегаты организаций), председатель и секретарь.",
		"dialogue.amendment_parent_voting":   "За поправку голосуют, пока предложение ждёт голосования.",
		"dialogue.motion_not_voting":         "Это предложение ещё не поставлено на голосование.",
	})
}
