package pb_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pb"
)

func readString(t *testing.T, s string) *pb.Instance {
	t.Helper()
	in, err := pb.Read(strings.NewReader(s))
	require.NoError(t, err)
	return in
}

func TestJoin_MatchesVotersByIDInFirstAppearanceOrder(t *testing.T) {
	t.Parallel()
	city := readString(t, "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\nC1;1\nC2;1\nVOTES\nvoter_id;vote\n3;C1\n1;C2\n2;C1,C2\n")
	north := readString(t, "META\nkey;value\nbudget;10\ndistrict;North\nPROJECTS\nproject_id;cost\nN1;1\nVOTES\nvoter_id;vote\n1;N1\n9;N1\n")
	south := readString(t, "META\nkey;value\nbudget;10\ndistrict;South\nPROJECTS\nproject_id;cost\nS1;1\nVOTES\nvoter_id;vote\n3;S1\n")

	got := pb.Join(city, north, south)
	require.Len(t, got, 4)
	var ids []string
	var in []int
	for _, v := range got {
		ids = append(ids, v.VoterID)
		in = append(in, v.In())
		require.Len(t, v.Votes, 3)
	}
	require.Equal(t, []string{"3", "1", "2", "9"}, ids)
	require.Equal(t, []int{2, 2, 1, 1}, in)
	require.Equal(t, []string{"C1"}, got[0].Votes[0].Projects)
	require.Nil(t, got[0].Votes[1])
	require.Equal(t, []string{"S1"}, got[0].Votes[2].Projects)
	require.Equal(t, []string{"N1"}, got[1].Votes[1].Projects)
	require.Nil(t, got[3].Votes[0], "voter 9 is in the North file only")
}

// In the real Kraków 2024 data every Stare Miasto voter is also in the
// city-wide file, with 3 picks in each.
func TestJoin_KrakowStareMiastoVotersAreAllInTheCityFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "..", "shared", "data", "pabulib")
	cityPath := filepath.Join(dir, "Poland_Krakow_2024.pb")
	if _, err := os.Stat(cityPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Pabulib data missing at %s (CI=true)", dir)
		}
		t.Skipf("Pabulib data missing at %s", dir)
	}
	city, err := pb.ReadFile(cityPath)
	require.NoError(t, err)
	sm, err := pb.ReadFile(filepath.Join(dir, "Poland_Krakow_2024_Stare_Miasto.pb"))
	require.NoError(t, err)

	joined := pb.Join(sm, city)
	require.Len(t, joined, 65101)
	both := 0
	for _, v := range joined[:1726] {
		require.Equal(t, 2, v.In(), "voter %s", v.VoterID)
		require.Len(t, v.Votes[0].Projects, 3)
		require.Len(t, v.Votes[1].Projects, 3)
		require.Equal(t, "Stare Miasto", v.Votes[1].Fields["neighborhood"])
		both++
	}
	require.Equal(t, 1726, both)
	for _, v := range joined[1726:] {
		require.Equal(t, 1, v.In())
		require.NotEqual(t, "Stare Miasto", v.Votes[1].Fields["neighborhood"])
	}
}
