package notify

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otwarty/otwarty/internal/i18n"
)

// Message is one notice's e-mail in one locale. {placeholders} are filled
// (i18n.Fill) from the notice's data ({display_name}, ...) and by the
// renderer ({link}, {role}, {expires_line}, {inviter_line}, {public_url},
// {reset_url}, {settings_url}); one nothing fills stays as it is.
type Message struct {
	Subject string
	Body    string
}

// Kind is one kind of notice, registered by the domain that sends it.
type Kind struct {
	Name string
	// Data are the keys every notice of the kind carries in Notice.Data,
	// for its placeholders.
	Data []string
	// Messages are its e-mail in every locale (Polish is binding).
	Messages map[i18n.Locale]Message
	// Labels name coded data values in e-mails: key → value → locale → label
	// (a moderation reason "spam" reads "treść obraźliwa"...).
	Labels map[string]map[string]map[i18n.Locale]string
}

// kinds are the registered kinds of notice, by name. Domains register
// theirs when their package is initialised.
var kinds = map[string]Kind{}

// Register adds a kind of notice. A duplicate name or a missing locale is a
// programming error and panics at start-up.
func Register(k Kind) {
	if _, dup := kinds[k.Name]; dup || k.Name == "" {
		panic(fmt.Sprintf("notify: kind %q registered twice or unnamed", k.Name))
	}
	for _, l := range i18n.All {
		if m := k.Messages[l]; m.Subject == "" || m.Body == "" {
			panic(fmt.Sprintf("notify: kind %q has no %s message", k.Name, l))
		}
	}
	kinds[k.Name] = k
}

// Kinds are the registered kinds, by name.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Kind) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func init() {
	for name, messages := range accountMessages {
		Register(Kind{Name: name, Messages: messages})
	}
}

// accountMessages are the notices of accounts themselves.
var accountMessages = map[string]map[i18n.Locale]Message{
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
}

// Meeting notices of consultations: {when} is the start in Warsaw time,
// {where} the place or the link, {reason} a cancellation's reason.
func init() {
}

func init() {
}

// generic is the e-mail for kinds without their own message.
var generic = map[i18n.Locale]Message{
	i18n.PL: {"Nowe powiadomienie na platformie Otwarty Kraków", "Masz nowe powiadomienie: {link}"},
	i18n.UK: {"Нове сповіщення на платформі Otwarty Kraków", "У вас нове сповіщення: {link}"},
	i18n.EN: {"New notification on Otwarty Kraków", "You have a new notification: {link}"},
	i18n.RU: {"Новое уведомление на платформе Otwarty Kraków", "У вас новое уведомление: {link}"},
}

// digestText is the frame of a digest: subject (with {count}) and intro.
var digestText = map[i18n.Locale]Message{
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

// Title is the one-line text of a notification kind in locale, for in-app
// lists and digests; "" for a kind without its own message.
func Title(kind string, locale i18n.Locale) string {
	if !locale.Valid() {
		locale = i18n.Default
	}
	return kinds[kind].Messages[locale].Subject
}

// render returns the subject and body of a notice's e-mail in locale. It is
// deterministic, so that a sent message can be rendered again with its
// secrets replaced by redactedMark.
func (s *Service) render(kind string, locale i18n.Locale, data map[string]string) (subject, body string) {
	k, ok := kinds[kind]
	m := k.Messages[locale]
	if !ok {
		m = generic[locale]
	}
	vars := s.vars(locale, data)
	vars["link"] = s.public + PathNotifications
	if l := data[DataLink]; l != "" {
		vars["link"] = l
	}
	vars["role"], vars["inviter_line"], vars["expires_line"] = "", "", ""
	if r := data[DataRole]; r != "" {
		name := roleNames[r][locale]
		if name == "" {
			name = r
		}
		vars["role"] = i18n.Fill(roleLabel[locale], map[string]string{"x": name})
	}
	for key, labels := range k.Labels {
		if l := labels[data[key]][locale]; l != "" {
			vars[key] = l
		}
	}
	if by := data[DataInviter]; by != "" {
		vars["inviter_line"] = "\n\n" + i18n.Fill(inviterLine[locale], map[string]string{"x": by})
	}
	if t, err := time.Parse(time.RFC3339, data[DataExpiresAt]); err == nil {
		vars["expires_line"] = "\n" + i18n.Fill(expiresLine[locale], map[string]string{"x": t.In(s.zone).Format("2006-01-02 15:04")})
	}
	return i18n.Fill(m.Subject, vars), s.frame(locale, data, i18n.Fill(m.Body, vars))
}

// Preview is a notice's e-mail as render writes it (tests of the domains'
// kinds; a preview for staff).
func (s *Service) Preview(kind string, locale i18n.Locale, data map[string]string) (subject, body string) {
	return s.render(kind, locale, data)
}

// renderDigest returns the subject and body of a digest of items.
func (s *Service) renderDigest(locale i18n.Locale, data map[string]string, items []DigestItem) (subject, body string) {
	const maxListed = 50
	m := digestText[locale]
	vars := s.vars(locale, data)
	vars["count"] = strconv.Itoa(len(items))
	var b strings.Builder
	b.WriteString(i18n.Fill(m.Body, vars))
	b.WriteString("\n\n")
	for i, it := range items {
		if i == maxListed {
			fmt.Fprintf(&b, "… (+%d)\n", len(items)-maxListed)
			break
		}
		title := Title(it.Kind, locale)
		if title == "" {
			title = generic[locale].Subject
		}
		fmt.Fprintf(&b, "- %s  %s\n", it.CreatedAt.In(s.zone).Format("2006-01-02 15:04"), title)
	}
	b.WriteString("\n" + s.public + PathNotifications)
	return i18n.Fill(m.Subject, vars), s.frame(locale, data, b.String())
}

// frame adds the greeting and the footer.
func (s *Service) frame(locale i18n.Locale, data map[string]string, text string) string {
	g := greeting[locale][0]
	if data[DataName] != "" {
		g = greeting[locale][1]
	}
	vars := s.vars(locale, data)
	return i18n.Fill(g, vars) + "\n\n" + text + "\n\n-- \n" + i18n.Fill(footer[locale], vars) + "\n"
}

func (s *Service) vars(locale i18n.Locale, data map[string]string) map[string]string {
	v := map[string]string{
		"public_url":   s.public + "/",
		"reset_url":    s.public + PathResetRequest,
		"settings_url": s.public + PathSettings,
	}
	for k, val := range data {
		if !strings.HasPrefix(k, SecretPrefix) {
			v[k] = val
		}
	}
	return v
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
}
