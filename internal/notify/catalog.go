package notify

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/otwarty/otwarty/internal/i18n"
)

// message is one e-mail text in one locale. Placeholders in braces are
// filled from the notice's data ({display_name}, …) and by render ({link},
// {role}, {expires_line}, {inviter_line}, {public_url}, {reset_url}); unknown
// ones are dropped.
type message struct {
	subject string
	body    string
}

// Polish is binding; the other locales are informative translations.
var catalog = map[string]map[i18n.Locale]message{
	KindWelcome: {
		i18n.PL: {"Witamy na platformie Otwarty Kraków",
			"Twoje konto na platformie Otwarty Kraków zostało założone. Możesz brać udział w konsultacjach społecznych, pracach ciał dialogu, budżecie obywatelskim i wyborze Krakowskiego Ambasadora Wielokulturowości.\n\n{public_url}"},
		i18n.UK: {"Ласкаво просимо на платформу Otwarty Kraków",
			"Ваш обліковий запис на платформі Otwarty Kraków створено. Ви можете брати участь у громадських консультаціях, роботі дорадчих органів, громадському бюджеті та виборі Краківського посла мультикультурності.\n\n{public_url}"},
		i18n.EN: {"Welcome to Otwarty Kraków",
			"Your Otwarty Kraków account has been created. You can take part in public consultations, the work of dialogue bodies, the civic budget and the choice of the Kraków Ambassador of Multiculturalism.\n\n{public_url}"},
		i18n.RU: {"Добро пожаловать на платформу Otwarty Kraków",
			"Ваша учётная запись на платформе Otwarty Kraków создана. Вы можете участвовать в общественных консультациях, работе совещательных органов, гражданском бюджете и выборе Краковского посла мультикультурности.\n\n{public_url}"},
	},
	KindPasswordChanged: {
		i18n.PL: {"Hasło zostało zmienione",
			"Hasło do Twojego konta na platformie Otwarty Kraków zostało właśnie zmienione. Jeśli to nie Ty, ustaw nowe hasło tutaj: {reset_url}"},
		i18n.UK: {"Пароль змінено",
			"Пароль до вашого облікового запису на платформі Otwarty Kraków щойно змінено. Якщо це були не ви, встановіть новий пароль тут: {reset_url}"},
		i18n.EN: {"Your password was changed",
			"The password of your Otwarty Kraków account has just been changed. If this was not you, set a new password here: {reset_url}"},
		i18n.RU: {"Пароль изменён",
			"Пароль вашей учётной записи на платформе Otwarty Kraków только что изменён. Если это были не вы, установите новый пароль здесь: {reset_url}"},
	},
	KindConfirmEmail: {
		i18n.PL: {"Potwierdź adres e-mail",
			"Aby potwierdzić adres e-mail na platformie Otwarty Kraków, otwórz link:\n{link}{expires_line}\n\nJeśli nikt nie zakładał konta na ten adres, zignoruj tę wiadomość."},
		i18n.UK: {"Підтвердіть адресу електронної пошти",
			"Щоб підтвердити адресу електронної пошти на платформі Otwarty Kraków, відкрийте посилання:\n{link}{expires_line}\n\nЯкщо ви не створювали облікового запису, просто проігноруйте цей лист."},
		i18n.EN: {"Confirm your e-mail address",
			"To confirm your e-mail address on Otwarty Kraków, open this link:\n{link}{expires_line}\n\nIf nobody created an account with this address, ignore this message."},
		i18n.RU: {"Подтвердите адрес электронной почты",
			"Чтобы подтвердить адрес электронной почты на платформе Otwarty Kraków, откройте ссылку:\n{link}{expires_line}\n\nЕсли вы не создавали учётную запись, просто проигнорируйте это письмо."},
	},
	KindPasswordReset: {
		i18n.PL: {"Ustaw nowe hasło",
			"Otrzymaliśmy prośbę o ustawienie nowego hasła do Twojego konta na platformie Otwarty Kraków. Aby to zrobić, otwórz link:\n{link}{expires_line}\n\nJeśli to nie Ty, zignoruj tę wiadomość — hasło pozostanie bez zmian."},
		i18n.UK: {"Встановіть новий пароль",
			"Ми отримали запит на встановлення нового пароля до вашого облікового запису на платформі Otwarty Kraków. Для цього відкрийте посилання:\n{link}{expires_line}\n\nЯкщо це були не ви, проігноруйте цей лист — пароль не зміниться."},
		i18n.EN: {"Set a new password",
			"We received a request to set a new password for your Otwarty Kraków account. To do so, open this link:\n{link}{expires_line}\n\nIf this was not you, ignore this message; your password stays as it is."},
		i18n.RU: {"Установите новый пароль",
			"Мы получили запрос на установку нового пароля для вашей учётной записи на платформе Otwarty Kraków. Для этого откройте ссылку:\n{link}{expires_line}\n\nЕсли это были не вы, проигнорируйте это письмо — пароль не изменится."},
	},
	KindInvitation: {
		i18n.PL: {"Zaproszenie na platformę Otwarty Kraków",
			"Zapraszamy Cię na platformę Otwarty Kraków{role}. Aby przyjąć zaproszenie, otwórz link:\n{link}{expires_line}{inviter_line}"},
		i18n.UK: {"Запрошення на платформу Otwarty Kraków",
			"Запрошуємо вас на платформу Otwarty Kraków{role}. Щоб прийняти запрошення, відкрийте посилання:\n{link}{expires_line}{inviter_line}"},
		i18n.EN: {"Invitation to Otwarty Kraków",
			"You are invited to Otwarty Kraków{role}. To accept the invitation, open this link:\n{link}{expires_line}{inviter_line}"},
		i18n.RU: {"Приглашение на платформу Otwarty Kraków",
			"Приглашаем вас на платформу Otwarty Kraków{role}. Чтобы принять приглашение, откройте ссылку:\n{link}{expires_line}{inviter_line}"},
	},
}

