package i18n

// Messages of the civic budget's voting channels: ballot change, voting
// codes, voting points and paper ballots, guardians.
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"ballot.change_not_allowed":       "Tego głosu nie można zmienić: edycja nie pozwala na zmianę albo głos nie został oddany przez Twoje konto.",
		"ballot.key_mismatch":             "Podany klucz nie pasuje do Twojego głosu.",
		"ballot.code_invalid":             "Ten kod do głosowania jest nieprawidłowy.",
		"ballot.second_entry_same_person": "Drugiego wprowadzenia tej karty musi dokonać inna osoba.",
		"ballot.sheet_decided":            "Ta karta do głosowania została już rozstrzygnięta.",
		"ballot.sheet_mismatch":           "Wprowadzenia tej karty różnią się: rozstrzygnie ją komisja.",
		"ballot.sheet_not_mismatched":     "Komisja rozstrzyga tylko karty, których wprowadzenia się różnią.",
		"budget.code_quota":               "Wydano już limit kodów do głosowania przysługujący członkowi komisji.",
		"budget.voters_empty":             "Podaj co najmniej jedną osobę.",
		"budget.voters_too_many":          "Jednorazowo można podać najwyżej {max} osób.",
		"budget.voter_repeated":           "Ta osoba występuje na liście więcej niż raz.",
		"budget.point_name_invalid":       "Podaj nazwę punktu do głosowania (do 200 znaków).",
		"budget.point_address_invalid":    "Adres punktu może mieć najwyżej 500 znaków.",
		"budget.point_exists":             "Punkt do głosowania o tej nazwie już istnieje.",
		"budget.account_unknown":          "Nie ma takiego konta.",
		"budget.point_not_assigned":       "Nie jesteś przypisany(-a) do tego punktu do głosowania.",
		"budget.paper_closed":             "Karty papierowe można wprowadzać od otwarcia głosowania do ogłoszenia wyników.",
		"budget.sheet_number_invalid":     "Podaj numer karty (do 100 znaków).",
		"budget.children_limit":           "Jeden opiekun może zarejestrować najwyżej {max} dzieci.",
		"budget.child_is_guardian":        "To jest Twój własny dokument: podaj dokument dziecka.",
	})
	add(UK, map[string]string{
		"ballot.change_not_allowed":       "Цей голос не можна змінити: видання не дозволяє змін або голос подано не з вашого облікового запису.",
		"ballot.key_mismatch":             "Наданий ключ не відповідає вашому голосу.",
		"ballot.code_invalid":             "Цей код для голосування недійсний.",
		"ballot.second_entry_same_person": "Друге введення цього бюлетеня має зробити інша особа.",
		"ballot.sheet_decided":            "Цей бюлетень уже розглянуто.",
		"ballot.sheet_mismatch":           "Введення цього бюлетеня відрізняються: його розгляне комісія.",
		"ballot.sheet_not_mismatched":     "Комісія розглядає лише бюлетені, введення яких відрізняються.",
		"budget.code_quota":               "Ви вже видали ліміт кодів для голосування.",
		"budget.voters_empty":             "Вкажіть принаймні одну особу.",
		"budget.voters_too_many":          "За один раз можна вказати щонайбільше {max} осіб.",
		"budget.voter_repeated":           "Ця особа зазначена в списку більше одного разу.",
		"budget.point_name_invalid":       "Вкажіть назву пункту голосування (до 200 символів).",
		"budget.point_address_invalid":    "Адреса пункту може містити щонайбільше 500 символів.",
		"budget.point_exists":             "Пункт голосування з такою назвою вже існує.",
		"budget.account_unknown":          "Такого облікового запису немає.",
		"budget.point_not_assigned":       "Вас не призначено до цього пункту голосування.",
		"budget.paper_closed":             "Паперові бюлетені можна вводити від початку голосування до оголошення результатів.",
		"budget.sheet_number_invalid":     "Вкажіть номер бюлетеня (до 100 символів).",
		"budget.children_limit":           "Один опікун може зареєструвати щонайбільше {max} дітей.",
		"budget.child_is_guardian":        "Це ваш власний документ: вкажіть документ дитини.",
	})
	add(EN, map[string]string{
		"ballot.change_not_allowed":       "This ballot cannot be changed: the edition does not allow it or the ballot was not cast from your account.",
		"ballot.key_mismatch":             "The key given does not match your ballot.",
		"ballot.code_invalid":             "This voting code is not valid.",
		"ballot.second_entry_same_person": "The second entry of this sheet must be made by another person.",
		"ballot.sheet_decided":            "This ballot sheet has already been decided.",
		"ballot.sheet_mismatch":           "The entries of this sheet differ: the commission will resolve it.",
		"ballot.sheet_not_mismatched":     "The commission resolves only sheets whose entries differ.",
		"budget.code_quota":               "You have issued your quota of voting codes.",
		"budget.voters_empty":             "Give at least one person.",
		"budget.voters_too_many":          "At most {max} people can be given at once.",
		"budget.voter_repeated":           "This person appears in the list more than once.",
		"budget.point_name_invalid":       "Give the voting point a name (up to 200 characters).",
		"budget.point_address_invalid":    "The address may have at most 500 characters.",
		"budget.point_exists":             "A voting point with this name already exists.",
		"budget.account_unknown":          "There is no such account.",
		"budget.point_not_assigned":       "You are not assigned to this voting point.",
		"budget.paper_closed":             "Paper ballots can be entered from the opening of the vote until the results are published.",
		"budget.sheet_number_invalid":     "Give the sheet number (up to 100 characters).",
		"budget.children_limit":           "A guardian can register at most {max} children.",
		"budget.child_is_guardian":        "This is your own document: give the child's document.",
	})
	add(RU, map[string]string{
		"ballot.change_not_allowed":       "Этот голос нельзя изменить: издание не разрешает изменения или голос подан не с вашей учётной записи.",
		"ballot.key_mismatch":             "Указанный ключ не соответствует вашему голосу.",
		"ballot.code_invalid":             "Этот код для голосования недействителен.",
		"ballot.second_entry_same_person": "Второй ввод этого бюллетеня должен сделать другой человек.",
		"ballot.sheet_decided":            "По этому бюллетеню уже принято решение.",
		"ballot.sheet_mismatch":           "Вводы этого бюллетеня различаются: его рассмотрит комиссия.",
		"ballot.sheet_not_mismatched":     "Комиссия рассматривает только бюллетени, вводы которых различаются.",
		"budget.code_quota":               "Вы уже выдали свой лимит кодов для голосования.",
		"budget.voters_empty":             "Укажите хотя бы одного человека.",
		"budget.voters_too_many":          "За один раз можно указать не более {max} человек.",
		"budget.voter_repeated":           "Этот человек указан в списке более одного раза.",
		"budget.point_name_invalid":       "Укажите название пункта голосования (до 200 символов).",
		"budget.point_address_invalid":    "Адрес пункта может содержать не более 500 символов.",
		"budget.point_exists":             "Пункт голосования с таким названием уже существует.",
		"budget.account_unknown":          "Такой учётной записи нет.",
		"budget.point_not_assigned":       "Вы не назначены на этот пункт голосования.",
		"budget.paper_closed":             "Бумажные бюллетени можно вводить с начала голосования до объявления результатов.",
		"budget.sheet_number_invalid":     "Укажите номер бюллетеня (до 100 символов).",
		"budget.children_limit":           "Один опекун может зарегистрировать не более {max} детей.",
		"budget.child_is_guardian":        "Это ваш собственный документ: укажите документ ребёнка.",
	})
}
