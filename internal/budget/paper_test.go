package budget_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/budget"
)

// point creates a voting point of k with two officers assigned to it.
func (b *bundle) point(t *testing.T, k *krakow, name string) (*budget.VotingPoint, context.Context, context.Context) {
	t.Helper()
	official := b.official(t)
	p, err := b.svc.CreateVotingPoint(official, k.edition.ID, name, "ul. Grodzka 1")
	require.NoError(t, err)
	officers := make([]context.Context, 2)
	for i := range officers {
		id := b.account(t)
		_, err := b.svc.AssignBallotOfficer(official, p.ID, id)
		require.NoError(t, err)
		officers[i] = b.as(authz.Subject{AccountID: id, Confirmed: true})
	}
	return p, officers[0], officers[1]
}

func (k *krakow) sheet(p *budget.VotingPoint, number string, who budget.VoterEntry) budget.PaperEntryInput {
	return budget.PaperEntryInput{PointID: p.ID, SheetNumber: number, Voter: who, Picks: k.valid("").Picks}
}

// requireErased checks that a decided sheet's entries keep who entered
// them and nothing of the voter or the content.
func (b *bundle) requireErased(t *testing.T, sheet uuid.UUID, entries int) {
	t.Helper()
	require.Equal(t, entries, b.count(t, `select count(*) from budget_paper_entries where sheet_id = $1 and entered_by is not null
		and voter_hash is null and key_id is null and district is null and by_guardian is null and picks is null and content_hash is null`, sheet))
	require.Equal(t, entries, b.count(t, `select count(*) from budget_paper_entries where sheet_id = $1`, sheet))
}

func TestPaper_TwoAlikeEntriesByTwoPeopleCount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	p, a, c := b.point(t, k, "Urząd Wielicka")
	who := person()

	s, err := b.svc.EnterPaperBallot(a, k.sheet(p, "0001", who))
	require.NoError(t, err)
	require.Equal(t, budget.PaperPending, s.Status)
	require.Equal(t, 1, s.Entries)
	require.Zero(t, b.count(t, `select count(*) from budget_ballots`))
	// The first entry keeps its content until the sheet is decided.
	require.Equal(t, 1, b.count(t, `select count(*) from budget_paper_entries where voter_hash is not null and picks is not null`))

	// The same person again: the same content is a retry and changes
	// nothing; other content is refused.
	again, err := b.svc.EnterPaperBallot(a, k.sheet(p, "0001", who))
	require.NoError(t, err)
	require.Equal(t, s, again)
	otherPicks := k.sheet(p, "0001", who)
	otherPicks.Picks[k.stare.ID] = k.projects[k.stare.ID][:3]
	_, err = b.svc.EnterPaperBallot(a, otherPicks)
	requireAppErr(t, err, apperr.Conflict, "ballot.second_entry_same_person", "")
	_, err = b.svc.EnterPaperBallot(a, k.sheet(p, "0001", person()))
	requireAppErr(t, err, apperr.Conflict, "ballot.second_entry_same_person", "")
	require.Equal(t, 1, b.count(t, `select count(*) from budget_paper_entries where sheet_id = $1`, s.ID))

	s, err = b.svc.EnterPaperBallot(c, k.sheet(p, " 0001 ", who))
	require.NoError(t, err)
	require.Equal(t, budget.PaperCounted, s.Status)
	require.Empty(t, s.Reason)
	require.NotNil(t, s.DecidedAt)
	require.Equal(t, 2, s.Entries)
	requireCounted := func() {
		t.Helper()
		require.Equal(t, 1, b.count(t, `select count(*) from budget_ballots`))
		require.Equal(t, 6, b.count(t, `select count(*) from budget_ballot_picks`))
		require.Equal(t, 1, b.count(t, `select count(*) from budget_ballot_markers m join budget_voters v on v.id = m.voter_id
			where m.channel = 'paper' and not m.cast_by_guardian and v.account_id is null and v.district = 'stare-miasto'`))
		b.requireErased(t, s.ID, 2)
	}
	requireCounted()

	// After the decision, either person's entry sent again with the same
	// content gets the decided sheet; nothing is counted twice.
	for _, who2 := range []context.Context{c, a} {
		again, err := b.svc.EnterPaperBallot(who2, k.sheet(p, "0001", who))
		require.NoError(t, err)
		require.Equal(t, s, again)
	}
	requireCounted()
	_, err = b.svc.EnterPaperBallot(c, otherPicks)
	requireAppErr(t, err, apperr.Conflict, "ballot.sheet_decided", "")
	_, err = b.svc.EnterPaperBallot(b.official(t), k.sheet(p, "0001", who))
	requireAppErr(t, err, apperr.Conflict, "ballot.sheet_decided", "")
	// The same content on another sheet number is another sheet.
	_, err = b.svc.EnterPaperBallot(a, k.sheet(p, "0001-B", who))
	require.NoError(t, err)
	requireCounted()

	// Entered by a guardian: recorded on the marker.
	child := person()
	in := k.sheet(p, "0002", child)
	in.ByGuardian = true
	_, err = b.svc.EnterPaperBallot(a, in)
	require.NoError(t, err)
	s, err = b.svc.EnterPaperBallot(c, in)
	require.NoError(t, err)
	require.Equal(t, budget.PaperCounted, s.Status)
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballot_markers where cast_by_guardian and channel = 'paper'`))
}

func TestPaper_MismatchIsResolvedByTheCommission(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	p, a, c := b.point(t, k, "Urząd Wielicka")
	who := person()
	_, err := b.svc.EnterPaperBallot(a, k.sheet(p, "7", who))
	require.NoError(t, err)
	other := k.sheet(p, "7", who)
	other.Picks[k.stare.ID] = k.projects[k.stare.ID][:3]
	s, err := b.svc.EnterPaperBallot(c, other)
	require.NoError(t, err)
	require.Equal(t, budget.PaperMismatch, s.Status)
	_, err = b.svc.EnterPaperBallot(b.official(t), k.sheet(p, "7", who))
	requireAppErr(t, err, apperr.Conflict, "ballot.sheet_mismatch", "")
	// Each person's entry sent again is a retry: the sheet as it is.
	again, err := b.svc.EnterPaperBallot(a, k.sheet(p, "7", who))
	require.NoError(t, err)
	require.Equal(t, s, again)
	again, err = b.svc.EnterPaperBallot(c, other)
	require.NoError(t, err)
	require.Equal(t, s, again)
	require.Zero(t, b.count(t, `select count(*) from budget_ballots`))

	// Officers do not resolve; the commission does, with its own reading.
	_, err = b.svc.ResolvePaperBallot(a, s.ID, who, false, other.Picks)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.ResolvePaperBallot(b.resident(t), s.ID, who, false, other.Picks)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	s, err = b.svc.ResolvePaperBallot(b.official(t), s.ID, who, false, other.Picks)
	require.NoError(t, err)
	require.Equal(t, budget.PaperCounted, s.Status)
	require.Equal(t, 3, s.Entries)
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballot_picks where project_id = $1`, k.projects[k.stare.ID][1]))
	b.requireErased(t, s.ID, 3)
	_, err = b.svc.ResolvePaperBallot(b.official(t), s.ID, who, false, other.Picks)
	requireAppErr(t, err, apperr.Conflict, "ballot.sheet_not_mismatched", "")
}

