package ambassador

import (
	"context"
	"fmt"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// Notices of the Ambassador.
const (
	// NoticeConsentRequest: the nominee (a minor's guardian) is asked to
	// consent, by e-mail with the one-time link.
	NoticeConsentRequest = "ambassador_consent_request"
	// NoticeNominationChecked: the nominator learns the formal check's outcome.
	NoticeNominationChecked = "ambassador_nomination_checked"
)

// reasonNone stands for "no reason" (an eligible nomination) in a notice.
const reasonNone = "none"

var categoryLabels = map[string]map[i18n.Locale]string{
	CategoryOrganisation: {i18n.PL: "organizacje", i18n.UK: "організації", i18n.EN: "organisations", i18n.RU: "организации"},
	CategoryIndividual:   {i18n.PL: "osoby", i18n.UK: "особи", i18n.EN: "individuals", i18n.RU: "лица"},
}

func init() {
	notify.Register(notify.Kind{Name: NoticeConsentRequest, Data: []string{"nominee", "year", "category"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Nominacja do tytułu Krakowskiego Ambasadora Wielokulturowości {year}",
				Body: "{nominee} otrzymuje nominację do tytułu Krakowskiego Ambasadora / Krakowskiej Ambasadorki Wielokulturowości za rok {year} (kategoria: {category}). Nominacja będzie rozpatrzona tylko za zgodą osoby nominowanej (w przypadku osoby niepełnoletniej — jej opiekuna prawnego). Aby wyrazić zgodę, otwórz link:\n{link}{expires_line}\n\nJeśli nie chcesz wyrazić zgody, zignoruj tę wiadomość."},
			i18n.UK: {Subject: "Номінація на звання Краківського посла багатокультурності {year}",
				Body: "{nominee} отримує номінацію на звання Краківського посла / Краківської посолки багатокультурності за {year} рік (категорія: {category}). Номінацію розглянуть лише за згодою номінованої особи (для неповнолітньої — її законного опікуна). Щоб дати згоду, відкрийте посилання:\n{link}{expires_line}\n\nЯкщо ви не погоджуєтеся, проігноруйте цей лист."},
			i18n.EN: {Subject: "Nomination for the Kraków Ambassador of Multiculturalism {year}",
				Body: "{nominee} has been nominated for the title of Kraków Ambassador of Multiculturalism for {year} (category: {category}). The nomination is considered only with the nominee's consent (for a minor, their legal guardian's). To consent, open this link:\n{link}{expires_line}\n\nIf you do not consent, ignore this message."},
			i18n.RU: {Subject: "Номинация на звание Краковского посла многокультурности {year}",
				Body: "{nominee} номинирован(а) на звание Краковского посла многокультурности за {year} год (категория: {category}). Номинация рассматривается только с согласия номинированного лица (для несовершеннолетнего — его законного опекуна). Чтобы дать согласие, откройте ссылку:\n{link}{expires_line}\n\nЕсли вы не согласны, проигнорируйте это письмо."},
		},
		Labels: map[string]map[string]map[i18n.Locale]string{"category": categoryLabels},
	})
	notify.Register(notify.Kind{Name: NoticeNominationChecked, Data: []string{"nominee", "year", "outcome", "reason"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Ocena formalna nominacji: {nominee}",
				Body: "Twoja nominacja {nominee} do tytułu Krakowskiego Ambasadora Wielokulturowości {year} przeszła ocenę formalną. Wynik: {outcome}. {reason} Szczegóły: {link}"},
			i18n.UK: {Subject: "Формальна перевірка номінації: {nominee}",
				Body: "Вашу номінацію {nominee} на звання Краківського посла багатокультурності {year} формально перевірено. Результат: {outcome}. {reason} Деталі: {link}"},
			i18n.EN: {Subject: "Formal check of your nomination: {nominee}",
				Body: "Your nomination of {nominee} for the Kraków Ambassador of Multiculturalism {year} has been formally checked. Outcome: {outcome}. {reason} Details: {link}"},
			i18n.RU: {Subject: "Формальная проверка номинации: {nominee}",
				Body: "Ваша номинация {nominee} на звание Краковского посла многокультурности {year} прошла формальную проверку. Результат: {outcome}. {reason} Подробности: {link}"},
		},
		Labels: map[string]map[string]map[i18n.Locale]string{
			"outcome": {
				string(NominationEligible): {i18n.PL: "nominacja spełnia wymogi formalne", i18n.UK: "номінація відповідає формальним вимогам",
					i18n.EN: "the nomination is eligible", i18n.RU: "номинация соответствует формальным требованиям"},
				string(NominationNotEligible): {i18n.PL: "nominacja nie spełnia wymogów formalnych", i18n.UK: "номінація не відповідає формальним вимогам",
					i18n.EN: "the nomination is not eligible", i18n.RU: "номинация не соответствует формальным требованиям"},
			},
			"reason": {
				reasonNone: {i18n.PL: "Nominacja przechodzi do oceny Kapituły.", i18n.UK: "Номінація переходить до оцінювання Капітули.",
					i18n.EN: "It goes on to the jury.", i18n.RU: "Номинация переходит к оценке Капитулы."},
				ReasonNoConsent: {i18n.PL: "Powód: brak zgody osoby nominowanej.", i18n.UK: "Причина: немає згоди номінованої особи.",
					i18n.EN: "Reason: the nominee's consent is missing.", i18n.RU: "Причина: нет согласия номинированного лица."},
				ReasonSelfNomination: {i18n.PL: "Powód: nie można zgłosić samego siebie.", i18n.UK: "Причина: не можна висувати самого себе.",
					i18n.EN: "Reason: nobody may nominate themselves.", i18n.RU: "Причина: нельзя выдвигать самого себя."},
				ReasonLate: {i18n.PL: "Powód: zgłoszenie wpłynęło po terminie.", i18n.UK: "Причина: заявка надійшла після строку.",
					i18n.EN: "Reason: the nomination arrived after the deadline.", i18n.RU: "Причина: заявка поступила после срока."},
				ReasonIncomplete: {i18n.PL: "Powód: zgłoszenie jest niekompletne.", i18n.UK: "Причина: заявка неповна.",
					i18n.EN: "Reason: the nomination is incomplete.", i18n.RU: "Причина: заявка неполная."},
				ReasonOutsideCriteria: {i18n.PL: "Powód: działalność nie odpowiada warunkom konkursu.", i18n.UK: "Причина: діяльність не відповідає умовам конкурсу.",
					i18n.EN: "Reason: the activity does not meet the conditions of the title.", i18n.RU: "Причина: деятельность не соответствует условиям конкурса."},
				ReasonDuplicate: {i18n.PL: "Powód: ta osoba lub organizacja jest już zgłoszona.", i18n.UK: "Причина: цю особу чи організацію вже висунуто.",
					i18n.EN: "Reason: this nominee has already been nominated.", i18n.RU: "Причина: это лицо или организация уже выдвинуты."},
				ReasonOther: {i18n.PL: "Powód: inny (szczegóły w uzasadnieniu).", i18n.UK: "Причина: інша (деталі в поясненні).",
					i18n.EN: "Reason: other (see the note).", i18n.RU: "Причина: другая (подробности в пояснении)."},
			},
		},
	})
}

