package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/i18n"
)

// budgetProjectOut maps a project; the proposer is not part of the model.
func budgetProjectOut(p budget.Project) model.BudgetProject {
	m := model.BudgetProject{ID: gid.Encode("BudgetProject", p.ID), Code: p.Code, Title: p.Title, Cost: p.Cost, P: &p,
		Status: model.BudgetProjectStatus(strings.ToUpper(p.Status)), CostEstimate: p.CostEstimate,
		SubmittedAt: p.SubmittedAt, SupportCount: p.SupportCount, WithdrawnAt: p.WithdrawnAt}
	if m.Status == "" {
		m.Status = model.BudgetProjectStatusEligible
	}
	if m.CostEstimate == 0 {
		m.CostEstimate = p.Cost
	}
	if p.Location != "" {
		m.Location = &p.Location
	}
	if p.Status == budget.ProjectWithdrawn {
		m.WithdrawnReason = &p.WithdrawnReason
	}
	if p.Decision != "" && p.DecidedAt != nil {
		m.Verification = &model.BudgetProjectVerification{Eligible: p.Decision == budget.ProjectEligible,
			VerifiedCost: p.VerifiedCost, DecidedAt: *p.DecidedAt}
		if p.DecisionReason != "" {
			m.Verification.Reason = &p.DecisionReason
		}
	}
	if a := p.Appeal; a != nil {
		m.Appeal = &model.BudgetProjectAppeal{Reason: a.Reason, Status: model.BudgetAppealStatus(strings.ToUpper(a.Status)),
			CreatedAt: a.CreatedAt, DecidedAt: a.DecidedAt}
		if a.DecisionReason != "" {
			m.Appeal.DecisionReason = &a.DecisionReason
		}
	}
	return m
}

func budgetProjectPtr(p *budget.Project) *model.BudgetProject {
	m := budgetProjectOut(*p)
	return &m
}

// budgetProjectByID resolves a project the caller may see (node, query).
func (r *Resolver) budgetProjectByID(ctx context.Context, key uuid.UUID) (*model.BudgetProject, error) {
	v, err := r.Budget.Project(ctx, key)
	return visibleOr(v, err, budgetProjectPtr)
}

// projectAction decodes a project id and runs a project mutation.
func (r *Resolver) projectAction(ctx context.Context, projectID string, act func(uuid.UUID) (*budget.Project, error)) (*model.BudgetProject, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	id, err := gid.Expect(projectID, "BudgetProject", "projectId")
	if err != nil {
		return nil, err
	}
	p, err := act(id)
	if err != nil {
		return nil, err
	}
	forgetBudgetProject(ctx, p)
	return budgetProjectPtr(p), nil
}

// budgetProjectPage is BudgetEdition.projects.
func (r *Resolver) budgetProjectPage(ctx context.Context, e *budget.Edition, filter *model.BudgetProjectFilter, first *int, after *string) (*model.BudgetProjectConnection, error) {
	n, err := r.pageSize(first)
	if err != nil {
		return nil, err
	}
	var f budget.ProjectFilter
	if filter != nil {
		if filter.PoolID != nil {
			id, err := gid.Expect(*filter.PoolID, "BudgetPool", "filter.poolId")
			if err != nil {
				return nil, err
			}
			f.PoolID = &id
		}
		if filter.Status != nil {
			f.Status = strings.ToLower(string(*filter.Status))
		}
		f.District = deref(filter.District)
	}
	p, err := r.Budget.EditionProjectList(ctx, e.ID, f, n, deref(after))
	if err != nil {
		return nil, err
	}
	primeBudgetProjects(ctx, e, p.Items) // budget_loaders.go
	edges, info := connect(p, after, budget.Project.Cursor, func(c string, it budget.Project) model.BudgetProjectEdge {
		return model.BudgetProjectEdge{Cursor: c, Node: budgetProjectPtr(&it)}
	})
	return &model.BudgetProjectConnection{TotalCount: p.Total, Edges: edges, PageInfo: info}, nil
}

// projectTitle is the localized title: the text of a resident's project,
// else the plain title of a staff-entered one (as an original in Polish).
func projectTitle(ctx context.Context, obj *model.BudgetProject, want *i18n.Locale) (*model.LocalizedString, error) {
	if obj.P != nil && obj.P.TitleTextID != nil {
		return budgetProjectText(ctx, obj.P.TitleTextID, want)
	}
	return &model.LocalizedString{Text: obj.Title, Locale: i18n.PL, IsOriginal: true,
		MissingLocales: []i18n.Locale{i18n.UK, i18n.EN, i18n.RU}}, nil
}

func viewerIsProposer(ctx context.Context, obj *model.BudgetProject) bool {
	sub := authz.SubjectFrom(ctx)
	return obj.P != nil && !sub.Anonymous() && obj.P.ProposerID == sub.AccountID
}

func projectText(title, description string, locale i18n.Locale, cost int64, location string) budget.ProjectText {
	return budget.ProjectText{Title: title, Description: description, Locale: locale, Cost: cost, Location: location}
}
