package tally_test

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/tally"
)

// The jury table of TestRank_HandComputedJuryTable, ranked with ties
// reported: A and C (17/2) share rank 1, B and E (25/3) rank 3; the top
// scores no longer break them.
func TestRankTies_ReportsEqualMeansAsSharedRanks(t *testing.T) {
	t.Parallel()
	s := func(juror, nominee string, points int) tally.Score {
		return tally.Score{Juror: juror, Nominee: nominee, Points: points}
	}
	recused := func(juror, nominee string) tally.Score {
		return tally.Score{Juror: juror, Nominee: nominee, Recused: true}
	}
	scores := []tally.Score{
		s("J1", "A", 8), s("J2", "A", 9), recused("J3", "A"),
		s("J1", "B", 10), s("J2", "B", 7), s("J3", "B", 8),
		s("J1", "C", 10), s("J2", "C", 7), recused("J3", "C"),
		s("J1", "D", 9), recused("J2", "D"), recused("J3", "D"),
		s("J1", "E", 6), s("J2", "E", 10), s("J3", "E", 9),
		s("J1", "F", 3),
	}
	got, err := tally.RankTies([]string{"A", "B", "C", "D", "E", "F", "G"}, scores, tally.Scale{Min: 0, Max: 10}, 2)
	require.NoError(t, err)
	require.Equal(t, []tally.Standing{
		{Nominee: "C", Sum: 17, Scorers: 2, Top: 1, Rank: 1},
		{Nominee: "A", Sum: 17, Scorers: 2, Top: 0, Rank: 1},
		{Nominee: "B", Sum: 25, Scorers: 3, Top: 1, Rank: 3},
		{Nominee: "E", Sum: 25, Scorers: 3, Top: 1, Rank: 3},
		{Nominee: "D", Sum: 9, Scorers: 1, Top: 0, Rank: 5, Unrated: true},
		{Nominee: "F", Sum: 3, Scorers: 1, Top: 0, Rank: 5, Unrated: true},
		{Nominee: "G", Rank: 5, Unrated: true},
	}, got)
	want := []bool{true, true, true, true, true, true, true}
	for i := range got {
		require.Equal(t, want[i], tally.Tied(got, i), got[i].Nominee)
	}

	// Without ties every rank is its own.
	one, err := tally.RankTies([]string{"X", "Y"}, []tally.Score{s("J1", "X", 4), s("J1", "Y", 5)}, tally.Scale{Min: 0, Max: 10}, 1)
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, []int{one[0].Rank, one[1].Rank})
	require.Equal(t, "Y", one[0].Nominee)
	require.False(t, tally.Tied(one, 0))
	require.False(t, tally.Tied(one, 1))

	_, err = tally.RankTies([]string{"X"}, []tally.Score{s("J1", "X", 11)}, tally.Scale{Min: 0, Max: 10}, 1)
	require.ErrorIs(t, err, tally.ErrScores)
}

// A weighted mean by hand: weights 2, 1, 1 on 0–10; juror 1 gives 8, 6, 7
// (2·8+6+7 = 29), juror 2 gives 9, 9, 4 (2·9+9+4 = 31): the mean is
// (29+31)/(2·4) = 60/8 = 7.5.
func TestMean_WeightedExactly(t *testing.T) {
	t.Parallel()
	w := []int{2, 1, 1}
	p1, err := tally.Weighted(w, []int{8, 6, 7})
	require.NoError(t, err)
	p2, err := tally.Weighted(w, []int{9, 9, 4})
	require.NoError(t, err)
	require.Equal(t, []int{29, 31}, []int{p1, p2})
	_, err = tally.Weighted(w, []int{1})
	require.ErrorIs(t, err, tally.ErrScores)

	st, err := tally.RankTies([]string{"A"}, []tally.Score{{Juror: "1", Nominee: "A", Points: p1}, {Juror: "2", Nominee: "A", Points: p2}},
		tally.Scale{Min: 0, Max: 40}, 1)
	require.NoError(t, err)
	m, ok := tally.Mean(st[0], 4)
	require.True(t, ok)
	require.Equal(t, "15/2", m.RatString())
	require.Equal(t, "7.50", tally.Decimal(m, 2))
	_, ok = tally.Mean(tally.Standing{}, 4)
	require.False(t, ok)
}

func TestDecimal_RoundsHalfUp(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n, d   int64
		places int
		want   string
	}{
		{7, 3, 2, "2.33"},
		{8, 3, 2, "2.67"},
		{5, 8, 2, "0.63"}, // 0.625
		{1, 8, 2, "0.13"}, // 0.125
		{1, 200, 2, "0.01"},
		{1, 201, 2, "0.00"},
		{10, 1, 2, "10.00"},
		{0, 1, 2, "0.00"},
		{22, 3, 0, "7"},
		{15, 2, 0, "8"},
		{2, 3, 4, "0.6667"},
	} {
		require.Equal(t, c.want, tally.Decimal(big.NewRat(c.n, c.d), c.places), "%d/%d", c.n, c.d)
	}
}
