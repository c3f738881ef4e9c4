package i18n

// Messages of the Ambassador's jury scoring (internal/ambassador/scoring.go):
// conflict declarations, score sheets, the discussion, the ranking.
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"ambassador.scoring_closed":          "Ocenianie przez Kapitułę nie jest otwarte.",
		"ambassador.jury_discussion_closed":  "Dyskusja Kapituły jest możliwa tylko w czasie oceniania i decyzji.",
		"ambassador.conflicts_closed":        "Konflikt interesów można zgłosić tylko w czasie oceniania i decyzji Kapituły.",
		"ambassador.declare_first":           "Najpierw zadeklaruj brak konfliktu interesów albo konflikt z tą nominacją.",
		"ambassador.conflicted":              "Masz konflikt interesów z tą nominacją: nie oceniasz jej i nie widzisz jej ocen ani dyskusji.",
		"ambassador.conflict_fixed":          "Tego konfliktu interesów nie można cofnąć (jest automatyczny, dodany przez koordynatora albo ocenianie się skończyło).",
		"ambassador.submit_first":            "Dyskusję i oceny innych członków Kapituły zobaczysz po złożeniu własnej karty ocen.",
		"ambassador.sheet_submitted":         "Karta ocen jest już złożona: poprawiaj ją, składając ją ponownie.",
		"ambassador.sheet_incomplete":        "Aby złożyć kartę ocen, oceń każde kryterium.",
		"ambassador.scores_invalid":          "Każde kryterium tej edycji można ocenić raz, w jego skali; komentarz do 4000 znaków.",
		"ambassador.note_too_long":           "Uwaga może mieć najwyżej 2000 znaków.",
		"ambassador.comment_invalid":         "Komentarz nie może być pusty ani dłuższy niż 4000 znaków.",
		"ambassador.nomination_not_eligible": "Ta nominacja nie przeszła oceny formalnej.",
		"ambassador.declaration_invalid":     "Zadeklaruj brak konfliktu albo konflikt.",
		"ambassador.juror_names_closed":      "Po ogłoszeniu wyników nie można zmienić, czy tabela ocen podaje nazwiska członków Kapituły.",
	})
	add(UK, map[string]string{
		"ambassador.scoring_closed":          "Оцінювання Капітулою не відкрите.",
		"ambassador.jury_discussion_closed":  "Обговорення Капітули можливе лише під час оцінювання й ухвалення рішення.",
		"ambassador.conflicts_closed":        "Про конфлікт інтересів можна заявити лише під час оцінювання й ухвалення рішення Капітулою.",
		"ambassador.declare_first":           "Спершу заявіть, що конфлікту інтересів із цією номінацією немає або що він є.",
		"ambassador.conflicted":              "У вас конфлікт інтересів із цією номінацією: ви її не оцінюєте й не бачите її оцінок та обговорення.",
		"ambassador.conflict_fixed":          "Цей конфлікт інтересів не можна скасувати (він автоматичний, доданий координатором або оцінювання завершилося).",
		"ambassador.submit_first":            "Обговорення й оцінки інших членів Капітули ви побачите, подавши власну оцінювальну картку.",
		"ambassador.sheet_submitted":         "Оцінювальну картку вже подано: виправляйте її, подаючи знову.",
		"ambassador.sheet_incomplete":        "Щоб подати оцінювальну картку, оцініть кожен критерій.",
		"ambassador.scores_invalid":          "Кожен критерій цього видання можна оцінити один раз, у його шкалі; коментар до 4000 знаків.",
		"ambassador.note_too_long":           "Примітка може мати щонайбільше 2000 знаків.",
		"ambassador.comment_invalid":         "Коментар не може бути порожнім або довшим за 4000 знаків.",
		"ambassador.nomination_not_eligible": "Ця номінація не пройшла формальної перевірки.",
		"ambassador.declaration_invalid":     "Заявіть, що конфлікту немає або що він є.",
		"ambassador.juror_names_closed":      "Після оголошення результатів не можна змінити, чи таблиця оцінок називає членів Капітули.",
	})
	add(EN, map[string]string{
		"ambassador.scoring_closed":          "The jury's scoring is not open.",
		"ambassador.jury_discussion_closed":  "The jury discusses only while scoring and deciding.",
		"ambassador.conflicts_closed":        "Conflicts of interest are declared only while the jury scores and decides.",
		"ambassador.declare_first":           "First declare whether you have a conflict of interest with this nomination.",
		"ambassador.conflicted":              "You have a conflict of interest with this nomination: you do not score it or see its scores and discussion.",
		"ambassador.conflict_fixed":          "This conflict of interest cannot be withdrawn (it is automatic, added by the coordinator, or scoring has closed).",
		"ambassador.submit_first":            "You will see the discussion and the other jurors' scores once you have submitted your own score sheet.",
		"ambassador.sheet_submitted":         "The score sheet is already submitted: revise it by submitting it again.",
		"ambassador.sheet_incomplete":        "To submit the score sheet, score every criterion.",
		"ambassador.scores_invalid":          "Each criterion of this edition is scored once, within its scale; comments up to 4000 characters.",
		"ambassador.note_too_long":           "The note may have at most 2000 characters.",
		"ambassador.comment_invalid":         "A comment cannot be empty or longer than 4000 characters.",
		"ambassador.nomination_not_eligible": "This nomination did not pass the formal check.",
		"ambassador.declaration_invalid":     "Declare either no conflict or a conflict.",
		"ambassador.juror_names_closed":      "Whether the score table names the jurors cannot change after the announcement.",
	})
	add(RU, map[string]string{
		"ambassador.scoring_closed":          "Оценивание Капитулой не открыто.",
		"ambassador.jury_discussion_closed":  "Обсуждение Капитулы возможно только во время оценивания и принятия решения.",
		"ambassador.conflicts_closed":        "О конфликте интересов можно заявить только во время оценивания и принятия решения Капитулой.",
		"ambassador.declare_first":           "Сначала заявите, есть ли у вас конфликт интересов с этой номинацией.",
		"ambassador.conflicted":              "У вас конфликт интересов с этой номинацией: вы её не оцениваете и не видите её оценок и обсуждения.",
		"ambassador.conflict_fixed":          "Этот конфликт интересов нельзя отменить (он автоматический, добавлен координатором или оценивание завершилось).",
		"ambassador.submit_first":            "Обсуждение и оценки других членов Капитулы вы увидите, подав собственную оценочную карту.",
		"ambassador.sheet_submitted":         "Оценочная карта уже подана: исправляйте её, подавая снова.",
		"ambassador.sheet_incomplete":        "Чтобы подать оценочную карту, оцените каждый критерий.",
		"ambassador.scores_invalid":          "Каждый критерий этого издания оценивается один раз, в его шкале; комментарий до 4000 знаков.",
		"ambassador.note_too_long":           "Примечание может содержать не более 2000 знаков.",
		"ambassador.comment_invalid":         "Комментарий не может быть пустым или длиннее 4000 знаков.",
		"ambassador.nomination_not_eligible": "Эта номинация не прошла формальную проверку.",
		"ambassador.declaration_invalid":     "Заявите, что конфликта нет или что он есть.",
		"ambassador.juror_names_closed":      "После объявления результатов нельзя изменить, называет ли таблица оценок членов Капитулы.",
	})
}
