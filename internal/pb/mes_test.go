package pb_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pb"
)

// mesInstance builds an approval instance: budget in PLN, projects as
// "id:costPLN", one ballot per voter (voters v1, v2, … in order).
func mesInstance(t *testing.T, budgetPLN int64, projects []string, ballots ...[]string) *pb.Instance {
	t.Helper()
	in := &pb.Instance{Meta: []pb.KV{
		{Key: "budget", Value: strconv.FormatInt(budgetPLN, 10)},
		{Key: "vote_type", Value: "approval"},
	}}
	for _, p := range projects {
		id, cost, ok := strings.Cut(p, ":")
		require.True(t, ok, p)
		c, err := strconv.ParseInt(cost, 10, 64)
		require.NoError(t, err)
		in.Projects = append(in.Projects, pb.Project{ID: id, Cost: c * 100})
	}
	for i, b := range ballots {
		in.Votes = append(in.Votes, pb.Vote{VoterID: "v" + strconv.Itoa(i+1), Projects: b})
	}
	return in
}

func mesCount(t *testing.T, in *pb.Instance, opts pb.MESOptions) pb.Result {
	t.Helper()
	r, err := pb.EqualShares(in, opts)
	require.NoError(t, err)
	return r
}

// Water-filling: a supporter who cannot pay the equal share pays all it has.
// 4 voters, 400 PLN: each starts with 100.
//
//	u 240 {v1,v2,v3}: share 80, ρ = 80/240 = 1/3
//	s 100 {v3,v4}:    share 50, ρ = 1/2
//	r  90 {v4}:       ρ = 1
//
// Round 1 takes u (v1..v3 keep 20). Round 2: s sorted (v3 20, v4 100): the
// equal share 50 > 20, so v3 pays its 20 and v4 the other 80: ρ = 80/100 =
// 4/5 < r's 1, so s (v3 0, v4 20). Round 3: r needs 90 > 20: nothing is
// affordable. Outcome u, s: 340 PLN.
func TestEqualShares_PoorSupporterPaysEverythingItHas(t *testing.T) {
	t.Parallel()
	in := mesInstance(t, 400, []string{"u:240", "s:100", "r:90"},
		[]string{"u"}, []string{"u"}, []string{"u", "s"}, []string{"s", "r"})
	r := mesCount(t, in, pb.MESOptions{})
	require.Equal(t, []string{"u", "s"}, r.Selected)
	require.Equal(t, int64(340_00), r.Cost)
}

// Ties in ρ: more approvals first.
// 7 voters, 700 PLN: each starts with 100.
//
//	W 400 {v1,v2,v3,v7}: ρ = 100/400 = 1/4 — round 1
//	p 200 {v1,v4,v5}:    ρ = 1/3 in round 1
//	q 200 {v4,v6}:       ρ = 1/2
//
// After W, v1 has nothing: p's cost falls on v4 and v5 (100 each), ρ = 1/2,
// equal to q's. Same ρ, same cost: p has 3 approvals, q 2, so p. Then v4 has
// nothing and q (v6's 100 < 200) is out. Outcome W, p: 600 PLN.
func TestEqualShares_TieInRhoGoesToMoreApprovals(t *testing.T) {
	t.Parallel()
	in := mesInstance(t, 700, []string{"q:200", "p:200", "W:400"},
		[]string{"W", "p"}, []string{"W"}, []string{"W"}, []string{"p", "q"},
		[]string{"p"}, []string{"q"}, []string{"W"})
	r := mesCount(t, in, pb.MESOptions{})
	require.Equal(t, []string{"W", "p"}, r.Selected)
	require.Equal(t, int64(600_00), r.Cost)
}

// Ties in ρ and approvals: lower cost first, then the smaller id.
// 4 voters, 400 PLN: each starts with 100.
func TestEqualShares_TieInRhoAndApprovalsGoesToLowerCostThenID(t *testing.T) {
	t.Parallel()
	// b 120 {v1,v2}, a 120 {v3,v4}, d 100 {v1,v2}: all ρ = 1/2 (shares
	// 60, 60, 50), all 2 approvals. d is cheapest: d first (v1, v2 keep 50).
	// Then b needs 120 > 50+50 and is out; a (ρ 1/2) is taken.
	in := mesInstance(t, 400, []string{"b:120", "a:120", "d:100"},
		[]string{"b", "d"}, []string{"b", "d"}, []string{"a"}, []string{"a"})
	r := mesCount(t, in, pb.MESOptions{})
	require.Equal(t, []string{"d", "a"}, r.Selected)
	require.Equal(t, int64(220_00), r.Cost)

	// Without d: a and b tie on ρ, approvals and cost; "a" < "b", whatever
	// the order of the PROJECTS section. Disjoint supporters: both fit.
	in = mesInstance(t, 400, []string{"b:120", "a:120"},
		[]string{"b"}, []string{"b"}, []string{"a"}, []string{"a"})
	r = mesCount(t, in, pb.MESOptions{})
	require.Equal(t, []string{"a", "b"}, r.Selected)
	require.Equal(t, int64(240_00), r.Cost)
}

