package budget

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pb"
)

// PoolResult is the count of one pool.
type PoolResult struct {
	PoolID   uuid.UUID
	Rule     string
	Ballots  int         // ballots with picks in this pool
	Selected []uuid.UUID // in the order selected
	Cost     int64       // grosze
	Projects []ProjectResult
	// TieBreaks are the ties that decided the outcome, in ranking order.
	TieBreaks []TieBreak
}

// TieBreak is a tie that decided a pool's outcome. Greedy rules rank
// projects by score and break equal scores by the published order (cheaper
// first, then the smaller code: pb.TieCostThenID). A group of projects with
// the same (positive) score is a deciding tie when the count took some of
// them (Selected, in order) and passed over others (PassedOver) that would
// have fitted in the money left when the group was reached: only the
// tie-break order put them behind. A group whose unselected projects cost
// more than that money is not a deciding tie, since no order within the
// group would have taken them. Equal Shares breaks ties in a project's price
// by a fixed order that is part of the rule (more approvals, then cost, then
// code); those are not recorded.
type TieBreak struct {
	Score      int64
	Selected   []uuid.UUID
	PassedOver []uuid.UUID
}

// ProjectResult is one project's count. Position is its place in the
// selection order (1-based), 0 when not selected.
type ProjectResult struct {
	ProjectID uuid.UUID
	Code      string
	Votes     int64
	Score     int64
	Position  int
}

// ComputeResults counts every pool of a closed edition by its rule
// ("manage") and stores the provisional results, replacing earlier ones:
// the recount is a new computation and voids the signatures of the last.
func (s *Service) ComputeResults(ctx context.Context, id uuid.UUID) ([]PoolResult, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := editionFor(ctx, tx, id, ActManage, "for update")
		if err != nil {
			return err
		}
		if e.Status != StatusClosed {
			return apperr.New(apperr.PhaseClosed, "budget.not_closed")
		}
		if err := s.mixAll(ctx, tx, e); err != nil {
			return err
		}
		_, err = storeResults(ctx, tx, e, actor)
		return err
	})
	if err != nil {
		return nil, err
	}
	return loadResults(ctx, s.pool, id)
}

// storeResults counts every pool of e (locked by the caller) and stores the
// results as the next computation; actor is zero for the results job.
func storeResults(ctx context.Context, tx *db.Tx, e *Edition, actor uuid.UUID) (int, error) {
	pools, err := loadPools(ctx, tx, e.ID)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `delete from budget_results where edition_id = $1`, e.ID); err != nil {
		return 0, fmt.Errorf("clear results: %w", err)
	}
	ballots, err := loadBallots(ctx, tx, e.ID)
	if err != nil {
		return 0, err
	}
	for _, p := range pools {
		r, err := countPool(ctx, tx, p, ballots[p.ID])
		if err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, `insert into budget_results (pool_id, edition_id, rule, ballots, selected, cost, computed_by)
			values ($1, $2, $3, $4, $5, $6, $7)`, p.ID, e.ID, p.Rule, r.Ballots, r.Selected, r.Cost, actorOrNil(actor)); err != nil {
			return 0, fmt.Errorf("insert result: %w", err)
		}
		for _, pr := range r.Projects {
			var pos *int
			if pr.Position > 0 {
				pos = &pr.Position
			}
			if _, err := tx.Exec(ctx, `insert into budget_result_projects (pool_id, project_id, votes, score, position)
				values ($1, $2, $3, $4, $5)`, p.ID, pr.ProjectID, pr.Votes, pr.Score, pos); err != nil {
				return 0, fmt.Errorf("insert project result: %w", err)
			}
		}
		for i, tb := range r.TieBreaks {
			if _, err := tx.Exec(ctx, `insert into budget_tie_breaks (pool_id, seq, score, selected, passed_over)
				values ($1, $2, $3, $4, $5)`, p.ID, i+1, tb.Score, tb.Selected, tb.PassedOver); err != nil {
				return 0, fmt.Errorf("insert tie-break: %w", err)
			}
		}
	}
	var computation int
	if err := tx.QueryRow(ctx, `insert into budget_result_state (edition_id, computation, computed_at) values ($1, 1, now())
		on conflict (edition_id) do update set computation = budget_result_state.computation + 1, computed_at = now()
		returning computation`, e.ID).Scan(&computation); err != nil {
		return 0, fmt.Errorf("store computation: %w", err)
	}
	return computation, audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.results_compute",
		ObjectType: "budget_edition", ObjectID: e.ID.String(), Data: map[string]any{"computation": computation}})
}

