package pb_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pb"
)

// approval builds an approval instance: budget and costs in złoty, ballots
// as comma-separated ids.
func approval(t *testing.T, budget string, costs map[string]string, order []string, ballots ...string) *pb.Instance {
	t.Helper()
	var b strings.Builder
	b.WriteString("META\nkey;value\nbudget;" + budget + "\nvote_type;approval\nPROJECTS\nproject_id;cost\n")
	for _, id := range order {
		b.WriteString(id + ";" + costs[id] + "\n")
	}
	b.WriteString("VOTES\nvoter_id;vote\n")
	for i, v := range ballots {
		b.WriteString(string(rune('a'+i)) + ";" + v + "\n")
	}
	in, err := pb.Read(strings.NewReader(b.String()))
	require.NoError(t, err)
	return in
}

func TestGreedy_SkipTakesLaterProjectsThatFit(t *testing.T) {
	t.Parallel()
	// Scores A 3, B 2, C 1; budget 10: A (6) fits, B (5) does not, C (4) does.
	in := approval(t, "10", map[string]string{"A": "6", "B": "5", "C": "4"}, []string{"A", "B", "C"},
		"A,B,C", "A,B", "A")
	require.Equal(t, pb.Result{Selected: []string{"A", "C"}, Cost: 1000}, pb.Greedy(in, nil, true, ""))
	require.Equal(t, pb.Result{Selected: []string{"A"}, Cost: 600}, pb.Greedy(in, nil, false, ""))
}

func TestGreedy_ProjectCostingExactlyWhatIsLeftIsTaken(t *testing.T) {
	t.Parallel()
	in := approval(t, "10.01", map[string]string{"A": "6", "B": "4.01"}, []string{"A", "B"}, "A,B", "A")
	require.Equal(t, pb.Result{Selected: []string{"A", "B"}, Cost: 1001}, pb.Greedy(in, nil, false, ""))
}

func TestGreedy_OneGroszTooMuchIsSkipped(t *testing.T) {
	t.Parallel()
	in := approval(t, "10", map[string]string{"A": "6", "B": "4.01", "C": "1"}, []string{"A", "B", "C"}, "A,B,C", "A,B", "A")
	require.Equal(t, pb.Result{Selected: []string{"A", "C"}, Cost: 700}, pb.Greedy(in, nil, true, ""))
}

func TestGreedy_TieBreaks(t *testing.T) {
	t.Parallel()
	// Z, Y and X each have 1 vote; budget 5. File order Z, Y, X.
	in := approval(t, "5", map[string]string{"Z": "5", "Y": "3", "X": "3"}, []string{"Z", "Y", "X"}, "Z,Y,X")
	// Cheaper first, then id: X (3) and Y (3) tie on cost, X < Y; Y no longer fits.
	require.Equal(t, pb.Result{Selected: []string{"X"}, Cost: 300}, pb.Greedy(in, nil, true, pb.TieCostThenID))
	require.Equal(t, pb.Greedy(in, nil, true, pb.TieCostThenID), pb.Greedy(in, nil, true, ""))
	// By id: X, Y, Z.
	require.Equal(t, pb.Result{Selected: []string{"X"}, Cost: 300}, pb.Greedy(in, nil, true, pb.TieID))
	// File order: Z takes the whole budget.
	require.Equal(t, pb.Result{Selected: []string{"Z"}, Cost: 500}, pb.Greedy(in, nil, true, pb.TieFileOrder))
	// A higher score always beats a tie-break.
	in = approval(t, "5", map[string]string{"Z": "5", "Y": "3", "X": "3"}, []string{"Z", "Y", "X"}, "Z,Y,X", "Y")
	require.Equal(t, pb.Result{Selected: []string{"Y"}, Cost: 300}, pb.Greedy(in, nil, true, pb.TieCostThenID))

	require.False(t, pb.TieBreak("random").Valid())
	require.Panics(t, func() { pb.Greedy(in, nil, true, "random") })
}

func TestGreedy_ProjectWithoutVotesIsNeverSelected(t *testing.T) {
	t.Parallel()
	in := approval(t, "100", map[string]string{"A": "6", "B": "1"}, []string{"A", "B"}, "A")
	require.Equal(t, pb.Result{Selected: []string{"A"}, Cost: 600}, pb.Greedy(in, nil, true, ""))
}

func TestGreedy_OrdinalPointsDecideTheRanking(t *testing.T) {
	t.Parallel()
	in, err := pb.Read(strings.NewReader(`META
key;value
budget;10
vote_type;ordinal
max_length;3
PROJECTS
project_id;cost
A;10
B;10
C;10
VOTES
voter_id;vote
1;A,B,C
2;A,B,C
3;B,C,A
4;C,B,A
`))
	require.NoError(t, err)
	// 3/2/1 (the default for max_length 3): A 3+3+1+1=8, B 2+2+3+2=9, C 1+1+2+3=7.
	require.Equal(t, map[string]int64{"A": 8, "B": 9, "C": 7}, pb.Scores(in, nil))
	require.Equal(t, []string{"B"}, pb.Greedy(in, nil, true, "").Selected)
	// First choices only: A 2, B 1, C 1.
	require.Equal(t, []string{"A"}, pb.Greedy(in, []int64{1}, true, "").Selected)
	require.Equal(t, map[string]int64{"A": 4, "B": 4, "C": 4}, pb.Votes(in))
}

func TestScores_ApprovalAndCumulative(t *testing.T) {
	t.Parallel()
	in := approval(t, "10", map[string]string{"A": "1", "B": "1"}, []string{"A", "B"}, "A,B", "B", "")
	require.Equal(t, map[string]int64{"A": 1, "B": 2}, pb.Scores(in, []int64{5, 5}), "points do not apply to approval")
	require.Nil(t, in.Votes[2].Projects, "an empty ballot chooses nothing")

	in, err := pb.Read(strings.NewReader(small))
	require.NoError(t, err)
	// Cumulative: A 3, B 2+5; B first despite equal votes.
	require.Equal(t, pb.Result{Selected: []string{"B", "A"}, Cost: 10025}, pb.Greedy(in, nil, true, ""))
}
