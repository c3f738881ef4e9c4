package ambassador_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/ballotbox"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/poll"
)

// audience is an edition with an audience vote, open now: three eligible
// persons (Anna, Borys, Celina) and one not eligible in the individual
// category, two eligible organisations.
type audience struct {
	*bundle
	box         *ballotbox.Box
	logs        *bytes.Buffer
	e           *ambassador.Edition
	ind, org    uuid.UUID
	anna, borys uuid.UUID
	celina, bad uuid.UUID
	orgA, orgB  uuid.UUID
	nominator   uuid.UUID
	juror       uuid.UUID
}

const reason = "Przesunięcie na potrzeby testu."

func setupAudience(t *testing.T, batch int) *audience {
	t.Helper()
	b := setup(t)
	a := &audience{bundle: b, logs: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(a.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	box, err := ballotbox.New(b.pool, ballotbox.Config{Key: []byte(strings.Repeat("audience-test-key-", 2)), KeyID: "k1", Batch: batch}, log)
	require.NoError(t, err)
	a.box = box
	b.svc.UseBox(box)

	sc := b.schedule()
	closes := sc.DecisionClose.Add(5 * day)
	sc.AudienceClose, sc.AnnounceAt = &closes, closes.Add(2*day)
	e, err := b.svc.CreateEdition(b.coordinator, ambassador.CreateInput{Year: 2026, Schedule: sc, Call: call()})
	require.NoError(t, err)
	e, err = b.svc.PublishEdition(b.coordinator, e.ID)
	require.NoError(t, err)
	cats, err := b.svc.Categories(b.ctx, e.ID)
	require.NoError(t, err)
	a.org, a.ind = cats[0].ID, cats[1].ID
	crit, err := b.svc.Criteria(b.ctx, e.ID)
	require.NoError(t, err)

	a.nominator, _ = b.account(t, "nominator", "pl")
	nominate := func(name, email string, cat uuid.UUID) uuid.UUID {
		in := b.person(name, email)
		in.EditionID, in.CategoryID = e.ID, cat
		in.Justifications[0].CriterionID = crit[0].ID
		n, err := b.svc.Nominate(b.as(a.nominator), in)
		require.NoError(t, err)
		return n.ID
	}
	a.anna = nominate("Anna", "anna@x.test", a.ind)
	a.borys = nominate("Borys", "borys@x.test", a.ind)
	a.celina = nominate("Celina", "celina@x.test", a.ind)
	a.bad = nominate("Dawid", "dawid@x.test", a.ind)
	a.orgA = nominate("Fundacja A", "a@org.test", a.org)
	a.orgB = nominate("Stowarzyszenie B", "b@org.test", a.org)
	for _, id := range []uuid.UUID{a.anna, a.borys, a.celina, a.orgA, a.orgB} {
		_, err := b.svc.RecordConsent(b.coordinator, id, "scan://consent")
		require.NoError(t, err)
	}
	a.juror, _ = b.account(t, "juror", "pl")
	_, err = b.pool.Exec(b.ctx, `insert into role_grants (account_id, role, domain) values ($1, 'juror', $2)`, a.juror, ambassador.Domain(e.ID))
	require.NoError(t, err)
	require.NoError(t, b.az.Reload(b.ctx))

	a.e = e
	a.move(t, ambassador.PhaseFormalCheck)
	for _, id := range []uuid.UUID{a.anna, a.borys, a.celina, a.orgA, a.orgB} {
		_, err := b.svc.CheckNomination(b.coordinator, id, ambassador.CheckInput{Eligible: true})
		require.NoError(t, err)
	}
	_, err = b.svc.CheckNomination(b.coordinator, a.bad, ambassador.CheckInput{Reason: ambassador.ReasonNoConsent})
	require.NoError(t, err)
	a.move(t, ambassador.PhaseScoring)
	a.move(t, ambassador.PhaseDecision)
	return a
}

func (a *audience) move(t *testing.T, to ambassador.Phase) {
	t.Helper()
	if to == ambassador.PhaseAudienceVote {
		a.decide(t)
	}
	e, err := a.svc.MoveEdition(a.coordinator, a.e.ID, to, reason)
	require.NoError(t, err)
	a.e = e
}

// voter is a verified resident (a verification with a random identifier
// hash), signed in as verified.
func (a *audience) voter(t *testing.T, name string) (uuid.UUID, context.Context) {
	t.Helper()
	id, _ := a.account(t, name, "pl")
	a.verify(t, id)
	return id, a.verified(id)
}

func (a *audience) verify(t *testing.T, id uuid.UUID) {
	t.Helper()
	_, err := a.pool.Exec(a.ctx, `insert into verifications (account_id, identifier_hash, key_id, method) values ($1, $2, 'k1', 'in_person')`,
		id, []byte(rand.Text()))
	require.NoError(t, err)
}

func (a *audience) verified(id uuid.UUID) context.Context {
	return authz.WithAuthorizer(authz.WithSubject(a.ctx, authz.Subject{AccountID: id, Confirmed: true, Verified: true}), a.az)
}

// totalsOf reads the totals of a category as the caller sees them.
func totalsOf(t *testing.T, ts []ambassador.CategoryTotals, cat uuid.UUID) ambassador.CategoryTotals {
	t.Helper()
	for _, c := range ts {
		if c.CategoryID == cat {
			return c
		}
	}
	t.Fatalf("no totals for %s", cat)
	return ambassador.CategoryTotals{}
}

func TestAudience_OnlyInItsPhaseByVerifiedResidents(t *testing.T) {
	t.Parallel()
	a := setupAudience(t, 1)
	_, alice := a.voter(t, "alice")
	plain, _ := a.account(t, "plain", "pl")

	// Before the vote: PHASE_CLOSED; the choices are not public yet.
	_, err := a.svc.CastAudienceVote(alice, a.anna)
	requireCode(t, err, apperr.PhaseClosed, "ambassador.audience_closed")
	v, err := a.svc.AudienceVoteOf(alice, a.e)
	require.NoError(t, err)
	require.Empty(t, v.Categories[1].Choices)
	require.False(t, a.svc.MayVoteAudience(alice, a.e))

	a.move(t, ambassador.PhaseAudienceVote)
	require.True(t, a.svc.MayVoteAudience(alice, a.e))
	// Who may not: the anonymous, an unverified account, a juror of the
	// edition, its coordinator; a nomination that is not a choice.
	_, err = a.svc.CastAudienceVote(a.as(uuid.Nil), a.anna)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = a.svc.CastAudienceVote(a.as(plain), a.anna)
	requireCode(t, err, apperr.Forbidden, "ambassador.audience_not_verified")
	a.verify(t, a.juror)
	_, err = a.svc.CastAudienceVote(a.verified(a.juror), a.anna)
	requireCode(t, err, apperr.Forbidden, "ambassador.audience_juror")
	require.False(t, a.svc.MayVoteAudience(a.verified(a.juror), a.e))
	a.verify(t, a.coordID)
	coord := authz.WithAuthorizer(authz.WithSubject(a.ctx, authz.Subject{AccountID: a.coordID, Confirmed: true, Verified: true}), a.az)
	_, err = a.svc.CastAudienceVote(coord, a.anna)
	requireCode(t, err, apperr.Forbidden, "ambassador.audience_staff")
	_, err = a.svc.CastAudienceVote(alice, a.bad)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = a.svc.CastAudienceVote(alice, uuid.New())
	require.ErrorIs(t, err, apperr.ErrNotFound)
	// An edition without an audience vote.
	n, err := a.svc.Nominate(a.as(a.nominator), a.person("Ola", "ola@x.test"))
	require.NoError(t, err)
	_, err = a.svc.CastAudienceVote(alice, n.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound) // not eligible: not a choice
	none, err := a.svc.AudienceVoteOf(alice, a.edition)
	require.NoError(t, err)
	require.Nil(t, none)

	// The choices are public now: names, categories, justifications.
	v, err = a.svc.AudienceVoteOf(a.as(uuid.Nil), a.e)
	require.NoError(t, err)
	require.True(t, v.Open)
	require.False(t, v.TotalsVisible)
	var names []string
	for _, c := range v.Categories[1].Choices {
		names = append(names, c.NomineeName)
		require.Len(t, c.Justifications, 1)
	}
	require.Equal(t, []string{"Anna", "Borys", "Celina"}, names)
	require.Len(t, v.Categories[0].Choices, 2)

	// One vote per category; the receipt has the day, not the choice.
	r, err := a.svc.CastAudienceVote(alice, a.anna)
	require.NoError(t, err)
	require.Equal(t, a.ind, r.CategoryID)
	require.Equal(t, 0, r.CastOn.Hour())
	_, err = a.svc.CastAudienceVote(alice, a.borys)
	requireCode(t, err, apperr.Conflict, "ambassador.audience_already_voted")
	_, err = a.svc.CastAudienceVote(alice, a.orgA)
	require.NoError(t, err)
	require.False(t, a.svc.MayVoteAudience(alice, a.e))
	v, err = a.svc.AudienceVoteOf(alice, a.e)
	require.NoError(t, err)
	require.True(t, v.Categories[0].Voted)
	require.True(t, v.Categories[1].Voted)

	// After the close: PHASE_CLOSED, to the second.
	a.clock.Set(*a.e.Schedule.AudienceClose)
	_, other := a.voter(t, "late")
	_, err = a.svc.CastAudienceVote(other, a.anna)
	requireCode(t, err, apperr.PhaseClosed, "ambassador.audience_closed")
}

func TestAudience_OnePersonOneVoteUnderConcurrency(t *testing.T) {
	t.Parallel()
	a := setupAudience(t, 1)
	a.move(t, ambassador.PhaseAudienceVote)
	_, alice := a.voter(t, "alice")

	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			choice := []uuid.UUID{a.anna, a.borys, a.celina}[i%3]
			_, errs[i] = a.svc.CastAudienceVote(alice, choice)
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		requireCode(t, err, apperr.Conflict, "ambassador.audience_already_voted")
	}
	require.Equal(t, 1, ok)
	ts, err := a.svc.AudienceTotals(a.coordinator, a.e.ID)
	require.NoError(t, err)
	ind := totalsOf(t, ts, a.ind)
	require.Equal(t, 1, ind.Voters)
	require.Equal(t, 1, ind.Counted)
	require.Equal(t, 1, ind.Votes[a.anna]+ind.Votes[a.borys]+ind.Votes[a.celina])

	// The same person verified again under a new account (after erasing the
	// old one) has still voted: the marker is the person, not the account.
	var hash []byte
	aliceID := authz.SubjectFrom(alice).AccountID
	require.NoError(t, a.pool.QueryRow(a.ctx, `select identifier_hash from verifications where account_id = $1`, aliceID).Scan(&hash))
	_, err = a.pool.Exec(a.ctx, `delete from verifications where account_id = $1`, aliceID)
	require.NoError(t, err)
	again, _ := a.account(t, "alice-again", "pl")
	_, err = a.pool.Exec(a.ctx, `insert into verifications (account_id, identifier_hash, key_id, method) values ($1, $2, 'k1', 'in_person')`,
		again, hash)
	require.NoError(t, err)
	_, err = a.svc.CastAudienceVote(a.verified(again), a.borys)
	requireCode(t, err, apperr.Conflict, "ambassador.audience_already_voted")
}

func TestAudience_BallotsAreUnlinkable(t *testing.T) {
	t.Parallel()
	a := setupAudience(t, 3)
	a.move(t, ambassador.PhaseAudienceVote)
	var voters []uuid.UUID
	for i, choice := range []uuid.UUID{a.anna, a.borys, a.anna, a.celina} {
		id, ctx := a.voter(t, "v"+string(rune('a'+i)))
		voters = append(voters, id)
		_, err := a.svc.CastAudienceVote(ctx, choice)
		require.NoError(t, err)
	}
	// Three were mixed together (the batch), the fourth is still sealed:
	// the coordinator sees 4 voters, 3 counted.
	ts, err := a.svc.AudienceTotals(a.coordinator, a.e.ID)
	require.NoError(t, err)
	ind := totalsOf(t, ts, a.ind)
	require.Equal(t, 4, ind.Voters)
	require.Equal(t, 3, ind.Counted)
	require.Nil(t, ind.Distinction)

	// The marker has the person's hash and the day only; the ballot has no
	// voter and no time, and every mixed ballot shares its transaction.
	var cols []string
	rows, err := a.pool.Query(a.ctx, `select table_name || '.' || column_name from information_schema.columns
		where table_name in ('ambassador_audience_markers', 'ambassador_audience_ballots') order by 1`)
	require.NoError(t, err)
	for rows.Next() {
		var c string
		require.NoError(t, rows.Scan(&c))
		cols = append(cols, c)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"ambassador_audience_ballots.category_id", "ambassador_audience_ballots.edition_id",
		"ambassador_audience_ballots.id", "ambassador_audience_ballots.nomination_id",
		"ambassador_audience_markers.cast_on", "ambassador_audience_markers.category_id",
		"ambassador_audience_markers.edition_id", "ambassador_audience_markers.voter_hash"}, cols)
	var xmins int
	require.NoError(t, a.pool.QueryRow(a.ctx, `select count(distinct xmin::text) from ambassador_audience_ballots`).Scan(&xmins))
	require.Equal(t, 1, xmins)
	var envelopes int
	require.NoError(t, a.pool.QueryRow(a.ctx, `select count(*) from ballot_envelopes where kind = 'ambassador_audience'`).Scan(&envelopes))
	require.Equal(t, 1, envelopes)

	// Nothing of the casts is logged or audited.
	require.NotContains(t, a.logs.String(), a.anna.String())
	var audited int
	require.NoError(t, a.pool.QueryRow(a.ctx, `select count(*) from audit_log where actor_id = any($1)`, voters).Scan(&audited))
	require.Equal(t, 0, audited)
}

