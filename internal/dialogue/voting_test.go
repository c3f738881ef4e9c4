package dialogue_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/poll"
)

// TestVotingMembers_OneVotePerMember covers who votes: an organisation once
// (by whichever delegate), a person delegated by two organisations twice,
// guests and observers never, an ended term never.
func TestVotingMembers_OneVotePerMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.body(t, true)
	ngoA, ngoB := b.organisation(t, "ngo"), b.organisation(t, "minority_organisation")
	person, both, subA, delB := b.account(t, "person"), b.account(t, "both"), b.account(t, "sub-a"), b.account(t, "del-b")
	guest, observer, gone := b.account(t, "guest"), b.account(t, "observer"), b.account(t, "gone")
	for _, x := range []struct{ org, acc uuid.UUID }{{ngoA, both}, {ngoA, subA}, {ngoB, both}, {ngoB, delB}} {
		b.orgMember(t, x.org, x.acc, "member")
	}
	year := b.clock.Now().AddDate(1, 0, 0)
	p := b.person(t, body.ID, person, dialogue.RoleChair)
	b.clock.Advance(time.Second)
	a, err := b.svc.Appoint(b.official, dialogue.AppointInput{BodyID: body.ID, OrganisationID: &ngoA, Role: dialogue.RoleMember,
		TermEnd: &year, Delegates: []dialogue.DelegateInput{{AccountID: both}, {AccountID: subA, Substitute: true}}})
	require.NoError(t, err)
	b.clock.Advance(time.Second)
	bm, err := b.svc.Appoint(b.official, dialogue.AppointInput{BodyID: body.ID, OrganisationID: &ngoB, Role: dialogue.RoleDeputyChair,
		TermEnd: &year, Delegates: []dialogue.DelegateInput{{AccountID: delB}, {AccountID: both}}})
	require.NoError(t, err)
	b.person(t, body.ID, guest, dialogue.RoleGuest)
	b.person(t, body.ID, observer, dialogue.RoleObserver)
	short := b.clock.Now().Add(time.Hour)
	g, err := b.svc.Appoint(b.official, dialogue.AppointInput{BodyID: body.ID, AccountID: &gone, Role: dialogue.RoleMember, TermEnd: &short})
	require.NoError(t, err)
	at := b.clock.Now().Add(2 * time.Hour) // gone's term is over, nothing marked it

	voters, err := dialogue.VotingMembers(b.ctx, b.pool, body.ID, at)
	require.NoError(t, err)
	require.Equal(t, []dialogue.Voter{
		{MemberID: p.ID, Key: poll.Person(person), Role: dialogue.RoleChair, Accounts: []uuid.UUID{person}},
		{MemberID: a.ID, Key: poll.Org(ngoA), Role: dialogue.RoleMember, Accounts: sorted(both, subA)},
		{MemberID: bm.ID, Key: poll.Org(ngoB), Role: dialogue.RoleDeputyChair, Accounts: sorted(both, delB)},
	}, withSortedAccounts(voters))
	require.Equal(t, "org:"+ngoA.String(), voters[1].Key.String())

	// Earlier, while gone's term ran, gone voted too.
	earlier, err := dialogue.VotingMembers(b.ctx, b.pool, body.ID, b.clock.Now())
	require.NoError(t, err)
	require.Len(t, earlier, 4)

	mine, err := dialogue.VotesOf(b.ctx, b.pool, body.ID, both, at)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{a.ID, bm.ID}, []uuid.UUID{mine[0].MemberID, mine[1].MemberID}, "two organisations, two votes")
	for _, c := range []struct {
		who, member uuid.UUID
		want        bool
	}{
		{both, a.ID, true}, {subA, a.ID, true}, {both, bm.ID, true}, {subA, bm.ID, false},
		{person, p.ID, true}, {person, a.ID, false}, {gone, g.ID, false},
	} {
		ok, err := dialogue.MayVote(b.ctx, b.pool, c.who, c.member, at)
		require.NoError(t, err)
		require.Equal(t, c.want, ok, "%v for %v", c.who, c.member)
	}
	for _, who := range []uuid.UUID{guest, observer} {
		v, err := dialogue.VotesOf(b.ctx, b.pool, body.ID, who, at)
		require.NoError(t, err)
		require.Empty(t, v, "guests and observers never vote")
	}

	// Before the appointments nobody voted; a new delegate votes only from
	// when they were named.
	none, err := dialogue.VotingMembers(b.ctx, b.pool, body.ID, b.clock.Now().Add(-time.Hour))
	require.NoError(t, err)
	require.Empty(t, none)
	named := b.clock.Now()
	b.clock.Advance(time.Minute)
	_, err = b.svc.SetDelegates(b.official, a.ID, []dialogue.DelegateInput{{AccountID: subA}})
	require.NoError(t, err)
	ok, err := dialogue.MayVote(b.ctx, b.pool, both, a.ID, named)
	require.NoError(t, err)
	require.True(t, ok, "who could vote then stays known")
	ok, err = dialogue.MayVote(b.ctx, b.pool, both, a.ID, b.clock.Now())
	require.NoError(t, err)
	require.False(t, ok)
}

func sorted(ids ...uuid.UUID) []uuid.UUID {
	out := append([]uuid.UUID(nil), ids...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].String() < out[i].String() {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func withSortedAccounts(vs []dialogue.Voter) []dialogue.Voter {
	for i := range vs {
		vs[i].Accounts = sorted(vs[i].Accounts...)
	}
	return vs
}
