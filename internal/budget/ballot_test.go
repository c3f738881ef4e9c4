package budget_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
)

func TestCastBallot_ValidBallotIsStoredWithoutVoter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	ctx := b.voter(t, k.edition.ID, "stare-miasto")

	r, err := b.svc.CastBallot(ctx, k.valid(key()))
	require.NoError(t, err)
	require.Equal(t, k.edition.ID, r.EditionID)
	now := b.clock.Now().In(budget.Warsaw)
	require.Equal(t, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), r.CastOn.UTC())

	var picks int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from budget_ballot_picks where ballot_id = $1`, r.BallotID).Scan(&picks))
	require.Equal(t, 6, picks)
	var rank int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select rank from budget_ballot_picks where ballot_id = $1 and project_id = $2`,
		r.BallotID, k.projects[k.stare.ID][4]).Scan(&rank))
	require.Equal(t, 3, rank)
}

func TestCastBallot_RefusesBrokenRulesWithExactReason(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	ctx := b.voter(t, k.edition.ID, "stare-miasto")
	city, stare, grz := k.projects[k.city.ID], k.projects[k.stare.ID], k.projects[k.grzegorzki.ID]

	cases := []struct {
		name  string
		picks map[uuid.UUID][]uuid.UUID
		key   string
	}{
		{"four district picks", map[uuid.UUID][]uuid.UUID{k.city.ID: city[:3], k.stare.ID: stare[:4]}, "ballot.picks_exactly"},
		{"two city picks", map[uuid.UUID][]uuid.UUID{k.city.ID: city[:2], k.stare.ID: stare[:3]}, "ballot.picks_exactly"},
		{"repeated project", map[uuid.UUID][]uuid.UUID{k.city.ID: city[:3], k.stare.ID: {stare[0], stare[1], stare[0]}}, "ballot.pick_repeated"},
		{"project of another pool", map[uuid.UUID][]uuid.UUID{k.city.ID: city[:3], k.stare.ID: {stare[0], stare[1], city[4]}}, "ballot.project_not_in_pool"},
		{"unknown project", map[uuid.UUID][]uuid.UUID{k.city.ID: city[:3], k.stare.ID: {stare[0], stare[1], uuid.New()}}, "ballot.project_not_in_pool"},
		{"another district's pool", map[uuid.UUID][]uuid.UUID{k.city.ID: city[:3], k.stare.ID: stare[:3], k.grzegorzki.ID: grz[:3]}, "ballot.pool_not_allowed"},
		{"only another district's pool", map[uuid.UUID][]uuid.UUID{k.city.ID: city[:3], k.grzegorzki.ID: grz[:3]}, "ballot.pool_not_allowed"},
		{"required city pool missing", map[uuid.UUID][]uuid.UUID{k.stare.ID: stare[:3]}, "ballot.pool_missing"},
		{"empty", nil, "ballot.pool_missing"},
	}
	for _, c := range cases {
		_, err := b.svc.CastBallot(ctx, budget.BallotInput{EditionID: k.edition.ID, BallotKey: key(), Picks: c.picks})
		requireAppErr(t, err, apperr.InvalidInput, c.key, "picks")
	}
	_, err := b.svc.CastBallot(ctx, budget.BallotInput{EditionID: k.edition.ID, BallotKey: "short", Picks: k.valid("").Picks})
	requireAppErr(t, err, apperr.InvalidInput, "ballot.key_invalid", "ballotKey")

	// Nothing was stored, and the voter can still cast a valid ballot.
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select (select count(*) from budget_ballots) + (select count(*) from budget_ballot_markers)`).Scan(&n))
	require.Zero(t, n)
	_, err = b.svc.CastBallot(ctx, k.valid(key()))
	require.NoError(t, err)
}

func TestCastBallot_OptionalPoolAndLimits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := b.official(t)
	opens, closes := b.clock.Now().Add(-time.Hour), b.clock.Now().Add(time.Hour)
	e, err := b.svc.CreateEdition(ctx, budget.EditionInput{UnitID: b.unitID, Year: 2023, VotingOpensAt: &opens, VotingClosesAt: &closes})
	require.NoError(t, err)
	city, err := b.svc.CreatePool(ctx, e.ID, budget.PoolInput{Name: "Zielony", Kind: budget.KindCity, Budget: 100_00,
		Rule: "mes", PickMode: budget.PickAtMost, PickCount: 2, BallotKind: budget.BallotApproval})
	require.NoError(t, err)
	district, err := b.svc.CreatePool(ctx, e.ID, budget.PoolInput{Name: "D", Kind: budget.KindDistrict, District: "d", Budget: 100_00,
		Rule: budget.RuleGreedy, PickMode: budget.PickAtLeast, PickCount: 2, BallotKind: budget.BallotApproval, Required: true})
	require.NoError(t, err)
	var cp, dp []uuid.UUID
	for i, pool := range []uuid.UUID{city.ID, city.ID, city.ID, district.ID, district.ID, district.ID} {
		p, err := b.svc.CreateProject(ctx, pool, budget.ProjectInput{Code: "P" + string(rune('A'+i)), Title: "T", Cost: 50_00})
		require.NoError(t, err)
		if pool == city.ID {
			cp = append(cp, p.ID)
		} else {
			dp = append(dp, p.ID)
		}
	}
	_, err = b.svc.OpenVoting(ctx, e.ID)
	require.NoError(t, err)
	v := b.voter(t, e.ID, "d")
	cast := func(picks map[uuid.UUID][]uuid.UUID) error {
		_, err := b.svc.CastBallot(v, budget.BallotInput{EditionID: e.ID, BallotKey: key(), Picks: picks})
		return err
	}
	requireAppErr(t, cast(map[uuid.UUID][]uuid.UUID{district.ID: dp[:1]}), apperr.InvalidInput, "ballot.picks_at_least", "picks")
	requireAppErr(t, cast(map[uuid.UUID][]uuid.UUID{city.ID: cp, district.ID: dp[:2]}), apperr.InvalidInput, "ballot.picks_at_most", "picks")
	// The optional city pool may be left out.
	require.NoError(t, cast(map[uuid.UUID][]uuid.UUID{district.ID: dp}))
}

func TestCastBallot_OutsideWindowIsPhaseClosed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	ctx := b.voter(t, k.edition.ID, "stare-miasto")
	start := b.clock.Now()

	b.clock.Set(start.Add(-2 * time.Hour))
	_, err := b.svc.CastBallot(ctx, k.valid(key()))
	requireAppErr(t, err, apperr.PhaseClosed, "ballot.voting_closed", "")
	b.clock.Set(start.Add(8 * 24 * time.Hour))
	_, err = b.svc.CastBallot(ctx, k.valid(key()))
	requireAppErr(t, err, apperr.PhaseClosed, "ballot.voting_closed", "")

	b.clock.Set(start)
	_, err = b.svc.CloseVoting(b.official(t), k.edition.ID)
	require.NoError(t, err)
	_, err = b.svc.CastBallot(ctx, k.valid(key()))
	requireAppErr(t, err, apperr.PhaseClosed, "ballot.voting_closed", "")
}

func TestCastBallot_WhoMayCast(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)

	_, err := b.svc.CastBallot(b.anonymous(), k.valid(key()))
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.CastBallot(b.resident(t), k.valid(key()))
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.CastBallot(b.official(t), k.valid(key()))
	require.ErrorIs(t, err, apperr.ErrForbidden, "staff vote as residents, not as staff")
	// Verified but not on the roll.
	_, err = b.svc.CastBallot(b.verified(t, "NOTONROLL1"), k.valid(key()))
	require.ErrorIs(t, err, budget.ErrNotRegistered)
	// Unverified accounts cannot enrol either.
	_, err = b.svc.RegisterAccountVoter(b.resident(t), k.edition.ID, "stare-miasto")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.RegisterAccountVoter(b.anonymous(), k.edition.ID, "stare-miasto")
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
}

func TestCastBallot_IdempotentByKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	ctx := b.voter(t, k.edition.ID, "stare-miasto")
	k1 := key()

	first, err := b.svc.CastBallot(ctx, k.valid(k1))
	require.NoError(t, err)
	again, err := b.svc.CastBallot(ctx, k.valid(k1))
	require.NoError(t, err)
	require.Empty(t, again.SurveyToken, "a retry never hands out a second survey token")
	first.SurveyToken = ""
	require.Equal(t, first, again)

	other := k.valid(k1)
	other.Picks[k.stare.ID] = k.projects[k.stare.ID][:3]
	_, err = b.svc.CastBallot(ctx, other)
	require.ErrorIs(t, err, budget.ErrKeyReused)
	_, err = b.svc.CastBallot(ctx, k.valid(key()))
	require.ErrorIs(t, err, budget.ErrAlreadyVoted)

	// Another voter cannot take over the key.
	_, err = b.svc.CastBallot(b.voter(t, k.edition.ID, "stare-miasto"), k.valid(k1))
	require.ErrorIs(t, err, budget.ErrKeyReused)

	var ballots int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from budget_ballots`).Scan(&ballots))
	require.Equal(t, 1, ballots)
}

