package budget

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// The participation survey is voluntary and anonymous: a one-time token is
// handed out after a ballot, stored only as a hash with the edition and the
// day; answers are stored apart from the token with the day only, and only
// while the edition is voting; only aggregates of at least SurveyMinGroup
// people are ever published, once, after voting has closed.

// SurveyMinGroup is the smallest group a published survey count may
// describe.
const SurveyMinGroup = 10

// Survey errors.
var (
	ErrSurveyTokenInvalid = apperr.New(apperr.Forbidden, "budget.survey_token_invalid")
	ErrSurveyTokenUsed    = apperr.New(apperr.Conflict, "budget.survey_token_used")
	ErrSurveyClosed       = apperr.New(apperr.PhaseClosed, "budget.survey_closed")
)

// Survey questions, in the order of the report.
const (
	QuestionMigration     = "migration_experience" // foreign citizenship or migration experience
	QuestionMinority      = "minority_member"      // member of a national or ethnic minority
	QuestionFirstLanguage = "first_language"
	QuestionLearnedFrom   = "learned_from" // how they learned about the vote
	QuestionFirstTime     = "first_time_voter"
)

// Answers besides each question's own options; NotAnswered is a report
// cell only (the question was skipped).
const (
	AnswerPreferNot   = "prefer_not"
	AnswerNotAnswered = "not_answered"
)

// SurveyQuestions lists each question with its answer options, "prefer not
// to say" last; the report adds a "not answered" cell.
var SurveyQuestions = []SurveyQuestion{
	{QuestionMigration, []string{"yes", "no", AnswerPreferNot}},
	{QuestionMinority, []string{"yes", "no", AnswerPreferNot}},
	{QuestionFirstLanguage, []string{"pl", "uk", "ru", "en", "other", AnswerPreferNot}},
	{QuestionLearnedFrom, []string{"session", "ngo", "media", "city", "other", AnswerPreferNot}},
	{QuestionFirstTime, []string{"yes", "no", AnswerPreferNot}},
}

// SurveyQuestion is a question and its answer options.
type SurveyQuestion struct {
	Name    string
	Options []string
}

// SurveyAnswers are one person's answers by question; a missing or empty
// answer is a skipped question.
type SurveyAnswers map[string]string

// surveyTokenHash is unkeyed: a 256-bit random token cannot be guessed from
// its hash.
func surveyTokenHash(token string) []byte {
	h := sha256.Sum256([]byte("budget-survey-token\x00" + token))
	return h[:]
}

// warsawDay is t's calendar day in Warsaw, as a date.
func warsawDay(t time.Time) time.Time {
	d := t.In(Warsaw)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// AnswerSurvey stores one person's answers under a one-time token. It is
// anonymous: the token is the credential. An unknown token is FORBIDDEN, a
// used one CONFLICT. Answers are taken only while the edition is voting
// (PHASE_CLOSED budget.survey_closed otherwise, the token left unused), so
// that the report, read only once voting has closed, is one final snapshot
// that cannot be differenced over time. The token is marked used and the
// answers are stored in another row that does not refer to it, with the day
// only.
func (s *Service) AnswerSurvey(ctx context.Context, token string, answers SurveyAnswers) error {
	cols, err := surveyColumns(answers)
	if err != nil {
		return err
	}
	if len(token) == 0 || len(token) > 200 {
		return ErrSurveyTokenInvalid
	}
	return db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		var editionID uuid.UUID
		var used bool
		err := tx.QueryRow(ctx, `select edition_id, used from budget_survey_tokens where token_hash = $1 for update`,
			surveyTokenHash(token)).Scan(&editionID, &used)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrSurveyTokenInvalid
		}
		if err != nil {
			return fmt.Errorf("read survey token: %w", err)
		}
		if used {
			return ErrSurveyTokenUsed
		}
		// A share lock, as a ballot takes: closing the vote waits for the
		// answers going in, so none arrives after the close.
		var status Status
		if err := tx.QueryRow(ctx, `select status from budget_editions where id = $1 for share`, editionID).Scan(&status); err != nil {
			return fmt.Errorf("read edition status: %w", err)
		}
		if status != StatusVoting {
			return ErrSurveyClosed
		}
		if _, err := tx.Exec(ctx, `update budget_survey_tokens set used = true where token_hash = $1`, surveyTokenHash(token)); err != nil {
			return fmt.Errorf("use survey token: %w", err)
		}
		_, err = tx.Exec(ctx, `insert into budget_survey_responses (edition_id, answered_on, migration_experience,
				minority_member, first_language, learned_from, first_time_voter) values ($1, $2, $3, $4, $5, $6, $7)`,
			editionID, warsawDay(s.now()), cols[0], cols[1], cols[2], cols[3], cols[4])
		if err != nil {
			return fmt.Errorf("store survey answers: %w", err)
		}
		return nil
	})
}

