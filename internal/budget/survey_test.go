package budget_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
)

// answerMany issues n tokens and answers each with answers(i).
func (b *bundle) answerMany(t *testing.T, editionID uuid.UUID, n int, answers func(i int) budget.SurveyAnswers) {
	t.Helper()
	for i := range n {
		tok, err := b.svc.IssueSurveyToken(b.ctx, editionID)
		require.NoError(t, err)
		require.NoError(t, b.svc.AnswerSurvey(b.anonymous(), tok, answers(i)))
	}
}

// closeVoting closes the edition's vote, after which staff may read the
// survey's one final report.
func (b *bundle) closeVoting(t *testing.T, editionID uuid.UUID) {
	t.Helper()
	_, err := b.svc.CloseVoting(b.official(t), editionID)
	require.NoError(t, err)
}

// publishResults takes a closed edition to published results as the
// commission does (counted, signed by two members, published), after which
// everyone may read its survey.
func (b *bundle) publishResults(t *testing.T, editionID uuid.UUID) {
	t.Helper()
	official := b.official(t)
	_, err := b.svc.ComputeResults(official, editionID)
	require.NoError(t, err)
	for _, member := range []context.Context{official, b.official(t)} {
		_, err := b.svc.Certify(member, budget.CertifyInput{EditionID: editionID})
		require.NoError(t, err)
	}
	e, err := b.svc.PublishResults(official, editionID)
	require.NoError(t, err)
	require.Equal(t, budget.StatusResultsPublished, e.Status)
}

func TestSurvey_NeverLinksToBallotOrAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	var tokens []string
	var accounts, voters, ballots []string
	for range 3 {
		ctx := b.voter(t, k.edition.ID, "stare-miasto")
		r, err := b.svc.CastBallot(ctx, k.valid(key()))
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(r.SurveyToken), 43, "at least 256 bits, base64url")
		tokens = append(tokens, r.SurveyToken)
		ballots = append(ballots, r.BallotID.String())
	}
	require.NotEqual(t, tokens[0], tokens[1])
	require.NoError(t, b.svc.AnswerSurvey(b.anonymous(), tokens[0], budget.SurveyAnswers{
		budget.QuestionMigration: "yes", budget.QuestionMinority: "prefer_not", budget.QuestionFirstLanguage: "uk",
		budget.QuestionLearnedFrom: "ngo", budget.QuestionFirstTime: "yes"}))
	require.NoError(t, b.svc.AnswerSurvey(b.anonymous(), tokens[1], budget.SurveyAnswers{budget.QuestionFirstLanguage: "pl"}))

	rows, err := b.pool.Query(b.ctx, `select id::text from accounts`)
	require.NoError(t, err)
	accounts, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	rows, err = b.pool.Query(b.ctx, `select id::text from budget_voters`)
	require.NoError(t, err)
	voters, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Len(t, voters, 3)

	// Every stored value of the survey's tables, as text, by column.
	forbidden := append(append(append(append([]string{}, accounts...), voters...), ballots...), tokens...)
	today := time.Now().In(budget.Warsaw).Format("2006-01-02")
	for _, table := range []string{"budget_survey_tokens", "budget_survey_responses"} {
		rows, err := b.pool.Query(b.ctx, `select * from `+table)
		require.NoError(t, err)
		n := 0
		for rows.Next() {
			n++
			vals, err := rows.Values()
			require.NoError(t, err)
			for i, fd := range rows.FieldDescriptions() {
				v := vals[i]
				switch x := v.(type) {
				case time.Time:
					require.Equal(t, "date", typeName(t, b, fd.DataTypeOID), "%s.%s is not finer than a day", table, fd.Name)
					require.Equal(t, today, x.Format("2006-01-02"))
				case []byte:
					for _, tok := range tokens {
						require.NotContains(t, string(x), tok, "%s.%s", table, fd.Name)
					}
				}
				s := fmt.Sprint(v)
				if u, ok := v.([16]byte); ok {
					s = uuid.UUID(u).String()
				}
				for _, f := range forbidden {
					require.NotEqual(t, f, s, "%s.%s holds an identity, ballot or token", table, fd.Name)
					require.False(t, strings.Contains(s, f), "%s.%s holds an identity, ballot or token", table, fd.Name)
				}
				require.NotContains(t, []string{"timestamptz", "timestamp", "time", "timetz", "serial", "int8", "int4"},
					typeName(t, b, fd.DataTypeOID), "%s.%s", table, fd.Name)
			}
		}
		require.NoError(t, rows.Err())
		rows.Close()
		require.Equal(t, map[string]int{"budget_survey_tokens": 3, "budget_survey_responses": 2}[table], n, table)
	}
	// The answer row names neither the token nor anything else but the
	// edition, the day and the answers.
	var cols []string
	rows, err = b.pool.Query(b.ctx, `select column_name::text from information_schema.columns
		where table_name = 'budget_survey_responses' order by ordinal_position`)
	require.NoError(t, err)
	cols, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"id", "edition_id", "answered_on", "migration_experience", "minority_member", "first_language",
		"learned_from", "first_time_voter"}, cols)
	var used int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from budget_survey_tokens where used`).Scan(&used))
	require.Equal(t, 2, used)
}

func typeName(t *testing.T, b *bundle, oid uint32) string {
	t.Helper()
	var name string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select typname::text from pg_type where oid = $1`, oid).Scan(&name))
	return name
}

