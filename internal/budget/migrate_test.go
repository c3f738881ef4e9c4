package budget_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

// TestMigration043_PicksMoveIntoTheBallotRowIntact writes ballots in the
// layout of one row per pick at schema version 42, applies 043, and reads
// the same picks through the view, the arrays in (pool, rank) order.
func TestMigration043_PicksMoveIntoTheBallotRowIntact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, m := pgtest.MigratedTo(t, 42)
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := conn.Exec(ctx, sql, args...)
		require.NoError(t, err, sql)
	}

	unit, edition, other := uuid.New(), uuid.New(), uuid.New()
	exec(`insert into organisations (id, kind, name, slug) values ($1, 'city_unit', 'Urząd', 'urzad')`, unit)
	exec(`insert into budget_editions (id, unit_id, year) values ($1, $3, 2026), ($2, $3, 2027)`, edition, other, unit)
	// Pool ids chosen so that the district sorts before the city.
	city := uuid.MustParse("ffffffff-0000-4000-8000-000000000001")
	district := uuid.MustParse("00000000-0000-4000-8000-000000000002")
	exec(`insert into budget_pools (id, edition_id, position, name, kind, district, budget, rule, pick_mode, pick_count, ballot_kind, points)
		values ($1, $3, 1, 'Miasto', 'city', null, 1000, 'greedy', 'exactly', 3, 'ranked', '{3,2,1}'),
			($2, $3, 2, 'Stare Miasto', 'district', 'stare-miasto', 500, 'greedy', 'at_most', 3, 'approval', '{}')`,
		city, district, edition)
	projects := map[uuid.UUID][]uuid.UUID{}
	for _, pool := range []uuid.UUID{city, district} {
		for i := range 4 {
			id := uuid.New()
			projects[pool] = append(projects[pool], id)
			exec(`insert into budget_projects (id, pool_id, code, title, cost) values ($1, $2, $3, 'P', 100)`,
				id, pool, string(rune('A'+i)))
		}
	}
	type pick struct {
		Ballot, Pool, Project uuid.UUID
		Rank                  int
	}
	full, cityOnly, empty := uuid.New(), uuid.New(), uuid.New()
	c, d := projects[city], projects[district]
	// Inserted out of (pool, rank) order on purpose.
	picks := []pick{
		{full, city, c[2], 3}, {full, district, d[1], 2}, {full, city, c[0], 1}, {full, district, d[3], 1}, {full, city, c[3], 2},
		{cityOnly, city, c[1], 2}, {cityOnly, city, c[3], 1}, {cityOnly, city, c[0], 3},
	}
	exec(`insert into budget_ballots (id, edition_id, cast_on) values ($1, $4, '2026-05-04'), ($2, $4, '2026-05-05'),
		($3, $4, '2026-05-06')`, full, cityOnly, empty, edition)
	for _, p := range picks {
		exec(`insert into budget_ballot_picks (ballot_id, pool_id, project_id, rank) values ($1, $2, $3, $4)`,
			p.Ballot, p.Pool, p.Project, p.Rank)
	}

	require.NoError(t, m.MigrateTo(ctx, 43))

	rows, err := conn.Query(ctx, `select ballot_id, pool_id, project_id, rank from budget_ballot_picks`)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pick])
	require.NoError(t, err)
	require.ElementsMatch(t, picks, got)

	type arrays struct {
		Pools, Projects []uuid.UUID
		Ranks           []int16
	}
	read := func(id uuid.UUID) arrays {
		var a arrays
		require.NoError(t, conn.QueryRow(ctx, `select pick_pools, pick_projects, pick_ranks from budget_ballots where id = $1`, id).
			Scan(&a.Pools, &a.Projects, &a.Ranks))
		return a
	}
	require.Equal(t, arrays{[]uuid.UUID{district, district, city, city, city}, []uuid.UUID{d[3], d[1], c[0], c[3], c[2]},
		[]int16{1, 2, 1, 2, 3}}, read(full))
	require.Equal(t, arrays{[]uuid.UUID{city, city, city}, []uuid.UUID{c[3], c[1], c[0]}, []int16{1, 2, 3}}, read(cityOnly))
	require.Equal(t, arrays{[]uuid.UUID{}, []uuid.UUID{}, []int16{}}, read(empty))
	var edCol uuid.UUID
	require.NoError(t, conn.QueryRow(ctx, `select distinct edition_id from budget_ballot_picks`).Scan(&edCol))
	require.Equal(t, edition, edCol)

	// The check keeps the shape the old keys guaranteed.
	for name, arr := range map[string]string{
		"lengths differ":      `array[$2, $2]::uuid[], array[$3]::uuid[], '{1}'`,
		"null element":        `array[$2]::uuid[], array[null]::uuid[], '{1}'`,
		"rank zero":           `array[$2]::uuid[], array[$3]::uuid[], '{0}'`,
		"repeated pool, rank": `array[$2, $2]::uuid[], array[$3, $4]::uuid[], '{1,1}'`,
		"out of rank order":   `array[$2, $2]::uuid[], array[$3, $4]::uuid[], '{2,1}'`,
		"project twice":       `array[$2, $2]::uuid[], array[$3, $3]::uuid[], '{1,2}'`,
	} {
		_, err := conn.Exec(ctx, `insert into budget_ballots (id, edition_id, cast_on, pick_pools, pick_projects, pick_ranks)
			select gen_random_uuid(), $1, '2026-05-07', `+arr+`
			where $2::uuid is not null and $3::uuid is not null and $4::uuid is not null`, edition, city, c[0], c[1])
		require.ErrorContains(t, err, "budget_ballots_picks_valid", name)
	}
	_, err = conn.Exec(ctx, `insert into budget_ballot_picks (ballot_id, pool_id, project_id, rank) values ($1, $2, $3, 1)`,
		empty, city, c[0])
	require.Error(t, err, "the view takes no writes")
}
