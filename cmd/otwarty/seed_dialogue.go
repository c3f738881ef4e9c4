package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/poll"
)

// The demo's dialogue body is a public migrants' council of the unit as it
// stands after three months of work: persons with different languages (a
// chair, a deputy chair, a secretary, members, an observer, a guest) and
// the NGO as an organisation member represented by its manager, with a
// substitute; a meeting held three weeks ago whose minutes are published,
// and a meeting in two weeks with its agenda and documents.
//
// The past is made by the services themselves: the dialogue service's clock
// is set to each moment of the council's history (its founding, the
// invitations, the meeting's minutes, the approval) and restored after. Jobs
// those calls schedule in the past run when the server starts and find
// nothing to do: the meeting's reminder is stale once it has started, and
// every vote of the meeting is closed by the chair before it ends, so its
// closing job finds it closed. Only notices (appointments, invitations,
// minutes) arrive in the demo accounts' inboxes, as the record of what
// happened.

// langs is one text in several languages; Polish is the original.
type langs map[i18n.Locale]string

func (l langs) input() i18n.Input { return i18n.Input{Locale: i18n.PL, Text: l[i18n.PL]} }

// translations are l's versions other than the Polish original.
func (l langs) translations() map[i18n.Locale]string {
	out := map[i18n.Locale]string{}
	for loc, text := range l {
		if loc != i18n.PL {
			out[loc] = text
		}
	}
	return out
}

// demoCouncillors are the council's people with no other part in the demo:
// fictional names, example.org addresses.
var demoCouncillors = []struct {
	email, name string
	locale      i18n.Locale
	part        string
}{
	{"oksana.melnyk@example.org", "Оксана Мельник", i18n.UK, "deputy chair"},
	{"minh.tran@example.org", "Minh Tran", i18n.EN, "member, attends remotely"},
	{"radoslaw.przykladowy@example.org", "Radosław Przykładowy", i18n.PL, "observer for the City Council"},
	{"zofia.testowa@example.org", "dr Zofia Testowa", i18n.PL, "guest of the council: an expert who speaks, never votes"},
}

// dialogueSeed holds what the steps of seedDialogue share.
type dialogueSeed struct {
	a      *app
	coord  context.Context
	people map[string]context.Context
	// at is the dialogue service's clock while the seed runs.
	at   time.Time
	body *dialogue.Body
}

func (s *dialogueSeed) as(email string) context.Context { return s.people[email] }

func (s *dialogueSeed) id(email string) uuid.UUID { return subjectID(s.people[email]) }

// translate adds l's translations of text id, credited to the secretary,
// who prepares the council's language versions.
func (s *dialogueSeed) translate(id uuid.UUID, l langs) error {
	secretary := s.as("urzednik@demo.otwarty.pl")
	return demoTranslations(secretary, s.a, id, subjectID(secretary), l.translations())
}

// translateOptional is translate for an optional text (nil: none).
func (s *dialogueSeed) translateOptional(id *uuid.UUID, l langs) error {
	if id == nil || len(l) == 0 {
		return nil
	}
	return s.translate(*id, l)
}

// seedDialogue creates the demo's dialogue body (see the top of this file)
// and returns it. The dialogue service's clock is time.Now again when it
// returns, whatever happened.
func seedDialogue(coord context.Context, a *app, unitID, ngoID uuid.UUID, people map[string]context.Context) (*dialogue.Body, error) {
	s := &dialogueSeed{a: a, coord: coord, people: people}
	if err := s.accounts(); err != nil {
		return nil, err
	}
	now := time.Now()
	local := now.In(i18n.Warsaw)
	day := func(days, hour int) time.Time {
		d := local.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, i18n.Warsaw)
	}
	founded, held, next := day(-90, 10), day(-21, 17), day(14, 17)

	a.dialogue.SetClock(func() time.Time { return s.at })
	defer a.dialogue.SetClock(time.Now)
	s.at = founded
	if err := s.found(unitID, ngoID, founded); err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	if err := s.pastMeeting(held); err != nil {
		return nil, fmt.Errorf("past meeting: %w", err)
	}
	a.dialogue.SetClock(time.Now)
	if err := s.upcomingMeeting(next); err != nil {
		return nil, fmt.Errorf("upcoming meeting: %w", err)
	}
	fmt.Println("dialogue body: a past meeting (agenda adopted, an amended opinion adopted by roll call, minutes approved and published in pl, en, uk)")
	fmt.Println("  and a meeting on", next.Format("2006-01-02 15:04"), "(Warsaw) with its agenda and documents; more demo accounts, same password:")
	for _, c := range demoCouncillors {
		fmt.Printf("  %-34s %s (%s)\n", c.email, c.part, c.locale)
	}
	return s.body, nil
}

