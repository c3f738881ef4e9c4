package consultation_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
)

// answerAll drafts and publishes an answer to every submission of cy that
// needs one.
func (b *bundle) answerAll(t *testing.T, cy *answerCycle) {
	t.Helper()
	statuses := []string{consultation.AnswerAccepted, consultation.AnswerPartlyAccepted,
		consultation.AnswerNotApplicable, consultation.AnswerNotAccepted}
	for i, sub := range cy.top() {
		b.draftAnswer(t, cy.official, sub.ID, statuses[i], "Uzasadnienie odpowiedzi nr "+string(rune('1'+i))+".")
	}
	_, err := b.svc.PublishAnswers(cy.official, cy.c.ID, nil)
	require.NoError(t, err)
}

// reported is a cycle with every answer published and the report out.
func (b *bundle) reported(t *testing.T) *answerCycle {
	t.Helper()
	cy := b.answerCycle(t)
	b.answerAll(t, cy)
	_, err := b.svc.PublishReport(cy.official, cy.c.ID, &i18n.Input{Locale: i18n.PL, Text: "Dziękujemy za udział."})
	require.NoError(t, err)
	return cy
}

func TestPublishReport_RefusedUntilEverySubmissionIsAnswered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	open := b.openConsultation(t)
	_, err := b.svc.PublishReport(b.official(t), open.ID, nil)
	require.ErrorIs(t, err, consultation.ErrReportPhase)

	cy := b.answerCycle(t)
	followerID, follower := b.resident(t)
	require.NoError(t, b.svc.Follow(follower, cy.c.ID))
	_, resident := b.resident(t)
	_, err = b.svc.PublishReport(resident, cy.c.ID, nil)
	requireCode(t, apperr.Forbidden, err)

	// Three of four answered and published; the staff-entered one waits.
	for _, sub := range cy.top()[:3] {
		b.draftAnswer(t, cy.official, sub.ID, consultation.AnswerAccepted, "Tak.")
	}
	_, err = b.svc.PublishAnswers(cy.official, cy.c.ID, nil)
	require.NoError(t, err)
	b.draftAnswer(t, cy.official, cy.staffEntered.ID, consultation.AnswerNotAccepted, "Nie.")
	_, err = b.svc.PublishReport(cy.official, cy.c.ID, nil)
	requireCode(t, apperr.Conflict, err)
	var ae *apperr.Error
	require.True(t, errors.As(err, &ae))
	require.Equal(t, "report.unanswered", ae.Key)
	require.Equal(t, map[string]any{"count": 1}, ae.Args, "a draft is not an answer")
	_, err = b.svc.Report(b.anonymous(), cy.c.ID, i18n.PL)
	require.ErrorIs(t, err, apperr.ErrNotFound, "no report before publication, except a staff preview")
	preview, err := b.svc.Report(cy.official, cy.c.ID, i18n.PL)
	require.NoError(t, err)
	require.Nil(t, preview.PublishedAt)
	require.Len(t, preview.Items, 4)

	_, err = b.svc.PublishAnswers(cy.official, cy.c.ID, []uuid.UUID{cy.staffEntered.ID})
	require.NoError(t, err)
	r, err := b.svc.PublishReport(cy.official, cy.c.ID, nil)
	require.NoError(t, err)
	require.NotNil(t, r.PublishedAt)
	require.Equal(t, consultation.StatusReported, r.Status)

	got, err := b.svc.Get(b.anonymous(), cy.c.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.StatusReported, got.Status)
	changes, err := b.svc.PhaseChanges(b.anonymous(), cy.c.ID)
	require.NoError(t, err)
	last := changes[len(changes)-1]
	require.Equal(t, consultation.StatusClosed, last.From)
	require.Equal(t, consultation.StatusReported, last.To)
	require.Equal(t, consultation.ReasonReport, last.Reason)
	require.NotEqual(t, uuid.Nil, last.ActorID)

	_, err = b.svc.PublishReport(cy.official, cy.c.ID, nil)
	require.ErrorIs(t, err, consultation.ErrReportPublished)

	// Followers and authors hear of it once; the one who only withdrew does not.
	for _, id := range []uuid.UUID{followerID, cy.authorA, cy.authorB, cy.authorC, cy.replierID} {
		jobs := b.deliverJobs(t, consultation.NoticeConsultationReport, id)
		require.Len(t, jobs, 1)
		require.Equal(t, cy.c.ID.String(), jobs[0]["consultation_id"])
	}
	require.Empty(t, b.deliverJobs(t, consultation.NoticeConsultationReport, cy.withdrawerID))

	for _, key := range []string{"report.unanswered", "report.not_closed", "report.published", "report.format_invalid",
		"report.hidden", "report.deleted_account", "moderation.reason.offensive", "moderation.reason.flags_threshold"} {
		require.True(t, i18n.Has(key), key)
	}
}

