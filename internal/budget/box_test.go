package budget_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
)

// ballotIDOf is the ballot id the service derives from a key (ballot.go).
func ballotIDOf(editionID uuid.UUID, key string) uuid.UUID {
	return uuid.NewSHA1(editionID, []byte("ballot\x00"+key))
}

// keysInDescendingIDOrder returns n fresh keys whose ballot ids come in
// descending order: cast in this order, ballots written in id order come out
// reversed, so physical order and cast order differ by construction.
func keysInDescendingIDOrder(editionID uuid.UUID, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = key()
	}
	slices.SortFunc(keys, func(a, b string) int {
		x, y := ballotIDOf(editionID, a), ballotIDOf(editionID, b)
		return -bytes.Compare(x[:], y[:])
	})
	return keys
}

func TestBallotSecrecy_NoTransactionIDOrderOrTimeLinksAVoterToTheirBallot(t *testing.T) {
	t.Parallel()
	b := setupBatch(t, 4)
	k := b.krakowEdition(t)
	keys := keysInDescendingIDOrder(k.edition.ID, 10)
	cast := func(from, to int) {
		for _, key := range keys[from:to] {
			_, err := b.svc.CastBallot(b.voter(t, k.edition.ID, "stare-miasto"), k.valid(key))
			require.NoError(t, err)
		}
	}

	// Three ballots: the box holds them sealed; nothing is written out yet,
	// and no envelope shows a project or the ballot id in clear.
	cast(0, 3)
	require.Zero(t, b.count(t, `select count(*) from budget_ballots`))
	require.Equal(t, 3, b.count(t, `select count(*) from ballot_envelopes where kind = 'budget' and scope = $1`, k.edition.ID))
	rows, err := b.pool.Query(b.ctx, `select sealed from ballot_envelopes`)
	require.NoError(t, err)
	var sealed [][]byte
	for rows.Next() {
		var s []byte
		require.NoError(t, rows.Scan(&s))
		sealed = append(sealed, s)
	}
	require.NoError(t, rows.Err())
	require.Len(t, sealed, 3)
	var clear [][]byte
	for _, ps := range k.projects {
		for _, p := range ps {
			clear = append(clear, p[:], []byte(p.String()))
		}
	}
	for _, key := range keys[:3] {
		id := ballotIDOf(k.edition.ID, key)
		clear = append(clear, id[:], []byte(id.String()), []byte(key))
	}
	for _, s := range sealed {
		for _, c := range clear {
			require.False(t, bytes.Contains(s, c), "an envelope shows %q in clear", c)
		}
	}

	// The fourth fills the box: four ballots written out in one transaction.
	cast(3, 4)
	require.Equal(t, 4, b.count(t, `select count(*) from budget_ballots`))
	require.Zero(t, b.count(t, `select count(*) from ballot_envelopes`))
	// Four more are a second batch; two stay sealed until the count.
	cast(4, 10)
	require.Equal(t, 8, b.count(t, `select count(*) from budget_ballots`))
	require.Equal(t, 2, b.count(t, `select count(*) from ballot_envelopes`))
	b.closeVoting(t, k.edition.ID)
	results, err := b.svc.ComputeResults(b.official(t), k.edition.ID)
	require.NoError(t, err)
	require.Equal(t, 10, b.count(t, `select count(*) from budget_ballots`))
	require.Equal(t, 60, b.count(t, `select count(*) from budget_ballot_picks`))
	require.Zero(t, b.count(t, `select count(*) from ballot_envelopes`))
	counted := map[uuid.UUID]int{}
	for _, r := range results {
		counted[r.PoolID] = r.Ballots
	}
	require.Equal(t, map[uuid.UUID]int{k.city.ID: 10, k.stare.ID: 10, k.grzegorzki.ID: 0}, counted, "every sealed ballot is counted")

	// Transaction ids: no ballot or pick shares one with a marker; ballots
	// share theirs with their batch (4, 4, and the 2 written out at the count).
	require.Equal(t, 10, b.count(t, `select count(*) from budget_ballot_markers`))
	require.Zero(t, b.count(t, `select count(*) from budget_ballot_markers m join budget_ballots x on x.xmin = m.xmin`))
	rows, err = b.pool.Query(b.ctx, `select count(*) from budget_ballots group by xmin order by min(xmin::text::bigint)`)
	require.NoError(t, err)
	var batches []int
	for rows.Next() {
		var n int
		require.NoError(t, rows.Scan(&n))
		batches = append(batches, n)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []int{4, 4, 2}, batches)

	// Physical order: within a batch, rows lie in ballot-id order, which is
	// the reverse of the order in which they were cast here.
	rows, err = b.pool.Query(b.ctx, `select xmin::text, id from budget_ballots order by ctid`)
	require.NoError(t, err)
	byBatch := map[string][]uuid.UUID{}
	var order []string
	for rows.Next() {
		var x string
		var id uuid.UUID
		require.NoError(t, rows.Scan(&x, &id))
		if _, ok := byBatch[x]; !ok {
			order = append(order, x)
		}
		byBatch[x] = append(byBatch[x], id)
	}
	require.NoError(t, rows.Err())
	castOrder := make([]uuid.UUID, len(keys))
	for i, key := range keys {
		castOrder[i] = ballotIDOf(k.edition.ID, key)
	}
	for i, spans := range [][2]int{{0, 4}, {4, 8}, {8, 10}} {
		physical := byBatch[order[i]]
		want := slices.Clone(castOrder[spans[0]:spans[1]])
		require.ElementsMatch(t, want, physical, "batch %d holds the ballots cast into it", i)
		slices.Reverse(want)
		require.Equal(t, want, physical, "batch %d lies in id order, not cast order", i)
	}
	// Picks lie in their ballot's row (migration 043), so in ballot-id order too.
	rows, err = b.pool.Query(b.ctx, `select b.id from budget_ballots b cross join lateral unnest(b.pick_pools) order by b.ctid`)
	require.NoError(t, err)
	var pickOrder []uuid.UUID
	for rows.Next() {
		var id uuid.UUID
		require.NoError(t, rows.Scan(&id))
		if len(pickOrder) == 0 || pickOrder[len(pickOrder)-1] != id {
			pickOrder = append(pickOrder, id)
		}
	}
	require.NoError(t, rows.Err())
	var wantPicks []uuid.UUID
	for _, x := range order {
		wantPicks = append(wantPicks, byBatch[x]...)
	}
	require.Equal(t, wantPicks, pickOrder)

	// Time: a ballot keeps its day only, which every marker of that day
	// matches; the envelopes kept no time; commit times are not recorded.
	require.Equal(t, 100, b.count(t, `select count(*) from budget_ballots x join budget_ballot_markers m
		on x.cast_on = (m.voted_at at time zone 'Europe/Warsaw')::date`))
	cols, err := b.pool.Query(b.ctx, `select column_name || ':' || data_type from information_schema.columns
		where table_name = 'ballot_envelopes' order by ordinal_position`)
	require.NoError(t, err)
	var envelopeColumns []string
	for cols.Next() {
		var c string
		require.NoError(t, cols.Scan(&c))
		envelopeColumns = append(envelopeColumns, c)
	}
	require.NoError(t, cols.Err())
	require.Equal(t, []string{"seq:bigint", "kind:text", "scope:uuid", "key_id:text", "sealed:bytea"}, envelopeColumns)
	var commitTimes string
	require.NoError(t, b.pool.QueryRow(b.ctx, `show track_commit_timestamp`).Scan(&commitTimes))
	require.Equal(t, "off", commitTimes)
}

