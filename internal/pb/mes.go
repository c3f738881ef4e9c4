package pb

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Completion values of MESOptions.
const (
	// CompletionNone is plain MES: every voter gets B/n and MES stops when no
	// project can be afforded by its supporters.
	CompletionNone = ""
	// CompletionAdd1 raises every voter's budget by 1 currency unit (100
	// grosze) at a time and keeps going while the outcome does not
	// overspend the real budget; the outcome of the last such per-voter
	// budget is taken. This is the rule used in Wieliczka 2023 (Pabulib
	// "equalshares/add1").
	CompletionAdd1 = "add1"
	// CompletionAdd1Exhaustive raises the budget in the same steps but
	// stops as soon as the outcome is exhaustive (no unselected project fits
	// in what is left of the real budget), or when the next step would
	// overspend. This is pabutools' default.
	CompletionAdd1Exhaustive = "add1-exhaustive"
)

// MESOptions chooses the variant of the Method of Equal Shares.
type MESOptions struct {
	// Completion is CompletionNone, CompletionAdd1 or
	// CompletionAdd1Exhaustive.
	Completion string
	// CompareGreedy adds the comparison step (Pabulib "…-comparison"): after
	// MES and its completion, the outcome of greedy by approvals (with skip)
	// is computed; every voter prefers the outcome that funds more of the
	// projects they approved; the greedy outcome is taken only if strictly
	// more voters prefer it than prefer the MES outcome.
	CompareGreedy bool
}

// MESRule maps a rule name to MES options. It understands the CLI names
// "mes", "mes-add1" and "mes-add1-exhaustive" (each optionally followed by
// "-comparison") and Pabulib META rule strings: "equalshares",
// "equalshares/add1", "equalshares/add1-exhaustive", each optionally with a
// "-comparison" or "/comparison" suffix ("equalshares/add1-comparison" is
// Wieliczka 2023's rule). Case and surrounding spaces are ignored.
func MESRule(name string) (MESOptions, error) {
	s := strings.ToLower(strings.TrimSpace(name))
	var opts MESOptions
	for _, suf := range []string{"/comparison", "-comparison", "+comparison"} {
		if rest, ok := strings.CutSuffix(s, suf); ok {
			s = rest
			opts.CompareGreedy = true
			break
		}
	}
	switch s {
	case "mes", "equalshares", "equal-shares", "mes/none", "equalshares/none":
		opts.Completion = CompletionNone
	case "mes-add1", "mes/add1", "equalshares/add1", "equalshares-add1":
		opts.Completion = CompletionAdd1
	case "mes-add1-exhaustive", "mes/add1-exhaustive", "equalshares/add1-exhaustive",
		"equalshares/add1e", "equalshares-add1-exhaustive":
		opts.Completion = CompletionAdd1Exhaustive
	default:
		return MESOptions{}, fmt.Errorf("pb: unknown MES rule %q (want mes, mes-add1, mes-add1-exhaustive, "+
			"or a Pabulib rule such as equalshares, equalshares/add1, equalshares/add1-comparison)", name)
	}
	return opts, nil
}

// EqualShares counts an approval instance with the Method of Equal Shares
// for cost utilities (a voter's utility of a project they approve is its
// cost).
//
// Every voter starts with an equal share E/n of the endowment E (the budget
// B for plain MES). In each round, for every remaining project p with cost
// c, its supporters' budgets are sorted and the cost is split as equally as
// possible: the smallest payment cap m such that Σ min(b_i, m) = c over the
// supporters. The project's ρ = m/c (payment per unit of utility) is its
// price; the project with the smallest ρ is selected and each supporter pays
// min(b_i, m). A project whose supporters hold less than c in total can no
// longer be afforded. Rounds continue until nothing is affordable.
//
// Ties in ρ are broken, in order, by more approvals, then lower cost, then
// smaller project id in byte order (as Greedy's default TieCostThenID). The
// same order ranks projects for the greedy outcome of the comparison step.
//
// Arithmetic is exact: money is integer grosze. A pass is first done in
// float64 intervals that certainly hold the exact values (mesfloat.go); each
// decision is taken only when the intervals prove it, and a pass with a
// decision they cannot prove (a true tie, or values too close) is done again
// exactly: budgets, payments and prices as fractions with int64 numerator
// and denominator while they fit, and any operation whose exact result would
// overflow int64 in big.Rat instead. So the outcome is the exact one whichever
// arithmetic decided it.
// Projects with cost 0 or no supporters are never selected by MES (as in the
// equalshares.net reference implementation).
//
// Completion by add1 runs MES again with each voter's share raised by 100
// grosze at a time (E = B + k·n·100, k = 1, 2, …) and stops before the first
// step whose outcome costs more than B; see MESOptions. When every project
// that MES could select fits in B together, the completion selects them all.
// Each step is a full MES run (steps run in parallel batches of GOMAXPROCS);
// the number of steps is the raise needed before an outcome overspends
// (Wieliczka 2023: 165 steps, about half a second).
func EqualShares(in *Instance, opts MESOptions) (Result, error) {
	r, _, err := equalShares(in, opts, arithAuto)
	return r, err
}

