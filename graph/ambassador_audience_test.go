package graph_test

import (
	"crypto/rand"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/internal/testclock"
)

// Callers of the audience vote besides the Ambassador's.

// audienceFixture is an edition with an audience vote in its DECISION
// phase, with eligible nominations (Anna — whose e-mail is the nominee
// caller's —, Borys, Celina; the organisation Fundacja), one not eligible,
// a juror and a chair, a juror of another edition, and verified accounts
// for the juror, chair, other juror, nominator, nominee, coordinator and
// admin (alice, the fixture's "verified", is verified too). The service's
// clock is the test's.
type audienceFixture struct {
	*ambassadorFixture
	clock                 *testclock.Clock
	eid                   string
	ind, org              string
	anna, borys, celina   string
	fundacja, notEligible string
	announceAt            time.Time
}

func newAudienceFixture(t *testing.T) *audienceFixture {
	t.Helper()
	cf := newCallerFixture(t)
	b := cf.b
	f := &audienceFixture{ambassadorFixture: &ambassadorFixture{callerFixture: cf, tokens: map[string]string{}}}
	for k, v := range cf.tokens {
		f.tokens[k] = v
	}
	for kind, email := range map[string]string{callerJuror: "jurorka@example.org", callerChair: "przewodniczacy@example.org",
		callerOtherJuror: "juror.inny@example.org", callerNominator: "zglaszajaca@example.org", callerNominee: "nominowana@example.org"} {
		f.tokens[kind] = b.signUp(t, email)
		b.confirm(t, email)
	}
	f.clock = testclock.New(time.Now().Truncate(time.Second))
	b.resolver.Ambassador.SetClock(f.clock.Now)

	open := f.clock.Now().Add(-time.Hour)
	at := func(days int) time.Time { return open.Add(time.Duration(days) * 24 * time.Hour) }
	f.announceAt = at(37)
	sched := map[string]any{"nominationsOpen": at(0), "nominationsClose": at(10), "checkClose": at(15), "scoringClose": at(25),
		"decisionClose": at(30), "audienceClose": at(35), "announceAt": f.announceAt}
	for k, v := range sched {
		sched[k] = v.(time.Time).Format(time.RFC3339)
	}
	f.eid = f.ok(t, b.gql(t, `mutation($s: AmbassadorScheduleInput!) { createAmbassadorEdition(input: {year: 2025, schedule: $s,
		call: `+ambassadorCall+`}) { edition { id } } }`, map[string]any{"s": sched}, withToken(f.coord)), "createAmbassadorEdition", "edition", "id")
	f.ok(t, b.gql(t, `mutation($e: ID!) { publishAmbassadorEdition(input: {editionId: $e}) { edition { id } } }`,
		map[string]any{"e": f.eid}, withToken(f.coord)))
	res := b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { categories { id kind } } }`, map[string]any{"e": f.eid}, withToken(f.coord))
	require.Empty(t, res.Errors)
	for _, c := range dig(res.Data, "ambassadorEdition", "categories").([]any) {
		if c.(map[string]any)["kind"] == "INDIVIDUAL" {
			f.ind = c.(map[string]any)["id"].(string)
		} else {
			f.org = c.(map[string]any)["id"].(string)
		}
	}
	other, _ := f.ambassadorFixture.edition(t, 2024, false)
	f.grantJuror(t, f.tokens[callerOtherJuror], other)
	f.grantJuror(t, f.tokens[callerJuror], f.eid)
	f.grantJuror(t, f.tokens[callerChair], f.eid)
	f.ok(t, b.gql(t, `mutation($e: ID!, $a: ID!) { setAmbassadorJuryChair(input: {editionId: $e, accountId: $a}) { edition { id } } }`,
		map[string]any{"e": f.eid, "a": b.accountID(t, f.tokens[callerChair])}, withToken(f.coord)))

	nominate := func(name, email, category string) string {
		return f.ok(t, b.gql(t, nominateMutation, map[string]any{"e": f.eid, "c": category, "n": name, "m": email},
			withToken(f.tokens[callerNominator])), "nominateForAmbassador", "nomination", "id")
	}
	f.anna = nominate("Anna", "nominowana@example.org", f.ind)
	f.borys = nominate("Borys", "borys@example.org", f.ind)
	f.celina = nominate("Celina", "celina@example.org", f.ind)
	f.fundacja = nominate("Fundacja", "fundacja@example.org", f.org)
	f.notEligible = nominate("Dawid", "dawid@example.org", f.ind)
	for _, n := range []string{f.anna, f.borys, f.celina, f.fundacja} {
		f.ok(t, b.gql(t, `mutation($n: ID!) { recordAmbassadorConsent(input: {nominationId: $n, scanRef: "skan"}) { nomination { id } } }`,
			map[string]any{"n": n}, withToken(f.coord)))
	}
	f.move(t, "FORMAL_CHECK")
	for _, n := range []string{f.anna, f.borys, f.celina, f.fundacja} {
		f.ok(t, b.gql(t, `mutation($n: ID!) { checkAmbassadorNomination(input: {nominationId: $n, eligible: true}) { nomination { id } } }`,
			map[string]any{"n": n}, withToken(f.coord)))
	}
	f.ok(t, b.gql(t, `mutation($n: ID!) { checkAmbassadorNomination(input: {nominationId: $n, eligible: false, reason: NO_CONSENT}) { nomination { id } } }`,
		map[string]any{"n": f.notEligible}, withToken(f.coord)))
	f.move(t, "SCORING")
	f.move(t, "DECISION")
	for _, kind := range []string{callerJuror, callerChair, callerOtherJuror, callerNominator, callerNominee, callerCoordinator, callerAdmin} {
		f.verify(t, f.tokens[kind])
	}
	return f
}

// verify makes the account a verified resident (a verification of a random
// identifier; the API's verifyResident takes real document numbers).
func (f *audienceFixture) verify(t *testing.T, token string) {
	t.Helper()
	_, account, _ := gid.Decode(f.b.accountID(t, token))
	_, err := f.b.pool.Exec(t.Context(), `insert into verifications (account_id, identifier_hash, key_id, method)
		values ($1, $2, 'k1', 'in_person')`, account, []byte(rand.Text()))
	require.NoError(t, err)
}

func (f *audienceFixture) move(t *testing.T, to string) {
	t.Helper()
	f.decided(t, f.eid, to)
	f.ok(t, f.b.gql(t, `mutation($e: ID!, $to: AmbassadorPhase!) { moveAmbassadorEdition(input: {editionId: $e, to: $to,
		reason: "Przesunięcie w teście."}) { edition { phase } } }`, map[string]any{"e": f.eid, "to": to}, withToken(f.coord)))
}

const castAudience = `mutation($n: ID!) { castAmbassadorAudienceVote(input: {nominationId: $n}) { category { kind } castOn
	edition { viewerCan { voteAudience } } } }`

func (f *audienceFixture) cast(t *testing.T, caller, nomination string) {
	t.Helper()
	f.ok(t, f.b.gql(t, castAudience, map[string]any{"n": nomination}, withToken(f.tokens[caller])))
}

func (f *audienceFixture) as(caller string) []reqOpt {
	if tok := f.tokens[caller]; tok != "" {
		return []reqOpt{withToken(tok)}
	}
	return nil
}

const audienceVoteQuery = `query($e: ID!) { ambassadorEdition(id: $e) { audienceVote { open totalsVisible final
	categories { category { kind } viewerVoted totals { voters counted votes { nominationId votes audienceDistinction } }
	choices { nominationId nomineeName votes audienceDistinction justifications { text { text } } } } } } }`

const audienceNodeQuery = `query($e: ID!) { node(id: $e) { ... on AmbassadorEdition { audienceVote { totalsVisible
	categories { totals { voters } choices { votes audienceDistinction } } } } } }`

const audienceTotalsQuery = `query($e: ID!) { ambassadorAudienceTotals(editionId: $e) { categoryId voters counted
	votes { nominationId votes audienceDistinction } } }`

// individuals is the individual category of an audienceVote answer.
func individuals(t *testing.T, vote any) map[string]any {
	t.Helper()
	for _, c := range dig(vote, "categories").([]any) {
		if dig(c, "category", "kind") == "INDIVIDUAL" {
			return c.(map[string]any)
		}
	}
	t.Fatal("no individual category")
	return nil
}

// TestAmbassadorAudience_TotalsHiddenUntilTheAnnouncementOnEveryPath reads
// the totals as the coordinator, a juror, the chair, a voter, the nominator
// and the anonymous, through the query field, the edition's nested field
// and node(id:), before and after the announcement; the nominations stay
// private (node) while their choices are public; the export names the
// category, never the choice.
func TestAmbassadorAudience_TotalsHiddenUntilTheAnnouncementOnEveryPath(t *testing.T) {
	t.Parallel()
	f := newAudienceFixture(t)
	b := f.b
	outsiders := []string{callerJuror, callerChair, callerVerified, callerNominator, callerAnonymous, callerOtherJuror}

	// Before the vote, the choices are the staff's only.
	res := b.gql(t, audienceVoteQuery, map[string]any{"e": f.eid}, f.as(callerAnonymous)...)
	require.Empty(t, res.Errors)
	require.Empty(t, individuals(t, dig(res.Data, "ambassadorEdition", "audienceVote"))["choices"])
	res = b.gql(t, audienceVoteQuery, map[string]any{"e": f.eid}, withToken(f.coord))
	require.Len(t, individuals(t, dig(res.Data, "ambassadorEdition", "audienceVote"))["choices"], 3)

	f.move(t, "AUDIENCE_VOTE")
	f.cast(t, callerVerified, f.anna)
	f.cast(t, callerNominator, f.anna)
	f.cast(t, callerNominee, f.borys)
	f.cast(t, callerOtherJuror, f.fundacja)

	for _, caller := range outsiders {
		res := b.gql(t, audienceTotalsQuery, map[string]any{"e": f.eid}, f.as(caller)...)
		require.Empty(t, res.Errors, caller)
		require.Nil(t, dig(res.Data, "ambassadorAudienceTotals"), caller)

		res = b.gql(t, audienceVoteQuery, map[string]any{"e": f.eid}, f.as(caller)...)
		require.Empty(t, res.Errors, caller)
		vote := dig(res.Data, "ambassadorEdition", "audienceVote")
		require.Equal(t, false, dig(vote, "totalsVisible"), caller)
		ind := individuals(t, vote)
		require.Nil(t, ind["totals"], caller)
		var names []string
		for _, c := range ind["choices"].([]any) {
			names = append(names, dig(c, "nomineeName").(string))
			require.Nil(t, dig(c, "votes"), caller)
			require.Nil(t, dig(c, "audienceDistinction"), caller)
		}
		require.Equal(t, []string{"Anna", "Borys", "Celina"}, names, caller)
		require.Equal(t, caller == callerVerified || caller == callerNominator, ind["viewerVoted"], caller)

		res = b.gql(t, audienceNodeQuery, map[string]any{"e": f.eid}, f.as(caller)...)
		require.Empty(t, res.Errors, caller)
		require.Equal(t, false, dig(res.Data, "node", "audienceVote", "totalsVisible"), caller)
		for _, c := range dig(res.Data, "node", "audienceVote", "categories").([]any) {
			require.Nil(t, dig(c, "totals"), caller)
		}
		// The nomination itself stays its nominator's, the staff's and
		// (without contacts, from the scoring on) the jury's.
		if caller != callerNominator && caller != callerJuror && caller != callerChair {
			res = b.gql(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": f.anna}, f.as(caller)...)
			require.Empty(t, res.Errors)
			require.Nil(t, dig(res.Data, "node"), caller)
		}
	}
	// The coordinator sees them live (a ballot-box batch of one here).
	res = b.gql(t, audienceTotalsQuery, map[string]any{"e": f.eid}, withToken(f.coord))
	require.Empty(t, res.Errors)
	live := map[string]any{"categoryId": f.ind, "voters": float64(3), "counted": float64(3), "votes": []any{
		map[string]any{"nominationId": f.anna, "votes": float64(2), "audienceDistinction": nil},
		map[string]any{"nominationId": f.borys, "votes": float64(1), "audienceDistinction": nil},
		map[string]any{"nominationId": f.celina, "votes": float64(0), "audienceDistinction": nil}}}
	require.Equal(t, live, dig(res.Data, "ambassadorAudienceTotals").([]any)[1])
	res = b.gql(t, audienceNodeQuery, map[string]any{"e": f.eid}, withToken(f.coord))
	require.Equal(t, true, dig(res.Data, "node", "audienceVote", "totalsVisible"))

	// The export says the voter voted in the individual category, not for whom.
	res = b.gql(t, `{ me { dataExport } }`, nil, withToken(f.tokens[callerVerified]))
	require.Empty(t, res.Errors)
	raw := dig(res.Data, "me", "dataExport").(string)
	var export map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &export))
	voted := dig(export, "domains", "ambassador", "audienceVotes").([]any)
	require.Len(t, voted, 1)
	require.Equal(t, "individual", dig(voted[0], "category"))
	require.Equal(t, float64(2025), dig(voted[0], "editionYear"))
	_, annaKey, _ := gid.Decode(f.anna)
	require.NotContains(t, raw, annaKey.String())
	require.NotContains(t, raw, "Anna")

	// Closed at its date (two days before the announcement's), not yet
	// announced: no more votes, still hidden.
	f.clock.Set(f.announceAt.Add(-48 * time.Hour))
	require.Equal(t, "PHASE_CLOSED", b.gql(t, castAudience, map[string]any{"n": f.celina}, f.as(callerNominee)...).code())
	res = b.gql(t, audienceTotalsQuery, map[string]any{"e": f.eid})
	require.Nil(t, dig(res.Data, "ambassadorAudienceTotals"))

	// From the announcement: public on every path, with the distinction.
	f.clock.Set(f.announceAt)
	f.move(t, "ANNOUNCEMENT")
	final := map[string]any{"categoryId": f.ind, "voters": float64(3), "counted": float64(3), "votes": []any{
		map[string]any{"nominationId": f.anna, "votes": float64(2), "audienceDistinction": true},
		map[string]any{"nominationId": f.borys, "votes": float64(1), "audienceDistinction": false},
		map[string]any{"nominationId": f.celina, "votes": float64(0), "audienceDistinction": false}}}
	for _, caller := range append(outsiders, callerCoordinator) {
		res := b.gql(t, audienceTotalsQuery, map[string]any{"e": f.eid}, f.as(caller)...)
		require.Empty(t, res.Errors, caller)
		require.Equal(t, final, dig(res.Data, "ambassadorAudienceTotals").([]any)[1], caller)
		res = b.gql(t, audienceVoteQuery, map[string]any{"e": f.eid}, f.as(caller)...)
		require.Empty(t, res.Errors, caller)
		vote := dig(res.Data, "ambassadorEdition", "audienceVote")
		require.Equal(t, true, dig(vote, "final"), caller)
		ind := individuals(t, vote)
		require.Equal(t, final["voters"], dig(ind, "totals", "voters"))
		first := ind["choices"].([]any)[0]
		require.Equal(t, map[string]any{"nominationId": f.anna, "nomineeName": "Anna", "votes": float64(2), "audienceDistinction": true,
			"justifications": []any{}}, first, caller)
		res = b.gql(t, audienceNodeQuery, map[string]any{"e": f.eid}, f.as(caller)...)
		require.Equal(t, true, dig(res.Data, "node", "audienceVote", "totalsVisible"), caller)
	}
	// The jury's side is untouched.
	res = b.gql(t, `query($n: ID!) { node(id: $n) { ... on AmbassadorNomination { status } } }`, map[string]any{"n": f.borys}, withToken(f.coord))
	require.Equal(t, "ELIGIBLE", dig(res.Data, "node", "status"))
}

const audienceSubscription = `subscription($e: ID!) { ambassadorAudienceTotals(editionId: $e) { editionId resync
	categories { categoryId voters counted votes { nominationId votes } } } }`

// TestAmbassadorAudience_LiveTotalsForTheCoordinatorOnly: the coordinator's
// subscription gets the new totals after a cast; a juror, a voter and the
// anonymous are NOT_FOUND.
func TestAmbassadorAudience_LiveTotalsForTheCoordinatorOnly(t *testing.T) {
	t.Parallel()
	f := newAudienceFixture(t)
	b := f.b
	f.move(t, "AUDIENCE_VOTE")
	for _, caller := range []string{callerJuror, callerChair, callerVerified, callerAnonymous} {
		c := dialLive(t, b, f.tokens[caller])
		c.ack()
		c.subscribe("a", audienceSubscription, map[string]any{"e": f.eid})
		require.Equal(t, "NOT_FOUND", errorCode(t, c.next()), caller)
	}
	coord := dialLive(t, b, f.coord)
	coord.ack()
	coord.subscribe("a", audienceSubscription, map[string]any{"e": f.eid})
	waitUntil(t, "the coordinator's stream", func() bool { return b.resolver.LiveSubscriptions() == 1 })

	f.cast(t, callerVerified, f.borys)
	var ind map[string]any
	for ind == nil || ind["counted"] != float64(1) {
		ev := payloadData(t, coord.next(), "ambassadorAudienceTotals")
		require.Equal(t, f.eid, ev["editionId"])
		require.Equal(t, false, ev["resync"])
		for _, c := range ev["categories"].([]any) {
			if dig(c, "categoryId") == f.ind {
				ind = c.(map[string]any)
			}
		}
	}
	require.Equal(t, float64(1), ind["voters"])
	votes := ind["votes"].([]any)
	require.Len(t, votes, 3)
	require.Equal(t, map[string]any{"nominationId": f.borys, "votes": float64(1)}, votes[0])
	require.Equal(t, float64(0), dig(votes[1], "votes"))
	require.Equal(t, float64(0), dig(votes[2], "votes"))
}
