package pb_test

import (
	"fmt"
	"strings"

	"github.com/otwarty/otwarty/internal/pb"
)

// A tiny ordinal pool counted as Kraków counts: 3/2/1 points, greedy with skip.
func ExampleGreedy() {
	file := `META
key;value
budget;100.50
vote_type;ordinal
max_length;2
num_projects;3
num_votes;3
PROJECTS
project_id;cost
a;60
b;50
c;40.50
VOTES
voter_id;vote
1;a,b
2;b,c
3;a,c
`
	in, err := pb.Read(strings.NewReader(file))
	if err != nil {
		panic(err)
	}
	res := pb.Greedy(in, pb.DefaultPoints(in), true, pb.TieCostThenID)
	fmt.Println(res.Selected, pb.FormatAmount(res.Cost))
	// Output: [a c] 100.50
}
