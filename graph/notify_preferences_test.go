package graph_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Two devices change different preferences at the same moment: both
// changes hold. (The mutation read, changed and wrote the preferences in
// separate statements, so one change could overwrite the other.)
func TestUpdateNotificationPreferences_ConcurrentChangesOfDifferentPreferencesBothHold(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token := b.signUp(t, "dwa-urzadzenia@example.org")
	const update = `mutation($in: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $in) {
		preferences { inApp email digest locale } } }`
	set := func(in map[string]any) map[string]any {
		res := b.gql(t, update, map[string]any{"in": in}, withToken(token))
		require.Empty(t, res.Errors)
		return res.Data["updateNotificationPreferences"].(map[string]any)["preferences"].(map[string]any)
	}
	require.Equal(t, map[string]any{"inApp": true, "email": true, "digest": "IMMEDIATE", "locale": nil},
		set(map[string]any{"email": true}))

	for round := range 25 {
		var wg sync.WaitGroup
		wg.Go(func() { set(map[string]any{"inApp": false}) })
		wg.Go(func() { set(map[string]any{"digest": "DAILY"}) })
		wg.Go(func() { set(map[string]any{"locale": "UK"}) })
		wg.Wait()
		res := b.gql(t, `{ me { notificationPreferences { inApp email digest locale } } }`, nil, withToken(token))
		require.Empty(t, res.Errors)
		require.Equal(t, map[string]any{"inApp": false, "email": true, "digest": "DAILY", "locale": "UK"},
			res.Data["me"].(map[string]any)["notificationPreferences"], "round %d", round)
		// Back to the start; leaving out a preference keeps it.
		require.Equal(t, map[string]any{"inApp": true, "email": true, "digest": "IMMEDIATE", "locale": "UK"},
			set(map[string]any{"inApp": true, "digest": "IMMEDIATE"}))
	}
}
