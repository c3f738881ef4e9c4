package pb

import (
	"math"
	"math/big"
	"math/bits"
	"slices"
)

// The int64 fast path of Equal Shares. Values are fractions with int64
// numerator and denominator in lowest terms, every operation checked; an
// operation whose exact result would not fit is done in big.Rat instead,
// and a big.Rat result that fits again goes back to int64. Every value is
// exact either way, so runFast selects exactly what runBig selects.
//
// Early rounds stay in int64: voters hold E/n, prices are c/|A_p|. Each
// payment by water-filling multiplies the denominators of the payers'
// budgets by a supporter count, so on real data (Wieliczka 2023, 6,586
// voters) they outgrow int64 after a few rounds, and from then on only the
// budgets of voters who have not paid yet (and the prices that involve only
// them) stay small.

// frac is num/den in lowest terms with den > 0.
type frac struct{ num, den int64 }

// cmp compares a and b exactly: the cross products have up to 126 bits.
func (a frac) cmp(b frac) int {
	sa, sb := sign64(a.num), sign64(b.num)
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	// |a.num|·b.den against |b.num|·a.den; negative values reverse.
	h1, l1 := bits.Mul64(abs64(a.num), uint64(b.den))
	h2, l2 := bits.Mul64(abs64(b.num), uint64(a.den))
	c := 0
	switch {
	case h1 < h2 || (h1 == h2 && l1 < l2):
		c = -1
	case h1 > h2 || (h1 == h2 && l1 > l2):
		c = 1
	}
	return c * sa
}

// sub returns a − b; ok is false on overflow.
func (a frac) sub(b frac) (frac, bool) {
	g := gcd64(uint64(a.den), uint64(b.den))
	ad, bd := a.den/int64(g), b.den/int64(g)
	x, ok1 := mul64(a.num, bd)
	y, ok2 := mul64(b.num, ad)
	t, ok3 := sub64(x, y)
	if !ok1 || !ok2 || !ok3 {
		return frac{}, false
	}
	if t == 0 {
		return frac{0, 1}, true
	}
	// gcd(t, ad·bd·g) = gcd(t, g): t is coprime to ad and to bd (Knuth 4.5.1).
	g2 := int64(gcd64(abs64(t), g))
	den, ok := mul64(ad, b.den/g2)
	return frac{t / g2, den}, ok
}

// mulInt returns a·k for k > 0; ok is false on overflow.
func (a frac) mulInt(k int64) (frac, bool) {
	g := int64(gcd64(uint64(k), uint64(a.den)))
	num, ok := mul64(a.num, k/g)
	return frac{num, a.den / g}, ok
}

// divInt returns a/d for d > 0; ok is false on overflow.
func (a frac) divInt(d int64) (frac, bool) {
	if a.num == 0 {
		return frac{0, 1}, true
	}
	g := int64(gcd64(abs64(a.num), uint64(d)))
	den, ok := mul64(a.den, d/g)
	return frac{a.num / g, den}, ok
}

func sign64(x int64) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// abs64 is |x| as uint64 (also for math.MinInt64).
func abs64(x int64) uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}