// mesArith chooses the arithmetic of the MES passes.
type mesArith int

const (
	// arithAuto tries a certified float64 pass (runFloat) and, when it
	// cannot certify a decision, does the pass as arithExact does.
	arithAuto mesArith = iota
	// arithExact uses int64 fractions and falls back to big.Rat per
	// operation (runFast).
	arithExact
	// arithBig uses big.Rat only (the reference the fast path must match).
	arithBig
)

// mesStats counts MES passes by the arithmetic they needed.
type mesStats struct {
	Float     int64 // passes certified in float64 intervals
	Fast      int64 // passes done entirely in int64 fractions
	Fallback  int64 // passes in which some values overflowed int64 and were big.Rat
	Overflows int64 // operations of those passes whose int64 result overflowed
	Big       int64 // passes done in big.Rat only (arithBig)
}

func equalShares(in *Instance, opts MESOptions, arith mesArith) (Result, mesStats, error) {
	switch opts.Completion {
	case CompletionNone, CompletionAdd1, CompletionAdd1Exhaustive:
	default:
		return Result{}, mesStats{}, fmt.Errorf("pb: unknown MES completion %q (want \"\", %q or %q)",
			opts.Completion, CompletionAdd1, CompletionAdd1Exhaustive)
	}
	pr, err := newMESProblem(in)
	if err != nil {
		return Result{}, mesStats{}, err
	}
	pr.arith = arith
	var sel []int
	switch opts.Completion {
	case CompletionNone:
		sel = pr.run(pr.endowment(0))
	default:
		sel = pr.add1(opts.Completion == CompletionAdd1Exhaustive)
	}
	if opts.CompareGreedy {
		greedy := pr.greedy()
		if pr.prefersGreedy(sel, greedy) {
			sel = greedy
		}
	}
	st := mesStats{
		Float: pr.float.Load(), Fast: pr.fast.Load(), Fallback: pr.fallback.Load(), Overflows: pr.overflows.Load(), Big: pr.big.Load(),
	}
	return pr.result(sel), st, nil
}

// mesProblem is an instance prepared for counting: projects and voters by
// index.
type mesProblem struct {
	ids       []string
	cost      []int64
	approvers [][]int32 // per project: voter indices
	ballots   [][]int32 // per voter: project indices, no duplicates
	budget    int64     // grosze
	n         int
	eligible  []bool // cost > 0 and at least one supporter
	order     []int  // projects in tie-break order (best first)

	arith                                 mesArith
	float, fast, fallback, big, overflows atomic.Int64 // see mesStats
}

