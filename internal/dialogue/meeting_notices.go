package dialogue

import (
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// The notices of body meetings, sent by the gathering mechanism to
// invitees (and, at a public body, registrants).
const (
	NoticeMeetingInvited   = "dialogue_meeting_invited"
	NoticeMeetingReminder  = "dialogue_meeting_reminder"
	NoticeMeetingMoved     = "dialogue_meeting_moved"
	NoticeMeetingCancelled = "dialogue_meeting_cancelled"
	NoticeMeetingPromoted  = "dialogue_meeting_promoted"
)

func init() {
	notify.Register(notify.Kind{Name: NoticeMeetingInvited, Data: []string{"when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Zaproszenie na posiedzenie ciała dialogu",
			Body: "Zapraszamy na posiedzenie ciała dialogu, którego jesteś członkiem(-inią) lub delegatem(-ką): {when}, {where}. Porządek obrad i szczegóły: {link}"},
		i18n.UK: {Subject: "Запрошення на засідання органу діалогу",
			Body: "Запрошуємо на засідання органу діалогу, членом або делегатом якого ви є: {when}, {where}. Порядок денний і деталі: {link}"},
		i18n.EN: {Subject: "Invitation to a dialogue body meeting",
			Body: "You are invited to a meeting of the dialogue body you are a member or delegate of: {when}, {where}. Agenda and details: {link}"},
		i18n.RU: {Subject: "Приглашение на заседание органа диалога",
			Body: "Приглашаем на заседание органа диалога, членом или делегатом которого вы являетесь: {when}, {where}. Повестка дня и подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeMeetingReminder, Data: []string{"when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Przypomnienie: jutro posiedzenie ciała dialogu",
			Body: "Przypominamy o posiedzeniu ciała dialogu: {when}, {where}. Szczegóły: {link}"},
		i18n.UK: {Subject: "Нагадування: завтра засідання органу діалогу",
			Body: "Нагадуємо про засідання органу діалогу: {when}, {where}. Деталі: {link}"},
		i18n.EN: {Subject: "Reminder: dialogue body meeting tomorrow",
			Body: "A reminder of the dialogue body meeting: {when}, {where}. Details: {link}"},
		i18n.RU: {Subject: "Напоминание: завтра заседание органа диалога",
			Body: "Напоминаем о заседании органа диалога: {when}, {where}. Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeMeetingMoved, Data: []string{"when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Zmiana terminu lub miejsca posiedzenia ciała dialogu",
			Body: "Posiedzenie ciała dialogu odbędzie się teraz: {when}, {where}. Szczegóły: {link}"},
		i18n.UK: {Subject: "Зміна часу або місця засідання органу діалогу",
			Body: "Засідання органу діалогу тепер відбудеться: {when}, {where}. Деталі: {link}"},
		i18n.EN: {Subject: "The dialogue body meeting has moved",
			Body: "The dialogue body meeting now takes place: {when}, {where}. Details: {link}"},
		i18n.RU: {Subject: "Изменение времени или места заседания органа диалога",
			Body: "Заседание органа диалога теперь состоится: {when}, {where}. Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeMeetingCancelled, Data: []string{"reason", "when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Posiedzenie ciała dialogu zostało odwołane",
			Body: "Posiedzenie ciała dialogu ({when}, {where}) zostało odwołane. Powód: {reason}. Szczegóły: {link}"},
		i18n.UK: {Subject: "Засідання органу діалогу скасовано",
			Body: "Засідання органу діалогу ({when}, {where}) скасовано. Причина: {reason}. Деталі: {link}"},
		i18n.EN: {Subject: "The dialogue body meeting was cancelled",
			Body: "The dialogue body meeting ({when}, {where}) was cancelled. Reason: {reason}. Details: {link}"},
		i18n.RU: {Subject: "Заседание органа диалога отменено",
			Body: "Заседание органа диалога ({when}, {where}) отменено. Причина: {reason}. Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeMeetingPromoted, Data: []string{"when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Masz miejsce na posiedzeniu ciała dialogu",
			Body: "Zwolniło się miejsce dla publiczności: zostałeś(-aś) przeniesiony(-a) z listy rezerwowej na posiedzenie ciała dialogu ({when}, {where}). Szczegóły: {link}"},
		i18n.UK: {Subject: "У вас є місце на засіданні органу діалогу",
			Body: "Звільнилося місце для публіки: вас переведено з резервного списку на засідання органу діалогу ({when}, {where}). Деталі: {link}"},
		i18n.EN: {Subject: "You have a seat at the dialogue body meeting",
			Body: "A public seat became free: you have moved from the waiting list to the dialogue body meeting ({when}, {where}). Details: {link}"},
		i18n.RU: {Subject: "У вас есть место на заседании органа диалога",
			Body: "Освободилось место для публики: вы переведены из резервного списка на заседание органа диалога ({when}, {where}). Подробности: {link}"},
	}})
}