// Consultation notices. {link} is the notification list; the moderation
// reason is a code (spam, offensive, ...) shown as a label by reasonLabel.
func init() {
	catalog[KindSubmissionReply] = map[i18n.Locale]message{
		i18n.PL: {"Nowa odpowiedź na Twój wpis w konsultacjach",
			"Ktoś odpowiedział na Twój wpis w konsultacjach społecznych. Przeczytaj odpowiedź: {link}"},
		i18n.UK: {"Нова відповідь на ваш допис у консультаціях",
			"Хтось відповів на ваш допис у громадських консультаціях. Прочитайте відповідь: {link}"},
		i18n.EN: {"New reply to your consultation post",
			"Someone replied to your post in a public consultation. Read the reply: {link}"},
		i18n.RU: {"Новый ответ на вашу запись в консультациях",
			"Кто-то ответил на вашу запись в общественных консультациях. Прочитайте ответ: {link}"},
	}
	catalog[KindModerationDecision] = map[i18n.Locale]message{
		i18n.PL: {"Decyzja moderacji dotycząca Twojego wpisu",
			"Moderacja zmieniła widoczność Twojego wpisu w konsultacjach społecznych (działanie: {action}, powód: {reason}). Szczegóły: {link}"},
		i18n.UK: {"Рішення модерації щодо вашого допису",
			"Модерація змінила видимість вашого допису в громадських консультаціях (дія: {action}, причина: {reason}). Деталі: {link}"},
		i18n.EN: {"A moderation decision about your post",
			"Moderation changed the visibility of your post in a public consultation (action: {action}, reason: {reason}). Details: {link}"},
		i18n.RU: {"Решение модерации о вашей записи",
			"Модерация изменила видимость вашей записи в общественных консультациях (действие: {action}, причина: {reason}). Подробности: {link}"},
	}
	catalog[KindModerationFlag] = map[i18n.Locale]message{
		i18n.PL: {"Nowe zgłoszenie do moderacji",
			"Wpis w moderowanych przez Ciebie konsultacjach został zgłoszony (powód: {reason}). Kolejka zgłoszeń: {link}"},
		i18n.UK: {"Нова скарга для модерації",
			"На допис у консультаціях, які ви модеруєте, надійшла скарга (причина: {reason}). Черга скарг: {link}"},
		i18n.EN: {"New flag to moderate",
			"A post in a consultation you moderate was flagged (reason: {reason}). Flag queue: {link}"},
		i18n.RU: {"Новая жалоба для модерации",
			"На запись в консультациях, которые вы модерируете, поступила жалоба (причина: {reason}). Очередь жалоб: {link}"},
	}
}