// surveyColumns checks answers and returns them in question order (nil for
// a skipped question).
func surveyColumns(answers SurveyAnswers) ([]*string, error) {
	out := make([]*string, len(SurveyQuestions))
	for q := range answers {
		if !slices.ContainsFunc(SurveyQuestions, func(sq SurveyQuestion) bool { return sq.Name == q }) {
			return nil, apperr.Invalid("answers", "budget.survey_answer_invalid").With(map[string]any{"question": q})
		}
	}
	for i, q := range SurveyQuestions {
		a := answers[q.Name]
		if a == "" {
			continue
		}
		if !slices.Contains(q.Options, a) {
			return nil, apperr.Invalid("answers", "budget.survey_answer_invalid").With(map[string]any{"question": q.Name})
		}
		out[i] = &a
	}
	return out, nil
}

// SetSurveyEnabled turns the survey offered after a ballot on or off
// ("manage").
func (s *Service) SetSurveyEnabled(ctx context.Context, editionID uuid.UUID, enabled bool) (*Edition, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if _, err := editionFor(ctx, tx, editionID, ActManage, "for update"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `update budget_editions set survey_enabled = $2, updated_at = now() where id = $1`,
			editionID, enabled); err != nil {
			return fmt.Errorf("survey setting: %w", err)
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.survey_setting",
			ObjectType: "budget_edition", ObjectID: editionID.String(), Data: map[string]any{"enabled": enabled}})
	})
	if err != nil {
		return nil, err
	}
	return loadEdition(ctx, s.pool, editionID, "")
}

// SurveyCell is one published count; Count nil means suppressed.
type SurveyCell struct {
	Answer string
	Count  *int
}

// SurveyQuestionReport is the counts of one question's answers.
type SurveyQuestionReport struct {
	Question string
	Cells    []SurveyCell
}

// SurveyReport is the published aggregate of an edition's survey. With
// fewer than SurveyMinGroup respondents it holds nothing but FewerThanMin.
type SurveyReport struct {
	FewerThanMin bool
	Respondents  *int
	Questions    []SurveyQuestionReport
	// Indicator is the programme's indicator: the share of respondents with
	// migration experience or minority membership; nil when suppressed.
	Indicator *float64
}

// surveyObject is the edition's survey as an authorization object.
func surveyObject(e *Edition) authz.Object {
	o := e.Object()
	o.Type = "budget_survey"
	return o
}

// CanReadSurvey reports whether the caller may read the survey report of an
// edition it can see. The report exists only once voting has closed, as one
// final snapshot (answers are taken only while voting): staff from the
// close, everyone once results are published.
func (s *Service) CanReadSurvey(ctx context.Context, e *Edition) bool {
	return authz.Can(ctx, ActRead, surveyObject(e))
}

// SurveyReport returns the aggregates of an edition's survey: NOT_FOUND
// when the caller may not see the edition, FORBIDDEN (or UNAUTHENTICATED)
// when it may not read the survey yet — staff included while voting, since
// readings taken before and after one answer would give that answer away.
// Every count is either at least
// SurveyMinGroup or suppressed, with complementary suppression (see
// SuppressCells); the indicator is published only when no count derivable
// from it and the published cells is below SurveyMinGroup.
func (s *Service) SurveyReport(ctx context.Context, editionID uuid.UUID) (*SurveyReport, error) {
	e, err := editionFor(ctx, s.pool, editionID, ActRead, "")
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, ActRead, surveyObject(e)); err != nil {
		return nil, err
	}
	total, union, counts, err := surveyCounts(ctx, s.pool, editionID)
	if err != nil {
		return nil, err
	}
	return buildSurveyReport(total, union, counts), nil
}