// notifyChecked tells an online nominator the check's outcome, in-app and by
// e-mail in their language; a nominator on paper is told by staff.
func (s *Service) notifyChecked(ctx context.Context, tx *db.Tx, e *Edition, n *Nomination) error {
	if s.notify == nil || n.NominatorID == nil {
		return nil
	}
	reason := n.CheckReason
	if reason == "" {
		reason = reasonNone
	}
	return s.notify.Notify(ctx, tx.Tx, notify.Notice{AccountID: *n.NominatorID, Kind: NoticeNominationChecked,
		Data:      map[string]string{"nominee": n.Nominee.Name, "year": fmt.Sprint(e.Year), "outcome": string(n.Status), "reason": reason},
		DedupeKey: fmt.Sprintf("ambassador_check:%s:%d", n.ID, s.now().UnixMicro()), InApp: true, Email: true})
}

// Notices of the decision and the announcement (announce.go).
const (
	// NoticeAwardNominator: the nominator learns the outcome at the announcement.
	NoticeAwardNominator = "ambassador_award_nominator"
	// NoticeAwardNominee: the nominee (a minor's guardian) learns the outcome.
	NoticeAwardNominee = "ambassador_award_nominee"
	// NoticeAnnouncementHeld: the coordinators learn that the scheduled
	// announcement waits for the Mayor's award.
	NoticeAnnouncementHeld = "ambassador_announcement_held"
)

var outcomeLabels = map[string]map[i18n.Locale]string{
	OutcomeLaureate: {i18n.PL: "tytuł Krakowskiego Ambasadora / Krakowskiej Ambasadorki Wielokulturowości",
		i18n.UK: "звання Краківського посла / Краківської посолки багатокультурності",
		i18n.EN: "the title of Kraków Ambassador of Multiculturalism",
		i18n.RU: "звание Краковского посла многокультурности"},
	OutcomeDistinction: {i18n.PL: "wyróżnienie", i18n.UK: "відзнаку", i18n.EN: "a distinction", i18n.RU: "отличие"},
	OutcomeNotAwarded: {i18n.PL: "tym razem bez tytułu ani wyróżnienia — dziękujemy za udział",
		i18n.UK: "цього разу без звання чи відзнаки — дякуємо за участь",
		i18n.EN: "no title or distinction this time — thank you for taking part",
		i18n.RU: "на этот раз без звания и отличия — спасибо за участие"},
}

