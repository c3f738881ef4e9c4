package consultation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
)

// The survey (form of participation FormSurvey) asks the consultation's
// questions; every question is an open-text question. A respondent has at
// most one answer per question, replaced when they answer again.
//
// Who answers: answering is taking part, so it is the same permission as
// submitting ("create" on submissionScope: a confirmed e-mail) rather than
// an action of its own; the phase (open) and the form are the service's rules.
//
// Who reads: the number of respondents per question is public wherever the
// consultation is visible. The answers' texts are read by staff ("manage"
// on the consultation) only, never published (they are not moderated).
// Nobody, staff included, gets
// the respondents' identities from the list: no author, no text id (a
// text's translations credit its author by name), no time, and a shuffled
// order, so that one person's answers cannot be lined up across questions.

// Errors of the survey.
var (
	errSurveyQuestion  = apperr.Invalid("answers", "survey.question_invalid")
	errSurveyDuplicate = apperr.Invalid("answers", "survey.question_duplicate")
	errSurveyLocale    = apperr.Invalid("answers", "text.locale_invalid")
	errQuestionInvalid = apperr.Invalid("questionId", "survey.question_invalid")
)

// answerError puts a text's refusal on the answer at index i (field
// "answers", the index among its arguments), so that a form can show it at
// that question.
func answerError(err error, i int) error {
	var e *apperr.Error
	if !errors.As(err, &e) {
		return err
	}
	args := map[string]any{"index": i}
	for k, v := range e.Args {
		args[k] = v
	}
	return apperr.Invalid("answers", e.Key).With(args)
}

// SurveyAnswerInput is a respondent's answer to one question; an empty Text
// removes the respondent's answer to it.
type SurveyAnswerInput struct {
	QuestionID uuid.UUID
	Locale     i18n.Locale
	Text       string
}

// SurveyAnswer is the caller's own answer to one question.
type SurveyAnswer struct {
	QuestionID     uuid.UUID
	ConsultationID uuid.UUID
	TextID         uuid.UUID // the respondent's own text: they may translate it
	CreatedAt      time.Time // first answered
	UpdatedAt      time.Time // last replaced
}

// QuestionResult is the number of people who answered a question.
type QuestionResult struct {
	QuestionID  uuid.UUID
	Respondents int
}

// AnonymousAnswer is an answer's text without its author.
type AnonymousAnswer struct {
	// ID is a random key renewed with each new answer: it orders the list
	// and its cursors and says nothing about who answered or when.
	ID         uuid.UUID
	QuestionID uuid.UUID
	Text       i18n.Resolved
}

// Cursor is a's position in SurveyAnswers.
func (a *AnonymousAnswer) Cursor() string {
	return page.Cursor("survey_answers", page.Key{ID: a.ID})
}

