package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
	"github.com/vikstrous/dataloadgen"

	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/page"
	"github.com/otwarty/otwarty/internal/programme"
)

// loaders batch the lookups of one response (one HTTP operation, or one
// subscription event) so a page costs the same number of statements at any
// size. They are never shared between responses: their caches would go stale
// on a long-lived WebSocket.
type loaders struct {
	orgs     *dataloadgen.Loader[uuid.UUID, *model.Organisation]
	texts    *dataloadgen.Loader[uuid.UUID, *i18n.Text]
	accounts *dataloadgen.Loader[uuid.UUID, *string]
	versions *dataloadgen.Loader[uuid.UUID, []i18n.Version]

	consultations *dataloadgen.Loader[uuid.UUID, *model.Consultation]
	submissions   *dataloadgen.Loader[uuid.UUID, *model.Submission]
	sections      *dataloadgen.Loader[uuid.UUID, []consultation.Section]
	questions     *dataloadgen.Loader[uuid.UUID, []consultation.Question]
	supported     *dataloadgen.Loader[uuid.UUID, bool]
	following     *dataloadgen.Loader[uuid.UUID, bool]
	answers       *dataloadgen.Loader[uuid.UUID, *consultation.Answer]
	// Projects of an edition's pools, by edition.
	budgetProjects *dataloadgen.Loader[uuid.UUID, map[uuid.UUID][]budget.Project]
	// Texts of submissions and of answers' reasons, primed per page.
	submissionTexts *dataloadgen.Loader[uuid.UUID, *i18n.Text]
	reasonTexts     *dataloadgen.Loader[uuid.UUID, *i18n.Text]
	// Civic-budget project pages (budget_loaders.go).
	budget budgetLoaders
	// The Ambassador's nominations and editions (ambassador_loaders.go).
	ambassador ambassadorLoaders
	// Quorums of body meetings, by meeting.
	bodyQuorums *dataloadgen.Loader[uuid.UUID, *dialogue.Quorum]
	// Candidates, voters, results and the viewer's actions of elections.
	electionDetails *dataloadgen.Loader[uuid.UUID, *dialogue.ElectionDetail]
	// Votes, live numbers, results and the viewer's actions of motions.
	motionDetails *dataloadgen.Loader[uuid.UUID, *dialogue.MotionDetail]
	// The first page of motions' amendments.
	amendments *dataloadgen.Loader[amendmentsKey, page.Page[*dialogue.Motion]]
	// Entered values of programme indicators, by indicator.
	programmeValues *dataloadgen.Loader[uuid.UUID, []*programme.Value]
}

// amendmentsKey is a motion and the size of the first page of its
// amendments.
type amendmentsKey struct {
	parent uuid.UUID
	first  int
}

type loadersKey struct{}

// withLoaders gives one response its loaders, made on first use: a
// subscription waiting for its next event (thousands of them, idle) holds
// none.
func withLoaders(ctx context.Context, r *Resolver) context.Context {
	return context.WithValue(ctx, loadersKey{}, &lazyLoaders{r: r, ctx: ctx})
}

// lazyLoaders finds the viewer on first use too: a subscription event that
// needs no loader does not look it up (for an anonymous caller, a search of
// the whole context, per event and subscriber).
type lazyLoaders struct {
	once sync.Once
	r    *Resolver
	ctx  context.Context // the response's, for its viewer; lives as long as the response
	l    *loaders
}

func (z *lazyLoaders) get() *loaders {
	z.once.Do(func() { z.l = newLoaders(z.r, authz.SubjectFrom(z.ctx).AccountID) })
	return z.l
}

