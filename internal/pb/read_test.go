package pb_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pb"
)

// small is a valid cumulative file; the error cases below each break it once.
const small = `META
key;value
budget;100.5
vote_type;cumulative
num_projects;2
num_votes;2
PROJECTS
project_id;cost;name
A;60;"Park ""Zielony"""
B;40.25;Ławki
VOTES
voter_id;vote;points
1;A,B;3,2
2;B;5
`

func TestRead_SmallFile(t *testing.T) {
	t.Parallel()
	in, err := pb.Read(strings.NewReader(small))
	require.NoError(t, err)
	want := &pb.Instance{
		Meta: []pb.KV{
			{Key: "budget", Value: "100.5"}, {Key: "vote_type", Value: "cumulative"},
			{Key: "num_projects", Value: "2"}, {Key: "num_votes", Value: "2"},
		},
		ProjectColumns: []string{"project_id", "cost", "name"},
		VoteColumns:    []string{"voter_id", "vote", "points"},
		Projects: []pb.Project{
			{ID: "A", Cost: 6000, Fields: map[string]string{"project_id": "A", "cost": "60", "name": `Park "Zielony"`}},
			{ID: "B", Cost: 4025, Fields: map[string]string{"project_id": "B", "cost": "40.25", "name": "Ławki"}},
		},
		Votes: []pb.Vote{
			{VoterID: "1", Projects: []string{"A", "B"}, Points: []int64{3, 2}, Fields: map[string]string{"voter_id": "1", "vote": "A,B", "points": "3,2"}},
			{VoterID: "2", Projects: []string{"B"}, Points: []int64{5}, Fields: map[string]string{"voter_id": "2", "vote": "B", "points": "5"}},
		},
	}
	require.Equal(t, want, in)
	budget, err := in.Budget()
	require.NoError(t, err)
	require.Equal(t, int64(10050), budget)
	require.Equal(t, map[string]int64{"A": 3, "B": 7}, pb.Scores(in, nil))
	require.Equal(t, map[string]int64{"A": 1, "B": 2}, pb.Votes(in))

	var buf bytes.Buffer
	require.NoError(t, pb.Write(&buf, in))
	require.Equal(t, small, buf.String(), "quotes only where needed, LF line ends")
}

func TestRead_MixedLineEnds(t *testing.T) {
	t.Parallel()
	crlf := strings.ReplaceAll(small, "\n", "\r\n")
	// LF on a few lines only, as in the Wieliczka file.
	mixed := strings.Replace(strings.Replace(crlf, "budget;100.5\r\n", "budget;100.5\n", 1), "1;A,B;3,2\r\n", "1;A,B;3,2\n", 1)
	for _, text := range []string{crlf, mixed} {
		in, err := pb.Read(strings.NewReader(text))
		require.NoError(t, err)
		want, err := pb.Read(strings.NewReader(small))
		require.NoError(t, err)
		require.Equal(t, want, in)
	}
	// Line numbers still count CRLF lines once.
	_, err := pb.Read(strings.NewReader(strings.Replace(mixed, "2;B;5", "2;C;5", 1)))
	require.EqualError(t, err, `line 14: voter "2" votes for unknown project "C"`)
}

func TestRead_WieliczkaQuotesAndMixedLineEnds(t *testing.T) {
	t.Parallel()
	in := readPabulib(t, "Poland_Wieliczka_2023_Green_Budget.pb")
	require.Len(t, in.Projects, 64)
	require.Len(t, in.Votes, 6586)
	rule, _ := in.Get("rule") // the one META line that ends in LF only
	require.Equal(t, "equalshares/add1-comparison", rule)
	budget, err := in.Budget()
	require.NoError(t, err)
	require.Equal(t, int64(100000000), budget)
	var quoted *pb.Project
	for i, p := range in.Projects {
		if p.ID == "81" {
			quoted = &in.Projects[i]
		}
	}
	require.NotNil(t, quoted)
	require.Equal(t, int64(6800000), quoted.Cost)
	require.Contains(t, quoted.Fields["name"], `w Parku "Stok pod Baranem" - wykonane`)
	require.Equal(t, []string{"70", "20", "21", "25", "6"}, in.Votes[0].Projects)
	require.Nil(t, in.Votes[0].Points)
	for _, v := range in.Votes {
		for _, id := range v.Projects {
			require.NotContains(t, id, "\r")
		}
	}
}

