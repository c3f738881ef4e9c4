package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// withdrawCandidacyTries are withdrawCandidacy's cases of the votes
// matrix: only the candidate withdraws, and only while nominations are
// open (then PHASE_CLOSED, even for the candidate).
func (v *votesFixture) withdrawCandidacyTries(t *testing.T, tokens map[string]string) []matrixTry {
	t.Helper()
	stand := func(e string) string {
		res := v.b.gql(t, `mutation($e: ID!) { standForElection(input: {electionId: $e}) { candidate { id } } }`,
			map[string]any{"e": e}, withToken(tokens[callerResident]))
		require.Empty(t, res.Errors)
		return dig(res.Data, "standForElection", "candidate", "id").(string)
	}
	nominating := v.election(t, 1)
	candidacy := stand(nominating)
	voting := v.election(t, 1)
	fixed := stand(voting)
	v.openBallot(t, voting)
	query := `mutation($c: ID!) { withdrawCandidacy(input: {candidateId: $c}) { election { candidates { id } viewerCandidacy { id }
		viewerCanWithdrawCandidacy } } }`
	return []matrixTry{
		{name: "withdrawCandidacy", label: "nominating", query: query, vars: fixedVars(map[string]any{"c": candidacy}),
			allowed: []string{callerResident},
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, map[string]any{"candidates": []any{}, "viewerCandidacy": nil, "viewerCanWithdrawCandidacy": false},
					dig(got[callerResident].Data, "withdrawCandidacy", "election"))
			}},
		{name: "withdrawCandidacy", label: "ballot open", query: query, vars: fixedVars(map[string]any{"c": fixed}),
			tokens: map[string]string{callerResident: tokens[callerResident]}, refused: "PHASE_CLOSED"},
	}
}

// electionMail is one e-mail of an election notice.
type electionMail struct{ locale, subject, body string }

// mails waits for n e-mails of kind and returns them by account id, in
// the order they were written.
func (f *opinionFixture) mails(t *testing.T, kind string, n int) map[string][]electionMail {
	t.Helper()
	var out map[string][]electionMail
	require.Eventually(t, func() bool {
		rows, err := f.b.pool.Query(t.Context(), `select account_id, locale, subject, body from email_outbox where kind = $1
			order by created_at, id`, kind)
		require.NoError(t, err)
		defer rows.Close()
		out = map[string][]electionMail{}
		count := 0
		for rows.Next() {
			var id string
			var m electionMail
			require.NoError(t, rows.Scan(&id, &m.locale, &m.subject, &m.body))
			out[id] = append(out[id], m)
			count++
		}
		return count >= n
	}, 10*time.Second, 20*time.Millisecond)
	return out
}

