package consultation_test

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

// questionIDs returns the ids of the consultation's questions in order.
func (b *bundle) surveyQuestions(t *testing.T, cid uuid.UUID) []uuid.UUID {
	t.Helper()
	qs, err := b.svc.Questions(b.official(t), cid)
	require.NoError(t, err)
	ids := make([]uuid.UUID, len(qs))
	for i, q := range qs {
		ids[i] = q.ID
	}
	return ids
}

// addQuestion appends a question to the consultation by SQL and returns its id.
func (b *bundle) addSurveyQuestion(t *testing.T, c *consultation.Consultation) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		text, err := i18n.CreateText(b.ctx, tx, i18n.PL, "Czego brakuje w projekcie?", c.CreatedBy,
			[]string{consultation.Domain(c.ID), "org:" + c.UnitID.String()})
		if err != nil {
			return err
		}
		return tx.QueryRow(b.ctx, `insert into consultation_questions (consultation_id, position, text_id)
			values ($1, (select count(*) from consultation_questions where consultation_id = $1), $2) returning id`,
			c.ID, text).Scan(&id)
	}))
	return id
}

// answer stores one Polish answer by ctx and requires success.
func (b *bundle) surveyAnswer(t *testing.T, ctx context.Context, cid, qid uuid.UUID, text string) {
	t.Helper()
	require.NoError(t, b.svc.AnswerSurvey(ctx, cid, []consultation.SurveyAnswerInput{{QuestionID: qid, Locale: i18n.PL, Text: text}}))
}

// setStatus moves the consultation to status by SQL.
func (b *bundle) forceStatus(t *testing.T, cid uuid.UUID, status consultation.Status) {
	t.Helper()
	_, err := b.pool.Exec(b.ctx, `update consultations set status = $2 where id = $1`, cid, string(status))
	require.NoError(t, err)
}

func requireSurveyErr(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	require.Error(t, err)
	var e *apperr.Error
	require.True(t, errors.As(err, &e), "not a domain error: %v", err)
	require.Equal(t, code, e.Code, err.Error())
	if key != "" {
		require.Equal(t, key, e.Key)
	}
}

func (b *bundle) surveyRows(t *testing.T, qid uuid.UUID) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from survey_answers where question_id = $1`, qid).Scan(&n))
	return n
}

func (b *bundle) surveyText(t *testing.T, textID uuid.UUID) string {
	t.Helper()
	texts, err := i18n.Load(b.ctx, b.pool, []uuid.UUID{textID})
	require.NoError(t, err)
	require.Contains(t, texts, textID)
	return texts[textID].Resolve(i18n.PL).Text
}

func TestAnswerSurvey_StoresTheRespondentsAnswerWhileOpen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	q := b.surveyQuestions(t, c.ID)[0]
	rid, resident := b.resident(t)

	b.surveyAnswer(t, resident, c.ID, q, "  Więcej zieleni przy szkołach.  ")

	mine, err := b.svc.MySurveyAnswers(resident, c.ID)
	require.NoError(t, err)
	require.Len(t, mine, 1)
	a := mine[q]
	require.NotNil(t, a)
	require.Equal(t, c.ID, a.ConsultationID)
	require.Equal(t, "Więcej zieleni przy szkołach.", b.surveyText(t, a.TextID))
	var author uuid.UUID
	var domains []string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select author_id, domains from texts where id = $1`, a.TextID).Scan(&author, &domains))
	require.Equal(t, rid, author)
	require.Equal(t, []string{consultation.Domain(c.ID), "org:" + b.unitID.String()}, domains)

	// Someone else's answers are not "mine"; an anonymous caller has none.
	_, other := b.resident(t)
	theirs, err := b.svc.MySurveyAnswers(other, c.ID)
	require.NoError(t, err)
	require.Empty(t, theirs)
	none, err := b.svc.MySurveyAnswers(b.anonymous(), c.ID)
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestAnswerSurvey_PhaseClosedOutsideTheOpenPhase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, resident := b.resident(t)
	for _, status := range []consultation.Status{consultation.StatusAnnounced, consultation.StatusClosed, consultation.StatusReported} {
		c := b.consultationIn(t, status)
		q := b.surveyQuestions(t, c.ID)[0]
		err := b.svc.AnswerSurvey(resident, c.ID, []consultation.SurveyAnswerInput{{QuestionID: q, Locale: i18n.PL, Text: "Za późno?"}})
		requireSurveyErr(t, err, apperr.PhaseClosed, "consultation.phase_closed")
		require.Zero(t, b.surveyRows(t, q), status)
	}
}

