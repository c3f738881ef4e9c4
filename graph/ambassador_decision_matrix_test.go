package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("ambassador_decision.graphqls")

const ambassadorJustification = `[{locale: PL, text: "Uzasadnienie"}, {locale: UK, text: "Обґрунтування"},
	{locale: EN, text: "Justification"}, {locale: RU, text: "Обоснование"}]`

// decisionEdition is an edition in its decision phase: the juror and the
// chair are its jurors; the nominator's nominations of the nominee (an
// individual) and of an organisation are eligible. It returns the
// edition, its categories (organisations, individuals) and the nominations.
func (f *ambassadorFixture) decisionEdition(t *testing.T) (edition, orgCat, indCat, person, org string) {
	t.Helper()
	b := f.b
	edition, indCat = f.edition(t, 2025, false)
	res := b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { categories { id kind } } }`, map[string]any{"e": edition}, withToken(f.coord))
	require.Empty(t, res.Errors)
	for _, c := range dig(res.Data, "ambassadorEdition", "categories").([]any) {
		if c.(map[string]any)["kind"] == "ORGANISATION" {
			orgCat = c.(map[string]any)["id"].(string)
		}
	}
	f.grantJuror(t, f.tokens[callerJuror], edition)
	f.grantJuror(t, f.tokens[callerChair], edition)
	f.ok(t, b.gql(t, `mutation($e: ID!, $a: ID!) { setAmbassadorJuryChair(input: {editionId: $e, accountId: $a}) { edition { id } } }`,
		map[string]any{"e": edition, "a": b.accountID(t, f.tokens[callerChair])}, withToken(f.coord)))
	person = f.nominate(t, f.tokens[callerNominator], edition, indCat, "nominowana@example.org")
	org = f.nominate(t, f.tokens[callerNominator], edition, orgCat, "fundacja@example.org")
	for _, n := range []string{person, org} {
		f.ok(t, b.gql(t, `mutation($n: ID!) { recordAmbassadorConsent(input: {nominationId: $n, scanRef: "skan/1"}) { nomination { id } } }`,
			map[string]any{"n": n}, withToken(f.coord)))
	}
	move := func(to string) {
		f.ok(t, b.gql(t, `mutation($e: ID!, $to: AmbassadorPhase!) { moveAmbassadorEdition(input: {editionId: $e, to: $to,
			reason: "Etap zamknięty wcześniej."}) { edition { id } } }`, map[string]any{"e": edition, "to": to}, withToken(f.coord)))
	}
	move("FORMAL_CHECK")
	for _, n := range []string{person, org} {
		f.ok(t, b.gql(t, `mutation($n: ID!) { checkAmbassadorNomination(input: {nominationId: $n, eligible: true}) { nomination { id } } }`,
			map[string]any{"n": n}, withToken(f.coord)))
	}
	move("SCORING")
	move("DECISION")
	return edition, orgCat, indCat, person, org
}

const draftProposal = `mutation($e: ID!, $c: ID!, $n: ID!) { draftAmbassadorProposal(input: {editionId: $e, categoryId: $c,
	entries: [{nominationId: $n, rank: LAUREATE, justification: ` + ambassadorJustification + `}]}) { proposal { id status } } }`

// TestAmbassadorDecisionMutations_PermissionMatrix tries every mutation of
// ambassador_decision.graphqls with every kind of caller, including the
// edition's jurors and chair, a juror of another edition, the nominator and
// the nominee. The chair and staff draft proposals and run their votes;
// only jurors present at the sitting vote; only staff record the award.
func TestAmbassadorDecisionMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	cf := newCallerFixture(t)
	b := cf.b
	f := &ambassadorFixture{callerFixture: cf, tokens: map[string]string{}}
	for k, v := range cf.tokens {
		f.tokens[k] = v
	}
	for kind, email := range map[string]string{callerJuror: "jurorka@example.org", callerChair: "przewodniczacy@example.org",
		callerOtherJuror: "juror.inny@example.org", callerNominator: "zglaszajaca@example.org", callerNominee: "nominowana@example.org"} {
		f.tokens[kind] = b.signUp(t, email)
		b.confirm(t, email)
	}
	edition, orgCat, indCat, person, org := f.decisionEdition(t)
	other, _ := f.edition(t, 2024, false)
	f.grantJuror(t, f.tokens[callerOtherJuror], other)
	staff := []string{callerCoordinator, callerAdmin}
	chairAndStaff := []string{callerChair, callerCoordinator, callerAdmin}

	var names []string
	try := func(name, query string, vars map[string]any, allowed []string, mode matrixMode) {
		t.Helper()
		names = append(names, name)
		tryEveryCaller(t, b, f.tokens, name, query, vars, allowed, nil, mode)
	}
	try("draftAmbassadorProposal", draftProposal, map[string]any{"e": edition, "c": indCat, "n": person}, chairAndStaff, everyAllowedSucceeds)
	res := b.gql(t, `query($e: ID!) { ambassadorEdition(id: $e) { proposals { id } } }`, map[string]any{"e": edition}, withToken(f.coord))
	require.Empty(t, res.Errors)
	proposal := dig(dig(res.Data, "ambassadorEdition", "proposals").([]any)[0], "id").(string)
	roll := []string{b.accountID(t, f.tokens[callerChair]), b.accountID(t, f.tokens[callerJuror])}
	try("openAmbassadorProposalVote", `mutation($p: ID!, $r: [ID!]!) { openAmbassadorProposalVote(input: {proposalId: $p,
		presentJurorIds: $r}) { proposal { status present } } }`, map[string]any{"p": proposal, "r": roll}, chairAndStaff, firstAllowedSucceeds)
	try("castAmbassadorProposalVote", `mutation($p: ID!) { castAmbassadorProposalVote(input: {proposalId: $p, choice: YES}) {
		proposal { vote { open voters } } } }`, map[string]any{"p": proposal}, []string{callerJuror, callerChair}, everyAllowedSucceeds)
	try("closeAmbassadorProposalVote", `mutation($p: ID!) { closeAmbassadorProposalVote(input: {proposalId: $p}) {
		proposal { status } } }`, map[string]any{"p": proposal}, chairAndStaff, firstAllowedSucceeds)

	// The organisations' proposal, adopted by the two jurors.
	orgProposal := f.ok(t, b.gql(t, draftProposal, map[string]any{"e": edition, "c": orgCat, "n": org}, withToken(f.coord)),
		"draftAmbassadorProposal", "proposal", "id")
	f.ok(t, b.gql(t, `mutation($p: ID!, $r: [ID!]!) { openAmbassadorProposalVote(input: {proposalId: $p, presentJurorIds: $r}) {
		proposal { id } } }`, map[string]any{"p": orgProposal, "r": roll}, withToken(f.tokens[callerChair])))
	for _, who := range []string{callerChair, callerJuror} {
		f.ok(t, b.gql(t, `mutation($p: ID!) { castAmbassadorProposalVote(input: {proposalId: $p, choice: YES}) { proposal { id } } }`,
			map[string]any{"p": orgProposal}, withToken(f.tokens[who])))
	}
	f.ok(t, b.gql(t, `mutation($p: ID!) { closeAmbassadorProposalVote(input: {proposalId: $p}) { proposal { id } } }`,
		map[string]any{"p": orgProposal}, withToken(f.tokens[callerChair])))

	award := `mutation($e: ID!, $c: ID!, $n: ID!) { recordAmbassadorAward(input: {editionId: $e, categoryId: $c,
		entries: [{nominationId: $n, rank: LAUREATE}]}) { award { category reason entries { nomineeName rank } } } }`
	try("recordAmbassadorAward", award, map[string]any{"e": edition, "c": indCat, "n": person}, staff, everyAllowedSucceeds)
	requireMatrixCoversFile(t, "ambassador_decision.graphqls", names)
	f.ok(t, b.gql(t, award, map[string]any{"e": edition, "c": orgCat, "n": org}, withToken(f.coord)))
}

// TestAmbassadorDecision_WhoSeesWhatBeforeAndAfterTheAnnouncement: the
// proposals, their roll call and the laureates are the jury's and staff's
// until the announcement; then the laureates, the proposals and their
// counts are public (each juror's vote stays with the jury and staff); the
// nomination count is public once nominations have closed.
func TestAmbassadorDecision_WhoSeesWhatBeforeAndAfterTheAnnouncement(t *testing.T) {
	t.Parallel()
	cf := newCallerFixture(t)
	b := cf.b
	f := &ambassadorFixture{callerFixture: cf, tokens: map[string]string{}}
	for k, v := range cf.tokens {
		f.tokens[k] = v
	}
	for kind, email := range map[string]string{callerJuror: "jurorka@example.org", callerChair: "przewodniczacy@example.org",
		callerNominator: "zglaszajaca@example.org"} {
		f.tokens[kind] = b.signUp(t, email)
		b.confirm(t, email)
	}
	edition, orgCat, indCat, person, org := f.decisionEdition(t)
	roll := []string{b.accountID(t, f.tokens[callerChair]), b.accountID(t, f.tokens[callerJuror])}
	for _, c := range [][2]string{{indCat, person}, {orgCat, org}} {
		p := f.ok(t, b.gql(t, draftProposal, map[string]any{"e": edition, "c": c[0], "n": c[1]}, withToken(f.tokens[callerChair])),
			"draftAmbassadorProposal", "proposal", "id")
		f.ok(t, b.gql(t, `mutation($p: ID!, $r: [ID!]!) { openAmbassadorProposalVote(input: {proposalId: $p, presentJurorIds: $r}) {
			proposal { id } } }`, map[string]any{"p": p, "r": roll}, withToken(f.tokens[callerChair])))
		f.ok(t, b.gql(t, `mutation($p: ID!) { castAmbassadorProposalVote(input: {proposalId: $p, choice: YES}) { proposal { id } } }`,
			map[string]any{"p": p}, withToken(f.tokens[callerChair])))
		f.ok(t, b.gql(t, `mutation($p: ID!) { castAmbassadorProposalVote(input: {proposalId: $p, choice: NO}) { proposal { id } } }`,
			map[string]any{"p": p}, withToken(f.tokens[callerJuror])))
		res := b.gql(t, `mutation($p: ID!) { closeAmbassadorProposalVote(input: {proposalId: $p}) { proposal { status
			vote { members present yes no quorum byCastingVote } } } }`, map[string]any{"p": p}, withToken(f.tokens[callerChair]))
		require.Empty(t, res.Errors)
		// 1 : 1 of two present: the chair's casting vote adopts.
		require.Equal(t, map[string]any{"status": "ADOPTED", "vote": map[string]any{"members": float64(2), "present": float64(2),
			"yes": float64(1), "no": float64(1), "quorum": float64(1), "byCastingVote": true}},
			dig(res.Data, "closeAmbassadorProposalVote", "proposal"))
	}

	view := `query($e: ID!) { ambassadorEdition(id: $e) { announcedAt proposals { status vote { yes no } rollCall { choice }
		entries { nomineeName rank justification(locale: EN) { text } } } laureates { year category laureate { nomineeName rank } }
		nominationCount { received eligible } } }`
	see := func(token string) map[string]any {
		var opts []reqOpt
		if token != "" {
			opts = append(opts, withToken(token))
		}
		res := b.gql(t, view, map[string]any{"e": edition}, opts...)
		require.Empty(t, res.Errors)
		return dig(res.Data, "ambassadorEdition").(map[string]any)
	}
	public := see("")
	require.Nil(t, public["announcedAt"])
	require.Empty(t, public["proposals"])
	require.Nil(t, public["laureates"])
	require.Equal(t, map[string]any{"received": float64(2), "eligible": float64(2)}, public["nominationCount"])
	jury := see(f.tokens[callerJuror])
	require.Len(t, jury["proposals"], 2)
	require.Len(t, dig(jury["proposals"].([]any)[0], "rollCall"), 2)
	require.Equal(t, []any{}, jury["laureates"]) // no award yet

	// The announcement waits for the award.
	moveAnnounce := `mutation($e: ID!) { moveAmbassadorEdition(input: {editionId: $e, to: ANNOUNCEMENT, reason: "Ogłaszamy laureatów."}) {
		edition { phase } } }`
	require.Equal(t, "CONFLICT", b.gql(t, moveAnnounce, map[string]any{"e": edition}, withToken(f.coord)).code())
	for _, c := range [][2]string{{indCat, person}, {orgCat, org}} {
		f.ok(t, b.gql(t, `mutation($e: ID!, $c: ID!, $n: ID!) { recordAmbassadorAward(input: {editionId: $e, categoryId: $c,
			entries: [{nominationId: $n, rank: LAUREATE}]}) { award { category } } }`, map[string]any{"e": edition, "c": c[0], "n": c[1]},
			withToken(f.coord)))
	}
	require.Nil(t, see(f.tokens[callerNominator])["laureates"])
	f.ok(t, b.gql(t, moveAnnounce, map[string]any{"e": edition}, withToken(f.coord)))

	public = see("")
	require.NotNil(t, public["announcedAt"])
	require.Equal(t, []any{
		map[string]any{"year": float64(2025), "category": "ORGANISATION", "laureate": map[string]any{"nomineeName": "Kandydatka", "rank": "LAUREATE"}},
		map[string]any{"year": float64(2025), "category": "INDIVIDUAL", "laureate": map[string]any{"nomineeName": "Kandydatka", "rank": "LAUREATE"}},
	}, public["laureates"])
	require.Len(t, public["proposals"], 2)
	for _, p := range public["proposals"].([]any) {
		require.Equal(t, map[string]any{"yes": float64(1), "no": float64(1)}, dig(p, "vote"))
		require.Nil(t, dig(p, "rollCall"))
		require.Equal(t, "Justification", dig(p.(map[string]any)["entries"].([]any)[0], "justification", "text"))
	}
	res := b.gql(t, `{ ambassadorLaureates(first: 1) { totalCount edges { node { year laureate { rank } } } pageInfo { hasNextPage } } }`, nil)
	require.Empty(t, res.Errors)
	require.Equal(t, float64(2), dig(res.Data, "ambassadorLaureates", "totalCount"))
	require.Equal(t, true, dig(res.Data, "ambassadorLaureates", "pageInfo", "hasNextPage"))
}
