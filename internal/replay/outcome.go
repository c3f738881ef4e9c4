package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/otwarty/otwarty/internal/pb"
)

// closeAndPublish closes voting, waits for the results job, certifies
// (with a public note on every pool's tie-breaks) and publishes.
func closeAndPublish(ctx context.Context, c *Client, editionID string, logf func(string, ...any)) error {
	vars := map[string]any{"input": map[string]any{"editionId": editionID}}
	if err := c.Do(ctx, `mutation Close($input: CloseBudgetVotingInput!) { closeBudgetVoting(input: $input) { edition { status } } }`,
		vars, nil, false); err != nil {
		return fmt.Errorf("closeBudgetVoting: %w", err)
	}
	// The results job runs in the background; poll until it has stored them.
	var ties []tieBreakPool
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var out struct {
			BudgetEdition *struct {
				ResultsComputedAt *string        `json:"resultsComputedAt"`
				Results           []tieBreakPool `json:"results"`
			} `json:"budgetEdition"`
		}
		if err := c.Do(ctx, `query Computed($id: ID!) { budgetEdition(id: $id) { resultsComputedAt results { `+tieBreakSelection+` } } }`,
			map[string]any{"id": editionID}, &out, true); err != nil {
			return fmt.Errorf("wait for results: %w", err)
		}
		if out.BudgetEdition == nil {
			return errors.New("the edition disappeared")
		}
		if out.BudgetEdition.ResultsComputedAt != nil {
			ties = out.BudgetEdition.Results
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the results job did not finish within 10 minutes")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	notes := []map[string]any{}
	for _, t := range ties {
		if len(t.TieBreaks) == 0 {
			continue
		}
		logf("pool %s: %d tie-breaks recorded; noted in the certification", t.Pool.Name, len(t.TieBreaks))
		notes = append(notes, map[string]any{"poolId": t.Pool.ID, "note": tieBreakNote(t)})
	}
	if err := c.Do(ctx, `mutation Certify($input: CertifyBudgetResultsInput!) { certifyBudgetResults(input: $input) { __typename } }`,
		map[string]any{"input": map[string]any{"editionId": editionID, "invalidBallots": 0, "tieBreakNotes": notes,
			"note": "Replay of Pabulib ballots by otwarty pb replay."}}, nil, false); err != nil {
		return fmt.Errorf("certifyBudgetResults: %w", err)
	}
	if err := c.Do(ctx, `mutation Publish($input: PublishBudgetResultsInput!) { publishBudgetResults(input: $input) { edition { status } } }`,
		vars, nil, false); err != nil {
		return fmt.Errorf("publishBudgetResults: %w", err)
	}
	return nil
}

// tieBreakSelection reads the tie-breaks the results job recorded per pool.
const tieBreakSelection = `pool { id name } tieBreaks { score selected { code } passedOver { code } }`

type tieBreakPool struct {
	Pool struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"pool"`
	TieBreaks []struct {
		Score      int64      `json:"score"`
		Selected   []codeOnly `json:"selected"`
		PassedOver []codeOnly `json:"passedOver"`
	} `json:"tieBreaks"`
}

type codeOnly struct {
	Code string `json:"code"`
}

// tieBreakNote is the certification's public note on a pool's ties.
func tieBreakNote(t tieBreakPool) string {
	codes := func(cs []codeOnly) string {
		var s []string
		for _, c := range cs {
			s = append(s, c.Code)
		}
		return strings.Join(s, ", ")
	}
	var parts []string
	for _, tb := range t.TieBreaks {
		parts = append(parts, fmt.Sprintf("score %d: %s taken before %s", tb.Score, codes(tb.Selected), codes(tb.PassedOver)))
	}
	return "Replay of Pabulib ballots; ties broken by the pool's rule (cheaper project first, then project code), " +
		"as the official count does: " + strings.Join(parts, "; ") + "."
}

func readOutcome(ctx context.Context, c *Client, editionID string, plan *Plan) ([]PoolOutcome, error) {
	var out struct {
		BudgetEdition *struct {
			Results []struct {
				Pool struct {
					ID       string  `json:"id"`
					Name     string  `json:"name"`
					District *string `json:"district"`
					Budget   string  `json:"budget"`
				} `json:"pool"`
				Selected []struct {
					Code string `json:"code"`
				} `json:"selected"`
				Cost    string `json:"cost"`
				Ballots int    `json:"ballots"`
			} `json:"results"`
		} `json:"budgetEdition"`
	}
	if err := c.Do(ctx, `query Results($id: ID!) { budgetEdition(id: $id) { results { pool { id name district budget } selected { code } cost ballots } } }`,
		map[string]any{"id": editionID}, &out, true); err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	if out.BudgetEdition == nil {
		return nil, errors.New("the edition disappeared")
	}
	byName := map[string]int{}
	for i, rp := range plan.pools {
		byName[rp.name] = i
	}
	var pools []PoolOutcome
	for _, r := range out.BudgetEdition.Results {
		po := PoolOutcome{Name: r.Pool.Name, Ballots: r.Ballots}
		if r.Pool.District != nil {
			po.District = *r.Pool.District
		}
		var err error
		if po.Cost, err = pb.ParseAmount(r.Cost); err != nil {
			return nil, fmt.Errorf("pool %s: cost %w", r.Pool.Name, err)
		}
		if po.Budget, err = pb.ParseAmount(r.Pool.Budget); err != nil {
			return nil, fmt.Errorf("pool %s: budget %w", r.Pool.Name, err)
		}
		for _, s := range r.Selected {
			po.Winners = append(po.Winners, s.Code)
		}
		if i, ok := byName[r.Pool.Name]; ok {
			po.Recount, po.Official = expected(plan, i)
		}
		pools = append(pools, po)
	}
	return pools, nil
}

// expected counts pool i locally from the replayed ballots with
// internal/pb, and returns the file's selected column (ordered as the
// recount) if every voter of the file was replayed.
func expected(plan *Plan, i int) (recount, official []string) {
	rp := plan.pools[i]
	sub := &pb.Instance{Meta: rp.in.Meta, ProjectColumns: rp.in.ProjectColumns, VoteColumns: rp.in.VoteColumns, Projects: rp.in.Projects}
	for _, b := range plan.ballots {
		if b.picks[i] != nil {
			sub.Votes = append(sub.Votes, pb.Vote{VoterID: b.voterID, Projects: b.picks[i]})
		}
	}
	var res pb.Result
	if rp.rule == "greedy" || rp.rule == "greedy-noskip" {
		res = pb.Greedy(sub, rp.points, rp.rule == "greedy", pb.TieCostThenID)
	} else if opts, err := pb.MESRule(rp.rule); err == nil {
		res, _ = pb.EqualShares(sub, opts)
	}
	recount = res.Selected
	if len(sub.Votes) != len(rp.in.Votes) {
		return recount, nil
	}
	sel := map[string]bool{}
	for _, p := range rp.in.Projects {
		if p.Fields["selected"] == "1" {
			sel[p.ID] = true
		}
	}
	if len(sel) == 0 {
		return recount, nil
	}
	// The column is a set: put it in the recount's order, the rest by code.
	official = []string{}
	for _, id := range recount {
		if sel[id] {
			official = append(official, id)
			delete(sel, id)
		}
	}
	var rest []string
	for id := range sel {
		rest = append(rest, id)
	}
	sort.Strings(rest)
	return recount, append(official, rest...)
}

// printOutcome prints every pool's winners and summary, then the speed;
// it returns the number of pools whose winners differ from the expected.
func printOutcome(w io.Writer, rep *Report) int {
	bad := 0
	for _, p := range rep.Pools {
		for _, code := range p.Winners {
			fmt.Fprintln(w, code)
		}
		check := "equal to the local recount"
		ok := slices.Equal(p.Winners, p.Recount)
		if !ok {
			check = fmt.Sprintf("DIFFERENT from the local recount %v", p.Recount)
		}
		if p.Official != nil {
			if slices.Equal(p.Winners, p.Official) {
				check += " and to the official winners (the file's selected column)"
			} else {
				check += fmt.Sprintf(", DIFFERENT from the official winners %v", p.Official)
				ok = false
			}
		}
		if !ok {
			bad++
		}
		fmt.Fprintf(w, "pool %s: %d ballots, %d selected, cost %s of budget %s; %s\n",
			p.Name, p.Ballots, len(p.Winners), pb.FormatAmount(p.Cost), pb.FormatAmount(p.Budget), check)
	}
	hit, total, equal, pools := 0, 0, 0, 0
	for _, p := range rep.Pools {
		if p.Official == nil {
			continue
		}
		pools++
		total += len(p.Official)
		if slices.Equal(p.Winners, p.Official) {
			equal++
		}
		for _, code := range p.Official {
			if slices.Contains(p.Winners, code) {
				hit++
			}
		}
	}
	if pools > 0 {
		fmt.Fprintf(w, "official winners reproduced: %d of %d; %d of %d fully replayed pools equal\n", hit, total, equal, pools)
	}
	secs := rep.CastTime.Seconds()
	fmt.Fprintf(w, "replayed %d ballots in %.1f s: %.0f ballots/s, p50 %.1f ms, p99 %.1f ms, turnout events seen %d\n",
		rep.Ballots, secs, float64(rep.Ballots)/secs, ms(rep.P50), ms(rep.P99), rep.TurnoutEvents)
	return bad
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
