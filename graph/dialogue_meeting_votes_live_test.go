package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pgtest"
)

const meetingVoteActivityQuery = `subscription($id: ID!) { bodyMeetingActivity(meetingId: $id) { type motionId
	vote { secret closed voters totals { yes no abstain } outcome } } }`

// nextVoteEvent is the next vote_* event on c's stream (other events of
// the meeting are skipped).
func nextVoteEvent(t *testing.T, c *wsClient) map[string]any {
	t.Helper()
	for {
		m := c.next()
		require.Equal(t, "next", m.Type, string(m.Payload))
		ev := payloadData(t, m, "bodyMeetingActivity")
		if typ, _ := ev["type"].(string); len(typ) > 5 && typ[:5] == "vote_" {
			return ev
		}
	}
}

// TestBodyMeetingActivity_VoteTalliesForMemberObserverAndPublic: a member,
// an observer and an anonymous client of a public body's meeting each see
// a roll call open, its tally move vote by vote and its outcome; for a
// secret vote, only how many voted until the close, then totals. A
// non-public body's meeting streams its votes to its members only.
func TestBodyMeetingActivity_VoteTalliesForMemberObserverAndPublic(t *testing.T) {
	t.Parallel()
	f := newMeetingVotesFixture(t, true)
	b := f.b
	f.present(t, f.meeting, "IN_PERSON", f.chair, f.alice, f.delegate)
	f.inProgress()
	motion, secret := f.table(t, "Uchwała na żywo"), f.table(t, "Sprawa osobowa na żywo")

	var clients []*wsClient
	for _, tok := range []string{f.alice, f.observer, ""} {
		c := dialLive(t, b, tok)
		c.ack()
		c.subscribe("m", meetingVoteActivityQuery, map[string]any{"id": f.meeting})
		clients = append(clients, c)
	}
	waitUntil(t, "three streams", func() bool { return b.resolver.LiveSubscriptions() == 3 })

	zero := map[string]any{"yes": float64(0), "no": float64(0), "abstain": float64(0)}
	tally := func(closed bool, voters int, totals map[string]any, outcome any) map[string]any {
		return map[string]any{"secret": false, "closed": closed, "voters": float64(voters), "totals": totals, "outcome": outcome}
	}
	require.Empty(t, b.gql(t, openInMeeting, map[string]any{"m": motion, "g": f.meeting, "s": false}, withToken(f.chair)).Errors)
	for _, c := range clients {
		require.Equal(t, map[string]any{"type": "vote_opened", "motionId": motion, "vote": tally(false, 0, zero, nil)}, nextVoteEvent(t, c))
	}
	for i, cast := range []struct{ tok, choice string }{{f.alice, "YES"}, {f.delegate, "YES"}, {f.chair, "NO"}} {
		require.Empty(t, b.gql(t, castVote, map[string]any{"m": motion, "c": cast.choice}, withToken(cast.tok)).Errors)
		want := map[string]any{"yes": float64(min(i+1, 2)), "no": float64(i / 2), "abstain": float64(0)}
		for _, c := range clients {
			require.Equal(t, map[string]any{"type": "vote_changed", "motionId": motion, "vote": tally(false, i+1, want, nil)},
				nextVoteEvent(t, c))
		}
	}
	require.Empty(t, b.gql(t, closeVote, map[string]any{"m": motion}, withToken(f.chair)).Errors)
	final := map[string]any{"yes": float64(2), "no": float64(1), "abstain": float64(0)}
	for _, c := range clients {
		require.Equal(t, map[string]any{"type": "vote_closed", "motionId": motion, "vote": tally(true, 3, final, "ADOPTED")},
			nextVoteEvent(t, c))
	}

	// A secret vote: the count of voters moves, the totals come at the close.
	require.Empty(t, b.gql(t, openInMeeting, map[string]any{"m": secret, "g": f.meeting, "s": true}, withToken(f.chair)).Errors)
	hidden := func(closed bool, voters int, totals, outcome any) map[string]any {
		return map[string]any{"secret": true, "closed": closed, "voters": float64(voters), "totals": totals, "outcome": outcome}
	}
	for _, c := range clients {
		require.Equal(t, map[string]any{"type": "vote_opened", "motionId": secret, "vote": hidden(false, 0, nil, nil)}, nextVoteEvent(t, c))
	}
	for i, tok := range []string{f.alice, f.chair} {
		require.Empty(t, b.gql(t, castVote, map[string]any{"m": secret, "c": "NO"}, withToken(tok)).Errors)
		for _, c := range clients {
			require.Equal(t, map[string]any{"type": "vote_changed", "motionId": secret, "vote": hidden(false, i+1, nil, nil)},
				nextVoteEvent(t, c))
		}
	}
	require.Empty(t, b.gql(t, closeVote, map[string]any{"m": secret}, withToken(f.chair)).Errors)
	for _, c := range clients {
		require.Equal(t, map[string]any{"type": "vote_closed", "motionId": secret,
			"vote": hidden(true, 2, map[string]any{"yes": float64(0), "no": float64(2), "abstain": float64(0)}, "REJECTED")},
			nextVoteEvent(t, c))
	}

	// Votes cast at once: each event counts the votes committed before it,
	// so the tally never goes back and the last one counts them all.
	together := f.table(t, "Uchwała jednogłośna")
	require.Empty(t, b.gql(t, openInMeeting, map[string]any{"m": together, "g": f.meeting, "s": false}, withToken(f.chair)).Errors)
	require.Equal(t, "vote_opened", nextVoteEvent(t, clients[0])["type"])
	voters := []string{f.alice, f.delegate, f.chair}
	results, _ := pgtest.AtOnce(len(voters), func(i int) (gqlResponse, error) {
		return b.gql(t, castVote, map[string]any{"m": together, "c": "YES"}, withToken(voters[i])), nil
	})
	for _, r := range results {
		require.Empty(t, r.Errors)
	}
	for i := range voters {
		ev := nextVoteEvent(t, clients[0])
		require.Equal(t, float64(i+1), dig(ev, "vote", "voters"))
		require.Equal(t, float64(i+1), dig(ev, "vote", "totals", "yes"))
	}

	// A non-public body: its member gets the votes; an anonymous client and
	// an outsider are refused the stream.
	g := newMeetingVotesFixture(t, false)
	g.present(t, g.meeting, "IN_PERSON", g.chair, g.alice)
	g.inProgress()
	hiddenMotion := g.table(t, "Uchwała niejawna")
	outsider := g.b.signUp(t, "obcy-na-zywo@example.org")
	for _, tok := range []string{"", outsider} {
		c := dialLive(t, g.b, tok)
		c.ack()
		c.subscribe("h", meetingVoteActivityQuery, map[string]any{"id": g.meeting})
		require.Equal(t, "NOT_FOUND", errorCode(t, c.next()))
	}
	member := dialLive(t, g.b, g.alice)
	member.ack()
	member.subscribe("h", meetingVoteActivityQuery, map[string]any{"id": g.meeting})
	waitUntil(t, "the member's stream", func() bool { return g.b.resolver.LiveSubscriptions() == 1 })
	require.Empty(t, g.b.gql(t, openInMeeting, map[string]any{"m": hiddenMotion, "g": g.meeting, "s": false}, withToken(g.chair)).Errors)
	require.Equal(t, "vote_opened", nextVoteEvent(t, member)["type"])
}
