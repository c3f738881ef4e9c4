package notify

import "github.com/otwarty/otwarty/internal/i18n"

// Notice kinds of civic-budget results.
const (
	// KindBudgetResultsReady: the results job computed provisional results
	// of an edition of the recipient's unit. Data: edition_id, year,
	// computation.
	KindBudgetResultsReady = "budget_results_ready"
)

func init() {
	catalog[KindBudgetResultsReady] = map[i18n.Locale]message{
		i18n.PL: {"Wstępne wyniki budżetu obywatelskiego są gotowe",
			"Policzono wstępne wyniki budżetu obywatelskiego {year} (obliczenie nr {computation}). Komisja może je sprawdzić i podpisać przed publikacją: {link}"},
		i18n.UK: {"Попередні результати громадського бюджету готові",
			"Підраховано попередні результати громадського бюджету {year} (обчислення № {computation}). Комісія може перевірити та підписати їх перед публікацією: {link}"},
		i18n.EN: {"Provisional civic budget results are ready",
			"The provisional results of the {year} civic budget have been computed (computation {computation}). The commission can check and sign them before publication: {link}"},
		i18n.RU: {"Предварительные результаты гражданского бюджета готовы",
			"Подсчитаны предварительные результаты гражданского бюджета {year} (расчёт № {computation}). Комиссия может проверить и подписать их перед публикацией: {link}"},
	}
}
