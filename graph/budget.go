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

func editionOut(e *budget.Edition) *model.BudgetEdition {
	return &model.BudgetEdition{ID: gid.Encode("BudgetEdition", e.ID), E: e, Year: e.Year, Currency: e.Currency,
		Status: model.BudgetEditionStatus(strings.ToUpper(string(e.Status))), VotingOpensAt: e.VotingOpensAt, VotingClosesAt: e.VotingClosesAt}
}

func poolOut(p budget.Pool) *model.BudgetPool {
	m := &model.BudgetPool{ID: gid.Encode("BudgetPool", p.ID), Key: p.ID, EditionID: p.EditionID, Name: p.Name, Kind: model.BudgetPoolKind(strings.ToUpper(p.Kind)),
		Budget: p.Budget, Rule: p.Rule, PickMode: model.BallotPickMode(strings.ToUpper(p.PickMode)), PickCount: p.PickCount,
		BallotKind: model.BallotKind(strings.ToUpper(p.BallotKind)), Required: p.Required, Points: []int{},
		MinProjectCost: p.MinProjectCost, MaxProjectCost: p.MaxProjectCost, SupportsRequired: p.SupportsRequired}
	if p.District != "" {
		d := p.District
		m.District = &d
	}
	for _, pt := range p.Points {
		m.Points = append(m.Points, int(pt))
	}
	return m
}

func projectOut(p budget.Project) model.BudgetProject {
	return budgetProjectOut(p) // budget_projects.go
}

// editionAction runs one of the edition's status changes.
func (r *Resolver) editionAction(ctx context.Context, editionID string, act func(context.Context, uuid.UUID) (*budget.Edition, error)) (*model.BudgetEdition, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	id, err := gid.Expect(editionID, "BudgetEdition", "editionId")
	if err != nil {
		return nil, err
	}
	e, err := act(ctx, id)
	if err != nil {
		return nil, err
	}
	return editionOut(e), nil
}

// poolProjects maps a pool's projects by id, through the per-response
// loader of the edition's projects (one query per edition).
func (r *Resolver) poolProjects(ctx context.Context, editionID, poolID uuid.UUID) (map[uuid.UUID]model.BudgetProject, error) {
	all, err := loadersFrom(ctx).budgetProjects.Load(ctx, editionID)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]model.BudgetProject, len(all[poolID]))
	for _, p := range all[poolID] {
		out[p.ID] = projectOut(p)
	}
	return out, nil
}

// poolOf finds a pool by id among its edition's pools, through the
// per-response loader of an edition's pools (budget_loaders.go).
func (r *Resolver) poolOf(ctx context.Context, editionID, poolID uuid.UUID) (*model.BudgetPool, error) {
	pools, err := loadersFrom(ctx).budget.pools.Load(ctx, editionID)
	if err != nil {
		return nil, err
	}
	for _, p := range pools {
		if p.ID == poolID {
			return poolOut(p), nil
		}
	}
	return nil, apperr.ErrNotFound
}
