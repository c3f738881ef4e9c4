package graph_test

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph/generated"
)

// requireMatrixCoversFile fails unless names (the cases of a permission
// matrix) are exactly the mutations declared in the schema file, so a new
// mutation cannot go untested.
func requireMatrixCoversFile(t *testing.T, file string, names []string) {
	t.Helper()
	requireMatrixCoversFiles(t, []string{file}, names)
}

// requireMatrixCoversFiles is requireMatrixCoversFile for a matrix whose
// mutations are declared across several schema files of one domain.
func requireMatrixCoversFiles(t *testing.T, files []string, names []string) {
	t.Helper()
	var declared []string
	for _, file := range files {
		require.True(t, matrixFiles[file], "register %s with matrixFor in its matrix's test file", file)
		n := len(declared)
		for _, fd := range generated.NewExecutableSchema(generated.Config{}).Schema().Mutation.Fields {
			if fd.Position != nil && fd.Position.Src != nil && filepath.Base(fd.Position.Src.Name) == file {
				declared = append(declared, fd.Name)
			}
		}
		require.Greater(t, len(declared), n, "no mutations found in %s", file)
	}
	for _, name := range declared {
		require.Contains(t, names, name, "%v: mutation %s has no case in the permission matrix", files, name)
	}
	require.ElementsMatch(t, declared, names, "%v: every case is a mutation of the files, once", files)
}

// matrixMode says how a permission-matrix case treats its allowed callers.
type matrixMode int

const (
	// firstAllowedSucceeds: the first allowed caller must succeed; it
	// changes the state, so the others would only meet the next phase.
	firstAllowedSucceeds matrixMode = iota
	// everyAllowedSucceeds: every allowed caller must succeed.
	everyAllowedSucceeds
	// everyAllowedPasses: every allowed caller must get past the permission
	// check (a later rule may still refuse a repeated call).
	everyAllowedPasses
)