func newMESProblem(in *Instance) (*mesProblem, error) {
	if in == nil {
		return nil, errors.New("pb: MES: nil instance")
	}
	if vt := in.VoteType(); vt != Approval {
		return nil, fmt.Errorf("pb: MES needs approval ballots, this instance has vote_type %q", vt)
	}
	budget, err := in.Budget()
	if err != nil {
		return nil, err
	}
	if len(in.Votes) == 0 {
		return nil, errors.New("pb: MES: no ballots")
	}
	m := len(in.Projects)
	pr := &mesProblem{
		ids:       make([]string, m),
		cost:      make([]int64, m),
		approvers: make([][]int32, m),
		ballots:   make([][]int32, len(in.Votes)),
		budget:    budget,
		n:         len(in.Votes),
		eligible:  make([]bool, m),
	}
	index := make(map[string]int32, m)
	for i, p := range in.Projects {
		if _, dup := index[p.ID]; dup {
			return nil, fmt.Errorf("pb: MES: project %q listed twice", p.ID)
		}
		if p.Cost < 0 {
			return nil, fmt.Errorf("pb: MES: project %q has negative cost", p.ID)
		}
		index[p.ID] = int32(i)
		pr.ids[i] = p.ID
		pr.cost[i] = p.Cost
	}
	seen := make([]int, m) // voter index + 1 that last approved the project
	for v, vote := range in.Votes {
		b := make([]int32, 0, len(vote.Projects))
		for _, id := range vote.Projects {
			p, ok := index[id]
			if !ok {
				return nil, fmt.Errorf("pb: MES: voter %q approves unknown project %q", vote.VoterID, id)
			}
			if seen[p] == v+1 {
				continue
			}
			seen[p] = v + 1
			b = append(b, p)
			pr.approvers[p] = append(pr.approvers[p], int32(v))
		}
		pr.ballots[v] = b
	}
	pr.order = make([]int, m)
	for p := range m {
		pr.order[p] = p
		pr.eligible[p] = pr.cost[p] > 0 && len(pr.approvers[p]) > 0
	}
	slices.SortFunc(pr.order, func(a, b int) int {
		if pr.better(a, b) {
			return -1
		}
		if pr.better(b, a) {
			return 1
		}
		return 0
	})
	return pr, nil
}

// better reports whether project a wins a tie against project b: more
// approvals, then lower cost, then smaller id.
func (pr *mesProblem) better(a, b int) bool {
	if va, vb := len(pr.approvers[a]), len(pr.approvers[b]); va != vb {
		return va > vb
	}
	if pr.cost[a] != pr.cost[b] {
		return pr.cost[a] < pr.cost[b]
	}
	return pr.ids[a] < pr.ids[b]
}

// endowment returns the total endowment after k add1 steps, B + k·n·100
// grosze, as a big.Int (it is split equally among the n voters).
func (pr *mesProblem) endowment(k int64) *big.Int {
	e := big.NewInt(k)
	e.Mul(e, big.NewInt(int64(pr.n)))
	e.Mul(e, big.NewInt(100))
	return e.Add(e, big.NewInt(pr.budget))
}

// costOf is the total cost of sel, saturating at math.MaxInt64: with huge
// costs an add1 outcome may exceed int64, and it still has to compare as
// overspending.
func (pr *mesProblem) costOf(sel []int) int64 {
	var c int64
	for _, p := range sel {
		c = addSat(c, pr.cost[p])
	}
	return c
}

// addSat adds non-negative a and b, saturating at math.MaxInt64.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func (pr *mesProblem) result(sel []int) Result {
	r := Result{Selected: make([]string, len(sel)), Cost: pr.costOf(sel)}
	for i, p := range sel {
		r.Selected[i] = pr.ids[p]
	}
	return r
}

