package consultation

import (
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// The notices this domain sends, registered with notify: their names, the
// data every notice of a kind carries (filled into its {placeholders}), and
// their messages in every locale (Polish is binding).
const (
	NoticeSubmissionReply    = "submission_reply"
	NoticeModerationDecision = "moderation_decision"
	NoticeModerationFlag     = "moderation_flag"
	NoticeMeetingPromoted    = "meeting_promoted"
	NoticeMeetingReminder    = "meeting_reminder"
	NoticeMeetingMoved       = "meeting_moved"
	NoticeConsultationOpened = "consultation_opened"
	NoticeMeetingCancelled   = "meeting_cancelled"
	NoticeSubmissionAnswered = "submission_answered"
	NoticeConsultationReport = "consultation_report"
	NoticeReportReminder     = "consultation_report_reminder"
)

func init() {
	notify.Register(notify.Kind{Name: NoticeSubmissionReply, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Nowa odpowiedź na Twój wpis w konsultacjach",
			Body: "Ktoś odpowiedział na Twój wpis w konsultacjach społecznych. Przeczytaj odpowiedź: {link}"},
		i18n.UK: {Subject: "Нова відповідь на ваш допис у консультаціях",
			Body: "Хтось відповів на ваш допис у громадських консультаціях. Прочитайте відповідь: {link}"},
		i18n.EN: {Subject: "New reply to your consultation post",
			Body: "Someone replied to your post in a public consultation. Read the reply: {link}"},
		i18n.RU: {Subject: "Новый ответ на вашу запись в консультациях",
			Body: "Кто-то ответил на вашу запись в общественных консультациях. Прочитайте ответ: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeModerationDecision, Data: []string{"action", "reason"},
		Labels: moderationLabels, Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Decyzja moderacji dotycząca Twojego wpisu",
				Body: "Moderacja zmieniła widoczność Twojego wpisu w konsultacjach społecznych (działanie: {action}, powód: {reason}). Szczegóły: {link}"},
			i18n.UK: {Subject: "Рішення модерації щодо вашого допису",
				Body: "Модерація змінила видимість вашого допису в громадських консультаціях (дія: {action}, причина: {reason}). Деталі: {link}"},
			i18n.EN: {Subject: "A moderation decision about your post",
				Body: "Moderation changed the visibility of your post in a public consultation (action: {action}, reason: {reason}). Details: {link}"},
			i18n.RU: {Subject: "Решение модерации о вашей записи",
				Body: "Модерация изменила видимость вашей записи в общественных консультациях (действие: {action}, причина: {reason}). Подробности: {link}"},
		}})
	notify.Register(notify.Kind{Name: NoticeModerationFlag, Data: []string{"reason"},
		Labels: moderationLabels, Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Nowe zgłoszenie do moderacji",
				Body: "Wpis w moderowanych przez Ciebie konsultacjach został zgłoszony (powód: {reason}). Kolejka zgłoszeń: {link}"},
			i18n.UK: {Subject: "Нова скарга для модерації",
				Body: "На допис у консультаціях, які ви модеруєте, надійшла скарга (причина: {reason}). Черга скарг: {link}"},
			i18n.EN: {Subject: "New flag to moderate",
				Body: "A post in a consultation you moderate was flagged (reason: {reason}). Flag queue: {link}"},
			i18n.RU: {Subject: "Новая жалоба для модерации",
				Body: "На запись в консультациях, которые вы модерируете, поступила жалоба (причина: {reason}). Очередь жалоб: {link}"},
		}})
	notify.Register(notify.Kind{Name: NoticeMeetingPromoted, Data: []string{"when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Masz miejsce na spotkaniu konsultacyjnym",
			Body: "Zwolniło się miejsce: zostałeś(-aś) przeniesiony(-a) z listy rezerwowej na listę uczestników spotkania konsultacyjnego ({when}, {where}). Jeśli nie możesz przyjść, wypisz się, aby zwolnić miejsce innym: {link}"},
		i18n.UK: {Subject: "У вас є місце на консультаційній зустрічі",
			Body: "Звільнилося місце: вас переведено з резервного списку до списку учасників консультаційної зустрічі ({when}, {where}). Якщо ви не можете прийти, скасуйте реєстрацію, щоб звільнити місце для інших: {link}"},
		i18n.EN: {Subject: "You have a seat at the consultation meeting",
			Body: "A seat became free: you have moved from the waiting list to the participants of the consultation meeting ({when}, {where}). If you cannot come, please unregister so that someone else can: {link}"},
		i18n.RU: {Subject: "У вас есть место на консультационной встрече",
			Body: "Освободилось место: вы переведены из резервного списка в список участников консультационной встречи ({when}, {where}). Если вы не можете прийти, отмените регистрацию, чтобы освободить место для других: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeMeetingReminder, Data: []string{"when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Przypomnienie: jutro spotkanie konsultacyjne",
			Body: "Przypominamy o spotkaniu konsultacyjnym, na które się zapisałeś(-aś): {when}, {where}. Szczegóły: {link}"},
		i18n.UK: {Subject: "Нагадування: завтра консультаційна зустріч",
			Body: "Нагадуємо про консультаційну зустріч, на яку ви зареєструвалися: {when}, {where}. Деталі: {link}"},
		i18n.EN: {Subject: "Reminder: consultation meeting tomorrow",
			Body: "A reminder of the consultation meeting you registered for: {when}, {where}. Details: {link}"},
		i18n.RU: {Subject: "Напоминание: завтра консультационная встреча",
			Body: "Напоминаем о консультационной встрече, на которую вы зарегистрировались: {when}, {where}. Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeMeetingMoved, Data: []string{"when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Zmiana terminu lub miejsca spotkania konsultacyjnego",
			Body: "Spotkanie konsultacyjne, na które się zapisałeś(-aś), odbędzie się teraz: {when}, {where}. Szczegóły: {link}"},
		i18n.UK: {Subject: "Зміна часу або місця консультаційної зустрічі",
			Body: "Консультаційна зустріч, на яку ви зареєструвалися, тепер відбудеться: {when}, {where}. Деталі: {link}"},
		i18n.EN: {Subject: "The consultation meeting has moved",
			Body: "The consultation meeting you registered for now takes place: {when}, {where}. Details: {link}"},
		i18n.RU: {Subject: "Изменение времени или места консультационной встречи",
			Body: "Консультационная встреча, на которую вы зарегистрировались, теперь состоится: {when}, {where}. Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeConsultationOpened, Data: []string{"closes"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Konsultacja, którą obserwujesz, jest otwarta",
			Body: "Konsultacja, którą obserwujesz, właśnie się rozpoczęła. Możesz zgłaszać postulaty i komentarze do {closes}: {link}"},
		i18n.UK: {Subject: "Консультація, за якою ви стежите, відкрита",
			Body: "Консультація, за якою ви стежите, щойно розпочалася. Ви можете подавати пропозиції та коментарі до {closes}: {link}"},
		i18n.EN: {Subject: "A consultation you follow is open",
			Body: "A consultation you follow has just opened. You can send proposals and comments until {closes}: {link}"},
		i18n.RU: {Subject: "Консультация, за которой вы следите, открыта",
			Body: "Консультация, за которой вы следите, только что началась. Вы можете подавать предложения и комментарии до {closes}: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeMeetingCancelled, Data: []string{"reason", "when", "where"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Spotkanie konsultacyjne zostało odwołane",
			Body: "Spotkanie konsultacyjne, na które się zapisałeś(-aś) ({when}, {where}), zostało odwołane. Powód: {reason}. Szczegóły: {link}"},
		i18n.UK: {Subject: "Консультаційну зустріч скасовано",
			Body: "Консультаційну зустріч, на яку ви зареєструвалися ({when}, {where}), скасовано. Причина: {reason}. Деталі: {link}"},
		i18n.EN: {Subject: "The consultation meeting was cancelled",
			Body: "The consultation meeting you registered for ({when}, {where}) was cancelled. Reason: {reason}. Details: {link}"},
		i18n.RU: {Subject: "Консультационная встреча отменена",
			Body: "Консультационная встреча, на которую вы зарегистрировались ({when}, {where}), отменена. Причина: {reason}. Подробности: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeSubmissionAnswered, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Odpowiedź na Twój wpis w konsultacjach",
			Body: "Urząd opublikował odpowiedź na Twój wpis w konsultacjach społecznych. Przeczytaj ją: {link}"},
		i18n.UK: {Subject: "Відповідь на ваш допис у консультаціях",
			Body: "Міська установа опублікувала відповідь на ваш допис у громадських консультаціях. Прочитайте її: {link}"},
		i18n.EN: {Subject: "An answer to your consultation post",
			Body: "The city has published an answer to your post in a public consultation. Read it: {link}"},
		i18n.RU: {Subject: "Ответ на вашу запись в консультациях",
			Body: "Городское учреждение опубликовало ответ на вашу запись в общественных консультациях. Прочитайте его: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeConsultationReport, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Opublikowano raport z konsultacji",
			Body: "Opublikowano raport zamykający konsultacje społeczne, które obserwujesz lub do których trafił Twój wpis. Raport odpowiada na każdy wpis: {link}"},
		i18n.UK: {Subject: "Опубліковано звіт про консультації",
			Body: "Опубліковано підсумковий звіт громадських консультацій, за якими ви стежите або до яких надійшов ваш допис. Звіт відповідає на кожен допис: {link}"},
		i18n.EN: {Subject: "The consultation report is published",
			Body: "The closing report of a public consultation you follow or posted in has been published. It answers every submission: {link}"},
		i18n.RU: {Subject: "Опубликован отчёт о консультациях",
			Body: "Опубликован итоговый отчёт общественных консультаций, за которыми вы следите или в которые поступила ваша запись. Отчёт отвечает на каждую запись: {link}"},
	}})
	notify.Register(notify.Kind{Name: NoticeReportReminder, Data: []string{"due_date"}, Messages: map[i18n.Locale]notify.Message{
		i18n.PL: {Subject: "Zbliża się termin raportu z konsultacji",
			Body: "Termin publikacji raportu z konsultacji Twojej jednostki: {due_date}. Raport można opublikować, gdy każdy wpis ma opublikowaną odpowiedź: {link}"},
		i18n.UK: {Subject: "Наближається строк звіту про консультації",
			Body: "Строк публікації звіту про консультації вашого підрозділу: {due_date}. Звіт можна опублікувати, коли кожен допис має опубліковану відповідь: {link}"},
		i18n.EN: {Subject: "The consultation report is due soon",
			Body: "The report of your unit's consultation is due on {due_date}. It can be published once every submission has a published answer: {link}"},
		i18n.RU: {Subject: "Приближается срок отчёта о консультациях",
			Body: "Срок публикации отчёта о консультациях вашего подразделения: {due_date}. Отчёт можно опубликовать, когда у каждой записи есть опубликованный ответ: {link}"},
	}})
}

