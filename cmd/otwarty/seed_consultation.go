package main

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
)

// demoTranslations adds human translations of a text, credited to by.
func demoTranslations(ctx context.Context, a *app, textID, by uuid.UUID, versions map[i18n.Locale]string) error {
	return db.InTx(ctx, a.pool, func(tx *db.Tx) error {
		for loc, body := range versions {
			if _, err := i18n.AddVersion(ctx, tx.Tx, textID, loc, body, by, i18n.SourceHuman); err != nil {
				return err
			}
		}
		return nil
	})
}

// seedConsultations creates two consultations of the unit, moderated by the
// NGO: one open with submissions in four languages, supports and a workshop
// with registrations, and one closed whose submissions are answered and
// whose report is published. The city's notice rule is overridden with a
// public justification, as an official would for a demo.
func seedConsultations(coord context.Context, a *app, unitID, ngoID uuid.UUID, people map[string]context.Context) error {
	official := people["urzednik@demo.otwarty.pl"]
	officialID := subjectID(official)
	now := time.Now()
	day := 24 * time.Hour
	forms := []string{consultation.FormOnlineSubmissions, consultation.FormSectionComments, consultation.FormMeeting, consultation.FormStaffIntake}
	overrides := map[string]string{consultation.RuleNoticePeriod: "Dane demonstracyjne: harmonogram skrócony na potrzeby pokazu."}

	open, err := a.consult.Create(official, consultation.CreateInput{
		UnitID:  unitID,
		Title:   i18n.Input{Locale: i18n.PL, Text: "Priorytety programu Otwarty Kraków na rok 2027"},
		Summary: i18n.Input{Locale: i18n.PL, Text: "Które działania dla mieszkańców z doświadczeniem migracji i mniejszości narodowych powinny być priorytetem w 2027 roku?"},
		Tags:    []string{"migracja", "mniejszosci"}, Districts: []string{"stare-miasto", "podgorze"}, Forms: forms,
		AnnounceAt: ptr(now.Add(time.Minute)), OpensAt: ptr(now.Add(time.Hour)), ClosesAt: ptr(now.Add(30 * day)),
		Sections: []consultation.SectionInput{{
			Heading: i18n.Input{Locale: i18n.PL, Text: "1. Informacja i porady"},
			Body:    i18n.Input{Locale: i18n.PL, Text: "Punkty informacyjne, porady prawne, tłumaczenia dokumentów."},
		}},
	})
	if err != nil {
		return err
	}
	if err := demoTranslations(official, a, open.TitleTextID, officialID, map[i18n.Locale]string{
		i18n.UK: "Пріоритети програми «Відкритий Краків» на 2027 рік",
		i18n.EN: "Priorities of the Open Kraków programme for 2027",
		i18n.RU: "Приоритеты программы «Открытый Краков» на 2027 год",
	}); err != nil {
		return err
	}
	if _, err := a.consult.Publish(official, open.ID, overrides); err != nil {
		return err
	}
	if _, err := a.consult.ChangePhase(official, open.ID, consultation.StatusOpen, "Otwarcie pokazowe konsultacji demonstracyjnej"); err != nil {
		return err
	}
	if err := a.consult.AssignOrganisation(official, open.ID, ngoID); err != nil {
		return err
	}
	posts := []struct {
		who    string
		locale i18n.Locale
		text   string
	}{
		{"olena@demo.otwarty.pl", i18n.UK, "Потрібні консультації українською мовою в кожному районі, а не лише в центрі міста."},
		{"james@demo.otwarty.pl", i18n.EN, "Please publish city forms in English as well, especially for registering a residence."},
		{"irina@demo.otwarty.pl", i18n.RU, "Нужны бесплатные курсы польского языка по вечерам для работающих людей."},
		{"marta@demo.otwarty.pl", i18n.PL, "Więcej spotkań sąsiedzkich, na których nowi mieszkańcy poznają swoją dzielnicę."},
	}
	var first *consultation.Submission
	for _, p := range posts {
		sub, err := a.consult.Submit(people[p.who], consultation.SubmitInput{ConsultationID: open.ID, Kind: consultation.KindPostulate, Locale: p.locale, Text: p.text})
		if err != nil {
			return err
		}
		if first == nil {
			first = sub
		}
	}
	for _, who := range []string{"james@demo.otwarty.pl", "irina@demo.otwarty.pl", "marta@demo.otwarty.pl"} {
		if _, err := a.consult.Support(people[who], first.ID); err != nil {
			return err
		}
	}
	capacity := 25
	start := time.Date(now.Year(), now.Month(), now.Day(), 17, 0, 0, 0, consultation.Warsaw).Add(7 * day)
	meeting, err := a.consult.CreateMeeting(official, consultation.MeetingInput{
		ConsultationID: open.ID, Kind: consultation.MeetingKindWorkshop,
		Title:    i18n.Input{Locale: i18n.PL, Text: "Warsztat: priorytety programu na 2027 rok"},
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "Dom Wielokulturowy, ul. Krakowska 1, Kraków",
		Languages: []string{"pl", "uk", "en"}, Capacity: &capacity,
	})
	if err != nil {
		return err
	}
	for _, who := range []string{"olena@demo.otwarty.pl", "marta@demo.otwarty.pl"} {
		if _, err := a.consult.RegisterForMeeting(people[who], meeting.ID); err != nil {
			return err
		}
	}

	closed, err := a.consult.Create(official, consultation.CreateInput{
		UnitID:  unitID,
		Title:   i18n.Input{Locale: i18n.PL, Text: "Punkty informacyjne dla cudzoziemców"},
		Summary: i18n.Input{Locale: i18n.PL, Text: "Gdzie i w jakich godzinach powinny działać punkty informacyjne dla cudzoziemców?"},
		Tags:    []string{"informacja"}, Forms: forms,
		AnnounceAt: ptr(now.Add(time.Minute)), OpensAt: ptr(now.Add(time.Hour)), ClosesAt: ptr(now.Add(22 * day)),
	})
	if err != nil {
		return err
	}
	if _, err := a.consult.Publish(official, closed.ID, overrides); err != nil {
		return err
	}
	if _, err := a.consult.ChangePhase(official, closed.ID, consultation.StatusOpen, "Otwarcie pokazowe konsultacji demonstracyjnej"); err != nil {
		return err
	}
	answers := []struct {
		who, status string
		locale      i18n.Locale
		text        string
	}{
		{"olena@demo.otwarty.pl", consultation.AnswerAccepted, i18n.UK, "Пункт у Нова Гута також у суботу."},
		{"james@demo.otwarty.pl", consultation.AnswerPartlyAccepted, i18n.EN, "Evening opening hours twice a week."},
	}
	var subs []*consultation.Submission
	for _, p := range answers {
		sub, err := a.consult.Submit(people[p.who], consultation.SubmitInput{ConsultationID: closed.ID, Kind: consultation.KindPostulate, Locale: p.locale, Text: p.text})
		if err != nil {
			return err
		}
		subs = append(subs, sub)
	}
	if _, err := a.consult.ChangePhase(official, closed.ID, consultation.StatusClosed, "Zamknięcie pokazowe konsultacji demonstracyjnej"); err != nil {
		return err
	}
	reasons := []string{"Od marca punkt w Nowej Hucie będzie czynny także w soboty.", "Wydłużymy godziny pracy we wtorki i czwartki do 19:00; codzienne dyżury wieczorne przekraczają budżet."}
	for i, sub := range subs {
		if _, err := a.consult.DraftAnswer(official, sub.ID, consultation.AnswerInput{Status: answers[i].status,
			Reason: i18n.Input{Locale: i18n.PL, Text: reasons[i]}}); err != nil {
			return err
		}
	}
	if _, err := a.consult.PublishAnswers(official, closed.ID, nil); err != nil {
		return err
	}
	_, err = a.consult.PublishReport(official, closed.ID, &i18n.Input{Locale: i18n.PL,
		Text: "Dziękujemy za udział. Oba postulaty zostały uwzględnione w całości lub w części."})
	return err
}

func ptr[T any](v T) *T { return &v }

func subjectID(ctx context.Context) uuid.UUID { return authz.SubjectFrom(ctx).AccountID }