// newLoaders makes the loaders of one response; viewer is the caller.
func newLoaders(r *Resolver, viewer uuid.UUID) *loaders {
	l := &loaders{
		orgs: mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*model.Organisation, error) {
			found, err := r.Orgs.ByIDs(ctx, ids)
			if err != nil {
				return nil, err
			}
			out := make(map[uuid.UUID]*model.Organisation, len(ids))
			for _, id := range ids {
				if o, ok := found[id]; ok {
					out[id] = organisationOut(o)
				} else {
					out[id] = nil
				}
			}
			return out, nil
		}),
		texts: mapped(r, loadTexts(r)),
		versions: mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]i18n.Version, error) {
			found, err := i18n.VersionsOf(ctx, r.Pool, ids)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				if _, ok := found[id]; !ok {
					found[id] = []i18n.Version{}
				}
			}
			return found, nil
		}),
		// Only display names leave this loader: other people's accounts are private.
		accounts: mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*string, error) {
			found, err := r.Identity.AccountsByIDs(ctx, ids)
			if err != nil {
				return nil, err
			}
			out := make(map[uuid.UUID]*string, len(ids))
			for _, id := range ids {
				if a, ok := found[id]; ok {
					name := a.DisplayName
					out[id] = &name
				} else {
					out[id] = nil
				}
			}
			return out, nil
		}),
	}
	l.consultations = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*model.Consultation, error) {
		found, err := r.Consultations.ByIDs(ctx, ids)
		return convert(ids, found, err, consultationOut)
	})
	l.submissions = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*model.Submission, error) {
		found, err := r.Consultations.SubmissionsByIDs(ctx, ids)
		return convert(ids, found, err, submissionOut)
	})
	l.sections = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]consultation.Section, error) {
		found, err := r.Consultations.SectionsOf(ctx, ids)
		return fill(ids, found, err)
	})
	l.questions = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]consultation.Question, error) {
		found, err := r.Consultations.QuestionsOf(ctx, ids)
		return fill(ids, found, err)
	})
	l.supported = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
		if viewer == uuid.Nil {
			return fill(ids, map[uuid.UUID]bool{}, nil)
		}
		found, err := r.Consultations.SupportedBy(ctx, viewer, ids)
		return fill(ids, found, err)
	})
	l.following = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
		if viewer == uuid.Nil {
			return fill(ids, map[uuid.UUID]bool{}, nil)
		}
		found, err := r.Consultations.FollowedBy(ctx, viewer, ids)
		return fill(ids, found, err)
	})
	l.budgetProjects = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]map[uuid.UUID][]budget.Project, error) {
		out := make(map[uuid.UUID]map[uuid.UUID][]budget.Project, len(ids))
		for _, id := range ids { // one edition per page in practice
			ps, err := r.Budget.EditionProjects(ctx, id)
			if err != nil {
				return nil, err
			}
			out[id] = ps
		}
		return out, nil
	})
	l.budget = newBudgetLoaders(r, viewer)
	l.ambassador = newAmbassadorLoaders(r)
	l.bodyQuorums = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*dialogue.Quorum, error) {
		found, err := r.Dialogue.Quorums(ctx, r.Pool, ids)
		return fill(ids, found, err)
	})
	l.electionDetails = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*dialogue.ElectionDetail, error) {
		found, err := r.DialogueElections.Details(ctx, ids)
		return fill(ids, found, err)
	})
	l.motionDetails = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*dialogue.MotionDetail, error) {
		found, err := r.DialogueMotions.Details(ctx, ids)
		return fill(ids, found, err)
	})
	firstAmendments := func(ctx context.Context, keys []amendmentsKey) (map[amendmentsKey]page.Page[*dialogue.Motion], error) {
		byFirst := map[int][]uuid.UUID{}
		for _, k := range keys {
			byFirst[k.first] = append(byFirst[k.first], k.parent)
		}
		out := make(map[amendmentsKey]page.Page[*dialogue.Motion], len(keys))
		for first, parents := range byFirst {
			found, err := r.DialogueMotions.FirstAmendments(ctx, parents, first)
			if err != nil {
				return nil, err
			}
			for p, pg := range found {
				out[amendmentsKey{p, first}] = pg
			}
		}
		return out, nil
	}
	if r.BatchWait > 0 {
		l.amendments = dataloadgen.NewMappedLoader(firstAmendments, dataloadgen.WithWait(r.BatchWait))
	} else {
		l.amendments = dataloadgen.NewMappedLoader(firstAmendments)
	}
	l.submissionTexts = mapped(r, loadTexts(r))
	l.reasonTexts = mapped(r, loadTexts(r))
	l.answers = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*consultation.Answer, error) {
		found, err := r.Consultations.AnswersOf(ctx, ids)
		// Their reasons are read next: one batch for all of them.
		reasons := make([]uuid.UUID, 0, len(found))
		for _, a := range found {
			if a != nil {
				reasons = append(reasons, a.ReasonTextID)
			}
		}
		l.reasonTexts.LoadAllThunk(ctx, reasons)
		return fill(ids, found, err)
	})
	l.programmeValues = mapped(r, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]*programme.Value, error) {
		found, err := r.Programmes.Values(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if found[id] == nil {
				found[id] = []*programme.Value{}
			}
		}
		return found, nil
	})
	return l
}

func loadTexts(r *Resolver) func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*i18n.Text, error) {
	return func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*i18n.Text, error) {
		found, err := i18n.Load(ctx, r.Pool, ids)
		return fill(ids, found, err)
	}
}

// mapped is a loader of one response, batching the keys asked within
// r.BatchWait (the library's 16 ms when zero).
func mapped[V any](r *Resolver, f func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]V, error)) *dataloadgen.Loader[uuid.UUID, V] {
	if r.BatchWait > 0 {
		return dataloadgen.NewMappedLoader(f, dataloadgen.WithWait(r.BatchWait))
	}
	return dataloadgen.NewMappedLoader(f)
}

// convert maps found domain objects; ids not found (or not visible) load as nil.
func convert[D any, M any](ids []uuid.UUID, found map[uuid.UUID]D, err error, out func(D) *M) (map[uuid.UUID]*M, error) {
	if err != nil {
		return nil, err
	}
	res := make(map[uuid.UUID]*M, len(ids))
	for _, id := range ids {
		if d, ok := found[id]; ok {
			res[id] = out(d)
		} else {
			res[id] = nil
		}
	}
	return res, nil
}

