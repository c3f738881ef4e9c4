package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/poll"
)

// The demo's Ambassador of Multiculturalism: last year's edition, announced
// with its laureates and distinctions, and this year's, open for
// nominations.
//
// The past edition is made by the services on the Ambassador's clock, set to
// each moment of its year: the call is published, the jury (a city
// councillor chairing, a city official, a councillor of the migrants'
// council) is appointed, residents nominate online and staff enter forms
// that came by post and e-mail, consents are recorded, the formal check
// finds one nomination without consent, the jurors declare (one conflict)
// and score, the jury votes on each category's proposal, the Mayor's award
// follows it, and the edition is announced. The coordinator moves each
// phase at its scheduled time by hand (the seed runs no job workers); the
// jobs publication scheduled for those moves run when the server starts and
// find them made. The jurors are granted their role directly, as accepting
// an e-mailed invitation would.

// ambassadorSeed holds what the steps of seedAmbassador share.
type ambassadorSeed struct {
	a      *app
	coord  context.Context
	people map[string]context.Context
	at     time.Time // the Ambassador's clock while the seed runs
	e      *ambassador.Edition
	cats   map[string]uuid.UUID // kind → category
	crit   []uuid.UUID
	nom    map[string]uuid.UUID // nominee → nomination
}

func (s *ambassadorSeed) as(email string) context.Context { return s.people[email] }

// four is a text in the four languages, Polish first (the original).
func four(pl, uk, en, ru string) []i18n.Input {
	return []i18n.Input{{Locale: i18n.PL, Text: pl}, {Locale: i18n.UK, Text: uk}, {Locale: i18n.EN, Text: en}, {Locale: i18n.RU, Text: ru}}
}

var demoAmbassadorCall = four(
	"Zgłoś osobę lub organizację, która w minionym roku budowała w Krakowie dialog między kulturami. Każdy może zgłosić kandydata, z wyjątkiem siebie.",
	"Висуньте людину чи організацію, яка минулого року будувала в Кракові діалог між культурами. Висунути кандидата може кожен, крім самого себе.",
	"Nominate a person or an organisation that built dialogue between cultures in Kraków last year. Anyone may nominate, except themselves.",
	"Выдвиньте человека или организацию, которые в прошлом году строили в Кракове диалог между культурами. Выдвинуть кандидата может каждый, кроме себя.")

// demoNomination is one nomination of the past edition.
type demoNomination struct {
	nominee  string
	category string
	by       string // the nominator's demo e-mail; "" for a form entered by staff
	// paperBy and paperContact: the nominator of a form entered by staff.
	paperBy, paperContact string
	channel               ambassador.Channel
	minor                 bool
	guardian              string
	orgID                 *uuid.UUID
	why                   i18n.Input // the nominator's justification of the results
	consent               bool
	scores                map[string][4]int // juror → points on the four criteria
}

// The jurors of both editions: a city councillor (chair), a city official
// and the deputy chair of the migrants' council.
const (
	jurorChair    = "radoslaw.przykladowy@example.org"
	jurorOfficial = "urzednik@demo.otwarty.pl"
	jurorCouncil  = "oksana.melnyk@example.org"
)

// seedAmbassador creates the demo's two editions (see the top of this file).
// The Ambassador's clock is time.Now again when it returns.
func seedAmbassador(coord context.Context, a *app, ngoID uuid.UUID, people map[string]context.Context) (past, current *ambassador.Edition, err error) {
	s := &ambassadorSeed{a: a, coord: coord, people: people, cats: map[string]uuid.UUID{}, nom: map[string]uuid.UUID{}}
	a.ambassador.SetClock(func() time.Time { return s.at })
	defer a.ambassador.SetClock(time.Now)
	now := time.Now().In(i18n.Warsaw)
	day := func(days, hour int) time.Time {
		d := now.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, i18n.Warsaw)
	}
	// Last year's: nominations from ten months ago, announced six months ago.
	sc := ambassador.Schedule{NominationsOpen: day(-300, 9), NominationsClose: day(-255, 23), CheckClose: day(-240, 16),
		ScoringClose: day(-215, 16), DecisionClose: day(-200, 16), AnnounceAt: day(-185, 12)}
	if err := s.past(sc, sc.AnnounceAt.Year()-1, ngoID); err != nil {
		return nil, nil, fmt.Errorf("past edition: %w", err)
	}
	past = s.e
	a.ambassador.SetClock(time.Now)
	open := ambassador.Schedule{NominationsOpen: day(-7, 9), NominationsClose: day(45, 23), CheckClose: day(60, 16),
		ScoringClose: day(90, 16), DecisionClose: day(105, 16), AnnounceAt: day(120, 12)}
	if err := s.open(open, past.Year+1); err != nil {
		return nil, nil, fmt.Errorf("open edition: %w", err)
	}
	return past, s.e, nil
}

