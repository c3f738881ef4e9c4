package graph_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// A client that did not hear createSubmission's answer sends it again with
// its submissionKey and gets the same submission; other content under the
// key is CONFLICT with its own message; concurrent retries make one row.
func TestCreateSubmission_KeyMakesARetryReturnTheSameSubmission(t *testing.T) {
	t.Parallel()
	f := newConsultationFixture(t)
	b := f.b
	id := f.openConsultation(t)
	submit := `mutation($in: CreateSubmissionInput!) { createSubmission(input: $in) { submission { id } } }`
	in := map[string]any{"consultationId": id, "kind": "POSTULATE", "locale": "PL", "text": "Ławki wzdłuż bulwarów.",
		"submissionKey": "graph-retry-key-0123456789"}
	subID := func(res gqlResponse) string {
		t.Helper()
		require.Empty(t, res.Errors)
		return res.Data["createSubmission"].(map[string]any)["submission"].(map[string]any)["id"].(string)
	}

	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Go(func() {
			res := b.gql(t, submit, map[string]any{"in": in}, withToken(f.alice))
			if len(res.Errors) == 0 {
				ids[i] = res.Data["createSubmission"].(map[string]any)["submission"].(map[string]any)["id"].(string)
			}
		})
	}
	wg.Wait()
	for _, got := range ids {
		require.Equal(t, ids[0], got, "every concurrent retry answers the one submission")
	}
	require.Equal(t, ids[0], subID(b.gql(t, submit, map[string]any{"in": in}, withToken(f.alice))))
	var rows int
	require.NoError(t, b.pool.QueryRow(context.Background(), `select count(*) from submissions s join accounts a on a.id = s.author_id
		where a.email = 'mieszkaniec0@example.org'`).Scan(&rows))
	require.Equal(t, 1, rows)

	other := map[string]any{"consultationId": id, "kind": "POSTULATE", "locale": "PL", "text": "Ławki i drzewa.",
		"submissionKey": in["submissionKey"]}
	res := b.gql(t, submit, map[string]any{"in": other}, withToken(f.alice), withLanguage("en"))
	require.Equal(t, "CONFLICT", res.code())
	require.Equal(t, "This submission key was already used for other content.", res.Errors[0].Message)

	// Bob's key is his own.
	require.NotEqual(t, ids[0], subID(b.gql(t, submit, map[string]any{"in": in}, withToken(f.bob))))

	// Too short, and empty: a given key, not "no key".
	for _, k := range []string{"short", ""} {
		in["submissionKey"] = k
		res = b.gql(t, submit, map[string]any{"in": in}, withToken(f.alice), withLanguage("en"))
		require.Equal(t, "INVALID_INPUT", res.code(), "key %q", k)
		require.Equal(t, "submissionKey", res.Errors[0].Extensions["field"])
		require.Equal(t, "Invalid submission key (from 16 to 200 characters).", res.Errors[0].Message)
	}
}
