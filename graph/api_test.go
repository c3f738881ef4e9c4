package graph_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/otwarty/otwarty/graph/generated"
	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/internal/i18n"
)

// anonymousMutations are the only mutations an anonymous caller may use
// (DESIGN.md, Decisions). Later issues add voting-code redemption, nominee
// consent by link and the survey answer.
var anonymousMutations = map[string]bool{
	"signUp": true, "signIn": true, "confirmEmail": true, "requestPasswordReset": true,
	"resetPassword": true, "acceptInvitation": true,
	"castBallotWithCode":          true, // voting-code redemption: the code is the credential
	"answerParticipationSurvey":   true, // one-time survey token handed out after voting
	"giveAmbassadorConsent":       true, // nominee consent by the e-mailed one-time link
	"declineAmbassadorNomination": true, // the nominee declines by the same link
}

// dummyValue builds a well-typed value for a GraphQL input type, so every
// mutation can be called with an input that passes validation.
func dummyValue(s *ast.Schema, t *ast.Type) any {
	if t.Elem != nil {
		return []any{dummyValue(s, t.Elem)}
	}
	def := s.Types[t.NamedType]
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[0].Name
	case ast.InputObject:
		obj := map[string]any{}
		for _, f := range def.Fields {
			if f.Type.NonNull {
				obj[f.Name] = dummyValue(s, f.Type)
			}
		}
		return obj
	}
	switch t.NamedType {
	case "ID":
		return gid.Encode("Organisation", uuid.New())
	case "Int":
		return 1
	case "Float":
		return 1.5
	case "Boolean":
		return true
	case "Money":
		return "1.00"
	case "DateTime":
		return "2026-06-30T12:00:00+02:00"
	case "Upload":
		return nil // the file is a part of a multipart request (uploadAt)
	}
	return "x"
}

func TestMutations_RefuseAnonymousCallersExceptTheAnonymousOnes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	var names []string
	for _, f := range schema.Mutation.Fields {
		if !strings.HasPrefix(f.Name, "__") {
			names = append(names, f.Name)
		}
	}
	sort.Strings(names)
	require.NotEmpty(t, names)
	generic := i18n.T(i18n.PL, "error.unauthenticated", nil)
	for name := range anonymousMutations {
		require.NotNil(t, schema.Mutation.Fields.ForName(name), "listed anonymous mutation %s is not in the schema", name)
	}
	for _, name := range names {
		f := schema.Mutation.Fields.ForName(name)
		require.Len(t, f.Arguments, 1, "%s takes one input argument", name)
		arg := f.Arguments[0]
		require.Equal(t, "input", arg.Name, name)
		q := fmt.Sprintf("mutation($input: %s) { %s(input: $input) { __typename } }", arg.Type.String(), name)
		var res gqlResponse
		if takesUpload(schema, arg.Type) {
			res = b.uploadAt(t, q, map[string]any{"input": dummyValue(schema, arg.Type)}, "variables.input.file", "x.pdf", testPDF)
		} else {
			res = b.gql(t, q, map[string]any{"input": dummyValue(schema, arg.Type)})
		}
		if anonymousMutations[name] {
			// It may fail on the dummy input (signIn answers UNAUTHENTICATED
			// for bad credentials), but not with the generic refusal.
			if len(res.Errors) > 0 {
				require.NotEqual(t, generic, res.Errors[0].Message, "%s is meant for anonymous callers", name)
			}
			continue
		}
		require.Equal(t, "UNAUTHENTICATED", res.code(), "%s answered an anonymous caller with %+v", name, res.Errors)
		require.Nil(t, res.Data[name], name)
	}
}