// Meeting notices of consultations: {when} is the start in Warsaw time,
// {where} the place or the link, {reason} a cancellation's reason.
func init() {
	catalog[KindMeetingPromoted] = map[i18n.Locale]message{
		i18n.PL: {"Masz miejsce na spotkaniu konsultacyjnym",
			"Zwolniło się miejsce: zostałeś(-aś) przeniesiony(-a) z listy rezerwowej na listę uczestników spotkania konsultacyjnego ({when}, {where}). Jeśli nie możesz przyjść, wypisz się, aby zwolnić miejsce innym: {link}"},
		i18n.UK: {"У вас є місце на консультаційній зустрічі",
			"Звільнилося місце: вас переведено з резервного списку до списку учасників консультаційної зустрічі ({when}, {where}). Якщо ви не можете прийти, скасуйте реєстрацію, щоб звільнити місце для інших: {link}"},
		i18n.EN: {"You have a seat at the consultation meeting",
			"A seat became free: you have moved from the waiting list to the participants of the consultation meeting ({when}, {where}). If you cannot come, please unregister so that someone else can: {link}"},
		i18n.RU: {"У вас есть место на консультационной встрече",
			"Освободилось место: вы переведены из резервного списка в список участников консультационной встречи ({when}, {where}). Если вы не можете прийти, отмените регистрацию, чтобы освободить место для других: {link}"},
	}
	catalog[KindMeetingReminder] = map[i18n.Locale]message{
		i18n.PL: {"Przypomnienie: jutro spotkanie konsultacyjne",
			"Przypominamy o spotkaniu konsultacyjnym, na które się zapisałeś(-aś): {when}, {where}. Szczegóły: {link}"},
		i18n.UK: {"Нагадування: завтра консультаційна зустріч",
			"Нагадуємо про консультаційну зустріч, на яку ви зареєструвалися: {when}, {where}. Деталі: {link}"},
		i18n.EN: {"Reminder: consultation meeting tomorrow",
			"A reminder of the consultation meeting you registered for: {when}, {where}. Details: {link}"},
		i18n.RU: {"Напоминание: завтра консультационная встреча",
			"Напоминаем о консультационной встрече, на которую вы зарегистрировались: {when}, {where}. Подробности: {link}"},
	}
	catalog[KindMeetingCancelled] = map[i18n.Locale]message{
		i18n.PL: {"Spotkanie konsultacyjne zostało odwołane",
			"Spotkanie konsultacyjne, na które się zapisałeś(-aś) ({when}, {where}), zostało odwołane. Powód: {reason}. Szczegóły: {link}"},
		i18n.UK: {"Консультаційну зустріч скасовано",
			"Консультаційну зустріч, на яку ви зареєструвалися ({when}, {where}), скасовано. Причина: {reason}. Деталі: {link}"},
		i18n.EN: {"The consultation meeting was cancelled",
			"The consultation meeting you registered for ({when}, {where}) was cancelled. Reason: {reason}. Details: {link}"},
		i18n.RU: {"Консультационная встреча отменена",
			"Консультационная встреча, на которую вы зарегистрировались ({when}, {where}), отменена. Причина: {reason}. Подробности: {link}"},
	}
}

