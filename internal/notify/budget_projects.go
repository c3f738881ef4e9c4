package notify

import "github.com/otwarty/otwarty/internal/i18n"

// Notice kinds of civic-budget projects. Data: edition_id, project_id, code;
// verification and appeal decisions also decision and reason.
const (
	// KindBudgetProjectConsent: an NGO entered a project for the recipient,
	// who consents or refuses.
	KindBudgetProjectConsent = "budget_project_consent"
	// KindBudgetProjectVerified: officials decided whether the recipient's
	// project is eligible (decision: eligible or ineligible).
	KindBudgetProjectVerified = "budget_project_verified"
	// KindBudgetAppealDecided: officials decided the recipient's appeal
	// (decision: upheld or rejected).
	KindBudgetAppealDecided = "budget_appeal_decided"
)

func init() {
	catalog[KindBudgetProjectConsent] = map[i18n.Locale]message{
		i18n.PL: {"Zgłoszono projekt do budżetu obywatelskiego w Twoim imieniu",
			"Organizacja pozarządowa zgłosiła w Twoim imieniu projekt {code} do budżetu obywatelskiego. Projekt zostanie złożony dopiero po Twojej zgodzie. Wyraź zgodę albo odmów: {link}"},
		i18n.UK: {"Від вашого імені подано проєкт до громадського бюджету",
			"Громадська організація подала від вашого імені проєкт {code} до громадського бюджету. Проєкт буде подано лише після вашої згоди. Дайте згоду або відмовтеся: {link}"},
		i18n.EN: {"A civic budget project was entered on your behalf",
			"A non-governmental organisation entered the civic budget project {code} on your behalf. It is submitted only once you consent. Consent or refuse: {link}"},
		i18n.RU: {"От вашего имени подан проект в гражданский бюджет",
			"Общественная организация подала от вашего имени проект {code} в гражданский бюджет. Проект будет подан только после вашего согласия. Дайте согласие или откажитесь: {link}"},
	}
	catalog[KindBudgetProjectVerified] = map[i18n.Locale]message{
		i18n.PL: {"Wynik weryfikacji Twojego projektu",
			"Urzędnicy zweryfikowali Twój projekt {code} w budżecie obywatelskim (decyzja: {decision}). {reason} Szczegóły: {link}"},
		i18n.UK: {"Результат перевірки вашого проєкту",
			"Посадовці перевірили ваш проєкт {code} у громадському бюджеті (рішення: {decision}). {reason} Деталі: {link}"},
		i18n.EN: {"The verification of your project",
			"Officials verified your civic budget project {code} (decision: {decision}). {reason} Details: {link}"},
		i18n.RU: {"Результат проверки вашего проекта",
			"Чиновники проверили ваш проект {code} в гражданском бюджете (решение: {decision}). {reason} Подробности: {link}"},
	}
	catalog[KindBudgetAppealDecided] = map[i18n.Locale]message{
		i18n.PL: {"Decyzja w sprawie Twojego odwołania",
			"Rozpatrzono Twoje odwołanie dotyczące projektu {code} w budżecie obywatelskim (decyzja: {decision}). {reason} Szczegóły: {link}"},
		i18n.UK: {"Рішення щодо вашого оскарження",
			"Розглянуто ваше оскарження щодо проєкту {code} у громадському бюджеті (рішення: {decision}). {reason} Деталі: {link}"},
		i18n.EN: {"A decision on your appeal",
			"Your appeal about the civic budget project {code} was decided (decision: {decision}). {reason} Details: {link}"},
		i18n.RU: {"Решение по вашему обжалованию",
			"Ваше обжалование по проекту {code} в гражданском бюджете рассмотрено (решение: {decision}). {reason} Подробности: {link}"},
	}
}
