package i18n

import (
	"fmt"
	"sort"
	"strings"
)

// T returns the message for key in l with {name} placeholders replaced by
// args. A key missing in l falls back to English, then Polish, then the key
// itself, so a message is never empty. A placeholder without an argument is
// left as it is.
func T(l Locale, key string, args map[string]any) string { return catalog.t(l, key, args) }

// messages maps a locale to its messages by key.
type messages map[Locale]map[string]string

func (c messages) t(l Locale, key string, args map[string]any) string {
	for _, loc := range [...]Locale{l, EN, PL} {
		if msg, ok := c[loc][key]; ok {
			return interpolate(msg, args)
		}
	}
	return key
}

// Has reports whether key has a message in every locale; other packages'
// tests use it to check the keys their errors carry.
func Has(key string) bool {
	for _, l := range All {
		if _, ok := catalog[l][key]; !ok {
			return false
		}
	}
	return true
}

// Keys lists every key of the catalog, sorted.
func Keys() []string {
	seen := map[string]bool{}
	var keys []string
	for _, msgs := range catalog {
		for k := range msgs {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// interpolate replaces {name} in one pass, so an argument's value is never
// itself interpolated.
func interpolate(msg string, args map[string]any) string {
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(msg, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(msg[open:], '}')
		if end < 0 {
			break
		}
		name := msg[open+1 : open+end]
		b.WriteString(msg[:open])
		if v, ok := args[name]; ok {
			fmt.Fprint(&b, v)
		} else {
			b.WriteString(msg[open : open+end+1])
		}
		msg = msg[open+end+1:]
	}
	b.WriteString(msg)
	return b.String()
}

// catalog holds every user-facing message. Messages avoid number agreement
// ("Minimalna liczba znaków: {min}") because Polish, Ukrainian and Russian
// inflect nouns after numerals.
var catalog = messages{
	PL: {
		"error.unauthenticated": "Zaloguj się, aby to zrobić.",
		"error.forbidden":       "Nie masz uprawnień do tej czynności.",
		"error.not_found":       "Nie znaleziono.",
		"error.rate_limited":    "Zbyt wiele prób. Spróbuj ponownie za chwilę.",
		"error.internal":        "Wystąpił błąd. Spróbuj ponownie później.",
		"error.invalid_input":   "Nieprawidłowe dane.",
		"error.conflict":        "Ta zmiana jest sprzeczna z bieżącym stanem. Odśwież stronę i spróbuj ponownie.",
		"error.phase_closed":    "Ten etap jest już zamknięty lub jeszcze się nie rozpoczął.",

		"auth.invalid_credentials":      "Nieprawidłowy adres e-mail lub hasło.",
		"auth.email_taken":              "Konto z tym adresem e-mail już istnieje.",
		"auth.email_invalid":            "Podaj prawidłowy adres e-mail.",
		"auth.password_too_short":       "Hasło jest za krótkie. Minimalna liczba znaków: {min}.",
		"auth.password_too_long":        "Hasło jest za długie.",
		"auth.display_name_invalid":     "Nazwa wyświetlana musi mieć od {min} do {max} znaków.",
		"auth.locale_invalid":           "Nieobsługiwany język. Wybierz polski, ukraiński, angielski lub rosyjski.",
		"auth.token_invalid":            "Ten link wygasł lub został już użyty.",
		"auth.email_not_confirmed":      "Najpierw potwierdź swój adres e-mail.",
		"auth.session_not_found":        "Sesja wygasła lub nie istnieje. Zaloguj się ponownie.",
		"invitation.invalid":            "Zaproszenie wygasło, zostało cofnięte lub już wykorzystane.",
		"verification.identifier_used":  "Ten identyfikator został już użyty do weryfikacji innego konta.",
		"verification.already_verified": "To konto jest już zweryfikowane.",
		"org.slug_taken":                "Ten krótki adres (slug) jest już zajęty przez inną organizację.",
		"org.slug_invalid":              "Krótki adres (slug) może zawierać tylko małe litery a–z, cyfry i łączniki, musi zaczynać się literą lub cyfrą i mieć najwyżej 81 znaków.",
		"org.name_invalid":              "Nazwa organizacji jest pusta lub za długa (najwyżej 300 znaków).",
		"org.kind_invalid":              "Nieznany rodzaj organizacji.",
		"org.member_role_invalid":       "Nieznana rola członka. Dozwolone: członek, moderator, zarządzający.",
		"text.locale_invalid":           "Nieobsługiwany język tekstu. Wybierz polski, ukraiński, angielski lub rosyjski.",
		"text.empty":                    "Tekst nie może być pusty.",
		"text.too_long":                 "Tekst jest za długi. Maksymalna liczba znaków: {max}.",
		"text.invalid":                  "Tekst zawiera niedozwolone znaki.",
		"text.original_locale":          "Nie można dodać tłumaczenia w języku oryginału. Oryginał może poprawić tylko jego autor, dodając nową wersję.",
		"input.page_size":               "Nieprawidłowy rozmiar strony. Dozwolony zakres: od 1 do {max}.",
		"input.cursor_invalid":          "Nieprawidłowy kursor stronicowania. Wczytaj listę od początku.",
		"input.id_invalid":              "Nieprawidłowy identyfikator.",

		// Keys used by identity, authz and notify.
		"auth.password_length":                 "Hasło musi mieć od {min} do {max} znaków.",
		"auth.email_already_confirmed":         "Ten adres e-mail jest już potwierdzony.",
		"invitation.accepted":                  "To zaproszenie zostało już przyjęte.",
		"invitation.role_invalid":              "Do tej roli nie można zaprosić.",
		"invitation.domain_invalid":            "Nieprawidłowy zakres roli (np. jednostka lub edycja).",
		"verification.identifier_type_invalid": "Nieobsługiwany rodzaj dokumentu lub identyfikatora.",
		"verification.identifier_invalid":      "Nieprawidłowy numer identyfikatora.",
		"verification.method_invalid":          "Nieobsługiwana metoda weryfikacji.",
		"verification.self":                    "Nie możesz zweryfikować własnego konta.",
		"account.last_admin":                   "Nie możesz usunąć konta jedynego administratora. Najpierw nadaj rolę administratora innej osobie.",
		"error.page_size":                      "Nieprawidłowy rozmiar strony. Dozwolony zakres: od 1 do {max}.",
		"error.locale":                         "Nieobsługiwany język. Wybierz polski, ukraiński, angielski lub rosyjski.",
		"error.notify.digest":                  "Nieprawidłowa częstotliwość zestawień powiadomień.",
		"authz.role_invalid":                   "Tej roli nie można nadać.",
		"authz.domain_invalid":                 "Nieprawidłowy zakres roli.",
		"authz.group_invalid":                  "Nieprawidłowa grupa.",

		// Submissions and moderation (internal/consultation).
		"consultation.phase_closed":              "Konsultacje nie są teraz na tym etapie: wpisy, komentarze i poparcie są możliwe tylko w czasie trwania konsultacji.",
		"submission.form_not_offered":            "Te konsultacje nie przewidują tej formy udziału.",
		"submission.edit_window_over":            "Czas na poprawienie tego wpisu minął.",
		"submission.own":                         "Nie można poprzeć ani zgłosić własnego wpisu.",
		"submission.not_active":                  "Ten wpis został ukryty lub wycofany.",
		"submission.reason_invalid":              "Wybierz powód z listy.",
		"submission.received_at_invalid":         "Data wpływu musi przypadać w okresie trwania konsultacji.",
		"submission.parent_invalid":              "Nie można odpowiedzieć na ten wpis.",
		"submission.section_invalid":             "Wybierz rozdział dokumentu tych konsultacji.",
		"submission.kind_invalid":                "Nieznany rodzaj wpisu.",
		"submission.channel_invalid":             "Nieznany sposób wpływu. Dozwolone: papier, e-mail, poczta.",
		"submission.author_name_invalid":         "Podaj imię i nazwisko lub nazwę autora (najwyżej 200 znaków).",
		"consultation.not_draft":                 "Tę zmianę można wprowadzić tylko w projekcie konsultacji, przed publikacją.",
		"consultation.rules_failed":              "Konsultacji nie można opublikować: nie są spełnione zasady ({rules}). Popraw je albo podaj publiczne uzasadnienie odstępstwa.",
		"consultation.rule.schedule":             "Wszystkie daty muszą być ustalone i po kolei: ogłoszenie, otwarcie (w przyszłości), zamknięcie, termin raportu.",
		"consultation.rule.polish_text":          "Tytuł musi mieć wersję polską (wiążącą).",
		"consultation.rule.notice_period":        "Konsultacje ogłasza się co najmniej {required} dni kalendarzowych przed ich rozpoczęciem.",
		"consultation.rule.minimum_duration":     "Konsultacje trwają co najmniej {required} dni kalendarzowych.",
		"consultation.rule.forms_count":          "Konsultacje przewidują co najmniej {required} formy udziału.",
		"consultation.rule.open_meeting":         "Jedną z form udziału musi być otwarte spotkanie lub warsztat.",
		"consultation.rule.report_deadline":      "Raport z konsultacji publikuje się najpóźniej {required} dni po ich zakończeniu.",
		"consultation.override_invalid":          "Uzasadnienie można podać tylko dla niespełnionej zasady, od której wolno odstąpić, i musi mieć co najmniej {min} znaków.",
		"consultation.reason_required":           "Podaj powód zmiany etapu (co najmniej {min} znaków).",
		"consultation.phase_invalid":             "Nie można ręcznie zmienić etapu z „{from}” na „{to}”: etapy zmieniają się tylko o jeden do przodu (ogłoszone → otwarte → zamknięte).",
		"consultation.unit_invalid":              "Wybierz jednostkę miejską organizującą konsultacje.",
		"consultation.district_invalid":          "Nieznana dzielnica: {district}.",
		"consultation.tag_invalid":               "Nieprawidłowy temat „{tag}”: tylko małe litery a–z, cyfry i łączniki, najwyżej {max} znaków.",
		"consultation.too_many_tags":             "Najwyżej {max} tematów.",
		"consultation.form_invalid":              "Nieznana forma udziału: {form}.",
		"consultation.text_required":             "To pole jest wymagane.",
		"consultation.schedule_order":            "Zamknięcie konsultacji musi nastąpić po ich otwarciu.",
		"consultation.moderator_org_invalid":     "Wybierz istniejącą organizację, która nie jest jednostką miejską.",
		"consultation.moderator_account_invalid": "Nie ma takiego konta.",
	},
	UK: {
		"error.unauthenticated": "Увійдіть, щоб це зробити.",
		"error.forbidden":       "У вас немає дозволу на цю дію.",
		"error.not_found":       "Не знайдено.",
		"error.rate_limited":    "Забагато спроб. Спробуйте ще раз трохи згодом.",
		"error.internal":        "Сталася помилка. Спробуйте пізніше.",
		"error.invalid_input":   "Некоректні дані.",
		"error.conflict":        "Ця зміна суперечить поточному стану. Оновіть сторінку й спробуйте ще раз.",
		"error.phase_closed":    "Цей етап уже закрито або ще не розпочато.",

		"auth.invalid_credentials":      "Неправильна електронна адреса або пароль.",
		"auth.email_taken":              "Обліковий запис із цією електронною адресою вже існує.",
		"auth.email_invalid":            "Введіть правильну електронну адресу.",
		"auth.password_too_short":       "Пароль надто короткий. Мінімальна кількість символів: {min}.",
		"auth.password_too_long":        "Пароль надто довгий.",
		"auth.display_name_invalid":     "Відображуване ім'я має містити від {min} до {max} символів.",
		"auth.locale_invalid":           "Мова не підтримується. Виберіть польську, українську, англійську або російську.",
		"auth.token_invalid":            "Термін дії цього посилання минув, або його вже використано.",
		"auth.email_not_confirmed":      "Спочатку підтвердьте свою електронну адресу.",
		"auth.session_not_found":        "Сеанс завершився або не існує. Увійдіть знову.",
		"invitation.invalid":            "Запрошення прострочене, відкликане або вже використане.",
		"verification.identifier_used":  "Цей ідентифікатор уже використано для верифікації іншого облікового запису.",
		"verification.already_verified": "Цей обліковий запис уже верифіковано.",
		"org.slug_taken":                "Цю коротку адресу (slug) уже використовує інша організація.",
		"org.slug_invalid":              "Коротка адреса (slug) може містити лише малі латинські літери a–z, цифри й дефіси, має починатися з літери або цифри й мати не більше 81 символу.",
		"org.name_invalid":              "Назва організації порожня або задовга (не більше 300 символів).",
		"org.kind_invalid":              "Невідомий тип організації.",
		"org.member_role_invalid":       "Невідома роль учасника. Допустимі: учасник, модератор, менеджер.",
		"text.locale_invalid":           "Мова тексту не підтримується. Виберіть польську, українську, англійську або російську.",
		"text.empty":                    "Текст не може бути порожнім.",
		"text.too_long":                 "Текст задовгий. Максимальна кількість символів: {max}.",
		"text.invalid":                  "Текст містить недопустимі символи.",
		"text.original_locale":          "Не можна додати переклад мовою оригіналу. Виправити оригінал може лише його автор, додавши нову версію.",
		"input.page_size":               "Неправильний розмір сторінки. Допустимо від 1 до {max}.",
		"input.cursor_invalid":          "Неправильний курсор пагінації. Завантажте список спочатку.",
		"input.id_invalid":              "Неправильний ідентифікатор.",

		// Keys used by identity, authz and notify.
		"auth.password_length":                 "Пароль має містити від {min} до {max} символів.",
		"auth.email_already_confirmed":         "Цю електронну адресу вже підтверджено.",
		"invitation.accepted":                  "Це запрошення вже прийнято.",
		"invitation.role_invalid":              "На цю роль не можна запросити.",
		"invitation.domain_invalid":            "Неправильна сфера дії ролі (наприклад, підрозділ або випуск).",
		"verification.identifier_type_invalid": "Непідтримуваний тип документа або ідентифікатора.",
		"verification.identifier_invalid":      "Неправильний номер ідентифікатора.",
		"verification.method_invalid":          "Непідтримуваний спосіб верифікації.",
		"verification.self":                    "Ви не можете верифікувати власний обліковий запис.",
		"account.last_admin":                   "Ви не можете видалити обліковий запис єдиного адміністратора. Спочатку надайте роль адміністратора іншій особі.",
		"error.page_size":                      "Неправильний розмір сторінки. Допустимо від 1 до {max}.",
		"error.locale":                         "Мова не підтримується. Виберіть польську, українську, англійську або російську.",
		"error.notify.digest":                  "Неправильна частота дайджестів сповіщень.",
		"authz.role_invalid":                   "Цю роль не можна надати.",
		"authz.domain_invalid":                 "Неправильна сфера дії ролі.",
		"authz.group_invalid":                  "Неправильна група.",

		// Submissions and moderation (internal/consultation).
		"consultation.phase_closed":              "Консультації зараз не на цьому етапі: дописи, коментарі й підтримка можливі лише під час консультацій.",
		"submission.form_not_offered":            "Ці консультації не передбачають такої форми участі.",
		"submission.edit_window_over":            "Час на виправлення цього допису минув.",
		"submission.own":                         "Не можна підтримати або поскаржитися на власний допис.",
		"submission.not_active":                  "Цей допис приховано або відкликано.",
		"submission.reason_invalid":              "Виберіть причину зі списку.",
		"submission.received_at_invalid":         "Дата надходження має припадати на період консультацій.",
		"submission.parent_invalid":              "На цей допис не можна відповісти.",
		"submission.section_invalid":             "Виберіть розділ документа цих консультацій.",
		"submission.kind_invalid":                "Невідомий тип допису.",
		"submission.channel_invalid":             "Невідомий спосіб надходження. Допустимі: папір, e-mail, пошта.",
		"submission.author_name_invalid":         "Вкажіть ім'я або назву автора (не більше 200 символів).",
		"consultation.not_draft":                 "Цю зміну можна внести лише в проєкт консультацій, до публікації.",
		"consultation.rules_failed":              "Консультації не можна опублікувати: не дотримано правил ({rules}). Виправте їх або наведіть публічне обґрунтування відступу.",
		"consultation.rule.schedule":             "Усі дати мають бути встановлені й іти по черзі: оголошення, відкриття (у майбутньому), закриття, строк звіту.",
		"consultation.rule.polish_text":          "Назва повинна мати польську (обов’язкову) версію.",
		"consultation.rule.notice_period":        "Консультації оголошують щонайменше за {required} календарних днів до їх початку.",
		"consultation.rule.minimum_duration":     "Консультації тривають щонайменше {required} календарних днів.",
		"consultation.rule.forms_count":          "Консультації передбачають щонайменше {required} форми участі.",
		"consultation.rule.open_meeting":         "Однією з форм участі має бути відкрита зустріч або воркшоп.",
		"consultation.rule.report_deadline":      "Звіт про консультації публікують не пізніше ніж через {required} днів після їх завершення.",
		"consultation.override_invalid":          "Обґрунтування можна навести лише для невиконаного правила, від якого дозволено відступити, і воно має містити щонайменше {min} символів.",
		"consultation.reason_required":           "Вкажіть причину зміни етапу (щонайменше {min} символів).",
		"consultation.phase_invalid":             "Не можна вручну змінити етап з «{from}» на «{to}»: етапи змінюються лише на один уперед (оголошено → відкрито → закрито).",
		"consultation.unit_invalid":              "Виберіть міський підрозділ, що організовує консультації.",
		"consultation.district_invalid":          "Невідомий район: {district}.",
		"consultation.tag_invalid":               "Неправильна тема «{tag}»: лише малі латинські літери a–z, цифри й дефіси, не більше {max} символів.",
		"consultation.too_many_tags":             "Не більше {max} тем.",
		"consultation.form_invalid":              "Невідома форма участі: {form}.",
		"consultation.text_required":             "Це поле обов’язкове.",
		"consultation.schedule_order":            "Консультації мають закриватися після відкриття.",
		"consultation.moderator_org_invalid":     "Виберіть наявну організацію, яка не є міським підрозділом.",
		"consultation.moderator_account_invalid": "Такого облікового запису немає.",
	},
	EN: {
		"error.unauthenticated": "Please sign in to do this.",
		"error.forbidden":       "You do not have permission to do this.",
		"error.not_found":       "Not found.",
		"error.rate_limited":    "Too many attempts. Please try again in a moment.",
		"error.internal":        "Something went wrong. Please try again later.",
		"error.invalid_input":   "The input is not valid.",
		"error.conflict":        "This change conflicts with the current state. Refresh the page and try again.",
		"error.phase_closed":    "This phase is closed or has not started yet.",

		"auth.invalid_credentials":      "Incorrect e-mail address or password.",
		"auth.email_taken":              "An account with this e-mail address already exists.",
		"auth.email_invalid":            "Enter a valid e-mail address.",
		"auth.password_too_short":       "The password is too short. Minimum number of characters: {min}.",
		"auth.password_too_long":        "The password is too long.",
		"auth.display_name_invalid":     "The display name must be {min} to {max} characters long.",
		"auth.locale_invalid":           "Unsupported language. Choose Polish, Ukrainian, English or Russian.",
		"auth.token_invalid":            "This link has expired or has already been used.",
		"auth.email_not_confirmed":      "Please confirm your e-mail address first.",
		"auth.session_not_found":        "The session has expired or does not exist. Please sign in again.",
		"invitation.invalid":            "The invitation has expired, been revoked or already been used.",
		"verification.identifier_used":  "This identifier has already been used to verify another account.",
		"verification.already_verified": "This account is already verified.",
		"org.slug_taken":                "This short name (slug) is already used by another organisation.",
		"org.slug_invalid":              "The short name (slug) may contain only lowercase letters a–z, digits and hyphens, must start with a letter or digit and be at most 81 characters long.",
		"org.name_invalid":              "The organisation's name is empty or too long (at most 300 characters).",
		"org.kind_invalid":              "Unknown kind of organisation.",
		"org.member_role_invalid":       "Unknown member role. Allowed: member, moderator, manager.",
		"text.locale_invalid":           "Unsupported language for the text. Choose Polish, Ukrainian, English or Russian.",
		"text.empty":                    "The text must not be empty.",
		"text.too_long":                 "The text is too long. Maximum number of characters: {max}.",
		"text.invalid":                  "The text contains characters that are not allowed.",
		"text.original_locale":          "A translation cannot be added in the original's language. Only the author can correct the original, by adding a new version.",
		"input.page_size":               "Invalid page size. Allowed: 1 to {max}.",
		"input.cursor_invalid":          "Invalid pagination cursor. Load the list from the start.",
		"input.id_invalid":              "Invalid ID.",

		// Keys used by identity, authz and notify.
		"auth.password_length":                 "The password must be {min} to {max} characters long.",
		"auth.email_already_confirmed":         "This e-mail address is already confirmed.",
		"invitation.accepted":                  "This invitation has already been accepted.",
		"invitation.role_invalid":              "This role cannot be given by invitation.",
		"invitation.domain_invalid":            "Invalid scope for the role (for example the unit or edition).",
		"verification.identifier_type_invalid": "Unsupported type of document or identifier.",
		"verification.identifier_invalid":      "The identifier number is not valid.",
		"verification.method_invalid":          "Unsupported verification method.",
		"verification.self":                    "You cannot verify your own account.",
		"account.last_admin":                   "You cannot delete the account of the only administrator. Give the administrator role to someone else first.",
		"error.page_size":                      "Invalid page size. Allowed: 1 to {max}.",
		"error.locale":                         "Unsupported language. Choose Polish, Ukrainian, English or Russian.",
		"error.notify.digest":                  "Invalid frequency for notification digests.",
		"authz.role_invalid":                   "This role cannot be granted.",
		"authz.domain_invalid":                 "Invalid scope for the role.",
		"authz.group_invalid":                  "Invalid group.",

		// Submissions and moderation (internal/consultation).
		"consultation.phase_closed":              "The consultation is not in that phase: posts, comments and support are possible only while it is open.",
		"submission.form_not_offered":            "This consultation does not offer this form of participation.",
		"submission.edit_window_over":            "The time for correcting this post is over.",
		"submission.own":                         "You cannot support or flag your own post.",
		"submission.not_active":                  "This post has been hidden or withdrawn.",
		"submission.reason_invalid":              "Choose a reason from the list.",
		"submission.received_at_invalid":         "The date received must fall within the consultation period.",
		"submission.parent_invalid":              "You cannot reply to this post.",
		"submission.section_invalid":             "Choose a section of this consultation's document.",
		"submission.kind_invalid":                "Unknown kind of post.",
		"submission.channel_invalid":             "Unknown intake channel. Allowed: paper, e-mail, post.",
		"submission.author_name_invalid":         "Enter the author's name (at most 200 characters).",
		"consultation.not_draft":                 "This can only be changed in a draft consultation, before publication.",
		"consultation.rules_failed":              "The consultation cannot be published: these rules are not met ({rules}). Fix them or give a public justification for each exception.",
		"consultation.rule.schedule":             "All dates must be set and in order: announcement, opening (in the future), closing, report due.",
		"consultation.rule.polish_text":          "The title must have a Polish (binding) version.",
		"consultation.rule.notice_period":        "A consultation is announced at least {required} calendar days before it opens.",
		"consultation.rule.minimum_duration":     "A consultation stays open for at least {required} calendar days.",
		"consultation.rule.forms_count":          "A consultation offers at least {required} forms of participation.",
		"consultation.rule.open_meeting":         "One of the forms of participation must be an open meeting or workshop.",
		"consultation.rule.report_deadline":      "The closing report is published at most {required} days after the consultation closes.",
		"consultation.override_invalid":          "A justification may only be given for a rule that fails and may be overridden, and must be at least {min} characters long.",
		"consultation.reason_required":           "Give a reason for the phase change (at least {min} characters).",
		"consultation.phase_invalid":             "The phase cannot be changed by hand from “{from}” to “{to}”: phases only move one step forward (announced → open → closed).",
		"consultation.unit_invalid":              "Choose the city unit that organises the consultation.",
		"consultation.district_invalid":          "Unknown district: {district}.",
		"consultation.tag_invalid":               "Invalid topic “{tag}”: only lowercase letters a–z, digits and hyphens, at most {max} characters.",
		"consultation.too_many_tags":             "At most {max} topics.",
		"consultation.form_invalid":              "Unknown form of participation: {form}.",
		"consultation.text_required":             "This field is required.",
		"consultation.schedule_order":            "The consultation must close after it opens.",
		"consultation.moderator_org_invalid":     "Choose an existing organisation that is not a city unit.",
		"consultation.moderator_account_invalid": "There is no such account.",
	},
	RU: {
		"error.unauthenticated": "Войдите, чтобы сделать это.",
		"error.forbidden":       "У вас нет прав на это действие.",
		"error.not_found":       "Не найдено.",
		"error.rate_limited":    "Слишком много попыток. Повторите попытку чуть позже.",
		"error.internal":        "Произошла ошибка. Попробуйте позже.",
		"error.invalid_input":   "Некорректные данные.",
		"error.conflict":        "Это изменение противоречит текущему состоянию. Обновите страницу и попробуйте снова.",
		"error.phase_closed":    "Этот этап уже закрыт или ещё не начался.",

		"auth.invalid_credentials":      "Неверный адрес электронной почты или пароль.",
		"auth.email_taken":              "Учётная запись с этим адресом электронной почты уже существует.",
		"auth.email_invalid":            "Введите правильный адрес электронной почты.",
		"auth.password_too_short":       "Пароль слишком короткий. Минимальное количество символов: {min}.",
		"auth.password_too_long":        "Пароль слишком длинный.",
		"auth.display_name_invalid":     "Отображаемое имя должно содержать от {min} до {max} символов.",
		"auth.locale_invalid":           "Язык не поддерживается. Выберите польский, украинский, английский или русский.",
		"auth.token_invalid":            "Срок действия этой ссылки истёк, или она уже была использована.",
		"auth.email_not_confirmed":      "Сначала подтвердите свой адрес электронной почты.",
		"auth.session_not_found":        "Сеанс истёк или не существует. Войдите снова.",
		"invitation.invalid":            "Приглашение истекло, отозвано или уже использовано.",
		"verification.identifier_used":  "Этот идентификатор уже использован для верификации другой учётной записи.",
		"verification.already_verified": "Эта учётная запись уже верифицирована.",
		"org.slug_taken":                "Этот короткий адрес (slug) уже занят другой организацией.",
		"org.slug_invalid":              "Короткий адрес (slug) может содержать только строчные латинские буквы a–z, цифры и дефисы, должен начинаться с буквы или цифры и быть не длиннее 81 символа.",
		"org.name_invalid":              "Название организации пустое или слишком длинное (не более 300 символов).",
		"org.kind_invalid":              "Неизвестный тип организации.",
		"org.member_role_invalid":       "Неизвестная роль участника. Допустимые: участник, модератор, менеджер.",
		"text.locale_invalid":           "Язык текста не поддерживается. Выберите польский, украинский, английский или русский.",
		"text.empty":                    "Текст не может быть пустым.",
		"text.too_long":                 "Текст слишком длинный. Максимальное количество символов: {max}.",
		"text.invalid":                  "Текст содержит недопустимые символы.",
		"text.original_locale":          "Нельзя добавить перевод на языке оригинала. Исправить оригинал может только его автор, добавив новую версию.",
		"input.page_size":               "Неверный размер страницы. Допустимо от 1 до {max}.",
		"input.cursor_invalid":          "Неверный курсор пагинации. Загрузите список с начала.",
		"input.id_invalid":              "Неверный идентификатор.",

		// Keys used by identity, authz and notify.
		"auth.password_length":                 "Пароль должен содержать от {min} до {max} символов.",
		"auth.email_already_confirmed":         "Этот адрес электронной почты уже подтверждён.",
		"invitation.accepted":                  "Это приглашение уже принято.",
		"invitation.role_invalid":              "На эту роль нельзя пригласить.",
		"invitation.domain_invalid":            "Неверная область действия роли (например, подразделение или выпуск).",
		"verification.identifier_type_invalid": "Неподдерживаемый тип документа или идентификатора.",
		"verification.identifier_invalid":      "Неверный номер идентификатора.",
		"verification.method_invalid":          "Неподдерживаемый способ верификации.",
		"verification.self":                    "Вы не можете верифицировать собственную учётную запись.",
		"account.last_admin":                   "Вы не можете удалить учётную запись единственного администратора. Сначала назначьте роль администратора другому человеку.",
		"error.page_size":                      "Неверный размер страницы. Допустимо от 1 до {max}.",
		"error.locale":                         "Язык не поддерживается. Выберите польский, украинский, английский или русский.",
		"error.notify.digest":                  "Неверная частота дайджестов уведомлений.",
		"authz.role_invalid":                   "Эту роль нельзя назначить.",
		"authz.domain_invalid":                 "Неверная область действия роли.",
		"authz.group_invalid":                  "Неверная группа.",

		// Submissions and moderation (internal/consultation).
		"consultation.phase_closed":              "Консультации сейчас не на этом этапе: записи, комментарии и поддержка возможны только во время консультаций.",
		"submission.form_not_offered":            "Эти консультации не предусматривают такой формы участия.",
		"submission.edit_window_over":            "Время на исправление этой записи истекло.",
		"submission.own":                         "Нельзя поддержать или пожаловаться на собственную запись.",
		"submission.not_active":                  "Эта запись скрыта или отозвана.",
		"submission.reason_invalid":              "Выберите причину из списка.",
		"submission.received_at_invalid":         "Дата поступления должна приходиться на период консультаций.",
		"submission.parent_invalid":              "На эту запись нельзя ответить.",
		"submission.section_invalid":             "Выберите раздел документа этих консультаций.",
		"submission.kind_invalid":                "Неизвестный тип записи.",
		"submission.channel_invalid":             "Неизвестный способ поступления. Допустимо: бумага, e-mail, почта.",
		"submission.author_name_invalid":         "Укажите имя или название автора (не более 200 символов).",
		"consultation.not_draft":                 "Это можно изменить только в проекте консультаций, до публикации.",
		"consultation.rules_failed":              "Консультации нельзя опубликовать: не соблюдены правила ({rules}). Исправьте их или приведите публичное обоснование отступления.",
		"consultation.rule.schedule":             "Все даты должны быть заданы и идти по порядку: объявление, открытие (в будущем), закрытие, срок отчёта.",
		"consultation.rule.polish_text":          "У названия должна быть польская (обязательная) версия.",
		"consultation.rule.notice_period":        "Консультации объявляют не менее чем за {required} календарных дней до их начала.",
		"consultation.rule.minimum_duration":     "Консультации длятся не менее {required} календарных дней.",
		"consultation.rule.forms_count":          "Консультации предусматривают не менее {required} форм участия.",
		"consultation.rule.open_meeting":         "Одной из форм участия должна быть открытая встреча или мастерская.",
		"consultation.rule.report_deadline":      "Отчёт о консультациях публикуют не позднее чем через {required} дней после их завершения.",
		"consultation.override_invalid":          "Обоснование можно привести только для невыполненного правила, от которого разрешено отступить, и оно должно содержать не менее {min} символов.",
		"consultation.reason_required":           "Укажите причину смены этапа (не менее {min} символов).",
		"consultation.phase_invalid":             "Нельзя вручную сменить этап с «{from}» на «{to}»: этапы меняются только на один вперёд (объявлены → открыты → закрыты).",
		"consultation.unit_invalid":              "Выберите городское подразделение, организующее консультации.",
		"consultation.district_invalid":          "Неизвестный район: {district}.",
		"consultation.tag_invalid":               "Неверная тема «{tag}»: только строчные латинские буквы a–z, цифры и дефисы, не более {max} символов.",
		"consultation.too_many_tags":             "Не более {max} тем.",
		"consultation.form_invalid":              "Неизвестная форма участия: {form}.",
		"consultation.text_required":             "Это поле обязательно.",
		"consultation.schedule_order":            "Консультации должны закрываться после открытия.",
		"consultation.moderator_org_invalid":     "Выберите существующую организацию, которая не является городским подразделением.",
		"consultation.moderator_account_invalid": "Такой учётной записи нет.",
	},
}