func TestAnswerSurvey_UnconfirmedForbiddenAnonymousUnauthenticated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	q := b.surveyQuestions(t, c.ID)[0]
	in := []consultation.SurveyAnswerInput{{QuestionID: q, Locale: i18n.PL, Text: "Odpowiedź"}}

	unconfirmed := b.account(t, "unconfirmed-"+uuid.NewString()[:8]+"@otwarty.test", false)
	requireSurveyErr(t, b.svc.AnswerSurvey(b.as(unconfirmed, false), c.ID, in), apperr.Forbidden, "")
	requireSurveyErr(t, b.svc.AnswerSurvey(b.anonymous(), c.ID, in), apperr.Unauthenticated, "")
	// Anonymous callers are refused before anything is looked at.
	requireSurveyErr(t, b.svc.AnswerSurvey(b.anonymous(), uuid.New(), in), apperr.Unauthenticated, "")
	require.Zero(t, b.surveyRows(t, q))

	// A draft is invisible to residents.
	draft := b.consultationIn(t, consultation.StatusDraft)
	_, resident := b.resident(t)
	requireSurveyErr(t, b.svc.AnswerSurvey(resident, draft.ID, in), apperr.NotFound, "")
}

func TestAnswerSurvey_QuestionOfAnotherConsultationIsInvalid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	other := b.openConsultation(t)
	ours, theirs := b.surveyQuestions(t, c.ID)[0], b.surveyQuestions(t, other.ID)[0]
	_, resident := b.resident(t)

	// The whole call fails: the valid answer before the invalid one is not kept.
	err := b.svc.AnswerSurvey(resident, c.ID, []consultation.SurveyAnswerInput{
		{QuestionID: ours, Locale: i18n.PL, Text: "Dobra odpowiedź"},
		{QuestionID: theirs, Locale: i18n.PL, Text: "Nie to pytanie"},
	})
	requireSurveyErr(t, err, apperr.InvalidInput, "survey.question_invalid")
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "answers", e.Field)
	require.Zero(t, b.surveyRows(t, ours))
	require.Zero(t, b.surveyRows(t, theirs))

	err = b.svc.AnswerSurvey(resident, c.ID, []consultation.SurveyAnswerInput{
		{QuestionID: ours, Locale: i18n.PL, Text: "Raz"}, {QuestionID: ours, Locale: i18n.PL, Text: "Dwa"},
	})
	requireSurveyErr(t, err, apperr.InvalidInput, "survey.question_duplicate")

	err = b.svc.AnswerSurvey(resident, c.ID, []consultation.SurveyAnswerInput{{QuestionID: ours, Locale: "ua", Text: "Так"}})
	requireSurveyErr(t, err, apperr.InvalidInput, "text.locale_invalid")
	require.Zero(t, b.surveyRows(t, ours))
}

func TestAnswerSurvey_EveryRefusedTextAtItsIndexAndNothingWritten(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	q1 := b.surveyQuestions(t, c.ID)[0]
	q2, q3 := b.addSurveyQuestion(t, c), b.addSurveyQuestion(t, c)
	_, resident := b.resident(t)

	long := strings.Repeat("ż", i18n.MaxTextRunes+1)
	err := b.svc.AnswerSurvey(resident, c.ID, []consultation.SurveyAnswerInput{
		{QuestionID: q1, Locale: i18n.PL, Text: long},
		{QuestionID: q2, Locale: i18n.PL, Text: "Dobra odpowiedź"},
		{QuestionID: q3, Locale: i18n.PL, Text: long},
	})
	requireSurveyErr(t, err, apperr.InvalidInput, "text.too_long")
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	type refusal struct {
		Field, Key string
		Args       map[string]any
	}
	var got []refusal
	for _, x := range append([]*apperr.Error{e}, e.Also...) {
		got = append(got, refusal{x.Field, x.Key, x.Args})
	}
	require.Equal(t, []refusal{
		{"answers", "text.too_long", map[string]any{"index": 0, "max": i18n.MaxTextRunes}},
		{"answers", "text.too_long", map[string]any{"index": 2, "max": i18n.MaxTextRunes}},
	}, got)
	for _, q := range []uuid.UUID{q1, q2, q3} {
		require.Zero(t, b.surveyRows(t, q), "nothing written")
	}

	// The longest answer allowed is stored.
	b.surveyAnswer(t, resident, c.ID, q1, strings.Repeat("ż", i18n.MaxTextRunes))
	require.Equal(t, 1, b.surveyRows(t, q1))
}

func TestAnswerSurvey_RefusedWhenTheSurveyIsNotOffered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	_, err := b.pool.Exec(b.ctx, `update consultations set forms = array['online_submissions', 'section_comments', 'meeting']
		where id = $1`, c.ID)
	require.NoError(t, err)
	q := b.surveyQuestions(t, c.ID)[0]
	_, resident := b.resident(t)

	err = b.svc.AnswerSurvey(resident, c.ID, []consultation.SurveyAnswerInput{{QuestionID: q, Locale: i18n.PL, Text: "Odpowiedź"}})
	requireSurveyErr(t, err, apperr.Conflict, "submission.form_not_offered")
	require.Zero(t, b.surveyRows(t, q))
}