func buildSurveyReport(total, union int, counts map[string]map[string]int) *SurveyReport {
	if total < SurveyMinGroup {
		return &SurveyReport{FewerThanMin: true, Questions: []SurveyQuestionReport{}}
	}
	r := &SurveyReport{Respondents: &total}
	published := map[string]*int{} // "question/answer" → published count
	for _, q := range SurveyQuestions {
		answers := append(slices.Clone(q.Options), AnswerNotAnswered)
		values := make([]int, len(answers))
		for i, a := range answers {
			values[i] = counts[q.Name][a]
		}
		hidden := SuppressCells(values, SurveyMinGroup)
		qr := SurveyQuestionReport{Question: q.Name}
		for i, a := range answers {
			c := SurveyCell{Answer: a}
			if !hidden[i] {
				v := values[i]
				c.Count = &v
				published[q.Name+"/"+a] = &v
			}
			qr.Cells = append(qr.Cells, c)
		}
		r.Questions = append(r.Questions, qr)
	}
	// The indicator's numerator U = |M ∪ N| (M: migration yes, N: minority
	// yes) lets anyone derive total−U, and with a published M or N also
	// U−N, U−M and M+N−U: each must be a group of at least SurveyMinGroup.
	derived := []int{union, total - union}
	m, n := published[QuestionMigration+"/yes"], published[QuestionMinority+"/yes"]
	if n != nil {
		derived = append(derived, union-*n)
	}
	if m != nil {
		derived = append(derived, union-*m)
	}
	if m != nil && n != nil {
		derived = append(derived, *m+*n-union)
	}
	if !slices.ContainsFunc(derived, func(v int) bool { return v < SurveyMinGroup }) {
		share := float64(union) / float64(total)
		r.Indicator = &share
	}
	return r
}

// SuppressCells returns which cells of one question (a partition of the
// respondents) must be withheld: every cell below minGroup (zero included),
// and then, while the withheld cells together number fewer than minGroup
// people (so that their sum, the total minus the published cells, would
// describe a small group or give away a single cell), the smallest
// published cell too.
func SuppressCells(values []int, minGroup int) []bool {
	hidden := make([]bool, len(values))
	sum, some := 0, false
	for i, v := range values {
		if v < minGroup {
			hidden[i], sum, some = true, sum+v, true
		}
	}
	for some && sum < minGroup {
		next := -1
		for i, v := range values {
			if !hidden[i] && (next < 0 || v < values[next]) {
				next = i
			}
		}
		if next < 0 {
			break
		}
		hidden[next], sum = true, sum+values[next]
	}
	return hidden
}

// surveyCounts reads an edition's survey: the respondents, those with
// migration experience or minority membership, and each question's counts.
func surveyCounts(ctx context.Context, dbq db.Querier, editionID uuid.UUID) (total, union int, counts map[string]map[string]int, err error) {
	counts = map[string]map[string]int{}
	for _, q := range SurveyQuestions {
		counts[q.Name] = map[string]int{}
	}
	if err := dbq.QueryRow(ctx, `select count(*), count(*) filter (where migration_experience = 'yes' or minority_member = 'yes')
		from budget_survey_responses where edition_id = $1`, editionID).Scan(&total, &union); err != nil {
		return 0, 0, nil, fmt.Errorf("survey report: %w", err)
	}
	rows, err := dbq.Query(ctx, `select q, coalesce(a, 'not_answered'), count(*) from budget_survey_responses r
		cross join lateral (values ('migration_experience', r.migration_experience), ('minority_member', r.minority_member),
			('first_language', r.first_language), ('learned_from', r.learned_from), ('first_time_voter', r.first_time_voter)) v (q, a)
		where r.edition_id = $1 group by 1, 2`, editionID)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("survey report: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var q, a string
		var n int
		if err := rows.Scan(&q, &a, &n); err != nil {
			return 0, 0, nil, fmt.Errorf("survey report: %w", err)
		}
		counts[q][a] = n
	}
	if err := rows.Err(); err != nil {
		return 0, 0, nil, fmt.Errorf("survey report: %w", err)
	}
	return total, union, counts, nil
}

// SurveyShare is the programme's indicator from an edition's survey, as
// the survey's published report gives it.
type SurveyShare struct {
	Respondents int
	// Share of respondents with migration experience or minority
	// membership; nil when the report withholds it (fewer than
	// SurveyMinGroup respondents, or a derivable group below it).
	Share *float64
	// Ballots cast in the edition (the response rate's base).
	Ballots int
	// Public: the edition's results, and with them the survey, are published.
	Public bool
}

// ReadSurveyShare reads the indicator of an edition's survey without
// checking who asks: only for aggregates the report itself publishes (the
// programme's results, which show it once Public).
func ReadSurveyShare(ctx context.Context, q db.Querier, editionID uuid.UUID) (SurveyShare, error) {
	total, union, counts, err := surveyCounts(ctx, q, editionID)
	if err != nil {
		return SurveyShare{}, err
	}
	out := SurveyShare{Respondents: total, Share: buildSurveyReport(total, union, counts).Indicator}
	var status string
	if err := q.QueryRow(ctx, `select e.status, (select count(*) from budget_ballots b where b.edition_id = e.id)
		from budget_editions e where e.id = $1`, editionID).Scan(&status, &out.Ballots); err != nil {
		return SurveyShare{}, fmt.Errorf("survey share: %w", err)
	}
	out.Public = status == string(StatusResultsPublished)
	return out, nil
}
