package pb_test

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pb"
	"github.com/otwarty/otwarty/internal/pb/pbtest"
)

var instances sync.Map // file name → func() (*pb.Instance, error)

// readPabulib reads a real file once per test binary; tests share the
// result and must not modify it.
func readPabulib(t *testing.T, name string) *pb.Instance {
	t.Helper()
	path := pbtest.File(t, name)
	load, _ := instances.LoadOrStore(name, sync.OnceValues(func() (*pb.Instance, error) { return pb.ReadFile(path) }))
	in, err := load.(func() (*pb.Instance, error))()
	require.NoError(t, err)
	return in
}

// krakow2024 is SOURCE.md's table: every pool of the 2024 edition and its
// official outcome.
var krakow2024 = []struct {
	file             string
	budget           int64 // grosze
	projects, voters int
	winners          int
	cost             int64 // grosze
}{
	{"Poland_Krakow_2024.pb", 920000000, 119, 65101, 10, 919800000},
	{"Poland_Krakow_2024_Bienczyce.pb", 165669967, 22, 1741, 6, 165330000},
	{"Poland_Krakow_2024_Biezanow-Prokocim.pb", 232056088, 37, 5422, 9, 231740000},
	{"Poland_Krakow_2024_Bronowice.pb", 200018987, 18, 3662, 5, 199250000},
	{"Poland_Krakow_2024_Czyzyny.pb", 179457957, 36, 3038, 12, 179161100},
	{"Poland_Krakow_2024_Debniki.pb", 283861634, 36, 6147, 6, 283690000},
	{"Poland_Krakow_2024_Grzegorzki.pb", 153890442, 27, 2328, 9, 153410000},
	{"Poland_Krakow_2024_Krowodrza.pb", 174108119, 28, 2747, 12, 173730000},
	{"Poland_Krakow_2024_Lagiewniki-Borek_Falecki.pb", 160751356, 16, 1437, 4, 160300500},
	{"Poland_Krakow_2024_Mistrzejowice.pb", 187424257, 25, 2719, 8, 185839700},
	{"Poland_Krakow_2024_Nowa_Huta.pb", 300958574, 44, 6451, 7, 299800000},
	{"Poland_Krakow_2024_Podgorze.pb", 257294676, 54, 6839, 7, 256997800},
	{"Poland_Krakow_2024_Podgorze_Duchackie.pb", 192583477, 38, 3605, 16, 191620000},
	{"Poland_Krakow_2024_Pradnik_Bialy.pb", 250837617, 64, 6005, 12, 250290000},
	{"Poland_Krakow_2024_Pradnik_Czerwony.pb", 189393438, 36, 3459, 6, 189012300},
	{"Poland_Krakow_2024_Stare_Miasto.pb", 154616866, 20, 1726, 5, 154500000},
	{"Poland_Krakow_2024_Swoszowice.pb", 158419652, 16, 2341, 8, 157570000},
	{"Poland_Krakow_2024_Wzgorza_Krzeslawickie.pb", 222814175, 24, 3721, 10, 222776000},
	{"Poland_Krakow_2024_Zwierzyniec.pb", 215842719, 30, 1713, 11, 214524000},
}

func TestGreedy_Krakow2024EveryPoolGivesOfficialWinners(t *testing.T) {
	t.Parallel()
	for _, pool := range krakow2024 {
		t.Run(pool.file, func(t *testing.T) {
			t.Parallel()
			in := readPabulib(t, pool.file)
			budget, err := in.Budget()
			require.NoError(t, err)
			require.Equal(t, pool.budget, budget)
			require.Len(t, in.Projects, pool.projects)
			require.Len(t, in.Votes, pool.voters)

			got := pb.Greedy(in, []int64{3, 2, 1}, true, pb.TieCostThenID)
			require.Len(t, got.Selected, pool.winners)
			require.Equal(t, pool.cost, got.Cost)

			var official []string
			for _, p := range in.Projects {
				if p.Fields["selected"] == "1" {
					official = append(official, p.ID)
				}
			}
			require.ElementsMatch(t, official, got.Selected)

			// The default points come from max_length 3.
			require.Equal(t, got, pb.Greedy(in, nil, true, ""))
			// Every tie-break selects the same projects: no official outcome
			// hinges on a tie (Podgorze has a tie that only swaps the order).
			for _, tie := range []pb.TieBreak{pb.TieID, pb.TieFileOrder} {
				other := pb.Greedy(in, nil, true, tie)
				require.ElementsMatch(t, got.Selected, other.Selected, "tie-break %s", tie)
				require.Equal(t, got.Cost, other.Cost)
			}
		})
	}
}