func init() {
	catalog[KindMeetingMoved] = map[i18n.Locale]message{
		i18n.PL: {"Zmiana terminu lub miejsca spotkania konsultacyjnego",
			"Spotkanie konsultacyjne, na które się zapisałeś(-aś), odbędzie się teraz: {when}, {where}. Szczegóły: {link}"},
		i18n.UK: {"Зміна часу або місця консультаційної зустрічі",
			"Консультаційна зустріч, на яку ви зареєструвалися, тепер відбудеться: {when}, {where}. Деталі: {link}"},
		i18n.EN: {"The consultation meeting has moved",
			"The consultation meeting you registered for now takes place: {when}, {where}. Details: {link}"},
		i18n.RU: {"Изменение времени или места консультационной встречи",
			"Консультационная встреча, на которую вы зарегистрировались, теперь состоится: {when}, {where}. Подробности: {link}"},
	}
	catalog[KindConsultationOpened] = map[i18n.Locale]message{
		i18n.PL: {"Konsultacja, którą obserwujesz, jest otwarta",
			"Konsultacja, którą obserwujesz, właśnie się rozpoczęła. Możesz zgłaszać postulaty i komentarze do {closes}: {link}"},
		i18n.UK: {"Консультація, за якою ви стежите, відкрита",
			"Консультація, за якою ви стежите, щойно розпочалася. Ви можете подавати пропозиції та коментарі до {closes}: {link}"},
		i18n.EN: {"A consultation you follow is open",
			"A consultation you follow has just opened. You can send proposals and comments until {closes}: {link}"},
		i18n.RU: {"Консультация, за которой вы следите, открыта",
			"Консультация, за которой вы следите, только что началась. Вы можете подавать предложения и комментарии до {closes}: {link}"},
	}
}

