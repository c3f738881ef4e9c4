package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestTableMotion_ConsultationLinkOnlyOnOpinions: only an opinion is about
// a consultation; any other kind, and any amendment, is refused on
// consultationId with nothing written.
func TestTableMotion_ConsultationLinkOnlyOnOpinions(t *testing.T) {
	t.Parallel()
	f := newOpinionFixture(t)
	b := f.b
	body := f.createBody(t, true)
	chair := b.signUp(t, "przewodniczaca-link@example.org")
	b.confirm(t, "przewodniczaca-link@example.org")
	f.appoint(t, body, chair, "CHAIR", 365)
	table := func(in map[string]any) gqlResponse {
		in["title"] = map[string]any{"locale": "PL", "text": "Wniosek"}
		in["text"] = map[string]any{"locale": "PL", "text": "Treść wniosku."}
		return b.gql(t, `mutation($in: TableMotionInput!) { tableMotion(input: $in) { motion { id kind consultationId } } }`,
			map[string]any{"in": in}, withToken(chair))
	}
	count := func() int {
		var n int
		require.NoError(t, b.pool.QueryRow(t.Context(), `select count(*) from dialogue_motions where body_id = $1`, rawID(t, body)).Scan(&n))
		return n
	}
	for _, kind := range []string{"RESOLUTION", "RECOMMENDATION", "PROCEDURAL"} {
		res := table(map[string]any{"bodyId": body, "kind": kind, "consultationId": f.consultation})
		require.Equal(t, "INVALID_INPUT", res.code(), kind)
		require.Equal(t, "consultationId", res.Errors[0].Extensions["field"], kind)
		require.Equal(t, "Only an opinion can be about a consultation; an amendment has no link of its own.",
			b.gql(t, `mutation($in: TableMotionInput!) { tableMotion(input: $in) { motion { id } } }`, map[string]any{"in": map[string]any{
				"bodyId": body, "kind": kind, "consultationId": f.consultation,
				"title": map[string]any{"locale": "PL", "text": "Wniosek"}, "text": map[string]any{"locale": "PL", "text": "Treść."}}},
				withToken(chair), withLanguage("en")).Errors[0].Message)
	}
	require.Zero(t, count(), "nothing written")

	res := table(map[string]any{"bodyId": body, "kind": "OPINION", "consultationId": f.consultation})
	require.Empty(t, res.Errors)
	opinion := dig(res.Data, "tableMotion", "motion", "id").(string)
	require.Equal(t, f.consultation, dig(res.Data, "tableMotion", "motion", "consultationId"))

	// An amendment of the opinion inherits nothing of its link.
	res = b.gql(t, `mutation($m: ID!) { proposeAmendment(input: {motionId: $m, title: {locale: PL, text: "Poprawka"},
		text: {locale: PL, text: "Nowa treść opinii."}}) { amendment { kind consultationId } motion { consultationId } } }`,
		map[string]any{"m": opinion}, withToken(chair))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"kind": "OPINION", "consultationId": nil}, dig(res.Data, "proposeAmendment", "amendment"))
	require.Equal(t, f.consultation, dig(res.Data, "proposeAmendment", "motion", "consultationId"))
}

