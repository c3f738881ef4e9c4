package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
)

func sessionOut(s *budget.Session) *model.BudgetSession {
	return &model.BudgetSession{ID: gid.Encode("BudgetSession", s.ID), S: s}
}

func registrationStatusOut(status string) *model.RegistrationStatus {
	if status == "" {
		return nil
	}
	v := model.RegistrationStatus(strings.ToUpper(status))
	return &v
}

// sessionInput decodes the fields shared by creating and updating a session.
func sessionInput(editionID uuid.UUID, title string, description *string, in *model.CreateBudgetSessionInput) budget.SessionInput {
	si := budget.SessionInput{EditionID: editionID, Title: title, Locale: in.Locale, StartsAt: in.StartsAt, EndsAt: in.EndsAt,
		Place: in.Place, Capacity: in.Capacity}
	if description != nil {
		si.Description = *description
	}
	if in.Online != nil {
		si.Online = *in.Online
	}
	for _, l := range in.Languages {
		si.Languages = append(si.Languages, string(l))
	}
	return si
}

// sessionAction runs a change of one session by a signed-in caller.
func (r *Resolver) sessionAction(ctx context.Context, sessionID string, act func(context.Context, uuid.UUID) (*budget.Session, error)) (*model.BudgetSession, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	id, err := gid.Expect(sessionID, "BudgetSession", "sessionId")
	if err != nil {
		return nil, err
	}
	s, err := act(ctx, id)
	if err != nil {
		return nil, err
	}
	return sessionOut(s), nil
}

func (r *Resolver) budgetSessions(ctx context.Context, editionID uuid.UUID, first *int, after *string) (*model.BudgetSessionConnection, error) {
	n, err := r.pageSize(first)
	if err != nil {
		return nil, err
	}
	page, err := r.Budget.Sessions(ctx, editionID, n, deref(after))
	if err != nil {
		return nil, err
	}
	out := &model.BudgetSessionConnection{TotalCount: page.Total, Edges: []model.BudgetSessionEdge{}}
	cursors := make([]string, 0, len(page.Items))
	for _, s := range page.Items {
		c := r.Budget.SessionCursor(s)
		cursors = append(cursors, c)
		out.Edges = append(out.Edges, model.BudgetSessionEdge{Cursor: c, Node: sessionOut(s)})
	}
	out.PageInfo = pageInfo(cursors, page.HasNext, deref(after) != "")
	return out, nil
}

// surveyAnswersIn maps the GraphQL answers to the service's answer codes.
func surveyAnswersIn(in *model.ParticipationSurveyAnswersInput) budget.SurveyAnswers {
	out := budget.SurveyAnswers{}
	if in == nil {
		return out
	}
	code := func(v string) string {
		if v == "PREFER_NOT_TO_SAY" {
			return budget.AnswerPreferNot
		}
		return strings.ToLower(v)
	}
	if in.MigrationExperience != nil {
		out[budget.QuestionMigration] = code(string(*in.MigrationExperience))
	}
	if in.MinorityMember != nil {
		out[budget.QuestionMinority] = code(string(*in.MinorityMember))
	}
	if in.FirstLanguage != nil {
		out[budget.QuestionFirstLanguage] = code(string(*in.FirstLanguage))
	}
	if in.LearnedFrom != nil {
		out[budget.QuestionLearnedFrom] = code(string(*in.LearnedFrom))
	}
	if in.FirstTimeVoter != nil {
		out[budget.QuestionFirstTime] = code(string(*in.FirstTimeVoter))
	}
	return out
}

// surveyReportOut is the report as published; nil when the caller may not
// read it.
func (r *Resolver) surveyReportOut(ctx context.Context, editionID uuid.UUID) (*model.ParticipationSurveyReport, error) {
	rep, err := r.Budget.SurveyReport(ctx, editionID)
	if code := apperr.CodeOf(err); code == apperr.Unauthenticated || code == apperr.Forbidden || code == apperr.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := &model.ParticipationSurveyReport{FewerThanMinimum: rep.FewerThanMin, MinimumGroup: budget.SurveyMinGroup,
		RespondentCount: rep.Respondents, Indicator: rep.Indicator, Questions: []model.ParticipationSurveyQuestionResult{}}
	for _, q := range rep.Questions {
		qr := model.ParticipationSurveyQuestionResult{Question: model.ParticipationSurveyQuestion(strings.ToUpper(q.Question)),
			Counts: []model.ParticipationSurveyCount{}}
		for _, c := range q.Cells {
			answer := strings.ToUpper(c.Answer)
			if c.Answer == budget.AnswerPreferNot {
				answer = "PREFER_NOT_TO_SAY"
			}
			qr.Counts = append(qr.Counts, model.ParticipationSurveyCount{Answer: answer, Count: c.Count})
		}
		out.Questions = append(out.Questions, qr)
	}
	return out, nil
}