// The two completions differ, and the comparison step can switch to greedy.
// 3 voters, 300 PLN: each starts with 100.
//
//	P  95 {v3}:      ρ = 1
//	Q 210 {v2,v3}:   needs 105 each
//	R 400 {v1}:      more than the budget
//
// Plain MES (100 each): Q is unaffordable (200 < 210), P is taken; then Q
// has 100 + 5 < 210. Outcome P (95); 205 is left and neither Q nor R fits,
// so the outcome is already exhaustive: add1-exhaustive keeps P.
//
// add1: at 101…104 per voter nothing changes. At 105 Q (ρ 1/2) beats P
// (ρ 1) and takes all of v3's money, so P is out: outcome Q (210 ≤ 300).
// That stays so until v3 keeps 95 after paying 105, at 200 per voter,
// where Q + P = 305 PLN overspends: add1 takes the outcome at 199, Q.
//
// Greedy by approvals: Q (2) fits, P (1) does not fit in the 90 left, R
// neither: Q. Against plain MES's P: v2 prefers greedy (1 vs 0), v3 is
// indifferent (1 vs 1), v1 too (0 vs 0): 1 voter to 0, greedy wins.
func TestEqualShares_CompletionsAndComparison(t *testing.T) {
	t.Parallel()
	in := mesInstance(t, 300, []string{"P:95", "Q:210", "R:400"},
		[]string{"R"}, []string{"Q"}, []string{"P", "Q"})

	r := mesCount(t, in, pb.MESOptions{})
	require.Equal(t, pb.Result{Selected: []string{"P"}, Cost: 95_00}, r)

	r = mesCount(t, in, pb.MESOptions{Completion: pb.CompletionAdd1Exhaustive})
	require.Equal(t, pb.Result{Selected: []string{"P"}, Cost: 95_00}, r)

	r = mesCount(t, in, pb.MESOptions{Completion: pb.CompletionAdd1})
	require.Equal(t, pb.Result{Selected: []string{"Q"}, Cost: 210_00}, r)

	r = mesCount(t, in, pb.MESOptions{CompareGreedy: true})
	require.Equal(t, pb.Result{Selected: []string{"Q"}, Cost: 210_00}, r)

	// add1 already gives Q: greedy is the same outcome, nobody prefers it.
	r = mesCount(t, in, pb.MESOptions{Completion: pb.CompletionAdd1, CompareGreedy: true})
	require.Equal(t, pb.Result{Selected: []string{"Q"}, Cost: 210_00}, r)
}

// When every project MES can select fits in the budget together, add1 never
// overspends; it ends with all of them. Here 2 voters, 1000 PLN, 500 each:
// plain MES cannot fund b (600 > v2's 500); add1 funds both. z has no
// supporters and is never selected.
func TestEqualShares_Add1WhenEverythingFits(t *testing.T) {
	t.Parallel()
	in := mesInstance(t, 1000, []string{"a:300", "b:600", "z:50"},
		[]string{"a"}, []string{"b"})
	require.Equal(t, []string{"a"}, mesCount(t, in, pb.MESOptions{}).Selected)
	for _, c := range []string{pb.CompletionAdd1, pb.CompletionAdd1Exhaustive} {
		r := mesCount(t, in, pb.MESOptions{Completion: c})
		require.Equal(t, pb.Result{Selected: []string{"a", "b"}, Cost: 900_00}, r, c)
	}
}

// Grosze in the budget and repeated ids in a ballot: 1.01 PLN for 2 voters
// is 50.5 grosze each; a project of 1.01 PLN approved by both (once each,
// although v1 lists it twice) costs exactly what they hold.
func TestEqualShares_ExactSharesOfGrosze(t *testing.T) {
	t.Parallel()
	in := &pb.Instance{
		Meta:     []pb.KV{{Key: "budget", Value: "1.01"}},
		Projects: []pb.Project{{ID: "x", Cost: 101}, {ID: "y", Cost: 1}},
		Votes: []pb.Vote{
			{VoterID: "1", Projects: []string{"x", "x"}},
			{VoterID: "2", Projects: []string{"x", "y"}},
		},
	}
	// x: ρ = 50.5/101 = 1/2; y: ρ = 1 → x, which empties both voters.
	r := mesCount(t, in, pb.MESOptions{})
	require.Equal(t, pb.Result{Selected: []string{"x"}, Cost: 101}, r)
}

func TestEqualShares_Errors(t *testing.T) {
	t.Parallel()
	ok := func() *pb.Instance {
		return mesInstance(t, 100, []string{"a:10"}, []string{"a"})
	}

	_, err := pb.EqualShares(ok(), pb.MESOptions{Completion: "add2"})
	require.ErrorContains(t, err, `unknown MES completion "add2"`)

	in := ok()
	in.Meta[1].Value = "ordinal"
	_, err = pb.EqualShares(in, pb.MESOptions{})
	require.ErrorContains(t, err, "approval")

	in = ok()
	in.Votes[0].Projects = []string{"nope"}
	_, err = pb.EqualShares(in, pb.MESOptions{})
	require.ErrorContains(t, err, `unknown project "nope"`)

	in = ok()
	in.Meta = in.Meta[1:]
	_, err = pb.EqualShares(in, pb.MESOptions{})
	require.ErrorContains(t, err, "budget")

	in = ok()
	in.Votes = nil
	_, err = pb.EqualShares(in, pb.MESOptions{})
	require.ErrorContains(t, err, "no ballots")
}

