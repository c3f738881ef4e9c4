package poll_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/pgtest"
	"github.com/otwarty/otwarty/internal/poll"
	"github.com/otwarty/otwarty/internal/tally"
)

// candidates are n candidates with distinct labels.
func candidates(n int) []poll.Candidate {
	out := make([]poll.Candidate, n)
	for i := range out {
		out[i] = poll.Candidate{ID: uuid.New(), Label: "Kandydat " + string(rune('A'+i)) + " " + uuid.NewString()[:6]}
	}
	return out
}

func (b *bundle) election(t *testing.T, cands []poll.Candidate, picks, seats int) *poll.Poll {
	t.Helper()
	return b.open(t, poll.Input{Form: poll.Election, Secret: true, Rule: simple, Candidates: cands, Picks: picks, Seats: seats})
}

func (b *bundle) pick(t *testing.T, id uuid.UUID, picks ...uuid.UUID) {
	t.Helper()
	_, ctx := b.member(t)
	_, err := b.svc.Cast(ctx, id, poll.CastInput{Picks: picks})
	require.NoError(t, err)
}

func TestElection_RefusesBallotsOutsideItsLimits(t *testing.T) {
	t.Parallel()
	b := setupBatch(t, 100) // nothing is mixed before the close
	c := candidates(4)
	p := b.election(t, c, 2, 2)
	_, ctx := b.member(t)
	for _, x := range []struct {
		in         poll.CastInput
		key, field string
	}{
		{poll.CastInput{Picks: []uuid.UUID{c[0].ID, c[1].ID, c[2].ID}}, "poll.too_many_picks", "picks"},
		{poll.CastInput{Picks: []uuid.UUID{c[0].ID, c[0].ID}}, "poll.duplicate_pick", "picks"},
		{poll.CastInput{Picks: []uuid.UUID{c[0].ID, uuid.New()}}, "poll.unknown_candidate", "picks"},
		{poll.CastInput{Choice: poll.Yes}, "poll.choice_election", "choice"},
	} {
		_, err := b.svc.Cast(ctx, p.ID, x.in)
		requireErr(t, err, apperr.InvalidInput, x.key, x.field)
	}
	require.Zero(t, b.count(t, `select count(*) from poll_markers`))
	require.Zero(t, b.count(t, `select count(*) from ballot_envelopes`))

	// One vote per key, even at once: one marker, one sealed ballot.
	_, errs := pgtest.AtOnce(10, func(int) (poll.Receipt, error) {
		return b.svc.Cast(ctx, p.ID, poll.CastInput{Picks: []uuid.UUID{c[1].ID}})
	})
	failed := 0
	for _, err := range errs {
		if err != nil {
			requireErr(t, err, apperr.Conflict, "poll.already_voted", "")
			failed++
		}
	}
	require.Equal(t, 9, failed)
	require.Equal(t, 1, b.count(t, `select count(*) from poll_markers where poll_id = $1`, p.ID))
	require.Equal(t, 1, b.count(t, `select count(*) from ballot_envelopes`))

	// While open: how many voted, no totals, no roll call.
	live, err := b.svc.Live(b.chair, p.ID)
	require.NoError(t, err)
	require.Equal(t, 1, live.Voters)
	require.Nil(t, live.Totals)
	_, err = b.svc.RollCall(b.chair, p.ID)
	requireErr(t, err, apperr.Forbidden, "poll.secret", "")
}