func TestAudience_TotalsHiddenUntilTheAnnouncementThenDistinction(t *testing.T) {
	t.Parallel()
	a := setupAudience(t, 20)
	a.move(t, ambassador.PhaseAudienceVote)
	for i, choice := range []uuid.UUID{a.anna, a.borys, a.anna, a.borys, a.celina, a.orgA} {
		_, ctx := a.voter(t, "v"+string(rune('a'+i)))
		_, err := a.svc.CastAudienceVote(ctx, choice)
		require.NoError(t, err)
	}
	_, alice := a.voter(t, "alice")
	// Nobody but who runs the edition sees totals: not a juror, not the
	// nominator, not a voter, not the anonymous.
	for _, ctx := range []context.Context{a.as(a.juror), a.as(a.nominator), alice, a.as(uuid.Nil)} {
		_, err := a.svc.AudienceTotals(ctx, a.e.ID)
		require.ErrorIs(t, err, apperr.ErrNotFound)
		v, err := a.svc.AudienceVoteOf(ctx, a.e)
		require.NoError(t, err)
		require.False(t, v.TotalsVisible)
		for _, c := range v.Categories {
			require.Nil(t, c.Totals)
		}
	}
	// The coordinator sees them live: five voters in the individual
	// category, none counted yet (the
	// batch of 20 is not full, so no ballot can be told apart).
	ts, err := a.svc.AudienceTotals(a.coordinator, a.e.ID)
	require.NoError(t, err)
	require.Equal(t, 5, totalsOf(t, ts, a.ind).Voters)
	require.Equal(t, 0, totalsOf(t, ts, a.ind).Counted)

	// Closed at its date, but not yet announced (the edition waits in the
	// audience vote for the announcement's date): no more votes, totals
	// still hidden.
	a.clock.Set(*a.e.Schedule.AudienceClose)
	_, late := a.voter(t, "late")
	_, err = a.svc.CastAudienceVote(late, a.anna)
	require.Equal(t, apperr.PhaseClosed, apperr.CodeOf(err))
	_, err = a.svc.AudienceTotals(a.as(a.nominator), a.e.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)

	// From the announcement, public and complete; the tie at the top shares
	// the audience distinction.
	a.clock.Set(a.e.Schedule.AnnounceAt)
	a.move(t, ambassador.PhaseAnnouncement)
	for _, ctx := range []context.Context{a.as(uuid.Nil), a.as(a.juror), alice, a.coordinator} {
		ts, err := a.svc.AudienceTotals(ctx, a.e.ID)
		require.NoError(t, err)
		ind := totalsOf(t, ts, a.ind)
		require.Equal(t, 5, ind.Voters)
		require.Equal(t, 5, ind.Counted)
		require.Equal(t, map[uuid.UUID]int{a.anna: 2, a.borys: 2, a.celina: 1}, ind.Votes)
		require.Equal(t, map[uuid.UUID]bool{a.anna: true, a.borys: true, a.celina: false}, ind.Distinction)
		org := totalsOf(t, ts, a.org)
		require.Equal(t, map[uuid.UUID]int{a.orgA: 1, a.orgB: 0}, org.Votes)
		require.Equal(t, map[uuid.UUID]bool{a.orgA: true, a.orgB: false}, org.Distinction)
	}
	// The jury's side is untouched: the nominations are as checked.
	n, err := a.svc.Nomination(a.coordinator, a.celina)
	require.NoError(t, err)
	require.Equal(t, ambassador.NominationEligible, n.Status)
}