func TestMESRule(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]pb.MESOptions{
		"mes":                          {},
		"mes-add1":                     {Completion: pb.CompletionAdd1},
		"mes-add1-exhaustive":          {Completion: pb.CompletionAdd1Exhaustive},
		"equalshares":                  {},
		"equalshares/add1":             {Completion: pb.CompletionAdd1},
		"equalshares/add1-exhaustive":  {Completion: pb.CompletionAdd1Exhaustive},
		"equalshares/add1-comparison":  {Completion: pb.CompletionAdd1, CompareGreedy: true},
		"equalshares-comparison":       {CompareGreedy: true},
		" EqualShares/Add1-Comparison": {Completion: pb.CompletionAdd1, CompareGreedy: true},
	} {
		got, err := pb.MESRule(name)
		require.NoError(t, err, name)
		require.Equal(t, want, got, name)
	}
	for _, bad := range []string{"", "greedy", "mes-add2", "equalshares/utilitarian"} {
		_, err := pb.MESRule(bad)
		require.Error(t, err, bad)
	}
}

var mesWieliczka = sync.OnceValues(func() (*pb.Instance, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, os.ErrNotExist
		}
		dir = parent
	}
	return pb.ReadFile(filepath.Join(dir, "..", "shared", "data", "pabulib", "Poland_Wieliczka_2023_Green_Budget.pb"))
})

// wieliczka reads the real Wieliczka 2023 file (shared, read-only). Without
// it the test skips locally and fails under CI=true.
func wieliczka(t *testing.T) *pb.Instance {
	t.Helper()
	in, err := mesWieliczka()
	if os.IsNotExist(err) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Wieliczka 2023 file missing from ../shared/data/pabulib (CI=true): %v", err)
		}
		t.Skipf("Wieliczka 2023 file missing from ../shared/data/pabulib: %v", err)
	}
	require.NoError(t, err)
	return in
}

// The official outcome of Wieliczka 2023 (SOURCE.md): the selected column.
func wieliczkaOfficial(in *pb.Instance) (ids []string, cost int64) {
	for _, p := range in.Projects {
		if p.Fields["selected"] == "1" {
			ids = append(ids, p.ID)
			cost += p.Cost
		}
	}
	return ids, cost
}

func TestEqualShares_WieliczkaPlainMES(t *testing.T) {
	t.Parallel()
	r := mesCount(t, wieliczka(t), pb.MESOptions{})
	require.Len(t, r.Selected, 21)
	require.Equal(t, int64(450_548_00), r.Cost)
	// The first picks are the cheap, popular projects.
	require.Equal(t, []string{"24", "41", "74", "39", "58"}, r.Selected[:5])
}

// add1 continued to the last per-voter budget that does not overspend is
// the rule Wieliczka used: it gives the 30 official winners. (That budget is
// B/n + 164 PLN; the outcome is first exhaustive at B/n + 150.)
func TestEqualShares_WieliczkaAdd1GivesOfficialWinners(t *testing.T) {
	t.Parallel()
	in := wieliczka(t)
	official, cost := wieliczkaOfficial(in)
	require.Len(t, official, 30)
	require.Equal(t, int64(995_079_00), cost)

	r := mesCount(t, in, pb.MESOptions{Completion: pb.CompletionAdd1})
	require.ElementsMatch(t, official, r.Selected)
	require.Equal(t, int64(995_079_00), r.Cost)
}

// Stopping as soon as the outcome is exhaustive stops earlier: 31 projects,
// not the official result.
func TestEqualShares_WieliczkaAdd1Exhaustive(t *testing.T) {
	t.Parallel()
	r := mesCount(t, wieliczka(t), pb.MESOptions{Completion: pb.CompletionAdd1Exhaustive})
	require.Len(t, r.Selected, 31)
	require.Equal(t, int64(984_579_00), r.Cost)
}

// The file's own rule, equalshares/add1-comparison: the comparison with
// greedy keeps MES, so the official 30 stay. (Greedy by approvals selects 23
// projects, 998,997 PLN; 1,615 voters have more approved winners under MES,
// 873 under greedy.)
func TestEqualShares_WieliczkaMetaRuleKeepsOfficialWinners(t *testing.T) {
	t.Parallel()
	in := wieliczka(t)
	rule, ok := in.Get("rule")
	require.True(t, ok)
	opts, err := pb.MESRule(rule)
	require.NoError(t, err)
	require.Equal(t, pb.MESOptions{Completion: pb.CompletionAdd1, CompareGreedy: true}, opts)

	official, _ := wieliczkaOfficial(in)
	r := mesCount(t, in, opts)
	require.ElementsMatch(t, official, r.Selected)
	require.Equal(t, int64(995_079_00), r.Cost)
}
