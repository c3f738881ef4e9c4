package main

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/infopages"
)

// The demo's information pages: four procedures of the city unit and the
// welcome pack, translated by Olena (a translator of procedures: uk) and by
// the coordinator for the NGOs' translators (en, ru, be, ka, vi, ar); the
// residence card's Ukrainian translation is outdated: the official edited
// the original after it.

type demoTranslation struct{ lang, title, body, credit string }

type demoInfoPage struct {
	slug  string
	kind  infopages.Kind
	title string
	body  string
	tr    []demoTranslation
}

var demoInfoPages = []demoInfoPage{
	{slug: "zameldowanie", kind: infopages.KindProcedure, title: "Zameldowanie na pobyt czasowy",
		body: "## Gdzie\n\nW dowolnym urzędzie stanu cywilnego w Krakowie albo przez ePUAP.\n\n## Co zabrać\n\n- paszport lub kartę pobytu,\n- tytuł prawny do lokalu (np. umowę najmu).\n\nZameldowanie jest **bezpłatne**.",
		tr: []demoTranslation{
			{"uk", "Тимчасова реєстрація місця проживання", "## Де\n\nУ будь-якому відділі РАЦС у Кракові або через ePUAP.\n\n## Що взяти\n\n- паспорт або карту побиту,\n- документ про право на житло (напр. договір оренди).\n\nРеєстрація **безкоштовна**.", "Fundacja Otwarty Dom, tłum. Olena K."},
			{"en", "Registering a temporary address", "## Where\n\nAt any registry office in Kraków or through ePUAP.\n\n## What to bring\n\n- a passport or residence card,\n- proof of the right to the flat (e.g. a lease).\n\nRegistration is **free**.", ""},
			{"be", "Часовая рэгістрацыя месца жыхарства", "## Дзе\n\nУ любым аддзеле РАГС у Кракаве або праз ePUAP.\n\n## Што ўзяць\n\n- пашпарт або карту пабыту,\n- дакумент пра права на жыллё.\n\nРэгістрацыя **бясплатная**.", "Białoruski Dom, tłum. Siarhiej M."},
			{"vi", "Đăng ký tạm trú", "## Ở đâu\n\nTại bất kỳ phòng hộ tịch nào ở Kraków hoặc qua ePUAP.\n\n## Mang theo\n\n- hộ chiếu hoặc thẻ cư trú,\n- giấy tờ quyền sử dụng nhà.\n\nĐăng ký **miễn phí**.", ""},
		}},
	{slug: "karta-pobytu", kind: infopages.KindProcedure, title: "Karta pobytu: wniosek o pobyt czasowy",
		body: "Wniosek składa się w **Małopolskim Urzędzie Wojewódzkim** najpóźniej w ostatnim dniu legalnego pobytu.",
		tr: []demoTranslation{
			{"uk", "Карта побиту: заява на тимчасове проживання", "Заяву подають у **Малопольському воєводському управлінні** не пізніше останнього дня легального перебування.", "Fundacja Otwarty Dom, tłum. Olena K."},
			{"ru", "Карта побыту: заявление на временное проживание", "Заявление подают в **Малопольском воеводском управлении** не позднее последнего дня легального пребывания.", ""},
			{"ka", "ბინადრობის ბარათი: განცხადება დროებით ბინადრობაზე", "განცხადება წარედგინება **მალოპოლსკის სავოევოდო სამმართველოს** არაუგვიანეს ლეგალური ყოფნის ბოლო დღისა.", "Sakartvelo w Krakowie"},
			{"ar", "بطاقة الإقامة: طلب الإقامة المؤقتة", "يُقدَّم الطلب في **مكتب محافظة مالوبولسكا** في موعد أقصاه آخر يوم من الإقامة القانونية.", ""},
		}},
	{slug: "pesel", kind: infopages.KindProcedure, title: "Numer PESEL dla cudzoziemca",
		body: "PESEL nadaje urząd przy zameldowaniu albo na wniosek, gdy przepis tego wymaga.",
		tr: []demoTranslation{
			{"uk", "Номер PESEL для іноземця", "PESEL присвоює управління під час реєстрації або за заявою, коли цього вимагає закон.", "Fundacja Otwarty Dom, tłum. Olena K."},
			{"en", "A PESEL number for a foreigner", "The office gives a PESEL number at registration, or on request when a law requires one.", ""},
		}},
	{slug: "szkola", kind: infopages.KindProcedure, title: "Zapisy dziecka do szkoły",
		body: "Każde dziecko mieszkające w Krakowie ma prawo do nauki w szkole publicznej, bez względu na obywatelstwo."},
	{slug: "witamy-w-krakowie", kind: infopages.KindWelcome, title: "Witamy w Krakowie",
		body: "Pakiet powitalny: najważniejsze sprawy pierwszych tygodni — zameldowanie, PESEL, szkoła, zdrowie.\n\nPomoc w punktach informacyjnych dla cudzoziemców.",
		tr: []demoTranslation{
			{"uk", "Ласкаво просимо до Кракова", "Вітальний пакет: найважливіші справи перших тижнів — реєстрація, PESEL, школа, здоров'я.", "Fundacja Otwarty Dom, tłum. Olena K."},
			{"en", "Welcome to Kraków", "A welcome pack: what matters in your first weeks — registration, PESEL, school, health.", ""},
			{"ru", "Добро пожаловать в Краков", "Приветственный пакет: главное в первые недели — регистрация, PESEL, школа, здоровье.", ""},
			{"vi", "Chào mừng đến Kraków", "Gói chào mừng: những việc quan trọng trong những tuần đầu — đăng ký cư trú, PESEL, trường học, sức khỏe.", ""},
		}},
}

