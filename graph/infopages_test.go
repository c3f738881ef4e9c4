package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("infopages.graphqls")

// Callers of the information pages' matrix besides callerFixture's.
const (
	callerTranslator      = "translator"       // a translator of procedures
	callerOtherTranslator = "other_translator" // a translator of guides
)

type infoFixture struct {
	*callerFixture
	tokens map[string]string
}

func newInfoFixture(t *testing.T) *infoFixture {
	t.Helper()
	cf := newCallerFixture(t)
	f := &infoFixture{callerFixture: cf, tokens: map[string]string{}}
	for k, v := range cf.tokens {
		f.tokens[k] = v
	}
	for kind, email := range map[string]string{callerTranslator: "tlumaczka@example.org", callerOtherTranslator: "tlumacz@example.org"} {
		f.tokens[kind] = cf.b.signUp(t, email)
		cf.b.confirm(t, email)
	}
	f.ok(t, f.b.gql(t, `mutation($a: ID!) { grantTranslator(input: {accountId: $a, kind: PROCEDURE}) { accountId } }`,
		map[string]any{"a": f.b.accountID(t, f.tokens[callerTranslator])}, withToken(f.coord)))
	f.ok(t, f.b.gql(t, `mutation($a: ID!) { grantTranslator(input: {accountId: $a, kind: GUIDE}) { accountId } }`,
		map[string]any{"a": f.b.accountID(t, f.tokens[callerOtherTranslator])}, withToken(f.coord)))
	return f
}

func (f *infoFixture) ok(t *testing.T, res gqlResponse, path ...string) any {
	t.Helper()
	require.Empty(t, res.Errors)
	if len(path) == 0 {
		return nil
	}
	return dig(res.Data, path...)
}

// page creates a procedure of the unit (published unless draft) and returns its id.
func (f *infoFixture) page(t *testing.T, slug, kind string, draft bool) string {
	t.Helper()
	id := f.ok(t, f.b.gql(t, `mutation($s: String!, $k: InfoPageKind!, $u: ID!) { createInfoPage(input: {slug: $s, kind: $k, unitId: $u,
		title: "Tytuł", body: "Treść **pogrubiona**."}) { page { id } } }`, map[string]any{"s": slug, "k": kind, "u": f.unitID},
		withToken(f.coord)), "createInfoPage", "page", "id").(string)
	if !draft {
		f.ok(t, f.b.gql(t, `mutation($p: ID!) { publishInfoPage(input: {pageId: $p}) { page { status } } }`,
			map[string]any{"p": id}, withToken(f.coord)))
	}
	return id
}

func (f *infoFixture) version(t *testing.T, page string) int {
	t.Helper()
	return int(f.ok(t, f.b.gql(t, `query($p: ID!) { node(id: $p) { ... on InfoPage { originalVersion } } }`,
		map[string]any{"p": page}, withToken(f.coord)), "node", "originalVersion").(float64))
}