// matrixRefusals are the answers of a refused caller.
var matrixRefusals = []string{"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}

// tryEveryCaller runs one mutation as every caller not in skip, refused
// callers first so that an allowed call cannot change what they meet. A
// refused caller gets UNAUTHENTICATED, FORBIDDEN or NOT_FOUND (anonymous:
// UNAUTHENTICATED); allowed callers are checked as mode says.
func tryEveryCaller(t *testing.T, b *bundle, callers map[string]string, name, query string, vars map[string]any,
	allowed, skip []string, mode matrixMode) {
	t.Helper()
	var order []string
	for caller := range callers {
		if !slices.Contains(allowed, caller) && !slices.Contains(skip, caller) {
			order = append(order, caller)
		}
	}
	order = append(order, allowed...)
	for _, caller := range order {
		var opts []reqOpt
		if tok := callers[caller]; tok != "" {
			opts = append(opts, withToken(tok))
		}
		res := b.gql(t, query, vars, opts...)
		if slices.Contains(allowed, caller) {
			if mode == everyAllowedPasses {
				require.NotContains(t, matrixRefusals, res.code(), "%s by %s: %+v", name, caller, res.Errors)
				continue
			}
			require.Empty(t, res.Errors, "%s by %s", name, caller)
			if mode == firstAllowedSucceeds {
				return
			}
			continue
		}
		require.Contains(t, matrixRefusals, res.code(), "%s by %s: %+v", name, caller, res.Errors)
		if caller == "anonymous" {
			require.Equal(t, "UNAUTHENTICATED", res.code(), name)
		}
	}
}

// matrixFiles are the schema files that have a permission matrix: each
// matrix test file registers its file with matrixFor, so that
// TestPermissionMatrices_CoverEverySchemaFileWithMutations can tell a schema
// file whose mutations nobody tries.
var matrixFiles = map[string]bool{}

// matrixFor registers file (a schema file's base name) as covered by a
// permission matrix; call it from a package-level var of the matrix's test
// file. Package variables are initialised on one goroutine, so the map needs
// no lock.
func matrixFor(file string) bool {
	matrixFiles[file] = true
	return true
}

// mutationFiles returns the base names of the schema files that declare
// mutations.
func mutationFiles(t *testing.T) map[string]bool {
	t.Helper()
	files := map[string]bool{}
	for _, fd := range generated.NewExecutableSchema(generated.Config{}).Schema().Mutation.Fields {
		if strings.HasPrefix(fd.Name, "__") {
			continue
		}
		require.True(t, fd.Position != nil && fd.Position.Src != nil, "mutation %s has no source position", fd.Name)
		files[filepath.Base(fd.Position.Src.Name)] = true
	}
	return files
}

func TestPermissionMatrices_CoverEverySchemaFileWithMutations(t *testing.T) {
	t.Parallel()
	declaring := slices.Sorted(maps.Keys(mutationFiles(t)))
	require.Contains(t, declaring, "schema.graphql", "the root schema file declares addTranslation")
	require.Equal(t, declaring, slices.Sorted(maps.Keys(matrixFiles)),
		"every schema file that declares mutations has a permission matrix registered with matrixFor, and no other file")
}

// Caller kinds of the matrices built on callerFixture.
const (
	callerAnonymous     = "anonymous"
	callerUnconfirmed   = "unconfirmed"    // signed up, e-mail not confirmed
	callerResident      = "resident"       // e-mail confirmed
	callerVerified      = "verified"       // verified resident (may vote)
	callerNGOMember     = "ngo_member"     // member of the NGO
	callerNGOModerator  = "ngo_moderator"  // moderator member of the NGO
	callerNGOManager    = "ngo_manager"    // manager of the NGO
	callerOfficial      = "official"       // official of the unit
	callerOtherOfficial = "other_official" // official of another unit
	callerBallotOfficer = "ballot_officer" // ballot officer of an edition of the unit
	callerCoordinator   = "coordinator"
	callerAdmin         = "admin"
)

// matrixPassword is the password of every account b.signUp creates.
const matrixPassword = "correct horse battery"

// callerFixture is the consultation fixture with one account of every kind
// of caller: tokens and e-mails by kind (the anonymous caller's token is
// ""), every account but the unconfirmed one with a confirmed e-mail.
type callerFixture struct {
	*consultationFixture
	otherUnitID, edition string
	tokens               map[string]string
	emails               map[string]string
}

func newCallerFixture(t *testing.T) *callerFixture {
	t.Helper()
	f := &callerFixture{consultationFixture: newConsultationFixture(t)}
	b := f.b
	f.emails = map[string]string{callerResident: "mieszkaniec1@example.org", callerVerified: "mieszkaniec0@example.org",
		callerNGOModerator: "moderatorka@example.org", callerOfficial: "urzednik@example.org", callerCoordinator: "koordynatorka@example.org"}
	f.tokens = map[string]string{callerAnonymous: "", callerResident: f.bob, callerVerified: f.alice, callerNGOModerator: f.moderator,
		callerOfficial: f.official, callerCoordinator: f.coord}
	for kind, email := range map[string]string{callerUnconfirmed: "niepotwierdzona@example.org", callerNGOMember: "czlonek@example.org",
		callerNGOManager: "menedzerka@example.org", callerOtherOfficial: "urzedniczka.inna@example.org",
		callerBallotOfficer: "komisja@example.org", callerAdmin: "administratorka@example.org"} {
		f.emails[kind], f.tokens[kind] = email, b.signUp(t, email)
	}
	for kind, email := range f.emails {
		if kind != callerUnconfirmed {
			b.confirm(t, email)
		}
	}
	f.ngoManager = f.tokens[callerNGOManager]
	ok := func(res gqlResponse, path ...string) string {
		t.Helper()
		require.Empty(t, res.Errors)
		if len(path) == 0 {
			return ""
		}
		return dig(res.Data, path...).(string)
	}

	ok(b.gql(t, `mutation($a: ID!) { verifyResident(input: {accountId: $a, identifierType: PESEL, identifier: "44051401359"}) { verified } }`,
		map[string]any{"a": b.accountID(t, f.alice)}, withToken(f.official)))
	for kind, role := range map[string]string{callerNGOMember: "MEMBER", callerNGOManager: "MANAGER"} {
		ok(b.gql(t, `mutation($o: ID!, $a: ID!, $r: MemberRole!) { addOrganisationMember(input: {organisationId: $o, accountId: $a, role: $r}) { member { role } } }`,
			map[string]any{"o": f.ngoID, "a": b.accountID(t, f.tokens[kind]), "r": role}, withToken(f.coord)))
	}
	f.otherUnitID = ok(b.gql(t, `mutation { createOrganisation(input: {kind: CITY_UNIT, name: "Wydział Architektury", slug: "wydzial-architektury"}) {
		organisation { id } } }`, nil, withToken(f.coord)), "createOrganisation", "organisation", "id")
	ok(b.gql(t, `mutation($a: ID!, $o: ID!) { grantRole(input: {accountId: $a, role: OFFICIAL, organisationId: $o}) { accountId } }`,
		map[string]any{"a": b.accountID(t, f.tokens[callerOtherOfficial]), "o": f.otherUnitID}, withToken(f.coord)))
	f.edition = ok(b.gql(t, `mutation($u: ID!) { createBudgetEdition(input: {unitId: $u, year: 2031}) { edition { id } } }`,
		map[string]any{"u": f.unitID}, withToken(f.official)), "createBudgetEdition", "edition", "id")
	point := ok(b.gql(t, `mutation($e: ID!) { createVotingPoint(input: {editionId: $e, name: "Urząd Podgórze"}) { votingPoint { id } } }`,
		map[string]any{"e": f.edition}, withToken(f.official)), "createVotingPoint", "votingPoint", "id")
	ok(b.gql(t, `mutation($p: ID!, $a: ID!) { assignBallotOfficer(input: {votingPointId: $p, accountId: $a}) { votingPoint { id } } }`,
		map[string]any{"p": point, "a": b.accountID(t, f.tokens[callerBallotOfficer])}, withToken(f.official)))
	// The first admin comes from the command line, as in production.
	_, err := b.identity.CreateAdmin(t.Context(), f.emails[callerAdmin], "", "")
	require.NoError(t, err)
	return f
}

// callers returns every kind of caller but the skipped ones.
func (f *callerFixture) callers(skip ...string) []string {
	var out []string
	for kind := range f.tokens {
		if !slices.Contains(skip, kind) {
			out = append(out, kind)
		}
	}
	slices.Sort(out)
	return out
}

// matrixTry is one mutation tried by every caller with exact answers: an
// allowed caller succeeds; a refused one gets refused (FORBIDDEN unless
// set; the anonymous caller always UNAUTHENTICATED).
type matrixTry struct {
	name    string // the mutation
	label   string // what the try shows, where a mutation has several
	query   string
	vars    func(caller string) map[string]any // nil: no variables
	allowed []string
	refused string
	tokens  map[string]string // the callers' tokens, when not the fixture's (filled by before)
	before  func(t *testing.T)
	effect  func(t *testing.T, got map[string]gqlResponse) // checks what the allowed calls did
}

// fixedVars is a matrixTry's vars when every caller sends the same.
func fixedVars(vars map[string]any) func(string) map[string]any {
	return func(string) map[string]any { return vars }
}

// runMatrix checks that the tries cover exactly the mutations of file, then
// runs them in order.
func runMatrix(t *testing.T, b *bundle, tokens map[string]string, file string, tries []matrixTry) {
	t.Helper()
	var names []string
	for _, c := range tries {
		if !slices.Contains(names, c.name) {
			names = append(names, c.name)
		}
	}
	requireMatrixCoversFile(t, file, names)
	for _, c := range tries {
		tryExactly(t, b, tokens, c)
	}
}

// tryExactly runs c as every caller, the refused ones first so that an
// allowed call cannot change what they meet, and then checks c's effect on
// the allowed callers' answers.
func tryExactly(t *testing.T, b *bundle, tokens map[string]string, c matrixTry) {
	t.Helper()
	if c.before != nil {
		c.before(t)
	}
	if c.tokens != nil {
		tokens = c.tokens
	}
	var order []string
	for caller := range tokens {
		if !slices.Contains(c.allowed, caller) {
			order = append(order, caller)
		}
	}
	slices.Sort(order)
	for _, caller := range c.allowed {
		require.Contains(t, tokens, caller, "%s %s: unknown caller", c.name, c.label)
	}
	order = append(order, c.allowed...)
	got := map[string]gqlResponse{}
	for _, caller := range order {
		var opts []reqOpt
		if tok := tokens[caller]; tok != "" {
			opts = append(opts, withToken(tok))
		}
		var vars map[string]any
		if c.vars != nil {
			vars = c.vars(caller)
		}
		res := b.gql(t, c.query, vars, opts...)
		what := fmt.Sprintf("%s (%s) by %s", c.name, c.label, caller)
		if slices.Contains(c.allowed, caller) {
			require.Empty(t, res.Errors, what)
			require.NotNil(t, res.Data[c.name], what)
			got[caller] = res
			continue
		}
		want := c.refused
		if want == "" {
			want = "FORBIDDEN"
		}
		if tokens[caller] == "" {
			want = "UNAUTHENTICATED"
		}
		require.Equal(t, want, res.code(), "%s: %+v", what, res.Errors)
		require.Nil(t, res.Data[c.name], what)
	}
	if c.effect != nil {
		c.effect(t, got)
	}
}
