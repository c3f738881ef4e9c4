package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("ambassador_scoring.graphqls")

// TestAmbassadorScoringMutations_PermissionMatrix tries every mutation of
// the jury's scoring with every kind of caller, including the edition's
// jurors and chair, a juror of another edition, the nominator and the
// nominee: only the edition's jurors declare and score; the coordinator
// (and admin) adds conflicts; jurors who have scored and staff discuss.
func TestAmbassadorScoringMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	cf := newCallerFixture(t)
	f := newScoringFixture(t, cf, 2025, "")
	b := f.b
	tokens := map[string]string{}
	for k, v := range cf.tokens {
		tokens[k] = v
	}
	for kind, email := range map[string]string{callerJuror: "jurorka.m@example.org", callerChair: "przewodniczacy.m@example.org",
		callerOtherJuror: "juror.inny.m@example.org", callerNominator: "zglaszajaca.m@example.org", callerNominee: "nominowana.m@example.org"} {
		tokens[kind] = f.account(t, email)
	}
	f.grantJuror(t, tokens[callerJuror], f.edition)
	f.grantJuror(t, tokens[callerChair], f.edition)
	spare := f.account(t, "juror.zapasowy.m@example.org")
	f.grantJuror(t, spare, f.edition)
	f.ok(t, b.gql(t, `mutation($e: ID!, $a: ID!) { setAmbassadorJuryChair(input: {editionId: $e, accountId: $a}) { edition { id } } }`,
		map[string]any{"e": f.edition, "a": b.accountID(t, tokens[callerChair])}, withToken(f.coord)))
	other, _ := f.ambassadorFixture.edition(t, 2024, false)
	f.grantJuror(t, tokens[callerOtherJuror], other)
	nomination := f.nominateAs(t, tokens[callerNominator], "INDIVIDUAL", "Nominowana", "nominowana.m@example.org")
	f.toScoring(t, nomination)

	jurors := []string{callerJuror, callerChair}
	staff := []string{callerCoordinator, callerAdmin}
	var names []string
	try := func(name, query string, vars map[string]any, allowed []string, mode matrixMode) {
		t.Helper()
		names = append(names, name)
		tryEveryCaller(t, b, tokens, name, query, vars, allowed, nil, mode)
	}
	try("declareAmbassadorConflict", declareMutation, map[string]any{"n": nomination, "d": "NONE"}, jurors, everyAllowedSucceeds)
	try("addAmbassadorConflict", `mutation($n: ID!, $a: ID!) { addAmbassadorConflict(input: {nominationId: $n, accountId: $a,
		reason: "Juror zasiada w zarządzie nominowanej."}) { nomination { id } } }`,
		map[string]any{"n": nomination, "a": b.accountID(t, spare)}, staff, everyAllowedSucceeds)
	var scores []map[string]any
	for _, c := range f.criteria {
		scores = append(scores, map[string]any{"criterionId": c, "points": 6})
	}
	try("saveAmbassadorScores", scoresMutation, map[string]any{"n": nomination, "s": scores, "submit": true}, jurors, everyAllowedSucceeds)
	try("commentOnAmbassadorNomination", commentMutation, map[string]any{"n": nomination, "b": "Uwaga."},
		append(append([]string{}, jurors...), staff...), everyAllowedSucceeds)
	requireMatrixCoversFile(t, "ambassador_scoring.graphqls", names)

	// The juror in the coordinator's conflict cannot score or discuss it.
	require.Equal(t, "FORBIDDEN", f.score(t, spare, nomination, true, 6, 6, 6, 6).code())
	require.Equal(t, "FORBIDDEN", f.comment(t, spare, nomination, "Uwaga.").code())
}