func TestGreedy_KrakowCityWideSelectionOrder(t *testing.T) {
	t.Parallel()
	in := readPabulib(t, "Poland_Krakow_2024.pb")
	var want []string
	for _, n := range []int{97, 5, 182, 79, 25, 67, 2, 1, 30, 16} {
		want = append(want, "BO.OM."+strconv.Itoa(n)+"/24")
	}
	got := pb.Greedy(in, nil, true, "")
	require.Equal(t, pb.Result{Selected: want, Cost: 919800000}, got)

	// BO.OM.19/24 (620,000 PLN, score 9,797) comes after the eighth winner,
	// when only 140,000 PLN is left: skip passes over it, no-skip stops there.
	require.Equal(t, int64(9797), pb.Scores(in, nil)["BO.OM.19/24"])
	require.Equal(t, pb.Result{Selected: want[:8], Cost: 906000000}, pb.Greedy(in, nil, false, ""))
}

func TestGreedy_StareMiastoSelectionOrder(t *testing.T) {
	t.Parallel()
	in := readPabulib(t, "Poland_Krakow_2024_Stare_Miasto.pb")
	want := pb.Result{
		Selected: []string{"BO.D1.3/24", "BO.D1.24/24", "BO.D1.27/24", "BO.D1.5/24", "BO.D1.25/24"},
		Cost:     154500000,
	}
	require.Equal(t, want, pb.Greedy(in, nil, true, ""))
	// Without skip the count stops at BO.D1.22/24 (306,700 PLN, score 727):
	// 66,168.66 PLN is left after the first four, and BO.D1.25/24 (65,000 PLN)
	// behind it is never tried.
	require.Equal(t, want.Selected[:4], pb.Greedy(in, nil, false, "").Selected)
}

func TestScores_EqualFileColumnsOnRealData(t *testing.T) {
	t.Parallel()
	files := []string{"Poland_Wieliczka_2023_Green_Budget.pb"}
	for _, pool := range krakow2024 {
		files = append(files, pool.file)
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			in := readPabulib(t, file)
			votes, scores := pb.Votes(in), pb.Scores(in, nil)
			require.Len(t, votes, len(in.Projects))
			for _, p := range in.Projects {
				require.Equal(t, p.Fields["votes"], strconv.FormatInt(votes[p.ID], 10), "votes of %s", p.ID)
				if s, ok := p.Fields["score"]; ok {
					require.Equal(t, s, strconv.FormatInt(scores[p.ID], 10), "score of %s", p.ID)
				}
			}
			if in.VoteType() == pb.Approval {
				require.Equal(t, votes, scores)
			} else {
				_, hasScore := in.Projects[0].Fields["score"]
				require.True(t, hasScore, "every Kraków file has a score column")
			}
			require.Empty(t, pb.Check(in))
		})
	}
}

func TestWrite_RoundTripsRealFiles(t *testing.T) {
	t.Parallel()
	files := []string{"Poland_Wieliczka_2023_Green_Budget.pb"}
	for _, pool := range krakow2024 {
		files = append(files, pool.file)
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			in := readPabulib(t, file)
			var buf bytes.Buffer
			require.NoError(t, pb.Write(&buf, in))
			require.NotContains(t, buf.String(), "\r")

			// Byte for byte the original, but for line ends.
			orig, err := os.ReadFile(pbtest.File(t, file))
			require.NoError(t, err)
			orig = bytes.ReplaceAll(orig, []byte("\r\n"), []byte("\n"))
			if !bytes.HasSuffix(orig, []byte("\n")) {
				orig = append(orig, '\n')
			}
			require.Equal(t, string(orig), buf.String())

			back, err := pb.Read(&buf)
			require.NoError(t, err)
			require.Equal(t, in, back)
		})
	}
}
