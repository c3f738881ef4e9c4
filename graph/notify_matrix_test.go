package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var _ = matrixFor("notify.graphqls")

// welcomeNotification waits for the account's welcome notification (a River
// job delivers it) and returns its id.
func (b *bundle) welcomeNotification(t *testing.T, token string) string {
	t.Helper()
	var id string
	require.Eventually(t, func() bool {
		res := b.gql(t, `{ me { notifications(first: 50) { edges { node { id kind } } } } }`, nil, withToken(token))
		require.Empty(t, res.Errors)
		for _, e := range dig(res.Data, "me", "notifications", "edges").([]any) {
			if dig(e, "node", "kind") == "welcome" {
				id = dig(e, "node", "id").(string)
				return true
			}
		}
		return false
	}, 15*time.Second, 50*time.Millisecond)
	return id
}

// TestNotificationMutations_PermissionMatrix tries both mutations of
// notify.graphqls with every kind of caller. Both act on the caller's own
// notifications and preferences only: there is no account to name, and
// another account's notification id marks nothing (as an unknown id would,
// so that it reveals nothing either).
func TestNotificationMutations_PermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newCallerFixture(t)
	b := f.b
	signedIn := f.callers(callerAnonymous)
	other := b.signUp(t, "ofiara@example.org")
	otherWelcome := b.welcomeNotification(t, other)
	welcome := map[string]string{callerAnonymous: otherWelcome}
	for _, c := range signedIn {
		welcome[c] = b.welcomeNotification(t, f.tokens[c])
	}
	mark := `mutation($ids: [ID!]) { markNotificationsRead(input: {ids: $ids}) { markedCount unreadCount } }`
	readAt := func(token, id string) any {
		t.Helper()
		res := b.gql(t, `query($id: ID!) { node(id: $id) { ... on Notification { readAt } } }`, map[string]any{"id": id}, withToken(token))
		require.Empty(t, res.Errors)
		return dig(res.Data, "node", "readAt")
	}
	requireOtherUntouched := func(t *testing.T, _ map[string]gqlResponse) {
		require.Nil(t, readAt(other, otherWelcome), "another account's notification stays unread")
	}
	prefs := `notificationPreferences { inApp email locale digest }`
	defaults := map[string]any{"inApp": true, "email": true, "locale": nil, "digest": "IMMEDIATE"}
	digests := []string{"DAILY", "WEEKLY", "OFF"}
	chosen := func(c string) map[string]any { // different for each caller
		i := slices.Index(signedIn, c)
		return map[string]any{"inApp": i%2 == 0, "email": false, "locale": "UK", "digest": digests[i%len(digests)]}
	}

	tries := []matrixTry{
		{name: "markNotificationsRead", label: "another account's notification", query: mark,
			vars: fixedVars(map[string]any{"ids": []string{otherWelcome}}), allowed: signedIn,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, float64(0), dig(res.Data, "markNotificationsRead", "markedCount"), c)
				}
				requireOtherUntouched(t, got)
			}},
		{name: "markNotificationsRead", label: "own notification", query: mark,
			vars:    func(c string) map[string]any { return map[string]any{"ids": []string{welcome[c]}} },
			allowed: signedIn,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, float64(1), dig(res.Data, "markNotificationsRead", "markedCount"), c)
					require.NotNil(t, readAt(f.tokens[c], welcome[c]), c)
				}
				requireOtherUntouched(t, got)
			}},
		{name: "markNotificationsRead", label: "all own notifications", query: mark, allowed: signedIn,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for c, res := range got {
					require.Equal(t, float64(0), dig(res.Data, "markNotificationsRead", "unreadCount"), c)
				}
				requireOtherUntouched(t, got)
			}},
		{name: "updateNotificationPreferences",
			query: `mutation($in: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $in) { preferences { inApp email locale digest } } }`,
			vars: func(c string) map[string]any {
				if c == callerAnonymous {
					return map[string]any{"in": map[string]any{"digest": "OFF"}}
				}
				return map[string]any{"in": chosen(c)}
			},
			allowed: signedIn,
			effect: func(t *testing.T, got map[string]gqlResponse) {
				for _, c := range signedIn {
					require.Equal(t, chosen(c), dig(got[c].Data, "updateNotificationPreferences", "preferences"), c)
					require.Equal(t, chosen(c), b.me(t, f.tokens[c], prefs)["notificationPreferences"], "each changed only their own")
				}
				require.Equal(t, defaults, b.me(t, other, prefs)["notificationPreferences"])
			}},
	}
	runMatrix(t, b, f.tokens, "notify.graphqls", tries)
}
