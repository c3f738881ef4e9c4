package dialogue_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/poll"
)

// TestElection_ConsentEndorsementsSecretBallotAndTieBreak: candidates stand
// themselves; only those with the endorsements needed are on the ballot;
// up to k of n picks (blank allowed); only totals come out; a tie across
// the last seat waits for the recorded tie-break.
func TestElection_ConsentEndorsementsSecretBallotAndTieBreak(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})
	title := i18n.Input{Locale: i18n.PL, Text: "Wybory przedstawicieli do Rady Działalności Pożytku Publicznego"}

	_, err := mb.elections.Open(mb.chairCtx, dialogue.ElectionInput{BodyID: mb.body.ID, Title: title, Seats: 2, Picks: 2})
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err), "the unit's staff run elections, not the chair")
	_, err = mb.elections.Open(mb.coordinator, dialogue.ElectionInput{BodyID: mb.body.ID, Title: title, Seats: 0, Picks: 2})
	require.Equal(t, apperr.Invalid("seats", "dialogue.seats_invalid"), err)
	el, err := mb.elections.Open(mb.coordinator, dialogue.ElectionInput{BodyID: mb.body.ID, Title: title, Seats: 2, Picks: 2,
		EndorsementsNeeded: 2})
	require.NoError(t, err)
	require.Equal(t, dialogue.ElectionNominating, el.Status)

	// Four persons stand, each by their own consent.
	cands := make([]uuid.UUID, 4)
	for i, name := range []string{"kasia", "olena", "ivan", "marek"} {
		c, err := mb.elections.Stand(mb.as(mb.account(t, name)), el.ID)
		require.NoError(t, err)
		cands[i] = c.ID
	}
	orgA, orgB := ptrKey(poll.Org(mb.orgA)), ptrKey(poll.Org(mb.orgB))
	for _, c := range cands[:3] {
		_, err := mb.elections.Endorse(mb.daveCtx, c, orgA)
		require.NoError(t, err)
		_, err = mb.elections.Endorse(mb.daveCtx, c, orgB)
		require.NoError(t, err)
	}
	c, err := mb.elections.Endorse(mb.daveCtx, cands[0], orgA)
	require.NoError(t, err)
	require.Equal(t, 2, c.Endorsements, "one endorsement per vote")
	c, err = mb.elections.Endorse(mb.erinCtx, cands[3], nil)
	require.NoError(t, err)
	require.Equal(t, 1, c.Endorsements)
	_, err = mb.elections.Endorse(mb.guestCtx, cands[3], nil)
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err), "guests do not endorse")

	_, err = mb.elections.OpenBallot(mb.chairCtx, el.ID, mb.clock.Now().Add(time.Hour))
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err))
	el, err = mb.elections.OpenBallot(mb.coordinator, el.ID, mb.clock.Now().Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, dialogue.ElectionVoting, el.Status)
	_, err = mb.elections.Stand(mb.guestCtx, el.ID)
	require.Equal(t, dialogue.ErrNotNominating, err)

	// k of n: too many picks, or a candidate not on the ballot, are refused.
	_, err = mb.elections.Cast(mb.aliceCtx, el.ID, nil, cands[:3])
	require.Equal(t, apperr.InvalidInput, apperr.CodeOf(err))
	require.Equal(t, "picks", fieldOf(err))
	_, err = mb.elections.Cast(mb.aliceCtx, el.ID, nil, []uuid.UUID{cands[3]})
	require.Equal(t, "picks", fieldOf(err), "not enough endorsements: not on the ballot")
	for _, v := range []struct {
		name  string
		as    *poll.VoterKey
		picks []uuid.UUID
	}{
		{"alice", nil, []uuid.UUID{cands[0], cands[1]}},
		{"daveA", orgA, []uuid.UUID{cands[0], cands[2]}},
		{"daveB", orgB, []uuid.UUID{cands[1], cands[2]}},
		{"erin", nil, nil},
		{"chair", nil, []uuid.UUID{cands[0]}},
	} {
		ctx := map[string]context.Context{"alice": mb.aliceCtx, "daveA": mb.daveCtx, "daveB": mb.daveCtx, "erin": mb.erinCtx,
			"chair": mb.chairCtx}[v.name]
		r, err := mb.elections.Cast(ctx, el.ID, v.as, v.picks)
		require.NoError(t, err, v.name)
		require.Equal(t, 0, r.CastOn.Hour(), "a secret ballot keeps the day only")
	}
	_, err = mb.elections.Cast(mb.aliceCtx, el.ID, nil, []uuid.UUID{cands[2]})
	require.Equal(t, poll.ErrAlreadyVoted, err)

	res, err := mb.elections.Close(mb.coordinator, el.ID)
	require.NoError(t, err)
	require.Equal(t, poll.Tied, res.Outcome)
	require.Equal(t, 5, res.Voters)
	require.Equal(t, 1, res.Blank)
	got := map[uuid.UUID][3]any{}
	for _, st := range res.Standings {
		got[st.Candidate] = [3]any{st.Votes, st.Elected, st.Tied}
	}
	require.Equal(t, map[uuid.UUID][3]any{cands[0]: {3, true, false}, cands[1]: {2, false, true}, cands[2]: {2, false, true}}, got)

	_, err = mb.elections.RecordTieBreak(mb.coordinator, el.ID, []uuid.UUID{cands[2], cands[1]}, "krótko")
	require.Equal(t, "note", fieldOf(err))
	res, err = mb.elections.RecordTieBreak(mb.coordinator, el.ID, []uuid.UUID{cands[2], cands[1]},
		"Losowanie przeprowadzone publicznie na posiedzeniu komisji")
	require.NoError(t, err)
	require.Equal(t, poll.Elected, res.Outcome)
	for _, st := range res.Standings {
		require.Equal(t, st.Candidate == cands[0] || st.Candidate == cands[2], st.Elected)
	}
	el, err = mb.elections.Election(mb.anonymous(), el.ID)
	require.NoError(t, err)
	require.Equal(t, dialogue.ElectionClosed, el.Status)

	// Nothing links a ballot to a voter: no voter's act is audited, and
	// the markers hold voters and days, the ballots choices only.
	var audited int
	require.NoError(t, mb.pool.QueryRow(mb.ctx, `select count(*) from audit_log where actor_id = any($1)`,
		[]uuid.UUID{mb.alice, mb.dave, mb.erin}).Scan(&audited))
	require.Equal(t, 0, audited)

	// The GDPR export holds candidacies and endorsements, never a ballot.
	export := func(account uuid.UUID) map[string]any {
		var out any
		require.NoError(t, db.InTx(mb.ctx, mb.pool, func(tx *db.Tx) error {
			var err error
			out, err = mb.elections.PersonalData().Export(mb.ctx, tx, account)
			return err
		}))
		raw, err := json.Marshal(out)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		return m
	}
	dave := export(mb.dave)
	require.Len(t, dave["endorsements"], 6, "three candidates, for each of his two organisations")
	require.Empty(t, dave["candidacies"])
	var kasia uuid.UUID
	require.NoError(t, mb.pool.QueryRow(mb.ctx, `select account_id from dialogue_candidates where id = $1`, cands[0]).Scan(&kasia))
	require.Len(t, export(kasia)["candidacies"], 1)
}

// fieldOf is the field of an INVALID_INPUT error.
func fieldOf(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