// loadBallots reads an edition's ballots in one pass: per pool, each
// ballot's picked projects in rank order, the ballots in id order.
func loadBallots(ctx context.Context, q db.Querier, edition uuid.UUID) (map[uuid.UUID][][]uuid.UUID, error) {
	rows, err := q.Query(ctx, `select pick_pools, pick_projects from budget_ballots where edition_id = $1 order by id`, edition)
	if err != nil {
		return nil, fmt.Errorf("read picks: %w", err)
	}
	defer rows.Close()
	out := map[uuid.UUID][][]uuid.UUID{}
	var pools, projects []uuid.UUID
	for rows.Next() {
		if err := rows.Scan(&pools, &projects); err != nil {
			return nil, fmt.Errorf("scan picks: %w", err)
		}
		// The picks lie in (pool, rank) order (the table's check).
		for i := 0; i < len(pools); {
			j := i + 1
			for j < len(pools) && pools[j] == pools[i] {
				j++
			}
			out[pools[i]] = append(out[pools[i]], slices.Clone(projects[i:j]))
			i = j
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read picks: %w", err)
	}
	return out, nil
}

// countPool builds a pb.Instance from the pool's ballots (each its
// projects in rank order; project codes as ids, so ties break as in
// Pabulib files) and applies the rule.
func countPool(ctx context.Context, q db.Querier, p Pool, ballots [][]uuid.UUID) (PoolResult, error) {
	projects, err := loadProjects(ctx, q, p.ID)
	if err != nil {
		return PoolResult{}, err
	}
	voteType := pb.Ordinal
	if p.BallotKind == BallotApproval {
		voteType = pb.Approval
	}
	in := &pb.Instance{Meta: []pb.KV{{Key: "budget", Value: pb.FormatAmount(p.Budget)}, {Key: "vote_type", Value: voteType},
		{Key: "max_length", Value: strconv.Itoa(len(p.Points))}}}
	code, byCode := map[uuid.UUID]string{}, map[string]uuid.UUID{}
	for _, pr := range projects {
		code[pr.ID], byCode[pr.Code] = pr.Code, pr.ID
		in.Projects = append(in.Projects, pb.Project{ID: pr.Code, Cost: pr.Cost})
	}
	for i, picked := range ballots {
		v := pb.Vote{VoterID: strconv.Itoa(i + 1), Projects: make([]string, len(picked))}
		for j, project := range picked {
			v.Projects[j] = code[project]
		}
		in.Votes = append(in.Votes, v)
	}

	res, points, err := countInstance(p, in)
	if err != nil {
		return PoolResult{}, err
	}
	scores, votes := pb.Scores(in, points), pb.Votes(in)
	out := PoolResult{PoolID: p.ID, Rule: p.Rule, Ballots: len(in.Votes), Cost: res.Cost, Selected: []uuid.UUID{}}
	if p.Rule == RuleGreedy || p.Rule == RuleGreedyNoSkip {
		for _, tb := range greedyTies(in, scores, res.Selected, p.Budget) {
			t := TieBreak{Score: tb.score}
			for _, c := range tb.selected {
				t.Selected = append(t.Selected, byCode[c])
			}
			for _, c := range tb.passedOver {
				t.PassedOver = append(t.PassedOver, byCode[c])
			}
			out.TieBreaks = append(out.TieBreaks, t)
		}
	}
	position := map[string]int{}
	for i, c := range res.Selected {
		out.Selected = append(out.Selected, byCode[c])
		position[c] = i + 1
	}
	for _, pr := range projects {
		out.Projects = append(out.Projects, ProjectResult{ProjectID: pr.ID, Code: pr.Code, Votes: votes[pr.Code],
			Score: scores[pr.Code], Position: position[pr.Code]})
	}
	return out, nil
}

// countInstance applies the pool's rule to in; points are the points by
// rank used for scores (nil for approval ballots and Equal Shares).
func countInstance(p Pool, in *pb.Instance) (pb.Result, []int64, error) {
	switch p.Rule {
	case RuleGreedy, RuleGreedyNoSkip:
		var points []int64
		if p.BallotKind == BallotRanked {
			points = p.Points
		}
		return pb.Greedy(in, points, p.Rule == RuleGreedy, pb.TieCostThenID), points, nil
	}
	opts, err := pb.MESRule(p.Rule)
	if err != nil {
		return pb.Result{}, nil, fmt.Errorf("pool %s: %w", p.ID, err)
	}
	res, err := pb.EqualShares(in, opts)
	if err != nil {
		return pb.Result{}, nil, fmt.Errorf("pool %s: %w", p.ID, err)
	}
	return res, nil, nil
}

type tieGroup struct {
	score                int64
	selected, passedOver []string
}

// greedyTies finds the deciding ties of a greedy count (see TieBreak).
func greedyTies(in *pb.Instance, scores map[string]int64, selected []string, budget int64) []tieGroup {
	chosen := map[string]bool{}
	for _, c := range selected {
		chosen[c] = true
	}
	ranking := pb.Ranking(in, scores, pb.TieCostThenID)
	var out []tieGroup
	left := budget
	for i := 0; i < len(ranking); {
		j := i
		for j < len(ranking) && scores[ranking[j].ID] == scores[ranking[i].ID] {
			j++
		}
		group, start := ranking[i:j], left
		var g tieGroup
		g.score = scores[ranking[i].ID]
		for _, pr := range group {
			if chosen[pr.ID] {
				g.selected = append(g.selected, pr.ID)
				left -= pr.Cost
			}
		}
		for _, pr := range group {
			if !chosen[pr.ID] && pr.Cost <= start {
				g.passedOver = append(g.passedOver, pr.ID)
			}
		}
		if g.score > 0 && len(g.selected) > 0 && len(g.passedOver) > 0 {
			out = append(out, g)
		}
		i = j
	}
	return out
}

// Results returns an edition's stored results: to anyone once published,
// to its staff at any time.
func (s *Service) Results(ctx context.Context, id uuid.UUID) ([]PoolResult, error) {
	if _, err := resultsEdition(ctx, s.pool, id); err != nil {
		return nil, err
	}
	return loadResults(ctx, s.pool, id)
}

func loadResults(ctx context.Context, q db.Querier, id uuid.UUID) ([]PoolResult, error) {
	rows, err := q.Query(ctx, `select r.pool_id, r.rule, r.ballots, r.selected, r.cost from budget_results r
		join budget_pools l on l.id = r.pool_id where r.edition_id = $1 order by l.position, l.id`, id)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	var out []PoolResult
	for rows.Next() {
		var r PoolResult
		if err := rows.Scan(&r.PoolID, &r.Rule, &r.Ballots, &r.Selected, &r.Cost); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan result: %w", err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	// Every pool's project counts and tie-breaks in one query each, not one
	// per pool.
	index := make(map[uuid.UUID]int, len(out))
	for i := range out {
		index[out[i].PoolID] = i
	}
	prs, err := q.Query(ctx, `select x.pool_id, p.id, p.code, x.votes, x.score, coalesce(x.position, 0)
		from budget_result_projects x join budget_results r on r.pool_id = x.pool_id
		join budget_projects p on p.id = x.project_id where r.edition_id = $1 order by x.pool_id, x.score desc, p.code`, id)
	if err != nil {
		return nil, fmt.Errorf("read project results: %w", err)
	}
	for prs.Next() {
		var pool uuid.UUID
		var pr ProjectResult
		if err := prs.Scan(&pool, &pr.ProjectID, &pr.Code, &pr.Votes, &pr.Score, &pr.Position); err != nil {
			prs.Close()
			return nil, fmt.Errorf("scan project result: %w", err)
		}
		// Results written since the first query (the results job may be
		// running) belong to a pool not read yet: skip them.
		if i, ok := index[pool]; ok {
			out[i].Projects = append(out[i].Projects, pr)
		}
	}
	prs.Close()
	if err := prs.Err(); err != nil {
		return nil, fmt.Errorf("read project results: %w", err)
	}
	tbs, err := q.Query(ctx, `select t.pool_id, t.score, t.selected, t.passed_over from budget_tie_breaks t
		join budget_results r on r.pool_id = t.pool_id where r.edition_id = $1 order by t.pool_id, t.seq`, id)
	if err != nil {
		return nil, fmt.Errorf("read tie-breaks: %w", err)
	}
	for tbs.Next() {
		var pool uuid.UUID
		var tb TieBreak
		if err := tbs.Scan(&pool, &tb.Score, &tb.Selected, &tb.PassedOver); err != nil {
			tbs.Close()
			return nil, fmt.Errorf("scan tie-break: %w", err)
		}
		if i, ok := index[pool]; ok {
			out[i].TieBreaks = append(out[i].TieBreaks, tb)
		}
	}
	tbs.Close()
	if err := tbs.Err(); err != nil {
		return nil, fmt.Errorf("read tie-breaks: %w", err)
	}
	return out, nil
}

// resultsEdition loads an edition whose results the caller may read:
// anyone once published, its staff at any time.
func resultsEdition(ctx context.Context, q db.Querier, id uuid.UUID) (*Edition, error) {
	e, err := editionFor(ctx, q, id, ActRead, "")
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, ActRead, e.resultObject()); err != nil {
		return nil, err
	}
	return e, nil
}