// mul64 returns x·y; ok is false when |x·y| > MaxInt64 (math.MinInt64 is
// treated as an overflow too, which only sends a pass to big.Rat).
func mul64(x, y int64) (int64, bool) {
	hi, lo := bits.Mul64(abs64(x), abs64(y))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if (x < 0) != (y < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

// sub64 returns x − y; ok is false on overflow.
func sub64(x, y int64) (int64, bool) {
	r := x - y
	return r, (x^y)&(x^r) >= 0
}

// gcd64 is the binary GCD; gcd64(0, b) = b.
func gcd64(a, b uint64) uint64 {
	if a == 0 {
		return b
	}
	if b == 0 {
		return a
	}
	shift := bits.TrailingZeros64(a | b)
	a >>= bits.TrailingZeros64(a)
	for b != 0 {
		b >>= bits.TrailingZeros64(b)
		if a > b {
			a, b = b, a
		}
		b -= a
	}
	return a << shift
}

// xrat is an exact rational: f while it fits int64, else big (then
// non-nil). A big value is never mutated once it is stored in a class, in
// lb or as a price.
type xrat struct {
	f   frac
	big *big.Rat
}

// xcalc does xrat arithmetic with scratch space, counting the operations
// whose int64 result overflowed.
type xcalc struct {
	x, y, k        big.Rat // small operands of a big operation
	an, ad, bn, bd big.Int // small operands of a comparison
	l, r           big.Int // cross products of a comparison
	overflows      int64
}

// toBig returns x as a big.Rat, using buf when x is small.
func toBig(x xrat, buf *big.Rat) *big.Rat {
	if x.big != nil {
		return x.big
	}
	return buf.SetFrac64(x.f.num, x.f.den)
}

// fit returns z as an xrat, int64 when it fits.
func fit(z *big.Rat) xrat {
	if z.Num().IsInt64() && z.Denom().IsInt64() {
		return xrat{f: frac{z.Num().Int64(), z.Denom().Int64()}}
	}
	return xrat{big: z}
}

func (c *xcalc) cmp(a, b xrat) int {
	if a.big == nil && b.big == nil {
		return a.f.cmp(b.f)
	}
	// Cross-multiply in scratch Ints: big.Rat.Cmp allocates, and converting
	// a small operand to a big.Rat would reduce it again.
	c.l.Mul(c.numOf(a, &c.an), c.denOf(b, &c.bd))
	c.r.Mul(c.numOf(b, &c.bn), c.denOf(a, &c.ad))
	return c.l.Cmp(&c.r)
}

func (c *xcalc) numOf(x xrat, buf *big.Int) *big.Int {
	if x.big != nil {
		return x.big.Num()
	}
	return buf.SetInt64(x.f.num)
}

func (c *xcalc) denOf(x xrat, buf *big.Int) *big.Int {
	if x.big != nil {
		return x.big.Denom()
	}
	return buf.SetInt64(x.f.den)
}

// sub returns a − b. A big result is stored in z (a fresh big.Rat when z is
// nil); z may be a.big or b.big.
func (c *xcalc) sub(z *big.Rat, a, b xrat) xrat {
	if a.big == nil && b.big == nil {
		if f, ok := a.f.sub(b.f); ok {
			return xrat{f: f}
		}
		c.overflows++
	}
	if z == nil {
		z = new(big.Rat)
	}
	return fit(z.Sub(toBig(a, &c.x), toBig(b, &c.y)))
}

// mulInt returns a·k for k > 0; z as in sub.
func (c *xcalc) mulInt(z *big.Rat, a xrat, k int64) xrat {
	if a.big == nil {
		if f, ok := a.f.mulInt(k); ok {
			return xrat{f: f}
		}
		c.overflows++
	}
	if z == nil {
		z = new(big.Rat)
	}
	return fit(z.Mul(toBig(a, &c.x), c.k.SetInt64(k)))
}

// quoInt returns a/d for d > 0; z as in sub.
func (c *xcalc) quoInt(z *big.Rat, a xrat, d int64) xrat {
	if a.big == nil {
		if f, ok := a.f.divInt(d); ok {
			return xrat{f: f}
		}
		c.overflows++
	}
	if z == nil {
		z = new(big.Rat)
	}
	return fit(z.Quo(toBig(a, &c.x), c.k.SetInt64(d)))
}

// keep returns x with its own big.Rat when x is held in scratch space.
func keep(x xrat) xrat {
	if x.big != nil {
		x.big = new(big.Rat).Set(x.big)
	}
	return x
}

func (c *xcalc) budgetCmp(a, b xrat) int { return c.cmp(a, b) }

func (c *xcalc) budgetSub(a, b xrat) xrat { return c.sub(nil, a, b) }

// runFast is runBig on xrat, step for step. It also returns how many
// operations overflowed int64 and were done in big.Rat.
func (pr *mesProblem) runFast(e *big.Int) (sel []int, overflows int64) {
	m := len(pr.ids)
	var xc xcalc
	var start xrat
	if e.IsInt64() {
		g := int64(gcd64(abs64(e.Int64()), uint64(pr.n)))
		start = xrat{f: frac{e.Int64() / g, int64(pr.n) / g}}
	} else {
		xc.overflows++
		start = fit(new(big.Rat).SetFrac(e, big.NewInt(int64(pr.n))))
	}
	first := &mesClass[xrat]{
		budget:  start,
		members: make([]int32, pr.n),
		cnt:     make([]int32, m),
	}
	for v := range pr.n {
		first.members[v] = int32(v)
	}
	for p := range m {
		first.cnt[p] = int32(len(pr.approvers[p]))
	}
	classes := []*mesClass[xrat]{first}
	if xc.cmp(start, xrat{f: frac{0, 1}}) == 0 {
		classes = nil
	}

	lb := make([]xrat, m)
	var cands []int
	for _, p := range pr.order {
		if pr.eligible[p] {
			lb[p] = xrat{f: frac{1, int64(len(pr.approvers[p]))}}
			cands = append(cands, p)
		}
	}

	approves := make([]bool, pr.n)
	var remBuf, shareBuf, paidBuf big.Rat
	// price is runBig's price.
	price := func(p int) (rho, cp xrat, ok bool) {
		rem := xrat{f: frac{pr.cost[p], 1}}
		denom := int64(0)
		for _, c := range classes {
			denom += int64(c.cnt[p])
		}
		for _, c := range classes {
			k := int64(c.cnt[p])
			if k == 0 {
				continue
			}
			share := xc.quoInt(&shareBuf, rem, denom)
			if xc.cmp(share, c.budget) > 0 {
				paid := xc.mulInt(&paidBuf, c.budget, k)
				rem = xc.sub(&remBuf, rem, paid)
				denom -= k
				continue
			}
			share = keep(share)
			return xc.quoInt(nil, share, pr.cost[p]), share, true
		}
		return xrat{}, xrat{}, false
	}

	for len(cands) > 0 {
		slices.SortStableFunc(cands, func(a, b int) int { return xc.cmp(lb[a], lb[b]) })
		best := -1
		var bestRho, bestCap xrat
		kept := cands[:0]
		for i, p := range cands {
			if best >= 0 && xc.cmp(lb[p], bestRho) > 0 {
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
			if c := xc.cmp(rho, bestRho); c < 0 || (c == 0 && pr.better(p, best)) {
				best, bestRho, bestCap = p, rho, cp
			}
		}
		cands = kept
		if best < 0 {
			break
		}
		sel = append(sel, best)
		cands = slices.DeleteFunc(cands, func(p int) bool { return p == best })
		classes = pay(pr, &xc, classes, best, bestCap, approves)
	}
	return sel, xc.overflows
}