// AnswerSurvey stores the caller's answers to questions of the consultation
// in one transaction: a confirmed account, while the consultation is open
// and offers the survey. An answer replaces the caller's previous answer to
// its question (as a new text; the old text is deleted), and an empty text
// removes it. Each question must be the consultation's and appear once.
func (s *Service) AnswerSurvey(ctx context.Context, cid uuid.UUID, answers []SurveyAnswerInput) error {
	caller := authz.SubjectFrom(ctx)
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		// Share lock: a phase change waits for answers in flight (as for
		// submissions).
		c, err := scopeFor(ctx, tx, cid, ActSubmit)
		if err != nil {
			return err
		}
		if c.Status != StatusOpen {
			return ErrPhaseClosed
		}
		if !offers(c, FormSurvey) {
			return ErrFormNotOffered
		}
		qs, err := questionsOf(ctx, tx, []uuid.UUID{c.ID})
		if err != nil {
			return err
		}
		ours := make(map[uuid.UUID]bool, len(qs[c.ID]))
		for _, q := range qs[c.ID] {
			ours[q.ID] = true
		}
		seen := make(map[uuid.UUID]bool, len(answers))
		var invalid []error // every refused text at once, each with its index
		for i, a := range answers {
			switch {
			case !ours[a.QuestionID]:
				return errSurveyQuestion.With(map[string]any{"index": i})
			case seen[a.QuestionID]:
				return errSurveyDuplicate.With(map[string]any{"index": i})
			}
			seen[a.QuestionID] = true
			text := strings.TrimSpace(a.Text)
			if text == "" {
				continue
			}
			if !a.Locale.Valid() {
				invalid = append(invalid, errSurveyLocale.With(map[string]any{"index": i}))
			} else if err := i18n.ValidateBody(text); err != nil {
				invalid = append(invalid, answerError(err, i))
			}
		}
		if err := apperr.Fields(invalid...); err != nil {
			return err
		}
		// One respondent's answers to one consultation change one call at a
		// time, so that the text an answer replaces is always the one deleted.
		if _, err := tx.Exec(ctx, `select pg_advisory_xact_lock(hashtextextended($1, 0))`,
			"survey:"+c.ID.String()+":"+caller.AccountID.String()); err != nil {
			return fmt.Errorf("lock survey answers: %w", err)
		}
		domains := textDomains(c.ID, c.UnitID)
		for _, a := range answers {
			if err := s.answerOne(ctx, tx, c.ID, caller.AccountID, domains, a); err != nil {
				return err
			}
		}
		return nil
	})
}

// answerOne replaces (or removes, for an empty text) the respondent's answer
// to one question and deletes the text it replaced.
func (s *Service) answerOne(ctx context.Context, tx *db.Tx, cid, account uuid.UUID, domains []string, a SurveyAnswerInput) error {
	var old *uuid.UUID
	err := tx.QueryRow(ctx, `select text_id from survey_answers where question_id = $1 and account_id = $2`,
		a.QuestionID, account).Scan(&old)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("read survey answer: %w", err)
	}
	text := strings.TrimSpace(a.Text)
	if text == "" {
		if old == nil {
			return nil
		}
		if _, err := tx.Exec(ctx, `delete from survey_answers where question_id = $1 and account_id = $2`,
			a.QuestionID, account); err != nil {
			return fmt.Errorf("remove survey answer: %w", err)
		}
	} else {
		textID, err := i18n.CreateText(ctx, tx, a.Locale, text, account, domains)
		if err != nil {
			return err
		}
		now := s.now()
		_, err = tx.Exec(ctx, `insert into survey_answers (question_id, account_id, consultation_id, text_id, created_at, updated_at)
			values ($1, $2, $3, $4, $5, $5)
			on conflict (question_id, account_id) do update
			set text_id = excluded.text_id, id = gen_random_uuid(), updated_at = excluded.updated_at`,
			a.QuestionID, account, cid, textID, now)
		if err != nil {
			return fmt.Errorf("store survey answer: %w", err)
		}
	}
	if old != nil {
		// A replaced or removed answer is gone, translations and all: free
		// text may say more about a person than they later wish.
		if _, err := tx.Exec(ctx, `delete from texts where id = $1`, *old); err != nil {
			return fmt.Errorf("delete replaced survey text: %w", err)
		}
	}
	return nil
}

// MySurveyAnswers returns the caller's own answers to the consultation by
// question (empty for an anonymous caller), if the caller may see it.
func (s *Service) MySurveyAnswers(ctx context.Context, cid uuid.UUID) (map[uuid.UUID]*SurveyAnswer, error) {
	c, err := s.visible(ctx, s.pool, cid, false)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]*SurveyAnswer{}
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `select question_id, consultation_id, text_id, created_at, updated_at
		from survey_answers where consultation_id = $1 and account_id = $2`, c.ID, caller.AccountID)
	if err != nil {
		return nil, fmt.Errorf("my survey answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a SurveyAnswer
		if err := rows.Scan(&a.QuestionID, &a.ConsultationID, &a.TextID, &a.CreatedAt, &a.UpdatedAt); err != nil {
			return nil, fmt.Errorf("my survey answers: %w", err)
		}
		out[a.QuestionID] = &a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("my survey answers: %w", err)
	}
	return out, nil
}

