package tally

import (
	"fmt"
	"math/big"
	"strings"
)

// RankTies is Rank without the tie-break by top scores: nominees with
// exactly the same mean share a rank (the next rank skips as many places,
// as in "1, 1, 3"), so that a jury's ties are reported and settled by the
// jury, not by the arithmetic. Unrated nominees come last, sharing a rank.
func RankTies(nominees []string, scores []Score, scale Scale, minScorers int) ([]Standing, error) {
	out, err := Rank(nominees, scores, scale, minScorers)
	if err != nil {
		return nil, err
	}
	// Rank has sorted by (rated first, mean): equal means are adjacent.
	same := func(a, b Standing) bool {
		if a.Unrated || b.Unrated {
			return a.Unrated == b.Unrated
		}
		return a.Sum*b.Scorers == b.Sum*a.Scorers
	}
	for i := range out {
		if i > 0 && same(out[i-1], out[i]) {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out, nil
}

// Tied reports whether standings[i] shares its rank with another one.
func Tied(standings []Standing, i int) bool {
	for j := range standings {
		if j != i && standings[j].Rank == standings[i].Rank {
			return true
		}
	}
	return false
}

// Mean is s's mean score Sum/Scorers divided by per (the sum of weights
// when each juror's points are a weighted sum), as an exact fraction; ok
// is false when nobody scored.
func Mean(s Standing, per int) (r *big.Rat, ok bool) {
	if s.Scorers == 0 || per <= 0 {
		return nil, false
	}
	return big.NewRat(int64(s.Sum), int64(s.Scorers)*int64(per)), true
}

// Weighted is Σ weight·points, one juror's weighted sum over the criteria
// (points[i] is scored on the criterion of weights[i]).
func Weighted(weights, points []int) (int, error) {
	if len(weights) != len(points) {
		return 0, fmt.Errorf("%w: %d weights for %d points", ErrScores, len(weights), len(points))
	}
	sum := 0
	for i, w := range weights {
		sum += w * points[i]
	}
	return sum, nil
}

// Decimal writes a non-negative fraction as a decimal string with places
// decimals, rounded half up (7/3 → "2.33", 5/8 → "0.63" at 2 places).
func Decimal(r *big.Rat, places int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	num := new(big.Int).Mul(r.Num(), scale)
	num.Mul(num, big.NewInt(2))
	num.Add(num, r.Denom())
	den := new(big.Int).Mul(r.Denom(), big.NewInt(2))
	q := new(big.Int).Quo(num, den) // floor((2·n·10^p + d) / 2d) = round half up of n·10^p/d
	s := q.String()
	if places == 0 {
		return s
	}
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	return s[:len(s)-places] + "." + s[len(s)-places:]
}
