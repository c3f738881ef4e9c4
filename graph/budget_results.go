package graph

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/live"
)

// hiddenIsNil turns "may not see" into a null field.
func hiddenIsNil(err error) bool {
	code := apperr.CodeOf(err)
	return code == apperr.Unauthenticated || code == apperr.Forbidden || code == apperr.NotFound
}

func (r *Resolver) resultSettingsOut(ctx context.Context, e *budget.Edition) (*model.BudgetResultSettings, error) {
	st, err := r.Budget.ResultState(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	return &model.BudgetResultSettings{SignaturesRequired: st.SignaturesRequired, LiveResults: st.LiveResults,
		LiveThreshold: st.LiveThreshold}, nil
}

func (r *Resolver) certificationOut(ctx context.Context, c *budget.Certification) (*model.BudgetCertification, error) {
	m := &model.BudgetCertification{Computation: c.Computation, SignaturesRequired: c.SignaturesRequired, Certified: c.Certified(),
		InvalidBallots: c.InvalidBallots, PaperInvalidBallots: c.PaperInvalid, Note: c.Note,
		Signatures: []model.BudgetResultSignature{}, TieBreakNotes: []model.BudgetTieBreakNote{}}
	for _, s := range c.Signatures {
		m.Signatures = append(m.Signatures, model.BudgetResultSignature{Name: s.DisplayName, SignedAt: s.SignedAt})
	}
	for _, n := range c.TieBreakNotes {
		p, err := r.poolOf(ctx, c.EditionID, n.PoolID)
		if err != nil {
			return nil, err
		}
		m.TieBreakNotes = append(m.TieBreakNotes, model.BudgetTieBreakNote{Pool: p, Note: n.Note})
	}
	return m, nil
}

func (r *Resolver) certification(ctx context.Context, e *budget.Edition) (*model.BudgetCertification, error) {
	c, err := r.Budget.Certification(ctx, e.ID)
	if hiddenIsNil(err) || (err == nil && c == nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return r.certificationOut(ctx, c)
}

// tieBreaks maps a pool result's tie-breaks, read through the edition's
// results (same visibility as the result itself).
func (r *Resolver) tieBreaks(ctx context.Context, obj *model.BudgetPoolResult) ([]model.BudgetTieBreak, error) {
	results, err := r.Budget.Results(ctx, obj.EditionID)
	if err != nil {
		return nil, err
	}
	projects, err := r.poolProjects(ctx, obj.EditionID, obj.PoolID)
	if err != nil {
		return nil, err
	}
	out := []model.BudgetTieBreak{}
	for _, res := range results {
		if res.PoolID != obj.PoolID {
			continue
		}
		for _, tb := range res.TieBreaks {
			m := model.BudgetTieBreak{Score: int(tb.Score), Selected: []model.BudgetProject{}, PassedOver: []model.BudgetProject{}}
			for _, id := range tb.Selected {
				m.Selected = append(m.Selected, projects[id])
			}
			for _, id := range tb.PassedOver {
				m.PassedOver = append(m.PassedOver, projects[id])
			}
			out = append(out, m)
		}
	}
	return out, nil
}

func (r *Resolver) updateResultSettings(ctx context.Context, input model.UpdateBudgetResultSettingsInput) (*model.UpdateBudgetResultSettingsPayload, error) {
	e, err := r.editionAction(ctx, input.EditionID, func(ctx context.Context, id uuid.UUID) (*budget.Edition, error) {
		return r.Budget.UpdateResultSettings(ctx, id, budget.ResultSettingsInput{SignaturesRequired: input.SignaturesRequired,
			LiveResults: input.LiveResults, LiveThreshold: input.LiveThreshold})
	})
	if err != nil {
		return nil, err
	}
	return &model.UpdateBudgetResultSettingsPayload{Edition: e}, nil
}

func (r *Resolver) certifyResults(ctx context.Context, input model.CertifyBudgetResultsInput) (*model.CertifyBudgetResultsPayload, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	id, err := gid.Expect(input.EditionID, "BudgetEdition", "editionId")
	if err != nil {
		return nil, err
	}
	in := budget.CertifyInput{EditionID: id, InvalidBallots: input.InvalidBallots, Note: deref(input.Note)}
	for _, n := range input.TieBreakNotes {
		pool, err := gid.Expect(n.PoolID, "BudgetPool", "tieBreakNotes")
		if err != nil {
			return nil, err
		}
		in.TieBreakNotes = append(in.TieBreakNotes, budget.TieBreakNote{PoolID: pool, Note: n.Note})
	}
	c, err := r.Budget.Certify(ctx, in)
	if err != nil {
		return nil, err
	}
	e, err := r.Budget.Edition(ctx, id)
	if err != nil {
		return nil, err
	}
	cm, err := r.certificationOut(ctx, c)
	if err != nil {
		return nil, err
	}
	return &model.CertifyBudgetResultsPayload{Edition: editionOut(e), Certification: cm}, nil
}

// turnoutFanout converts each turnout snapshot of an edition once per view
// for all its subscribers. The pools and projects it shows are read once per
// edition when its first subscriber arrives, and again only if a snapshot
// names one it does not know (a project that became eligible while someone
// watched before the vote opened).
func (r *Resolver) turnoutFanout(reg *live.Registry) *live.Fanout[uuid.UUID, *model.BallotTurnout] {
	return budget.NewTurnoutFanout(r.Budget, reg, func(editionID uuid.UUID) (func(budget.Turnout) *model.BallotTurnout, error) {
		names := &turnoutNames{r: r, editionID: editionID}
		if err := names.load(); err != nil {
			return nil, err
		}
		globalID := gid.Encode("BudgetEdition", editionID)
		return func(t budget.Turnout) *model.BallotTurnout {
			m := &model.BallotTurnout{EditionID: globalID, Ballots: t.Ballots, At: t.At}
			if t.Standings != nil {
				m.Standings = names.standings(t.Standings)
			}
			return m
		}, nil
	})
}

// turnoutNames are the models of an edition's pools and eligible projects,
// shared by every subscriber of its turnout and read-only once made.
type turnoutNames struct {
	r         *Resolver
	editionID uuid.UUID

	mu       sync.Mutex
	pools    map[uuid.UUID]*model.BudgetPool
	projects map[uuid.UUID]*model.BudgetProject
}

// load reads them as the system: pools and eligible projects are public once
// the vote is open, and each subscriber's own view is decided apart.
func (n *turnoutNames) load() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pools, projects, err := n.r.Budget.LivePoolsAndProjects(ctx, n.editionID)
	if err != nil {
		return err
	}
	poolByID := map[uuid.UUID]*model.BudgetPool{}
	for _, p := range pools {
		poolByID[p.ID] = poolOut(p)
	}
	projectByID := map[uuid.UUID]*model.BudgetProject{}
	for _, ps := range projects {
		for _, p := range ps {
			m := projectOut(p)
			projectByID[p.ID] = &m
		}
	}
	n.mu.Lock()
	n.pools, n.projects = poolByID, projectByID
	n.mu.Unlock()
	return nil
}

func (n *turnoutNames) known(standings []budget.PoolStanding) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, ps := range standings {
		if n.pools[ps.PoolID] == nil {
			return false
		}
		for _, pr := range ps.Projects {
			if n.projects[pr.ProjectID] == nil {
				return false
			}
		}
	}
	return true
}