func TestAnswerSurvey_ReanswerReplacesAndEmptyTextRemoves(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	q := b.surveyQuestions(t, c.ID)[0]
	_, resident := b.resident(t)

	b.surveyAnswer(t, resident, c.ID, q, "Pierwsza wersja")
	first, err := b.svc.MySurveyAnswers(resident, c.ID)
	require.NoError(t, err)
	b.clock.Advance(time.Second)
	b.surveyAnswer(t, resident, c.ID, q, "Druga wersja")
	second, err := b.svc.MySurveyAnswers(resident, c.ID)
	require.NoError(t, err)

	require.Equal(t, 1, b.surveyRows(t, q))
	require.NotEqual(t, first[q].TextID, second[q].TextID)
	require.Equal(t, "Druga wersja", b.surveyText(t, second[q].TextID))
	require.Equal(t, first[q].CreatedAt, second[q].CreatedAt)
	require.True(t, second[q].UpdatedAt.After(first[q].UpdatedAt))
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from texts where id = $1`, first[q].TextID).Scan(&n))
	require.Zero(t, n, "the replaced text is deleted")

	// An empty (or blank) text removes the answer and its text.
	require.NoError(t, b.svc.AnswerSurvey(resident, c.ID, []consultation.SurveyAnswerInput{{QuestionID: q, Text: "   "}}))
	require.Zero(t, b.surveyRows(t, q))
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from texts where id = $1`, second[q].TextID).Scan(&n))
	require.Zero(t, n)
	// Removing what is not there does nothing.
	require.NoError(t, b.svc.AnswerSurvey(resident, c.ID, []consultation.SurveyAnswerInput{{QuestionID: q, Text: ""}}))
}

