package pb

import (
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// ratOf is f as a big.Rat.
func ratOf(f frac) *big.Rat { return big.NewRat(f.num, f.den) }

// fracFits reports whether r in lowest terms fits a frac.
func fracFits(r *big.Rat) bool { return r.Num().IsInt64() && r.Denom().IsInt64() }

// randFrac draws a reduced fraction; wide draws from all of int64.
func randFrac(rng *rand.Rand, wide bool) frac {
	num, den := rng.Int64N(2001)-1000, rng.Int64N(1000)+1
	if wide {
		num, den = rng.Int64()>>rng.IntN(63), rng.Int64N(math.MaxInt64>>rng.IntN(63))+1
		if rng.IntN(2) == 0 {
			num = -num
		}
	}
	r := big.NewRat(num, den)
	return frac{r.Num().Int64(), r.Denom().Int64()}
}

// Every frac operation equals big.Rat when it reports ok, and reports
// !ok whenever the exact result does not fit: never silently wrong.
func TestFrac_AgreesWithBigRat(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	overflows := 0
	for i := range 50_000 {
		wide := i%2 == 1
		a, b := randFrac(rng, wide), randFrac(rng, wide)
		ra, rb := ratOf(a), ratOf(b)

		require.Equal(t, ra.Cmp(rb), a.cmp(b), "%v cmp %v", a, b)

		want := new(big.Rat).Sub(ra, rb)
		got, ok := a.sub(b)
		if ok {
			require.Equal(t, want.String(), ratOf(got).String(), "%v - %v", a, b)
			require.Positive(t, got.den)
		} else {
			overflows++
		}
		if !fracFits(want) {
			require.False(t, ok, "%v - %v = %v does not fit", a, b, want)
		}

		k := rng.Int64N(1000) + 1
		if wide {
			k = rng.Int64N(math.MaxInt64>>rng.IntN(63)) + 1
		}
		kr := new(big.Rat).SetInt64(k)
		want = new(big.Rat).Mul(ra, kr)
		got, ok = a.mulInt(k)
		if ok {
			require.Equal(t, want.String(), ratOf(got).String(), "%v * %d", a, k)
		}
		if !fracFits(want) {
			require.False(t, ok, "%v * %d = %v does not fit", a, k, want)
		}
		want = new(big.Rat).Quo(ra, kr)
		got, ok = a.divInt(k)
		if ok {
			require.Equal(t, want.String(), ratOf(got).String(), "%v / %d", a, k)
		}
		if !fracFits(want) {
			require.False(t, ok, "%v / %d = %v does not fit", a, k, want)
		}
	}
	require.Positive(t, overflows, "the wide draws must reach the overflow checks")
}

func TestGCD64(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for range 10_000 {
		a, b := rng.Uint64()>>rng.IntN(64), rng.Uint64()>>rng.IntN(64)
		want := new(big.Int).GCD(nil, nil, new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
		require.Equal(t, want.Uint64(), gcd64(a, b), "gcd(%d, %d)", a, b)
	}
	require.Equal(t, uint64(0), gcd64(0, 0))
}

// randomMESInstance draws an approval instance. Small instances have
// costs up to 500 PLN and at most 12 voters, so every value fits int64.
// Huge ones have budgets near the largest a .pb file can state
// (13-digit PLN), costs of a tenth of that with odd grosze and 200 to 2,000
// voters, so that a payment's cross products (budget numerators of about
// 10^15 times supporter counts) outgrow int64 after a round or two.
func randomMESInstance(rng *rand.Rand, huge bool) *Instance {
	n, m := 1+rng.IntN(12), 1+rng.IntN(8)
	if huge {
		n, m = 200+rng.IntN(1800), 3+rng.IntN(8)
	}
	in := &Instance{}
	var total int64
	for p := range m {
		c := rng.Int64N(500_00) + 1
		switch {
		case huge:
			c = 50_000_000_000_000 + rng.Int64N(200_000_000_000_000) | 1
		case rng.IntN(20) == 0:
			c = 0
		}
		total += c
		in.Projects = append(in.Projects, Project{ID: "p" + strconv.Itoa(p), Cost: c})
	}
	budget := total/4 + rng.Int64N(total+1)
	if huge {
		budget = 500_000_000_000_000 + rng.Int64N(499_999_999_999_999)
	}
	in.Meta = []KV{{Key: "budget", Value: FormatAmount(max(budget, 1))}, {Key: "vote_type", Value: Approval}}
	for v := range n {
		var ids []string
		for p := range m {
			if rng.IntN(5) < 2 {
				ids = append(ids, "p"+strconv.Itoa(p))
			}
		}
		if len(ids) > 0 && rng.IntN(10) == 0 {
			ids = append(ids, ids[0]) // a repeated id counts once
		}
		in.Votes = append(in.Votes, Vote{VoterID: "v" + strconv.Itoa(v), Projects: ids})
	}
	return in
}

var mesVariants = []MESOptions{
	{},
	{CompareGreedy: true},
	{Completion: CompletionAdd1},
	{Completion: CompletionAdd1Exhaustive},
	{Completion: CompletionAdd1, CompareGreedy: true},
}

// The int64 path and the certified float64 path select exactly what the
// big.Rat path selects, on many random small instances (all in int64) for
// every variant.
func TestEqualShares_FastPathMatchesBigRat(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2026, 6))
	var float, passes int64
	for i := range 600 {
		in := randomMESInstance(rng, false)
		for _, opts := range mesVariants {
			want, bigStats, err := equalShares(in, opts, arithBig)
			require.NoError(t, err)
			got, st, err := equalShares(in, opts, arithExact)
			require.NoError(t, err)
			require.Equal(t, want, got, "instance %d, %+v", i, opts)
			require.Equal(t, mesStats{Fast: bigStats.Big}, st, "instance %d, %+v: every pass fits int64", i, opts)

			got, st, err = equalShares(in, opts, arithAuto)
			require.NoError(t, err)
			require.Equal(t, want, got, "instance %d, %+v (float)", i, opts)
			require.Equal(t, bigStats.Big, st.Float+st.Fast, "instance %d, %+v", i, opts)
			float, passes = float+st.Float, passes+bigStats.Big
		}
	}
	// Tiny instances tie often (equal costs and supporters): some passes
	// cannot be certified in float64 and are redone exactly.
	t.Logf("float64 certified %d of %d passes", float, passes)
	require.Greater(t, float, passes/2)
	require.Less(t, float, passes)
}

