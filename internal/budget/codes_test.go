package budget_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
)

// person is a voter entry of a Stare Miasto resident with a fresh document.
func person() budget.VoterEntry {
	return budget.VoterEntry{IdentifierType: "passport", Identifier: "PA" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12],
		District: "stare-miasto"}
}

func people(n int) []budget.VoterEntry {
	out := make([]budget.VoterEntry, n)
	for i := range out {
		out[i] = person()
	}
	return out
}

// officer returns ctx for a ballot officer of the edition.
func (b *bundle) officer(t testing.TB, k *krakow) context.Context {
	t.Helper()
	return b.staff(t, authz.RoleBallotOfficer, budget.Domain(k.edition.ID))
}

// codeBallot is k.valid as a ballot cast with code.
func (k *krakow) codeBallot(code, key string) budget.CodeBallotInput {
	return budget.CodeBallotInput{Code: code, BallotKey: key, Picks: k.valid("").Picks}
}

func (b *bundle) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, sql, args...).Scan(&n))
	return n
}

func TestVotingCodes_IssuedInOrderAndRedeemedOnceAnonymously(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	in := people(3)
	codes, err := b.svc.IssueVotingCodes(b.officer(t, k), k.edition.ID, in)
	require.NoError(t, err)
	require.Len(t, codes, 3)
	format := regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$`)
	for i, c := range codes {
		require.Regexp(t, format, c.Code)
		var district string
		require.NoError(t, b.pool.QueryRow(b.ctx, `select district from budget_voters where id = $1`, c.VoterID).Scan(&district))
		require.Equal(t, in[i].District, district)
	}
	// Only a 32-byte hash of each code is stored, in no other column.
	var cols []string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select array_agg(column_name::text order by column_name) from information_schema.columns
		where table_name = 'budget_voting_codes'`).Scan(&cols))
	require.Equal(t, []string{"code_hash", "edition_id", "issued_at", "issued_by", "used_at", "voter_id"}, cols)
	require.Equal(t, 3, b.count(t, `select count(*) from budget_voting_codes where octet_length(code_hash) = 32`))
	require.Equal(t, 3, b.count(t, `select count(*) from budget_voting_codes where edition_id = $1 and used_at is null`, k.edition.ID))

	k1 := key()
	// Typed in lower case, without dashes, with O for 0: still the code.
	typed := strings.ToLower(strings.ReplaceAll(codes[0].Code, "-", " "))
	first, err := b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(typed, k1))
	require.NoError(t, err)
	again, err := b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(codes[0].Code, k1))
	require.NoError(t, err, "a retry with the same key and content is harmless")
	require.Empty(t, again.SurveyToken)
	first.SurveyToken = ""
	require.Equal(t, first, again)
	_, err = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(codes[0].Code, key()))
	requireAppErr(t, err, apperr.Conflict, "ballot.already_cast", "")
	other := k.codeBallot(codes[0].Code, k1)
	other.Picks[k.stare.ID] = k.projects[k.stare.ID][:3]
	_, err = b.svc.CastBallotWithCode(b.anonymous(), other)
	requireAppErr(t, err, apperr.Conflict, "ballot.key_reused", "")

	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballots`))
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballot_markers where channel = 'code' and voter_id = $1 and not cast_by_guardian`,
		codes[0].VoterID))
	require.Equal(t, 1, b.count(t, `select count(*) from budget_voting_codes where used_at is not null and voter_id = $1`, codes[0].VoterID))

	// Unknown, mistyped and malformed codes get one uniform answer.
	typo := "X" // one character off: never the code's own last one
	if strings.HasSuffix(codes[1].Code, typo) {
		typo = "Y"
	}
	for _, c := range []string{"0000-0000-0000-0000", codes[1].Code[:18] + typo, "", "ŻÓŁW-ŻÓŁW-ŻÓŁW-ŻÓŁW", codes[1].Code + "0"} {
		_, err = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(c, key()))
		requireAppErr(t, err, apperr.Forbidden, "ballot.code_invalid", "")
	}
	// The other codes still work, and the ballot rules apply.
	bad := k.codeBallot(codes[1].Code, key())
	bad.Picks[k.city.ID] = k.projects[k.city.ID][:2]
	_, err = b.svc.CastBallotWithCode(b.anonymous(), bad)
	requireAppErr(t, err, apperr.InvalidInput, "ballot.picks_exactly", "picks")
	_, err = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(codes[1].Code, key()))
	require.NoError(t, err)
}

