package i18n

// Messages of the Ambassador's decision (internal/ambassador decision.go,
// award.go, announce.go): the jury's proposals and vote, the Mayor's award,
// the announcement.
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"ambassador.drafter_conflicted":               "Masz konflikt interesów z jedną ze wskazanych nominacji: tę propozycję przygotowuje koordynator.",
		"ambassador.decision_closed":                  "Propozycje Kapituły przygotowuje się i głosuje tylko w fazie decyzji.",
		"ambassador.entries_invalid":                  "Propozycja musi wskazywać od 1 do {max} nominacji, każdą tylko raz.",
		"ambassador.entry_not_eligible":               "Wskazać można tylko nominacje tej kategorii, które przeszły ocenę formalną.",
		"ambassador.too_many_laureates":               "W tej kategorii można przyznać najwyżej {max} tytułów.",
		"ambassador.rank_invalid":                     "Każda nominacja otrzymuje tytuł albo wyróżnienie.",
		"ambassador.entry_justification_required":     "Każda wskazana nominacja potrzebuje pisemnego uzasadnienia.",
		"ambassador.entry_justification_locale_twice": "Każdy język uzasadnienia można podać tylko raz.",
		"ambassador.proposal_adopted":                 "Kapituła przyjęła już propozycję w tej kategorii.",
		"ambassador.proposal_voting":                  "Nad propozycją w tej kategorii trwa głosowanie.",
		"ambassador.proposal_not_draft":               "Głosowanie można otworzyć tylko nad projektem propozycji.",
		"ambassador.roll_invalid":                     "Lista obecności: co najmniej jeden członek Kapituły tej edycji, każdy raz.",
		"ambassador.proposal_not_voting":              "Nad tą propozycją nie otwarto głosowania.",
		"ambassador.proposals_missing":                "Nagrodę Prezydenta zapisuje się, gdy Kapituła przyjęła propozycje we wszystkich kategoriach.",
		"ambassador.award_reason_required":            "Nagroda różni się od propozycji Kapituły: podaj powód (co najmniej {min} znaków).",
		"ambassador.award_closed":                     "Nagrodę Prezydenta zapisuje się przed ogłoszeniem wyników.",
		"ambassador.award_missing":                    "Przed ogłoszeniem zapisz nagrodę Prezydenta we wszystkich kategoriach.",
		"ambassador.justification_languages":          "Przed ogłoszeniem każde uzasadnienie musi mieć wersję w czterech językach.",
	})
	add(UK, map[string]string{
		"ambassador.drafter_conflicted":               "У вас конфлікт інтересів з однією з указаних номінацій: цю пропозицію готує координатор.",
		"ambassador.decision_closed":                  "Пропозиції Капітули готують і голосують лише у фазі рішення.",
		"ambassador.entries_invalid":                  "Пропозиція має вказувати від 1 до {max} номінацій, кожну один раз.",
		"ambassador.entry_not_eligible":               "Можна вказати лише номінації цієї категорії, що пройшли формальну перевірку.",
		"ambassador.too_many_laureates":               "У цій категорії можна присудити не більше {max} звань.",
		"ambassador.rank_invalid":                     "Кожна номінація отримує звання або відзнаку.",
		"ambassador.entry_justification_required":     "Кожна вказана номінація потребує письмового обґрунтування.",
		"ambassador.entry_justification_locale_twice": "Кожну мову обґрунтування можна вказати лише один раз.",
		"ambassador.proposal_adopted":                 "Капітула вже ухвалила пропозицію в цій категорії.",
		"ambassador.proposal_voting":                  "Щодо пропозиції в цій категорії триває голосування.",
		"ambassador.proposal_not_draft":               "Голосування можна відкрити лише щодо проєкту пропозиції.",
		"ambassador.roll_invalid":                     "Список присутніх: щонайменше один член Капітули цього видання, кожен один раз.",
		"ambassador.proposal_not_voting":              "Голосування щодо цієї пропозиції не відкрито.",
		"ambassador.proposals_missing":                "Нагороду Президента записують, коли Капітула ухвалила пропозиції в усіх категоріях.",
		"ambassador.award_reason_required":            "Нагорода відрізняється від пропозиції Капітули: вкажіть причину (щонайменше {min} символів).",
		"ambassador.award_closed":                     "Нагороду Президента записують до оголошення результатів.",
		"ambassador.award_missing":                    "Перед оголошенням запишіть нагороду Президента в усіх категоріях.",
		"ambassador.justification_languages":          "Перед оголошенням кожне обґрунтування має мати версію чотирма мовами.",
	})
	add(EN, map[string]string{
		"ambassador.drafter_conflicted":               "You have a conflict of interest with a nomination named: the coordinator drafts this proposal.",
		"ambassador.decision_closed":                  "The jury drafts and votes on proposals only in the decision phase.",
		"ambassador.entries_invalid":                  "A proposal names 1 to {max} nominations, each once.",
		"ambassador.entry_not_eligible":               "Only eligible nominations of this category can be named.",
		"ambassador.too_many_laureates":               "This category gives at most {max} titles.",
		"ambassador.rank_invalid":                     "Each nomination gets a title or a distinction.",
		"ambassador.entry_justification_required":     "Each nomination named needs a written justification.",
		"ambassador.entry_justification_locale_twice": "Each language of a justification can be given only once.",
		"ambassador.proposal_adopted":                 "The jury has already adopted a proposal in this category.",
		"ambassador.proposal_voting":                  "A proposal in this category is being voted on.",
		"ambassador.proposal_not_draft":               "A vote can be opened only on a draft proposal.",
		"ambassador.roll_invalid":                     "The roll: at least one juror of this edition, each once.",
		"ambassador.proposal_not_voting":              "No vote has been opened on this proposal.",
		"ambassador.proposals_missing":                "The Mayor's award is recorded once the jury has adopted a proposal in every category.",
		"ambassador.award_reason_required":            "The award differs from the jury's proposal: give the reason (at least {min} characters).",
		"ambassador.award_closed":                     "The Mayor's award is recorded before the announcement.",
		"ambassador.award_missing":                    "Record the Mayor's award in every category before the announcement.",
		"ambassador.justification_languages":          "Before the announcement every justification needs a version in all four languages.",
	})
	add(RU, map[string]string{
		"ambassador.drafter_conflicted":               "У вас конфликт интересов с одной из указанных номинаций: это предложение готовит координатор.",
		"ambassador.decision_closed":                  "Предложения Капитулы готовят и голосуют только в фазе решения.",
		"ambassador.entries_invalid":                  "Предложение называет от 1 до {max} номинаций, каждую один раз.",
		"ambassador.entry_not_eligible":               "Можно назвать только номинации этой категории, прошедшие формальную проверку.",
		"ambassador.too_many_laureates":               "В этой категории можно присудить не более {max} званий.",
		"ambassador.rank_invalid":                     "Каждая номинация получает звание или отличие.",
		"ambassador.entry_justification_required":     "Каждой названной номинации нужно письменное обоснование.",
		"ambassador.entry_justification_locale_twice": "Каждый язык обоснования можно указать только один раз.",
		"ambassador.proposal_adopted":                 "Капитула уже приняла предложение в этой категории.",
		"ambassador.proposal_voting":                  "По предложению в этой категории идёт голосование.",
		"ambassador.proposal_not_draft":               "Голосование можно открыть только по проекту предложения.",
		"ambassador.roll_invalid":                     "Список присутствующих: хотя бы один член Капитулы этого издания, каждый один раз.",
		"ambassador.proposal_not_voting":              "Голосование по этому предложению не открыто.",
		"ambassador.proposals_missing":                "Награду Президента записывают, когда Капитула приняла предложения во всех категориях.",
		"ambassador.award_reason_required":            "Награда отличается от предложения Капитулы: укажите причину (не менее {min} символов).",
		"ambassador.award_closed":                     "Награду Президента записывают до объявления результатов.",
		"ambassador.award_missing":                    "Перед объявлением запишите награду Президента во всех категориях.",
		"ambassador.justification_languages":          "Перед объявлением у каждого обоснования должна быть версия на четырёх языках.",
	})
}