func TestSurvey_TokenIsSingleUse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	tok, err := b.svc.IssueSurveyToken(b.ctx, k.edition.ID)
	require.NoError(t, err)

	require.NoError(t, b.svc.AnswerSurvey(b.anonymous(), tok, budget.SurveyAnswers{budget.QuestionFirstTime: "no"}))
	err = b.svc.AnswerSurvey(b.anonymous(), tok, budget.SurveyAnswers{budget.QuestionFirstTime: "yes"})
	requireAppErr(t, err, apperr.Conflict, "budget.survey_token_used", "")
	err = b.svc.AnswerSurvey(b.anonymous(), "unknown-token-0123456789012345678901234567", nil)
	requireAppErr(t, err, apperr.Forbidden, "budget.survey_token_invalid", "")
	err = b.svc.AnswerSurvey(b.anonymous(), "", nil)
	requireAppErr(t, err, apperr.Forbidden, "budget.survey_token_invalid", "")

	tok2, err := b.svc.IssueSurveyToken(b.ctx, k.edition.ID)
	require.NoError(t, err)
	err = b.svc.AnswerSurvey(b.anonymous(), tok2, budget.SurveyAnswers{budget.QuestionFirstLanguage: "de"})
	requireAppErr(t, err, apperr.InvalidInput, "budget.survey_answer_invalid", "answers")
	err = b.svc.AnswerSurvey(b.anonymous(), tok2, budget.SurveyAnswers{"religion": "yes"})
	requireAppErr(t, err, apperr.InvalidInput, "budget.survey_answer_invalid", "answers")
	// A refused answer does not spend the token.
	require.NoError(t, b.svc.AnswerSurvey(b.anonymous(), tok2, budget.SurveyAnswers{}))

	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from budget_survey_responses`).Scan(&n))
	require.Equal(t, 2, n)
}

func TestSurvey_DisabledEditionIssuesNoToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	official := b.official(t)
	_, err := b.svc.SetSurveyEnabled(b.resident(t), k.edition.ID, false)
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	_, err = b.svc.SetSurveyEnabled(official, k.edition.ID, false)
	require.NoError(t, err)

	r, err := b.svc.CastBallot(b.voter(t, k.edition.ID, "stare-miasto"), k.valid(key()))
	require.NoError(t, err)
	require.Empty(t, r.SurveyToken)
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from budget_survey_tokens`).Scan(&n))
	require.Zero(t, n)
}

// report reads the edition's report as an official.
func (b *bundle) report(t *testing.T, editionID uuid.UUID) *budget.SurveyReport {
	t.Helper()
	r, err := b.svc.SurveyReport(b.official(t), editionID)
	require.NoError(t, err)
	return r
}

func cell(r *budget.SurveyReport, question, answer string) *int {
	for _, q := range r.Questions {
		if q.Question == question {
			for _, c := range q.Cells {
				if c.Answer == answer {
					return c.Count
				}
			}
		}
	}
	panic("no cell " + question + "/" + answer)
}

func ip(v int) *int { return &v }

