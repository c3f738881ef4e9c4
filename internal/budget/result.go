package budget

import (
	"context"
	"fmt"
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
// ("manage") and stores the provisional results, replacing earlier ones.
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
		pools, err := loadPools(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `delete from budget_results where edition_id = $1`, id); err != nil {
			return fmt.Errorf("clear results: %w", err)
		}
		for _, p := range pools {
			r, err := countPool(ctx, tx, p)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `insert into budget_results (pool_id, edition_id, rule, ballots, selected, cost, computed_by)
				values ($1, $2, $3, $4, $5, $6, $7)`, p.ID, id, p.Rule, r.Ballots, r.Selected, r.Cost, actorOrNil(actor)); err != nil {
				return fmt.Errorf("insert result: %w", err)
			}
			for _, pr := range r.Projects {
				var pos *int
				if pr.Position > 0 {
					pos = &pr.Position
				}
				if _, err := tx.Exec(ctx, `insert into budget_result_projects (pool_id, project_id, votes, score, position)
					values ($1, $2, $3, $4, $5)`, p.ID, pr.ProjectID, pr.Votes, pr.Score, pos); err != nil {
					return fmt.Errorf("insert project result: %w", err)
				}
			}
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "budget.results_compute",
			ObjectType: "budget_edition", ObjectID: id.String()})
	})
	if err != nil {
		return nil, err
	}
	return loadResults(ctx, s.pool, id)
}

// countPool builds a pb.Instance from the pool's stored ballots (project
// codes as ids, so ties break as in Pabulib files) and applies the rule.
func countPool(ctx context.Context, q querier, p Pool) (PoolResult, error) {
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
	rows, err := q.Query(ctx, `select ballot_id, project_id from budget_ballot_picks where pool_id = $1
		order by ballot_id, rank`, p.ID)
	if err != nil {
		return PoolResult{}, fmt.Errorf("read picks: %w", err)
	}
	var last uuid.UUID
	for rows.Next() {
		var ballot, project uuid.UUID
		if err := rows.Scan(&ballot, &project); err != nil {
			rows.Close()
			return PoolResult{}, fmt.Errorf("scan pick: %w", err)
		}
		if len(in.Votes) == 0 || ballot != last {
			in.Votes = append(in.Votes, pb.Vote{VoterID: strconv.Itoa(len(in.Votes) + 1)})
			last = ballot
		}
		v := &in.Votes[len(in.Votes)-1]
		v.Projects = append(v.Projects, code[project])
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return PoolResult{}, fmt.Errorf("read picks: %w", err)
	}

	var res pb.Result
	var points []int64
	switch p.Rule {
	case RuleGreedy, RuleGreedyNoSkip:
		if p.BallotKind == BallotRanked {
			points = p.Points
		}
		res = pb.Greedy(in, points, p.Rule == RuleGreedy, pb.TieCostThenID)
	default:
		opts, err := pb.MESRule(p.Rule)
		if err != nil {
			return PoolResult{}, fmt.Errorf("pool %s: %w", p.ID, err)
		}
		if res, err = pb.EqualShares(in, opts); err != nil {
			return PoolResult{}, fmt.Errorf("pool %s: %w", p.ID, err)
		}
	}
	scores, votes := pb.Scores(in, points), pb.Votes(in)
	out := PoolResult{PoolID: p.ID, Rule: p.Rule, Ballots: len(in.Votes), Cost: res.Cost, Selected: []uuid.UUID{}}
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

// Results returns an edition's stored results: to anyone once published,
// to its staff at any time.
func (s *Service) Results(ctx context.Context, id uuid.UUID) ([]PoolResult, error) {
	e, err := editionFor(ctx, s.pool, id, ActRead, "")
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, ActRead, e.resultObject()); err != nil {
		return nil, err
	}
	return loadResults(ctx, s.pool, id)
}

func loadResults(ctx context.Context, q querier, id uuid.UUID) ([]PoolResult, error) {
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
	for i := range out {
		prs, err := q.Query(ctx, `select p.id, p.code, x.votes, x.score, coalesce(x.position, 0) from budget_result_projects x
			join budget_projects p on p.id = x.project_id where x.pool_id = $1 order by x.score desc, p.code`, out[i].PoolID)
		if err != nil {
			return nil, fmt.Errorf("read project results: %w", err)
		}
		for prs.Next() {
			var pr ProjectResult
			if err := prs.Scan(&pr.ProjectID, &pr.Code, &pr.Votes, &pr.Score, &pr.Position); err != nil {
				prs.Close()
				return nil, fmt.Errorf("scan project result: %w", err)
			}
			out[i].Projects = append(out[i].Projects, pr)
		}
		prs.Close()
		if err := prs.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