// moderationLabels name the moderation action and reason codes in e-mails.
var moderationLabels = func() map[string]map[string]map[i18n.Locale]string {
	names := map[string]map[i18n.Locale]string{
		"hide":            {i18n.PL: "ukrycie", i18n.UK: "приховування", i18n.EN: "hidden", i18n.RU: "скрытие"},
		"auto_hide":       {i18n.PL: "automatyczne ukrycie do czasu przeglądu", i18n.UK: "автоматичне приховування до перевірки", i18n.EN: "hidden automatically pending review", i18n.RU: "автоматическое скрытие до проверки"},
		"restore":         {i18n.PL: "przywrócenie", i18n.UK: "відновлення", i18n.EN: "restored", i18n.RU: "восстановление"},
		"spam":            {i18n.PL: "spam", i18n.UK: "спам", i18n.EN: "spam", i18n.RU: "спам"},
		"offensive":       {i18n.PL: "treść obraźliwa", i18n.UK: "образливий зміст", i18n.EN: "offensive content", i18n.RU: "оскорбительное содержание"},
		"hate_speech":     {i18n.PL: "mowa nienawiści", i18n.UK: "мова ворожнечі", i18n.EN: "hate speech", i18n.RU: "язык вражды"},
		"personal_data":   {i18n.PL: "dane osobowe", i18n.UK: "персональні дані", i18n.EN: "personal data", i18n.RU: "персональные данные"},
		"off_topic":       {i18n.PL: "nie na temat", i18n.UK: "не за темою", i18n.EN: "off topic", i18n.RU: "не по теме"},
		"other":           {i18n.PL: "inny powód", i18n.UK: "інша причина", i18n.EN: "other", i18n.RU: "другая причина"},
		"flags_threshold": {i18n.PL: "zgłoszenia kilku osób", i18n.UK: "скарги кількох осіб", i18n.EN: "flags by several people", i18n.RU: "жалобы нескольких человек"},
		"reviewed":        {i18n.PL: "po przeglądzie", i18n.UK: "після перевірки", i18n.EN: "after review", i18n.RU: "после проверки"},
	}
	return map[string]map[string]map[i18n.Locale]string{"action": names, "reason": names}
}()