// accounts signs up the demoCouncillors, confirmed (as the demo's other
// accounts: nobody reads their confirmation e-mail), and adds their
// contexts to people.
func (s *dialogueSeed) accounts() error {
	var ids []uuid.UUID
	accs := map[string]identity.Account{}
	for _, c := range demoCouncillors {
		acc, _, err := s.a.identity.SignUp(s.coord, identity.SignUpInput{Email: c.email, Password: demoPassword, DisplayName: c.name, Locale: c.locale},
			identity.ClientMeta{UserAgent: "otwarty seed"})
		if err != nil {
			return fmt.Errorf("sign up %s: %w", c.email, err)
		}
		ids = append(ids, acc.ID)
		accs[c.email] = acc
	}
	if _, err := s.a.pool.Exec(s.coord, `update accounts set email_confirmed_at = now() where id = any($1)`, ids); err != nil {
		return err
	}
	for email, acc := range accs {
		acc.EmailConfirmed = true
		s.people[email] = authz.WithAuthorizer(authz.WithSubject(s.coord, identity.Subject(acc, [16]byte{})), s.a.authz)
	}
	return nil
}

// found creates the body and appoints its members for a two-year term, on
// the day it was founded.
func (s *dialogueSeed) found(unitID, ngoID uuid.UUID, founded time.Time) error {
	name := langs{
		i18n.PL: "Rada Mieszkańców z Doświadczeniem Migracji",
		i18n.UK: "Рада мешканців з досвідом міграції",
		i18n.EN: "Council of Residents with Migration Experience",
		i18n.RU: "Совет жителей с опытом миграции",
	}
	mandate := langs{
		i18n.PL: "Rada doradza Prezydentowi Miasta w sprawach mieszkańców z doświadczeniem migracji: opiniuje dokumenty i konsultacje, " +
			"proponuje działania programu Otwarty Kraków.",
		i18n.UK: "Рада консультує Президента Міста з питань мешканців з досвідом міграції: надає висновки щодо документів і консультацій, " +
			"пропонує заходи програми «Відкритий Краків».",
		i18n.EN: "The council advises the Mayor on matters of residents with migration experience: it gives opinions on documents and " +
			"consultations and proposes activities of the Open Kraków programme.",
	}
	b, err := s.a.dialogue.CreateBody(s.coord, dialogue.CreateInput{
		UnitID: unitID, Kind: dialogue.KindMigrantsCouncil, Public: true, Name: name.input(), Mandate: mandate.input(),
	})
	if err != nil {
		return err
	}
	s.body = b
	if err := demoTranslations(s.coord, s.a, b.NameTextID, subjectID(s.coord), name.translations()); err != nil {
		return err
	}
	if err := demoTranslations(s.coord, s.a, *b.MandateTextID, subjectID(s.coord), mandate.translations()); err != nil {
		return err
	}
	termEnd := founded.AddDate(2, 0, 0)
	persons := []struct {
		email string
		role  dialogue.Role
	}{
		{"marta@demo.otwarty.pl", dialogue.RoleChair},
		{"oksana.melnyk@example.org", dialogue.RoleDeputyChair},
		{"urzednik@demo.otwarty.pl", dialogue.RoleSecretary},
		{"irina@demo.otwarty.pl", dialogue.RoleMember},
		{"minh.tran@example.org", dialogue.RoleMember},
		{"radoslaw.przykladowy@example.org", dialogue.RoleObserver},
		{"zofia.testowa@example.org", dialogue.RoleGuest},
	}
	for _, p := range persons {
		id := s.id(p.email)
		in := dialogue.AppointInput{BodyID: b.ID, AccountID: &id, Role: p.role, TermStart: founded, TermEnd: &termEnd}
		if p.role == dialogue.RoleGuest {
			in.TermEnd = nil // a standing guest, until the council ends it
		}
		if _, err := s.a.dialogue.Appoint(s.coord, in); err != nil {
			return fmt.Errorf("appoint %s: %w", p.email, err)
		}
	}
	olena, james := s.id("olena@demo.otwarty.pl"), s.id("james@demo.otwarty.pl")
	_, err = s.a.dialogue.Appoint(s.coord, dialogue.AppointInput{BodyID: b.ID, OrganisationID: &ngoID, Role: dialogue.RoleMember,
		Delegates: []dialogue.DelegateInput{{AccountID: olena}, {AccountID: james, Substitute: true}},
		TermStart: founded, TermEnd: &termEnd})
	return err
}

