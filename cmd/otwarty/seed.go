package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/org"
)

// demoPassword is printed by the seed; demo data never goes to production.
const demoPassword = "otwarty-demo-2026"

// runSeed implements "otwarty seed --demo": a believable demo with an
// official of a city unit, a coordinator, an NGO with a member and a
// moderator, residents writing in each of the four languages, and a
// dialogue body with person and organisation members.
func runSeed(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "create the demo data")
	c, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	if !*demo {
		return errors.New("nothing to seed: pass --demo")
	}
	if c.Env == "production" {
		return errors.New("refusing to seed demo accounts in production")
	}
	a, stop, err := start(ctx, c)
	if err != nil {
		return err
	}
	defer stop()
	var exists bool
	if err := a.pool.QueryRow(ctx, `select exists (select 1 from accounts where email = 'koordynator@demo.otwarty.pl')`).Scan(&exists); err != nil {
		return err
	}
	if exists {
		fmt.Println("demo data already present")
		return nil
	}
	// The demo's past editions are made on clocks set in the past: a running
	// server's job workers would apply their scheduled moves, due by the
	// real clock, in the middle of the seed.
	var serving bool
	if err := a.pool.QueryRow(ctx, `select exists (select 1 from river_leader where expires_at > now())`).Scan(&serving); err != nil {
		return err
	}
	if serving {
		return errors.New("a server is running on this database: stop it, seed, then start it again " +
			"(the demo's past editions are made on a past clock, and the server's job workers would overtake it)")
	}

	coordinator, err := a.identity.CreateAdmin(ctx, "koordynator@demo.otwarty.pl", demoPassword, "Koordynatorka Programu")
	if err != nil {
		return err
	}
	// The coordinator's own rights create the rest, as through the API.
	as := authz.WithAuthorizer(authz.WithSubject(ctx, identity.Subject(coordinator, [16]byte{})), a.authz)
	if err := grant(as, a, coordinator.ID, "coordinator", "*"); err != nil {
		return err
	}
	unit, err := a.orgs.Create(as, org.CreateInput{Kind: "city_unit", Name: "Wydział Polityki Społecznej i Zdrowia", Slug: "wydzial-polityki-spolecznej",
		Description: &i18n.Input{Locale: i18n.PL, Text: "Wydział Urzędu Miasta Krakowa prowadzący program Otwarty Kraków."}})
	if err != nil {
		return err
	}
	ngo, err := a.orgs.Create(as, org.CreateInput{Kind: "ngo", Name: "Fundacja Dom Wielokulturowy", Slug: "dom-wielokulturowy",
		Description: &i18n.Input{Locale: i18n.UK, Text: "Фундація, що підтримує мігрантів у Кракові: консультації, курси польської мови, зустрічі."}})
	if err != nil {
		return err
	}
	people := []struct {
		email, name string
		locale      i18n.Locale
	}{
		{"urzednik@demo.otwarty.pl", "Jan Urzędnik", i18n.PL},
		{"olena@demo.otwarty.pl", "Олена Коваль", i18n.UK},
		{"james@demo.otwarty.pl", "James Carter", i18n.EN},
		{"irina@demo.otwarty.pl", "Ирина Петрова", i18n.RU},
		{"marta@demo.otwarty.pl", "Marta Nowak", i18n.PL},
	}
	ids := map[string]identity.Account{}
	for _, p := range people {
		acc, _, err := a.identity.SignUp(ctx, identity.SignUpInput{Email: p.email, Password: demoPassword, DisplayName: p.name, Locale: p.locale}, identity.ClientMeta{UserAgent: "otwarty seed"})
		if err != nil {
			return err
		}
		ids[p.email] = acc
	}
	if _, err := a.pool.Exec(ctx, `update accounts set email_confirmed_at = now() where email like '%@demo.otwarty.pl'`); err != nil {
		return err
	}
	if err := grant(as, a, ids["urzednik@demo.otwarty.pl"].ID, "official", org.Domain(unit.ID)); err != nil {
		return err
	}
	if _, err := a.orgs.AddMember(as, ngo.ID, ids["olena@demo.otwarty.pl"].ID, "manager"); err != nil {
		return err
	}
	if _, err := a.orgs.AddMember(as, ngo.ID, ids["irina@demo.otwarty.pl"].ID, "moderator"); err != nil {
		return err
	}
	if _, err := a.orgs.AddMember(as, ngo.ID, ids["james@demo.otwarty.pl"].ID, "member"); err != nil {
		return err
	}
	// Account values were read before the confirmation above.
	residents := map[string]context.Context{}
	for email, acc := range ids {
		acc.EmailConfirmed = true
		residents[email] = authz.WithAuthorizer(authz.WithSubject(ctx, identity.Subject(acc, [16]byte{})), a.authz)
	}
	if err := seedConsultations(as, a, unit.ID, ngo.ID, residents); err != nil {
		return fmt.Errorf("demo consultations: %w", err)
	}
	body, err := seedDialogue(as, a, unit.ID, ngo.ID, residents)
	if err != nil {
		return fmt.Errorf("demo dialogue body: %w", err)
	}
	past, current, err := seedAmbassador(as, a, ngo.ID, residents)
	if err != nil {
		return fmt.Errorf("demo Ambassador: %w", err)
	}
	if err := seedInfoPages(as, a, unit.ID, residents["urzednik@demo.otwarty.pl"], residents["olena@demo.otwarty.pl"]); err != nil {
		return fmt.Errorf("demo information pages: %w", err)
	}
	centre, nEvents, err := seedEvents(as, a, ngo.ID, residents)
	if err != nil {
		return fmt.Errorf("demo events: %w", err)
	}
	prog, err := seedProgramme(as, residents["urzednik@demo.otwarty.pl"], a, unit.ID, centre.ID)
	if err != nil {
		return fmt.Errorf("demo programme: %w", err)
	}
	fmt.Printf("demo data created; every demo account's password is %q\n", demoPassword)
	fmt.Println("  koordynator@demo.otwarty.pl  coordinator and admin")
	fmt.Println("  urzednik@demo.otwarty.pl     official of", unit.Name)
	fmt.Println("  olena@demo.otwarty.pl        manager of", ngo.Name, "(uk)")
	fmt.Println("  irina@demo.otwarty.pl        moderator of", ngo.Name, "(ru)")
	fmt.Println("  james@demo.otwarty.pl        member of", ngo.Name, "(en)")
	fmt.Println("  marta@demo.otwarty.pl        resident (pl)")
	fmt.Println("consultations: one open (submissions in four languages, supports, a workshop), one closed with its report published")
	fmt.Printf("Ambassador of Multiculturalism: the %d edition announced (2 laureates and a distinction per category), the %d edition open for nominations\n",
		past.Year, current.Year)
	fmt.Println("programme:", prog.Slug, "with its ten indicators; the values of 2024 and 2025 entered by the unit's official")
	fmt.Println("information pages: 4 procedures and the welcome pack at /info, in uk, en, ru, be, ka, vi and ar (the residence card's uk outdated)")
	fmt.Printf("events calendar: %d events of %s and %s over a year (one cancelled, one awaiting review)\n", nEvents, centre.Name, ngo.Name)
	fmt.Println("dialogue body:", body.ID, "(a migrants' council: chair, deputy chair, secretary, members, an observer, a standing guest, and the NGO with a delegate and a substitute)")
	return nil
}

func grant(ctx context.Context, a *app, account [16]byte, role, domain string) error {
	by := authz.SubjectFrom(ctx).AccountID
	return db.InTx(ctx, a.pool, func(tx *db.Tx) error {
		return a.authz.Grant(ctx, tx, account, role, domain, by)
	})
}