func TestReport_CountsAndHiddenItemWithoutTextOrAuthor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cy := b.reported(t)

	r, err := b.svc.Report(b.anonymous(), cy.c.ID, i18n.PL)
	require.NoError(t, err)
	require.Equal(t, "Konsultacja testowa", r.Title)
	require.Equal(t, "Dziękujemy za udział.", *r.Summary)
	require.False(t, r.Overdue)
	require.Equal(t, consultation.ReportCounts{
		Submissions: 4, Postulates: 3, Comments: 1, Replies: 1, StaffEntered: 1, Hidden: 1,
		Participants: 5, // four accounts (A, B, C, the replier) and one name entered by staff
		Supports:     1,
		Answers: map[string]int{consultation.AnswerAccepted: 1, consultation.AnswerPartlyAccepted: 1,
			consultation.AnswerNotApplicable: 1, consultation.AnswerNotAccepted: 1},
	}, r.Counts)

	require.Len(t, r.Items, 4)
	// In order of receipt: the staff-entered letter came on the first day.
	order := []uuid.UUID{}
	for _, it := range r.Items {
		order = append(order, it.SubmissionID)
	}
	require.Equal(t, []uuid.UUID{cy.staffEntered.ID, cy.visible.ID, cy.comment.ID, cy.hidden.ID}, order)

	staff := r.Items[0]
	require.True(t, staff.StaffEntered)
	require.Equal(t, "Jan Kowalski", *staff.Author)
	require.Equal(t, "Pismo: więcej ławek w parku.", *staff.Text)
	require.Equal(t, consultation.AnswerNotAccepted, *staff.AnswerStatus)

	visible := r.Items[1]
	require.Equal(t, 1, visible.Supports)
	require.NotNil(t, visible.Author)
	require.Equal(t, "Tablice informacyjne po ukraińsku.", *visible.Text)
	require.Equal(t, "Uzasadnienie odpowiedzi nr 1.", *visible.AnswerReason)
	require.True(t, visible.AnswerPublished)

	comment := r.Items[2]
	require.Equal(t, consultation.KindComment, comment.Kind)
	require.Equal(t, "Rozdział 1", *comment.Section)

	hidden := r.Items[3]
	require.True(t, hidden.Hidden)
	require.Nil(t, hidden.Text)
	require.Nil(t, hidden.TextLocale)
	require.Nil(t, hidden.Author)
	require.Equal(t, "offensive", *hidden.HiddenReason)
	require.Equal(t, "Ukryty przez moderację (treść obraźliwa)", *hidden.HiddenLabel)
	require.Equal(t, consultation.AnswerNotApplicable, *hidden.AnswerStatus)
	require.Equal(t, "Uzasadnienie odpowiedzi nr 3.", *hidden.AnswerReason)

	// A deleted account keeps its words, not its name.
	_, err = b.pool.Exec(b.ctx, `update accounts set deleted_at = now() where id = $1`, cy.authorA)
	require.NoError(t, err)
	r, err = b.svc.Report(b.anonymous(), cy.c.ID, i18n.PL)
	require.NoError(t, err)
	require.Nil(t, r.Items[1].Author)
	require.True(t, r.Items[1].AuthorDeleted)
	require.NotNil(t, r.Items[1].Text)
}