// demoItem is an agenda item in several languages; document and url are
// optional.
type demoItem struct {
	title, description, document langs
	url                          string
}

// schedule schedules a meeting of the body by its secretary, with its
// title, description and agenda in every language given.
func (s *dialogueSeed) schedule(in dialogue.MeetingInput, title, description langs, items []demoItem) (*dialogue.Meeting, []*dialogue.AgendaItem, error) {
	secretary := s.as("urzednik@demo.otwarty.pl")
	in.Title, in.Description = title.input(), description.input()
	m, err := s.a.dialogue.ScheduleMeeting(secretary, s.body.ID, in)
	if err != nil {
		return nil, nil, err
	}
	if err := s.translate(m.TitleTextID, title); err != nil {
		return nil, nil, err
	}
	if err := s.translateOptional(m.DescriptionTextID, description); err != nil {
		return nil, nil, err
	}
	var out []*dialogue.AgendaItem
	for _, it := range items {
		item, err := s.a.dialogue.AddAgendaItem(secretary, m.ID, dialogue.AgendaItemInput{Title: it.title.input(),
			Description: it.description.input(), Document: it.document.input(), DocumentURL: it.url})
		if err != nil {
			return nil, nil, err
		}
		if err := s.translate(item.TitleTextID, it.title); err != nil {
			return nil, nil, err
		}
		if err := s.translateOptional(item.DescriptionTextID, it.description); err != nil {
			return nil, nil, err
		}
		if err := s.translateOptional(item.DocumentTextID, it.document); err != nil {
			return nil, nil, err
		}
		out = append(out, item)
	}
	return m, out, nil
}

// table tables a motion (or an amendment of parent) by who, with its
// title and text in every language given.
func (s *dialogueSeed) table(who string, parent *uuid.UUID, title, text langs) (*dialogue.Motion, error) {
	mo, err := s.a.motions.Table(s.as(who), dialogue.TableInput{BodyID: s.body.ID, ParentID: parent, Kind: dialogue.MotionOpinion,
		Title: title.input(), Text: text.input()})
	if err != nil {
		return nil, err
	}
	if err := s.translate(mo.TitleTextID, title); err != nil {
		return nil, err
	}
	return mo, s.translate(mo.TextID, text)
}

// vote has the motion voted by those present, as choices says, and the
// chair close it, the clock moving a minute between the steps.
func (s *dialogueSeed) vote(motion uuid.UUID, choices []demoChoice) error {
	s.at = s.at.Add(time.Minute)
	for _, c := range choices {
		if _, err := s.a.motions.CastVote(s.as(c.who), motion, nil, c.choice); err != nil {
			return fmt.Errorf("vote of %s: %w", c.who, err)
		}
	}
	s.at = s.at.Add(2 * time.Minute)
	_, err := s.a.motions.CloseVote(s.as("marta@demo.otwarty.pl"), motion)
	return err
}