func TestAnswerSurvey_ConcurrentReanswersLeaveOneAnswerAndNoStrayText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	q := b.surveyQuestions(t, c.ID)[0]
	rid, resident := b.resident(t)

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- b.svc.AnswerSurvey(resident, c.ID, []consultation.SurveyAnswerInput{
				{QuestionID: q, Locale: i18n.PL, Text: "Wersja " + string(rune('A'+i))}})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, b.surveyRows(t, q))
	var texts int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from texts where author_id = $1`, rid).Scan(&texts))
	require.Equal(t, 1, texts, "every replaced text is deleted")
}

func TestSurveyResults_CountDistinctRespondentsPerQuestion(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	q1 := b.surveyQuestions(t, c.ID)[0]
	q2 := b.addSurveyQuestion(t, c)
	_, r1 := b.resident(t)
	_, r2 := b.resident(t)
	_, r3 := b.resident(t)

	require.NoError(t, b.svc.AnswerSurvey(r1, c.ID, []consultation.SurveyAnswerInput{
		{QuestionID: q1, Locale: i18n.PL, Text: "Tak"}, {QuestionID: q2, Locale: i18n.UK, Text: "Лавок"}}))
	b.surveyAnswer(t, r2, c.ID, q1, "Nie")
	b.surveyAnswer(t, r2, c.ID, q1, "Jednak nie wiem") // a re-answer is the same person
	b.surveyAnswer(t, r3, c.ID, q2, "Ławek")
	b.surveyAnswer(t, r3, c.ID, q2, "") // and a removed answer counts no more

	want := []consultation.QuestionResult{{QuestionID: q1, Respondents: 2}, {QuestionID: q2, Respondents: 1}}
	for _, ctx := range []context.Context{b.anonymous(), r3, b.official(t)} {
		got, err := b.svc.SurveyResults(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}

	// A consultation without answers reports zero; a draft is invisible.
	empty := b.openConsultation(t)
	got, err := b.svc.SurveyResults(b.anonymous(), empty.ID)
	require.NoError(t, err)
	require.Equal(t, []consultation.QuestionResult{{QuestionID: b.surveyQuestions(t, empty.ID)[0], Respondents: 0}}, got)
	draft := b.consultationIn(t, consultation.StatusDraft)
	_, err = b.svc.SurveyResults(r1, draft.ID)
	requireSurveyErr(t, err, apperr.NotFound, "")
}

func TestSurveyAnswers_StaffOnlyBeforeTheReportAndNeverWithAuthors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	q := b.surveyQuestions(t, c.ID)[0]
	want := []string{"Pierwsza", "Druga", "Trzecia"}
	var residents []context.Context
	for _, text := range want {
		_, r := b.resident(t)
		residents = append(residents, r)
		b.surveyAnswer(t, r, c.ID, q, text)
	}

	// No field of a listed answer can carry its author.
	for _, typ := range []reflect.Type{reflect.TypeFor[consultation.AnonymousAnswer](), reflect.TypeFor[i18n.Resolved]()} {
		for i := range typ.NumField() {
			f := typ.Field(i)
			require.NotContains(t, []string{"AuthorID", "AccountID", "Author", "AuthorName", "TextID", "CreatedAt", "UpdatedAt"},
				f.Name, "%s.%s", typ.Name(), f.Name)
		}
	}

	// Residents (even respondents) and anonymous callers may not list them
	// before the report, open or closed.
	for _, status := range []consultation.Status{consultation.StatusOpen, consultation.StatusClosed} {
		b.forceStatus(t, c.ID, status)
		for _, ctx := range []context.Context{residents[0], b.anonymous()} {
			_, err := b.svc.SurveyAnswers(ctx, c.ID, q, 10, "")
			requireSurveyErr(t, err, apperr.NotFound, "")
		}
	}

	// Staff page through the texts.
	official := b.official(t)
	pg2, err := b.svc.SurveyAnswers(official, c.ID, q, 2, "")
	page1, more, total := pg2.Items, pg2.HasNext, pg2.Total
	require.NoError(t, err)
	require.True(t, more)
	require.Equal(t, 3, total)
	require.Len(t, page1, 2)
	pg3, err := b.svc.SurveyAnswers(official, c.ID, q, 2, page1[1].Cursor())
	page2, more, total := pg3.Items, pg3.HasNext, pg3.Total
	require.NoError(t, err)
	require.False(t, more)
	require.Equal(t, 3, total)
	require.Len(t, page2, 1)
	var got []string
	for _, a := range append(page1, page2...) {
		require.Equal(t, q, a.QuestionID)
		require.Equal(t, i18n.PL, a.Text.Locale)
		require.True(t, a.Text.IsOriginal)
		got = append(got, a.Text.Text)
	}
	sort.Strings(got)
	sort.Strings(want)
	require.Equal(t, want, got)

	// A question of another consultation, a bad cursor, a bad page size.
	other := b.openConsultation(t)
	_, err = b.svc.SurveyAnswers(official, c.ID, b.surveyQuestions(t, other.ID)[0], 10, "")
	requireSurveyErr(t, err, apperr.InvalidInput, "survey.question_invalid")
	_, err = b.svc.SurveyAnswers(official, c.ID, q, 10, "garbage")
	requireSurveyErr(t, err, apperr.InvalidInput, "input.cursor_invalid")
	_, err = b.svc.SurveyAnswers(official, c.ID, q, page.MaxSize+1, "")
	requireSurveyErr(t, err, apperr.InvalidInput, "input.page_size")
}

func TestReport_CountsSurveyRespondentsAndOpensTheAnswers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	q1 := b.surveyQuestions(t, c.ID)[0]
	q2 := b.addSurveyQuestion(t, c)
	_, r1 := b.resident(t)
	_, r2 := b.resident(t)
	require.NoError(t, b.svc.AnswerSurvey(r1, c.ID, []consultation.SurveyAnswerInput{
		{QuestionID: q1, Locale: i18n.PL, Text: "Tak"}, {QuestionID: q2, Locale: i18n.PL, Text: "Ławki"}}))
	b.surveyAnswer(t, r2, c.ID, q2, "Drzewa")
	b.forceStatus(t, c.ID, consultation.StatusClosed)

	official := b.official(t)
	preview, err := b.svc.Report(official, c.ID, i18n.PL)
	require.NoError(t, err)
	require.Equal(t, 2, preview.Counts.SurveyRespondents)

	_, err = b.svc.PublishReport(official, c.ID, nil)
	require.NoError(t, err)
	r, err := b.svc.Report(b.anonymous(), c.ID, i18n.EN)
	require.NoError(t, err)
	require.NotNil(t, r.PublishedAt)
	require.Equal(t, 2, r.Counts.SurveyRespondents, "stored with the published counts")
	md, _, err := b.svc.ExportReport(b.anonymous(), c.ID, i18n.EN, consultation.FormatMarkdown)
	require.NoError(t, err)
	require.Contains(t, string(md), "| Survey respondents | 2 |")

	// Even after the report the texts stay with staff: they are not
	// moderated, so they are never published.
	for _, ctx := range []context.Context{r1, b.anonymous()} {
		_, err := b.svc.SurveyAnswers(ctx, c.ID, q2, 10, "")
		requireCode(t, apperr.NotFound, err)
	}
	pg8, err := b.svc.SurveyAnswers(official, c.ID, q2, 10, "")
	list, total := pg8.Items, pg8.Total
	require.NoError(t, err)
	require.Equal(t, 2, total)
	require.Len(t, list, 2)
}