// Instances built to overflow int64: the fallback is taken, and the result
// is still exactly the big.Rat result. add1 is only run where every project
// fits the largest budget together (with costs of this size its steps of n
// PLN would otherwise take ages); the completion then ends with one large
// endowment pass.
func TestEqualShares_OverflowFallsBackToBigRat(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 1977))
	const maxBudget = 999_999_999_999_999 // 9,999,999,999,999.99 PLN
	overflowed, add1Checked := 0, 0
	for i := range 300 {
		in := randomMESInstance(rng, true)
		want, _, err := equalShares(in, MESOptions{}, arithBig)
		require.NoError(t, err)
		got, st, err := equalShares(in, MESOptions{}, arithExact)
		require.NoError(t, err)
		require.Equal(t, want, got, "instance %d", i)
		require.Equal(t, int64(1), st.Fast+st.Fallback, "instance %d", i)
		got, _, err = equalShares(in, MESOptions{}, arithAuto)
		require.NoError(t, err)
		require.Equal(t, want, got, "instance %d (float)", i)
		if st.Fallback == 1 {
			require.Positive(t, st.Overflows)
			overflowed++
		}

		variants := mesVariants[:2]
		var total int64
		for _, p := range in.Projects {
			total += p.Cost
		}
		if total <= maxBudget {
			variants = mesVariants
			add1Checked++
		}
		fits := *in
		fits.Meta = []KV{{Key: "budget", Value: FormatAmount(maxBudget)}, {Key: "vote_type", Value: Approval}}
		for _, opts := range variants {
			want, _, err := equalShares(&fits, opts, arithBig)
			require.NoError(t, err)
			for _, arith := range []mesArith{arithExact, arithAuto} {
				got, _, err := equalShares(&fits, opts, arith)
				require.NoError(t, err)
				require.Equal(t, want, got, "instance %d (largest budget), %+v, arith %d", i, opts, arith)
			}
		}
	}
	t.Logf("%d of 300 huge instances overflowed int64 in plain MES; add1 checked on %d", overflowed, add1Checked)
	require.Greater(t, overflowed, 240, "most huge instances must overflow int64")
	require.Greater(t, add1Checked, 30)
}

