package pb

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"strconv"
)

// SynthOptions describes a synthetic approval election for benchmarks and
// equivalence tests of the counting (a city the size of Warsaw: about
// 150,000 voters and 120 projects). Zero fields take the defaults of
// SynthWarsaw.
type SynthOptions struct {
	Voters, Projects int
	// Districts splits the projects: a third are city-wide, the rest are
	// spread over the districts; every voter lives in one district.
	Districts int
	// BudgetShare is the budget as a share of the total cost, in percent.
	BudgetShare int64
	Seed        uint64
}

// SynthWarsaw is the national-scale benchmark instance of docs/benchmarks.md.
var SynthWarsaw = SynthOptions{Voters: 150_000, Projects: 120, Districts: 10, BudgetShare: 20, Seed: 2026}

// approvalsPercent is how many projects a ballot approves: 1 to 10, in
// percent of voters (mean 4.1), skewed to few as in Wieliczka 2023.
var approvalsPercent = [10]uint64{14, 16, 17, 14, 11, 9, 7, 5, 4, 3}

// Synth draws a synthetic approval instance. It is a pure function of o:
// it uses only the raw outputs of a PCG generator (whose sequence Go
// specifies) and integer arithmetic, except one math.Exp per project cost,
// which is rounded to whole złoty (TestSynth_IsStable pins a digest of the
// default instance, so any change is seen).
//
//   - Costs are log-normal: median 150,000 PLN, σ = 1 (the normal deviate is
//     an Irwin–Hall sum of 12 uniforms), clipped to 5,000 … 4,000,000 PLN and
//     rounded to whole złoty. The budget is BudgetShare % of the total cost.
//   - Popularity is Zipf-like: the project of popularity rank r (a random
//     permutation, independent of cost) has weight 1/r. A voter weighs the
//     projects of their own district ×3 and those of other districts ÷10;
//     city-wide projects count as they are.
//   - A voter approves 1 to 10 distinct projects (approvalsPercent), drawn
//     by weight without replacement; the district of a voter is uniform.
func Synth(o SynthOptions) *Instance {
	if o.Voters == 0 {
		o.Voters = SynthWarsaw.Voters
	}
	if o.Projects == 0 {
		o.Projects = SynthWarsaw.Projects
	}
	if o.Districts == 0 {
		o.Districts = SynthWarsaw.Districts
	}
	if o.BudgetShare == 0 {
		o.BudgetShare = SynthWarsaw.BudgetShare
	}
	src := rand.NewPCG(o.Seed, 0x6f7477617274790a) // "otwarty\n"
	// intN is uniform on [0, n): the high word of a 64-bit draw times n (the
	// bias, under n/2^64, does not matter and the result is fixed).
	intN := func(n uint64) uint64 {
		hi, _ := bits.Mul64(src.Uint64(), n)
		return hi
	}

	m := o.Projects
	in := &Instance{ProjectColumns: []string{"project_id", "cost", "district"}}
	city := m / 3
	district := make([]int, m) // 0: city-wide, else 1 … Districts
	var total int64
	for p := range m {
		// Irwin–Hall: the sum of 12 uniforms on [0,1) minus 6 is close to N(0,1).
		var s uint64
		for range 12 {
			s += src.Uint64() >> 12 // 52 bits
		}
		z := float64(int64(s)-6<<52) / (1 << 52)
		pln := math.Round(150_000 * math.Exp(z))
		cost := int64(min(max(pln, 5_000), 4_000_000)) * 100
		if p >= city {
			district[p] = 1 + (p-city)%o.Districts
		}
		id := fmt.Sprintf("P%03d", p+1)
		in.Projects = append(in.Projects, Project{ID: id, Cost: cost, Fields: map[string]string{
			"project_id": id, "cost": strconv.FormatInt(cost/100, 10), "district": strconv.Itoa(district[p]),
		}})
		total += cost
	}
	budget := total * o.BudgetShare / 100 / 100 * 100 // whole złoty

	// Popularity ranks: a Fisher–Yates permutation.
	rank := make([]uint64, m)
	for p := range rank {
		rank[p] = uint64(p + 1)
	}
	for i := m - 1; i > 0; i-- {
		j := intN(uint64(i + 1))
		rank[i], rank[j] = rank[j], rank[i]
	}
	// cum[d] are the cumulative weights seen by a voter of district d.
	cum := make([][]uint64, o.Districts+1)
	for d := 1; d <= o.Districts; d++ {
		cum[d] = make([]uint64, m)
		var acc uint64
		for p := range m {
			w := (1 << 40) / rank[p]
			switch district[p] {
			case 0:
			case d:
				w *= 3
			default:
				w /= 10
			}
			acc += w
			cum[d][p] = acc
		}
	}

	in.Votes = make([]Vote, o.Voters)
	ids := make([]string, m)
	for p := range m {
		ids[p] = in.Projects[p].ID
	}
	chosen := make([]bool, m)
	for v := range in.Votes {
		d := 1 + int(intN(uint64(o.Districts)))
		k, x := 0, intN(100)
		for k = range approvalsPercent {
			if x < approvalsPercent[k] {
				break
			}
			x -= approvalsPercent[k]
		}
		k = min(k+1, m)
		c := cum[d]
		ballot := make([]string, 0, k)
		var picks [10]int
		for len(ballot) < k {
			x := intN(c[m-1])
			lo, hi := 0, m-1 // the first p with c[p] > x
			for lo < hi {
				mid := (lo + hi) / 2
				if c[mid] > x {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			if chosen[lo] {
				continue
			}
			chosen[lo] = true
			picks[len(ballot)] = lo
			ballot = append(ballot, ids[lo])
		}
		for _, p := range picks[:k] {
			chosen[p] = false
		}
		in.Votes[v] = Vote{VoterID: strconv.Itoa(v + 1), Projects: ballot}
	}
	in.Meta = []KV{
		{Key: "description", Value: fmt.Sprintf("synthetic approval election (pb.Synth, seed %d)", o.Seed)},
		{Key: "num_projects", Value: strconv.Itoa(m)},
		{Key: "num_votes", Value: strconv.Itoa(o.Voters)},
		{Key: "budget", Value: FormatAmount(budget)},
		{Key: "vote_type", Value: Approval},
		{Key: "rule", Value: "equalshares/add1-comparison"},
		{Key: "min_length", Value: "1"},
		{Key: "max_length", Value: "10"},
	}
	return in
}