// TestInfoPagesMutations_PermissionMatrix tries every mutation of
// infopages.graphqls with every kind of caller: coordinators and admins run
// pages; the unit's officials edit its original; translators of the page's
// kind (and staff) translate; grants of the translator role are grantRole's.
func TestInfoPagesMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newInfoFixture(t)
	b := f.b
	staff := []string{callerCoordinator, callerAdmin}
	proc := f.page(t, "procedura", "PROCEDURE", false)
	guide := f.page(t, "przewodnik", "GUIDE", false)
	slugs := map[string]string{callerCoordinator: "nowa-koordynatorki", callerAdmin: "nowa-administratorki"}
	target := b.accountID(t, f.tokens[callerResident])
	runMatrix(t, b, f.tokens, "infopages.graphqls", []matrixTry{
		{name: "createInfoPage", query: `mutation($s: String!) { createInfoPage(input: {slug: $s, kind: WELCOME, title: "Witamy", body: "Treść"}) {
			page { slug status originalVersion } } }`,
			vars: func(c string) map[string]any {
				if s, ok := slugs[c]; ok {
					return map[string]any{"s": s}
				}
				return map[string]any{"s": "odmowa"}
			}, allowed: staff,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, map[string]any{"slug": "nowa-administratorki", "status": "DRAFT", "originalVersion": float64(1)},
					dig(got[callerAdmin].Data, "createInfoPage", "page"))
			}},
		{name: "updateInfoPageOriginal", query: `mutation($p: ID!, $v: Int!, $b: String!) { updateInfoPageOriginal(input: {pageId: $p, baseVersion: $v,
			title: "Tytuł", body: $b}) { page { originalVersion } } }`,
			vars: func(c string) map[string]any {
				return map[string]any{"p": proc, "v": f.version(t, proc), "b": "Zmiana: " + c}
			}, allowed: []string{callerOfficial, callerCoordinator, callerAdmin},
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, 4, f.version(t, proc))
			}},
		{name: "addInfoPageTranslation", label: "procedure", query: `mutation($p: ID!, $l: String!) { addInfoPageTranslation(input: {pageId: $p,
			language: $l, title: "Заголовок", body: "Текст", credit: "Fundacja X"}) { translation { language version outdated basedOnVersion } } }`,
			vars:    func(c string) map[string]any { return map[string]any{"p": proc, "l": "uk"} },
			allowed: []string{callerTranslator, callerCoordinator, callerAdmin},
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, map[string]any{"language": "uk", "version": float64(3), "outdated": false, "basedOnVersion": float64(4)},
					dig(got[callerAdmin].Data, "addInfoPageTranslation", "translation"))
			}},
		{name: "addInfoPageTranslation", label: "guide", query: `mutation($p: ID!) { addInfoPageTranslation(input: {pageId: $p,
			language: "ka", title: "სათაური", body: "ტექსტი"}) { translation { language } } }`,
			vars: fixedVars(map[string]any{"p": guide}), allowed: []string{callerOtherTranslator, callerCoordinator, callerAdmin}},
		{name: "publishInfoPage", query: `mutation($p: ID!) { publishInfoPage(input: {pageId: $p}) { page { status } } }`,
			vars: fixedVars(map[string]any{"p": proc}), allowed: staff},
		{name: "archiveInfoPage", query: `mutation($p: ID!) { archiveInfoPage(input: {pageId: $p}) { page { status } } }`,
			vars: fixedVars(map[string]any{"p": guide}), allowed: staff,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				require.Equal(t, "ARCHIVED", dig(got[callerCoordinator].Data, "archiveInfoPage", "page", "status"))
			}},
		{name: "grantTranslator", query: `mutation($a: ID!) { grantTranslator(input: {accountId: $a, kind: WELCOME}) { accountId } }`,
			vars: fixedVars(map[string]any{"a": target}), allowed: staff},
		{name: "revokeTranslator", query: `mutation($a: ID!) { revokeTranslator(input: {accountId: $a, kind: WELCOME}) { accountId } }`,
			vars: fixedVars(map[string]any{"a": target}), allowed: staff},
	})

	// Drafts and archived pages: who reads them (null for the others).
	f.page(t, "szkic", "PROCEDURE", true)
	var everyone []string
	for caller := range f.tokens {
		everyone = append(everyone, caller)
	}
	readers := map[string][]string{
		"procedura":  everyone, // published
		"szkic":      {callerOfficial, callerTranslator, callerCoordinator, callerAdmin},
		"przewodnik": {callerOfficial, callerCoordinator, callerAdmin}, // archived: not translators
	}
	for slug, allowed := range readers {
		for caller, tok := range f.tokens {
			var opts []reqOpt
			if tok != "" {
				opts = append(opts, withToken(tok))
			}
			res := b.gql(t, `query($s: String!) { infoPage(slug: $s) { slug } infoPages(first: 100) { edges { node { slug } } } }`,
				map[string]any{"s": slug}, opts...)
			require.Empty(t, res.Errors)
			listed := false
			for _, e := range dig(res.Data, "infoPages", "edges").([]any) {
				listed = listed || dig(e, "node", "slug") == slug
			}
			want := false
			for _, a := range allowed {
				want = want || a == caller
			}
			require.Equal(t, want, dig(res.Data, "infoPage") != nil, "%s reads %s", caller, slug)
			require.Equal(t, want, listed, "%s lists %s", caller, slug)
		}
	}
}