// fill gives every id a value, the zero value when none was found.
func fill[V any](ids []uuid.UUID, found map[uuid.UUID]V, err error) (map[uuid.UUID]V, error) {
	if err != nil {
		return nil, err
	}
	if found == nil {
		found = make(map[uuid.UUID]V, len(ids))
	}
	for _, id := range ids {
		if _, ok := found[id]; !ok {
			var zero V
			found[id] = zero
		}
	}
	return found, nil
}

func (l *loaders) consultation(ctx context.Context, id uuid.UUID) (*model.Consultation, error) {
	return l.consultations.Load(ctx, id)
}

func (l *loaders) submission(ctx context.Context, id uuid.UUID) (*model.Submission, error) {
	return l.submissions.Load(ctx, id)
}

func loadersFrom(ctx context.Context) *loaders {
	return ctx.Value(loadersKey{}).(*lazyLoaders).get()
}

func (l *loaders) organisation(ctx context.Context, id uuid.UUID) (*model.Organisation, error) {
	return l.orgs.Load(ctx, id)
}

func (l *loaders) text(ctx context.Context, id uuid.UUID) (*i18n.Text, error) {
	return l.texts.Load(ctx, id)
}

func (l *loaders) forgetText(id uuid.UUID) {
	l.texts.Clear(id)
	l.submissionTexts.Clear(id)
	l.budget.projectTexts.Clear(id)
	l.ambassador.callTexts.Clear(id)
	l.versions.Clear(id)
}

// displayNames loads several names in one batch; uuid.Nil (the system) and
// deleted accounts give nil.
func (l *loaders) displayNames(ctx context.Context, ids []uuid.UUID) ([]*string, error) {
	thunks := make([]func() (*string, error), len(ids))
	for i, id := range ids {
		if id != uuid.Nil {
			thunks[i] = l.accounts.LoadThunk(ctx, id)
		}
	}
	out := make([]*string, len(ids))
	for i, th := range thunks {
		if th == nil {
			continue
		}
		name, err := th()
		if err != nil {
			return nil, err
		}
		out[i] = name
	}
	return out, nil
}

func (l *loaders) textVersions(ctx context.Context, id uuid.UUID) ([]i18n.Version, error) {
	return l.versions.Load(ctx, id)
}

// requested reports whether the current field's selection reaches path, e.g.
// requested(ctx, "edges", "node", "text"), following fragments.
func requested(ctx context.Context, path ...string) bool {
	oc := graphql.GetOperationContext(ctx)
	fields := graphql.CollectFieldsCtx(ctx, nil)
	for _, name := range path {
		var next *graphql.CollectedField
		for i := range fields {
			if fields[i].Name == name {
				next = &fields[i]
				break
			}
		}
		if next == nil {
			return false
		}
		fields = graphql.CollectFields(oc, next.Selections, nil)
	}
	return true
}

// primeSubmissions puts every key a page of submissions will ask for into one
// batch before the items resolve, so that the number of statements does not
// depend on when each item's goroutine happens to run.
func primeSubmissions(ctx context.Context, items []*consultation.Submission) {
	l := loadersFrom(ctx)
	ids, texts := make([]uuid.UUID, len(items)), make([]uuid.UUID, len(items))
	for i, s := range items {
		ids[i], texts[i] = s.ID, s.TextID
	}
	if requested(ctx, "edges", "node", "text") {
		l.submissionTexts.LoadAllThunk(ctx, texts)
	}
	if requested(ctx, "edges", "node", "viewerHasSupported") {
		l.supported.LoadAllThunk(ctx, ids)
	}
	if requested(ctx, "edges", "node", "answer") {
		l.answers.LoadAllThunk(ctx, ids)
	}
}

// primeOrganisations does the same for a page of organisations.
func primeOrganisations(ctx context.Context, texts []uuid.UUID) {
	l := loadersFrom(ctx)
	if requested(ctx, "edges", "node", "description") {
		l.texts.LoadAllThunk(ctx, texts)
	}
	if requested(ctx, "edges", "node", "descriptionTranslations") {
		l.versions.LoadAllThunk(ctx, texts)
	}
}

// electionDetail is the detail of an election the caller has been shown;
// an election gone since is an empty one.
func (l *loaders) electionDetail(ctx context.Context, id uuid.UUID) (*dialogue.ElectionDetail, error) {
	d, err := l.electionDetails.Load(ctx, id)
	if err == nil && d == nil {
		d = &dialogue.ElectionDetail{Candidates: []dialogue.Candidate{}}
	}
	return d, err
}

// motionDetail is the detail of a motion the caller has been shown; a
// motion gone since is an empty one.
func (l *loaders) motionDetail(ctx context.Context, id uuid.UUID) (*dialogue.MotionDetail, error) {
	d, err := l.motionDetails.Load(ctx, id)
	if err == nil && d == nil {
		d = &dialogue.MotionDetail{}
	}
	return d, err
}