// TestElection_WithdrawalAndNoticesThroughTheAPI: opening nominations
// tells the voting members, a candidate withdraws and stands again while
// nominations are open (not after), opening the ballot tells the
// electorate, and the result — a tie, then its tie-break — is told to the
// candidates and the voting members, each in their language.
func TestElection_WithdrawalAndNoticesThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := &opinionFixture{dialogueFixture: &dialogueFixture{consultationFixture: newConsultationFixture(t)}}
	b := f.b
	body := f.createBody(t, true)
	chair, member, guest := b.signUp(t, "przewodniczaca@example.org"), b.signUp(t, "czlonek@example.org"), b.signUp(t, "gosc@example.org")
	for _, e := range []string{"przewodniczaca@example.org", "czlonek@example.org", "gosc@example.org"} {
		b.confirm(t, e)
	}
	f.setLocale(t, chair, "uk")
	f.setLocale(t, member, "pl")
	f.setLocale(t, f.carol, "ru")
	f.appoint(t, body, chair, "CHAIR", 365)
	f.appoint(t, body, member, "MEMBER", 365)
	f.appoint(t, body, guest, "GUEST", 0)
	id := func(tok string) string { return rawID(t, b.accountID(t, tok)) }

	res := b.gql(t, `mutation($b: ID!) { openElection(input: {bodyId: $b, title: {locale: PL, text: "Wybór przedstawiciela"},
		seats: 1, picks: 1}) { election { id } } }`, map[string]any{"b": body}, withToken(f.coord))
	require.Empty(t, res.Errors)
	election := dig(res.Data, "openElection", "election", "id").(string)
	mails := f.mails(t, "dialogue_election_nominating", 2)
	require.Len(t, mails, 2, "the voting members, not the guest")
	require.Equal(t, "uk", mails[id(chair)][0].locale)
	require.Equal(t, "Висування кандидатур: Wybór przedstawiciela", mails[id(chair)][0].subject)
	require.Contains(t, mails[id(chair)][0].body,
		"В органі діалогу «Rada ds. Cudzoziemców» відкрито висування кандидатур на виборах «Wybór przedstawiciela».")
	require.Equal(t, "pl", mails[id(member)][0].locale)
	require.Equal(t, "Zgłaszanie kandydatur: Wybór przedstawiciela", mails[id(member)][0].subject)
	require.Contains(t, mails[id(member)][0].body,
		"W ciele dialogu „Rada ds. Cudzoziemców” otwarto zgłaszanie kandydatur w wyborach „Wybór przedstawiciela”.")

	stand := `mutation($e: ID!) { standForElection(input: {electionId: $e}) { candidate { id } } }`
	withdraw := `mutation($c: ID!) { withdrawCandidacy(input: {candidateId: $c}) { election { candidates { id } } } }`
	mine := `query($e: ID!) { election(id: $e) { viewerCandidacy { id } viewerCanWithdrawCandidacy } }`
	res = b.gql(t, stand, map[string]any{"e": election}, withToken(f.carol))
	require.Empty(t, res.Errors)
	carol := dig(res.Data, "standForElection", "candidate", "id").(string)
	require.Equal(t, map[string]any{"viewerCandidacy": map[string]any{"id": carol}, "viewerCanWithdrawCandidacy": true},
		b.gql(t, mine, map[string]any{"e": election}, withToken(f.carol)).Data["election"])
	require.Equal(t, map[string]any{"viewerCandidacy": nil, "viewerCanWithdrawCandidacy": false},
		b.gql(t, mine, map[string]any{"e": election}, withToken(f.dan)).Data["election"])
	require.Empty(t, b.gql(t, `mutation($c: ID!) { endorseCandidate(input: {candidateId: $c}) { candidate { id } } }`,
		map[string]any{"c": carol}, withToken(chair)).Errors)
	require.Equal(t, "FORBIDDEN", b.gql(t, withdraw, map[string]any{"c": carol}, withToken(f.dan)).code())
	res = b.gql(t, withdraw, map[string]any{"c": carol}, withToken(f.carol))
	require.Empty(t, res.Errors)
	require.Equal(t, []any{}, dig(res.Data, "withdrawCandidacy", "election", "candidates"))
	require.Equal(t, "NOT_FOUND", b.gql(t, withdraw, map[string]any{"c": carol}, withToken(f.carol)).code(), "gone")
	res = b.gql(t, `query($e: ID!) { election(id: $e) { candidates { endorsements } } }`, map[string]any{"e": election})
	require.Empty(t, res.Errors)
	require.Equal(t, []any{}, dig(res.Data, "election", "candidates"))

	// Standing again starts afresh; a second candidate stands.
	res = b.gql(t, stand, map[string]any{"e": election}, withToken(f.carol))
	require.Empty(t, res.Errors)
	carol = dig(res.Data, "standForElection", "candidate", "id").(string)
	res = b.gql(t, `query($e: ID!) { election(id: $e) { candidates { endorsements } } }`, map[string]any{"e": election})
	require.Equal(t, []any{map[string]any{"endorsements": float64(0)}}, dig(res.Data, "election", "candidates"), "endorsements do not return")
	res = b.gql(t, stand, map[string]any{"e": election}, withToken(f.dan))
	require.Empty(t, res.Errors)
	dan := dig(res.Data, "standForElection", "candidate", "id").(string)

	require.Empty(t, b.gql(t, `mutation($e: ID!, $d: DateTime!) { openElectionBallot(input: {electionId: $e, deadline: $d}) { election { id } } }`,
		map[string]any{"e": election, "d": time.Now().Add(time.Hour).Format(time.RFC3339)}, withToken(f.coord)).Errors)
	opened := f.mails(t, "dialogue_election_ballot_opened", 2)
	require.Len(t, opened, 2)
	require.Equal(t, "Таємне голосування: Wybór przedstawiciela", opened[id(chair)][0].subject)
	require.Equal(t, "Głosowanie tajne: Wybór przedstawiciela", opened[id(member)][0].subject)
	require.Equal(t, "PHASE_CLOSED", b.gql(t, withdraw, map[string]any{"c": carol}, withToken(f.carol)).code(), "the ballot is fixed")
	require.Equal(t, false, dig(b.gql(t, mine, map[string]any{"e": election}, withToken(f.carol)).Data, "election", "viewerCanWithdrawCandidacy"))

	// A tie for the one seat, then its tie-break: two results, to the
	// voting members and both candidates.
	cast := `mutation($e: ID!, $p: [ID!]!) { castElectionBallot(input: {electionId: $e, picks: $p}) { election { id } } }`
	require.Empty(t, b.gql(t, cast, map[string]any{"e": election, "p": []string{carol}}, withToken(chair)).Errors)
	require.Empty(t, b.gql(t, cast, map[string]any{"e": election, "p": []string{dan}}, withToken(member)).Errors)
	res = b.gql(t, `mutation($e: ID!) { closeElection(input: {electionId: $e}) { election { result { outcome } } } }`,
		map[string]any{"e": election}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, "TIED", dig(res.Data, "closeElection", "election", "result", "outcome"))
	results := f.mails(t, "dialogue_election_result", 4)
	require.Len(t, results, 4)
	require.Contains(t, results[id(chair)][0].body, "Результат: нічия за останній мандат")
	require.Contains(t, results[id(member)][0].body, "Wynik: remis o ostatni mandat")
	require.Contains(t, results[id(f.carol)][0].body, "Результат: ничья за последнее место")
	require.Contains(t, results[id(f.dan)][0].body, "Result: a tie for the last seat")
	res = b.gql(t, `mutation($e: ID!, $o: [ID!]!) { recordElectionTieBreak(input: {electionId: $e, order: $o, note: "Losowanie na posiedzeniu"}) {
		election { result { outcome } } } }`, map[string]any{"e": election, "o": []string{carol, dan}}, withToken(f.coord))
	require.Empty(t, res.Errors)
	results = f.mails(t, "dialogue_election_result", 8)
	for who, want := range map[string]string{id(chair): "Результат: обрано", id(member): "Wynik: wybrano",
		id(f.carol): "Результат: избраны", id(f.dan): "Result: elected"} {
		require.Len(t, results[who], 2, who)
		require.Contains(t, results[who][1].body, want)
	}
	require.NotContains(t, results, id(guest))
}
