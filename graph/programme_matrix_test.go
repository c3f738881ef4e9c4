package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("programme.graphqls")

// TestProgrammeMutations_PermissionMatrix tries every mutation of
// programme.graphqls with every kind of caller: the coordinator (and
// admins) create programmes and define indicators; the official of an
// indicator's unit and the coordinator enter its values and their
// documents; an official of another unit, a moderator, a resident and an
// anonymous caller nothing.
func TestProgrammeMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newProgrammeFixture(t)
	b := f.b
	res := b.gql(t, `mutation($in: CreateOrganisationInput!) { createOrganisation(input: $in) { organisation { id } } }`,
		map[string]any{"in": map[string]any{"kind": "CITY_UNIT", "name": "Wydział Drugi", "slug": "wydzial-drugi",
			"description": map[string]any{"locale": "PL", "text": "Drugi wydział"}}}, withToken(f.coord))
	require.Empty(t, res.Errors)
	elsewhere := b.signUp(t, "urzednik-macierz@example.org")
	require.Empty(t, b.gql(t, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) { accountId } }`,
		map[string]any{"a": b.accountID(t, elsewhere), "o": dig(res.Data, "createOrganisation", "organisation", "id")}, withToken(f.coord)).Errors)
	callers := map[string]string{"anonymous": "", "resident": f.alice, "moderator": f.moderator, "official elsewhere": elsewhere,
		"official": f.official, "coordinator": f.coord}
	entered := f.define(t, map[string]any{"responsibleUnitId": f.unitID, "target": 4000, "unit": "PERSONS"})

	var names []string
	try := func(name, query string, vars map[string]any, allowed []string, mode matrixMode) {
		t.Helper()
		names = append(names, name)
		tryEveryCaller(t, b, callers, name, query, vars, allowed, nil, mode)
	}
	try("createProgramme", createProgrammeMutation, map[string]any{"in": map[string]any{"slug": "macierz", "firstYear": 2024, "lastYear": 2028,
		"name": []any{map[string]any{"locale": "PL", "text": "Program"}}}}, []string{"coordinator"}, firstAllowedSucceeds)
	try("defineIndicator", defineIndicatorMutation, map[string]any{"in": f.indicatorInput(map[string]any{"code": "9.9"})},
		[]string{"coordinator"}, everyAllowedSucceeds)
	try("enterIndicatorValue", `mutation($i: ID!) { enterIndicatorValue(input: {indicatorId: $i, year: 2024, value: 5000, note: "Źródło"}) {
		value { year } } }`, map[string]any{"i": entered}, []string{"official", "coordinator"}, everyAllowedSucceeds)

	names = append(names, "addIndicatorValueAttachment")
	tryEveryUploader(t, b, map[string]string{"anonymous": "", "resident": f.alice, "moderator": f.moderator, "official elsewhere": elsewhere,
		"official": f.official}, "addIndicatorValueAttachment", `mutation($i: ID!, $file: Upload!) { addIndicatorValueAttachment(input: {
		indicatorId: $i, year: 2024, file: $file}) { attachment { id } } }`, map[string]any{"i": entered}, testPDF, []string{"official"},
		firstAllowedSucceeds)
	res = b.upload(t, `mutation($i: ID!, $file: Upload!) { addIndicatorValueAttachment(input: {indicatorId: $i, year: 2024, file: $file}) {
		attachment { id } } }`, map[string]any{"i": entered}, "dowod.pdf", testPDF, withToken(f.coord))
	require.Empty(t, res.Errors)
	try("removeIndicatorValueAttachment", `mutation($a: ID!) { removeIndicatorValueAttachment(input: {attachmentId: $a}) { indicator { id } } }`,
		map[string]any{"a": dig(res.Data, "addIndicatorValueAttachment", "attachment", "id")}, []string{"official", "coordinator"}, firstAllowedSucceeds)
	requireMatrixCoversFile(t, "programme.graphqls", names)
}