func TestRead_StareMiastoBudgetHasGrosze(t *testing.T) {
	t.Parallel()
	in := readPabulib(t, "Poland_Krakow_2024_Stare_Miasto.pb")
	budget, err := in.Budget()
	require.NoError(t, err)
	require.Equal(t, int64(154616866), budget)
	require.Equal(t, pb.Ordinal, in.VoteType())
	require.Equal(t, []int64{3, 2, 1}, pb.DefaultPoints(in))
	require.Equal(t, pb.Vote{
		VoterID:  "85",
		Projects: []string{"BO.D1.27/24", "BO.D1.18/24", "BO.D1.1/24"},
		Fields:   map[string]string{"voter_id": "85", "vote": "BO.D1.27/24,BO.D1.18/24,BO.D1.1/24", "age": "17", "sex": "M"},
	}, in.Votes[0])
}

func TestRead_MalformedFilesNameLineAndProblem(t *testing.T) {
	t.Parallel()
	// Line numbers of small: 1 META, 3 budget, 4 vote_type, 5 num_projects,
	// 6 num_votes, 7 PROJECTS, 8 header, 9 A, 10 B, 11 VOTES, 12 header, 13-14 votes.
	cases := []struct {
		name, old, new, want string
	}{
		{"decimal comma in cost", "B;40.25;", "B;40,25;", `line 10: cost "40,25" is not a number (want digits with at most 2 decimals, e.g. 1546168.66)`},
		{"three decimals", "B;40.25;", "B;40.255;", `line 10: cost "40.255" is not a number (want digits with at most 2 decimals, e.g. 1546168.66)`},
		{"negative cost", "B;40.25;", "B;-40;", `line 10: cost "-40" is not a number (want digits with at most 2 decimals, e.g. 1546168.66)`},
		{"bad budget", "budget;100.5", "budget;1e6", `line 3: budget "1e6" is not a number (want digits with at most 2 decimals, e.g. 1546168.66)`},
		{"no budget", "budget;100.5\n", "", `line 6: META has no budget`},
		{"unknown project in vote", "2;B;5", "2;X;5", `line 14: voter "2" votes for unknown project "X"`},
		{"project twice in vote", "2;B;5", "2;B,B;5,1", `line 14: voter "2" votes for project "B" twice`},
		{"duplicate project", "B;40.25;Ławki", "A;40.25;Ławki", `line 10: duplicate project_id "A"`},
		{"duplicate voter", "2;B;5", "1;B;5", `line 14: duplicate voter_id "1"`},
		{"points mismatch", "1;A,B;3,2", "1;A,B;3", `line 13: voter "1" has 2 projects but 1 points`},
		{"points not integers", "1;A,B;3,2", "1;A,B;3,2.5", `line 13: points "3,2.5": "2.5" is not an integer`},
		{"num_votes mismatch", "num_votes;2", "num_votes;3", `line 6: num_votes is 3 but the file has 2 VOTES rows`},
		{"num_projects mismatch", "num_projects;2", "num_projects;1", `line 5: num_projects is 1 but the file has 2 PROJECTS rows`},
		{"unknown vote_type", "vote_type;cumulative", "vote_type;borda", `line 4: unknown vote_type "borda" (want approval, ordinal, cumulative, scoring or choose-1)`},
		{"cumulative without points", "voter_id;vote;points\n1;A,B;3,2\n2;B;5\n", "voter_id;vote\n1;A,B\n2;B\n", `line 12: vote_type cumulative needs a points column in VOTES`},
		{"missing VOTES section", "VOTES\nvoter_id;vote;points\n1;A,B;3,2\n2;B;5\n", "", `line 11: unexpected end of file: missing VOTES`},
		{"missing header", "PROJECTS\nproject_id;cost;name\n", "PROJECTS\n", `line 8: PROJECTS header has no project_id column`},
		{"header without cost", "project_id;cost;name", "project_id;price;name", `line 8: PROJECTS header has no cost column`},
		{"section without header", "project_id;cost;name\nA;60;\"Park \"\"Zielony\"\"\"\nB;40.25;Ławki\n", "", `line 8: section PROJECTS has no header line`},
		{"file ends before VOTES header", "VOTES\nvoter_id;vote;points\n1;A,B;3,2\n2;B;5\n", "VOTES\n", `line 12: unexpected end of file: missing VOTES header`},
		{"sections out of order", "PROJECTS\n", "VOTES\n", `line 7: section VOTES out of order: expected PROJECTS`},
		{"no META", "META\nkey;value\n", "", `line 1: expected META before any data, got "budget;100.5"`},
		{"bad META header", "key;value", "k;v", `line 2: META header must be "key;value", got "k;v"`},
		{"field count", "B;40.25;Ławki", "B;40.25", `line 10: 2 fields, but the PROJECTS header has 3`},
		{"bare quote", "B;40.25;Ławki", `B;40.25;Ła"wki`, `line 10: bare " in non-quoted-field`},
		{"unterminated quote", "B;40.25;Ławki", `B;40.25;"Ławki`, `line 10: extraneous or missing " in quoted-field (the row runs on to line 14)`},
		{"repeated META key", "num_votes;2", "num_votes;2\nbudget;7", `line 7: META key "budget" repeated (first on line 3)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			text := strings.Replace(small, tc.old, tc.new, 1)
			require.NotEqual(t, small, text)
			_, err := pb.Read(strings.NewReader(text))
			require.EqualError(t, err, tc.want)
			var pe *pb.ParseError
			require.True(t, errors.As(err, &pe))
		})
	}
}

func TestRead_EmptyInput(t *testing.T) {
	t.Parallel()
	_, err := pb.Read(strings.NewReader(""))
	require.EqualError(t, err, "line 1: unexpected end of file: missing META")
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]int64{"0": 0, "1546168.66": 154616866, "12.5": 1250, "420000": 42000000, "0.01": 1, "007.10": 710} {
		got, err := pb.ParseAmount(s)
		require.NoError(t, err, s)
		require.Equal(t, want, got, s)
	}
	for _, s := range []string{"", "12,5", "-1", "+1", "1.", ".5", "1.234", " 1", "1e3", "12345678901234", "NaN"} {
		_, err := pb.ParseAmount(s)
		require.Error(t, err, s)
	}
	require.Equal(t, "1546168.66", pb.FormatAmount(154616866))
	require.Equal(t, "9198000.00", pb.FormatAmount(919800000))
	require.Equal(t, "0.05", pb.FormatAmount(5))
}

func TestWrite_TypedFieldsAreTheTruth(t *testing.T) {
	t.Parallel()
	in := &pb.Instance{
		Meta: []pb.KV{{Key: "budget", Value: "1000.5"}, {Key: "description", Value: "a; b"}},
		Projects: []pb.Project{
			{ID: "p1", Cost: 12345},
			{ID: "p2", Cost: 50000, Fields: map[string]string{"cost": "12.5"}}, // stale text
		},
		Votes: []pb.Vote{{VoterID: "v1", Projects: []string{"p2", "p1"}, Points: []int64{2, 1}}},
	}
	var buf bytes.Buffer
	require.NoError(t, pb.Write(&buf, in))
	require.Equal(t, `META
key;value
budget;1000.5
description;"a; b"
PROJECTS
project_id;cost
p1;123.45
p2;500
VOTES
voter_id;vote;points
v1;p2,p1;2,1
`, buf.String())
	back, err := pb.Read(&buf)
	require.NoError(t, err)
	require.Equal(t, int64(50000), back.Projects[1].Cost)
	require.Equal(t, []int64{2, 1}, back.Votes[0].Points)
}