// demoChoice is one voter's choice.
type demoChoice struct {
	who    string
	choice poll.Choice
}

// The past meeting's words.
var (
	pastTitle = langs{
		i18n.PL: "Posiedzenie Rady: harmonogram programu Otwarty Kraków na 2027 rok",
		i18n.EN: "Council meeting: the 2027 schedule of the Open Kraków programme",
		i18n.UK: "Засідання Ради: графік програми «Відкритий Краків» на 2027 рік",
	}
	pastDescription = langs{
		i18n.PL: "Rada opiniuje projekt harmonogramu działań programu Otwarty Kraków na 2027 rok przygotowany przez Wydział.",
		i18n.EN: "The council gives its opinion on the department's draft schedule of the Open Kraków programme for 2027.",
		i18n.UK: "Рада надає висновок щодо підготовленого Відділом проєкту графіка заходів програми «Відкритий Краків» на 2027 рік.",
	}
	pastItems = []demoItem{
		{title: langs{
			i18n.PL: "Otwarcie posiedzenia i przyjęcie porządku obrad",
			i18n.EN: "Opening of the meeting and adoption of the agenda",
			i18n.UK: "Відкриття засідання та затвердження порядку денного",
		}},
		{title: langs{
			i18n.PL: "Opinia o projekcie harmonogramu programu Otwarty Kraków na 2027 rok",
			i18n.EN: "Opinion on the draft 2027 schedule of the Open Kraków programme",
			i18n.UK: "Висновок щодо проєкту графіка програми «Відкритий Краків» на 2027 рік",
		}, description: langs{
			i18n.PL: "Wydział przedstawia projekt; Rada dyskutuje i głosuje nad opinią.",
			i18n.EN: "The department presents the draft; the council debates and votes on its opinion.",
			i18n.UK: "Відділ представляє проєкт; Рада обговорює його та голосує за висновок.",
		}, document: langs{
			i18n.PL: "Projekt harmonogramu na 2027 rok: kursy języka polskiego (od lutego), punkty informacyjne dla cudzoziemców, " +
				"Dni Wielokulturowości (czerwiec), szkolenia urzędników z obsługi cudzoziemców (wrzesień).",
			i18n.EN: "Draft schedule for 2027: Polish language courses (from February), information points for foreigners, " +
				"Multicultural Days (June), training of city staff in serving foreigners (September).",
			i18n.UK: "Проєкт графіка на 2027 рік: курси польської мови (з лютого), інформаційні пункти для іноземців, " +
				"Дні багатокультурності (червень), навчання працівників міста з обслуговування іноземців (вересень).",
		}, url: "https://www.example.org/otwarty-krakow/projekt-harmonogramu-2027.pdf"},
		{title: langs{
			i18n.PL: "Sprawy bieżące i wolne wnioski",
			i18n.EN: "Current matters and any other business",
			i18n.UK: "Поточні справи та вільні пропозиції",
		}},
	}
	motionTitle = langs{
		i18n.PL: "Opinia o projekcie harmonogramu programu Otwarty Kraków na 2027 rok",
		i18n.EN: "Opinion on the draft 2027 schedule of the Open Kraków programme",
		i18n.UK: "Висновок щодо проєкту графіка програми «Відкритий Краків» на 2027 рік",
	}
	motionText = langs{
		i18n.PL: "Rada pozytywnie opiniuje projekt harmonogramu działań programu Otwarty Kraków na 2027 rok i rekomenduje, " +
			"aby kursy języka polskiego odbywały się także wieczorami i w soboty.",
		i18n.EN: "The council gives a positive opinion on the draft 2027 schedule of the Open Kraków programme and recommends " +
			"that Polish language courses also take place in the evenings and on Saturdays.",
		i18n.UK: "Рада позитивно оцінює проєкт графіка заходів програми «Відкритий Краків» на 2027 рік і рекомендує, " +
			"щоб курси польської мови проводилися також увечері та в суботу.",
	}
	amendmentTitle = langs{
		i18n.PL: "Poprawka: punkty informacyjne w każdej dzielnicy",
		i18n.EN: "Amendment: information points in every district",
		i18n.UK: "Поправка: інформаційні пункти в кожному районі",
	}
	amendmentText = langs{
		i18n.PL: motionText[i18n.PL] + " Rada rekomenduje ponadto, aby punkty informacyjne dla cudzoziemców działały w każdej " +
			"dzielnicy co najmniej raz w tygodniu, z obsługą w językach ukraińskim i angielskim.",
		i18n.EN: motionText[i18n.EN] + " The council further recommends that information points for foreigners open in every " +
			"district at least once a week, with service in Ukrainian and English.",
		i18n.UK: motionText[i18n.UK] + " Крім того, Рада рекомендує, щоб інформаційні пункти для іноземців працювали в кожному " +
			"районі щонайменше раз на тиждень з обслуговуванням українською та англійською мовами.",
	}
	// minutesAgreed is what the secretary adds to the generated draft after
	// the comments, in each language of the minutes.
	minutesAgreed = langs{
		i18n.PL: "## Ustalenia\n\n- Fundacja Dom Wielokulturowy zaoferowała pomoc w tłumaczeniu materiałów programu na język ukraiński.\n" +
			"- Sekretarz przekaże Wydziałowi wniosek o informacje o programie także w języku wietnamskim.\n",
		i18n.EN: "## Arrangements\n\n- The Fundacja Dom Wielokulturowy foundation offered to help translate the programme's materials into Ukrainian.\n" +
			"- The secretary will pass on to the department the request for information about the programme in Vietnamese too.\n",
		i18n.UK: "## Домовленості\n\n- Фундація Dom Wielokulturowy запропонувала допомогу в перекладі матеріалів програми українською мовою.\n" +
			"- Секретар передасть Відділу прохання про інформацію щодо програми також в'єтнамською мовою.\n",
	}
)

