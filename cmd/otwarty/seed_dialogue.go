package main

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
)

// seedDialogue creates a public migrants' council of the unit with person
// members (a chair, a member, a secretary, a guest) and the NGO as an
// organisation member represented by its manager, with a substitute.
func seedDialogue(coord context.Context, a *app, unitID, ngoID uuid.UUID, people map[string]context.Context) (*dialogue.Body, error) {
	b, err := a.dialogue.CreateBody(coord, dialogue.CreateInput{
		UnitID: unitID, Kind: dialogue.KindMigrantsCouncil, Public: true,
		Name: i18n.Input{Locale: i18n.PL, Text: "Rada Mieszkańców z Doświadczeniem Migracji"},
		Mandate: i18n.Input{Locale: i18n.PL, Text: "Rada doradza Prezydentowi Miasta w sprawach mieszkańców z doświadczeniem " +
			"migracji: opiniuje dokumenty i konsultacje, proponuje działania programu Otwarty Kraków."},
	})
	if err != nil {
		return nil, err
	}
	if err := demoTranslations(coord, a, b.NameTextID, subjectID(coord), map[i18n.Locale]string{
		i18n.UK: "Рада мешканців з досвідом міграції",
		i18n.EN: "Council of Residents with Migration Experience",
		i18n.RU: "Совет жителей с опытом миграции",
	}); err != nil {
		return nil, err
	}
	termEnd := time.Now().AddDate(2, 0, 0)
	persons := []struct {
		email string
		role  dialogue.Role
	}{
		{"marta@demo.otwarty.pl", dialogue.RoleChair},
		{"irina@demo.otwarty.pl", dialogue.RoleMember},
		{"urzednik@demo.otwarty.pl", dialogue.RoleSecretary},
	}
	for _, p := range persons {
		id := subjectID(people[p.email])
		if _, err := a.dialogue.Appoint(coord, dialogue.AppointInput{BodyID: b.ID, AccountID: &id, Role: p.role,
			TermStart: time.Now().AddDate(0, -3, 0), TermEnd: &termEnd}); err != nil {
			return nil, err
		}
	}
	olena, james := subjectID(people["olena@demo.otwarty.pl"]), subjectID(people["james@demo.otwarty.pl"])
	if _, err := a.dialogue.Appoint(coord, dialogue.AppointInput{BodyID: b.ID, OrganisationID: &ngoID, Role: dialogue.RoleMember,
		Delegates: []dialogue.DelegateInput{{AccountID: olena}, {AccountID: james, Substitute: true}},
		TermStart: time.Now().AddDate(0, -3, 0), TermEnd: &termEnd}); err != nil {
		return nil, err
	}
	return b, nil
}