func init() {
	notify.Register(notify.Kind{Name: NoticeAwardNominator, Data: []string{"nominee", "year", "category", "outcome"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Krakowski Ambasador Wielokulturowości {year}: wyniki",
				Body: "Ogłoszono laureatów tytułu Krakowskiego Ambasadora Wielokulturowości za rok {year}. Zgłoszona przez Ciebie nominacja {nominee} (kategoria: {category}) otrzymuje: {outcome}. Szczegóły: {link}"},
			i18n.UK: {Subject: "Краківський посол багатокультурності {year}: результати",
				Body: "Оголошено лауреатів звання Краківського посла багатокультурності за {year} рік. Висунута вами номінація {nominee} (категорія: {category}) отримує: {outcome}. Деталі: {link}"},
			i18n.EN: {Subject: "Kraków Ambassador of Multiculturalism {year}: the results",
				Body: "The laureates of the Kraków Ambassador of Multiculturalism for {year} have been announced. Your nomination of {nominee} (category: {category}) receives: {outcome}. Details: {link}"},
			i18n.RU: {Subject: "Краковский посол многокультурности {year}: результаты",
				Body: "Объявлены лауреаты звания Краковского посла многокультурности за {year} год. Выдвинутая вами номинация {nominee} (категория: {category}) получает: {outcome}. Подробности: {link}"},
		},
		Labels: map[string]map[string]map[i18n.Locale]string{"category": categoryLabels, "outcome": outcomeLabels},
	})
	notify.Register(notify.Kind{Name: NoticeAwardNominee, Data: []string{"nominee", "year", "category", "outcome"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Krakowski Ambasador Wielokulturowości {year}: wyniki",
				Body: "Ogłoszono laureatów tytułu Krakowskiego Ambasadora Wielokulturowości za rok {year}. Nominacja {nominee} (kategoria: {category}) otrzymuje: {outcome}. Szczegóły: {link}"},
			i18n.UK: {Subject: "Краківський посол багатокультурності {year}: результати",
				Body: "Оголошено лауреатів звання Краківського посла багатокультурності за {year} рік. Номінація {nominee} (категорія: {category}) отримує: {outcome}. Деталі: {link}"},
			i18n.EN: {Subject: "Kraków Ambassador of Multiculturalism {year}: the results",
				Body: "The laureates of the Kraków Ambassador of Multiculturalism for {year} have been announced. The nomination of {nominee} (category: {category}) receives: {outcome}. Details: {link}"},
			i18n.RU: {Subject: "Краковский посол многокультурности {year}: результаты",
				Body: "Объявлены лауреаты звания Краковского посла многокультурности за {year} год. Номинация {nominee} (категория: {category}) получает: {outcome}. Подробности: {link}"},
		},
		Labels: map[string]map[string]map[i18n.Locale]string{"category": categoryLabels, "outcome": outcomeLabels},
	})
	notify.Register(notify.Kind{Name: NoticeAnnouncementHeld, Data: []string{"year", "reason"},
		Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Ogłoszenie wyników Ambasadora Wielokulturowości {year} wstrzymane",
				Body: "Zaplanowane ogłoszenie wyników edycji {year} nie nastąpiło: {reason} Uzupełnij brakujące dane i przesuń edycję do ogłoszenia ręcznie. {link}"},
			i18n.UK: {Subject: "Оголошення результатів посла багатокультурності {year} призупинено",
				Body: "Заплановане оголошення результатів видання {year} не відбулося: {reason} Доповніть дані й перенесіть видання до оголошення вручну. {link}"},
			i18n.EN: {Subject: "Announcement of the Ambassador of Multiculturalism {year} held",
				Body: "The scheduled announcement of the {year} edition did not take place: {reason} Complete what is missing and move the edition to the announcement by hand. {link}"},
			i18n.RU: {Subject: "Объявление результатов посла многокультурности {year} приостановлено",
				Body: "Запланированное объявление результатов издания {year} не состоялось: {reason} Дополните данные и переведите издание к объявлению вручную. {link}"},
		},
		Labels: map[string]map[string]map[i18n.Locale]string{"reason": {
			"award_missing": {i18n.PL: "nie zapisano nagrody Prezydenta we wszystkich kategoriach.",
				i18n.UK: "нагороду Президента записано не в усіх категоріях.",
				i18n.EN: "the Mayor's award is not recorded in every category.",
				i18n.RU: "награда Президента записана не во всех категориях."},
			"justification_languages": {i18n.PL: "uzasadnieniu brakuje wersji w którymś z czterech języków.",
				i18n.UK: "обґрунтуванню бракує версії однією з чотирьох мов.",
				i18n.EN: "a justification lacks one of the four languages.",
				i18n.RU: "обоснованию не хватает версии на одном из четырёх языков."},
		}},
	})
}