func TestAudience_ExportShowsCategoriesErasureKeepsVotes(t *testing.T) {
	t.Parallel()
	a := setupAudience(t, 1)
	a.move(t, ambassador.PhaseAudienceVote)
	aliceID, alice := a.voter(t, "alice")
	_, err := a.svc.CastAudienceVote(alice, a.borys)
	require.NoError(t, err)

	var out any
	require.NoError(t, db.InTx(a.ctx, a.pool, func(tx *db.Tx) error {
		var err error
		out, err = a.svc.PersonalData().Export(a.ctx, tx, aliceID)
		return err
	}))
	voted := out.(map[string]any)["audienceVotes"].([]ambassador.AudienceVotedIn)
	require.Len(t, voted, 1)
	require.Equal(t, 2026, voted[0].EditionYear)
	require.Equal(t, ambassador.CategoryIndividual, voted[0].Category)

	// Erasure (identity deletes the verification; our part keeps the
	// votes): the ballot and the marker stay, linked to nobody.
	require.NoError(t, db.InTx(a.ctx, a.pool, func(tx *db.Tx) error {
		if err := a.svc.PersonalData().Erase(a.ctx, tx, aliceID); err != nil {
			return err
		}
		_, err := tx.Exec(a.ctx, `delete from verifications where account_id = $1`, aliceID)
		return err
	}))
	ts, err := a.svc.AudienceTotals(a.coordinator, a.e.ID)
	require.NoError(t, err)
	require.Equal(t, 1, totalsOf(t, ts, a.ind).Votes[a.borys])
	require.Equal(t, 1, totalsOf(t, ts, a.ind).Voters)
}

