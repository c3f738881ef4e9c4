package budget

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/pb"
)

// assignExportNumbers gives every ballot of the edition an export number
// (its voter_id in the .pb files): a random permutation made by
// PostgreSQL's gen_random_uuid, so the order says nothing about when a
// ballot was cast. Numbers stay once published; before publication a
// changed set of ballots (corrections) is renumbered from scratch, so that
// late ballots do not get the last numbers. The caller locks the edition.
func assignExportNumbers(ctx context.Context, tx *db.Tx, e *Edition) error {
	var missing, numbered int
	if err := tx.QueryRow(ctx, `select
			(select count(*) from budget_ballots b where b.edition_id = $1
				and not exists (select 1 from budget_export_voters x where x.ballot_id = b.id)),
			(select count(*) from budget_export_voters where edition_id = $1)`, e.ID).Scan(&missing, &numbered); err != nil {
		return fmt.Errorf("check export numbers: %w", err)
	}
	if missing == 0 {
		return nil
	}
	base := 0
	if e.Status == StatusResultsPublished {
		if err := tx.QueryRow(ctx, `select coalesce(max(number), 0) from budget_export_voters where edition_id = $1`, e.ID).Scan(&base); err != nil {
			return fmt.Errorf("export numbers: %w", err)
		}
	} else if numbered > 0 {
		if _, err := tx.Exec(ctx, `delete from budget_export_voters where edition_id = $1`, e.ID); err != nil {
			return fmt.Errorf("renumber export: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `insert into budget_export_voters (ballot_id, edition_id, number)
		select b.id, b.edition_id, $2 + row_number() over (order by gen_random_uuid()) from budget_ballots b
		where b.edition_id = $1 and not exists (select 1 from budget_export_voters x where x.ballot_id = b.id)`, e.ID, base); err != nil {
		return fmt.Errorf("assign export numbers: %w", err)
	}
	return nil
}

// PabulibRule is the Pabulib META rule of a pool's counting rule:
// "greedy", "equalshares", "equalshares/add1", "equalshares/add1-exhaustive",
// each Equal Shares rule with "-comparison" when it compares with greedy.
// Greedy without skip has no Pabulib name and keeps ours, "greedy-noskip".
func PabulibRule(rule string) string {
	if rule == RuleGreedy || rule == RuleGreedyNoSkip {
		return rule
	}
	opts, err := pb.MESRule(rule)
	if err != nil {
		return rule
	}
	name := "equalshares"
	if opts.Completion != pb.CompletionNone {
		name += "/" + opts.Completion
	}
	if opts.CompareGreedy {
		name += "-comparison"
	}
	return name
}

// PoolExport returns a pool's ballots and results as a Pabulib .pb file:
// to anyone once the results are published, to the edition's staff once
// they are computed (NOT_FOUND otherwise, or for an unknown pool). Voter
// ids are the ballots' export numbers (the same in every pool's file of
// the edition, so files can be joined) and the file holds no time.
func (s *Service) PoolExport(ctx context.Context, poolID uuid.UUID) (string, error) {
	p, err := loadPool(ctx, s.pool, poolID)
	if err != nil {
		return "", err
	}
	if _, err := resultsEdition(ctx, s.pool, p.EditionID); err != nil {
		return "", err
	}
	var out bytes.Buffer
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		e, err := loadEdition(ctx, tx, p.EditionID, "")
		if err != nil {
			return err
		}
		in, err := exportInstance(ctx, tx, e, p)
		if err != nil {
			return err
		}
		return pb.Write(&out, in)
	})
	if err != nil {
		return "", err
	}
	return out.String(), nil
}

func exportInstance(ctx context.Context, tx *db.Tx, e *Edition, p *Pool) (*pb.Instance, error) {
	results, err := loadResults(ctx, tx, e.ID)
	if err != nil {
		return nil, err
	}
	var res *PoolResult
	for i := range results {
		if results[i].PoolID == p.ID {
			res = &results[i]
		}
	}
	if res == nil {
		return nil, apperr.ErrNotFound
	}
	var missing int
	if err := tx.QueryRow(ctx, `select count(*) from budget_ballots b where b.edition_id = $1
		and not exists (select 1 from budget_export_voters x where x.ballot_id = b.id)`, e.ID).Scan(&missing); err != nil {
		return nil, fmt.Errorf("check export numbers: %w", err)
	}
	if missing > 0 {
		// Lock the edition so that concurrent exports number once.
		if e, err = loadEdition(ctx, tx, e.ID, "for update"); err != nil {
			return nil, err
		}
		if err := assignExportNumbers(ctx, tx, e); err != nil {
			return nil, err
		}
	}
	var unit string
	if err := tx.QueryRow(ctx, `select name from organisations where id = $1`, e.UnitID).Scan(&unit); err != nil {
		return nil, fmt.Errorf("read unit: %w", err)
	}
	projects, err := loadProjects(ctx, tx, p.ID)
	if err != nil {
		return nil, err
	}
	names, codes := map[uuid.UUID]string{}, map[uuid.UUID]string{}
	costs := map[uuid.UUID]int64{}
	for _, pr := range projects {
		names[pr.ID], codes[pr.ID], costs[pr.ID] = pr.Title, pr.Code, pr.Cost
	}

	in := &pb.Instance{ProjectColumns: []string{"project_id", "cost", "votes", "score", "name", "selected"},
		VoteColumns: []string{"voter_id", "vote"}}
	for _, r := range res.Projects { // by score, as Pabulib files list them
		selected := "0"
		if r.Position > 0 {
			selected = "1"
		}
		in.Projects = append(in.Projects, pb.Project{ID: r.Code, Cost: costs[r.ProjectID], Fields: map[string]string{
			"votes": strconv.FormatInt(r.Votes, 10), "score": strconv.FormatInt(r.Score, 10), "name": names[r.ProjectID],
			"selected": selected}})
	}
	rows, err := tx.Query(ctx, `select x.number, k.project_id from budget_ballots b
		cross join lateral unnest(b.pick_pools, b.pick_projects, b.pick_ranks) k(pool_id, project_id, rank)
		join budget_export_voters x on x.ballot_id = b.id
		where b.edition_id = $1 and k.pool_id = $2 order by x.number, k.rank`, e.ID, p.ID)
	if err != nil {
		return nil, fmt.Errorf("read picks: %w", err)
	}
	last := -1
	for rows.Next() {
		var number int
		var project uuid.UUID
		if err := rows.Scan(&number, &project); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan pick: %w", err)
		}
		if number != last {
			in.Votes = append(in.Votes, pb.Vote{VoterID: strconv.Itoa(number)})
			last = number
		}
		v := &in.Votes[len(in.Votes)-1]
		v.Projects = append(v.Projects, codes[project])
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read picks: %w", err)
	}

	kind, scope := "District", p.Name
	if p.Kind == KindCity {
		kind = "Municipal"
	}
	voteType := pb.Ordinal
	if p.BallotKind == BallotApproval {
		voteType = pb.Approval
	}
	in.Meta = []pb.KV{
		{Key: "description", Value: fmt.Sprintf("%s PB in %s, %s", kind, unit, scope)},
		{Key: "country", Value: "Poland"},
		{Key: "unit", Value: unit},
	}
	if p.Kind == KindDistrict {
		in.Meta = append(in.Meta, pb.KV{Key: "district", Value: p.Name})
	}
	in.Meta = append(in.Meta,
		pb.KV{Key: "subunit", Value: p.Name},
		pb.KV{Key: "instance", Value: strconv.Itoa(e.Year)},
		pb.KV{Key: "num_projects", Value: strconv.Itoa(len(in.Projects))},
		pb.KV{Key: "num_votes", Value: strconv.Itoa(len(in.Votes))},
		pb.KV{Key: "budget", Value: pb.FormatAmount(p.Budget)},
		pb.KV{Key: "vote_type", Value: voteType},
		pb.KV{Key: "rule", Value: PabulibRule(p.Rule)},
	)
	minLen, maxLen := 1, 0
	switch p.PickMode {
	case PickExactly:
		minLen, maxLen = p.PickCount, p.PickCount
	case PickAtLeast:
		minLen = p.PickCount
	case PickAtMost:
		maxLen = p.PickCount
	}
	in.Meta = append(in.Meta, pb.KV{Key: "min_length", Value: strconv.Itoa(minLen)})
	if maxLen > 0 {
		in.Meta = append(in.Meta, pb.KV{Key: "max_length", Value: strconv.Itoa(maxLen)})
	}
	in.Meta = append(in.Meta, pb.KV{Key: "language", Value: "pl"}, pb.KV{Key: "currency", Value: e.Currency})
	return in, nil
}