// edition creates and publishes an edition with the call in four languages
// and the jury, chaired by the councillor.
func (s *ambassadorSeed) edition(sc ambassador.Schedule, year int) error {
	e, err := s.a.ambassador.CreateEdition(s.coord, ambassador.CreateInput{Year: year, Schedule: sc, OrganisationTitles: 2,
		IndividualTitles: 2, Call: demoAmbassadorCall})
	if err != nil {
		return err
	}
	if s.e, err = s.a.ambassador.PublishEdition(s.coord, e.ID); err != nil {
		return err
	}
	for _, j := range []string{jurorChair, jurorOfficial, jurorCouncil} {
		if err := grant(s.coord, s.a, subjectID(s.as(j)), authz.RoleJuror, ambassador.Domain(e.ID)); err != nil {
			return err
		}
	}
	if s.e, err = s.a.ambassador.SetJuryChair(s.coord, e.ID, subjectID(s.as(jurorChair))); err != nil {
		return err
	}
	cats, err := s.a.ambassador.Categories(s.coord, e.ID)
	if err != nil {
		return err
	}
	for _, c := range cats {
		s.cats[c.Kind] = c.ID
	}
	crit, err := s.a.ambassador.Criteria(s.coord, e.ID)
	if err != nil {
		return err
	}
	s.crit = nil
	for _, c := range crit {
		s.crit = append(s.crit, c.ID)
	}
	return nil
}

// move moves the edition by the coordinator's hand at the clock's time.
func (s *ambassadorSeed) move(to ambassador.Phase) error {
	e, err := s.a.ambassador.MoveEdition(s.coord, s.e.ID, to, "Etap zakończony zgodnie z harmonogramem.")
	if err == nil {
		s.e = e
	}
	return err
}

// nominate files n, online or entered by staff, on the clock.
func (s *ambassadorSeed) nominate(n demoNomination) error {
	in := ambassador.NominationInput{EditionID: s.e.ID, CategoryID: s.cats[n.category],
		Nominee:        ambassador.NomineeInput{Name: n.nominee, OrganisationID: n.orgID},
		Justifications: []ambassador.JustificationInput{{CriterionID: s.crit[1], Text: n.why}}}
	if n.minor {
		in.Nominee.Minor, in.Nominee.GuardianName, in.Nominee.GuardianEmail = true, n.guardian, demoContact(n.guardian)
	} else {
		in.Nominee.Email = demoContact(n.nominee)
	}
	var got *ambassador.Nomination
	var err error
	if n.by != "" {
		got, err = s.a.ambassador.Nominate(s.as(n.by), in)
	} else {
		got, err = s.a.ambassador.EnterNomination(s.coord, ambassador.EntryInput{NominationInput: in, Channel: n.channel,
			ReceivedAt: s.at.Add(-36 * time.Hour), ScanRef: "KD-" + s.at.Format("0102") + "/AMB", NominatorName: n.paperBy,
			NominatorContact: n.paperContact})
	}
	if err != nil {
		return fmt.Errorf("nominate %s: %w", n.nominee, err)
	}
	s.nom[n.nominee] = got.ID
	return nil
}

// demoContact is an example.org address made from a nominee's name.
func demoContact(name string) string {
	out := []rune{}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			out = append(out, r|0x20)
		case r == ' ' && len(out) > 0 && out[len(out)-1] != '.':
			out = append(out, '.')
		}
	}
	return string(out) + "@example.org"
}