// decide is the jury's decision, as the rules have it, before the audience
// vote: the juror adopts a proposal per category (Anna; Fundacja A) and the
// coordinator records the Mayor's award as proposed.
func (a *audience) decide(t *testing.T) {
	t.Helper()
	named := map[uuid.UUID]uuid.UUID{a.ind: a.anna, a.org: a.orgA}
	for cat, n := range named {
		p, err := a.svc.DraftProposal(a.coordinator, ambassador.ProposalInput{EditionID: a.e.ID, CategoryID: cat,
			Entries: []ambassador.RankedInput{{NominationID: n, Rank: ambassador.RankLaureate, Justification: just("Laureat")}}})
		require.NoError(t, err)
		_, err = a.svc.OpenProposalVote(a.coordinator, p.ID, []uuid.UUID{a.juror})
		require.NoError(t, err)
		_, err = a.svc.CastProposalVote(a.as(a.juror), p.ID, poll.Yes)
		require.NoError(t, err)
		p, err = a.svc.CloseProposalVote(a.coordinator, p.ID)
		require.NoError(t, err)
		require.Equal(t, ambassador.ProposalAdopted, p.Status)
	}
	for cat, n := range named {
		_, err := a.svc.RecordAward(a.coordinator, ambassador.AwardInput{EditionID: a.e.ID, CategoryID: cat,
			Entries: []ambassador.RankedInput{{NominationID: n, Rank: ambassador.RankLaureate}}})
		require.NoError(t, err)
	}
}
