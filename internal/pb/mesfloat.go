package pb

import (
	"math"
	"math/big"
	"slices"
)

// The float64 pass of Equal Shares with certified decisions. Every budget is
// held as an interval [lo, hi] of float64 values that contains the exact
// rational budget: each operation is rounded outward by one ulp (IEEE
// arithmetic is correctly rounded, so the exact result of the operation on
// the operands lies within half an ulp), and sums of many terms get the
// standard bound γ_t·Σ|x|. A price ρ is an interval too, or an exact 1/N
// when every supporter can certainly pay the equal share c/N.
//
// A round's decision is taken only when it is certain: the selected
// project's ρ is below every other candidate's (intervals apart, or both
// exact and ordered by the tie-break), affordability is certain, and so on.
// When anything is uncertain (a true tie of non-trivial prices, or values
// too close to tell apart), runFloat gives up and the pass is done again in
// exact arithmetic (runFast). So a pass either gives exactly the
// exact pass's outcome, decision by decision, or is not used.

// waterFill returns the root r of Σ k·min(b, r) = c over the classes
// holding p's supporters, with b their upper bounds (hi) or lower bounds,
// and a padding e for the rounding error of the float computation (the
// caller certifies r ± e).
func waterFill(classes []*fclass, p int, c, n float64, hi bool) (r, e float64) {
	rem, denom, paid := c, n, 0.0
	t := 0
	for _, cl := range classes {
		k := cl.cnt[p]
		if k == 0 {
			continue
		}
		b := cl.lo
		if hi {
			b = cl.hi
		}
		t++
		if share := rem / denom; share > b {
			rem -= float64(k) * b
			paid += float64(k) * b
			denom -= float64(k)
			continue
		}
		r = rem / denom
		return r, 2*sumErr(c+paid, t)/denom + r*0x1p-50
	}
	return -1, 0
}

// ulpUp and ulpDown move x one float64 ulp up or down (x finite).
func ulpUp(x float64) float64 {
	switch {
	case x > 0:
		return math.Float64frombits(math.Float64bits(x) + 1)
	case x < 0:
		return math.Float64frombits(math.Float64bits(x) - 1)
	}
	return math.SmallestNonzeroFloat64
}

func ulpDown(x float64) float64 { return -ulpUp(-x) }

// sumErr bounds the rounding error of a float64 sum s of t non-negative
// products k·x (one rounding each, then t additions): γ_{t+1}·Σ ≤ s·(t+2)·2^-52.
func sumErr(s float64, t int) float64 { return s * float64(t+2) * 0x1p-52 }

// fclass is a set of voters whose exact budgets are equal (they approve
// the same selected projects), with an interval holding that budget.
type fclass struct {
	lo, hi float64
	size   int32
	cnt    []int32 // per project: members approving it
	dead   bool    // emptied and dropped
	payers *fclass // during payFloat: the members that pay
}

// fclassArena hands out classes and their counts from large blocks: a pass
// on 150,000 voters creates tens of thousands of classes, and allocating
// each on its own kept the garbage collector busy.
type fclassArena struct {
	classes []fclass
	counts  []int32
}

func (a *fclassArena) class(lo, hi float64, m int) *fclass {
	if len(a.classes) == 0 {
		a.classes = make([]fclass, 1024)
	}
	if len(a.counts) < m {
		a.counts = make([]int32, max(m, 1<<16))
	}
	c := &a.classes[0]
	a.classes = a.classes[1:]
	c.lo, c.hi, c.cnt = lo, hi, a.counts[:m:m]
	a.counts = a.counts[m:]
	return c
}

// frho is a price: exactly 1/n when n > 0, else somewhere in [lo, hi]
// (lo, hi are bounds in both cases).
type frho struct {
	lo, hi float64
	n      int64
}

func (r frho) mid() float64 { return r.lo/2 + r.hi/2 }

// rhoLess tells whether a < b for certain (less) or b < a (greater); with
// neither, it cannot tell, unless both are exact and equal (equal).
func rhoOrder(a, b frho) (less, greater, equal bool) {
	if a.n > 0 && b.n > 0 {
		return a.n > b.n, a.n < b.n, a.n == b.n
	}
	return a.hi < b.lo, b.hi < a.lo, false
}