// pastMeeting holds the meeting that starts at held (Warsaw 17:00, two
// hours), on the clock of each of its moments: scheduled two weeks before,
// the motion and its amendment tabled before it, attendance (quorum met;
// one member remote who leaves early, one absent; the observer and the
// guest), the agenda adopted by a roll call, speakers, the
// amendment and the opinion decided by roll calls, then the minutes:
// drafted the next day, commented, edited, approved by the chair a week
// after, and translated.
func (s *dialogueSeed) pastMeeting(held time.Time) error {
	chair, secretary := s.as("marta@demo.otwarty.pl"), s.as("urzednik@demo.otwarty.pl")
	s.at = held.AddDate(0, 0, -14).Add(-5 * time.Hour)
	m, items, err := s.schedule(dialogue.MeetingInput{StartsAt: held, EndsAt: held.Add(2 * time.Hour),
		Place: "Urząd Miasta Krakowa, pl. Wszystkich Świętych 3-4, sala 201", Languages: []string{"pl", "uk", "en"}, Capacity: ptr(10)},
		pastTitle, pastDescription, pastItems)
	if err != nil {
		return err
	}

	s.at = held.AddDate(0, 0, -7).Add(-5 * time.Hour)
	motion, err := s.table("marta@demo.otwarty.pl", nil, motionTitle, motionText)
	if err != nil {
		return fmt.Errorf("table motion: %w", err)
	}
	s.at = held.AddDate(0, 0, -3).Add(-5 * time.Hour)
	amendment, err := s.table("olena@demo.otwarty.pl", &motion.ID, amendmentTitle, amendmentText)
	if err != nil {
		return fmt.Errorf("propose amendment: %w", err)
	}

	// Arrivals: three check in with the code shown in the room, the
	// secretary records the others; Ирина Петрова is absent.
	s.at = held.Add(-20 * time.Minute)
	code, err := s.a.dialogue.IssueCheckinCode(secretary, m.ID)
	if err != nil {
		return err
	}
	for _, who := range []string{"marta@demo.otwarty.pl", "oksana.melnyk@example.org", "olena@demo.otwarty.pl"} {
		s.at = s.at.Add(2 * time.Minute)
		if _, err := s.a.dialogue.CheckIn(s.as(who), m.ID, code.Code); err != nil {
			return fmt.Errorf("check-in of %s: %w", who, err)
		}
	}
	for _, r := range []struct{ who, mode string }{
		{"urzednik@demo.otwarty.pl", gathering.InPerson}, {"radoslaw.przykladowy@example.org", gathering.InPerson},
		{"zofia.testowa@example.org", gathering.InPerson}, {"minh.tran@example.org", gathering.Remote},
	} {
		s.at = s.at.Add(2 * time.Minute)
		if _, err := s.a.dialogue.RecordAttendance(secretary, m.ID, s.id(r.who), r.mode); err != nil {
			return fmt.Errorf("attendance of %s: %w", r.who, err)
		}
	}

	// 1. The agenda, adopted by a roll call of the five present.
	s.at = held.Add(2 * time.Minute)
	agenda, err := s.a.motions.PutAgendaToVote(chair, m.ID)
	if err != nil {
		return fmt.Errorf("agenda vote: %w", err)
	}
	all := []demoChoice{{"marta@demo.otwarty.pl", poll.Yes}, {"oksana.melnyk@example.org", poll.Yes},
		{"urzednik@demo.otwarty.pl", poll.Yes}, {"olena@demo.otwarty.pl", poll.Yes}, {"minh.tran@example.org", poll.Yes}}
	if err := s.vote(agenda.ID, all); err != nil {
		return fmt.Errorf("agenda vote: %w", err)
	}

	// 2. The opinion: four speakers, then the amendment and the motion.
	s.at = held.Add(10 * time.Minute)
	for _, who := range []string{"olena@demo.otwarty.pl", "minh.tran@example.org", "zofia.testowa@example.org", "oksana.melnyk@example.org"} {
		if _, err := s.a.dialogue.RequestToSpeak(s.as(who), items[1].ID); err != nil {
			return fmt.Errorf("request to speak of %s: %w", who, err)
		}
	}
	for _, d := range []time.Duration{12, 20, 27, 35} {
		s.at = held.Add(d * time.Minute)
		if _, err := s.a.dialogue.GiveFloor(chair, items[1].ID, nil); err != nil {
			return fmt.Errorf("floor: %w", err)
		}
	}
	s.at = held.Add(40 * time.Minute)
	if _, err := s.a.dialogue.FinishSpeaker(chair, items[1].ID); err != nil {
		return err
	}
	s.at = held.Add(42 * time.Minute)
	if _, err := s.a.motions.OpenMeetingVote(chair, dialogue.MeetingVoteInput{MotionID: amendment.ID, MeetingID: m.ID, AgendaItemID: &items[1].ID}); err != nil {
		return fmt.Errorf("amendment vote: %w", err)
	}
	if err := s.vote(amendment.ID, []demoChoice{{"marta@demo.otwarty.pl", poll.Yes}, {"oksana.melnyk@example.org", poll.Yes},
		{"urzednik@demo.otwarty.pl", poll.Abstain}, {"olena@demo.otwarty.pl", poll.Yes}, {"minh.tran@example.org", poll.Yes}}); err != nil {
		return fmt.Errorf("amendment vote: %w", err)
	}
	s.at = held.Add(47 * time.Minute)
	if _, err := s.a.motions.OpenMeetingVote(chair, dialogue.MeetingVoteInput{MotionID: motion.ID, MeetingID: m.ID, AgendaItemID: &items[1].ID}); err != nil {
		return fmt.Errorf("opinion vote: %w", err)
	}
	if err := s.vote(motion.ID, []demoChoice{{"marta@demo.otwarty.pl", poll.Yes}, {"oksana.melnyk@example.org", poll.Yes},
		{"urzednik@demo.otwarty.pl", poll.Yes}, {"olena@demo.otwarty.pl", poll.Yes}, {"minh.tran@example.org", poll.No}}); err != nil {
		return fmt.Errorf("opinion vote: %w", err)
	}

	// 3. Any other business: the foundation's delegate offers help.
	s.at = held.Add(55 * time.Minute)
	if _, err := s.a.dialogue.RequestToSpeak(s.as("olena@demo.otwarty.pl"), items[2].ID); err != nil {
		return err
	}
	s.at = held.Add(56 * time.Minute)
	if _, err := s.a.dialogue.GiveFloor(chair, items[2].ID, nil); err != nil {
		return err
	}
	s.at = held.Add(60 * time.Minute)
	if _, err := s.a.dialogue.FinishSpeaker(chair, items[2].ID); err != nil {
		return err
	}
	s.at = held.Add(90 * time.Minute)
	if _, err := s.a.dialogue.RecordDeparture(secretary, m.ID, s.id("minh.tran@example.org")); err != nil {
		return err
	}
	return s.minutes(m.ID, held)
}