func (n *turnoutNames) standings(standings []budget.PoolStanding) []model.PoolStanding {
	if !n.known(standings) {
		if err := n.load(); err != nil {
			n.r.Log.Warn("live turnout: reload pools and projects", "edition", n.editionID, "err", err)
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	out := []model.PoolStanding{}
	for _, ps := range standings {
		s := model.PoolStanding{Pool: n.pools[ps.PoolID], Ballots: ps.Ballots, Withheld: ps.Withheld,
			Projects: []model.BudgetProjectStanding{}}
		if s.Pool == nil {
			continue
		}
		for _, pr := range ps.Projects {
			if p, ok := n.projects[pr.ProjectID]; ok {
				s.Projects = append(s.Projects, model.BudgetProjectStanding{Project: p, Votes: int(pr.Votes), Score: int(pr.Score)})
			}
		}
		out = append(out, s)
	}
	return out
}

// ballotTurnout streams an edition's turnout: every snapshot is converted
// once per view and shared by all subscribers.
func (r *Resolver) ballotTurnout(ctx context.Context, editionID string) (<-chan *model.BallotTurnout, error) {
	id, err := gid.Expect(editionID, "BudgetEdition", "editionId")
	if err != nil {
		return nil, err
	}
	return r.watchTurnout(ctx, id, endWith(ctx))
}

// WatchTurnout offers the ballotTurnout subscription's fan-out to the pages
// (web.Live) without the GraphQL transport: the same view decided for the
// caller in ctx, the same snapshots, closed when the caller may no longer
// watch or ctx ends.
func (r *Resolver) WatchTurnout(ctx context.Context, id uuid.UUID) (<-chan *model.BallotTurnout, error) {
	return r.watchTurnout(ctx, id, nil)
}

func (r *Resolver) watchTurnout(ctx context.Context, id uuid.UUID, onEnd func(bool)) (<-chan *model.BallotTurnout, error) {
	st, err := budget.SubscribeTurnoutFanout(ctx, r.Budget, r.live.turnout, "ballotTurnout", id, onEnd)
	if err != nil {
		return nil, err
	}
	return st.C(), nil
}