// runFloat is one MES pass as runBig, in float64 intervals. ok is false when
// some decision could not be certified; sel is then meaningless.
func (pr *mesProblem) runFloat(e *big.Int) (sel []int, ok bool) {
	if !e.IsInt64() || e.Int64() > 1<<53 || slices.Max(pr.cost) > 1<<53 {
		return nil, false
	}
	m := len(pr.ids)
	fe, fn := float64(e.Int64()), float64(pr.n) // both exact
	first := &fclass{lo: ulpDown(fe / fn), hi: ulpUp(fe / fn), size: int32(pr.n), cnt: make([]int32, m)}
	classOf := make([]*fclass, pr.n)
	for v := range classOf {
		classOf[v] = first
	}
	for p := range m {
		first.cnt[p] = int32(len(pr.approvers[p]))
	}
	first.lo = max(first.lo, 0)
	classes := []*fclass{first}
	if e.Sign() == 0 {
		classes = nil
	}

	var arena fclassArena
	lb := make([]frho, m)
	var cands []int
	for _, p := range pr.order {
		if pr.eligible[p] {
			n := int64(len(pr.approvers[p]))
			lb[p] = frho{lo: ulpDown(1 / float64(n)), hi: ulpUp(1 / float64(n)), n: n}
			cands = append(cands, p)
		}
	}

	// price returns p's ρ and its payment cap as an interval; afford is
	// false when p is certainly unaffordable, sure false when it cannot
	// tell.
	price := func(p int) (rho frho, capLo, capHi float64, afford, sure bool) {
		c := float64(pr.cost[p]) // exact: costs are below 2^53 or the pass is not used
		var n int64
		var sLo, sHi float64
		minLo := math.Inf(1)
		t := 0
		for _, cl := range classes {
			k := cl.cnt[p]
			if k == 0 {
				continue
			}
			n += int64(k)
			sLo += float64(k) * cl.lo
			sHi += float64(k) * cl.hi
			minLo = min(minLo, cl.lo)
			t++
		}
		if n == 0 {
			return frho{}, 0, 0, false, true
		}
		if hi := sHi + sumErr(sHi, t); hi < c {
			return frho{}, 0, 0, false, true
		}
		if sLo-sumErr(sLo, t) < c {
			return frho{}, 0, 0, false, false
		}
		fn := float64(n)
		if share := c / fn; minLo >= ulpUp(share) {
			return frho{lo: ulpDown(1 / fn), hi: ulpUp(1 / fn), n: n}, ulpDown(share), ulpUp(share), true, true
		}
		// Water-filling on the lower bounds gives about the largest cap
		// the exact budgets allow, on the upper bounds the smallest; both
		// are padded by their rounding error and then certified on f.
		rHi, eHi := waterFill(classes, p, c, fn, false)
		rLo, eLo := waterFill(classes, p, c, fn, true)
		if rHi <= 0 || rLo <= 0 {
			return frho{}, 0, 0, false, false
		}
		for range 4 {
			mHi, mLo := rHi+eHi, rLo-eLo
			// f(m) = Σ min(b, m) is non-decreasing: f_lo(mHi) ≥ c means the
			// cap is at most mHi; f_hi(mLo) < c means it is above mLo.
			var fLo, fHi float64
			for _, cl := range classes {
				k := float64(cl.cnt[p])
				if k == 0 {
					continue
				}
				fLo += k * min(cl.lo, mHi)
				fHi += k * min(cl.hi, mLo)
			}
			if fLo-sumErr(fLo, t) >= c && fHi+sumErr(fHi, t) < c {
				return frho{lo: ulpDown(mLo / c), hi: ulpUp(mHi / c)}, mLo, mHi, true, true
			}
			eHi, eLo = eHi*16, eLo*16
		}
		return frho{}, 0, 0, false, false
	}

	type eval struct {
		p   int
		rho frho
	}
	var evals []eval
	for len(cands) > 0 {
		slices.SortStableFunc(cands, func(a, b int) int {
			if lb[a].lo != lb[b].lo {
				if lb[a].lo < lb[b].lo {
					return -1
				}
				return 1
			}
			return 0
		})
		best := -1
		var bestRho frho
		var bestLo, bestHi float64
		evals = evals[:0]
		kept := cands[:0]
		pruned := 0
		for i, p := range cands {
			if best >= 0 {
				if less, _, _ := rhoOrder(bestRho, lb[p]); less {
					kept = append(kept, cands[i:]...)
					pruned = len(cands) - i
					break
				}
			}
			rho, lo, hi, afford, sure := price(p)
			if !sure {
				return nil, false
			}
			if !afford {
				continue
			}
			lb[p] = rho
			kept = append(kept, p)
			evals = append(evals, eval{p, rho})
			if best < 0 {
				best, bestRho, bestLo, bestHi = p, rho, lo, hi
				continue
			}
			less, greater, equal := rhoOrder(rho, bestRho)
			if less || (equal && pr.better(p, best)) || (!greater && !equal && rho.mid() < bestRho.mid()) {
				best, bestRho, bestLo, bestHi = p, rho, lo, hi
			}
		}
		cands = kept
		if best < 0 {
			break
		}
		// Certify: best comes first among every candidate, evaluated or not.
		for _, ev := range evals {
			if ev.p == best {
				continue
			}
			less, _, equal := rhoOrder(bestRho, ev.rho)
			if !less && !(equal && pr.better(best, ev.p)) {
				return nil, false
			}
		}
		for _, p := range cands[len(cands)-pruned:] {
			if less, _, _ := rhoOrder(bestRho, lb[p]); !less {
				return nil, false
			}
		}
		sel = append(sel, best)
		cands = slices.DeleteFunc(cands, func(p int) bool { return p == best })
		classes = pr.payFloat(classes, classOf, best, bestLo, bestHi, &arena)
	}
	return sel, true
}