// minutes drafts, comments, approves and translates the past meeting's
// minutes. The secretary generates the English and Ukrainian drafts first,
// to translate from, then the Polish one (the binding language) that the
// council comments on and the chair approves.
func (s *dialogueSeed) minutes(meetingID uuid.UUID, held time.Time) error {
	secretary := s.as("urzednik@demo.otwarty.pl")
	s.at = held.AddDate(0, 0, 1).Add(-7 * time.Hour)
	drafts := map[i18n.Locale]string{}
	var mm *dialogue.MeetingMinutes
	for _, l := range []i18n.Locale{i18n.EN, i18n.UK, i18n.PL} {
		var err error
		if mm, err = s.a.minutes.DraftMinutes(secretary, meetingID, dialogue.DraftInput{Locale: &l}); err != nil {
			return fmt.Errorf("draft minutes (%s): %w", l, err)
		}
		drafts[l] = mm.Body
	}
	s.at = s.at.Add(30 * time.Minute)
	if _, err := s.a.minutes.OpenForComments(secretary, meetingID); err != nil {
		return err
	}
	comments := []struct {
		who  string
		at   time.Duration
		text string
	}{
		{"olena@demo.otwarty.pl", 40 * time.Hour, "Прошу дописати, що Фундація запропонувала допомогу в перекладі матеріалів програми українською мовою."},
		{"minh.tran@example.org", 51 * time.Hour, "Please add that I asked for information about the programme in Vietnamese as well."},
	}
	for _, c := range comments {
		s.at = held.Add(c.at)
		if _, err := s.a.minutes.Comment(s.as(c.who), meetingID, c.text); err != nil {
			return fmt.Errorf("comment of %s: %w", c.who, err)
		}
	}
	s.at = held.AddDate(0, 0, 3).Add(-6 * time.Hour)
	mm, err := s.a.minutes.EditMinutes(secretary, meetingID, agreed(drafts[i18n.PL], i18n.PL), mm.Version)
	if err != nil {
		return fmt.Errorf("edit minutes: %w", err)
	}
	s.at = held.AddDate(0, 0, 7).Add(-5 * time.Hour)
	if _, err := s.a.minutes.Approve(s.as("marta@demo.otwarty.pl"), meetingID, mm.Version); err != nil {
		return fmt.Errorf("approve minutes: %w", err)
	}
	s.at = s.at.Add(time.Hour)
	for _, l := range []i18n.Locale{i18n.EN, i18n.UK} {
		if _, err := s.a.minutes.AddTranslation(secretary, meetingID, l, agreed(drafts[l], l)); err != nil {
			return fmt.Errorf("translate minutes (%s): %w", l, err)
		}
	}
	return nil
}

