package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// surveyAnswer is a stored answer as SQL sees it: the question's position,
// the original text and its language.
type surveyAnswer struct {
	Position     int
	Text, Locale string
}

// TestBrowser_ConsultationSurvey: an official opens a consultation whose
// survey asks three questions (the service knows one kind of question, open
// text, none of them required). A resident sends the form empty and is told
// nothing is saved; two far too long answers are refused, each at its
// question, with what was typed kept and nothing written; the answers are
// saved, kept on return, one is changed in another language (the one left as
// it was keeps its text) and one removed by emptying it. An answer sent after
// the close is refused at the page's top; the questions are then listed
// without a form. axe-core finds nothing on the
// form, the form with errors and the saved form, in all four languages.
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
		questions: [{locale: PL, text: "Gdzie powinien działać punkt?"}, {locale: PL, text: "W jakich godzinach?"},
			{locale: PL, text: "Czego brakuje w obecnych punktach?"}]}) { consultation { id } } }`,
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
	path := "/consultations/" + apiUUID(t, id)

	conn, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	// stored are marta's answers and the ids of their texts.
	stored := func() ([]surveyAnswer, []string) {
		t.Helper()
		rows, err := conn.Query(context.Background(), `select q.position, v.body, v.locale, a.text_id::text
			from survey_answers a join consultation_questions q on q.id = a.question_id
			join text_versions v on v.text_id = a.text_id and v.is_original
			join accounts x on x.id = a.account_id
			where x.email = 'marta@demo.otwarty.pl' and q.consultation_id = $1 order by q.position`, apiUUID(t, id))
		require.NoError(t, err)
		defer rows.Close()
		var out []surveyAnswer
		var textIDs []string
		for rows.Next() {
			var a surveyAnswer
			var textID string
			require.NoError(t, rows.Scan(&a.Position, &a.Text, &a.Locale, &textID))
			out, textIDs = append(out, a), append(textIDs, textID)
		}
		require.NoError(t, rows.Err())
		return out, textIDs
	}
	answers := func() []surveyAnswer {
		t.Helper()
		a, _ := stored()
		return a
	}

	// An anonymous visitor reads the questions and is asked to sign in.
	anon := newBrowser(t, s, 360)
	anon.open(path + "?lang=pl")
	require.Equal(t, 3, eval[int](anon, `document.querySelectorAll('#survey + ol > li').length`))
	require.Zero(t, eval[int](anon, `document.querySelectorAll('form.survey').length`))

	b := newBrowser(t, s, 360)
	b.signInAs("marta@demo.otwarty.pl")
	b.open(path + "?lang=pl")
	require.Equal(t, "Ankieta o punktach informacyjnych", b.text("main h1"))
	ids := eval[[]string](b, `[...document.querySelectorAll('form.survey textarea')].map(t => t.id)`)
	require.Len(t, ids, 3)
	labels := eval[[]string](b, `[...document.querySelectorAll('form.survey textarea')].map(t => document.querySelector('label[for="' + t.id + '"]').textContent.trim())`)
	require.Equal(t, []string{"1. Gdzie powinien działać punkt?", "2. W jakich godzinach?", "3. Czego brakuje w obecnych punktach?"}, labels)
	b.checkAxe("survey form")
	value := func(i int) string { return eval[string](b, `document.getElementById('`+ids[i]+`').value`) }
	// errorAt is the error shown at the i-th question, as a screen reader
	// reads it (with its hidden "Error:").
	errorAt := func(i int) string {
		return eval[string](b, `document.getElementById('`+ids[i]+`-error').textContent.replace(/\s+/g, ' ').trim()`)
	}
	// set gives the fields by id their values (id, value, id, value...), as
	// typed (chromedp's SetValue refuses an empty value).
	set := func(idValues ...string) {
		t.Helper()
		for i := 0; i < len(idValues); i += 2 {
			js, err := json.Marshal(idValues[i+1])
			require.NoError(t, err)
			b.do("set "+idValues[i], chromedp.Evaluate[chromedp.Void](`document.getElementById('`+idValues[i]+`').value = `+string(js)))
		}
	}
	send := func(what string) {
		t.Helper()
		b.navigating(what, chromedp.Click(chromedp.CSS(`form.survey button[type="submit"]`)))
	}

	// Sent empty: no question is required, nothing is saved, and the page
	// says so (not "saved").
	send("send it empty")
	require.Equal(t, "Nie masz zapisanych odpowiedzi: wszystkie pola były puste.", b.text("form.survey .notice p"))
	require.Empty(t, answers())

	// Two far too long answers: each refused at its question.
	long := strings.Repeat("a", 20001)
	set(ids[0], "W Nowej Hucie, przy urzędzie dzielnicy", ids[1], long, ids[2], long)
	send("send too long answers")
	tooLong := "Tekst jest za długi. Maksymalna liczba znaków: 20000."
	for _, i := range []int{1, 2} {
		require.Equal(t, "Błąd: "+tooLong, errorAt(i), "the error at question %d", i+1)
		require.Equal(t, "true", eval[string](b, `document.getElementById('`+ids[i]+`').getAttribute('aria-invalid')`))
		require.Equal(t, ids[i]+"-error", eval[string](b, `document.getElementById('`+ids[i]+`').getAttribute('aria-describedby')`))
	}
	require.Zero(t, eval[int](b, `document.querySelectorAll('#`+ids[0]+`-error, #`+ids[0]+`[aria-invalid]').length`), "the first answer is fine")
	require.Equal(t, []string{"#" + ids[1], "#" + ids[2]},
		eval[[]string](b, `[...document.querySelectorAll('form.survey .error-summary li a')].map(a => a.getAttribute('href'))`), "the summary in question order")
	require.Equal(t, []string{tooLong, tooLong}, eval[[]string](b, `[...document.querySelectorAll('form.survey .error-summary li a')].map(a => a.textContent.trim())`))
	require.Equal(t, "W Nowej Hucie, przy urzędzie dzielnicy", value(0), "what was typed is kept")
	require.Equal(t, long, value(1))
	require.Empty(t, answers(), "nothing half-written")
	b.checkAxe("survey with errors")

	set(ids[1], "Wieczorem, po 17", ids[2], "")
	send("send again")
	require.Equal(t, "Odpowiedzi zapisane. Możesz je zmienić do zamknięcia konsultacji.", b.text("form.survey .notice p"))
	saved, savedIDs := stored()
	require.Equal(t, []surveyAnswer{{Position: 0, Text: "W Nowej Hucie, przy urzędzie dzielnicy", Locale: "pl"},
		{Position: 1, Text: "Wieczorem, po 17", Locale: "pl"}}, saved)
	b.checkAxe("survey saved")

	// Kept on return; one answer changed, in English: the other keeps its
	// text (its id, so any translation of it) and its language.
	b.open(path)
	require.Equal(t, []string{"W Nowej Hucie, przy urzędzie dzielnicy", "Wieczorem, po 17", ""}, []string{value(0), value(1), value(2)}, "kept on return")
	require.Equal(t, "pl", eval[string](b, `document.getElementById('f-survey-locale').value`))
	set(ids[0], "In Nowa Huta, by the district office", "f-survey-locale", "en")
	send("send the change")
	changed, changedIDs := stored()
	require.Equal(t, []surveyAnswer{{Position: 0, Text: "In Nowa Huta, by the district office", Locale: "en"},
		{Position: 1, Text: "Wieczorem, po 17", Locale: "pl"}}, changed)
	require.NotEqual(t, savedIDs[0], changedIDs[0], "the changed answer is a new text")
	require.Equal(t, savedIDs[1], changedIDs[1], "the answer left as it was is kept")

	// An emptied answer is removed.
	set(ids[1], "")
	send("send the removal")
	require.Equal(t, []surveyAnswer{{Position: 0, Text: "In Nowa Huta, by the district office", Locale: "en"}}, answers())

	for _, lang := range []string{"uk", "en", "ru"} {
		b.open("/?lang=" + lang)
		b.open(path)
		require.Equal(t, lang, eval[string](b, `document.documentElement.lang`))
		require.Equal(t, "In Nowa Huta, by the district office", value(0), "the answer as written, whatever the page's language")
		b.checkAxe(lang + " survey")
		set(ids[2], long)
		send(lang + " send too long")
		require.Equal(t, ids[2]+"-error", eval[string](b, `document.getElementById('`+ids[2]+`').getAttribute('aria-describedby')`))
		require.NotContains(t, errorAt(2), "Tekst", "the error in the page's language")
		b.checkAxe(lang + " survey with an error")
	}
	require.Equal(t, []surveyAnswer{{Position: 0, Text: "In Nowa Huta, by the district office", Locale: "en"}}, answers())

	// Closed while the form was open: the answer sent is refused at the
	// page's top and not written; the questions are listed, the form is gone.
	b.open(path + "?lang=pl")
	set(ids[1], "Za późno?")
	gql(t, s.httpURL(), official, fmt.Sprintf(`mutation { changeConsultationPhase(input: {consultationId: %q, status: CLOSED, reason: "Koniec ankiety"}) {
		consultation { id } } }`, id), &ignore)
	send("send after the close")
	require.Equal(t, "Konsultacje nie są teraz na tym etapie: wpisy, komentarze i poparcie są możliwe tylko w czasie trwania konsultacji.",
		b.text("main .error-summary li"))
	require.Zero(t, eval[int](b, `document.querySelectorAll('form.survey').length`))
	require.Equal(t, []surveyAnswer{{Position: 0, Text: "In Nowa Huta, by the district office", Locale: "en"}}, answers())
	b.checkAxe("survey refused after the close")
	b.open(path)
	require.Zero(t, eval[int](b, `document.querySelectorAll('form.survey').length`))
	require.Equal(t, 3, eval[int](b, `document.querySelectorAll('#survey + ol > li').length`))
}
