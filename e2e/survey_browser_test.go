package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestBrowser_ConsultationSurvey: an official opens a consultation with a
// survey of two questions; a resident answers in the page, is told a far
// too long answer is refused (what was typed kept), saves, finds the
// answers kept on return and removes one by emptying it. axe-core finds
// nothing on the form, the form with an error and the saved form, in all
// four languages.
func TestBrowser_ConsultationSurvey(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	seedDemo(t, dbURL)
	s := startServer(t, "server", dbURL, browserEnv...)
	official, _ := signIn(t, s, "urzednik@demo.otwarty.pl", demoPassword)
	var orgs struct {
		Organisations struct {
			Edges []struct {
				Node struct{ ID, Slug string }
			}
		}
	}
	gql(t, s.httpURL(), "", `{ organisations(first: 50) { edges { node { id slug } } } }`, &orgs)
	unitID := ""
	for _, e := range orgs.Organisations.Edges {
		if e.Node.Slug == "wydzial-polityki-spolecznej" {
			unitID = e.Node.ID
		}
	}
	require.NotEmpty(t, unitID)
	now := time.Now()
	var created struct {
		CreateConsultation struct{ Consultation struct{ ID string } } `json:"createConsultation"`
	}
	gql(t, s.httpURL(), official, fmt.Sprintf(`mutation { createConsultation(input: {unitId: %q, title: {locale: PL, text: "Ankieta o punktach informacyjnych"},
		forms: [ONLINE_SUBMISSIONS, SURVEY], announceAt: %q, opensAt: %q, closesAt: %q,
		questions: [{locale: PL, text: "Gdzie powinien działać punkt?"}, {locale: PL, text: "W jakich godzinach?"}]}) { consultation { id } } }`,
		unitID, now.Add(time.Minute).Format(time.RFC3339), now.Add(10*24*time.Hour).Format(time.RFC3339),
		now.Add(40*24*time.Hour).Format(time.RFC3339)), &created)
	id := created.CreateConsultation.Consultation.ID
	require.NotEmpty(t, id)
	var ignore any
	gql(t, s.httpURL(), official, fmt.Sprintf(`mutation { publishConsultation(input: {consultationId: %q, overrides: [
		{rule: "forms_count", justification: "Krótka ankieta uzupełniająca poprzednie konsultacje."},
		{rule: "open_meeting", justification: "Spotkanie odbyło się w poprzednich konsultacjach."}]}) { consultation { id } } }`, id), &ignore)
	gql(t, s.httpURL(), official, fmt.Sprintf(`mutation { changeConsultationPhase(input: {consultationId: %q, status: OPEN, reason: "Otwieramy ankietę"}) {
		consultation { id } } }`, id), &ignore)

	b := newBrowser(t, s, 360)
	b.signInAs("marta@demo.otwarty.pl")
	path := "/consultations/" + apiUUID(t, id)
	b.open(path + "?lang=pl")
	require.Equal(t, "Ankieta o punktach informacyjnych", b.text("main h1"))
	inputs := eval[[]string](b, `[...document.querySelectorAll('form.survey textarea')].map(t => t.id)`)
	require.Len(t, inputs, 2)
	b.checkAxe("survey form")

	b.do("answers", chromedp.SetValue(chromedp.ID(inputs[0]), "W Nowej Hucie, przy urzędzie dzielnicy"),
		chromedp.SetValue(chromedp.ID(inputs[1]), strings.Repeat("a", 20001)))
	b.navigating("send", chromedp.Click(chromedp.CSS(`form.survey button[type="submit"]`)))
	require.Contains(t, b.text("form.survey .error-summary"), "Tekst jest za długi. Maksymalna liczba znaków: 20000.")
	require.Equal(t, "W Nowej Hucie, przy urzędzie dzielnicy", eval[string](b, `document.getElementById('`+inputs[0]+`').value`), "what was typed is kept")
	b.checkAxe("survey with an error")
	conn, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	answers := func() int {
		var n int
		require.NoError(t, conn.QueryRow(context.Background(), `select count(*) from survey_answers a join consultation_questions q on q.id = a.question_id
			join accounts x on x.id = a.account_id where x.email = 'marta@demo.otwarty.pl'`).Scan(&n))
		return n
	}
	require.Equal(t, 0, answers(), "nothing half-written")

	b.do("a shorter answer", chromedp.SetValue(chromedp.ID(inputs[1]), "Wieczorem, po 17"))
	b.navigating("send again", chromedp.Click(chromedp.CSS(`form.survey button[type="submit"]`)))
	require.Equal(t, "Odpowiedzi zapisane. Możesz je zmienić do zamknięcia konsultacji.", b.text(".notice p"))
	require.Equal(t, 2, answers())
	b.checkAxe("survey saved")
	b.open(path)
	require.Equal(t, "Wieczorem, po 17", eval[string](b, `document.getElementById('`+inputs[1]+`').value`), "kept on return")
	b.do("remove one", chromedp.Evaluate[chromedp.Void](`document.getElementById('`+inputs[1]+`').value = ''`))
	b.navigating("send the change", chromedp.Click(chromedp.CSS(`form.survey button[type="submit"]`)))
	require.Equal(t, 1, answers(), "an emptied answer is removed")

	for _, lang := range []string{"uk", "en", "ru"} {
		b.open("/?lang=" + lang)
		b.open(path)
		require.Equal(t, lang, eval[string](b, `document.documentElement.lang`))
		b.checkAxe(lang + " survey")
	}
}
