package pb

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// synthDigest is a digest of everything Synth draws.
func synthDigest(in *Instance) string {
	h := sha256.New()
	for _, kv := range in.Meta {
		h.Write([]byte(kv.Key + "=" + kv.Value + "\n"))
	}
	for _, p := range in.Projects {
		h.Write([]byte(p.ID + ";" + FormatAmount(p.Cost) + ";" + p.Fields["district"] + "\n"))
	}
	for _, v := range in.Votes {
		h.Write([]byte(v.VoterID + ";" + strings.Join(v.Projects, ",") + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// The benchmark instance is fixed: the same on every run, machine and Go
// version (a change in the generator, or in math.Exp beyond the rounding
// to whole złoty, shows here).
func TestSynth_IsStable(t *testing.T) {
	t.Parallel()
	in := Synth(SynthWarsaw)
	require.Len(t, in.Projects, 120)
	require.Len(t, in.Votes, 150_000)
	budget, err := in.Budget()
	require.NoError(t, err)
	var total int64
	approvals := 0
	for _, p := range in.Projects {
		total += p.Cost
	}
	for _, v := range in.Votes {
		require.GreaterOrEqual(t, len(v.Projects), 1)
		require.LessOrEqual(t, len(v.Projects), 10)
		approvals += len(v.Projects)
	}
	require.Equal(t, int64(5_965_495_00), budget)
	require.Equal(t, int64(29_827_477_00), total)
	require.Equal(t, 626_644, approvals) // 4.18 a ballot
	require.Equal(t, "ffd07b7a1e9fdf0b312b5a05e2c8d72a1c54cb2a9776b5e9a2ae98326b1289c1", synthDigest(in))

	// Written and read back, it is the same instance.
	var buf strings.Builder
	require.NoError(t, Write(&buf, in))
	back, err := Read(strings.NewReader(buf.String()))
	require.NoError(t, err)
	require.Equal(t, synthDigest(in), synthDigest(back))
}

// On synthetic instances small enough for the big.Rat reference (5,000
// voters, 40 projects, 3 seeds; with -short or -race one seed of 2,000
// voters, and scripts/test runs the full size without -race), every
// variant gives the reference's outcome.
func TestEqualShares_SynthMatchesBigRat(t *testing.T) {
	t.Parallel()
	seeds, voters := uint64(3), 5000
	if testing.Short() || raceOn {
		seeds, voters = 1, 2000 // the big.Rat reference of add1 takes minutes under -race
	}
	for seed := range seeds {
		in := Synth(SynthOptions{Voters: voters, Projects: 40, Districts: 4, BudgetShare: 20, Seed: seed})
		variants := []MESOptions{{}, {Completion: CompletionAdd1, CompareGreedy: true}}
		if seed == 0 {
			variants = append(variants, MESOptions{Completion: CompletionAdd1Exhaustive})
		}
		for _, opts := range variants {
			want, bigStats, err := equalShares(in, opts, arithBig)
			require.NoError(t, err)
			got, st, err := equalShares(in, opts, arithAuto)
			require.NoError(t, err)
			require.Equal(t, want, got, "seed %d, %+v", seed, opts)
			require.Equal(t, bigStats.Big, st.Float+st.Fast+st.Fallback, "seed %d, %+v", seed, opts)
			t.Logf("seed %d, %+v: %d selected, %d passes, %+v", seed, opts, len(got.Selected), bigStats.Big, st)
		}
	}
}

// Single passes of the 150,000-voter instance agree with the exact
// arithmetic (int64 fractions and big.Rat) around the add1 stop: at step 46
// the outcome is the last that does not overspend, at 47 it overspends. The
// exact passes take about 10 s each: skipped with -short and under -race
// (scripts/test runs it without -race).
func TestRunFloat_Synthetic150kMatchesExact(t *testing.T) {
	if testing.Short() || raceOn {
		t.Skip("exact passes on 150,000 voters take about 10 s each (minutes under -race)")
	}
	t.Parallel()
	pr, err := newMESProblem(Synth(SynthWarsaw))
	require.NoError(t, err)
	for _, k := range []int64{0, 46, 47} {
		got, ok := pr.runFloat(pr.endowment(k))
		require.True(t, ok, "step %d certified", k)
		want, _ := pr.runFast(pr.endowment(k))
		require.Equal(t, want, got, "step %d", k)
		t.Logf("step %d: %d selected, %s", k, len(got), FormatAmount(pr.costOf(got)))
	}
}

// BenchmarkMES_Synthetic150k is the whole count of one pool of SynthWarsaw
// as the results job does it (budget.countInstance and computePool): Equal
// Shares with the add1 completion and the comparison step, then every
// project's score and votes. The instance is drawn once, outside the timing.
func BenchmarkMES_Synthetic150k(b *testing.B) {
	in := Synth(SynthWarsaw)
	opts, err := MESRule("equalshares/add1-comparison")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := EqualShares(in, opts)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = Scores(in, nil), Votes(in)
		b.ReportMetric(float64(len(res.Selected)), "selected")
	}
}