// The concurrency proof (1,000 attempts of one voter, and one person through
// every channel at once) is in concurrency_test.go.

func TestBallotSecrecy_StoredRowsDoNotLinkVoterAndBallot(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	var ballotIDs []uuid.UUID
	for range 5 {
		r, err := b.svc.CastBallot(b.voter(t, k.edition.ID, "stare-miasto"), k.valid(key()))
		require.NoError(t, err)
		ballotIDs = append(ballotIDs, r.BallotID)
	}

	// The ballot tables have no column naming a voter or an account, and no
	// time finer than the day.
	rows, err := b.pool.Query(b.ctx, `select table_name, column_name, data_type from information_schema.columns
		where table_name in ('budget_ballots', 'budget_ballot_picks') order by 1, 2`)
	require.NoError(t, err)
	cols := map[string]string{}
	for rows.Next() {
		var table, col, typ string
		require.NoError(t, rows.Scan(&table, &col, &typ))
		cols[table+"."+col] = typ
	}
	require.NoError(t, rows.Err())
	require.Equal(t, map[string]string{
		"budget_ballots.id": "uuid", "budget_ballots.edition_id": "uuid", "budget_ballots.cast_on": "date",
		"budget_ballots.pick_pools": "ARRAY", "budget_ballots.pick_projects": "ARRAY", "budget_ballots.pick_ranks": "ARRAY",
		"budget_ballot_picks.ballot_id": "uuid", "budget_ballot_picks.pool_id": "uuid",
		"budget_ballot_picks.project_id": "uuid", "budget_ballot_picks.rank": "integer",
		"budget_ballot_picks.edition_id": "uuid", // a view over budget_ballots (migration 043)
	}, cols)

	// No foreign key leads from the ballot tables to voters, markers or accounts.
	var refs []string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select coalesce(array_agg(distinct confrelid::regclass::text), '{}') from pg_constraint
		where contype = 'f' and conrelid in ('budget_ballots'::regclass, 'budget_ballot_picks'::regclass)`).Scan(&refs))
	require.ElementsMatch(t, []string{"budget_editions"}, refs)

	// No value of a marker or voter row appears in a ballot row.
	var shared int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from budget_ballots x, budget_ballot_markers m join budget_voters v on v.id = m.voter_id
		where x.id in (m.voter_id, v.id, v.account_id) or uuid_send(x.id) in (m.ballot_key_hash, m.content_check, v.identifier_hash)
		or substring(m.ballot_key_hash from 1 for 16) = uuid_send(x.id) or substring(m.content_check from 1 for 16) = uuid_send(x.id)`).Scan(&shared))
	require.Zero(t, shared)
	var markers int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from budget_ballot_markers`).Scan(&markers))
	require.Equal(t, 5, markers)
	var stored []uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select array_agg(id) from budget_ballots`).Scan(&stored))
	require.ElementsMatch(t, ballotIDs, stored)
}

