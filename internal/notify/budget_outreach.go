package notify

import "github.com/otwarty/otwarty/internal/i18n"

// Notice kinds of civic-budget information sessions. Data: edition_id,
// session_id, starts_at (RFC 3339), when (Warsaw time), where (place or
// link); a cancellation also reason.
const (
	KindBudgetSessionPromoted  = "budget_session_promoted"
	KindBudgetSessionReminder  = "budget_session_reminder"
	KindBudgetSessionMoved     = "budget_session_moved"
	KindBudgetSessionCancelled = "budget_session_cancelled"
)

// Notice kinds for the followers of a civic-budget edition. Data:
// edition_id, year, closes (Warsaw time).
const (
	KindBudgetVotingOpened  = "budget_voting_opened"
	KindBudgetVotingClosing = "budget_voting_closing"
)

func init() {
	catalog[KindBudgetSessionPromoted] = map[i18n.Locale]message{
		i18n.PL: {"Masz miejsce na spotkaniu o budżecie obywatelskim",
			"Zwolniło się miejsce: zostałeś(-aś) przeniesiony(-a) z listy rezerwowej na listę uczestników spotkania informacyjnego o budżecie obywatelskim ({when}, {where}). Jeśli nie możesz przyjść, wypisz się, aby zwolnić miejsce innym: {link}"},
		i18n.UK: {"У вас є місце на зустрічі щодо громадського бюджету",
			"Звільнилося місце: вас переведено з резервного списку до списку учасників інформаційної зустрічі щодо громадського бюджету ({when}, {where}). Якщо ви не можете прийти, скасуйте реєстрацію, щоб звільнити місце для інших: {link}"},
		i18n.EN: {"You have a seat at the civic budget session",
			"A seat became free: you have moved from the waiting list to the participants of the civic budget information session ({when}, {where}). If you cannot come, please cancel your registration so that someone else can: {link}"},
		i18n.RU: {"У вас есть место на встрече о гражданском бюджете",
			"Освободилось место: вы переведены из резервного списка в список участников информационной встречи о гражданском бюджете ({when}, {where}). Если вы не можете прийти, отмените регистрацию, чтобы освободить место для других: {link}"},
	}
	catalog[KindBudgetSessionReminder] = map[i18n.Locale]message{
		i18n.PL: {"Przypomnienie: jutro spotkanie o budżecie obywatelskim",
			"Przypominamy o spotkaniu informacyjnym o budżecie obywatelskim, na które się zapisałeś(-aś): {when}, {where}. Szczegóły: {link}"},
		i18n.UK: {"Нагадування: завтра зустріч щодо громадського бюджету",
			"Нагадуємо про інформаційну зустріч щодо громадського бюджету, на яку ви зареєструвалися: {when}, {where}. Деталі: {link}"},
		i18n.EN: {"Reminder: civic budget session tomorrow",
			"A reminder of the civic budget information session you registered for: {when}, {where}. Details: {link}"},
		i18n.RU: {"Напоминание: завтра встреча о гражданском бюджете",
			"Напоминаем об информационной встрече о гражданском бюджете, на которую вы зарегистрировались: {when}, {where}. Подробности: {link}"},
	}
	catalog[KindBudgetSessionMoved] = map[i18n.Locale]message{
		i18n.PL: {"Zmiana terminu lub miejsca spotkania o budżecie obywatelskim",
			"Spotkanie informacyjne o budżecie obywatelskim, na które się zapisałeś(-aś), odbędzie się teraz: {when}, {where}. Szczegóły: {link}"},
		i18n.UK: {"Зміна часу або місця зустрічі щодо громадського бюджету",
			"Інформаційна зустріч щодо громадського бюджету, на яку ви зареєструвалися, тепер відбудеться: {when}, {where}. Деталі: {link}"},
		i18n.EN: {"The civic budget session has moved",
			"The civic budget information session you registered for now takes place: {when}, {where}. Details: {link}"},
		i18n.RU: {"Изменение времени или места встречи о гражданском бюджете",
			"Информационная встреча о гражданском бюджете, на которую вы зарегистрировались, теперь состоится: {when}, {where}. Подробности: {link}"},
	}
	catalog[KindBudgetSessionCancelled] = map[i18n.Locale]message{
		i18n.PL: {"Spotkanie o budżecie obywatelskim zostało odwołane",
			"Spotkanie informacyjne o budżecie obywatelskim, na które się zapisałeś(-aś) ({when}, {where}), zostało odwołane. Powód: {reason}. Szczegóły: {link}"},
		i18n.UK: {"Зустріч щодо громадського бюджету скасовано",
			"Інформаційну зустріч щодо громадського бюджету, на яку ви зареєструвалися ({when}, {where}), скасовано. Причина: {reason}. Деталі: {link}"},
		i18n.EN: {"The civic budget session was cancelled",
			"The civic budget information session you registered for ({when}, {where}) was cancelled. Reason: {reason}. Details: {link}"},
		i18n.RU: {"Встреча о гражданском бюджете отменена",
			"Информационная встреча о гражданском бюджете, на которую вы зарегистрировались ({when}, {where}), отменена. Причина: {reason}. Подробности: {link}"},
	}
	catalog[KindBudgetVotingOpened] = map[i18n.Locale]message{
		i18n.PL: {"Głosowanie w budżecie obywatelskim jest otwarte",
			"Rozpoczęło się głosowanie w budżecie obywatelskim {year}, który obserwujesz. Możesz głosować do {closes}: {link}"},
		i18n.UK: {"Голосування за громадський бюджет відкрито",
			"Розпочалося голосування за громадський бюджет {year}, за яким ви стежите. Ви можете проголосувати до {closes}: {link}"},
		i18n.EN: {"Civic budget voting is open",
			"Voting in the civic budget {year} that you follow has started. You can vote until {closes}: {link}"},
		i18n.RU: {"Голосование по гражданскому бюджету открыто",
			"Началось голосование по гражданскому бюджету {year}, за которым вы следите. Вы можете проголосовать до {closes}: {link}"},
	}
	catalog[KindBudgetVotingClosing] = map[i18n.Locale]message{
		i18n.PL: {"Głosowanie w budżecie obywatelskim kończy się za 2 dni",
			"Głosowanie w budżecie obywatelskim {year}, który obserwujesz, kończy się {closes}. Jeśli chcesz, oddaj głos: {link}"},
		i18n.UK: {"Голосування за громадський бюджет закінчується через 2 дні",
			"Голосування за громадський бюджет {year}, за яким ви стежите, закінчується {closes}. Якщо бажаєте, проголосуйте: {link}"},
		i18n.EN: {"Civic budget voting closes in 2 days",
			"Voting in the civic budget {year} that you follow closes on {closes}. If you wish, cast your vote: {link}"},
		i18n.RU: {"Голосование по гражданскому бюджету заканчивается через 2 дня",
			"Голосование по гражданскому бюджету {year}, за которым вы следите, заканчивается {closes}. Если хотите, проголосуйте: {link}"},
	}
}