func TestChangeBallot_SealedChangesApplyInOrderWithinAndAcrossBatches(t *testing.T) {
	t.Parallel()
	b := setupBatch(t, 5)
	k := b.krakowEdition(t)
	b.allowChange(t, k)
	one := b.voter(t, k.edition.ID, "stare-miasto")
	two := b.voter(t, k.edition.ID, "stare-miasto")
	a, bb, c := key(), key(), key()

	// In one batch: cast A, change A → B, change B → A again with other
	// picks; another voter casts C; then the box is full.
	_, err := b.svc.CastBallot(one, k.valid(a))
	require.NoError(t, err)
	_, err = b.svc.ChangeBallot(one, k.changed(a, bb))
	require.NoError(t, err)
	back := k.changed(bb, a)
	back.Picks[k.stare.ID] = k.projects[k.stare.ID][2:5]
	_, err = b.svc.ChangeBallot(one, back)
	require.NoError(t, err)
	_, err = b.svc.CastBallot(two, k.valid(c))
	require.NoError(t, err)
	require.Zero(t, b.count(t, `select count(*) from budget_ballots`))
	three := b.voter(t, k.edition.ID, "stare-miasto")
	_, err = b.svc.CastBallot(three, k.valid(key()))
	require.NoError(t, err)
	require.Equal(t, 3, b.count(t, `select count(*) from budget_ballots`))
	require.Zero(t, b.count(t, `select count(*) from budget_ballots where id = $1`, ballotIDOf(k.edition.ID, bb)))
	require.Equal(t, []uuid.UUID{k.projects[k.stare.ID][2], k.projects[k.stare.ID][3], k.projects[k.stare.ID][4]},
		b.picks(t, ballotIDOf(k.edition.ID, a), k.stare.ID))

	// Across batches: the second voter's ballot, already written, is
	// dropped when their change is written out with the next batch.
	_, err = b.svc.ChangeBallot(two, k.changed(c, bb))
	require.NoError(t, err)
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballots where id = $1`, ballotIDOf(k.edition.ID, c)))
	for range 4 {
		_, err := b.svc.CastBallot(b.voter(t, k.edition.ID, "stare-miasto"), k.valid(key()))
		require.NoError(t, err)
	}
	require.Equal(t, 7, b.count(t, `select count(*) from budget_ballots`))
	require.Zero(t, b.count(t, `select count(*) from budget_ballots where id = $1`, ballotIDOf(k.edition.ID, c)))
	require.Equal(t, k.projects[k.stare.ID][:3], b.picks(t, ballotIDOf(k.edition.ID, bb), k.stare.ID))
	require.Equal(t, 7, b.count(t, `select count(*) from budget_ballot_markers`))

	// A key another voter holds is refused at the marker, before the box.
	_, err = b.svc.ChangeBallot(one, k.changed(a, bb))
	require.ErrorIs(t, err, budget.ErrKeyReused)
}

// picks are a ballot's projects in one pool, by rank.
func (b *bundle) picks(t *testing.T, ballot, pool uuid.UUID) []uuid.UUID {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `select project_id from budget_ballot_picks where ballot_id = $1 and pool_id = $2 order by rank`,
		ballot, pool)
	require.NoError(t, err)
	defer rows.Close()
	var out []uuid.UUID
	for rows.Next() {
		var id uuid.UUID
		require.NoError(t, rows.Scan(&id))
		out = append(out, id)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestEditionPhases_EveryMoveIsRecorded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t) // draft → voting
	b.closeVoting(t, k.edition.ID)
	rows, err := b.pool.Query(b.ctx, `select from_status || '→' || to_status, actor_id is not null, reason from phase_changes
		where kind = 'budget_edition' and object_id = $1 order by created_at, id`, k.edition.ID)
	require.NoError(t, err)
	var moves []string
	for rows.Next() {
		var move, reason string
		var byPerson bool
		require.NoError(t, rows.Scan(&move, &byPerson, &reason))
		require.True(t, byPerson, move)
		require.Empty(t, reason, move)
		moves = append(moves, move)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"draft→voting", "voting→closed"}, moves)

	// A move outside the table is refused before anything changes.
	_, err = b.svc.OpenVoting(b.official(t), k.edition.ID)
	requireAppErr(t, err, apperr.PhaseClosed, "budget.status_invalid", "")
	require.Equal(t, 2, b.count(t, `select count(*) from phase_changes where object_id = $1`, k.edition.ID))
}