func TestHostileQueries_GetCleanErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)

	deep := "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }"
	res := b.gql(t, deep, nil)
	require.Equal(t, "DEPTH_LIMIT_EXCEEDED", res.code())
	require.Nil(t, res.Data)

	var aliases strings.Builder
	aliases.WriteString("{")
	for i := range 60 {
		fmt.Fprintf(&aliases, " a%d: organisations(first: 100) { edges { node { id name slug } } }", i)
	}
	aliases.WriteString(" }")
	res = b.gql(t, aliases.String(), nil)
	require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", res.code())

	// Fragments spread many times expand exponentially; refused before expansion.
	var frags strings.Builder
	frags.WriteString("query { ...F0 }\n")
	for i := range 30 {
		fmt.Fprintf(&frags, "fragment F%d on Query { a: organisations { totalCount } ...F%d b: __typename ...F%d }\n", i, i+1, i+1)
	}
	frags.WriteString("fragment F30 on Query { __typename }\n")
	res = b.gql(t, frags.String(), nil)
	require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", res.code(), "%+v", res.Errors)
	require.Contains(t, res.Errors[0].Message, "selects more than", "refused by the expansion limit before anything walks the expansion")

	huge := "{" + strings.Repeat(" __typename", 20000) + " }"
	res = b.gql(t, huge, nil)
	require.Equal(t, "GRAPHQL_PARSE_FAILED", res.code(), "%+v", res.Errors)

	res = b.raw(t, "application/json", []byte("{\"query\": \"{ __typename \xff\xfe }\"}"))
	require.NotEqual(t, http.StatusInternalServerError, res.Status)
	require.NotEmpty(t, res.Errors)

	res = b.gql(t, `query($first: Int) { organisations(first: $first) { totalCount } }`, map[string]any{"first": "ten"})
	require.Equal(t, "GRAPHQL_VALIDATION_FAILED", res.code())

	res = b.gql(t, `{ organisations(first: 1000) { totalCount } }`, nil)
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "first", res.Errors[0].Extensions["field"])

	res = b.raw(t, "application/json", []byte(`{"query": "{ __typename }", "variables": [1,2]}`))
	require.NotEqual(t, http.StatusInternalServerError, res.Status)

	big := make([]byte, 2<<20)
	for i := range big {
		big[i] = ' '
	}
	copy(big, `{"query": "{ __typename }"`)
	big[len(big)-1] = '}'
	res = b.raw(t, "application/json", big)
	require.NotEqual(t, http.StatusInternalServerError, res.Status)
	require.NotEqual(t, http.StatusOK, res.Status)
}

func TestErrors_AreLocalisedAndCarryCodes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	q := `mutation { signIn(input: {email: "nobody@example.org", password: "wrong password!"}) { token } }`
	en := b.gql(t, q, nil, withLanguage("en-GB,en;q=0.9"))
	uk := b.gql(t, q, nil, withLanguage("uk-UA,uk;q=0.9"))
	require.Equal(t, "UNAUTHENTICATED", en.code())
	require.Equal(t, "UNAUTHENTICATED", uk.code())
	require.NotEqual(t, en.Errors[0].Message, uk.Errors[0].Message)
	require.NotContains(t, en.Errors[0].Message, "auth.")

	res := b.gql(t, `mutation { signUp(input: {email: "not-an-email", password: "correct horse battery", displayName: "X"}) { token } }`, nil)
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "email", res.Errors[0].Extensions["field"])
	require.Nil(t, res.Errors[0].Extensions["fields"], "one wrong field: no list")

	// Several wrong fields: the first as ever, and all of them listed.
	res = b.gql(t, `mutation { signUp(input: {email: "not-an-email", password: "short", displayName: " "}) { token } }`, nil, withLanguage("en"))
	require.Equal(t, "INVALID_INPUT", res.code())
	require.Equal(t, "displayName", res.Errors[0].Extensions["field"])
	fields := res.Errors[0].Extensions["fields"].([]any)
	require.Len(t, fields, 3)
	for i, f := range []string{"displayName", "email", "password"} {
		require.Equal(t, f, fields[i].(map[string]any)["field"])
		require.NotEmpty(t, fields[i].(map[string]any)["message"])
	}
}

func TestMalformedRequests_AreInvalidInputNotInternal(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, body := range []string{`{ "not a JSON`, `{"variables": {}}`, "{\"query\": \"{ __typename \xff }\"}"} {
		res := b.raw(t, "application/json", []byte(body))
		require.NotEqual(t, http.StatusInternalServerError, res.Status, body)
		require.NotEmpty(t, res.Errors, body)
		require.NotEqual(t, "INTERNAL", res.code(), body)
	}
}