func TestExportReport_JSONCSVMarkdownKeepHiddenItemsHidden(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cy := b.reported(t)
	hiddenText := "Obraźliwa treść"

	_, _, err := b.svc.ExportReport(b.anonymous(), cy.c.ID, i18n.EN, "pdf")
	requireCode(t, apperr.InvalidInput, err)

	body, ctype, err := b.svc.ExportReport(b.anonymous(), cy.c.ID, i18n.EN, consultation.FormatJSON)
	require.NoError(t, err)
	require.Equal(t, "application/json; charset=utf-8", ctype)
	require.NotContains(t, string(body), hiddenText)
	var doc struct {
		ConsultationID string `json:"consultationId"`
		Locale         string `json:"locale"`
		PublishedAt    string `json:"publishedAt"`
		Counts         struct {
			Submissions  int            `json:"submissions"`
			Participants int            `json:"participants"`
			Answers      map[string]int `json:"answers"`
		} `json:"counts"`
		Submissions []map[string]any `json:"submissions"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	require.Equal(t, cy.c.ID.String(), doc.ConsultationID)
	require.Equal(t, "en", doc.Locale)
	require.NotEmpty(t, doc.PublishedAt)
	require.Equal(t, 4, doc.Counts.Submissions)
	require.Equal(t, 5, doc.Counts.Participants)
	require.Equal(t, 1, doc.Counts.Answers["partly_accepted"])
	require.Len(t, doc.Submissions, 4)
	h := doc.Submissions[3]
	require.Equal(t, cy.hidden.ID.String(), h["submissionId"])
	require.Equal(t, true, h["hidden"])
	require.Nil(t, h["text"])
	require.Nil(t, h["author"])
	require.Equal(t, "offensive", h["hiddenReason"])
	require.Equal(t, "Hidden by moderation (offensive content)", h["hiddenLabel"])
	require.Equal(t, "not_applicable", h["answerStatus"])
	require.Equal(t, "Jan Kowalski", doc.Submissions[0]["author"])

	body, ctype, err = b.svc.ExportReport(b.anonymous(), cy.c.ID, i18n.EN, consultation.FormatCSV)
	require.NoError(t, err)
	require.Equal(t, "text/csv; charset=utf-8", ctype)
	require.Contains(t, string(body), "\r\n", "RFC 4180 line breaks")
	require.NotContains(t, string(body), hiddenText)
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+4)
	require.Equal(t, consultation.CSVHeader, rows[0])
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	hiddenRow := rows[4]
	require.Equal(t, cy.hidden.ID.String(), hiddenRow[col["submission_id"]])
	require.Equal(t, "", hiddenRow[col["text"]])
	require.Equal(t, "", hiddenRow[col["author"]])
	require.Equal(t, "true", hiddenRow[col["hidden"]])
	require.Equal(t, "offensive", hiddenRow[col["hidden_reason"]])
	require.Equal(t, "not_applicable", hiddenRow[col["answer_status"]])
	require.Equal(t, "Uzasadnienie odpowiedzi nr 3.", hiddenRow[col["answer_reason"]])
	require.Equal(t, "Tablice informacyjne po ukraińsku.", rows[2][col["text"]])
	require.Equal(t, "Section one needs a timeline.", rows[3][col["text"]])
	require.Equal(t, "Jan Kowalski", rows[1][col["author"]])

	body, ctype, err = b.svc.ExportReport(b.anonymous(), cy.c.ID, i18n.EN, consultation.FormatMarkdown)
	require.NoError(t, err)
	require.Equal(t, "text/markdown; charset=utf-8", ctype)
	md := string(body)
	require.NotContains(t, md, hiddenText)
	require.True(t, strings.HasPrefix(md, "# Consultation report: Konsultacja testowa\n"), md)
	for _, want := range []string{
		"| Submissions (postulates and comments) | 4 |", "| Postulates | 3 |", "| Section comments | 1 |",
		"| Participants | 5 |", "| Answers: accepted | 1 |", "| Answers: not applicable | 1 |",
		"### 4. Postulate\n\n_Hidden by moderation (offensive content)_\n\n**Answer: not applicable**\n\n> Uzasadnienie odpowiedzi nr 3.",
		"### 3. Section comment — Rozdział 1", "> Section one needs a timeline.",
		"Author: Jan Kowalski (entered by staff)",
	} {
		require.Contains(t, md, want)
	}
	for i := 1; i <= 4; i++ {
		require.Contains(t, md, "> Uzasadnienie odpowiedzi nr "+string(rune('0'+i))+".")
	}
}

func TestReport_UkrainianWhereTranslatedOriginalOtherwise(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cy := b.reported(t)
	translator, _ := b.resident(t)
	answers, err := b.svc.AnswersOf(b.anonymous(), []uuid.UUID{cy.visible.ID})
	require.NoError(t, err)
	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
		if _, err := i18n.AddVersion(b.ctx, tx, cy.visible.TextID, i18n.UK, "Інформаційні таблички українською.", translator, i18n.SourceHuman); err != nil {
			return err
		}
		_, err := i18n.AddVersion(b.ctx, tx, answers[cy.visible.ID].ReasonTextID, i18n.UK, "Обґрунтування відповіді № 1.", translator, i18n.SourceHuman)
		return err
	}))

	r, err := b.svc.Report(b.anonymous(), cy.c.ID, i18n.UK)
	require.NoError(t, err)
	visible, comment := r.Items[1], r.Items[2]
	require.Equal(t, "Інформаційні таблички українською.", *visible.Text)
	require.Equal(t, i18n.UK, *visible.TextLocale)
	require.Equal(t, "Обґрунтування відповіді № 1.", *visible.AnswerReason)
	require.Equal(t, i18n.UK, *visible.AnswerLocale)
	require.Equal(t, "Section one needs a timeline.", *comment.Text, "no translation: the original")
	require.Equal(t, i18n.EN, *comment.TextLocale)
	require.Equal(t, "Rozdział 1", *comment.Section)
	require.Equal(t, "Приховано модерацією (образливий зміст)", *r.Items[3].HiddenLabel)

	md, _, err := b.svc.ExportReport(b.anonymous(), cy.c.ID, i18n.UK, consultation.FormatMarkdown)
	require.NoError(t, err)
	require.Contains(t, string(md), "# Звіт про консультації: Konsultacja testowa")
	require.Contains(t, string(md), "| Пропозиції | 3 |")
	require.Contains(t, string(md), "> Інформаційні таблички українською.")
	require.Contains(t, string(md), "**Відповідь: враховано**")
}

func TestReportOverdue_ClosedPastDueAndNotReported(t *testing.T) {
	t.Parallel()
	due := time.Date(2025, 6, 30, 23, 59, 0, 0, consultation.Warsaw)
	for _, c := range []struct {
		status consultation.Status
		due    *time.Time
		now    time.Time
		want   bool
	}{
		{consultation.StatusClosed, &due, due.Add(-time.Minute), false},
		{consultation.StatusClosed, &due, due.Add(time.Minute), true},
		{consultation.StatusReported, &due, due.Add(time.Minute), false},
		{consultation.StatusOpen, &due, due.Add(time.Minute), false},
		{consultation.StatusClosed, nil, due.Add(time.Minute), false},
	} {
		require.Equal(t, c.want, consultation.ReportOverdue(&consultation.Consultation{Status: c.status, ReportDueAt: c.due}, c.now),
			"%s %v", c.status, c.now)
	}

	b := setup(t)
	cy := b.answerCycle(t)
	b.clock.Set(cy.c.ReportDueAt.Add(time.Hour))
	r, err := b.svc.Report(cy.official, cy.c.ID, i18n.PL)
	require.NoError(t, err)
	require.True(t, r.Overdue)
	require.Nil(t, r.PublishedAt)
}

func TestReportReminder_ScheduledAtCloseStaleOnceReported(t *testing.T) {
	t.Parallel()
	b := setup(t)
	officialID, _ := b.officialID(t)
	c := b.openConsultation(t)
	b.closeByHand(t, c.ID)

	type job struct {
		id    int64
		at    time.Time
		days  int
		dueAt time.Time
	}
	rows, err := b.pool.Query(b.ctx, `select id, scheduled_at, (args->>'days_before')::int, (args->>'due_at')::timestamptz
		from river_job where kind = $1 and args->>'consultation_id' = $2 order by scheduled_at`,
		consultation.JobReportReminder, c.ID.String())
	require.NoError(t, err)
	var jobs []job
	for rows.Next() {
		var j job
		require.NoError(t, rows.Scan(&j.id, &j.at, &j.days, &j.dueAt))
		jobs = append(jobs, j)
	}
	require.NoError(t, rows.Err())
	require.Len(t, jobs, 2)
	want := consultation.ReminderTimes(*c.ReportDueAt)
	require.Equal(t, 7, jobs[0].days)
	require.Equal(t, 0, jobs[1].days)
	require.WithinDuration(t, want[0], jobs[0].at, time.Microsecond) // PostgreSQL keeps microseconds
	require.WithinDuration(t, want[1], jobs[1].at, time.Microsecond)
	w0 := want[0].In(consultation.Warsaw)
	require.Equal(t, 8, w0.Hour(), "08:00 in Warsaw")
	require.Equal(t, c.ReportDueAt.In(consultation.Warsaw).AddDate(0, 0, -7).Day(), w0.Day())

	runNow := func(id int64) {
		_, err := b.pool.Exec(b.ctx, `update river_job set state = 'available', scheduled_at = now() where id = $1`, id)
		require.NoError(t, err)
	}
	waitDone := func(id int64) {
		require.Eventually(t, func() bool {
			var state string
			require.NoError(t, b.pool.QueryRow(b.ctx, `select state from river_job where id = $1`, id).Scan(&state))
			return state == "completed"
		}, 15*time.Second, 20*time.Millisecond)
	}
	b.startWorkers(t)
	runNow(jobs[0].id)
	waitDone(jobs[0].id)
	sent := b.deliverJobs(t, consultation.NoticeReportReminder, officialID)
	require.Len(t, sent, 1)
	require.Equal(t, c.ReportDueAt.In(consultation.Warsaw).Format("2006-01-02"), sent[0]["due_date"])
	require.Equal(t, "7", sent[0]["days_before"])

	// Once the report is out, the due-day reminder does nothing.
	_, err = b.pool.Exec(b.ctx, `update consultations set status = 'reported' where id = $1`, c.ID)
	require.NoError(t, err)
	runNow(jobs[1].id)
	waitDone(jobs[1].id)
	require.Len(t, b.deliverJobs(t, consultation.NoticeReportReminder, officialID), 1)
}
