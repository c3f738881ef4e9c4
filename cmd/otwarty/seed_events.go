package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/org"
)

// seedEvents fills the demo's events calendar: the Multicultural Centre
// (an organisation too) with events the coordinator enters, and the NGO's
// events submitted by its manager and approved — a year of them, eight
// months back to four ahead — one cancelled, and one from the NGO's member
// awaiting review. It returns the Centre and how many events it made.
func seedEvents(as context.Context, a *app, ngoID uuid.UUID, residents map[string]context.Context) (org.Organisation, int, error) {
	centre, err := a.orgs.Create(as, org.CreateInput{Kind: org.KindInstitution, Name: "Centrum Wielokulturowe w Krakowie",
		Slug: "centrum-wielokulturowe", Description: &i18n.Input{Locale: i18n.PL,
			Text: "Miejskie centrum spotkań, porad i kultury dla mieszkańców Krakowa z różnych krajów."}})
	if err != nil {
		return org.Organisation{}, 0, err
	}
	manager, member := residents["olena@demo.otwarty.pl"], residents["james@demo.otwarty.pl"]
	now := time.Now().In(i18n.Warsaw)
	day := func(months, d, hour int) time.Time {
		t := time.Date(now.Year(), now.Month(), 1, hour, 0, 0, 0, i18n.Warsaw).AddDate(0, months, d-1)
		return t
	}
	type demo struct {
		by          context.Context
		org         uuid.UUID
		title       []i18n.Input
		description []i18n.Input
		access      string
		category    string
		start       time.Time
		hours       int
		allDay      bool
		place, link string
		langs       []string
		cancel      string
		pending     bool
	}
	centreAddr := "Centrum Wielokulturowe, ul. Józefińska 14, Kraków"
	ngoAddr := "Dom Wielokulturowy, ul. Krakowska 1, Kraków"
	step := "Wejście bez schodów, toaleta dostępna dla osób z niepełnosprawnościami, pętla indukcyjna w sali."
	list := []demo{
		{by: as, org: centre.ID, category: events.CategorySupport, start: day(-8, 6, 16), hours: 3, place: centreAddr, langs: []string{"uk", "pl"},
			title:       []i18n.Input{{Locale: i18n.PL, Text: "Dyżur doradcy ds. legalizacji pobytu"}, {Locale: i18n.UK, Text: "Чергування консультанта з легалізації перебування"}},
			description: []i18n.Input{{Locale: i18n.PL, Text: "Bezpłatne porady w sprawie karty pobytu, zezwolenia na pracę i statusu UKR."}}, access: step},
		{by: as, org: centre.ID, category: events.CategoryCulture, start: day(-7, 20, 0), allDay: true, place: "Rynek Główny, Kraków",
			langs: []string{"pl", "uk", "en", "be", "ka"},
			title: []i18n.Input{{Locale: i18n.PL, Text: "Dzień Języka Ojczystego"}, {Locale: i18n.EN, Text: "Mother Language Day"}}},
		{by: manager, org: ngoID, category: events.CategoryEducation, start: day(-6, 12, 18), hours: 2, place: ngoAddr, langs: []string{"pl"},
			title:       []i18n.Input{{Locale: i18n.UK, Text: "Курс польської мови A1"}, {Locale: i18n.PL, Text: "Kurs języka polskiego A1"}},
			description: []i18n.Input{{Locale: i18n.UK, Text: "Заняття для початківців щовівторка. Підручники безкоштовні."}}, access: step},
		{by: manager, org: ngoID, category: events.CategoryMeeting, start: day(-4, 3, 17), hours: 2, place: ngoAddr, langs: []string{"uk", "ru", "pl"},
			title: []i18n.Input{{Locale: i18n.UK, Text: "Зустріч батьків: польська школа"}, {Locale: i18n.PL, Text: "Spotkanie rodziców: polska szkoła"}}},
		{by: as, org: centre.ID, category: events.CategoryWorkshop, start: day(-3, 15, 11), hours: 4, place: centreAddr, langs: []string{"pl", "en"},
			title: []i18n.Input{{Locale: i18n.PL, Text: "Warsztaty pisania CV"}, {Locale: i18n.EN, Text: "CV writing workshop"}}, access: step},
		{by: manager, org: ngoID, category: events.CategoryCulture, start: day(-2, 9, 19), hours: 3, place: ngoAddr, langs: []string{"uk"},
			title:  []i18n.Input{{Locale: i18n.UK, Text: "Вечір української поезії"}},
			cancel: "Choroba prowadzącej; nowy termin podamy wkrótce."},
		{by: as, org: centre.ID, category: events.CategorySupport, start: day(-1, 4, 10), hours: 2, link: "https://meet.example.org/porady",
			langs: []string{"ru", "uk"}, title: []i18n.Input{{Locale: i18n.RU, Text: "Онлайн-консультация: налоги и ZUS"}}},
		{by: as, org: centre.ID, category: events.CategoryMeeting, start: day(1, 1, 18), hours: 2, place: centreAddr, langs: []string{"pl", "uk", "en"},
			title: []i18n.Input{{Locale: i18n.PL, Text: "Rada Migrantów: spotkanie otwarte"}, {Locale: i18n.UK, Text: "Рада мігрантів: відкрита зустріч"},
				{Locale: i18n.EN, Text: "Migrants' Council: open meeting"}}, access: step},
		{by: manager, org: ngoID, category: events.CategoryWorkshop, start: day(1, 7, 16), hours: 3, place: ngoAddr, langs: []string{"uk", "pl"},
			title:       []i18n.Input{{Locale: i18n.UK, Text: "Майстер-клас писанки"}, {Locale: i18n.PL, Text: "Warsztaty pisanki"}},
			description: []i18n.Input{{Locale: i18n.UK, Text: "Для дітей і дорослих; матеріали забезпечуємо."}}},
		{by: as, org: centre.ID, category: events.CategoryCulture, start: day(2, 14, 0), allDay: true, place: "Park Jordana, Kraków",
			langs: []string{"pl", "uk", "en", "ru", "vi", "ka"}, access: "Teren płaski, dostępny dla wózków; strefa ciszy.",
			title: []i18n.Input{{Locale: i18n.PL, Text: "Piknik Wielokulturowy"}, {Locale: i18n.EN, Text: "Multicultural Picnic"}}},
		{by: manager, org: ngoID, category: events.CategoryEducation, start: day(3, 2, 17), hours: 2, place: ngoAddr, link: "https://meet.example.org/a2",
			langs: []string{"pl"}, title: []i18n.Input{{Locale: i18n.PL, Text: "Kurs języka polskiego A2 (hybrydowo)"}}},
		{by: member, org: ngoID, category: events.CategoryMeeting, start: day(3, 20, 18), hours: 2, place: ngoAddr, langs: []string{"en", "pl"},
			title:   []i18n.Input{{Locale: i18n.EN, Text: "Language exchange evening"}},
			pending: true},
	}
	for _, d := range list {
		in := events.Input{OrganisationID: d.org, Title: d.title, Description: d.description, Category: d.category, StartsAt: d.start,
			EndsAt: d.start.Add(time.Duration(d.hours) * time.Hour), AllDay: d.allDay, Place: d.place, OnlineURL: d.link, Languages: d.langs}
		if d.access != "" {
			in.Accessibility = []i18n.Input{{Locale: i18n.PL, Text: d.access}}
		}
		if d.allDay {
			in.EndsAt = d.start
		}
		e, err := a.events.Submit(d.by, in)
		if err != nil {
			return centre, 0, fmt.Errorf("%s: %w", d.title[0].Text, err)
		}
		if !d.pending && e.Status == events.StatusSubmitted {
			if e, err = a.events.Approve(as, e.ID); err != nil {
				return centre, 0, err
			}
		}
		if d.cancel != "" {
			if _, err := a.events.Cancel(d.by, e.ID, d.cancel); err != nil {
				return centre, 0, err
			}
		}
	}
	return centre, len(list), nil
}
