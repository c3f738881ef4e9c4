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