// payFloat is pay on intervals: a class that certainly holds at most the
// cap is emptied (dropped), one that certainly holds more keeps the
// difference, and one that cannot tell keeps [0, hi − capLo]. It walks
// the project's supporters (classOf maps each voter to its class), not the
// classes' members.
func (pr *mesProblem) payFloat(classes []*fclass, classOf []*fclass, s int, capLo, capHi float64, ar *fclassArena) []*fclass {
	for _, c := range classes {
		c.payers = nil
	}
	out := classes
	for _, v := range pr.approvers[s] {
		c := classOf[v]
		if c.dead {
			continue
		}
		if c.cnt[s] == c.size {
			c.payers = c // the whole class pays
			continue
		}
		if c.payers == nil {
			c.payers = ar.class(c.lo, c.hi, len(c.cnt))
			out = append(out, c.payers)
		}
		np := c.payers
		classOf[v] = np
		np.size++
		c.size--
		for _, p := range pr.ballots[v] {
			np.cnt[p]++
			c.cnt[p]--
		}
	}
	// Classes are sorted by lo. Those that do not pay keep their order;
	// those that pay lose the same cap, which keeps theirs (a class that
	// cannot tell drops to lo = 0, in front): merge the two lists.
	rest := make([]*fclass, 0, len(out))
	var zero, paid []*fclass
	for _, c := range classes {
		payers := c.payers
		if payers == nil {
			rest = append(rest, c)
			continue
		}
		c.payers = nil
		if payers != c {
			rest = append(rest, c)
		}
		switch {
		case payers.hi <= capLo:
			payers.dead = true // pays everything it has: drop
		case payers.lo > capHi:
			payers.lo, payers.hi = max(0, ulpDown(payers.lo-capHi)), ulpUp(payers.hi-capLo)
			paid = append(paid, payers)
		default:
			payers.lo, payers.hi = 0, ulpUp(payers.hi-capLo)
			zero = append(zero, payers)
		}
	}
	paid = append(zero, paid...)
	merged := out[:0] // out's classes are all in rest or paid
	i, j := 0, 0
	for i < len(rest) && j < len(paid) {
		if paid[j].lo < rest[i].lo {
			merged = append(merged, paid[j])
			j++
		} else {
			merged = append(merged, rest[i])
			i++
		}
	}
	merged = append(merged, rest[i:]...)
	return append(merged, paid[j:]...)
}
