package main

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/programme"
)

// The demo's programme: Open Kraków 2024–2028 with its results
// declaration — the ten rows of its indicator table, each as the platform
// computes it from the demo's activity or as an official enters it, with
// the values entered for 2024 and 2025.

type demoIndicator struct {
	code, pl, uk, en, ru string
	goal                 int
	unit                 string
	baseline, target     float64
	byYear               int // 0: each year
	method               string
	entered              map[int]float64
	note                 string
}

var demoIndicators = []demoIndicator{
	{code: "1.1", goal: 1, unit: programme.UnitPersons, baseline: 5132, target: 4000, method: programme.MethodEntered,
		pl: "Beneficjenci Punktu Informacyjnego dla Obcokrajowców w roku", uk: "Отримувачі послуг Інформаційного пункту для іноземців за рік",
		en: "Beneficiaries of the Information Point for Foreigners in the year", ru: "Получатели услуг Информационного пункта для иностранцев за год",
		entered: map[int]float64{2024: 5610, 2025: 4870}, note: "Sprawozdanie roczne Punktu Informacyjnego dla Obcokrajowców"},
	{code: "1.2", goal: 1, unit: programme.UnitCount, baseline: 11, target: 50, byYear: 2028, method: programme.MethodTranslatedProcedures,
		pl: "Procedury przetłumaczone na języki obce", uk: "Процедури, перекладені іноземними мовами",
		en: "Procedures translated into foreign languages", ru: "Процедуры, переведённые на иностранные языки"},
	{code: "1.3", goal: 1, unit: programme.UnitPersons, baseline: 150, target: 100, method: programme.MethodEntered,
		pl: "Pracownicy miasta przeszkoleni z kompetencji międzykulturowych", uk: "Працівники міста, навчені міжкультурних компетенцій",
		en: "City staff trained in intercultural competence", ru: "Сотрудники города, обученные межкультурной компетенции",
		entered: map[int]float64{2024: 120, 2025: 85}, note: "Listy obecności szkoleń Wydziału Organizacji i Nadzoru"},
	{code: "2.1", goal: 2, unit: programme.UnitCount, baseline: 0, target: 2, method: programme.MethodBodyMeetings,
		pl: "Spotkania koordynatorów współpracy w jednostkach miasta i innych ciałach", uk: "Зустрічі координаторів співпраці в підрозділах міста та інших органах",
		en: "Meetings of cooperation coordinators in city units and other bodies", ru: "Встречи координаторов сотрудничества в подразделениях города и других органах"},
	{code: "2.2", goal: 2, unit: programme.UnitCount, baseline: 0, target: 2, method: programme.MethodConsultationMeetings,
		pl: "Spotkania konsultacyjne z udziałem co najmniej 10 osób lub organizacji", uk: "Консультаційні зустрічі за участю щонайменше 10 осіб або організацій",
		en: "Consultation meetings with at least 10 people or NGOs", ru: "Консультационные встречи с участием не менее 10 человек или организаций"},
	{code: "3.1", goal: 3, unit: programme.UnitCount, baseline: 150, target: 100, method: programme.MethodEvents,
		pl: "Wydarzenia Centrum Wielokulturowego", uk: "Заходи Мультикультурного центру",
		en: "Events of the Multicultural Centre", ru: "Мероприятия Мультикультурного центра"},
	{code: "3.2", goal: 3, unit: programme.UnitPercent, baseline: 0, target: 5, byYear: 2028, method: programme.MethodBudgetShare,
		pl: "Udział cudzoziemców i mniejszości wśród uczestników budżetu obywatelskiego", uk: "Частка іноземців і меншин серед учасників громадського бюджету",
		en: "Share of foreigners and minorities among civic-budget participants", ru: "Доля иностранцев и меньшинств среди участников гражданского бюджета"},
	{code: "4.1", goal: 4, unit: programme.UnitCount, baseline: 23, target: 10, method: programme.MethodAmbassadorNominations,
		pl: "Zgłoszenia do tytułu Ambasadora Wielokulturowości", uk: "Номінації на звання Посла мультикультурності",
		en: "Nominations for the Ambassador of Multiculturalism title", ru: "Выдвижения на звание Посла мультикультурности"},
	{code: "5.1", goal: 5, unit: programme.UnitCount, baseline: 148, target: 150, method: programme.MethodEntered,
		pl: "Szkoły, przedszkola, instytucje i mieszkańcy objęci edukacją międzykulturową", uk: "Школи, дитсадки, установи та мешканці, охоплені міжкультурною освітою",
		en: "Schools, kindergartens, institutions and residents reached by intercultural education", ru: "Школы, детсады, учреждения и жители, охваченные межкультурным образованием",
		entered: map[int]float64{2024: 152, 2025: 149}, note: "Sprawozdanie Wydziału Edukacji"},
	{code: "6.1", goal: 6, unit: programme.UnitCount, baseline: 0, target: 10, byYear: 2028, method: programme.MethodEntered,
		pl: "Działania na rzecz osób zagrożonych wykluczeniem", uk: "Заходи для осіб, яким загрожує виключення",
		en: "Actions for people at risk of exclusion", ru: "Мероприятия для людей, находящихся под угрозой исключения",
		entered: map[int]float64{2024: 4, 2025: 7}, note: "Zestawienie Miejskiego Ośrodka Pomocy Społecznej"},
}

// seedProgramme creates the programme as the coordinator and has the unit's
// official (official) enter the yearly values of the entered indicators.
// The events indicator counts the Multicultural Centre's events (centre).
func seedProgramme(coord, official context.Context, a *app, unit, centre uuid.UUID) (*programme.Programme, error) {
	p, err := a.programme.CreateProgramme(coord, programme.CreateInput{Slug: "otwarty-krakow-2024-2028", FirstYear: 2024, LastYear: 2028,
		Name: four("Otwarty Kraków 2024–2028", "Відкритий Краків 2024–2028", "Open Kraków 2024–2028", "Открытый Краков 2024–2028")})
	if err != nil {
		return nil, err
	}
	for i, d := range demoIndicators {
		in := programme.IndicatorInput{ProgrammeID: p.ID, Code: d.code, Position: i + 1, Goal: d.goal, Name: four(d.pl, d.uk, d.en, d.ru),
			Unit: d.unit, Baseline: d.baseline, BaselineYear: 2023, Target: d.target, Comparison: programme.AtLeast,
			TargetScope: programme.EachYear, Weight: 1, Method: d.method, Source: "Deklaracja wyników programu Otwarty Kraków 2024–2028"}
		if d.byYear != 0 {
			y := d.byYear
			in.TargetScope, in.TargetYear = programme.ByYear, &y
		}
		if d.method == programme.MethodEntered {
			in.UnitID = &unit
		}
		if d.method == programme.MethodEvents {
			in.Params.Organisers = []uuid.UUID{centre}
		}
		ind, err := a.programme.DefineIndicator(coord, in)
		if err != nil {
			return nil, fmt.Errorf("indicator %s: %w", d.code, err)
		}
		for _, year := range []int{2024, 2025} {
			if v, ok := d.entered[year]; ok {
				if _, err := a.programme.EnterValue(official, ind.ID, year, v, fmt.Sprintf("%s za %d r.", d.note, year)); err != nil {
					return nil, fmt.Errorf("indicator %s, %d: %w", d.code, year, err)
				}
			}
		}
	}
	return p, nil
}