// pastNominations are last year's nominations with their jurors' points
// (chair, official, council; the council's juror declared a conflict with
// Natalia, whose choir she sings in).
func pastNominations(ngoID uuid.UUID) []demoNomination {
	pts := func(chair, official, council [4]int) map[string][4]int {
		m := map[string][4]int{jurorChair: chair, jurorOfficial: official}
		if council != ([4]int{}) {
			m[jurorCouncil] = council
		}
		return m
	}
	return []demoNomination{
		{nominee: "Fundacja Dom Wielokulturowy", category: ambassador.CategoryOrganisation, by: "marta@demo.otwarty.pl", orgID: &ngoID, consent: true,
			why:    i18n.Input{Locale: i18n.PL, Text: "Fundacja prowadzi punkt porad dla cudzoziemców, kursy polskiego i sąsiedzkie kolacje, na które przychodzi kilkaset osób rocznie."},
			scores: pts([4]int{9, 9, 8, 9}, [4]int{9, 8, 8, 9}, [4]int{10, 9, 8, 9})},
		{nominee: "Stowarzyszenie Wspólna Ulica", category: ambassador.CategoryOrganisation, by: "james@demo.otwarty.pl", consent: true,
			why:    i18n.Input{Locale: i18n.EN, Text: "The association turned a street in Podgórze into a yearly festival of the neighbours' cuisines and music."},
			scores: pts([4]int{7, 8, 9, 8}, [4]int{8, 8, 8, 7}, [4]int{8, 9, 9, 8})},
		{nominee: "Teatr Pod Mostem", category: ambassador.CategoryOrganisation, channel: ambassador.ChannelPost, consent: true,
			paperBy: "Halina Kowalska", paperContact: "ul. Józefińska 10, 30-529 Kraków",
			why:    i18n.Input{Locale: i18n.PL, Text: "Nieformalna grupa teatralna: spektakle grane przez młodzież z Polski, Ukrainy i Gruzji w trzech językach."},
			scores: pts([4]int{6, 8, 9, 7}, [4]int{6, 7, 8, 7}, [4]int{7, 7, 9, 7})},
		{nominee: "Kawiarnia Samowar", category: ambassador.CategoryOrganisation, by: "olena@demo.otwarty.pl", consent: true,
			why:    i18n.Input{Locale: i18n.UK, Text: "Кав'ярня щомісяця проводить мовні вечори, де поляки й мігранти вчать одне одного своїх мов."},
			scores: pts([4]int{5, 6, 7, 6}, [4]int{6, 6, 6, 5}, [4]int{6, 7, 7, 6})},
		{nominee: "Ahmad Karimi", category: ambassador.CategoryIndividual, by: "olena@demo.otwarty.pl", consent: true,
			why:    i18n.Input{Locale: i18n.UK, Text: "Ахмад десять років перекладає для сімей біженців у лікарнях і школах, безкоштовно."},
			scores: pts([4]int{10, 9, 7, 8}, [4]int{9, 9, 7, 8}, [4]int{9, 10, 8, 8})},
		{nominee: "Natalia Hrytsenko", category: ambassador.CategoryIndividual, by: "irina@demo.otwarty.pl", consent: true,
			why:    i18n.Input{Locale: i18n.RU, Text: "Наталья создала польско-украинский хор, который выступил на двадцати городских праздниках."},
			scores: pts([4]int{7, 9, 9, 8}, [4]int{8, 8, 8, 8}, [4]int{})},
		{nominee: "Tomasz Zieliński", category: ambassador.CategoryIndividual, channel: ambassador.ChannelEmail, consent: true,
			paperBy: "Szkoła Podstawowa nr 21", paperContact: "sekretariat@sp21.example.org",
			why:    i18n.Input{Locale: i18n.PL, Text: "Nauczyciel, który założył w szkole klasę przygotowawczą dla dzieci z doświadczeniem migracji."},
			scores: pts([4]int{8, 7, 6, 6}, [4]int{7, 7, 6, 7}, [4]int{7, 6, 6, 6})},
		{nominee: "Amira Haddad", category: ambassador.CategoryIndividual, by: "minh.tran@example.org", minor: true, guardian: "Rania Haddad", consent: true,
			why:    i18n.Input{Locale: i18n.EN, Text: "Amira, seventeen, runs a podcast in which Kraków teenagers of twelve nationalities tell their stories."},
			scores: pts([4]int{6, 8, 10, 8}, [4]int{6, 8, 9, 8}, [4]int{7, 8, 10, 8})},
		{nominee: "Piotr Nowicki", category: ambassador.CategoryIndividual, by: "james@demo.otwarty.pl",
			why: i18n.Input{Locale: i18n.EN, Text: "Piotr photographs the city's minorities for a street exhibition."}},
	}
}