func TestSurveyReport_NineTenAndElevenRespondents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	all := func(int) budget.SurveyAnswers {
		return budget.SurveyAnswers{budget.QuestionMigration: "yes", budget.QuestionMinority: "no",
			budget.QuestionFirstLanguage: "uk", budget.QuestionLearnedFrom: "session", budget.QuestionFirstTime: "yes"}
	}
	// One edition per respondent count: each report is read once, after
	// the close, when no answer can follow it.
	closedReport := func(n int) *budget.SurveyReport {
		k := b.krakowEdition(t)
		b.answerMany(t, k.edition.ID, min(n, 10), all)
		b.answerMany(t, k.edition.ID, n-min(n, 10), func(int) budget.SurveyAnswers {
			return budget.SurveyAnswers{budget.QuestionMigration: "no"}
		})
		b.closeVoting(t, k.edition.ID)
		return b.report(t, k.edition.ID)
	}

	r := closedReport(9)
	require.Equal(t, &budget.SurveyReport{FewerThanMin: true, Questions: []budget.SurveyQuestionReport{}}, r, "9: nothing but fewer than 10")

	r = closedReport(10)
	require.False(t, r.FewerThanMin)
	require.Equal(t, ip(10), r.Respondents)
	// One cell of 10, every other cell 0: the zeros are withheld and
	// together hold 0 people, so the 10 is withheld too.
	for _, q := range r.Questions {
		for _, c := range q.Cells {
			require.Nil(t, c.Count, "%s/%s", q.Question, c.Answer)
		}
	}
	require.Nil(t, r.Indicator, "nobody outside the indicator's group: 0 would be published")

	r = closedReport(11)
	require.Equal(t, ip(11), r.Respondents)
	require.Nil(t, cell(r, budget.QuestionMigration, "yes"), "10 yes + 1 no: the 10 is the complement of the 1")
	require.Nil(t, cell(r, budget.QuestionMigration, "no"))
	require.Nil(t, r.Indicator)
}

func TestSurveyReport_ComplementarySuppression(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	// 40 respondents: migration yes 12, no 25, prefer not 3, not answered 0;
	// first language pl 20, uk 11, ru 9; minority yes 10 (all also
	// migrants), no 30.
	b.answerMany(t, k.edition.ID, 40, func(i int) budget.SurveyAnswers {
		a := budget.SurveyAnswers{}
		switch {
		case i < 12:
			a[budget.QuestionMigration] = "yes"
		case i < 37:
			a[budget.QuestionMigration] = "no"
		default:
			a[budget.QuestionMigration] = "prefer_not"
		}
		switch {
		case i < 20:
			a[budget.QuestionFirstLanguage] = "pl"
		case i < 31:
			a[budget.QuestionFirstLanguage] = "uk"
		default:
			a[budget.QuestionFirstLanguage] = "ru"
		}
		if i < 10 {
			a[budget.QuestionMinority] = "yes"
		} else {
			a[budget.QuestionMinority] = "no"
		}
		return a
	})
	b.closeVoting(t, k.edition.ID)
	r := b.report(t, k.edition.ID)
	require.Equal(t, ip(40), r.Respondents)
	// prefer_not 3 and not_answered 0 are withheld (sum 3 < 10), so the
	// smallest published cell (yes, 12) goes too.
	require.Nil(t, cell(r, budget.QuestionMigration, "yes"))
	require.Equal(t, ip(25), cell(r, budget.QuestionMigration, "no"))
	require.Nil(t, cell(r, budget.QuestionMigration, "prefer_not"))
	require.Nil(t, cell(r, budget.QuestionMigration, "not_answered"))
	// ru 9 and four empty cells hold 9 < 10: uk (11) is withheld too.
	require.Equal(t, ip(20), cell(r, budget.QuestionFirstLanguage, "pl"))
	require.Nil(t, cell(r, budget.QuestionFirstLanguage, "uk"))
	require.Nil(t, cell(r, budget.QuestionFirstLanguage, "ru"))
	// Minority: yes 10, no 30, the rest 0 (withheld, sum 0): yes goes too.
	require.Nil(t, cell(r, budget.QuestionMinority, "yes"))
	require.Equal(t, ip(30), cell(r, budget.QuestionMinority, "no"))
	// Union 12, others 28, neither yes cell published: the share is public.
	require.NotNil(t, r.Indicator)
	require.InDelta(t, 12.0/40.0, *r.Indicator, 1e-9)
	// No published cell of a question can be combined with the total to
	// give away a withheld one: the withheld ones always hold ≥ 10 people.
	for _, q := range r.Questions {
		published, hidden := 0, 0
		for _, c := range q.Cells {
			if c.Count != nil {
				require.GreaterOrEqual(t, *c.Count, budget.SurveyMinGroup)
				published += *c.Count
			} else {
				hidden++
			}
		}
		require.True(t, hidden == 0 || 40-published >= budget.SurveyMinGroup, q.Question)
		require.NotEqual(t, 1, hidden, q.Question)
	}
}

func TestSuppressCells(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		values []int
		hidden []bool
	}{
		{[]int{30, 20, 15}, []bool{false, false, false}},
		{[]int{30, 20, 5}, []bool{false, true, true}},           // one small cell: the next smallest goes too
		{[]int{30, 12, 5, 4}, []bool{false, true, true, true}},  // 5+4 = 9 < 10: still recoverable as a small group
		{[]int{30, 12, 6, 4}, []bool{false, false, true, true}}, // 6+4 = 10: neither can be told alone
		{[]int{10, 0}, []bool{true, true}},
		{[]int{25, 0, 0}, []bool{true, true, true}}, // zeros alone would give away 0 by differencing
		{[]int{9, 9, 9}, []bool{true, true, true}},
	} {
		require.Equal(t, c.hidden, budget.SuppressCells(c.values, 10), "%v", c.values)
	}
}

