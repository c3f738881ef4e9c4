package budget

import (
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// The notices this domain sends, registered with notify: their names, the
// data every notice of a kind carries (filled into its {placeholders}), and
// their messages in every locale (Polish is binding).
const (
	NoticeSessionPromoted  = "budget_session_promoted"
	NoticeSessionReminder  = "budget_session_reminder"
	NoticeSessionMoved     = "budget_session_moved"
	NoticeSessionCancelled = "budget_session_cancelled"
	NoticeVotingOpened     = "budget_voting_opened"
	NoticeVotingClosing    = "budget_voting_closing"
	NoticeProjectConsent   = "budget_project_consent"
	NoticeProjectVerified  = "budget_project_verified"
	NoticeAppealDecided    = "budget_appeal_decided"
	NoticeResultsReady     = "budget_results_ready"
)

func init() {
	notify.Register(notify.Kind{Name: NoticeSessionPromoted, Data: []string{"when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Masz miejsce na spotkaniu o budżecie obywatelskim",
			Body: "Zwolniło się miejsce: zostałeś(-aś) przeniesiony(-a) z listy rezerwowej na listę uczestników spotkania informacyjnego o budżecie obywatelskim ({when}, {where}). Jeśli nie możesz przyjść, wypisz się, aby zwolnić miejsce innym: {link}"},
		i18n.UK: {Subject: "У вас є місце на зустрічі щодо громадського бюджету",
			Body: "Звільнилося місце: вас переведено з резервного списку до списку учасників інформаційної зустрічі щодо громадського бюджету ({when}, {where}). Якщо ви не можете прийти, скасуйте реєстрацію, щоб звільнити місце для інших: {link}"},
		i18n.EN: {Subject: "You have a seat at the civic budget session",
			Body: "A seat became free: you have moved from the waiting list to the participants of the civic budget information session ({when}, {where}). If you cannot come, please cancel your registration so that someone else can: {link}"},
		i18n.RU: {Subject: "У вас есть место на встрече о гражданском бюджете",
			Body: "Освободилось место: вы переведены из резервного списка в список участников информационной встречи о гражданском бюджете ({when}, {where}). Если вы не можете прийти, отмените регистрацию, чтобы освободить место для других: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeSessionReminder, Data: []string{"when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Przypomnienie: jutro spotkanie o budżecie obywatelskim",
			Body: "Przypominamy o spotkaniu informacyjnym o budżecie obywatelskim, na które się zapisałeś(-aś): {when}, {where}. Szczegóły: {link}"},
		i18n.UK: {Subject: "Нагадування: завтра зустріч щодо громадського бюджету",
			Body: "Нагадуємо про інформаційну зустріч щодо громадського бюджету, на яку ви зареєструвалися: {when}, {where}. Деталі: {link}"},
		i18n.EN: {Subject: "Reminder: civic budget session tomorrow",
			Body: "A reminder of the civic budget information session you registered for: {when}, {where}. Details: {link}"},
		i18n.RU: {Subject: "Напоминание: завтра встреча о гражданском бюджете",
			Body: "Напоминаем об информационной встрече о гражданском бюджете, на которую вы зарегистрировались: {when}, {where}. Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeSessionMoved, Data: []string{"when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Zmiana terminu lub miejsca spotkania o budżecie obywatelskim",
			Body: "Spotkanie informacyjne o budżecie obywatelskim, na które się zapisałeś(-aś), odbędzie się teraz: {when}, {where}. Szczegóły: {link}"},
		i18n.UK: {Subject: "Зміна часу або місця зустрічі щодо громадського бюджету",
			Body: "Інформаційна зустріч щодо громадського бюджету, на яку ви зареєструвалися, тепер відбудеться: {when}, {where}. Деталі: {link}"},
		i18n.EN: {Subject: "The civic budget session has moved",
			Body: "The civic budget information session you registered for now takes place: {when}, {where}. Details: {link}"},
		i18n.RU: {Subject: "Изменение времени или места встречи о гражданском бюджете",
			Body: "Информационная встреча о гражданском бюджете, на которую вы зарегистрировались, теперь состоится: {when}, {where}. Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeSessionCancelled, Data: []string{"reason", "when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Spotkanie o budżecie obywatelskim zostało odwołane",
			Body: "Spotkanie informacyjne o budżecie obywatelskim, na które się zapisałeś(-aś) ({when}, {where}), zostało odwołane. Powód: {reason}. Szczegóły: {link}"},
		i18n.UK: {Subject: "Зустріч щодо громадського бюджету скасовано",
			Body: "Інформаційну зустріч щодо громадського бюджету, на яку ви зареєструвалися ({when}, {where}), скасовано. Причина: {reason}. Деталі: {link}"},
		i18n.EN: {Subject: "The civic budget session was cancelled",
			Body: "The civic budget information session you registered for ({when}, {where}) was cancelled. Reason: {reason}. Details: {link}"},
		i18n.RU: {Subject: "Встреча о гражданском бюджете отменена",
			Body: "Информационная встреча о гражданском бюджете, на которую вы зарегистрировались ({when}, {where}), отменена. Причина: {reason}. Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeVotingOpened, Data: []string{"closes", "year"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Głosowanie w budżecie obywatelskim jest otwarte",
			Body: "Rozpoczęło się głosowanie w budżecie obywatelskim {year}, który obserwujesz. Możesz głosować do {closes}: {link}"},
		i18n.UK: {Subject: "Голосування за громадський бюджет відкрито",
			Body: "Розпочалося голосування за громадський бюджет {year}, за яким ви стежите. Ви можете проголосувати до {closes}: {link}"},
		i18n.EN: {Subject: "Civic budget voting is open",
			Body: "Voting in the civic budget {year} that you follow has started. You can vote until {closes}: {link}"},
		i18n.RU: {Subject: "Голосование по гражданскому бюджету открыто",
			Body: "Началось голосование по гражданскому бюджету {year}, за которым вы следите. Вы можете проголосовать до {closes}: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeVotingClosing, Data: []string{"closes", "year"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Głosowanie w budżecie obywatelskim kończy się za 2 dni",
			Body: "Głosowanie w budżecie obywatelskim {year}, który obserwujesz, kończy się {closes}. Jeśli chcesz, oddaj głos: {link}"},
		i18n.UK: {Subject: "Голосування за громадський бюджет закінчується через 2 дні",
			Body: "Голосування за громадський бюджет {year}, за яким ви стежите, закінчується {closes}. Якщо бажаєте, проголосуйте: {link}"},
		i18n.EN: {Subject: "Civic budget voting closes in 2 days",
			Body: "Voting in the civic budget {year} that you follow closes on {closes}. If you wish, cast your vote: {link}"},
		i18n.RU: {Subject: "Голосование по гражданскому бюджету заканчивается через 2 дня",
			Body: "Голосование по гражданскому бюджету {year}, за которым вы следите, заканчивается {closes}. Если хотите, проголосуйте: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeProjectConsent, Data: []string{"code"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Zgłoszono projekt do budżetu obywatelskiego w Twoim imieniu",
			Body: "Organizacja pozarządowa zgłosiła w Twoim imieniu projekt {code} do budżetu obywatelskiego. Projekt zostanie złożony dopiero po Twojej zgodzie. Wyraź zgodę albo odmów: {link}"},
		i18n.UK: {Subject: "Від вашого імені подано проєкт до громадського бюджету",
			Body: "Громадська організація подала від вашого імені проєкт {code} до громадського бюджету. Проєкт буде подано лише після вашої згоди. Дайте згоду або відмовтеся: {link}"},
		i18n.EN: {Subject: "A civic budget project was entered on your behalf",
			Body: "A non-governmental organisation entered the civic budget project {code} on your behalf. It is submitted only once you consent. Consent or refuse: {link}"},
		i18n.RU: {Subject: "От вашего имени подан проект в гражданский бюджет",
			Body: "Общественная организация подала от вашего имени проект {code} в гражданский бюджет. Проект будет подан только после вашего согласия. Дайте согласие или откажитесь: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeProjectVerified, Data: []string{"code", "decision", "reason"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Wynik weryfikacji Twojego projektu",
			Body: "Urzędnicy zweryfikowali Twój projekt {code} w budżecie obywatelskim (decyzja: {decision}). {reason} Szczegóły: {link}"},
		i18n.UK: {Subject: "Результат перевірки вашого проєкту",
			Body: "Посадовці перевірили ваш проєкт {code} у громадському бюджеті (рішення: {decision}). {reason} Деталі: {link}"},
		i18n.EN: {Subject: "The verification of your project",
			Body: "Officials verified your civic budget project {code} (decision: {decision}). {reason} Details: {link}"},
		i18n.RU: {Subject: "Результат проверки вашего проекта",
			Body: "Чиновники проверили ваш проект {code} в гражданском бюджете (решение: {decision}). {reason} Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeAppealDecided, Data: []string{"code", "decision", "reason"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Decyzja w sprawie Twojego odwołania",
			Body: "Rozpatrzono Twoje odwołanie dotyczące projektu {code} w budżecie obywatelskim (decyzja: {decision}). {reason} Szczegóły: {link}"},
		i18n.UK: {Subject: "Рішення щодо вашого оскарження",
			Body: "Розглянуто ваше оскарження щодо проєкту {code} у громадському бюджеті (рішення: {decision}). {reason} Деталі: {link}"},
		i18n.EN: {Subject: "A decision on your appeal",
			Body: "Your appeal about the civic budget project {code} was decided (decision: {decision}). {reason} Details: {link}"},
		i18n.RU: {Subject: "Решение по вашему обжалованию",
			Body: "Ваше обжалование по проекту {code} в гражданском бюджете рассмотрено (решение: {decision}). {reason} Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeResultsReady, Data: []string{"computation", "year"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Wstępne wyniki budżetu obywatelskiego są gotowe",
			Body: "Policzono wstępne wyniki budżetu obywatelskiego {year} (obliczenie nr {computation}). Komisja może je sprawdzić i podpisać przed publikacją: {link}"},
		i18n.UK: {Subject: "Попередні результати громадського бюджету готові",
			Body: "Підраховано попередні результати громадського бюджету {year} (обчислення № {computation}). Комісія може перевірити та підписати їх перед публікацією: {link}"},
		i18n.EN: {Subject: "Provisional civic budget results are ready",
			Body: "The provisional results of the {year} civic budget have been computed (computation {computation}). The commission can check and sign them before publication: {link}"},
		i18n.RU: {Subject: "Предварительные результаты гражданского бюджета готовы",
			Body: "Подсчитаны предварительные результаты гражданского бюджета {year} (расчёт № {computation}). Комиссия может проверить и подписать их перед публикацией: {link}"},
	}})
}
