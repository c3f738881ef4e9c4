package budget_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/pb"
)

// codesOf maps project ids to codes.
func codesOf(t *testing.T, b *bundle, ids []uuid.UUID) []string {
	t.Helper()
	out := []string{}
	for _, id := range ids {
		var code string
		require.NoError(t, b.pool.QueryRow(b.ctx, `select code from budget_projects where id = $1`, id).Scan(&code))
		out = append(out, code)
	}
	return out
}

// Ranked pools: each file read back and counted with its META rule gives
// the stored selection; one ballot has one voter_id in the city-wide and
// the district file; numbers are a shuffled permutation; no times.
func TestExport_RankedRetallyAndJoinableVoterIDs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	k := b.krakowEdition(t)
	city, stare := k.projects[k.city.ID], k.projects[k.stare.ID]
	// 12 Stare Miasto ballots, each with its own district ranking, and a
	// city ranking derived from it, so the files' join can be checked.
	perms := [][]int{{0, 1, 2}, {2, 1, 0}, {1, 3, 4}, {4, 3, 2}, {0, 4, 2}, {3, 0, 1}, {1, 2, 3}, {2, 4, 0}, {4, 0, 3}, {3, 2, 4}, {0, 2, 4}, {1, 4, 3}}
	cityOf := map[string][]string{}
	var receipts []uuid.UUID
	for i, p := range perms {
		cp := []uuid.UUID{city[(i+0)%5], city[(i+1)%5], city[(i+3)%5]}
		dp := []uuid.UUID{stare[p[0]], stare[p[1]], stare[p[2]]}
		r, err := b.svc.CastBallot(b.voter(t, k.edition.ID, "stare-miasto"), budget.BallotInput{EditionID: k.edition.ID, BallotKey: key(),
			Picks: map[uuid.UUID][]uuid.UUID{k.city.ID: cp, k.stare.ID: dp}})
		require.NoError(t, err)
		receipts = append(receipts, r.BallotID)
		cityOf[strings.Join(codesOf(t, b, dp), ",")] = codesOf(t, b, cp)
	}
	// Grzegórzki voters: in the city file only.
	for i := range 8 {
		_, err := b.svc.CastBallot(b.voter(t, k.edition.ID, "grzegorzki"), budget.BallotInput{EditionID: k.edition.ID, BallotKey: key(),
			Picks: map[uuid.UUID][]uuid.UUID{k.city.ID: {city[4], city[i%4], city[(i+1)%4]},
				k.grzegorzki.ID: k.projects[k.grzegorzki.ID][:3]}})
		require.NoError(t, err)
	}
	_, err := b.svc.CloseVoting(official, k.edition.ID)
	require.NoError(t, err)
	results, err := b.svc.ComputeResults(official, k.edition.ID)
	require.NoError(t, err)

	// Not before computation for others: residents see nothing.
	_, err = b.svc.PoolExport(b.resident(t), k.city.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)

	files := map[uuid.UUID]*pb.Instance{}
	for _, r := range results {
		text, err := b.svc.PoolExport(official, r.PoolID)
		require.NoError(t, err)
		require.NotRegexp(t, regexp.MustCompile(`\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|date`), text)
		in, err := pb.Read(strings.NewReader(text))
		require.NoError(t, err)
		files[r.PoolID] = in
		rule, _ := in.Get("rule")
		require.Equal(t, "greedy", rule)
		vt, _ := in.Get("vote_type")
		require.Equal(t, "ordinal", vt)
		got := pb.Greedy(in, nil, true, pb.TieCostThenID)
		want := codesOf(t, b, r.Selected)
		if len(want) == 0 {
			want = nil
		}
		require.Equal(t, want, got.Selected, "pool %s", r.PoolID)
		require.Equal(t, r.Cost, got.Cost)
		require.Empty(t, pb.Check(in))
	}
	require.Len(t, files[k.city.ID].Votes, 20)
	require.Len(t, files[k.stare.ID].Votes, 12)
	// Joining the files by voter_id gives each ballot's own city ranking.
	cityVotes := map[string][]string{}
	for _, v := range files[k.city.ID].Votes {
		cityVotes[v.VoterID] = v.Projects
	}
	for _, v := range files[k.stare.ID].Votes {
		require.Equal(t, cityOf[strings.Join(v.Projects, ",")], cityVotes[v.VoterID], "voter %s", v.VoterID)
	}
	// Export numbers: a permutation of 1..20, not in the order of casting.
	var numbers []int
	for _, id := range receipts {
		var n int
		require.NoError(t, b.pool.QueryRow(b.ctx, `select number from budget_export_voters where ballot_id = $1`, id).Scan(&n))
		numbers = append(numbers, n)
	}
	var all []int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select array_agg(number order by number) from budget_export_voters where edition_id = $1`,
		k.edition.ID).Scan(&all))
	for i, n := range all {
		require.Equal(t, i+1, n)
	}
	require.False(t, slices.IsSorted(numbers), "numbers follow the order of casting: %v", numbers)
	// The numbers stay: a second export gives the same file.
	again, err := b.svc.PoolExport(official, k.stare.ID)
	require.NoError(t, err)
	in2, err := pb.Read(strings.NewReader(again))
	require.NoError(t, err)
	require.Equal(t, files[k.stare.ID].Votes, in2.Votes)
}

// An Equal Shares approval pool's export, counted with its META rule,
// gives the stored selection.
func TestExport_ApprovalEqualSharesRetally(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	s := b.smallEdition(t, official, budget.PoolInput{Budget: 100_00, Rule: "mes-add1", PickMode: budget.PickAtMost, PickCount: 3,
		BallotKind: budget.BallotApproval}, map[string]int64{"A": 70_00, "B": 30_00, "C": 30_00, "D": 15_00}, time.Now().Add(time.Hour))
	for i := range 10 {
		switch {
		case i < 6:
			s.vote(t, b, "A", "C")
		case i < 9:
			s.vote(t, b, "B", "D")
		default:
			s.vote(t, b, "D")
		}
	}
	_, err := b.svc.CloseVoting(official, s.edition.ID)
	require.NoError(t, err)
	results, err := b.svc.ComputeResults(official, s.edition.ID)
	require.NoError(t, err)
	text, err := b.svc.PoolExport(official, s.pool.ID)
	require.NoError(t, err)
	in, err := pb.Read(strings.NewReader(text))
	require.NoError(t, err)
	rule, _ := in.Get("rule")
	require.Equal(t, "equalshares/add1", rule)
	opts, err := pb.MESRule(rule)
	require.NoError(t, err)
	got, err := pb.EqualShares(in, opts)
	require.NoError(t, err)
	require.Equal(t, codesOf(t, b, results[0].Selected), got.Selected)
	require.NotEmpty(t, got.Selected)
	maxLen, _ := in.Get("max_length")
	require.Equal(t, "3", maxLen)
}