// TestElection_VoidWhenTheBodyIsDissolved: dissolving a body voids its
// elections still nominating or balloting: nothing is elected, no result
// is published, the candidates are told in their language, and nothing
// can be stood for, endorsed, opened or cast after.
func TestElection_VoidWhenTheBodyIsDissolved(t *testing.T) {
	t.Parallel()
	f := &opinionFixture{dialogueFixture: &dialogueFixture{consultationFixture: newConsultationFixture(t)}}
	b := f.b
	body := f.createBody(t, true)
	chair, member := b.signUp(t, "przewodniczaca-void@example.org"), b.signUp(t, "czlonek-void@example.org")
	for _, e := range []string{"przewodniczaca-void@example.org", "czlonek-void@example.org"} {
		b.confirm(t, e)
	}
	f.setLocale(t, f.carol, "ru")
	f.setLocale(t, f.dan, "en")
	f.appoint(t, body, chair, "CHAIR", 365)
	f.appoint(t, body, member, "MEMBER", 365)
	id := func(tok string) string { return rawID(t, b.accountID(t, tok)) }
	open := func(title string) string {
		res := b.gql(t, `mutation($b: ID!, $t: String!) { openElection(input: {bodyId: $b, title: {locale: PL, text: $t},
			seats: 1, picks: 1}) { election { id } } }`, map[string]any{"b": body, "t": title}, withToken(f.coord))
		require.Empty(t, res.Errors)
		return dig(res.Data, "openElection", "election", "id").(string)
	}
	stand := `mutation($e: ID!) { standForElection(input: {electionId: $e}) { candidate { id } } }`
	nominating, balloting := open("Wybór sekretarza"), open("Wybór przedstawiciela")
	res := b.gql(t, stand, map[string]any{"e": nominating}, withToken(f.carol))
	require.Empty(t, res.Errors)
	carol := dig(res.Data, "standForElection", "candidate", "id").(string)
	res = b.gql(t, stand, map[string]any{"e": balloting}, withToken(f.dan))
	require.Empty(t, res.Errors)
	dan := dig(res.Data, "standForElection", "candidate", "id").(string)
	require.Empty(t, b.gql(t, `mutation($e: ID!, $d: DateTime!) { openElectionBallot(input: {electionId: $e, deadline: $d}) { election { id } } }`,
		map[string]any{"e": balloting, "d": time.Now().Add(time.Hour).Format(time.RFC3339)}, withToken(f.coord)).Errors)
	cast := `mutation($e: ID!, $p: [ID!]!) { castElectionBallot(input: {electionId: $e, picks: $p}) { election { id } } }`
	require.Empty(t, b.gql(t, cast, map[string]any{"e": balloting, "p": []string{dan}}, withToken(chair)).Errors)

	res = b.gql(t, `mutation($id: ID!) { dissolveBody(input: {id: $id, reason: "Nowa rada od przyszłego roku"}) { body { status } } }`,
		map[string]any{"id": body}, withToken(f.coord))
	require.Empty(t, res.Errors)

	q := `query($e: ID!) { election(id: $e) { status voters result { outcome } viewerCan { stand endorse openBallot castBallot close } } }`
	none := map[string]any{"stand": false, "endorse": false, "openBallot": false, "castBallot": false, "close": false}
	for e, voters := range map[string]float64{nominating: 0, balloting: 1} {
		for _, tok := range []string{f.coord, chair} {
			res = b.gql(t, q, map[string]any{"e": e}, withToken(tok))
			require.Empty(t, res.Errors)
			require.Equal(t, map[string]any{"status": "VOID", "voters": voters, "result": nil, "viewerCan": none}, res.Data["election"])
		}
	}
	var outcome, void string
	require.NoError(t, b.pool.QueryRow(t.Context(), `select outcome, result->>'void' from polls where owner_id = $1`, rawID(t, balloting)).
		Scan(&outcome, &void))
	require.Equal(t, []string{"invalid", "dissolved"}, []string{outcome, void}, "nothing elected")

	// Nothing more happens in them.
	require.Equal(t, "PHASE_CLOSED", b.gql(t, cast, map[string]any{"e": balloting, "p": []string{dan}}, withToken(member)).code())
	require.Equal(t, "PHASE_CLOSED", b.gql(t, stand, map[string]any{"e": nominating}, withToken(f.dan)).code())
	require.Equal(t, "FORBIDDEN", b.gql(t, `mutation($c: ID!) { endorseCandidate(input: {candidateId: $c}) { candidate { id } } }`,
		map[string]any{"c": carol}, withToken(chair)).code(), "the chair's membership ended with the body")
	require.Equal(t, "PHASE_CLOSED", b.gql(t, `mutation($c: ID!) { withdrawCandidacy(input: {candidateId: $c}) { election { id } } }`,
		map[string]any{"c": carol}, withToken(f.carol)).code())
	require.Equal(t, "PHASE_CLOSED", b.gql(t, `mutation($e: ID!, $d: DateTime!) { openElectionBallot(input: {electionId: $e, deadline: $d}) { election { id } } }`,
		map[string]any{"e": nominating, "d": time.Now().Add(time.Hour).Format(time.RFC3339)}, withToken(f.coord)).code())
	require.Equal(t, "PHASE_CLOSED", b.gql(t, `mutation($e: ID!) { closeElection(input: {electionId: $e}) { election { id } } }`,
		map[string]any{"e": balloting}, withToken(f.coord)).code())
	require.Equal(t, "PHASE_CLOSED", b.gql(t, `mutation($b: ID!) { openElection(input: {bodyId: $b, title: {locale: PL, text: "Nowe wybory"},
		seats: 1, picks: 1}) { election { id } } }`, map[string]any{"b": body}, withToken(f.coord)).code())

	// The candidates are told, each in their language (the body has no
	// voting members any more).
	mails := f.mails(t, "dialogue_election_result", 2)
	require.Len(t, mails, 2)
	require.Len(t, mails[id(f.carol)], 1)
	require.Equal(t, "Результат выборов: Wybór sekretarza", mails[id(f.carol)][0].subject)
	require.Contains(t, mails[id(f.carol)][0].body, "Результат: отменены — орган диалога распущен; никто не избран.")
	require.Len(t, mails[id(f.dan)], 1)
	require.Contains(t, mails[id(f.dan)][0].body, "Result: void — the dialogue body was dissolved; nobody was elected.")
}