func TestPaper_InvalidAndAlreadyVotedSheetsAreNotCounted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	p, a, c := b.point(t, k, "Urząd Wielicka")

	// Two city picks: stored as invalid with the validator's reason.
	invalid := k.sheet(p, "1", person())
	invalid.Picks[k.city.ID] = k.projects[k.city.ID][:2]
	_, err := b.svc.EnterPaperBallot(a, invalid)
	require.NoError(t, err)
	s, err := b.svc.EnterPaperBallot(c, invalid)
	require.NoError(t, err)
	require.Equal(t, budget.PaperInvalid, s.Status)
	require.Equal(t, "ballot.picks_exactly", s.Reason)
	b.requireErased(t, s.ID, 2)
	require.Zero(t, b.count(t, `select count(*) from budget_ballots`))
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballot_markers where channel = 'paper'`), "the person has voted (invalidly)")

	// A person who voted through their account: the sheet is rejected.
	doc := "PAPER-" + uuid.NewString()[:8]
	v := b.verified(t, doc)
	_, err = b.svc.RegisterAccountVoter(v, k.edition.ID, "stare-miasto")
	require.NoError(t, err)
	_, err = b.svc.CastBallot(v, k.valid(key()))
	require.NoError(t, err)
	twice := k.sheet(p, "2", budget.VoterEntry{IdentifierType: "other", Identifier: doc, District: "stare-miasto"})
	_, err = b.svc.EnterPaperBallot(a, twice)
	require.NoError(t, err)
	s, err = b.svc.EnterPaperBallot(c, twice)
	require.NoError(t, err)
	require.Equal(t, budget.PaperRejected, s.Status)
	require.Equal(t, "ballot.already_cast", s.Reason)
	b.requireErased(t, s.ID, 2)
	require.Equal(t, 1, b.count(t, `select count(*) from budget_ballots`))

	// The same person on a second sheet is rejected too.
	again := k.sheet(p, "3", invalid.Voter)
	_, err = b.svc.EnterPaperBallot(a, again)
	require.NoError(t, err)
	s, err = b.svc.EnterPaperBallot(c, again)
	require.NoError(t, err)
	require.Equal(t, budget.PaperRejected, s.Status)
	_, err = b.svc.EnterPaperBallot(a, k.sheet(p, "4", person()))
	require.NoError(t, err)

	official := b.official(t)
	pg, err := b.svc.PaperBallots(official, k.edition.ID, budget.PaperFilter{}, 2, "")
	list, total, hasNext := pg.Items, pg.Total, pg.HasNext
	require.NoError(t, err)
	require.Equal(t, 4, total)
	require.True(t, hasNext)
	require.Equal(t, []string{"1", "2"}, []string{list[0].SheetNumber, list[1].SheetNumber})
	pg, err = b.svc.PaperBallots(official, k.edition.ID, budget.PaperFilter{}, 2, list[1].Cursor())
	list, hasNext = pg.Items, pg.HasNext
	require.NoError(t, err)
	require.False(t, hasNext)
	require.Equal(t, []string{"3", "4"}, []string{list[0].SheetNumber, list[1].SheetNumber})
	for status, want := range map[budget.PaperStatus]int{budget.PaperInvalid: 1, budget.PaperRejected: 2, budget.PaperPending: 1, budget.PaperCounted: 0} {
		pg, err := b.svc.PaperBallots(a, k.edition.ID, budget.PaperFilter{PointID: p.ID, Status: status}, 10, "")
		n := pg.Total
		require.NoError(t, err)
		require.Equal(t, want, n, status)
	}
	_, err = b.svc.PaperBallots(b.resident(t), k.edition.ID, budget.PaperFilter{}, 10, "")
	require.ErrorIs(t, err, apperr.ErrNotFound)
}

func TestPaper_OfficersEnterOnlyAtTheirPoints(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k := b.krakowEdition(t)
	p1, a, _ := b.point(t, k, "Punkt 1")
	p2, _, _ := b.point(t, k, "Punkt 2")
	_, err := b.svc.EnterPaperBallot(a, k.sheet(p2, "1", person()))
	requireAppErr(t, err, apperr.Forbidden, "budget.point_not_assigned", "")
	// The role alone (without an assignment) is not enough either.
	_, err = b.svc.EnterPaperBallot(b.officer(t, k), k.sheet(p1, "1", person()))
	requireAppErr(t, err, apperr.Forbidden, "budget.point_not_assigned", "")
	_, err = b.svc.EnterPaperBallot(b.resident(t), k.sheet(p1, "1", person()))
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.EnterPaperBallot(b.anonymous(), k.sheet(p1, "1", person()))
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.EnterPaperBallot(b.staff(t, authz.RoleCoordinator, authz.GlobalDomain), k.sheet(p2, "1", person()))
	require.NoError(t, err, "coordinators enter anywhere")
	_, err = b.svc.EnterPaperBallot(a, k.sheet(p1, "", person()))
	requireAppErr(t, err, apperr.InvalidInput, "budget.sheet_number_invalid", "sheetNumber")
	bad := person()
	bad.IdentifierType = "nope"
	_, err = b.svc.EnterPaperBallot(a, k.sheet(p1, "2", bad))
	requireAppErr(t, err, apperr.InvalidInput, "verification.identifier_type_invalid", "voter.identifierType")

	// Points: managed by staff, listed to anyone who sees the edition.
	_, err = b.svc.CreateVotingPoint(b.official(t), k.edition.ID, "Punkt 1", "")
	requireAppErr(t, err, apperr.InvalidInput, "budget.point_exists", "name")
	_, err = b.svc.CreateVotingPoint(a, k.edition.ID, "Punkt 3", "")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.AssignBallotOfficer(a, p2.ID, b.account(t))
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.AssignBallotOfficer(b.official(t), p2.ID, uuid.New())
	requireAppErr(t, err, apperr.InvalidInput, "budget.account_unknown", "accountId")
	points, err := b.svc.VotingPoints(b.anonymous(), k.edition.ID)
	require.NoError(t, err)
	require.Len(t, points, 2)
	// Four officers assigned by the official, one granted directly above.
	require.Equal(t, 5, b.count(t, `select count(*) from role_grants where role = 'ballot_officer' and domain = $1`, budget.Domain(k.edition.ID)))
}
