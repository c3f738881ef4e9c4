package i18n

// Messages of attachments (internal/attach) and of the Ambassador's
// nomination attachments, staff edits, declining and rescheduling.
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"attach.too_large":                      "Plik jest za duży (najwyżej {max} MB).",
		"attach.empty":                          "Plik jest pusty.",
		"attach.type_refused":                   "Ten rodzaj pliku nie jest przyjmowany. Dołącz PDF, JPEG, PNG, WebP, ODT albo DOCX.",
		"attach.too_many":                       "Można dołączyć najwyżej {max} plików.",
		"ambassador.attachment_not_found":       "Nie ma takiego załącznika tej nominacji.",
		"ambassador.scan_kind_invalid":          "Skan może być skanem formularza zgłoszenia albo podpisanej zgody.",
		"ambassador.scan_form_online":           "Zgłoszenie przesłane przez internet nie ma skanu formularza.",
		"ambassador.online_edited_by_nominator": "Zgłoszenie przesłane przez internet zmienia tylko osoba zgłaszająca.",
		"ambassador.declined":                   "Osoba nominowana odmówiła zgody; tego rozstrzygnięcia nie można zmienić.",
		"ambassador.reschedule_draft":           "Szkic edycji zmienia się przez edycję szkicu, nie przez zmianę harmonogramu.",
		"ambassador.reschedule_past":            "Nie można zmienić terminu, który już minął lub którego faza już się zaczęła ({field}).",
		"ambassador.reschedule_to_past":         "Nowy termin musi przypadać w przyszłości ({field}).",
		"ambassador.reschedule_audience":        "Po publikacji nie można dodać ani usunąć głosowania publiczności.",
		"ambassador.reschedule_unchanged":       "Harmonogram się nie zmienia.",
		"ambassador.reschedule_reason":          "Podaj powód zmiany harmonogramu (co najmniej {min} znaków).",
	})
	add(UK, map[string]string{
		"attach.too_large":                      "Файл завеликий (щонайбільше {max} МБ).",
		"attach.empty":                          "Файл порожній.",
		"attach.type_refused":                   "Такий тип файлу не приймається. Додайте PDF, JPEG, PNG, WebP, ODT або DOCX.",
		"attach.too_many":                       "Можна додати щонайбільше {max} файлів.",
		"ambassador.attachment_not_found":       "Такого вкладення цієї номінації немає.",
		"ambassador.scan_kind_invalid":          "Скан може бути сканом форми заявки або підписаної згоди.",
		"ambassador.scan_form_online":           "Заявка, надіслана через інтернет, не має скану форми.",
		"ambassador.online_edited_by_nominator": "Заявку, надіслану через інтернет, змінює лише особа, що її подала.",
		"ambassador.declined":                   "Номінована особа відмовилася від згоди; це рішення не можна змінити.",
		"ambassador.reschedule_draft":           "Чернетку видання змінюють редагуванням чернетки, а не зміною розкладу.",
		"ambassador.reschedule_past":            "Не можна змінити строк, який уже минув або фаза якого вже почалася ({field}).",
		"ambassador.reschedule_to_past":         "Новий строк має бути в майбутньому ({field}).",
		"ambassador.reschedule_audience":        "Після публікації не можна додати чи прибрати голосування публіки.",
		"ambassador.reschedule_unchanged":       "Розклад не змінюється.",
		"ambassador.reschedule_reason":          "Вкажіть причину зміни розкладу (щонайменше {min} знаків).",
	})
	add(EN, map[string]string{
		"attach.too_large":                      "The file is too large (at most {max} MB).",
		"attach.empty":                          "The file is empty.",
		"attach.type_refused":                   "This kind of file is not accepted. Attach a PDF, JPEG, PNG, WebP, ODT or DOCX file.",
		"attach.too_many":                       "At most {max} files can be attached.",
		"ambassador.attachment_not_found":       "This nomination has no such attachment.",
		"ambassador.scan_kind_invalid":          "A scan is of the nomination form or of the signed consent.",
		"ambassador.scan_form_online":           "A nomination made online has no scanned form.",
		"ambassador.online_edited_by_nominator": "A nomination made online is changed by its nominator only.",
		"ambassador.declined":                   "The nominee declined; this outcome cannot be changed.",
		"ambassador.reschedule_draft":           "A draft edition's schedule is changed by editing the draft, not by rescheduling.",
		"ambassador.reschedule_past":            "A date that has passed, or whose phase has begun, cannot be changed ({field}).",
		"ambassador.reschedule_to_past":         "The new date must be in the future ({field}).",
		"ambassador.reschedule_audience":        "An audience vote cannot be added or removed after publication.",
		"ambassador.reschedule_unchanged":       "The schedule does not change.",
		"ambassador.reschedule_reason":          "Give a reason for the new schedule (at least {min} characters).",
	})
	add(RU, map[string]string{
		"attach.too_large":                      "Файл слишком большой (не более {max} МБ).",
		"attach.empty":                          "Файл пуст.",
		"attach.type_refused":                   "Такой тип файла не принимается. Приложите PDF, JPEG, PNG, WebP, ODT или DOCX.",
		"attach.too_many":                       "Можно приложить не более {max} файлов.",
		"ambassador.attachment_not_found":       "У этой номинации нет такого вложения.",
		"ambassador.scan_kind_invalid":          "Скан может быть сканом формы заявки или подписанного согласия.",
		"ambassador.scan_form_online":           "У заявки, отправленной через интернет, нет скана формы.",
		"ambassador.online_edited_by_nominator": "Заявку, отправленную через интернет, изменяет только подавшее её лицо.",
		"ambassador.declined":                   "Номинированное лицо отказалось от согласия; это решение нельзя изменить.",
		"ambassador.reschedule_draft":           "Черновик издания меняют редактированием черновика, а не изменением расписания.",
		"ambassador.reschedule_past":            "Нельзя изменить срок, который уже прошёл или фаза которого уже началась ({field}).",
		"ambassador.reschedule_to_past":         "Новый срок должен быть в будущем ({field}).",
		"ambassador.reschedule_audience":        "После публикации нельзя добавить или убрать голосование публики.",
		"ambassador.reschedule_unchanged":       "Расписание не меняется.",
		"ambassador.reschedule_reason":          "Укажите причину изменения расписания (не менее {min} знаков).",
	})
}
