package graph

import (
	"context"

	"github.com/google/uuid"
	"github.com/vikstrous/dataloadgen"

	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/i18n"
)

// budgetLoaders batch what a page of civic-budget projects asks about each
// project, so that the page costs the same number of statements at any size
// (DESIGN's quality target). Like the other loaders they live for one
// response.
type budgetLoaders struct {
	// Editions the viewer may read (for viewerCan), by id.
	editions *dataloadgen.Loader[uuid.UUID, *budget.Edition]
	// Pools of editions the viewer may read, by edition.
	pools *dataloadgen.Loader[uuid.UUID, []budget.Pool]
	// Whether the viewer supports a project, by project.
	supported *dataloadgen.Loader[uuid.UUID, bool]
	// Projects' titles and descriptions, primed per page.
	projectTexts *dataloadgen.Loader[uuid.UUID, *i18n.Text]
}

func newBudgetLoaders(r *Resolver, viewer uuid.UUID) budgetLoaders {
	return budgetLoaders{
		editions: mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*budget.Edition, error) {
			found, err := r.Budget.EditionsByIDs(ctx, ids)
			return fill(ids, found, err)
		}),
		pools: mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]budget.Pool, error) {
			found, err := r.Budget.PoolsOf(ctx, ids)
			return fill(ids, found, err)
		}),
		supported: mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
			if viewer == uuid.Nil {
				return fill(ids, map[uuid.UUID]bool{}, nil)
			}
			found, err := r.Budget.SupportedProjects(ctx, viewer, ids)
			return fill(ids, found, err)
		}),
		projectTexts: mapped(r, loadTexts(r)),
	}
}

// primeBudgetProjects puts every key a page of an edition's projects will
// ask for into one batch per loader before the items resolve (see
// primeSubmissions), and primes the page's edition (already loaded and
// visible) so that viewerCan costs no statement.
func primeBudgetProjects(ctx context.Context, e *budget.Edition, items []budget.Project) {
	all := loadersFrom(ctx)
	l := all.budget
	l.editions.Clear(e.ID)
	l.editions.Prime(e.ID, e)
	title, desc := requested(ctx, "edges", "node", "localizedTitle"), requested(ctx, "edges", "node", "description")
	ids := make([]uuid.UUID, 0, len(items))
	var texts, orgs []uuid.UUID
	for _, p := range items {
		ids = append(ids, p.ID)
		if title && p.TitleTextID != nil {
			texts = append(texts, *p.TitleTextID)
		}
		if desc && p.DescriptionTextID != nil {
			texts = append(texts, *p.DescriptionTextID)
		}
		if p.AssistedBy != nil {
			orgs = append(orgs, *p.AssistedBy)
		}
	}
	l.projectTexts.LoadAllThunk(ctx, texts)
	if requested(ctx, "edges", "node", "viewerHasSupported") {
		l.supported.LoadAllThunk(ctx, ids)
	}
	if requested(ctx, "edges", "node", "assistedBy") {
		all.orgs.LoadAllThunk(ctx, orgs)
	}
	if requested(ctx, "edges", "node", "pool") {
		l.pools.LoadThunk(ctx, e.ID)
	}
}

// forgetBudgetProject drops what a project mutation may have changed from
// the response's loaders (an operation may run several mutations).
func forgetBudgetProject(ctx context.Context, p *budget.Project) {
	l := loadersFrom(ctx).budget
	l.editions.Clear(p.EditionID)
	l.supported.Clear(p.ID)
	if p.TitleTextID != nil {
		l.projectTexts.Clear(*p.TitleTextID)
	}
	if p.DescriptionTextID != nil {
		l.projectTexts.Clear(*p.DescriptionTextID)
	}
}

// budgetProjectText resolves a project's title or description text.
func budgetProjectText(ctx context.Context, textID *uuid.UUID, want *i18n.Locale) (*model.LocalizedString, error) {
	return localizedFrom(ctx, loadersFrom(ctx).budget.projectTexts, textID, want)
}

// budgetViewerHasSupported is BudgetProject.viewerHasSupported.
func budgetViewerHasSupported(ctx context.Context, obj *model.BudgetProject) (bool, error) {
	if authz.SubjectFrom(ctx).Anonymous() || obj.P == nil {
		return false, nil
	}
	return loadersFrom(ctx).budget.supported.Load(ctx, obj.P.ID)
}

// budgetProjectViewerCan is BudgetProject.viewerCan: the edition comes from
// the response's loader (primed by a page), the checks are the service's.
func (r *Resolver) budgetProjectViewerCan(ctx context.Context, obj *model.BudgetProject) (*model.BudgetProjectViewerCan, error) {
	if obj.P == nil || authz.SubjectFrom(ctx).Anonymous() {
		return &model.BudgetProjectViewerCan{}, nil
	}
	e, err := loadersFrom(ctx).budget.editions.Load(ctx, obj.P.EditionID)
	if err != nil {
		return nil, err
	}
	can := r.Budget.ProjectViewerCanIn(ctx, e, obj.P)
	return &model.BudgetProjectViewerCan{Edit: can.Edit, Withdraw: can.Withdraw, Support: can.Support, Appeal: can.Appeal,
		Verify: can.Verify, DecideAppeal: can.DecideAppeal}, nil
}