func TestElection_TotalsTiesAndTheRecordedTieBreak(t *testing.T) {
	t.Parallel()
	b := setupBatch(t, 2)
	c := candidates(4)
	A, B, C, D := c[0].ID, c[1].ID, c[2].ID, c[3].ID
	p := b.election(t, c, 2, 2)
	b.pick(t, p.ID, A, B)
	b.pick(t, p.ID, C, A)
	b.pick(t, p.ID, A, B)
	b.pick(t, p.ID, C)
	b.pick(t, p.ID) // blank
	require.Equal(t, 1, b.count(t, `select count(*) from ballot_envelopes`), "one left sealed until the close")

	b.setElectorate(poll.Electorate{Members: 7})
	res, err := b.svc.Close(b.chair, p.ID)
	require.NoError(t, err)
	require.Zero(t, b.count(t, `select count(*) from ballot_envelopes`), "all mixed at the close")
	// A 3, then B and C 2 each for the second seat, D 0.
	require.Equal(t, poll.Tied, res.Outcome)
	require.Equal(t, 5, res.Voters)
	require.Equal(t, 1, res.Blank)
	require.Equal(t, 4, res.Tally.Quorum)
	require.Equal(t, []poll.Standing{
		{Candidate: A, Label: c[0].Label, Votes: 3, Elected: true},
		{Candidate: B, Label: c[1].Label, Votes: 2, Tied: true},
		{Candidate: C, Label: c[2].Label, Votes: 2, Tied: true},
		{Candidate: D, Label: c[3].Label, Votes: 0},
	}, res.Standings)
	live, err := b.svc.Live(b.chair, p.ID)
	require.NoError(t, err)
	require.Equal(t, map[uuid.UUID]int{A: 3, B: 2, C: 2}, live.Totals.Candidates, "totals once closed")

	_, member := b.member(t)
	_, err = b.svc.RecordTieBreak(member, p.ID, []uuid.UUID{C, B}, "Losowanie przeprowadzone na posiedzeniu.")
	requireErr(t, err, apperr.Forbidden, "error.forbidden", "")
	_, err = b.svc.RecordTieBreak(b.chair, p.ID, []uuid.UUID{C, B}, "los")
	requireErr(t, err, apperr.InvalidInput, "poll.note_required", "note")
	_, err = b.svc.RecordTieBreak(b.chair, p.ID, []uuid.UUID{C, A}, "Losowanie przeprowadzone na posiedzeniu.")
	requireErr(t, err, apperr.InvalidInput, "poll.tie_order_invalid", "order")
	res, err = b.svc.RecordTieBreak(b.chair, p.ID, []uuid.UUID{C, B}, "Losowanie przeprowadzone na posiedzeniu.")
	require.NoError(t, err)
	require.Equal(t, poll.Elected, res.Outcome)
	var elected []uuid.UUID
	for _, s := range res.Standings {
		if s.Elected {
			elected = append(elected, s.Candidate)
		}
	}
	require.Equal(t, []uuid.UUID{A, C}, elected)
	require.Equal(t, []uuid.UUID{C, B}, res.TieBreak.Order)
	saved, err := b.svc.Result(member, p.ID)
	require.NoError(t, err)
	require.Equal(t, res.TieBreak.Note, saved.TieBreak.Note)
	require.Equal(t, res.Outcome, saved.Outcome)
	_, err = b.svc.RecordTieBreak(b.chair, p.ID, []uuid.UUID{B, C}, "Losowanie przeprowadzone ponownie.")
	requireErr(t, err, apperr.Conflict, "poll.no_tie", "")
	require.Equal(t, 1, b.count(t, `select count(*) from audit_log where action = 'poll.tie_break' and object_id = $1`, p.ID.String()))

	// Without quorum an election decides nothing.
	q := b.election(t, c, 1, 1)
	b.pick(t, q.ID, A)
	res, err = b.svc.Close(b.chair, q.ID)
	require.NoError(t, err)
	require.Equal(t, poll.Invalid, res.Outcome)
	require.Equal(t, 1, res.Standings[0].Votes)
	require.False(t, res.Standings[0].Elected)

	list, err := b.svc.List(b.ctx, b.owner)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, []uuid.UUID{p.ID, q.ID}, []uuid.UUID{list[0].ID, list[1].ID})
	require.Equal(t, c, list[0].Candidates)
	require.Equal(t, []poll.Outcome{poll.Elected, poll.Invalid}, []poll.Outcome{list[0].Outcome, list[1].Outcome})
	got, err := b.svc.Get(member, p.ID)
	require.NoError(t, err)
	require.Equal(t, list[0], got)
}

func TestSecretMotion_OnlyTheNumberOfVotersWhileOpen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.open(t, poll.Input{Secret: true, Rule: tally.Rule{Quorum: tally.Half, Base: tally.BaseCast, Share: tally.Half}})
	for _, c := range []poll.Choice{poll.Yes, poll.Yes, poll.No, poll.Abstain} {
		_, ctx := b.member(t)
		r, err := b.svc.Cast(ctx, p.ID, poll.CastInput{Choice: c})
		require.NoError(t, err)
		require.Zero(t, r.CastOn.Hour()*60+r.CastOn.Minute(), "a day, no time")
	}
	require.Equal(t, 4, b.count(t, `select count(*) from poll_ballots`), "a batch of one: written at once")
	live, err := b.svc.Live(b.chair, p.ID)
	require.NoError(t, err)
	require.Equal(t, 4, live.Voters)
	require.Nil(t, live.Totals)

	b.setElectorate(poll.Electorate{Members: 5, Present: 5})
	res, err := b.svc.Close(b.chair, p.ID)
	require.NoError(t, err)
	// 2 of 4 cast is not more than half.
	require.Equal(t, poll.Rejected, res.Outcome)
	require.Equal(t, [3]int{2, 1, 1}, [3]int{res.Yes, res.No, res.Abstain})
	live, err = b.svc.Live(b.chair, p.ID)
	require.NoError(t, err)
	require.Equal(t, 2, live.Totals.Yes)
}

