package budget_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/live"
)

// subscribe streams an edition's turnout as the domain gives it, through the
// same fan-out the GraphQL layer uses (with no conversion).
func subscribe(t *testing.T, ctx context.Context, svc *budget.Service, fan *live.Fanout[uuid.UUID, budget.Turnout], editionID uuid.UUID) <-chan budget.Turnout {
	t.Helper()
	st, err := budget.SubscribeTurnoutFanout(ctx, svc, fan, "ballotTurnout", editionID, nil)
	require.NoError(t, err)
	return st.C()
}

func identityFanout(svc *budget.Service) *live.Fanout[uuid.UUID, budget.Turnout] {
	return budget.NewTurnoutFanout(svc, live.NewRegistry(), func(uuid.UUID) (func(budget.Turnout) budget.Turnout, error) {
		return func(t budget.Turnout) budget.Turnout { return t }, nil
	})
}

func next(t *testing.T, ch <-chan budget.Turnout) budget.Turnout {
	t.Helper()
	select {
	case v, ok := <-ch:
		require.True(t, ok, "channel closed")
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no turnout event")
	}
	return budget.Turnout{}
}

func TestLive_TurnoutStandingsAndThreshold(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.svc.SetLiveInterval(50 * time.Millisecond)
	fan := identityFanout(b.svc)
	official := b.official(t)
	k := b.krakowEdition(t) // live threshold 10

	ctx, cancel := context.WithCancel(b.anonymous())
	defer cancel()
	anon := subscribe(t, ctx, b.svc, fan, k.edition.ID)
	first := next(t, anon) // at once
	require.Equal(t, 0, first.Ballots)
	require.Nil(t, first.Standings, "standings hidden unless enabled")
	sctx, scancel := context.WithCancel(official)
	defer scancel()
	staff := subscribe(t, sctx, b.svc, fan, k.edition.ID)
	require.Len(t, next(t, staff).Standings, 3)
	require.Equal(t, 1, b.svc.LivePollers(), "one poller per edition")

	_, err := b.svc.CastBallot(b.voter(t, k.edition.ID, "stare-miasto"), k.valid(key()))
	require.NoError(t, err)
	v := next(t, anon)
	require.Equal(t, 1, v.Ballots)
	require.Nil(t, v.Standings)
	v = next(t, staff)
	// The ballot box writes the ballot out just after its marker: standings
	// may follow the turnout by one reading.
	for v.Standings[0].Ballots == 0 {
		v = next(t, staff)
	}
	require.Equal(t, 1, v.Ballots)
	for _, ps := range v.Standings {
		require.True(t, ps.Withheld, "below the threshold")
		require.Empty(t, ps.Projects)
	}
	require.Equal(t, 1, v.Standings[0].Ballots)

	// Live results on, threshold 1: anyone sees the standings.
	on, one := true, 1
	_, err = b.svc.UpdateResultSettings(official, k.edition.ID, budget.ResultSettingsInput{LiveResults: &on, LiveThreshold: &one})
	require.NoError(t, err)
	// (A reading from before the change may still be on its way.)
	for v = next(t, anon); len(v.Standings) == 0; v = next(t, anon) {
	}
	require.Len(t, v.Standings, 3)
	city := v.Standings[0]
	require.Equal(t, k.city.ID, city.PoolID)
	require.False(t, city.Withheld)
	require.Len(t, city.Projects, 5)
	require.Equal(t, budget.ProjectStanding{ProjectID: k.projects[k.city.ID][0], Votes: 1, Score: 3}, city.Projects[0])
	require.True(t, v.Standings[2].Withheld, "Grzegórzki has no ballot")

	// Leaving: the poller stops with the last subscriber.
	cancel()
	scancel()
	waitFor(t, "poller stopped", func() bool { return b.svc.LivePollers() == 0 })
	for range anon {
	}
	for range staff {
	}
}

// A burst of ballots reaches a subscriber that does not read as at most
// the few newest values, ending with the final count.
func TestLive_CoalescesBurst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.svc.SetLiveInterval(20 * time.Millisecond)
	fan := identityFanout(b.svc)
	k := b.krakowEdition(t)
	ctx, cancel := context.WithCancel(b.anonymous())
	defer cancel()
	ch := subscribe(t, ctx, b.svc, fan, k.edition.ID)
	require.Equal(t, 0, next(t, ch).Ballots)
	for range 15 {
		_, err := b.svc.CastBallot(b.voter(t, k.edition.ID, "stare-miasto"), k.valid(key()))
		require.NoError(t, err)
		time.Sleep(25 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	var got []int
	for len(got) == 0 || got[len(got)-1] != 15 {
		got = append(got, next(t, ch).Ballots)
	}
	// One waiting in the channel, one in hand, one in the mailbox.
	require.LessOrEqual(t, len(got), 3, "%v", got)
	cancel()
	waitFor(t, "poller stopped", func() bool { return b.svc.LivePollers() == 0 })
}

// The standings are summed only while a watcher may be shown them: not for
// a public turnout while the edition hides live results; at once when staff
// join an existing feed (by the subscription and by WatchTurnout, as the
// staff page does), and no more once they leave.
func TestLive_StandingsReadOnlyWhileSomeoneMaySeeThem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.svc.SetLiveInterval(30 * time.Millisecond)
	fan := identityFanout(b.svc)
	official := b.official(t)
	k := b.krakowEdition(t)
	cast := func() {
		t.Helper()
		_, err := b.svc.CastBallot(b.voter(t, k.edition.ID, "stare-miasto"), k.valid(key()))
		require.NoError(t, err)
	}
	untilBallots := func(ch <-chan budget.Turnout, n int) budget.Turnout {
		t.Helper()
		v := next(t, ch)
		for v.Ballots < n {
			v = next(t, ch)
		}
		require.Equal(t, n, v.Ballots)
		return v
	}

	ctx, cancel := context.WithCancel(b.anonymous())
	defer cancel()
	anon := subscribe(t, ctx, b.svc, fan, k.edition.ID)
	require.Equal(t, 0, next(t, anon).Ballots)
	cast()
	require.Nil(t, untilBallots(anon, 1).Standings)
	require.Zero(t, b.svc.LiveStandingsReads(), "nobody may see the standings")

	// Staff join the anonymous feed: standings come without waiting for a
	// new ballot.
	sctx, scancel := context.WithCancel(official)
	staff := subscribe(t, sctx, b.svc, fan, k.edition.ID)
	v := next(t, staff)
	require.Len(t, v.Standings, 3)
	require.Equal(t, 1, v.Ballots)
	require.Positive(t, b.svc.LiveStandingsReads())

	// The staff page's one reading, on the same feed.
	view := budget.TurnoutView(official, k.edition)
	require.Equal(t, budget.ViewStandings, view)
	got := make(chan budget.Turnout, 1)
	stop := b.svc.WatchTurnout(k.edition.ID, func() live.View { return view }, func(s budget.TurnoutSnapshot) {
		if t, ok := s.For(view); ok {
			select {
			case got <- t:
			default:
			}
		}
	})
	select {
	case page := <-got:
		require.Len(t, page.Standings, 3)
	case <-time.After(5 * time.Second):
		t.Fatal("no reading for the staff page")
	}
	stop()

	// Staff leave: readings stop summing the standings, and the public
	// turnout goes on.
	scancel()
	for range staff {
	}
	for n := 2; ; n++ {
		before := b.svc.LiveStandingsReads()
		cast()
		require.Nil(t, untilBallots(anon, n).Standings)
		if b.svc.LiveStandingsReads() == before {
			break
		}
		require.Less(t, n, 20, "standings still read after the staff left")
	}
}