func TestRegisterVoter_OnePersonOneRow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	official := b.official(t)
	officer := b.staff(t, authz.RoleBallotOfficer, budget.Domain(k.edition.ID))

	id, err := b.svc.RegisterVoter(officer, k.edition.ID, "passport", "ab 123-456", "stare-miasto")
	require.NoError(t, err)
	require.NotEqual(t, uuid.Nil, id)
	// The same document, written differently, by another officer.
	_, err = b.svc.RegisterVoter(official, k.edition.ID, "passport", "AB123456", "grzegorzki")
	require.ErrorIs(t, err, budget.ErrVoterRegistered)
	// The same person through their verified account: a second channel.
	person := b.verified(t, "PERSON01")
	_, err = b.svc.RegisterVoter(official, k.edition.ID, "other", "person-01", "stare-miasto")
	require.NoError(t, err)
	_, err = b.svc.RegisterAccountVoter(person, k.edition.ID, "stare-miasto")
	require.ErrorIs(t, err, budget.ErrVoterRegistered)
	// An account voter enrolling twice gets the same voter.
	v := b.verified(t, "PERSON02")
	first, err := b.svc.RegisterAccountVoter(v, k.edition.ID, "stare-miasto")
	require.NoError(t, err)
	second, err := b.svc.RegisterAccountVoter(v, k.edition.ID, "stare-miasto")
	require.NoError(t, err)
	require.Equal(t, first, second)
	// ...and the staff channel then refuses their document.
	_, err = b.svc.RegisterVoter(official, k.edition.ID, "other", "PERSON02", "stare-miasto")
	require.ErrorIs(t, err, budget.ErrVoterRegistered)

	_, err = b.svc.RegisterVoter(official, k.edition.ID, "passport", "ZZ999", "atlantyda")
	requireAppErr(t, err, apperr.InvalidInput, "budget.district_unknown", "district")
	_, err = b.svc.RegisterVoter(official, k.edition.ID, "pesel", "123", "stare-miasto")
	requireAppErr(t, err, apperr.InvalidInput, "verification.identifier_invalid", "identifier")
	_, err = b.svc.RegisterVoter(b.resident(t), k.edition.ID, "passport", "ZZ999", "stare-miasto")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.RegisterVoter(b.anonymous(), k.edition.ID, "passport", "ZZ999", "stare-miasto")
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)

	var hashes int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from budget_voters where edition_id = $1`, k.edition.ID).Scan(&hashes))
	require.Equal(t, 3, hashes)
}