// add1 runs the add1 completion. Steps are independent MES runs, so they
// are computed speculatively in parallel batches and then scanned in order.
func (pr *mesProblem) add1(exhaustive bool) []int {
	cur := pr.run(pr.endowment(0))
	var eligibleCost int64
	nEligible := 0
	for p, ok := range pr.eligible {
		if ok {
			eligibleCost = addSat(eligibleCost, pr.cost[p])
			nEligible++
		}
	}
	if eligibleCost <= pr.budget {
		// No step can overspend. Unless the first outcome is final, the
		// completion is taken to its limit, where MES selects every eligible
		// project: once each voter can pay the most expensive project alone
		// (an exhaustive stop at an intermediate step is not searched for).
		var maxCost int64
		for p, ok := range pr.eligible {
			if ok {
				maxCost = max(maxCost, pr.cost[p])
			}
		}
		if len(cur) == nEligible || (exhaustive && pr.exhaustive(cur)) {
			return cur
		}
		e := big.NewInt(maxCost)
		e.Mul(e, big.NewInt(int64(pr.n)))
		return pr.run(e.Add(e, pr.endowment(0)))
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	next := int64(1)
	for {
		if exhaustive && pr.exhaustive(cur) {
			return cur
		}
		// Compute steps next … next+workers-1 at once.
		batch := make([][]int, workers)
		var wg sync.WaitGroup
		for i := range workers {
			wg.Go(func() { batch[i] = pr.run(pr.endowment(next + int64(i))) })
		}
		wg.Wait()
		for _, sel := range batch {
			if pr.costOf(sel) > pr.budget {
				return cur
			}
			cur = sel
			if exhaustive && pr.exhaustive(cur) {
				return cur
			}
		}
		next += int64(workers)
	}
}

// exhaustive reports whether no unselected project fits in what sel leaves
// of the budget.
func (pr *mesProblem) exhaustive(sel []int) bool {
	left := pr.budget - pr.costOf(sel)
	in := make([]bool, len(pr.ids))
	for _, p := range sel {
		in[p] = true
	}
	for p, c := range pr.cost {
		if !in[p] && c <= left {
			return false
		}
	}
	return true
}

// greedy selects projects by approvals (ties as in better) while they fit,
// skipping those that do not; a project nobody approved is never selected.
func (pr *mesProblem) greedy() []int {
	var sel []int
	left := pr.budget
	for _, p := range pr.order {
		if len(pr.approvers[p]) > 0 && pr.cost[p] <= left {
			sel = append(sel, p)
			left -= pr.cost[p]
		}
	}
	return sel
}

// prefersGreedy reports whether strictly more voters approve more projects
// of greedy than of mes than the other way round.
func (pr *mesProblem) prefersGreedy(mes, greedy []int) bool {
	sat := make([]int, pr.n)
	for _, p := range mes {
		for _, v := range pr.approvers[p] {
			sat[v]++
		}
	}
	for _, p := range greedy {
		for _, v := range pr.approvers[p] {
			sat[v]--
		}
	}
	forMES, forGreedy := 0, 0
	for _, s := range sat {
		switch {
		case s > 0:
			forMES++
		case s < 0:
			forGreedy++
		}
	}
	return forGreedy > forMES
}

// budgetOps is the arithmetic pay needs on budgets of type B: *big.Rat
// (bigOps) or xrat (*xcalc).
type budgetOps[B any] interface {
	budgetCmp(a, b B) int
	budgetSub(a, b B) B // a fresh value, never aliasing a or b
}

// bigOps is budgetOps on *big.Rat.
type bigOps struct{}

func (bigOps) budgetCmp(a, b *big.Rat) int { return a.Cmp(b) }

func (bigOps) budgetSub(a, b *big.Rat) *big.Rat { return new(big.Rat).Sub(a, b) }

// mesClass is a set of voters who hold the same remaining budget. cnt[p] is
// how many of them approve project p.
type mesClass[B any] struct {
	budget  B
	members []int32
	cnt     []int32
}

// run is one MES pass with total endowment e split equally among the
// voters. It returns the selected projects in the order selected.
func (pr *mesProblem) run(e *big.Int) []int {
	if pr.arith == arithBig {
		pr.big.Add(1)
		return pr.runBig(e)
	}
	if pr.arith == arithAuto {
		if sel, ok := pr.runFloat(e); ok {
			pr.float.Add(1)
			return sel
		}
	}
	sel, overflows := pr.runFast(e)
	if overflows == 0 {
		pr.fast.Add(1)
	} else {
		pr.fallback.Add(1)
		pr.overflows.Add(overflows)
	}
	return sel
}

// runBig is one MES pass in big.Rat only: the reference that runFast must
// match, step for step.
func (pr *mesProblem) runBig(e *big.Int) []int {
	m := len(pr.ids)
	first := &mesClass[*big.Rat]{
		budget:  new(big.Rat).SetFrac(e, big.NewInt(int64(pr.n))),
		members: make([]int32, pr.n),
		cnt:     make([]int32, m),
	}
	for v := range pr.n {
		first.members[v] = int32(v)
	}
	for p := range m {
		first.cnt[p] = int32(len(pr.approvers[p]))
	}
	// classes are kept sorted by budget, ascending, all budgets > 0.
	classes := []*mesClass[*big.Rat]{first}
	if first.budget.Sign() == 0 {
		classes = nil
	}

	// lb[p] is a lower bound on p's ρ: budgets only shrink, so ρ only
	// grows. Initially every supporter could pay c/|A_p|: ρ ≥ 1/|A_p|.
	lb := make([]*big.Rat, m)
	var cands []int
	for _, p := range pr.order {
		if pr.eligible[p] {
			lb[p] = big.NewRat(1, int64(len(pr.approvers[p])))
			cands = append(cands, p)
		}
	}
	costRat := make([]*big.Rat, m)
	for p := range m {
		costRat[p] = new(big.Rat).SetInt64(pr.cost[p])
	}

	var sel []int
	approves := make([]bool, pr.n)
	var (
		rem, share, tmp = new(big.Rat), new(big.Rat), new(big.Rat)
		cntRat          = new(big.Rat)
	)
	// price computes p's ρ and payment cap; ok is false when p's supporters
	// cannot afford it any more.
	price := func(p int) (rho, cap *big.Rat, ok bool) {
		rem.Set(costRat[p])
		denom := int64(0)
		for _, c := range classes {
			denom += int64(c.cnt[p])
		}
		for _, c := range classes {
			k := int64(c.cnt[p])
			if k == 0 {
				continue
			}
			// share = rem / denom: the payment if the rest paid equally.
			share.SetFrac64(1, denom)
			share.Mul(share, rem)
			if share.Cmp(c.budget) > 0 {
				cntRat.SetInt64(k)
				tmp.Mul(c.budget, cntRat)
				rem.Sub(rem, tmp)
				denom -= k
				continue
			}
			cap = new(big.Rat).Set(share)
			rho = new(big.Rat).Quo(share, costRat[p])
			return rho, cap, true
		}
		return nil, nil, false
	}

	for len(cands) > 0 {
		slices.SortStableFunc(cands, func(a, b int) int { return lb[a].Cmp(lb[b]) })
		best := -1
		var bestRho, bestCap *big.Rat
		kept := cands[:0]
		for i, p := range cands {
			if best >= 0 && lb[p].Cmp(bestRho) > 0 {
				kept = append(kept, cands[i:]...)
				break
			}
			rho, cp, ok := price(p)
			if !ok {
				continue // never affordable again
			}
			lb[p] = rho
			kept = append(kept, p)
			if best < 0 {
				best, bestRho, bestCap = p, rho, cp
				continue
			}
			if c := rho.Cmp(bestRho); c < 0 || (c == 0 && pr.better(p, best)) {
				best, bestRho, bestCap = p, rho, cp
			}
		}
		cands = kept
		if best < 0 {
			break
		}
		sel = append(sel, best)
		cands = slices.DeleteFunc(cands, func(p int) bool { return p == best })
		classes = pay(pr, bigOps{}, classes, best, bestCap, approves)
	}
	return sel
}

// pay charges project s's supporters min(budget, cap) each, splitting
// classes where only some members approve s, dropping voters left with
// nothing and merging classes that end with equal budgets.
func pay[B any, O budgetOps[B]](pr *mesProblem, ops O, classes []*mesClass[B], s int, cp B, approves []bool,
) []*mesClass[B] {
	for _, v := range pr.approvers[s] {
		approves[v] = true
	}
	defer func() {
		for _, v := range pr.approvers[s] {
			approves[v] = false
		}
	}()
	out := make([]*mesClass[B], 0, len(classes)+8)
	for _, c := range classes {
		if c.cnt[s] == 0 {
			out = append(out, c)
			continue
		}
		var payers *mesClass[B]
		if int(c.cnt[s]) == len(c.members) {
			payers = c
		} else {
			payers = &mesClass[B]{cnt: make([]int32, len(c.cnt))}
			stay := c.members[:0]
			for _, v := range c.members {
				if approves[v] {
					payers.members = append(payers.members, v)
					for _, p := range pr.ballots[v] {
						payers.cnt[p]++
						c.cnt[p]--
					}
				} else {
					stay = append(stay, v)
				}
			}
			c.members = stay
			out = append(out, c)
		}
		if ops.budgetCmp(c.budget, cp) <= 0 {
			continue // pays everything it has: drop
		}
		payers.budget = ops.budgetSub(c.budget, cp)
		out = append(out, payers)
	}
	slices.SortStableFunc(out, func(a, b *mesClass[B]) int { return ops.budgetCmp(a.budget, b.budget) })
	merged := out[:0]
	for _, c := range out {
		if k := len(merged); k > 0 && ops.budgetCmp(merged[k-1].budget, c.budget) == 0 {
			last := merged[k-1]
			last.members = append(last.members, c.members...)
			for p, x := range c.cnt {
				last.cnt[p] += x
			}
			continue
		}
		merged = append(merged, c)
	}
	return merged
}