// moderationLabels name moderation actions and reasons in e-mails.
var moderationLabels = map[string]map[i18n.Locale]string{
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

// generic is the e-mail for kinds without their own message.
var generic = map[i18n.Locale]message{
	i18n.PL: {"Nowe powiadomienie na platformie Otwarty Kraków", "Masz nowe powiadomienie: {link}"},
	i18n.UK: {"Нове сповіщення на платформі Otwarty Kraków", "У вас нове сповіщення: {link}"},
	i18n.EN: {"New notification on Otwarty Kraków", "You have a new notification: {link}"},
	i18n.RU: {"Новое уведомление на платформе Otwarty Kraków", "У вас новое уведомление: {link}"},
}

// digestText is the frame of a digest: subject (with {count}) and intro.
var digestText = map[i18n.Locale]message{
	i18n.PL: {"Otwarty Kraków: nowe powiadomienia ({count})", "Oto powiadomienia od ostatniego podsumowania:"},
	i18n.UK: {"Otwarty Kraków: нові сповіщення ({count})", "Ваші сповіщення з часу останнього зведення:"},
	i18n.EN: {"Otwarty Kraków: new notifications ({count})", "Here are your notifications since the last summary:"},
	i18n.RU: {"Otwarty Kraków: новые уведомления ({count})", "Ваши уведомления со времени последней сводки:"},
}

var (
	greeting = map[i18n.Locale][2]string{ // without a name, with {display_name}
		i18n.PL: {"Dzień dobry,", "Dzień dobry, {display_name},"},
		i18n.UK: {"Вітаємо!", "Вітаємо, {display_name}!"},
		i18n.EN: {"Hello,", "Hello {display_name},"},
		i18n.RU: {"Здравствуйте!", "Здравствуйте, {display_name}!"},
	}
	footer = map[i18n.Locale]string{
		i18n.PL: "Tę wiadomość wysłała automatycznie platforma Otwarty Kraków. Ustawienia powiadomień: {settings_url}",
		i18n.UK: "Цей лист автоматично надіслала платформа Otwarty Kraków. Налаштування сповіщень: {settings_url}",
		i18n.EN: "This message was sent automatically by Otwarty Kraków. Notification settings: {settings_url}",
		i18n.RU: "Это письмо автоматически отправлено платформой Otwarty Kraków. Настройки уведомлений: {settings_url}",
	}
	roleLabel   = map[i18n.Locale]string{i18n.PL: " (rola: {x})", i18n.UK: " (роль: {x})", i18n.EN: " (role: {x})", i18n.RU: " (роль: {x})"}
	inviterLine = map[i18n.Locale]string{i18n.PL: "Zaprasza: {x}.", i18n.UK: "Запрошує: {x}.", i18n.EN: "Invited by {x}.", i18n.RU: "Приглашает: {x}."}
	expiresLine = map[i18n.Locale]string{
		i18n.PL: "Link jest ważny do {x} (czas polski).",
		i18n.UK: "Посилання дійсне до {x} (за польським часом).",
		i18n.EN: "The link is valid until {x} (Polish time).",
		i18n.RU: "Ссылка действительна до {x} (по польскому времени).",
	}
	roleNames = map[string]map[i18n.Locale]string{
		"official":       {i18n.PL: "urzędnik", i18n.UK: "посадова особа", i18n.EN: "city official", i18n.RU: "должностное лицо"},
		"coordinator":    {i18n.PL: "koordynator programu", i18n.UK: "координатор програми", i18n.EN: "programme coordinator", i18n.RU: "координатор программы"},
		"juror":          {i18n.PL: "członek Kapituły", i18n.UK: "член Капітули", i18n.EN: "jury member", i18n.RU: "член Капитулы"},
		"ballot_officer": {i18n.PL: "obsługa punktu głosowania", i18n.UK: "оператор пункту голосування", i18n.EN: "ballot officer", i18n.RU: "оператор пункта голосования"},
		"admin":          {i18n.PL: "administrator", i18n.UK: "адміністратор", i18n.EN: "administrator", i18n.RU: "администратор"},
	}
)

// Paths of the catalog's own links, under Config.PublicURL; the web front
// end serves them. Links with tokens come ready-made in secret_link.
const (
	PathNotifications = "/notifications"
	PathSettings      = "/settings/notifications"
	PathResetRequest  = "/reset-password"
)

// redactedMark replaces secret values in a sent message.
const redactedMark = "[redacted]"

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// Title is the one-line text of a notification kind in locale, for in-app
// lists and digests; "" for a kind without its own message.
func Title(kind string, locale i18n.Locale) string {
	if !locale.Valid() {
		locale = i18n.Default
	}
	return catalog[kind][locale].subject
}

// render returns the subject and body of a notice's e-mail in locale. It is
// deterministic, so that a sent message can be rendered again with its
// secrets replaced by redactedMark.
func (s *Service) render(kind string, locale i18n.Locale, data map[string]string) (subject, body string) {
	m, ok := catalog[kind][locale]
	if !ok {
		m = generic[locale]
	}
	vars := s.vars(locale, data)
	vars["{link}"] = s.public + PathNotifications
	if l := data[DataLink]; l != "" {
		vars["{link}"] = l
	}
	if r := data[DataRole]; r != "" {
		name := roleNames[r][locale]
		if name == "" {
			name = r
		}
		vars["{role}"] = fill(roleLabel[locale], map[string]string{"{x}": name})
	}
	for _, k := range []string{"action", "reason"} {
		if l := moderationLabels[data[k]][locale]; l != "" {
			vars["{"+k+"}"] = l
		}
	}
	if by := data[DataInviter]; by != "" {
		vars["{inviter_line}"] = "\n\n" + fill(inviterLine[locale], map[string]string{"{x}": by})
	}
	if t, err := time.Parse(time.RFC3339, data[DataExpiresAt]); err == nil {
		vars["{expires_line}"] = "\n" + fill(expiresLine[locale], map[string]string{"{x}": t.In(s.zone).Format("2006-01-02 15:04")})
	}
	return fill(m.subject, vars), s.frame(locale, data, fill(m.body, vars))
}

// renderDigest returns the subject and body of a digest of items.
func (s *Service) renderDigest(locale i18n.Locale, data map[string]string, items []DigestItem) (subject, body string) {
	const maxListed = 50
	m := digestText[locale]
	vars := s.vars(locale, data)
	vars["{count}"] = strconv.Itoa(len(items))
	var b strings.Builder
	b.WriteString(fill(m.body, vars))
	b.WriteString("\n\n")
	for i, it := range items {
		if i == maxListed {
			fmt.Fprintf(&b, "… (+%d)\n", len(items)-maxListed)
			break
		}
		title := Title(it.Kind, locale)
		if title == "" {
			title = generic[locale].subject
		}
		fmt.Fprintf(&b, "- %s  %s\n", it.CreatedAt.In(s.zone).Format("2006-01-02 15:04"), title)
	}
	b.WriteString("\n" + s.public + PathNotifications)
	return fill(m.subject, vars), s.frame(locale, data, b.String())
}

// frame adds the greeting and the footer.
func (s *Service) frame(locale i18n.Locale, data map[string]string, text string) string {
	g := greeting[locale][0]
	if data[DataName] != "" {
		g = greeting[locale][1]
	}
	vars := s.vars(locale, data)
	return fill(g, vars) + "\n\n" + text + "\n\n-- \n" + fill(footer[locale], vars) + "\n"
}

func (s *Service) vars(locale i18n.Locale, data map[string]string) map[string]string {
	v := map[string]string{
		"{public_url}":   s.public + "/",
		"{reset_url}":    s.public + PathResetRequest,
		"{settings_url}": s.public + PathSettings,
	}
	for k, val := range data {
		if !strings.HasPrefix(k, SecretPrefix) {
			v["{"+k+"}"] = val
		}
	}
	return v
}

// fill replaces known placeholders and drops unknown ones.
func fill(text string, vars map[string]string) string {
	return placeholder.ReplaceAllStringFunc(text, func(p string) string { return vars[p] })
}

// redact returns data with every secret value replaced by redactedMark.
func redact(data map[string]string) (map[string]string, bool) {
	out := make(map[string]string, len(data))
	changed := false
	for k, v := range data {
		if strings.HasPrefix(k, SecretPrefix) {
			v, changed = redactedMark, true
		}
		out[k] = v
	}
	return out, changed
}

func init() {
	catalog[KindSubmissionAnswered] = map[i18n.Locale]message{
		i18n.PL: {"Odpowiedź na Twój wpis w konsultacjach",
			"Urząd opublikował odpowiedź na Twój wpis w konsultacjach społecznych. Przeczytaj ją: {link}"},
		i18n.UK: {"Відповідь на ваш допис у консультаціях",
			"Міська установа опублікувала відповідь на ваш допис у громадських консультаціях. Прочитайте її: {link}"},
		i18n.EN: {"An answer to your consultation post",
			"The city has published an answer to your post in a public consultation. Read it: {link}"},
		i18n.RU: {"Ответ на вашу запись в консультациях",
			"Городское учреждение опубликовало ответ на вашу запись в общественных консультациях. Прочитайте его: {link}"},
	}
	catalog[KindConsultationReport] = map[i18n.Locale]message{
		i18n.PL: {"Opublikowano raport z konsultacji",
			"Opublikowano raport zamykający konsultacje społeczne, które obserwujesz lub do których trafił Twój wpis. Raport odpowiada na każdy wpis: {link}"},
		i18n.UK: {"Опубліковано звіт про консультації",
			"Опубліковано підсумковий звіт громадських консультацій, за якими ви стежите або до яких надійшов ваш допис. Звіт відповідає на кожен допис: {link}"},
		i18n.EN: {"The consultation report is published",
			"The closing report of a public consultation you follow or posted in has been published. It answers every submission: {link}"},
		i18n.RU: {"Опубликован отчёт о консультациях",
			"Опубликован итоговый отчёт общественных консультаций, за которыми вы следите или в которые поступила ваша запись. Отчёт отвечает на каждую запись: {link}"},
	}
	catalog[KindReportReminder] = map[i18n.Locale]message{
		i18n.PL: {"Zbliża się termin raportu z konsultacji",
			"Termin publikacji raportu z konsultacji Twojej jednostki: {due_date}. Raport można opublikować, gdy każdy wpis ma opublikowaną odpowiedź: {link}"},
		i18n.UK: {"Наближається строк звіту про консультації",
			"Строк публікації звіту про консультації вашого підрозділу: {due_date}. Звіт можна опублікувати, коли кожен допис має опубліковану відповідь: {link}"},
		i18n.EN: {"The consultation report is due soon",
			"The report of your unit's consultation is due on {due_date}. It can be published once every submission has a published answer: {link}"},
		i18n.RU: {"Приближается срок отчёта о консультациях",
			"Срок публикации отчёта о консультациях вашего подразделения: {due_date}. Отчёт можно опубликовать, когда у каждой записи есть опубликованный ответ: {link}"},
	}
}