// TestDelegate_LeavingTheOrganisationEndsTheDelegation: a delegate removed
// from their organisation no longer votes for it in any body; the
// organisation keeps its seat, with nobody voting for it once its last
// delegate has gone, until staff name one.
func TestDelegate_LeavingTheOrganisationEndsTheDelegation(t *testing.T) {
	t.Parallel()
	f := newDialogueFixture(t)
	b := f.b
	chair := b.signUp(t, "przewodniczacy-deleg@example.org")
	b.confirm(t, "przewodniczacy-deleg@example.org")
	f.appoint(t, f.body, chair, "CHAIR", 365)
	f.addToNGO(t, f.dan, "MEMBER")
	f.addToNGO(t, f.carol, "MEMBER")
	res := b.gql(t, `mutation($in: AppointBodyMemberInput!) { appointBodyMember(input: $in) { member { id } } }`,
		map[string]any{"in": map[string]any{"bodyId": f.body, "organisationId": f.ngoID, "role": "MEMBER",
			"termEnd": time.Now().AddDate(1, 0, 0).Format(time.RFC3339), "delegates": []any{
				map[string]any{"accountId": b.accountID(t, f.dan)},
				map[string]any{"accountId": b.accountID(t, f.moderator), "substitute": true}}}},
		withToken(f.coord))
	require.Empty(t, res.Errors)
	seat := dig(res.Data, "appointBodyMember", "member", "id").(string)

	table := func() string {
		res := b.gql(t, `mutation($in: TableMotionInput!) { tableMotion(input: $in) { motion { id } } }`, map[string]any{"in": map[string]any{
			"bodyId": f.body, "kind": "RESOLUTION", "title": map[string]any{"locale": "PL", "text": "Uchwała"},
			"text": map[string]any{"locale": "PL", "text": "Rada postanawia."}}}, withToken(chair))
		require.Empty(t, res.Errors)
		motion := dig(res.Data, "tableMotion", "motion", "id").(string)
		require.Empty(t, b.gql(t, `mutation($m: ID!, $d: DateTime!) { openMotionVote(input: {motionId: $m, written: {deadline: $d}}) { motion { id } } }`,
			map[string]any{"m": motion, "d": time.Now().Add(time.Hour).Format(time.RFC3339)}, withToken(chair)).Errors)
		return motion
	}
	cast := func(motion, token string) gqlResponse {
		return b.gql(t, `mutation($m: ID!, $o: ID!) { castMotionVote(input: {motionId: $m, choice: YES, as: {organisationId: $o}}) { changed } }`,
			map[string]any{"m": motion, "o": f.ngoID}, withToken(token))
	}
	leave := func(token string) {
		require.Empty(t, b.gql(t, `mutation($o: ID!, $a: ID!) { removeOrganisationMember(input: {organisationId: $o, accountId: $a}) { organisation { id } } }`,
			map[string]any{"o": f.ngoID, "a": b.accountID(t, token)}, withToken(f.coord)).Errors)
	}
	seatOf := func() map[string]any {
		members, _ := f.members(t, f.coord, false)
		m := members[seat]
		return map[string]any{"active": m["active"], "votes": m["votes"], "delegates": m["delegates"]}
	}

	first := table()
	leave(f.dan)
	require.Equal(t, "FORBIDDEN", cast(first, f.dan).code(), "no longer a delegate")
	require.Equal(t, map[string]any{"active": true, "votes": true, "delegates": []any{
		map[string]any{"accountId": b.accountID(t, f.moderator), "kind": "SUBSTITUTE"}}}, seatOf())
	require.Empty(t, cast(first, f.moderator).Errors, "the substitute still votes for it")

	// The last delegate leaves: the seat stays, nobody votes for it.
	second := table()
	leave(f.moderator)
	require.Equal(t, "FORBIDDEN", cast(second, f.moderator).code())
	require.Equal(t, map[string]any{"active": true, "votes": true, "delegates": []any{}}, seatOf())

	// Until staff name a delegate again.
	require.Empty(t, b.gql(t, `mutation($m: ID!, $a: ID!) { setBodyMemberDelegates(input: {memberId: $m, delegates: [{accountId: $a}]}) { member { id } } }`,
		map[string]any{"m": seat, "a": b.accountID(t, f.carol)}, withToken(f.coord)).Errors)
	require.Empty(t, cast(second, f.carol).Errors)
	require.Equal(t, "FORBIDDEN", cast(second, f.dan).code())
}