// The report is one final snapshot: nobody reads it while answers can
// still arrive (two readings around one answer would give it away); staff
// read it from the close, everyone once results are published.
func TestSurveyReport_WhoMayRead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	official, resident := b.official(t), b.resident(t)
	coordinator := b.staff(t, authz.RoleCoordinator, authz.GlobalDomain)
	admin := b.staff(t, authz.RoleAdmin, authz.GlobalDomain)
	staff := []context.Context{official, coordinator, admin}
	b.answerMany(t, k.edition.ID, 10, func(int) budget.SurveyAnswers { return nil })

	// Voting: staff read nothing either.
	for _, ctx := range append(staff, resident) {
		_, err := b.svc.SurveyReport(ctx, k.edition.ID)
		requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
		e, err := b.svc.Edition(ctx, k.edition.ID)
		require.NoError(t, err)
		require.False(t, b.svc.CanReadSurvey(ctx, e))
	}
	_, err := b.svc.SurveyReport(b.anonymous(), k.edition.ID)
	require.Equal(t, apperr.Unauthenticated, apperr.CodeOf(err))

	// Closed: staff read the final report; nobody else yet.
	b.closeVoting(t, k.edition.ID)
	var final *budget.SurveyReport
	for _, ctx := range staff {
		r, err := b.svc.SurveyReport(ctx, k.edition.ID)
		require.NoError(t, err)
		require.Equal(t, ip(10), r.Respondents)
		e, err := b.svc.Edition(ctx, k.edition.ID)
		require.NoError(t, err)
		require.True(t, b.svc.CanReadSurvey(ctx, e))
		final = r
	}
	// All 10 skipped the question: publishing that cell would tell that
	// nobody answered, a count of 0.
	require.Nil(t, cell(final, budget.QuestionFirstTime, "not_answered"))
	require.Nil(t, cell(final, budget.QuestionFirstTime, "yes"))
	_, err = b.svc.SurveyReport(resident, k.edition.ID)
	requireAppErr(t, err, apperr.Forbidden, "error.forbidden", "")
	_, err = b.svc.SurveyReport(b.anonymous(), k.edition.ID)
	require.Equal(t, apperr.Unauthenticated, apperr.CodeOf(err))

	// Published: everyone reads the same report.
	b.publishResults(t, k.edition.ID)
	for _, ctx := range append(staff, resident, b.anonymous()) {
		r, err := b.svc.SurveyReport(ctx, k.edition.ID)
		require.NoError(t, err)
		require.Equal(t, final, r)
	}
}

// After the close no answer is taken, so the report read at the close
// stays the final one; the refused token is not spent.
func TestSurvey_AnswersOnlyWhileVoting(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	b.answerMany(t, k.edition.ID, 10, func(int) budget.SurveyAnswers {
		return budget.SurveyAnswers{budget.QuestionFirstTime: "yes"}
	})
	late, err := b.svc.IssueSurveyToken(b.ctx, k.edition.ID)
	require.NoError(t, err)
	b.closeVoting(t, k.edition.ID)
	atClose := b.report(t, k.edition.ID)
	require.Equal(t, ip(10), atClose.Respondents)

	err = b.svc.AnswerSurvey(b.anonymous(), late, budget.SurveyAnswers{budget.QuestionFirstTime: "no"})
	requireAppErr(t, err, apperr.PhaseClosed, "budget.survey_closed", "")
	requireTokenUnused := func() {
		t.Helper()
		// The late token is the only one left unused; no answer was stored.
		var tokens, unused, answers int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*), count(*) filter (where not used),
			(select count(*) from budget_survey_responses where edition_id = $1) from budget_survey_tokens where edition_id = $1`,
			k.edition.ID).Scan(&tokens, &unused, &answers))
		require.Equal(t, []int{11, 1, 10}, []int{tokens, unused, answers})
	}
	requireTokenUnused()
	require.Equal(t, atClose, b.report(t, k.edition.ID))

	b.publishResults(t, k.edition.ID)
	err = b.svc.AnswerSurvey(b.anonymous(), late, budget.SurveyAnswers{budget.QuestionFirstTime: "no"})
	requireAppErr(t, err, apperr.PhaseClosed, "budget.survey_closed", "")
	requireTokenUnused()
	r, err := b.svc.SurveyReport(b.anonymous(), k.edition.ID)
	require.NoError(t, err)
	require.Equal(t, atClose, r)
}
