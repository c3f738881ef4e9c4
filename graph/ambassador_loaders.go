package graph

import (
	"context"

	"github.com/google/uuid"
	"github.com/vikstrous/dataloadgen"

	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/attach"
	"github.com/otwarty/otwarty/internal/i18n"
)

// ambassadorLoaders batch what a page of nominations (or of editions) asks
// about each item, so that it costs the same number of statements at any
// size. Like the other loaders they live for one response.
type ambassadorLoaders struct {
	// Editions the viewer may see, by id.
	editions *dataloadgen.Loader[uuid.UUID, *model.AmbassadorEdition]
	// Categories and criteria, by edition.
	categories *dataloadgen.Loader[uuid.UUID, []ambassador.Category]
	criteria   *dataloadgen.Loader[uuid.UUID, []ambassador.Criterion]
	// Justifications, by nomination.
	justifications *dataloadgen.Loader[uuid.UUID, []ambassador.Justification]
	// The jury side and the files of nominations already seen.
	jury  *dataloadgen.Loader[*ambassador.Nomination, *ambassador.JuryDetail]
	files *dataloadgen.Loader[*ambassador.Nomination, []*attach.Attachment]
	// Phase histories and juries of editions already seen.
	phaseChanges *dataloadgen.Loader[*ambassador.Edition, []ambassador.PhaseChange]
	jurors       *dataloadgen.Loader[*ambassador.Edition, []ambassador.Juror]
	// The calls of a page of editions: a loader of their own, primed with the
	// page, so that the criteria's names (read once the criteria are) never
	// share or split a batch with them by chance.
	callTexts *dataloadgen.Loader[uuid.UUID, *i18n.Text]
}

// seen is a loader of objects the caller has been allowed to see (the
// service decides on the objects, not on ids), found by their id.
func seen[T any, V any](r *Resolver, id func(*T) uuid.UUID, f func(ctx context.Context, ns []*T) (map[uuid.UUID]V, error)) *dataloadgen.Loader[*T, V] {
	load := func(ctx context.Context, ns []*T) (map[*T]V, error) {
		found, err := f(ctx, ns)
		if err != nil {
			return nil, err
		}
		out := make(map[*T]V, len(ns))
		for _, n := range ns {
			out[n] = found[id(n)]
		}
		return out, nil
	}
	if r.BatchWait > 0 {
		return dataloadgen.NewMappedLoader(load, dataloadgen.WithWait(r.BatchWait))
	}
	return dataloadgen.NewMappedLoader(load)
}

func newAmbassadorLoaders(r *Resolver) ambassadorLoaders {
	return ambassadorLoaders{
		callTexts: mapped(r, loadTexts(r)),
		editions: mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*model.AmbassadorEdition, error) {
			found, err := r.Ambassador.EditionsByIDs(ctx, ids)
			return convert(ids, found, err, ambassadorEditionOut)
		}),
		categories: mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]ambassador.Category, error) {
			found, err := r.Ambassador.CategoriesOf(ctx, ids)
			return fill(ids, found, err)
		}),
		criteria: mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]ambassador.Criterion, error) {
			found, err := r.Ambassador.CriteriaOf(ctx, ids)
			return fill(ids, found, err)
		}),
		justifications: mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]ambassador.Justification, error) {
			found, err := r.Ambassador.JustificationsOf(ctx, ids)
			return fill(ids, found, err)
		}),
		jury:         seen(r, nominationID, r.Ambassador.JuryDetails),
		files:        seen(r, nominationID, r.AmbassadorFiles.OfMany),
		phaseChanges: seen(r, editionID, r.Ambassador.PhaseChangesOf),
		jurors:       seen(r, editionID, r.Ambassador.JurorsOf),
	}
}

func nominationID(n *ambassador.Nomination) uuid.UUID { return n.ID }

func editionID(e *ambassador.Edition) uuid.UUID { return e.ID }

// primeAmbassadorNominations puts every key a page of nominations will ask
// for into one batch per loader before the items resolve, so that the page
// costs the same statements however slowly its items resolve.
func primeAmbassadorNominations(ctx context.Context, items []*ambassador.Nomination) {
	l := loadersFrom(ctx).ambassador
	var ids, editions []uuid.UUID
	for _, n := range items {
		ids = append(ids, n.ID)
		editions = append(editions, n.EditionID)
	}
	node := func(field string) bool { return requested(ctx, "edges", "node", field) }
	if node("myReview") || node("scoreSheets") || node("discussion") || node("juryConflicts") {
		l.jury.LoadAllThunk(ctx, items)
	}
	if node("attachments") {
		l.files.LoadAllThunk(ctx, items)
	}
	if node("justifications") {
		l.justifications.LoadAllThunk(ctx, ids)
	}
	if node("justifications") || node("myReview") || node("scoreSheets") {
		l.criteria.LoadAllThunk(ctx, editions)
	}
	if node("category") {
		l.categories.LoadAllThunk(ctx, editions)
	}
	if node("edition") {
		l.editions.LoadAllThunk(ctx, editions)
	}
}

// primeAmbassadorEditions is primeAmbassadorNominations for a page of
// editions.
func primeAmbassadorEditions(ctx context.Context, items []*ambassador.Edition) {
	l := loadersFrom(ctx).ambassador
	var ids []uuid.UUID
	for _, e := range items {
		ids = append(ids, e.ID)
	}
	node := func(field string) bool { return requested(ctx, "edges", "node", field) }
	if node("categories") {
		l.categories.LoadAllThunk(ctx, ids)
	}
	if node("criteria") {
		l.criteria.LoadAllThunk(ctx, ids)
	}
	if node("jurors") {
		l.jurors.LoadAllThunk(ctx, items)
	}
	if node("phaseChanges") {
		l.phaseChanges.LoadAllThunk(ctx, items)
	}
	if node("call") {
		var calls []uuid.UUID
		for _, e := range items {
			if e.CallTextID != nil {
				calls = append(calls, *e.CallTextID)
			}
		}
		l.callTexts.LoadAllThunk(ctx, calls)
	}
}