// demoResidenceCardRenewal is the official's added sentence in the
// translations renewed after it.
var demoResidenceCardRenewal = map[string]string{
	"ru": "Подача заявления в срок означает, что пребывание законно до решения (штамп в паспорте).",
	"ka": "განცხადების დროულად წარდგენა ნიშნავს, რომ ყოფნა ლეგალურია გადაწყვეტილების მიღებამდე (შტამპი პასპორტში).",
	"ar": "تقديم الطلب في الموعد يعني أن الإقامة قانونية حتى صدور القرار (ختم في جواز السفر).",
}

func seedInfoPages(coord context.Context, a *app, unit uuid.UUID, official, olena context.Context) error {
	s := a.infopages
	if err := grant(coord, a, authz.SubjectFrom(olena).AccountID, authz.RoleTranslator, infopages.KindDomain(infopages.KindProcedure)); err != nil {
		return err
	}
	if err := grant(coord, a, authz.SubjectFrom(olena).AccountID, authz.RoleTranslator, infopages.KindDomain(infopages.KindWelcome)); err != nil {
		return err
	}
	for _, d := range demoInfoPages {
		in := infopages.CreateInput{Slug: d.slug, Kind: d.kind, Title: d.title, Body: d.body}
		if d.kind == infopages.KindProcedure {
			in.UnitID = &unit
		}
		p, err := s.CreatePage(coord, in)
		if err != nil {
			return fmt.Errorf("page %s: %w", d.slug, err)
		}
		for _, t := range d.tr {
			who := coord
			if t.lang == "uk" {
				who = olena
			}
			if _, err := s.AddTranslation(who, p.ID, infopages.TranslationInput{Language: t.lang, Title: t.title, Body: t.body, Credit: t.credit}); err != nil {
				return fmt.Errorf("page %s in %s: %w", d.slug, t.lang, err)
			}
		}
		if _, err := s.Publish(coord, p.ID); err != nil {
			return err
		}
		if d.slug == "karta-pobytu" {
			// The official adds the deadline's consequence; the Russian,
			// Georgian and Arabic translations are renewed, the Ukrainian not.
			p, err = s.UpdateOriginal(official, p.ID, infopages.UpdateOriginalInput{BaseVersion: 1, Title: d.title,
				Body: d.body + "\n\nZłożenie wniosku w terminie oznacza, że pobyt jest legalny do czasu decyzji (stempel w paszporcie)."})
			if err != nil {
				return err
			}
			for _, t := range d.tr {
				more, ok := demoResidenceCardRenewal[t.lang]
				if !ok {
					continue // the Ukrainian is left outdated
				}
				if _, err := s.AddTranslation(coord, p.ID, infopages.TranslationInput{Language: t.lang, Title: t.title,
					Body: t.body + "\n\n" + more, Credit: t.credit}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