// agreed is a generated draft with the arrangements added after the
// comments.
func agreed(draft string, l i18n.Locale) string {
	return strings.TrimRight(draft, "\n") + "\n\n" + minutesAgreed[l]
}

// The upcoming meeting's words.
var (
	nextTitle = langs{
		i18n.PL: "Posiedzenie Rady: opinia w konsultacjach priorytetów programu na 2027 rok",
		i18n.EN: "Council meeting: opinion in the consultation on the programme's priorities for 2027",
		i18n.UK: "Засідання Ради: висновок у консультаціях щодо пріоритетів програми на 2027 рік",
	}
	nextDescription = langs{
		i18n.PL: "Posiedzenie otwarte dla publiczności (10 miejsc, zapisy na platformie). Można też dołączyć zdalnie.",
		i18n.EN: "The meeting is open to the public (10 seats, registration on the platform). Members may also join remotely.",
		i18n.UK: "Засідання відкрите для публіки (10 місць, реєстрація на платформі). Члени Ради можуть долучитися дистанційно.",
	}
	nextItems = []demoItem{
		{title: langs{
			i18n.PL: "Otwarcie posiedzenia i przyjęcie porządku obrad",
			i18n.EN: "Opening of the meeting and adoption of the agenda",
			i18n.UK: "Відкриття засідання та затвердження порядку денного",
		}},
		{title: langs{
			i18n.PL: "Opinia Rady w konsultacjach „Priorytety programu Otwarty Kraków na rok 2027”",
			i18n.EN: "The council's opinion in the consultation “Priorities of the Open Kraków programme for 2027”",
			i18n.UK: "Висновок Ради в консультаціях «Пріоритети програми „Відкритий Краків“ на 2027 рік»",
		}, description: langs{
			i18n.PL: "Projekt opinii przygotował zespół roboczy Rady; uwagi do projektu można zgłaszać sekretarzowi do dnia posiedzenia.",
			i18n.EN: "A working group of the council prepared the draft opinion; comments on it go to the secretary until the meeting.",
			i18n.UK: "Проєкт висновку підготувала робоча група Ради; зауваження до нього можна надсилати секретарю до дня засідання.",
		}, document: langs{
			i18n.PL: "Projekt opinii: Rada popiera priorytety „informacja i porady” oraz „nauka języka polskiego” i proponuje dodać " +
				"priorytet „mieszkania dla osób z doświadczeniem migracji”.",
			i18n.EN: "Draft opinion: the council supports the priorities “information and advice” and “learning Polish” and proposes " +
				"to add the priority “housing for people with migration experience”.",
			i18n.UK: "Проєкт висновку: Рада підтримує пріоритети «інформація та консультації» і «вивчення польської мови» та " +
				"пропонує додати пріоритет «житло для людей з досвідом міграції».",
		}, url: "https://www.example.org/otwarty-krakow/projekt-opinii-priorytety-2027.pdf"},
		{title: langs{
			i18n.PL: "Informacja Wydziału o punktach informacyjnych dla cudzoziemców",
			i18n.EN: "The department's report on information points for foreigners",
			i18n.UK: "Інформація Відділу про інформаційні пункти для іноземців",
		}, document: langs{
			i18n.PL: "Od marca punkt w Nowej Hucie będzie czynny także w soboty; we wtorki i czwartki punkty działają do 19:00.",
			i18n.EN: "From March the point in Nowa Huta will also open on Saturdays; on Tuesdays and Thursdays the points stay open until 7 pm.",
			i18n.UK: "З березня пункт у Новій Гуті працюватиме також у суботу; у вівторок і четвер пункти працюють до 19:00.",
		}},
		{title: langs{
			i18n.PL: "Sprawy bieżące i wolne wnioski",
			i18n.EN: "Current matters and any other business",
			i18n.UK: "Поточні справи та вільні пропозиції",
		}},
	}
)

// upcomingMeeting schedules the meeting at next (Warsaw 17:00, two hours),
// in the room and online, with its agenda and documents; the agenda stays
// a draft until the council adopts it at the start.
func (s *dialogueSeed) upcomingMeeting(next time.Time) error {
	_, _, err := s.schedule(dialogue.MeetingInput{StartsAt: next, EndsAt: next.Add(2 * time.Hour),
		Place: "Urząd Miasta Krakowa, pl. Wszystkich Świętych 3-4, sala 201", OnlineURL: "https://spotkania.example.org/rada-migracji",
		Languages: []string{"pl", "uk", "en"}, Capacity: ptr(10)}, nextTitle, nextDescription, nextItems)
	return err
}