// pastAwards are the jury's proposals, followed by the Mayor: two titles and
// a distinction per category, justified in four languages.
var pastAwards = []struct {
	category, nominee string
	rank              ambassador.Rank
	why               []i18n.Input
}{
	{ambassador.CategoryOrganisation, "Fundacja Dom Wielokulturowy", ambassador.RankLaureate, four(
		"Za codzienną, wieloletnią pomoc cudzoziemcom w Krakowie i za sąsiedzkie kolacje, które łączą dzielnicę.",
		"За щоденну багаторічну допомогу іноземцям у Кракові та за сусідські вечері, що об'єднують район.",
		"For years of everyday help to foreigners in Kraków and for the neighbourhood dinners that bring the district together.",
		"За многолетнюю ежедневную помощь иностранцам в Кракове и за соседские ужины, объединяющие район.")},
	{ambassador.CategoryOrganisation, "Stowarzyszenie Wspólna Ulica", ambassador.RankLaureate, four(
		"Za festiwal, w którym ulica Podgórza staje się wspólnym stołem sąsiadów z wielu krajów.",
		"За фестиваль, на якому вулиця Подґуже стає спільним столом сусідів із багатьох країн.",
		"For the festival in which a street of Podgórze becomes a shared table of neighbours from many countries.",
		"За фестиваль, на котором улица Подгуже становится общим столом соседей из многих стран.")},
	{ambassador.CategoryOrganisation, "Teatr Pod Mostem", ambassador.RankDistinction, four(
		"Za spektakle młodzieży grane w trzech językach.",
		"За вистави молоді трьома мовами.",
		"For the young people's plays performed in three languages.",
		"За спектакли молодёжи на трёх языках.")},
	{ambassador.CategoryIndividual, "Ahmad Karimi", ambassador.RankLaureate, four(
		"Za dziesięć lat bezinteresownego tłumaczenia dla rodzin uchodźców.",
		"За десять років безкорисливого перекладу для сімей біженців.",
		"For ten years of unpaid interpreting for refugee families.",
		"За десять лет бескорыстного перевода для семей беженцев.")},
	{ambassador.CategoryIndividual, "Natalia Hrytsenko", ambassador.RankLaureate, four(
		"Za polsko-ukraiński chór, który śpiewa na miejskich świętach.",
		"За польсько-український хор, що співає на міських святах.",
		"For the Polish-Ukrainian choir that sings at the city's festivals.",
		"За польско-украинский хор, поющий на городских праздниках.")},
	{ambassador.CategoryIndividual, "Amira Haddad", ambassador.RankDistinction, four(
		"Za podcast, w którym krakowska młodzież dwunastu narodowości opowiada swoje historie.",
		"За подкаст, у якому краківська молодь дванадцяти національностей розповідає свої історії.",
		"For the podcast in which Kraków teenagers of twelve nationalities tell their stories.",
		"За подкаст, в котором краковская молодёжь двенадцати национальностей рассказывает свои истории.")},
}

// past runs last year's edition from the call to the announcement.
func (s *ambassadorSeed) past(sc ambassador.Schedule, year int, ngoID uuid.UUID) error {
	s.at = sc.NominationsOpen.Add(time.Hour)
	if err := s.edition(sc, year); err != nil {
		return err
	}
	nominations := pastNominations(ngoID)
	for i, n := range nominations {
		s.at = sc.NominationsOpen.Add(time.Duration(3+4*i) * 24 * time.Hour)
		if err := s.nominate(n); err != nil {
			return err
		}
	}
	s.at = sc.NominationsClose.Add(-24 * time.Hour)
	for _, n := range nominations {
		if n.consent {
			if _, err := s.a.ambassador.RecordConsent(s.coord, s.nom[n.nominee], "KD-zgoda/"+demoContact(n.nominee)); err != nil {
				return fmt.Errorf("consent of %s: %w", n.nominee, err)
			}
		}
	}
	s.at = sc.NominationsClose.Add(time.Hour)
	if err := s.move(ambassador.PhaseFormalCheck); err != nil {
		return err
	}
	for _, n := range nominations {
		in := ambassador.CheckInput{Eligible: n.consent}
		if !n.consent {
			in.Reason, in.Note = ambassador.ReasonNoConsent, "Zgoda nie wpłynęła do końca oceny formalnej."
		}
		if _, err := s.a.ambassador.CheckNomination(s.coord, s.nom[n.nominee], in); err != nil {
			return fmt.Errorf("check %s: %w", n.nominee, err)
		}
	}
	s.at = sc.CheckClose.Add(time.Hour)
	if err := s.move(ambassador.PhaseScoring); err != nil {
		return err
	}
	for _, n := range nominations {
		if !n.consent {
			continue
		}
		for _, j := range []string{jurorChair, jurorOfficial, jurorCouncil} {
			p, scores := n.scores[j]
			declaration, note := ambassador.DeclarationNone, ""
			if !scores {
				declaration, note = ambassador.DeclarationConflict, "Śpiewam w tym chórze."
			}
			if _, err := s.a.ambassador.DeclareConflict(s.as(j), s.nom[n.nominee], declaration, note); err != nil {
				return fmt.Errorf("declaration on %s: %w", n.nominee, err)
			}
			if !scores {
				continue
			}
			sheet := make([]ambassador.Score, len(p))
			for i, points := range p {
				sheet[i] = ambassador.Score{CriterionID: s.crit[i], Points: points}
			}
			if _, err := s.a.ambassador.SaveSheet(s.as(j), s.nom[n.nominee], sheet, true); err != nil {
				return fmt.Errorf("sheet on %s: %w", n.nominee, err)
			}
		}
	}
	s.at = sc.ScoringClose.Add(time.Hour)
	if err := s.move(ambassador.PhaseDecision); err != nil {
		return err
	}
	if err := s.decide(); err != nil {
		return err
	}
	s.at = sc.AnnounceAt
	return s.move(ambassador.PhaseAnnouncement)
}

