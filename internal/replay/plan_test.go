package replay

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pb/pbtest"
)

func TestReadPlan_JoinsStareMiastoWithTheCityFile(t *testing.T) {
	t.Parallel()
	city := pbtest.File(t, "Poland_Krakow_2024.pb")
	district := pbtest.File(t, "Poland_Krakow_2024_Stare_Miasto.pb")
	p, err := ReadPlan([]string{city, district})
	require.NoError(t, err)
	require.Len(t, p.pools, 2)
	c, d := p.pools[0], p.pools[1]
	require.True(t, c.city)
	require.Equal(t, "Kraków city-wide", c.name)
	require.Equal(t, int64(920000000), c.budget)
	require.False(t, d.city)
	require.Equal(t, "Stare Miasto", d.name)
	require.Equal(t, "stare-miasto", d.district)
	require.Equal(t, int64(154616866), d.budget)
	for _, rp := range p.pools {
		require.Equal(t, "greedy", rp.rule)
		require.Equal(t, "EXACTLY", rp.pickMode)
		require.Equal(t, 3, rp.pickN)
		require.True(t, rp.ranked)
		require.Equal(t, []int64{3, 2, 1}, rp.points)
		require.True(t, rp.required)
	}
	require.Len(t, p.ballots, 1726)
	require.Equal(t, map[string]int{skipOutside: 65101 - 1726}, p.skipped)
	require.Empty(t, p.warnings)
	for _, b := range p.ballots {
		require.Equal(t, "stare-miasto", b.district)
		require.Len(t, b.picks[0], 3)
		require.Len(t, b.picks[1], 3)
	}
}

func TestReadPlan_SkipsVotersMissingFromARequiredPool(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, s string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(s), 0o600))
		return path
	}
	city := write("city.pb", "META\nkey;value\nbudget;10\ninstance;2024\nunit;Gród\nmin_length;1\nmax_length;1\nvote_type;ordinal\n"+
		"PROJECTS\nproject_id;cost\nC1;1\nVOTES\nvoter_id;vote;neighborhood\n1;C1;Północ\n2;C1;Północ\n3;C1;Południe\n")
	north := write("north.pb", "META\nkey;value\nbudget;10\ninstance;2024\ndistrict;Północ\nmin_length;1\nmax_length;2\nvote_type;approval\n"+
		"PROJECTS\nproject_id;cost\nN1;1\nN2;1\nVOTES\nvoter_id;vote\n1;N1,N2\n4;N2\n")
	_, err := ReadPlan([]string{city, north})
	require.EqualError(t, err, north+": min_length 1 and max_length 2 differ: a pool has one pick rule (exactly, at least or at most)")

	north = write("north.pb", "META\nkey;value\nbudget;10\ninstance;2024\ndistrict;Północ\nmax_length;2\nvote_type;approval\n"+
		"PROJECTS\nproject_id;cost\nN1;1\nN2;1\nVOTES\nvoter_id;vote\n1;N1,N2\n4;N2\n")
	p, err := ReadPlan([]string{city, north})
	require.NoError(t, err)
	require.Equal(t, "polnoc", p.pools[1].district)
	require.Equal(t, "AT_MOST", p.pools[1].pickMode)
	require.False(t, p.pools[1].required)
	require.Len(t, p.ballots, 1)
	require.Equal(t, ballot{voterID: "1", district: "polnoc", picks: [][]string{{"C1"}, {"N1", "N2"}}}, p.ballots[0])
	require.Equal(t, map[string]int{skipNoDistrict: 1, skipOutside: 1, skipNoCity: 1}, p.skipped)

	_, err = ReadPlan([]string{city})
	require.ErrorContains(t, err, "give the district files too")
	_, err = ReadPlan([]string{city, north, city})
	require.ErrorContains(t, err, "at most one city-wide file")
	_, err = ReadPlan([]string{north, north})
	require.ErrorContains(t, err, `are both district "Północ"`)
}

func TestSlug_TransliteratesPolishDistrictNames(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Łagiewniki-Borek Fałęcki": "lagiewniki-borek-falecki",
		"Wzgórza Krzesławickie":    "wzgorza-krzeslawickie",
		"Bieżanów-Prokocim":        "biezanow-prokocim",
		"  Stare  Miasto ":         "stare-miasto",
		"Dzielnica XVIII":          "dzielnica-xviii",
	} {
		require.Equal(t, want, slug(in), in)
	}
}