func TestSecrecy_NoTransactionIDOrderOrTimeLinksAVoterToTheirBallot(t *testing.T) {
	t.Parallel()
	b := setupBatch(t, 3)
	c := candidates(7)
	p := b.election(t, c, 1, 1)
	// Voter i picks candidate i: in this test, the ballot tells who cast it.
	cast := func(from, to int) {
		for i := from; i < to; i++ {
			b.pick(t, p.ID, c[i].ID)
		}
	}

	// Two ballots: sealed; nothing written; no candidate in clear.
	cast(0, 2)
	require.Zero(t, b.count(t, `select count(*) from poll_ballots`))
	require.Equal(t, 2, b.count(t, `select count(*) from ballot_envelopes where kind = 'poll:test_motion' and scope = $1`, p.ID))
	rows, err := b.pool.Query(b.ctx, `select sealed from ballot_envelopes`)
	require.NoError(t, err)
	var sealed [][]byte
	for rows.Next() {
		var s []byte
		require.NoError(t, rows.Scan(&s))
		sealed = append(sealed, s)
	}
	require.NoError(t, rows.Err())
	for _, s := range sealed {
		for _, x := range c {
			for _, clear := range [][]byte{x.ID[:], []byte(x.ID.String()), []byte(x.Label)} {
				require.False(t, bytes.Contains(s, clear), "an envelope shows %q in clear", clear)
			}
		}
	}

	// The third fills the box; the next three are a second batch; the last
	// is written out at the close.
	cast(2, 7)
	require.Equal(t, 6, b.count(t, `select count(*) from poll_ballots`))
	b.setElectorate(poll.Electorate{Members: 7})
	_, err = b.svc.Close(b.chair, p.ID)
	require.NoError(t, err)
	require.Equal(t, 7, b.count(t, `select count(*) from poll_ballots`))
	require.Equal(t, 7, b.count(t, `select count(*) from poll_markers`))

	// Transaction ids: no ballot shares one with a marker; ballots share
	// theirs with their batch.
	require.Zero(t, b.count(t, `select count(*) from poll_markers m join poll_ballots x on x.xmin = m.xmin`))
	rows, err = b.pool.Query(b.ctx, `select count(*) from poll_ballots group by xmin order by min(xmin::text::bigint)`)
	require.NoError(t, err)
	var batches []int
	for rows.Next() {
		var n int
		require.NoError(t, rows.Scan(&n))
		batches = append(batches, n)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []int{3, 3, 1}, batches)

	// Physical place: within a batch, ballots lie in the order of their
	// ids, drawn at random when written; a marker's place (cast order) does
	// not lead to its ballot's.
	rows, err = b.pool.Query(b.ctx, `select xmin::text, id from poll_ballots order by ctid`)
	require.NoError(t, err)
	byBatch := map[string][]uuid.UUID{}
	for rows.Next() {
		var x string
		var id uuid.UUID
		require.NoError(t, rows.Scan(&x, &id))
		byBatch[x] = append(byBatch[x], id)
	}
	require.NoError(t, rows.Err())
	for _, ids := range byBatch {
		require.True(t, slices.IsSortedFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }),
			"a batch lies in id order")
	}

	// Time: ballots keep none; markers keep the day, which all share.
	require.Equal(t, []string{"id:uuid", "poll_id:uuid", "choice:text", "picks:ARRAY"}, b.columns(t, "poll_ballots"))
	require.Equal(t, []string{"poll_id:uuid", "voter_kind:text", "voter_id:uuid", "cast_on:date"}, b.columns(t, "poll_markers"))
	require.Equal(t, 1, b.count(t, `select count(distinct cast_on) from poll_markers`))
	var commitTimes string
	require.NoError(t, b.pool.QueryRow(b.ctx, `show track_commit_timestamp`).Scan(&commitTimes))
	require.Equal(t, "off", commitTimes)

	// Every vote was counted.
	res, err := b.svc.Result(b.chair, p.ID)
	require.NoError(t, err)
	for _, s := range res.Standings {
		require.Equal(t, 1, s.Votes)
	}

	// Logs (at debug, River's included) name no candidate.
	logs := b.logs.String()
	for _, x := range c {
		require.NotContains(t, logs, x.ID.String())
		require.NotContains(t, logs, x.Label)
	}
	require.False(t, strings.Contains(logs, `"p":[`), "no sealed content in the logs")
}

// columns lists table's columns as name:type.
func (b *bundle) columns(t *testing.T, table string) []string {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `select column_name || ':' || data_type from information_schema.columns
		where table_name = $1 order by ordinal_position`, table)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		require.NoError(t, rows.Scan(&c))
		out = append(out, c)
	}
	require.NoError(t, rows.Err())
	return out
}