// decide has the chair draft each category's proposal, the jury adopt it
// (the council's juror recused where she declared a conflict), and the
// coordinator record the Mayor's award as proposed.
func (s *ambassadorSeed) decide() error {
	chair := s.as(jurorChair)
	present := []uuid.UUID{subjectID(chair), subjectID(s.as(jurorOfficial)), subjectID(s.as(jurorCouncil))}
	for _, category := range []string{ambassador.CategoryOrganisation, ambassador.CategoryIndividual} {
		p, err := s.a.ambassador.DraftProposal(chair, ambassador.ProposalInput{EditionID: s.e.ID, CategoryID: s.cats[category],
			Entries: s.awards(category, true)})
		if err != nil {
			return fmt.Errorf("proposal: %w", err)
		}
		s.at = s.at.Add(10 * time.Minute)
		if _, err := s.a.ambassador.OpenProposalVote(chair, p.ID, present); err != nil {
			return fmt.Errorf("open the jury's vote: %w", err)
		}
		for _, j := range []string{jurorChair, jurorOfficial, jurorCouncil} {
			if j == jurorCouncil && category == ambassador.CategoryIndividual {
				continue // recused: Natalia's choir
			}
			if _, err := s.a.ambassador.CastProposalVote(s.as(j), p.ID, poll.Yes); err != nil {
				return fmt.Errorf("jury vote: %w", err)
			}
		}
		s.at = s.at.Add(10 * time.Minute)
		if _, err := s.a.ambassador.CloseProposalVote(chair, p.ID); err != nil {
			return fmt.Errorf("close the jury's vote: %w", err)
		}
	}
	s.at = s.at.Add(72 * time.Hour)
	for _, category := range []string{ambassador.CategoryOrganisation, ambassador.CategoryIndividual} {
		if _, err := s.a.ambassador.RecordAward(s.coord, ambassador.AwardInput{EditionID: s.e.ID, CategoryID: s.cats[category],
			Entries: s.awards(category, false)}); err != nil {
			return fmt.Errorf("award: %w", err)
		}
	}
	return nil
}

// awards are pastAwards of category as entries, justified (a proposal) or
// not (an award that follows it keeps the proposal's justifications).
func (s *ambassadorSeed) awards(category string, justified bool) []ambassador.RankedInput {
	var out []ambassador.RankedInput
	for _, aw := range pastAwards {
		if aw.category == category {
			in := ambassador.RankedInput{NominationID: s.nom[aw.nominee], Rank: aw.rank}
			if justified {
				in.Justification = aw.why
			}
			out = append(out, in)
		}
	}
	return out
}

// open creates this year's edition, open for nominations, with two
// nominations already in.
func (s *ambassadorSeed) open(sc ambassador.Schedule, year int) error {
	s.cats = map[string]uuid.UUID{}
	if err := s.edition(sc, year); err != nil {
		return err
	}
	for _, n := range []demoNomination{
		{nominee: "Kateryna Bondar", category: ambassador.CategoryIndividual, by: "james@demo.otwarty.pl",
			why: i18n.Input{Locale: i18n.EN, Text: "Kateryna started a free Saturday school of Ukrainian and Polish for children in Nowa Huta."}},
		{nominee: "Klub Sąsiedzki Azory", category: ambassador.CategoryOrganisation, by: "marta@demo.otwarty.pl",
			why: i18n.Input{Locale: i18n.PL, Text: "Klub organizuje na Azorach wspólne gotowanie i wycieczki dla rodzin z Polski, Ukrainy i Białorusi."}},
	} {
		if err := s.nominate(n); err != nil {
			return err
		}
	}
	return nil
}