// A pass whose values overflow int64 does those operations in big.Rat and
// selects what runBig selects.
func TestRunFast_OverflowingPassMatchesRunBig(t *testing.T) {
	t.Parallel()
	// 10,007 voters (a prime) hold 999,999,999,999,999/10,007 grosze each.
	// a, approved by all but the last, is taken first with a cap of
	// 123,456,789/10,006: the payers' new budget needs the cross product
	// 999,999,999,999,999·10,006 > MaxInt64, so it is computed in big.Rat
	// (its reduced value has a denominator of 10,007·10,006 and a
	// numerator above 10^19). b is then paid by the last voter alone.
	in := &Instance{
		Meta:     []KV{{Key: "budget", Value: "9999999999999.99"}},
		Projects: []Project{{ID: "a", Cost: 123_456_789}, {ID: "b", Cost: 1000}},
	}
	for v := range 10_007 {
		ids := []string{"a"}
		if v == 10_006 {
			ids = []string{"b"}
		}
		in.Votes = append(in.Votes, Vote{VoterID: strconv.Itoa(v), Projects: ids})
	}
	pr, err := newMESProblem(in)
	require.NoError(t, err)
	e := pr.endowment(0)
	want := pr.runBig(e)
	got, overflows := pr.runFast(e)
	require.Positive(t, overflows, "this pass must overflow int64")
	require.Equal(t, want, got)
	require.Equal(t, []int{0, 1}, got)

	r, st, err := equalShares(in, MESOptions{}, arithExact)
	require.NoError(t, err)
	require.Equal(t, mesStats{Fallback: 1, Overflows: overflows}, st)
	require.Equal(t, pr.result(want), r)

	// An endowment beyond int64 starts in big.Rat.
	huge := new(big.Int).Lsh(big.NewInt(1), 63)
	got, overflows = pr.runFast(huge)
	require.Positive(t, overflows)
	require.Equal(t, pr.runBig(huge), got)
}

var wieliczkaInternal = sync.OnceValues(func() (*Instance, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return ReadFile(filepath.Join(dir, "..", "..", "..", "shared", "data", "pabulib", "Poland_Wieliczka_2023_Green_Budget.pb"))
})

func wieliczkaForTest(tb testing.TB) *Instance {
	tb.Helper()
	in, err := wieliczkaInternal()
	if os.IsNotExist(err) {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("Wieliczka 2023 file missing from ../shared/data/pabulib (CI=true): %v", err)
		}
		tb.Skipf("Wieliczka 2023 file missing from ../shared/data/pabulib: %v", err)
	}
	require.NoError(tb, err)
	return in
}

// Wieliczka 2023 gives the big.Rat outcome, plain and with add1 (its
// rule), with the same passes; the golden tests pin all the outcomes. Its budgets outgrow int64 after
// a few rounds of every pass, so every pass mixes both arithmetics.
func TestEqualShares_WieliczkaFastPathMatchesBigRat(t *testing.T) {
	t.Parallel()
	in := wieliczkaForTest(t)
	for _, opts := range []MESOptions{{}, {Completion: CompletionAdd1}} {
		want, bigStats, err := equalShares(in, opts, arithBig)
		require.NoError(t, err)
		got, st, err := equalShares(in, opts, arithExact)
		require.NoError(t, err)
		require.Equal(t, want, got, "%+v", opts)
		require.Equal(t, bigStats.Big, st.Fast+st.Fallback, "%+v: the same passes", opts)
		require.Positive(t, st.Overflows, "%+v", opts)
		t.Logf("%+v exact: %+v", opts, st)

		got, st, err = equalShares(in, opts, arithAuto)
		require.NoError(t, err)
		require.Equal(t, want, got, "%+v (float)", opts)
		require.Equal(t, bigStats.Big, st.Float+st.Fast+st.Fallback, "%+v: the same passes", opts)
		t.Logf("%+v float: %+v", opts, st)
	}
}

// BenchmarkMES_Wieliczka counts Wieliczka 2023 with the int64 fast path
// (fast) and with big.Rat only (big), for each completion.
func BenchmarkMES_Wieliczka(b *testing.B) {
	in := wieliczkaForTest(b)
	for _, arith := range []struct {
		name  string
		arith mesArith
	}{{"float", arithAuto}, {"fast", arithExact}, {"big", arithBig}} {
		for _, c := range []struct{ name, completion string }{
			{"mes", CompletionNone},
			{"mes-add1", CompletionAdd1},
			{"mes-add1-exhaustive", CompletionAdd1Exhaustive},
		} {
			b.Run(arith.name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := equalShares(in, MESOptions{Completion: c.completion}, arith.arith); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