// SurveyResults returns, for each question of the consultation in order, the
// number of people who answered it, to anyone who may see the consultation.
func (s *Service) SurveyResults(ctx context.Context, cid uuid.UUID) ([]QuestionResult, error) {
	c, err := s.visible(ctx, s.pool, cid, false)
	if err != nil {
		return nil, err
	}
	// One row per (question, account): count(*) counts distinct people.
	rows, err := s.pool.Query(ctx, `select q.id, count(a.account_id)
		from consultation_questions q left join survey_answers a on a.question_id = q.id
		where q.consultation_id = $1 group by q.id, q.position order by q.position`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("survey results: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (QuestionResult, error) {
		var x QuestionResult
		err := r.Scan(&x.QuestionID, &x.Respondents)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("survey results: %w", err)
	}
	return nonNil(out), nil
}

// CanReadSurveyAnswers reports whether the caller may list the answers of
// the visible consultation c: staff ("manage") only. Answers are never made
// public: unlike submissions they are not moderated, and free text can carry
// personal data; the report publishes the respondent counts.
func CanReadSurveyAnswers(ctx context.Context, c *Consultation) bool {
	return authz.Can(ctx, ActManage, c.Object())
}

// SurveyAnswers pages the texts of the answers to one question of the
// consultation, resolved in the caller's locale, in a shuffled order and
// without authors, with whether more follow and the total. Only staff may
// list them; others get NOT_FOUND.
func (s *Service) SurveyAnswers(ctx context.Context, cid, questionID uuid.UUID, first int, after string) (page.Page[*AnonymousAnswer], error) {
	var none page.Page[*AnonymousAnswer]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	resume, err := page.After("survey_answers", after, &cur)
	if err != nil {
		return none, err
	}
	c, err := s.visible(ctx, s.pool, cid, false)
	if err != nil {
		return none, err
	}
	if !CanReadSurveyAnswers(ctx, c) {
		return none, ErrNotFound
	}
	var total int
	var ours bool
	err = s.pool.QueryRow(ctx, `select exists (select 1 from consultation_questions where id = $1 and consultation_id = $2),
			(select count(*) from survey_answers where question_id = $1 and consultation_id = $2)`,
		questionID, c.ID).Scan(&ours, &total)
	if err != nil {
		return none, fmt.Errorf("count survey answers: %w", err)
	}
	if !ours {
		return none, errQuestionInvalid
	}
	var afterID *uuid.UUID
	if resume {
		afterID = &cur.ID
	}
	rows, err := s.pool.Query(ctx, `select id, text_id from survey_answers
		where question_id = $1 and ($2::uuid is null or id > $2) order by id limit $3`, questionID, afterID, first+1)
	if err != nil {
		return none, fmt.Errorf("list survey answers: %w", err)
	}
	type row struct{ id, textID uuid.UUID }
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		err := r.Scan(&x.id, &x.textID)
		return x, err
	})
	if err != nil {
		return none, fmt.Errorf("list survey answers: %w", err)
	}
	pg := page.Of(list, first, total)
	ids := make([]uuid.UUID, len(pg.Items))
	for i, x := range pg.Items {
		ids[i] = x.textID
	}
	texts, err := i18n.Load(ctx, s.pool, ids)
	if err != nil {
		return none, err
	}
	locale := i18n.FromContext(ctx)
	return page.Map(pg, func(x row) *AnonymousAnswer {
		return &AnonymousAnswer{ID: x.id, QuestionID: questionID, Text: texts[x.textID].Resolve(locale)}
	}), nil
}

// surveyRespondents counts the distinct accounts that answered at least one
// question of the consultation (the report's SurveyRespondents).
func surveyRespondents(ctx context.Context, q db.Querier, cid uuid.UUID) (int, error) {
	var n int
	if err := q.QueryRow(ctx, `select count(distinct account_id) from survey_answers where consultation_id = $1`, cid).Scan(&n); err != nil {
		return 0, fmt.Errorf("survey respondents: %w", err)
	}
	return n, nil
}