func TestVotingCodes_ReissueRevokesThePreviousCode(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	official := b.official(t)
	codes, err := b.svc.IssueVotingCodes(official, k.edition.ID, people(1))
	require.NoError(t, err)
	again, err := b.svc.IssueVotingCode(official, codes[0].VoterID)
	require.NoError(t, err)
	require.Equal(t, codes[0].VoterID, again.VoterID)
	require.NotEqual(t, codes[0].Code, again.Code)

	_, err = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(codes[0].Code, key()))
	requireAppErr(t, err, apperr.Forbidden, "ballot.code_invalid", "")
	_, err = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(again.Code, key()))
	require.NoError(t, err)
	// Once the person voted, no new code.
	_, err = b.svc.IssueVotingCode(official, codes[0].VoterID)
	require.ErrorIs(t, err, budget.ErrAlreadyVoted)
	_, err = b.svc.IssueVotingCode(official, uuid.New())
	require.ErrorIs(t, err, apperr.ErrNotFound)

	// An account voter who has not voted may get a code; then the account
	// cannot vote a second time.
	v := b.voter(t, k.edition.ID, "stare-miasto")
	var voterID uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select id from budget_voters where account_id = $1`, authz.SubjectFrom(v).AccountID).Scan(&voterID))
	c, err := b.svc.IssueVotingCode(official, voterID)
	require.NoError(t, err)
	_, err = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(c.Code, key()))
	require.NoError(t, err)
	_, err = b.svc.CastBallot(v, k.valid(key()))
	require.ErrorIs(t, err, budget.ErrAlreadyVoted)
	require.Equal(t, 2, b.count(t, `select count(*) from budget_ballots`))
}

func TestVotingCodes_BulkIsAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	official := b.official(t)
	onRoll := person()
	_, err := b.svc.RegisterVoter(official, k.edition.ID, onRoll.IdentifierType, onRoll.Identifier, onRoll.District)
	require.NoError(t, err)
	before := b.count(t, `select count(*) from budget_voters`)

	batch := people(4)
	batch[2] = onRoll
	batch[2].Identifier = strings.ToLower(onRoll.Identifier) // the same document, typed otherwise
	_, err = b.svc.IssueVotingCodes(official, k.edition.ID, batch)
	requireAppErr(t, err, apperr.Conflict, "budget.voter_registered", "voters.2.identifier")

	batch = people(4)
	batch[3] = batch[1]
	_, err = b.svc.IssueVotingCodes(official, k.edition.ID, batch)
	requireAppErr(t, err, apperr.InvalidInput, "budget.voter_repeated", "voters.3.identifier")

	batch = people(3)
	batch[1].District = "atlantyda"
	_, err = b.svc.IssueVotingCodes(official, k.edition.ID, batch)
	requireAppErr(t, err, apperr.InvalidInput, "budget.district_unknown", "voters.1.district")
	batch[1] = budget.VoterEntry{IdentifierType: "pesel", Identifier: "123", District: "stare-miasto"}
	_, err = b.svc.IssueVotingCodes(official, k.edition.ID, batch)
	requireAppErr(t, err, apperr.InvalidInput, "verification.identifier_invalid", "voters.1.identifier")

	_, err = b.svc.IssueVotingCodes(official, k.edition.ID, nil)
	requireAppErr(t, err, apperr.InvalidInput, "budget.voters_empty", "voters")
	_, err = b.svc.IssueVotingCodes(official, k.edition.ID, people(1001))
	requireAppErr(t, err, apperr.InvalidInput, "budget.voters_too_many", "voters")
	require.Equal(t, before, b.count(t, `select count(*) from budget_voters`), "nothing was written")
	require.Zero(t, b.count(t, `select count(*) from budget_voting_codes`))

	codes, err := b.svc.IssueVotingCodes(official, k.edition.ID, people(1000))
	require.NoError(t, err)
	require.Len(t, codes, 1000)
	require.Equal(t, before+1000, b.count(t, `select count(*) from budget_voters`))
	require.Equal(t, 1000, b.count(t, `select count(distinct code_hash) from budget_voting_codes`))
}

func TestVotingCodes_OfficerQuota(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	require.Equal(t, 500, b.count(t, `select code_quota from budget_editions where id = $1`, k.edition.ID), "default quota")
	_, err := b.pool.Exec(b.ctx, `update budget_editions set code_quota = 3 where id = $1`, k.edition.ID)
	require.NoError(t, err)
	officer := b.officer(t, k)

	codes, err := b.svc.IssueVotingCodes(officer, k.edition.ID, people(2))
	require.NoError(t, err)
	_, err = b.svc.IssueVotingCodes(officer, k.edition.ID, people(2))
	requireAppErr(t, err, apperr.Conflict, "budget.code_quota", "")
	_, err = b.svc.IssueVotingCode(officer, codes[0].VoterID) // a re-issue counts too
	require.NoError(t, err)
	_, err = b.svc.IssueVotingCode(officer, codes[1].VoterID)
	requireAppErr(t, err, apperr.Conflict, "budget.code_quota", "")
	_, err = b.svc.IssueVotingCodes(officer, k.edition.ID, people(1))
	requireAppErr(t, err, apperr.Conflict, "budget.code_quota", "")
	// Each officer has their own quota; officials have none.
	_, err = b.svc.IssueVotingCodes(b.officer(t, k), k.edition.ID, people(3))
	require.NoError(t, err)
	_, err = b.svc.IssueVotingCodes(b.official(t), k.edition.ID, people(10))
	require.NoError(t, err)
	require.Equal(t, 2+3+10, b.count(t, `select count(*) from budget_voting_codes`))
}

func TestVotingCodes_UnusableAfterTheVoteCloses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	official := b.official(t)
	codes, err := b.svc.IssueVotingCodes(official, k.edition.ID, people(2))
	require.NoError(t, err)
	start := b.clock.Now()
	b.clock.Set(start.Add(8 * 24 * 60 * 60 * 1e9))
	_, err = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(codes[0].Code, key()))
	requireAppErr(t, err, apperr.PhaseClosed, "ballot.voting_closed", "")
	b.clock.Set(start)
	_, err = b.svc.CloseVoting(official, k.edition.ID)
	require.NoError(t, err)
	_, err = b.svc.CastBallotWithCode(b.anonymous(), k.codeBallot(codes[1].Code, key()))
	requireAppErr(t, err, apperr.PhaseClosed, "ballot.voting_closed", "")
	_, err = b.svc.IssueVotingCodes(official, k.edition.ID, people(1))
	requireAppErr(t, err, apperr.PhaseClosed, "budget.roll_closed", "")
	_, err = b.svc.IssueVotingCode(official, codes[1].VoterID)
	requireAppErr(t, err, apperr.PhaseClosed, "budget.roll_closed", "")
	require.Zero(t, b.count(t, `select count(*) from budget_ballots`))
}

func TestVotingCodes_WhoMayIssue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	other := b.krakowEdition(t)
	codes, err := b.svc.IssueVotingCodes(b.official(t), k.edition.ID, people(1))
	require.NoError(t, err)
	callers := map[string]context.Context{
		"anonymous":             b.anonymous(),
		"resident":              b.resident(t),
		"verified":              b.verified(t, "WHO-"+uuid.NewString()[:8]),
		"officer of another ed": b.officer(t, other),
		"official of another":   b.staff(t, authz.RoleOfficial, authz.Domain("org", uuid.New())),
	}
	for name, ctx := range callers {
		_, err := b.svc.IssueVotingCodes(ctx, k.edition.ID, people(1))
		want := apperr.ErrForbidden
		if name == "anonymous" {
			want = apperr.ErrUnauthenticated
		}
		require.ErrorIs(t, err, want, "%s: %v", name, err)
		_, err = b.svc.IssueVotingCode(ctx, codes[0].VoterID)
		require.ErrorIs(t, err, want, "%s: %v", name, err)
	}
	for _, ctx := range []context.Context{b.staff(t, authz.RoleCoordinator, authz.GlobalDomain), b.staff(t, authz.RoleAdmin, authz.GlobalDomain)} {
		_, err := b.svc.IssueVotingCodes(ctx, k.edition.ID, people(1))
		require.NoError(t, err)
	}
	require.Equal(t, 3, b.count(t, `select count(*) from budget_voting_codes`), fmt.Sprint("only the allowed callers issued"))
}
